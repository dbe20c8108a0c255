"""The pivot's registry 多维分析: the dimensions rows and columns may be chosen from, the measures,
and the filter form that validates a pivot's query (page and API alike).

Each measure counts records of one *base*: revenue orders (``analytics.selectors.reports``),
their order lines, or service requests. A dimension says where its value lies in each base it
applies to (the customer's region of an order is ``customer__region``, of an order line
``order__customer__region``). A measure lists its bases in order of preference; the pivot uses
the first one every chosen dimension applies to — revenue by region reads orders, revenue by
product category reads order lines — and refuses a combination no base serves (revenue by
service type) with a message naming the parameter.

Owner and team are the customer's account manager and that manager's team, as everywhere in
the reports (and in the rollups); times are the order date, or the day a request was made.
"""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.analytics import periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.core.formatting import INTEGER, MONEY, NUMBER

ORDERS = "orders"
LINES = "lines"
REQUESTS = "requests"

# What a dimension's keys name, for their labels and order.
TIME = "time"
DICTIONARY = "dictionary"
USER = "user"
TEAM = "team"
CATEGORY = "category"


@dataclass(frozen=True)
class Dimension:
    key: str
    label: Promise
    # Where the value lies in each base it applies to (time dimensions: the date column).
    paths: dict[str, str]
    names: str
    granularity: str | None = None


def _customer(field: str) -> dict[str, str]:
    return {
        ORDERS: f"customer__{field}",
        LINES: f"order__customer__{field}",
        REQUESTS: f"customer__{field}",
    }


_WHEN = {ORDERS: "order_date", LINES: "order__order_date", REQUESTS: "created_at"}
# A request keeps its customer's owner (``customer_owner``, what scoping reads).
_OWNER = {ORDERS: "customer__owner", LINES: "order__customer__owner", REQUESTS: "customer_owner"}
_TEAM = {base: f"{path}__team" for base, path in _OWNER.items()}

DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension("month", _("Month"), _WHEN, TIME, periods.MONTH),
        Dimension("quarter", _("Quarter"), _WHEN, TIME, periods.QUARTER),
        Dimension("year", _("Year"), _WHEN, TIME, periods.YEAR),
        Dimension("region", _("Region"), _customer("region"), DICTIONARY),
        Dimension("industry", _("Industry"), _customer("industry"), DICTIONARY),
        Dimension("level", _("Customer level"), _customer("level"), DICTIONARY),
        Dimension("owner", _("Account manager"), _OWNER, USER),
        Dimension("team", _("Team"), _TEAM, TEAM),
        Dimension("category", _("Product category"), {LINES: "product__category"}, CATEGORY),
        Dimension("channel", _("Channel"), {REQUESTS: "channel"}, DICTIONARY),
        Dimension("service_type", _("Service type"), {REQUESTS: "service_type"}, DICTIONARY),
    )
}

# The records a drill-down lists.
ORDER_RECORDS = "orders"
LINE_RECORDS = "lines"
CUSTOMER_RECORDS = "customers"
REQUEST_RECORDS = "requests"


@dataclass(frozen=True)
class Measure:
    key: str
    label: Promise
    kind: str
    # The bases it can be counted on, preferred first, each with the records behind a cell.
    bases: dict[str, str]
    # Bases on which the cells add up to their totals (others count totals again: a customer
    # who bought in two months is one customer of the year).
    additive: tuple[str, ...]
    # The rollup column holding it (``AccountDayFacts``), if any.
    rollup: str = ""


MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in (
        Measure(
            "revenue",
            _("Revenue"),
            MONEY,
            {ORDERS: ORDER_RECORDS, LINES: LINE_RECORDS},
            (ORDERS, LINES),
            "order_amount",
        ),
        Measure(
            "orders",
            _("Orders"),
            INTEGER,
            {ORDERS: ORDER_RECORDS, LINES: ORDER_RECORDS},
            (ORDERS,),
            "orders",
        ),
        Measure(
            "customers",
            _("Customers who bought"),
            INTEGER,
            {ORDERS: CUSTOMER_RECORDS, LINES: CUSTOMER_RECORDS},
            (),
        ),
        Measure(
            "lines",
            _("Order lines"),
            INTEGER,
            {ORDERS: LINE_RECORDS, LINES: LINE_RECORDS},
            (ORDERS, LINES),
            "lines",
        ),
        Measure(
            "requests", _("Service requests"), INTEGER, {REQUESTS: REQUEST_RECORDS}, (REQUESTS,)
        ),
        Measure(
            "satisfaction",
            _("Average satisfaction"),
            NUMBER,
            {REQUESTS: REQUEST_RECORDS},
            (REQUESTS,),
        ),
    )
}

DEFAULT_ROWS = "month"
DEFAULT_MEASURE = "revenue"


def base_for(measure: Measure, dimensions: list[Dimension]) -> str | None:
    """The first base of ``measure`` every one of ``dimensions`` applies to (None: none)."""
    for base in measure.bases:
        if all(base in dimension.paths for dimension in dimensions):
            return base
    return None


class PivotForm(ReportFilterForm):
    """The period and the common filters, the rows' and columns' dimensions and the measure."""

    rows = forms.ChoiceField(
        label=pgettext_lazy("pivot", "Rows"),
        required=False,
        choices=[(key, dimension.label) for key, dimension in DIMENSIONS.items()],
        initial=DEFAULT_ROWS,
    )
    columns = forms.ChoiceField(
        label=_("Columns"),
        required=False,
        choices=[("", _("No columns")), *((key, d.label) for key, d in DIMENSIONS.items())],
    )
    measure = forms.ChoiceField(
        label=_("Measure"),
        required=False,
        choices=[(key, measure.label) for key, measure in MEASURES.items()],
        initial=DEFAULT_MEASURE,
    )
    api_help = {
        "rows": "The dimension of the rows (default month).",
        "columns": "The dimension of the columns; left out: one column, the rows' totals.",
        "measure": "What the cells count or sum (default revenue).",
    }

    field_order = ["rows", "columns", "measure"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rows = data.get("rows") or DEFAULT_ROWS
        columns = data.get("columns") or ""
        measure = MEASURES[data.get("measure") or DEFAULT_MEASURE]
        data["rows"], data["columns"], data["measure"] = rows, columns, measure.key
        if self.errors:
            return data
        if columns == rows:
            raise ValidationError(
                {"columns": _("Choose a dimension for the columns other than the rows'.")}
            )
        for name in ("rows", "columns"):
            key = data[name]
            if key and base_for(measure, [DIMENSIONS[key]]) is None:
                raise ValidationError(
                    {
                        name: _("%(measure)s cannot be broken down by %(dimension)s.")
                        % {"measure": measure.label, "dimension": DIMENSIONS[key].label}
                    }
                )
        chosen = [DIMENSIONS[key] for key in (rows, columns) if key]
        if base_for(measure, chosen) is None:
            raise ValidationError(
                {
                    "columns": _(
                        "%(measure)s cannot be broken down by %(rows)s and %(columns)s together."
                    )
                    % {
                        "measure": measure.label,
                        "rows": DIMENSIONS[rows].label,
                        "columns": DIMENSIONS[columns].label,
                    }
                }
            )
        return data
