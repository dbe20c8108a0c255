"""Purchase cycle 购买周期: the customers due to re-order within the notice window
(``IntelligenceSettings.reorder_notice_days``) and those overdue, with their typical interval
between orders, how many intervals it rests on, the last order day and the due date.

Read from the stored cycles of the nightly run (``analytics.services.rfm``) for the customers
the reader may see; the daily reminders (``services.reorder``) tell the owners about the same
customers. Three queries: the settings, the counts, the listed customers (soonest due first).
"""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts
from guanxi.analytics.forms.reports import ReportFilterForm, limit_field
from guanxi.analytics.framework import (
    DATE,
    ID,
    INTEGER,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.models import IntelligenceSettings
from guanxi.analytics.selectors.scores import reorder_due_condition, scores_in_scope

OVERDUE = "overdue"
DUE = "due"


class PurchaseCycleForm(ReportFilterForm):
    default_preset = None
    drop = ("preset", "date_from", "date_to")

    due = forms.ChoiceField(
        label=_("Re-order"),
        required=False,
        choices=[
            ("", _("Due soon or overdue")),
            (DUE, _("Due soon")),
            (OVERDUE, _("Overdue")),
        ],
    )
    limit = limit_field(default=100, maximum=1000)
    api_help = {
        "due": "overdue: the due date is past; due: due within the notice days; empty: both.",
        "limit": "How many customers to list, soonest due first (1–1000, default 100).",
    }


CUSTOMERS = TableSpec(
    "customers",
    _("Customers due to re-order"),
    (
        Column("customer", _("Customer id"), ID),
        Column("code", _("Customer code")),
        Column("name", _("Customer")),
        Column("owner_name", _("Account manager")),
        Column("cycle_days", _("Purchase cycle (days)"), INTEGER),
        Column(
            "intervals",
            _("Intervals"),
            INTEGER,
            help="How many intervals between order days the cycle rests on.",
        ),
        Column("last_order", _("Last order"), DATE),
        Column("next_due", _("Next order due"), DATE),
        Column("days_overdue", _("Days overdue"), INTEGER),
    ),
    hidden=("customer",),
)
SUMMARY = (
    Column("overdue", _("Overdue"), INTEGER),
    Column("due_soon", _("Due soon"), INTEGER),
    Column("notice_days", _("Notice (days)"), INTEGER),
)


def _row(row: tuple[Any, ...], today: date) -> dict[str, Any]:
    customer, code, name, last_name, first_name, username, cycle, intervals, due = row
    # Listed rows are due, so they have a cycle: the last order day is the due date − cycle.
    return {
        "customer": customer,
        "code": code,
        "name": name,
        "owner_name": User.display_name(last_name, first_name, username),
        "cycle_days": cycle,
        "intervals": intervals,
        "last_order": due - timedelta(days=cycle),
        "next_due": due,
        "days_overdue": max((today - due).days, 0),
    }


def compute(actor: User, params: ReportParams) -> ReportData:
    notice = IntelligenceSettings.current().reorder_notice_days
    today = timezone.localdate()
    scores = scores_in_scope(actor=actor, params=params).filter(
        reorder_due_condition(today=today, notice_days=notice)
    )
    counts = scores.aggregate(
        overdue=Count("customer_id", filter=Q(next_order_due__lt=today)),
        due_soon=Count("customer_id", filter=Q(next_order_due__gte=today)),
        computed=Max("cycle_at"),
    )
    if params.get("due"):
        scores = scores.filter(
            reorder_due_condition(today=today, notice_days=notice, which=params["due"])
        )
    listed = scores.order_by("next_order_due", "customer_id").values_list(
        "customer_id",
        "customer__code",
        "customer__name",
        "customer__owner__last_name",
        "customer__owner__first_name",
        "customer__owner__username",
        "cycle_days",
        "cycle_intervals",
        "next_order_due",
    )[: params.get("limit") or 100]
    customers = [_row(row, today) for row in listed]
    return {
        "date_from": None,
        "date_to": None,
        "as_of": counts["computed"],
        "summary": {
            "overdue": counts["overdue"],
            "due_soon": counts["due_soon"],
            "notice_days": notice,
        },
        "customers": customers,
    }


def chart(data: ReportData) -> charts.go.Figure:
    """Listed customers per due date: overdue in the brand colour, due soon in blue."""
    per_day: dict = {}
    for row in data["customers"]:
        per_day[row["next_due"]] = per_day.get(row["next_due"], 0) + 1
    days = sorted(per_day)
    today = timezone.localdate()
    return charts.figure(
        charts.go.Bar(
            x=[day.isoformat() for day in days],
            y=[per_day[day] for day in days],
            name=str(_("Customers due to re-order")),
            marker={
                "color": [charts.PALETTE[0] if day < today else charts.PALETTE[1] for day in days]
            },
        ),
        xaxis={"title": {"text": str(_("Next order due"))}, "type": "date"},
        yaxis=charts.count_axis(title=_("Customers")),
    )


REPORT = register(
    ReportDefinition(
        slug="purchase-cycle",
        name="purchase_cycle",
        title=_("Purchase cycle"),
        description=_(
            "Customers whose next order is due within the notice days or overdue, from their "
            "typical interval between orders (the median, over at least the intervals the "
            "settings ask for). Computed every night; owners are reminded."
        ),
        form_class=PurchaseCycleForm,
        compute=compute,
        chart=chart,
        tables=(CUSTOMERS,),
        summary=SUMMARY,
    )
)
