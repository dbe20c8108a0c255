"""Customer composition 客户构成分析: customers by level, credit, satisfaction, region,
province or industry — how many in each group and their share.

Counts the customers in the actor's scope (the recycle bin excluded), optionally only those
created in the period. One grouped query; every dictionary entry (or rating 1–5) is listed,
with 0 where nobody has it (provinces: only those with customers), and "Not set" for
customers without a value.
"""

from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    INTEGER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors.reports import report_customers
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.selectors.divisions import province_list

DIMENSIONS = [
    ("level", _("Customer level")),
    ("credit", _("Credit rating")),
    ("satisfaction", _("Satisfaction")),
    ("region", _("Region")),
    ("province", _("Province")),
    ("industry", _("Industry")),
]
_DICTIONARY = {
    "level": DictionaryKind.CUSTOMER_LEVEL,
    "region": DictionaryKind.REGION,
    "industry": DictionaryKind.INDUSTRY,
}


class CompositionForm(ReportFilterForm):
    default_preset = None  # all customers unless a period (of creation) is chosen
    by = forms.ChoiceField(label=_("By"), required=False, choices=DIMENSIONS, initial="level")
    api_help = {
        "by": "The dimension to group by (default level).",
        "preset": "Only customers created in this named period; none: all customers.",
        "date_from": "Only customers created on or after this day.",
        "date_to": "Only customers created on or before this day.",
    }


ROWS = TableSpec(
    "rows",
    _("Customers per group"),
    (
        Column("key", _("Code")),
        Column("label", _("Group")),
        Column("customers", _("Customers"), INTEGER),
        Column("share", _("Share (%)"), PERCENT),
    ),
    hidden=("key",),
)
SUMMARY = (Column("customers", _("Customers"), INTEGER), Column("by", _("By")))


def _groups(by: str) -> list[tuple[str, str, object, bool]]:
    """(key, label, value in the database, listed even when empty) of every group, in order.

    Retired or deleted dictionary entries are listed only when customers still have them.
    """
    if by in _DICTIONARY:
        entries = DictionaryEntry.all_objects.filter(kind=_DICTIONARY[by]).order_by(
            "sort_order", "code"
        )
        return [
            (entry.code, entry.label, entry.pk, entry.is_active and entry.deleted_at is None)
            for entry in entries
        ]
    if by == "province":
        return [
            (province.code, province.name, province.code, False) for province in province_list()
        ]
    # Words, not a ★ glyph: the star renders as an empty box without a symbol font.
    return [
        (
            str(value),
            ngettext("%(count)d star", "%(count)d stars", value) % {"count": value},
            value,
            True,
        )
        for value in range(5, 0, -1)
    ]


def compute(actor: User, params: ReportParams) -> ReportData:
    by = params.get("by") or "level"
    customers = report_customers(actor=actor, params=params)
    if params.get("date_from"):
        start, end = periods.day_bounds(params["date_from"], params["date_to"])
        customers = customers.filter(created_at__gte=start, created_at__lt=end)
    column = f"{by}_id" if by in _DICTIONARY or by == "province" else by
    counts = {
        row[column]: row["customers"]
        for row in customers.values(column).annotate(customers=Count("id")).order_by()
    }
    total = sum(counts.values())
    rows = []
    for key, label, value, listed in _groups(by):
        count = counts.pop(value, 0)
        if count or listed:
            rows.append({"key": key, "label": label, "customers": count})
    unset = counts.pop(None, 0)
    rows.append({"key": "", "label": str(_("Not set")), "customers": unset})
    for row in rows:
        row["share"] = periods.percent(row["customers"], total)
    labels = dict(DIMENSIONS)
    return {
        "date_from": params.get("date_from"),
        "date_to": params.get("date_to"),
        "summary": {"customers": total, "by": str(labels[by])},
        "rows": rows,
    }


def chart(data: ReportData) -> charts.go.Figure:
    rows = [row for row in data["rows"] if row["customers"]]
    return charts.figure(
        charts.go.Pie(
            labels=[row["label"] for row in rows],
            values=[row["customers"] for row in rows],
            hole=0.4,
            sort=False,
            textinfo="label+percent",
        ),
        title=data["summary"]["by"],
    )


REPORT = register(
    ReportDefinition(
        slug="customer-composition",
        name="customer_composition",
        title=_("Customer composition"),
        description=_(
            "Customers by level, credit rating, satisfaction, region, province or industry: how "
            "many in each group and their share."
        ),
        form_class=CompositionForm,
        compute=compute,
        chart=chart,
        tables=(ROWS,),
        summary=SUMMARY,
    )
)
