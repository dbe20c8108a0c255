"""Churn analysis 客户流失分析: the customers whose churn was confirmed in the period, with the
reason, the account manager and the date; counts per month/quarter/year and per reason.

A churn is a confirmed churn case 流失 (``ChurnCase`` in state *confirmed*) closed in the period;
a customer won back since (state *won back*) no longer counts. Cases of customers in the
recycle bin do not count. Two queries: counts per (period, reason), and the list.
"""

from django import forms
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm, granularity_field, limit_field
from guanxi.analytics.framework import (
    DATE,
    ID,
    INTEGER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors.reports import customer_filter, live_customer_q
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import ChurnCase


class ChurnForm(ReportFilterForm):
    granularity = granularity_field()
    reason = forms.ModelChoiceField(
        label=_("Churn reason"),
        required=False,
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.CHURN_REASON).order_by(
            "sort_order", "code"
        ),
        empty_label=_("All"),
    )
    limit = limit_field(default=100, maximum=1000)
    api_help = {
        "granularity": "Count per month, quarter or year (default month).",
        "reason": "Id of a churn reason dictionary entry.",
        "limit": "How many churned customers to list, newest first (1–1000, default 100).",
    }


BY_PERIOD = TableSpec(
    "by_period",
    _("Churned customers per period"),
    (
        Column("period", _("Period")),
        Column("start", _("From"), DATE),
        Column("customers", _("Churned customers"), INTEGER),
    ),
)
BY_REASON = TableSpec(
    "by_reason",
    _("Churned customers per reason"),
    (
        Column("key", _("Code")),
        Column("reason", _("Churn reason")),
        Column("customers", _("Churned customers"), INTEGER),
        Column("share", _("Share (%)"), PERCENT),
    ),
    hidden=("key",),
)
CUSTOMERS = TableSpec(
    "customers",
    _("Churned customers"),
    (
        Column("date", _("Churn date"), DATE),
        Column("customer", _("Customer id"), ID),
        Column("code", _("Customer code")),
        Column("name", _("Customer")),
        Column("owner_name", _("Account manager")),
        Column("reason", _("Churn reason")),
        Column("details", _("Reason details")),
        Column("last_order", _("Last order"), DATE),
    ),
    hidden=("customer",),
)
SUMMARY = (Column("customers", _("Churned customers"), INTEGER),)


def compute(actor: User, params: ReportParams) -> ReportData:
    granularity = params.get("granularity") or periods.MONTH
    start, end = periods.day_bounds(params["date_from"], params["date_to"])
    cases = (
        scope_queryset(ChurnCase.objects.all(), actor)
        .filter(
            state=ChurnCase.State.CONFIRMED,
            closed_at__gte=start,
            closed_at__lt=end,
        )
        .filter(live_customer_q())
    )
    cases = cases.filter(customer_filter(params, prefix="customer__"))
    if params.get("reason") is not None:
        cases = cases.filter(reason=params["reason"])
    trunc = periods.TRUNC[granularity]
    grouped = (
        cases.order_by()
        .annotate(bucket=trunc("closed_at"))
        .values("bucket", "reason_id")
        .annotate(customers=Count("id"))
    )
    per_bucket: dict = {}
    per_reason: dict = {}
    for row in grouped:
        bucket = periods.local_date(row["bucket"])
        per_bucket[bucket] = per_bucket.get(bucket, 0) + row["customers"]
        per_reason[row["reason_id"]] = per_reason.get(row["reason_id"], 0) + row["customers"]
    total = sum(per_reason.values())
    by_period = [
        {
            "period": periods.bucket_label(bucket, granularity),
            "start": bucket,
            "customers": per_bucket.get(bucket, 0),
        }
        for bucket in periods.bucket_starts(params["date_from"], params["date_to"], granularity)
    ]
    reasons = (
        DictionaryEntry.all_objects.filter(kind=DictionaryKind.CHURN_REASON)
        .only("code", "name_zh", "name_en", "is_active", "deleted_at")
        .order_by("sort_order", "code")
    )
    by_reason = []
    labels = {}
    for entry in reasons:
        labels[entry.pk] = entry.label
        count = per_reason.pop(entry.pk, 0)
        if count or (entry.is_active and entry.deleted_at is None):
            by_reason.append({"key": entry.code, "reason": entry.label, "customers": count})
    unknown = sum(per_reason.values())  # no reason recorded
    if unknown:
        by_reason.append({"key": "", "reason": str(_("Not recorded")), "customers": unknown})
    for row in by_reason:
        row["share"] = periods.percent(row["customers"], total)
    # Plain rows of only the columns the table shows, dates made local in the database: for a
    # hundred cases, building model instances took longer than the query took to run.
    listed = (
        cases.order_by("-closed_at", "-id")
        .annotate(day=TruncDate("closed_at"), last_order=TruncDate("last_order_at"))
        .values_list(
            "day",
            "customer_id",
            "customer__code",
            "customer__name",
            "owner__last_name",
            "owner__first_name",
            "owner__username",
            "reason_id",
            "reason_text",
            "last_order",
        )[: params.get("limit") or 100]
    )
    customers = [
        {
            "date": row[0],
            "customer": row[1],
            "code": row[2],
            "name": row[3],
            "owner_name": User.display_name(*row[4:7]),
            "reason": labels.get(row[7], ""),
            "details": row[8],
            "last_order": row[9],
        }
        for row in listed
    ]
    return {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "summary": {"customers": total},
        "by_period": by_period,
        "by_reason": by_reason,
        "customers": customers,
    }


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["by_period"]
    return charts.figure(
        charts.go.Bar(
            x=[row["period"] for row in rows],
            y=[row["customers"] for row in rows],
            name=str(_("Churned customers")),
        ),
        xaxis={"type": "category"},
        yaxis=charts.count_axis(title=_("Churned customers")),
    )


REPORT = register(
    ReportDefinition(
        slug="churn",
        name="churn",
        title=_("Churn analysis"),
        description=_(
            "Customers whose churn was confirmed in the period, with reason, account manager "
            "and date; counted per period and per reason."
        ),
        form_class=ChurnForm,
        compute=compute,
        chart=chart,
        tables=(BY_PERIOD, BY_REASON, CUSTOMERS),
        summary=SUMMARY,
    )
)
