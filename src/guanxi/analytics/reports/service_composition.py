"""Service composition 客户服务分析: the service requests created in a period by type, status or
channel — how many, their share, how many are archived and their average satisfaction.

Requests in the actor's scope (their customers', assigned to or filed by people in it); the
recycle bin excluded. The customer filters (account manager, team, region, level) apply to the
request's customer. One grouped query.
"""

from decimal import Decimal

from django import forms
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    INTEGER,
    NUMBER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors.reports import customer_filter
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset
from guanxi.service.models import ServiceRequest

DIMENSIONS = [("type", _("Service type")), ("status", _("Status")), ("channel", _("Channel"))]
_COLUMN = {"type": "service_type_id", "status": "status", "channel": "channel_id"}
_DICTIONARY = {"type": DictionaryKind.SERVICE_TYPE, "channel": DictionaryKind.CHANNEL}


class ServiceCompositionForm(ReportFilterForm):
    by = forms.ChoiceField(label=_("By"), required=False, choices=DIMENSIONS, initial="type")
    api_help = {"by": "The dimension to group by (default type)."}


ROWS = TableSpec(
    "rows",
    _("Service requests per group"),
    (
        Column("key", _("Code")),
        Column("label", _("Group")),
        Column("requests", _("Requests"), INTEGER),
        Column("share", _("Share (%)"), PERCENT),
        Column("archived", _("Archived"), INTEGER),
        Column("satisfaction", _("Average satisfaction"), NUMBER),
    ),
    hidden=("key",),
)
SUMMARY = (
    Column("requests", _("Requests"), INTEGER),
    Column("archived", _("Archived"), INTEGER),
    Column("satisfaction", _("Average satisfaction"), NUMBER),
)


def _groups(by: str):
    if by in _DICTIONARY:
        entries = DictionaryEntry.all_objects.filter(kind=_DICTIONARY[by]).order_by(
            "sort_order", "code"
        )
        return [
            (entry.code, entry.label, entry.pk, entry.is_active and entry.deleted_at is None)
            for entry in entries
        ]
    return [(value, str(label), value, True) for value, label in ServiceRequest.Status.choices]


def _average(total, rated):
    """The mean satisfaction from its sum and the number of rated requests (None if none)."""
    return periods.money(Decimal(total) / rated) if rated else None


def compute(actor: User, params: ReportParams) -> ReportData:
    by = params.get("by") or "type"
    requests = scope_queryset(ServiceRequest.objects.all(), actor)
    start, end = periods.day_bounds(params["date_from"], params["date_to"])
    requests = requests.filter(created_at__gte=start, created_at__lt=end)
    requests = requests.filter(customer_filter(params, prefix="customer__")).order_by()
    measures = {
        "requests": Count("id"),
        "archived": Count("id", filter=Q(status=ServiceRequest.Status.ARCHIVED)),
        # Sum and count rather than Avg, so the overall mean comes from the same one scan.
        "satisfaction_sum": Sum("satisfaction"),
        "rated": Count("satisfaction"),
    }
    column = _COLUMN[by]
    grouped = {row[column]: row for row in requests.values(column).annotate(**measures)}
    totals = {"requests": 0, "archived": 0}
    rows = []
    for key, label, value, listed in _groups(by):
        found = grouped.get(value)
        if not found and not listed:
            continue
        row = {"key": key, "label": label, "requests": 0, "archived": 0, "satisfaction": None}
        if found:
            row.update(
                requests=found["requests"],
                archived=found["archived"],
                satisfaction=_average(found["satisfaction_sum"], found["rated"]),
            )
        totals["requests"] += row["requests"]
        totals["archived"] += row["archived"]
        rows.append(row)
    for row in rows:
        row["share"] = periods.percent(row["requests"], totals["requests"])
    overall = _average(
        sum(row["satisfaction_sum"] or 0 for row in grouped.values()),
        sum(row["rated"] for row in grouped.values()),
    )
    return {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "summary": {**totals, "satisfaction": overall},
        "rows": rows,
    }


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["rows"]
    return charts.figure(
        charts.go.Bar(
            x=[row["label"] for row in rows],
            y=[row["requests"] for row in rows],
            name=str(_("Requests")),
        ),
        charts.go.Bar(
            x=[row["label"] for row in rows],
            y=[row["archived"] for row in rows],
            name=str(_("Archived")),
        ),
        barmode="group",
        xaxis={"type": "category"},
        yaxis=charts.count_axis(title=_("Requests")),
    )


REPORT = register(
    ReportDefinition(
        slug="service-composition",
        name="service_composition",
        title=_("Service composition"),
        description=_(
            "Service requests created in the period by type, status or channel, with how many "
            "are archived and their average satisfaction."
        ),
        form_class=ServiceCompositionForm,
        compute=compute,
        chart=chart,
        tables=(ROWS,),
        summary=SUMMARY,
    )
)
