"""The KPI dashboard 关键指标: each KPI formula whose inputs Guanxi records, for a period
against the period before it (the previous calendar month, quarter or year; the same number
of days before for other ranges), within the actor's scope.

Each KPI has a definition (shown on the page) and a link to the records or report behind it.
The campaign KPIs (response rate, ROI) are left out until campaigns exist. The figures are read
with a fixed number of aggregate queries per period (``selectors.kpis.kpi_facts``); the KPIs are
formulas on them.
A rate whose denominator is 0 is None ("—").

Once the day figures exist (``analytics.selectors.rollups``), the facts are partly read from
them; the dashboard then gives the older refresh time as ``as_of``.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import periods
from guanxi.analytics.caching import cached
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.selectors.kpis import Facts, kpi_facts
from guanxi.analytics.sessions import report_transaction

PERCENT = "percent"
MONEY = "money"
NUMBER = "number"
HOURS = "hours"


@dataclass(frozen=True)
class KPI:
    key: str
    label: object
    definition: object
    unit: str
    formula: Callable[[dict[str, Any]], Decimal | None]  # facts -> value
    link: Callable[[datetime.date, datetime.date], str]  # (date_from, date_to) -> url


def _ratio(part: Any, whole: Any, scale: int = 1) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * scale / Decimal(whole)).quantize(periods.CENT)


def _hours(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 3600).quantize(periods.CENT)


def _url(name: str, *args: str, **query: Any) -> Callable[[datetime.date, datetime.date], str]:
    def link(date_from: datetime.date, date_to: datetime.date) -> str:
        base = reverse(name, args=args)
        values = {key: value for key, value in query.items() if value}
        if query.get("dates"):
            values.pop("dates")
            values.update(date_from=date_from.isoformat(), date_to=date_to.isoformat())
        return f"{base}?{urlencode(values)}" if values else base

    return link


def _report(slug: str) -> Callable[[datetime.date, datetime.date], str]:
    return _url("analytics:report", slug, dates=True)


def _percent_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(periods.CENT)


def _growth(f: Facts) -> Decimal | None:
    return None  # computed by dashboard(), which has both periods


KPIS = [
    KPI(
        "sales_quota",
        _("Sales quota"),
        _("The sum of the sales reps' all-product targets lying inside the period."),
        MONEY,
        lambda f: f["target"],
        _url("sales:target_list"),
    ),
    KPI(
        "sales_total",
        _("Sales total"),
        _("The amount of the orders dated in the period, cancelled ones excluded."),
        MONEY,
        lambda f: periods.money(f["amount"]),
        _url("sales:order_list", dates=True),
    ),
    KPI(
        "plan_achievement",
        _("Plan achievement rate"),
        _("Actual ÷ target: what the reps sold in their targets' periods ÷ their targets."),
        PERCENT,
        lambda f: _ratio(f["target_achieved"], f["target"], 100),
        _url("sales:target_list"),
    ),
    KPI(
        "sales_growth",
        _("Sales growth rate"),
        _("(This period's sales − the previous period's) ÷ the previous period's."),
        PERCENT,
        _growth,
        _report("sales-trend"),
    ),
    KPI(
        "close_rate",
        _("Close rate"),
        _("Opportunities won ÷ opportunities closed (won or lost) in the period."),
        PERCENT,
        lambda f: _ratio(f["won"], f["won"] + f["lost"], 100),
        _url("sales:opportunity_list"),
    ),
    KPI(
        "failure_rate",
        _("Failure rate"),
        _("Opportunities lost ÷ opportunities closed (won or lost) in the period."),
        PERCENT,
        lambda f: _ratio(f["lost"], f["won"] + f["lost"], 100),
        _url("sales:opportunity_list"),
    ),
    KPI(
        "average_unit_sale",
        _("Average unit sale (客单价)"),
        _("Sales amount ÷ number of orders."),
        MONEY,
        lambda f: _ratio(f["amount"] or 0, f["orders"]),
        _url("sales:order_list", dates=True),
    ),
    KPI(
        "items_per_transaction",
        _("Items per transaction (客单件)"),
        _("Items sold (the quantities of the order lines) ÷ number of orders."),
        NUMBER,
        lambda f: _ratio(f["items"] or 0, f["orders"]),
        _url("sales:order_list", dates=True),
    ),
    KPI(
        "purchase_frequency",
        _("Purchase frequency"),
        _("Orders ÷ customers who ordered in the period."),
        NUMBER,
        lambda f: _ratio(f["orders"], f["buyers"]),
        _report("customer-contribution"),
    ),
    KPI(
        "average_order_size",
        _("Average order size"),
        _("Order lines (products) per order."),
        NUMBER,
        lambda f: _ratio(f["lines"], f["orders"]),
        _url("sales:order_list", dates=True),
    ),
    KPI(
        "lead_success_ratio",
        _("Lead success ratio"),
        _("Leads converted ÷ leads closed (converted or disqualified) in the period."),
        PERCENT,
        lambda f: _ratio(f["converted"], f["converted"] + f["disqualified"], 100),
        _url("sales:lead_list"),
    ),
    KPI(
        "lead_conversion_rate",
        _("Lead conversion rate"),
        _("Leads converted in the period ÷ leads received in the period."),
        PERCENT,
        lambda f: _ratio(f["converted"], f["leads"], 100),
        _url("sales:lead_list"),
    ),
    KPI(
        "complaint_rate",
        _("Complaint rate"),
        _("Complaints received in the period ÷ customers at the end of the period."),
        PERCENT,
        lambda f: _ratio(f["complaints"], f["customers_at_end"], 100),
        _report("service-composition"),
    ),
    KPI(
        "average_satisfaction",
        _("Average satisfaction"),
        _("The mean feedback (1–5) of the service requests received in the period."),
        NUMBER,
        lambda f: None if f["satisfaction"] is None else periods.money(f["satisfaction"]),
        _report("service-composition"),
    ),
    KPI(
        "first_response_hours",
        _("Average first-response time (hours)"),
        _("From a request's creation to its first response, for requests of the period."),
        HOURS,
        lambda f: _hours(f["first_response"]),
        _report("service-composition"),
    ),
    KPI(
        "resolution_hours",
        _("Average resolution time (hours)"),
        _("From a request's creation to its archiving, for requests of the period."),
        HOURS,
        lambda f: _hours(f["resolution"]),
        _report("service-composition"),
    ),
    KPI(
        "acquisition_rate",
        _("Acquisition rate"),
        _("New customers in the period ÷ customers at its start."),
        PERCENT,
        lambda f: _ratio(f["new_customers"], f["customers_at_start"], 100),
        _url("customers:list"),
    ),
    KPI(
        "retention_rate",
        _("Retention rate"),
        _("(Customers at the start − those who churned in the period) ÷ customers at the start."),
        PERCENT,
        lambda f: _ratio(f["customers_at_start"] - f["churned"], f["customers_at_start"], 100),
        _report("churn"),
    ),
    KPI(
        "churn_rate",
        _("Churn rate"),
        _("Customers whose churn was confirmed in the period ÷ customers at its start."),
        PERCENT,
        lambda f: _ratio(f["churned"], f["customers_at_start"], 100),
        _report("churn"),
    ),
    KPI(
        "win_back_rate",
        _("Win-back rate"),
        _("Of the customers who churned in the period, the share who have ordered again since."),
        PERCENT,
        lambda f: _ratio(f["won_back"], f["churned"], 100),
        _report("churn"),
    ),
    KPI(
        "completeness",
        _("Customer information completeness"),
        _("The average share of a customer's key fields that are filled (today, not per period)."),
        PERCENT,
        lambda f: f["completeness"],
        _url("customers:completeness"),
    ),
    KPI(
        "data_update_rate",
        _("Data update rate"),
        _("Customers changed in the period ÷ customers at the end of the period."),
        PERCENT,
        lambda f: _ratio(f["updated_customers"], f["customers_at_end"], 100),
        _url("customers:list"),
    ),
    KPI(
        "crm_usage_rate",
        _("CRM usage rate"),
        _(
            "Sales reps who signed in during the period ÷ sales reps (account managers, and "
            "supervisors who own customers)."
        ),
        PERCENT,
        lambda f: _ratio(f["active_users"], f["reps"], 100),
        _report("employee-performance"),
    ),
    KPI(
        "follow_ups_per_rep",
        _("Follow-ups per rep"),
        _("Interactions with customers in the period ÷ sales reps."),
        NUMBER,
        lambda f: _ratio(f["interactions"], f["reps"]),
        _url("customers:interaction_list"),
    ),
]


def dashboard(*, actor: User, date_from: datetime.date, date_to: datetime.date) -> dict[str, Any]:
    """Every KPI for the period and the one before it, with the change between them."""
    previous_from, previous_to = periods.previous_range(date_from, date_to)
    with report_transaction():
        current = kpi_facts(
            actor=actor, date_from=date_from, date_to=date_to, with_completeness=True
        )
        previous = kpi_facts(actor=actor, date_from=previous_from, date_to=previous_to)
    current["completeness"] = previous["completeness"] = _percent_or_none(current["completeness"])
    rows = []
    for kpi in KPIS:
        if kpi.key == "sales_growth":
            value = _ratio(
                (current["amount"] or 0) - (previous["amount"] or 0), previous["amount"], 100
            )
            before = None
        else:
            value, before = kpi.formula(current), kpi.formula(previous)
        rows.append(
            {
                "key": kpi.key,
                "label": str(kpi.label),
                "definition": str(kpi.definition),
                "unit": kpi.unit,
                "value": value,
                "previous": before,
                "change": None if before is None or value is None else value - before,
                "link": kpi.link(date_from, date_to),
            }
        )
    return {
        "date_from": date_from,
        "date_to": date_to,
        "previous_from": previous_from,
        "previous_to": previous_to,
        "kpis": rows,
        # Figures read partly from the day rollup are as of its refresh.
        **({"as_of": current["as_of"]} if "as_of" in current else {}),
    }


class KPIForm(ReportFilterForm):
    """The KPI dashboard's filter: the period only (the scope is the actor's)."""

    drop = ("owner", "team", "region", "level")


def cached_dashboard(*, actor: User, params: ReportParams) -> dict[str, Any]:
    """:func:`dashboard` for the form's period through the short-lived result cache."""
    period = {"date_from": params["date_from"], "date_to": params["date_to"]}
    return cached(
        "kpis", actor=actor, params=period, compute=lambda: dashboard(actor=actor, **period)
    )
