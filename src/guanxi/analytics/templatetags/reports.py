"""Formatting of report values: the page's cells and the export's values.

``None`` is "no value" (e.g. a rate whose denominator is 0): "—" on the page and in exports.
"""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from guanxi.analytics.framework import INTEGER, MONEY, PERCENT
from guanxi.analytics.sparklines import sparkline

register = template.Library()
NO_VALUE = "—"


@register.filter
def cell(row: dict, column) -> str:
    """The row's value of ``column`` as the page shows it."""
    value = row.get(column.key)
    if value is None:
        return NO_VALUE
    if column.kind == MONEY:
        return f"¥{intcomma(number_format(Decimal(value), 2))}"
    if column.kind == PERCENT:
        return f"{number_format(value, 2)}%"
    if column.kind == INTEGER:
        return intcomma(value)
    return str(value)


@register.filter
def value_of(row: dict, key: str):
    return row.get(key)


def export_value(value, column):
    """The value written to CSV/xlsx: numbers stay numbers, no value is "—"."""
    if value is None and column.numeric:
        return NO_VALUE
    return value


@register.filter
def kpi_value(kpi: dict, field: str) -> str:
    """A KPI's value, previous value or change formatted by its unit; "—" for none."""
    value = kpi.get(field)
    if value is None:
        return NO_VALUE
    sign = "+" if field == "change" and value > 0 else ""
    unit = kpi["unit"]
    if unit == "money":
        return f"{sign}¥{intcomma(number_format(Decimal(value), 2))}"
    if unit == "percent":
        if field == "change":  # a difference of two rates: percentage points
            return _("%(value)s pts") % {"value": f"{sign}{number_format(value, 2)}"}
        return f"{number_format(value, 2)}%"
    return f"{sign}{number_format(value, 2)}"


@register.filter
def kpi_sparkline(kpi: dict) -> str:
    """The KPI's series as an inline SVG sparkline ("" when it has none)."""
    series = kpi.get("series")
    if not series:
        return ""
    return sparkline(
        series,
        label=_("%(kpi)s, last %(count)s periods") % {"kpi": kpi["label"], "count": len(series)},
    )
