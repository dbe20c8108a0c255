"""How Guanxi writes numbers and dates for people: pages, charts, messages and exports.

One module so that a money amount reads the same everywhere:

- Money always carries the currency sign and thousands separators, two decimals, the minus
  before the sign (``-¥6,269.91``). Chinese and English business writing both group by
  thousands with a comma and use a decimal point, so the grouping does not change with the
  language; only the compact form does (see below).
- Percentages have one decimal (``12.3%``). Values stored as percentages (a discount of
  ``15.00``, a probability of ``60``) are taken as they are; ratios (``0.123``) with
  ``ratio=True``.
- Compact amounts, for chart axes and tight spaces, follow how each language counts large
  numbers: 万 (10⁴) and 亿 (10⁸) in Chinese, K/M/B (10³, 10⁶, 10⁹) in English.
- Dates follow the active language. Chinese business software shows dates in tables and forms
  as ``2026-12-07`` (and times as ``2026-12-07 14:05``), which sorts and scans well in a
  column; English gets its usual medium style, ``Dec 7, 2026`` and ``Dec 7, 2026, 2:05 PM``.

Every function takes ``None`` (no value) and gives :data:`NO_VALUE`; a value that is not a
number at all is returned as text rather than raising, since templates must never fail.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation

NO_VALUE = "—"
CURRENCY = "¥"

# Kinds of value, for export columns and report columns (the report framework uses the same
# strings).
TEXT = "text"
INTEGER = "int"
NUMBER = "number"
MONEY = "money"
PERCENT = "percent"
DATE = "date"
DATETIME = "datetime"

# Number formats of spreadsheet cells by kind. Percent cells hold the ratio (12.3% is 0.123),
# which is what a spreadsheet's percent format expects.
XLSX_NUMBER_FORMATS = {
    INTEGER: "#,##0",
    NUMBER: "#,##0.00",
    # Spreadsheets take ¥ as a literal; the second section puts a loss's minus before it.
    MONEY: "¥#,##0.00;-¥#,##0.00",
    PERCENT: "0.0%",
    DATE: "yyyy-mm-dd",
    DATETIME: "yyyy-mm-dd hh:mm",
}

_CENT = Decimal("0.01")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Units of the compact form, largest first: (size, suffix).
_ZH_UNITS = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))
_EN_UNITS = ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "K"))


def is_chinese(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one) is a Chinese language."""
    return (language or translation.get_language() or "").lower().startswith("zh")


def to_decimal(value) -> Decimal | None:
    """``value`` as a Decimal, or None if it is no number (None, text, NaN, infinity)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _rounded(number: Decimal, places: int) -> Decimal:
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # -0.001 rounds to -0.00, which must read as zero, not as a negative amount.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def _grouped(number: Decimal, places: int) -> str:
    """The magnitude of ``number`` with thousands separators and ``places`` decimals."""
    return f"{abs(number):,.{places}f}"


def format_number(value, *, places: int = 0) -> str:
    """A plain number with thousands separators: ``12,345`` or with ``places`` decimals."""
    number = to_decimal(value)
    if number is None:
        return NO_VALUE if value is None else str(value)
    number = _rounded(number, places)
    return f"{'-' if number < 0 else ''}{_grouped(number, places)}"


def format_money(value, *, currency: str = CURRENCY, places: int = 2, signed: bool = False) -> str:
    """``¥1,853,577.00``; a negative amount ``-¥6,269.91``; ``signed`` adds ``+`` to a gain."""
    number = to_decimal(value)
    if number is None:
        return NO_VALUE if value is None else str(value)
    number = _rounded(number, places)
    sign = "-" if number < 0 else "+" if signed and number > 0 else ""
    return f"{sign}{currency}{_grouped(number, places)}"


def format_percent(value, *, ratio: bool = False, places: int = 1, signed: bool = False) -> str:
    """``12.3%`` from a percentage (``12.34``) or, with ``ratio``, from a ratio (``0.1234``)."""
    number = to_decimal(value)
    if number is None:
        return NO_VALUE if value is None else str(value)
    if ratio:
        number *= 100
    number = _rounded(number, places)
    sign = "-" if number < 0 else "+" if signed and number > 0 else ""
    return f"{sign}{_grouped(number, places)}%"


def _unit(magnitude: Decimal, units, places: int) -> tuple[Decimal, str] | None:
    """The largest unit not above ``magnitude``, or the next one up if rounding reaches it."""
    for index, (size, suffix) in enumerate(units):
        if magnitude >= size:
            larger = units[index - 1] if index else None
            if larger is not None and _rounded(magnitude / size, places) * size >= larger[0]:
                return larger
            return size, suffix
    return None


def format_compact_amount(
    value,
    *,
    currency: str = "",
    places: int = 1,
    language: str | None = None,
    unit_of=None,
) -> str:
    """A large amount shortened the way the language counts: ``1.2万``, ``3.5亿`` in Chinese,
    ``1.2K``, ``3.5M`` in English; smaller amounts in full (``9,999``).

    Trailing zeros are dropped (``1万``, not ``1.0万``). A value that rounds up to the next unit
    moves to it: 99,999,999 is ``1亿``, not ``10000万``. ``unit_of`` picks the unit by another
    amount instead, so that the labels of one axis share a unit (``0.5万``, ``1万``, ``1.5万``).
    """
    number = to_decimal(value)
    if number is None:
        return NO_VALUE if value is None else str(value)
    units = _ZH_UNITS if is_chinese(language) else _EN_UNITS
    magnitude = abs(number)
    reference = to_decimal(unit_of)
    unit = _unit(magnitude if reference is None else abs(reference), units, places)
    if magnitude.is_zero():
        return f"{currency}0"
    if unit is not None:
        size, suffix = unit
        # 9994万, not 9,994万: the unit already groups the digits.
        text = f"{_trimmed(_rounded(magnitude / size, places), grouped=False)}{suffix}"
    else:
        # Below the smallest unit: whole amounts in full, decimals only where there are some.
        text = _trimmed(_rounded(magnitude, places if magnitude < 1 else 0))
    return f"{'-' if number < 0 else ''}{currency}{text}"


def _trimmed(number: Decimal, *, grouped: bool = True) -> str:
    text = f"{number:,f}" if grouped else f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_date(value, *, language: str | None = None) -> str:
    """``2026-12-07`` in Chinese, ``Dec 7, 2026`` in English; a datetime shows its local day."""
    if value is None:
        return NO_VALUE
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    if not isinstance(value, datetime.date):
        return str(value)
    if is_chinese(language):
        return value.isoformat()
    return f"{_EN_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_datetime(value, *, language: str | None = None) -> str:
    """``2026-12-07 14:05`` in Chinese, ``Dec 7, 2026, 2:05 PM`` in English, in local time."""
    if value is None:
        return NO_VALUE
    if not isinstance(value, datetime.datetime):
        return format_date(value, language=language)
    value = _local(value)
    if is_chinese(language):
        return f"{value:%Y-%m-%d %H:%M}"
    hour = value.hour % 12 or 12
    noon = "AM" if value.hour < 12 else "PM"
    return f"{format_date(value, language=language)}, {hour}:{value:%M} {noon}"


def _local(value: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def format_value(value, kind: str) -> str:
    """``value`` as a person reads it, by its kind (a report column's or an export column's)."""
    if value is None:
        return NO_VALUE
    if kind == MONEY:
        return format_money(value)
    if kind == PERCENT:
        return format_percent(value)
    if kind == INTEGER:
        return format_number(value)
    if kind == NUMBER:
        return format_number(value, places=2)
    if kind == DATE:
        return format_date(value)
    if kind == DATETIME:
        return format_datetime(value)
    return str(value)
