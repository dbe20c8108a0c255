"""core.formatting: money, percentages, compact amounts and dates as people read them, in
Chinese and English, and the template filters that use them."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from guanxi.core import formatting
from guanxi.core.formatting import (
    format_compact_amount,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
)

LANGUAGES = ["zh-hans", "en"]


# -- money -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1853577.00"), "¥1,853,577.00"),
        (Decimal("-6269.91"), "-¥6,269.91"),
        (Decimal("0"), "¥0.00"),
        (0, "¥0.00"),
        (Decimal("999.995"), "¥1,000.00"),  # half up, as accountants round
        (Decimal("-0.004"), "¥0.00"),  # no "negative zero"
        (Decimal("12345678901234.56"), "¥12,345,678,901,234.56"),
        (7, "¥7.00"),
        (1234.5, "¥1,234.50"),
        ("2500", "¥2,500.00"),
    ],
)
def test_money_has_the_sign_separators_and_two_decimals_in_both_languages(language, amount, shown):
    with translation.override(language):
        assert format_money(amount) == shown


def test_money_of_no_value_is_a_dash_and_text_is_left_alone():
    assert format_money(None) == "—"
    assert format_money("n/a") == "n/a"
    assert format_money(True) == "True"  # a flag is not an amount


def test_money_may_show_a_gain_with_its_sign_and_another_currency():
    assert format_money(Decimal("5"), signed=True) == "+¥5.00"
    assert format_money(Decimal("-5"), signed=True) == "-¥5.00"
    assert format_money(Decimal("0"), signed=True) == "¥0.00"
    assert format_money(Decimal("1234"), currency="$") == "$1,234.00"


# -- percentages and plain numbers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.34"), "12.3%"),
        (Decimal("12.35"), "12.4%"),
        (60, "60.0%"),
        (0, "0.0%"),
        (Decimal("-3.25"), "-3.3%"),
        (Decimal("1234.5"), "1,234.5%"),
        (None, "—"),
    ],
)
def test_percentages_have_one_decimal(value, shown):
    assert format_percent(value) == shown


def test_ratios_are_shown_as_percentages():
    assert format_percent(Decimal("0.1234"), ratio=True) == "12.3%"
    assert format_percent(1, ratio=True) == "100.0%"
    assert format_percent(Decimal("2.5"), signed=True) == "+2.5%"


def test_plain_numbers_are_grouped():
    assert format_number(1234567) == "1,234,567"
    assert format_number(Decimal("-1234.567"), places=2) == "-1,234.57"
    assert format_number(None) == "—"


# -- compact amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "zh", "en"),
    [
        (0, "0", "0"),
        (950, "950", "950"),
        (999, "999", "999"),
        (1000, "1,000", "1K"),
        (1500, "1,500", "1.5K"),
        (9999, "9,999", "10K"),
        (10000, "1万", "10K"),  # the 万 boundary
        (12000, "1.2万", "12K"),
        (123456, "12.3万", "123.5K"),
        (999949, "100万", "999.9K"),
        (1000000, "100万", "1M"),
        (99_940_000, "9994万", "99.9M"),
        (99_999_999, "1亿", "100M"),  # rounds up into the next unit, not "10000万"
        (100_000_000, "1亿", "100M"),  # the 亿 boundary
        (350_000_000, "3.5亿", "350M"),
        (2_500_000_000, "25亿", "2.5B"),
        (Decimal("-25000"), "-2.5万", "-25K"),
    ],
)
def test_compact_amounts_count_in_wan_and_yi_or_thousands_and_millions(amount, zh, en):
    assert format_compact_amount(amount, language="zh-hans") == zh
    assert format_compact_amount(amount, language="en") == en


def test_compact_amounts_follow_the_active_language_and_take_a_currency():
    with translation.override("zh-hans"):
        assert format_compact_amount(Decimal("-35000"), currency="¥") == "-¥3.5万"
    with translation.override("en"):
        assert format_compact_amount(Decimal("-35000"), currency="¥") == "-¥35K"
    assert format_compact_amount(None) == "—"
    assert format_compact_amount(0, currency="¥") == "¥0"


def test_compact_amounts_can_keep_two_decimals():
    assert format_compact_amount(12500, places=2, language="zh-hans") == "1.25万"
    assert format_compact_amount(12500, places=0, language="en") == "13K"


# -- dates ---------------------------------------------------------------------------------------


def test_dates_follow_the_language():
    day = datetime.date(2026, 12, 7)
    assert format_date(day, language="zh-hans") == "2026-12-07"
    assert format_date(day, language="en") == "Dec 7, 2026"
    assert format_date(None) == "—"


def test_moments_are_shown_in_local_time():
    # 06:05 UTC is 14:05 in Shanghai, the default time zone.
    moment = datetime.datetime(2026, 12, 7, 6, 5, tzinfo=datetime.UTC)
    assert format_datetime(moment, language="zh-hans") == "2026-12-07 14:05"
    assert format_datetime(moment, language="en") == "Dec 7, 2026, 2:05 PM"
    midnight = timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 30))
    assert format_datetime(midnight, language="en") == "Jan 1, 2026, 12:30 AM"
    # Late evening in UTC is already the next day in Shanghai.
    late = datetime.datetime(2026, 12, 6, 20, 0, tzinfo=datetime.UTC)
    assert format_date(late, language="zh-hans") == "2026-12-07"
    assert format_datetime(datetime.date(2026, 12, 7), language="zh-hans") == "2026-12-07"


def test_values_by_kind():
    assert formatting.format_value(Decimal("1234.5"), formatting.MONEY) == "¥1,234.50"
    assert formatting.format_value(Decimal("12.34"), formatting.PERCENT) == "12.3%"
    assert formatting.format_value(12345, formatting.INTEGER) == "12,345"
    assert formatting.format_value(Decimal("3.5"), formatting.NUMBER) == "3.50"
    assert formatting.format_value(None, formatting.MONEY) == "—"
    assert formatting.format_value("华东", formatting.TEXT) == "华东"


# -- template filters (built in: no {% load %} needed) --------------------------------------------


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("language", LANGUAGES)
def test_template_filters(language):
    with translation.override(language):
        shown = _render(
            "{{ total|money }} {{ loss|money }} {{ none|money }} {{ discount|percent }} "
            '{{ rate|percent:"ratio" }} {{ big|compact_amount:"¥" }}',
            total=Decimal("1853577.00"),
            loss=Decimal("-6269.91"),
            none=None,
            discount=Decimal("15.00"),
            rate=Decimal("0.5"),
            big=Decimal("35000"),
        )
    compact = "¥3.5万" if language == "zh-hans" else "¥35K"
    assert shown == f"¥1,853,577.00 -¥6,269.91 — 15.0% 50.0% {compact}"


def test_date_filters_follow_the_language():
    day = datetime.date(2026, 12, 7)
    with translation.override("zh-hans"):
        assert _render("{{ day|local_date }}", day=day) == "2026-12-07"
    with translation.override("en"):
        assert _render("{{ day|local_date }}", day=day) == "Dec 7, 2026"


def test_compact_amounts_may_take_their_unit_from_another_amount():
    assert format_compact_amount(5000, unit_of=25000, language="zh-hans") == "0.5万"
    assert format_compact_amount(500_000, unit_of=2_000_000, language="en") == "0.5M"
    assert format_compact_amount(0, unit_of=2_000_000, language="en") == "0"
