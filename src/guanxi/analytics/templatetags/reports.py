"""Formatting of report values: the page's cells and the export's values.

``None`` is "no value" (e.g. a rate whose denominator is 0): "—" on the page and in exports.
"""

from django import template
from django.utils.translation import gettext as _

from guanxi.analytics.sparklines import sparkline
from guanxi.core import formatting

register = template.Library()
NO_VALUE = formatting.NO_VALUE


@register.filter
def cell(row: dict, column) -> str:
    """The row's value of ``column`` as the page shows it."""
    return formatting.format_value(row.get(column.key), column.kind)


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
    signed = field == "change"
    sign = "+" if signed and value > 0 else ""
    unit = kpi["unit"]
    if unit == "money":
        return formatting.format_money(value, signed=signed)
    if unit == "percent":
        if signed:  # a difference of two rates: percentage points
            points = formatting.format_number(value, places=1)
            return _("%(value)s pts") % {"value": f"{sign}{points}"}
        return formatting.format_percent(value)
    return f"{sign}{formatting.format_number(value, places=2)}"


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


@register.filter
def pivot_value(value, measure) -> str:
    """A pivot cell formatted by its measure's kind; "—" for no value (no rated request)."""
    return formatting.format_value(value, measure.kind)
