"""The KPI dashboard as tiles: grouped by theme, the change against the previous period with
an arrow coloured by whether up is good, a 12-period sparkline, the definition on hover and
focus, and a link to the records behind each KPI."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.analytics.kpis import KPIS, SERIES_PERIODS, dashboard, series_ranges
from tests.analytics.fixtures.reports import D, request

MARCH = "?date_from=2026-03-01&date_to=2026-03-31"
PAGE = reverse("analytics:kpis") + MARCH


def _tile(page: str, key: str) -> str:
    pattern = rf'<div class="tile kpi-tile" data-kpi="{key}".*?</span>\s*</div>'
    found = re.search(pattern, page, re.S)
    assert found, key
    return found.group(0)


def _change(tile: str) -> tuple[str, str, str]:
    found = re.search(
        r'<span class="tile-change (\w+)" data-field="change" data-direction="(\w*)" '
        r'data-tone="(\w+)"',
        tile,
    )
    assert found
    return found.groups()


@pytest.fixture
def page(login, english, kpi_data):
    return login("manager1").get(PAGE).content.decode()


def test_tiles_are_grouped_by_theme(login, english, kpi_data):
    response = login("manager1").get(PAGE)
    themes = response.context["themes"]
    assert [theme["key"] for theme in themes] == ["sales", "customers", "service", "usage"]
    shown = [kpi["key"] for theme in themes for kpi in theme["kpis"]]
    assert sorted(shown) == sorted(kpi.key for kpi in KPIS)
    page = response.content.decode()
    service = re.search(r'data-theme="service".*?</section>', page, re.S).group(0)
    assert 'data-kpi="complaint_rate"' in service and 'data-kpi="sales_total"' not in service


def test_a_rise_where_up_is_good_is_green(page):
    tile = _tile(page, "sales_total")
    assert ">¥600.00<" in tile
    assert "previous period ¥400.00" in tile
    assert "+¥200.00" in tile
    assert _change(tile) == ("good", "up", "good")
    assert "icon-chevron-up" in tile


def test_a_rise_where_down_is_good_is_red(page):
    # Two of the four customers churned in March, none in February.
    assert _change(_tile(page, "churn_rate")) == ("bad", "up", "bad")


def test_a_fall_where_down_is_good_is_green(login, english, kpi_data):
    old = kpi_data
    # Two complaints in February (of 4 customers: 50%), one in March (of 5: 20%).
    request(old[0], D(2026, 2, 3))
    request(old[1], D(2026, 2, 4))
    tile = _tile(login("manager1").get(PAGE).content.decode(), "complaint_rate")
    assert ">20.0%<" in tile
    assert _change(tile) == ("good", "down", "good")
    assert "icon-chevron-down" in tile


def test_a_kpi_without_a_good_direction_stays_neutral(page):
    # The quota rose from none to ¥1,200: neither good nor bad news by itself.
    assert _change(_tile(page, "sales_quota"))[2] == "neutral"


def test_each_sparkline_has_twelve_periods(page, org, kpi_data):
    data = dashboard(
        actor=org["manager1"], date_from=D(2026, 3, 1), date_to=D(2026, 3, 31), with_series=True
    )
    sales = next(row for row in data["kpis"] if row["key"] == "sales_total")
    assert len(sales["series"]) == SERIES_PERIODS
    assert sales["series"][-2:] == [Decimal("400.00"), Decimal("600.00")]
    assert data["series_starts"][0] == D(2025, 4, 1)
    sparkline = r"<svg[^>]*data-points[^>]*>.*?</svg>"
    svg = re.search(sparkline, _tile(page, "sales_total"), re.S).group(0)
    assert 'data-points="12"' in svg and 'role="img"' in svg
    assert svg.count("<polyline") == 1
    assert len(re.search(r'<polyline points="([^"]+)"', svg).group(1).split()) == 12


def test_series_periods_follow_the_previous_period_rule():
    ranges = series_ranges(D(2026, 3, 1), D(2026, 3, 31))
    assert len(ranges) == 12
    assert ranges[-1] == (D(2026, 3, 1), D(2026, 3, 31))
    assert ranges[-2] == (D(2026, 2, 1), D(2026, 2, 28))
    assert ranges[0] == (D(2025, 4, 1), D(2025, 4, 30))


def test_the_definition_describes_the_link(page):
    tile = _tile(page, "close_rate")
    link = re.search(r'<a href="[^"]+" aria-describedby="([\w-]+)"', tile)
    assert link.group(1) == "kpi-definition-close_rate"
    definition = re.search(r'role="tooltip" id="kpi-definition-close_rate">([^<]+)<', tile)
    assert "Opportunities won ÷ opportunities closed" in definition.group(1)


@pytest.mark.parametrize(
    ("key", "expected"),
    [("sales_total", 4), ("close_rate", 2), ("failure_rate", 1)],
)
def test_records_links_go_to_the_filtered_list(login, english, kpi_data, key, expected):
    client = login("manager1")
    tile = _tile(client.get(PAGE).content.decode(), key)
    href = re.search(r'<a href="([^"]+)" aria-describedby', tile).group(1).replace("&amp;", "&")
    listing = client.get(href)
    assert listing.status_code == 200
    # March's four orders (the cancelled one included: the list shows every order), the two
    # won opportunities, the one lost.
    assert len(listing.context["page"].object_list) == expected


def test_the_table_stays_for_screen_readers_and_export(page):
    assert 'data-testid="kpi-table"' in page
    assert "<summary>All KPIs as a table</summary>" in page


def test_kpi_page_query_count(login, kpi_data, django_assert_max_num_queries):
    client = login("supervisor")
    # The period and the eleven before it, each read with kpi_facts' fixed set of queries.
    with django_assert_max_num_queries(160):
        assert client.get(PAGE).status_code == 200


def test_plan_achievement_shows_whether_the_plan_is_met(login, english, kpi_data):
    # March: ¥600 sold against a ¥1,200 target.
    page = login("manager1").get(PAGE).content.decode()
    tile = _tile(page, "plan_achievement")
    assert ">50.0%<" in tile
    assert re.search(r'class="badge badge-warn" data-testid="kpi-state">Not met yet<', tile)
    assert 'data-testid="kpi-state"' not in _tile(page, "sales_total")
