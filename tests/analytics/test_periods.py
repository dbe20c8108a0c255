"""Report periods: a preset's range and the period it is compared with are calendar periods."""

import datetime

import pytest

from guanxi.analytics import periods

D = datetime.date


@pytest.mark.parametrize(
    ("preset", "today", "expected", "previous"),
    [
        # A quarter against the previous quarter, not the same number of days before.
        (
            periods.LAST_QUARTER,
            D(2026, 10, 15),
            (D(2026, 7, 1), D(2026, 9, 30)),
            (D(2026, 4, 1), D(2026, 6, 30)),
        ),
        (
            periods.THIS_QUARTER,
            D(2026, 3, 31),
            (D(2026, 1, 1), D(2026, 3, 31)),
            (D(2025, 10, 1), D(2025, 12, 31)),
        ),
        (
            periods.THIS_QUARTER,
            D(2026, 6, 30),
            (D(2026, 4, 1), D(2026, 6, 30)),
            (D(2026, 1, 1), D(2026, 3, 31)),
        ),
        # A month against the whole previous month, at month ends and around February.
        (
            periods.THIS_MONTH,
            D(2026, 3, 31),
            (D(2026, 3, 1), D(2026, 3, 31)),
            (D(2026, 2, 1), D(2026, 2, 28)),
        ),
        (
            periods.THIS_MONTH,
            D(2024, 3, 1),
            (D(2024, 3, 1), D(2024, 3, 31)),
            (D(2024, 2, 1), D(2024, 2, 29)),
        ),
        (
            periods.LAST_MONTH,
            D(2024, 3, 31),
            (D(2024, 2, 1), D(2024, 2, 29)),
            (D(2024, 1, 1), D(2024, 1, 31)),
        ),
        (
            periods.LAST_MONTH,
            D(2026, 1, 1),
            (D(2025, 12, 1), D(2025, 12, 31)),
            (D(2025, 11, 1), D(2025, 11, 30)),
        ),
        # A year against the previous year, leap years included.
        (
            periods.THIS_YEAR,
            D(2025, 2, 28),
            (D(2025, 1, 1), D(2025, 12, 31)),
            (D(2024, 1, 1), D(2024, 12, 31)),
        ),
        (
            periods.LAST_YEAR,
            D(2025, 12, 31),
            (D(2024, 1, 1), D(2024, 12, 31)),
            (D(2023, 1, 1), D(2023, 12, 31)),
        ),
        # The last 12 months against the 12 months before.
        (
            periods.LAST_12_MONTHS,
            D(2024, 2, 29),
            (D(2023, 3, 1), D(2024, 2, 29)),
            (D(2022, 3, 1), D(2023, 2, 28)),
        ),
    ],
)
def test_a_preset_is_compared_with_the_previous_calendar_period(preset, today, expected, previous):
    date_from, date_to = periods.preset_range(preset, today)
    assert (date_from, date_to) == expected
    assert periods.previous_range(date_from, date_to) == previous


def test_other_ranges_are_compared_with_as_many_days_just_before():
    assert periods.previous_range(D(2026, 3, 10), D(2026, 3, 19)) == (
        D(2026, 2, 28),
        D(2026, 3, 9),
    )
    # Starting on the first but ending mid-month is not a whole month.
    assert periods.previous_range(D(2024, 3, 1), D(2024, 3, 15)) == (
        D(2024, 2, 15),
        D(2024, 2, 29),
    )
