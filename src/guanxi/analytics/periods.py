"""Report periods: presets (this month, last quarter...), buckets (month, quarter, year) and the
aware datetime bounds of a range of local days.

A period is two dates, both included. Date columns (``order_date``) are compared with the dates;
datetime columns (``created_at``) with :func:`day_bounds`, i.e. from the first day's local
midnight up to, not including, the midnight after the last day.
"""

import datetime
from decimal import Decimal

from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

THIS_MONTH = "this_month"
LAST_MONTH = "last_month"
THIS_QUARTER = "this_quarter"
LAST_QUARTER = "last_quarter"
THIS_YEAR = "this_year"
LAST_YEAR = "last_year"
LAST_12_MONTHS = "last_12_months"

PRESETS = [
    (THIS_MONTH, _("This month")),
    (LAST_MONTH, _("Last month")),
    (THIS_QUARTER, _("This quarter")),
    (LAST_QUARTER, _("Last quarter")),
    (THIS_YEAR, _("This year")),
    (LAST_YEAR, _("Last year")),
    (LAST_12_MONTHS, _("Last 12 months")),
]

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
GRANULARITIES = [(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year"))]
_MONTHS_PER_BUCKET = {MONTH: 1, QUARTER: 3, YEAR: 12}
TRUNC = {MONTH: TruncMonth, QUARTER: TruncQuarter, YEAR: TruncYear}

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def bucket_start(day: datetime.date, granularity: str) -> datetime.date:
    if granularity == YEAR:
        return datetime.date(day.year, 1, 1)
    if granularity == QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def shift(start: datetime.date, granularity: str, buckets: int) -> datetime.date:
    """The start of the bucket ``buckets`` after (or, negative, before) the one at ``start``."""
    return add_months(start, _MONTHS_PER_BUCKET[granularity] * buckets)


def bucket_end(start: datetime.date, granularity: str) -> datetime.date:
    return shift(start, granularity, 1) - datetime.timedelta(days=1)


def bucket_starts(date_from: datetime.date, date_to: datetime.date, granularity: str):
    """Every bucket start from the bucket of ``date_from`` to the one of ``date_to``."""
    current = bucket_start(date_from, granularity)
    starts = []
    while current <= date_to:
        starts.append(current)
        current = shift(current, granularity, 1)
    return starts


def bucket_label(start: datetime.date, granularity: str) -> str:
    if granularity == YEAR:
        return f"{start.year}"
    if granularity == QUARTER:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def preset_range(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    month = today.replace(day=1)
    quarter = bucket_start(today, QUARTER)
    year = datetime.date(today.year, 1, 1)
    ranges = {
        THIS_MONTH: (month, bucket_end(month, MONTH)),
        LAST_MONTH: (add_months(month, -1), month - datetime.timedelta(days=1)),
        THIS_QUARTER: (quarter, bucket_end(quarter, QUARTER)),
        LAST_QUARTER: (add_months(quarter, -3), quarter - datetime.timedelta(days=1)),
        THIS_YEAR: (year, datetime.date(today.year, 12, 31)),
        LAST_YEAR: (datetime.date(today.year - 1, 1, 1), year - datetime.timedelta(days=1)),
        LAST_12_MONTHS: (add_months(month, -11), bucket_end(month, MONTH)),
    }
    return ranges[preset]


def previous_range(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period a report compares ``date_from``–``date_to`` with.

    Whole calendar months (a month, a quarter, a year, the last 12 months) are compared with
    as many whole months just before: a quarter with the previous quarter, March with all of
    February. Any other range is compared with the same number of days just before it.
    """
    next_day = date_to + datetime.timedelta(days=1)
    if date_from.day == 1 and next_day.day == 1:
        months = (next_day.year - date_from.year) * 12 + next_day.month - date_from.month
        return add_months(date_from, -months), date_from - datetime.timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - datetime.timedelta(days=days), date_from - datetime.timedelta(days=1)


def day_bounds(
    date_from: datetime.date, date_to: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware datetimes [local midnight of ``date_from``, local midnight after ``date_to``)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def local_date(value) -> datetime.date:
    """A truncated value from the database (date or aware datetime) as a local date."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def percent(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole`` with two decimals; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT)


def change(new, old) -> Decimal | None:
    """Growth (new − old) / old in percent with two decimals; None when ``old`` is 0."""
    if not old:
        return None
    return ((Decimal(new) - Decimal(old)) * HUNDRED / Decimal(old)).quantize(CENT)


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT)
