"""The stored revenue rankings (written by ``analytics.services.rollups``, read through
``analytics.selectors.rollups``): the executive's unfiltered contribution and pyramid reports
of a preset period read them and give the live numbers as of the refresh, with its time;
scoped, filtered and custom-dated reports stay live."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.analytics import periods
from guanxi.analytics.framework import get_report
from guanxi.analytics.models import RankedCustomer, RevenuePercentile, RevenueRanking
from guanxi.analytics.selectors.rollups import ranking_periods, stored_ranking
from guanxi.analytics.services.rollups import revenue_rankings_refresh, top_size
from tests.analytics.fixtures.reports import D, column, entry, order, pct, run
from tests.customers.fixtures.customers import CustomerFactory

TODAY = timezone.localdate
SLUGS = ["customer-contribution", "customer-pyramid"]


def _this_year() -> tuple[datetime.date, datetime.date]:
    return periods.preset_range(periods.THIS_YEAR, TODAY())


def _day(month: int, day: int = 1) -> datetime.date:
    return D(TODAY().year, month, day)


def _ranking() -> RevenueRanking:
    date_from, date_to = _this_year()
    return RevenueRanking.objects.get(date_from=date_from, date_to=date_to)


def _without_as_of(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != "as_of"}


@pytest.fixture
def sales(org):
    """This year: 乙 300, 甲 150 (a cancelled order left out), 丙 20 (east), 零 one order of 0
    (a customer with orders, not with revenue); last year: 甲 70."""
    a = CustomerFactory(owner=org["manager1"], name="甲公司")
    b = CustomerFactory(owner=org["manager1"], name="乙公司")
    c = CustomerFactory(owner=org["manager2"], name="丙公司", region=entry("region", "east"))
    zero = CustomerFactory(owner=org["manager3"], name="零公司")
    order(a, _day(3), "100.00")
    order(a, _day(3, 5), "50.00")
    order(a, _day(3, 6), "1000.00", status="cancelled")
    order(a, D(TODAY().year - 1, 12, 31), "70.00")
    order(b, _day(6, 30), "300.00")
    order(c, _day(1), "20.00", status="completed")
    order(zero, _day(2), "0.00")
    return {"a": a, "b": b, "c": c, "zero": zero}


def test_ranking_periods_are_the_distinct_preset_ranges_and_the_ones_before():
    ranges = ranking_periods(D(2026, 12, 6))
    assert ranges == [
        (D(2026, 12, 1), D(2026, 12, 31)),
        (D(2026, 11, 1), D(2026, 11, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 1, 1), D(2026, 12, 31)),  # this year = the last 12 months in December
        (D(2025, 1, 1), D(2025, 12, 31)),  # also the year before this year
        # The calendar periods just before, for the KPI dashboard's comparison (the ones
        # already listed are not repeated: this month's is last month, this quarter's last
        # quarter, this year's last year).
        (D(2026, 10, 1), D(2026, 10, 31)),  # before last month
        (D(2026, 4, 1), D(2026, 6, 30)),  # before last quarter
        (D(2024, 1, 1), D(2024, 12, 31)),  # before last year (a leap year, whole)
    ]
    # In May, the last 12 months differ from this year: seven presets, and four periods before
    # them that are not presets already (March, Q4 2025, 2024, June 2024 – May 2025).
    may = ranking_periods(D(2026, 5, 6))
    assert len(may) == len(periods.PRESETS) + 4
    assert may[len(periods.PRESETS) :] == [
        (D(2026, 3, 1), D(2026, 3, 31)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2024, 1, 1), D(2024, 12, 31)),
        (D(2024, 6, 1), D(2025, 5, 31)),
    ]


def test_refresh_stores_totals_top_customers_and_percentiles(org, sales):
    assert revenue_rankings_refresh() == len(ranking_periods(TODAY()))
    assert RevenueRanking.objects.count() == len(ranking_periods(TODAY()))
    ranking = _ranking()
    assert (ranking.customers, ranking.orders, ranking.amount) == (4, 5, Decimal("470.00"))
    top = list(ranking.top.values_list("rank", "customer", "orders", "amount"))
    assert top == [
        (1, sales["b"].pk, 1, Decimal("300.00")),
        (2, sales["a"].pk, 2, Decimal("150.00")),
        (3, sales["c"].pk, 1, Decimal("20.00")),
        (4, sales["zero"].pk, 1, Decimal("0.00")),
    ]
    # Three customers with revenue: percentiles ⌈100·r/3⌉ = 34, 67, 100.
    percentiles = list(ranking.percentiles.values_list("percentile", "customers", "revenue"))
    assert percentiles == [
        (34, 1, Decimal("300.00")),
        (67, 1, Decimal("150.00")),
        (100, 1, Decimal("20.00")),
    ]


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("customer-contribution", {}),
        ("customer-contribution", {"limit": 2}),
        ("customer-pyramid", {}),
    ],
)
def test_the_executive_reads_the_live_numbers_from_the_ranking(org, sales, slug, query):
    live = run(slug, org["exec"], preset="this_year", **query)
    assert "as_of" not in live
    revenue_rankings_refresh()
    stored = run(slug, org["exec"], preset="this_year", **query)
    assert stored["as_of"] == _ranking().computed_at
    assert _without_as_of(stored) == live


def test_the_ranking_is_stale_until_the_next_refresh(org, sales):
    revenue_rankings_refresh()
    first_as_of = _ranking().computed_at
    order(sales["c"], _day(4), "1000.00")
    stale = run("customer-contribution", org["exec"], preset="this_year")
    assert column(stale["rows"], "name")[0] == "乙公司"
    assert stale["summary"]["amount"] == Decimal("470.00")
    assert stale["as_of"] == first_as_of
    pyramid = run("customer-pyramid", org["exec"], preset="this_year")
    assert pyramid["summary"]["revenue"] == Decimal("470.00")
    revenue_rankings_refresh()
    fresh = run("customer-contribution", org["exec"], preset="this_year")
    assert column(fresh["rows"], "name")[0] == "丙公司"
    assert fresh["summary"]["amount"] == Decimal("1470.00")
    assert fresh["as_of"] == _ranking().computed_at >= first_as_of
    pyramid = run("customer-pyramid", org["exec"], preset="this_year")
    assert pyramid["summary"]["revenue"] == Decimal("1470.00")


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize(
    ("username", "filters", "expected"),
    [
        ("manager2", {}, "1020.00"),  # 丙 only
        ("supervisor", {}, "1470.00"),  # manager1's and manager2's customers
        ("exec", {"owner": "manager2"}, "1020.00"),
        ("exec", {"region": "east"}, "1020.00"),
    ],
)
def test_scoped_and_filtered_reports_stay_live(org, sales, slug, username, filters, expected):
    revenue_rankings_refresh()
    order(sales["c"], _day(4), "1000.00")  # after the refresh
    query = {"preset": "this_year"}
    if "owner" in filters:
        query["owner"] = org[filters["owner"]].pk
    if "region" in filters:
        query["region"] = entry("region", filters["region"]).pk
    data = run(slug, org[username], **query)
    assert "as_of" not in data
    key = "amount" if slug == "customer-contribution" else "revenue"
    assert data["summary"][key] == Decimal(expected)


@pytest.mark.parametrize("slug", SLUGS)
def test_dates_that_are_no_preset_range_stay_live(org, sales, slug):
    revenue_rankings_refresh()
    order(sales["c"], _day(4), "1000.00")
    date_from, date_to = _this_year()
    data = run(slug, org["exec"], date_from=date_from, date_to=date_to - datetime.timedelta(1))
    assert "as_of" not in data
    key = "amount" if slug == "customer-contribution" else "revenue"
    assert data["summary"][key] == Decimal("1470.00")


def test_stored_ranking_only_for_everything_unfiltered_and_a_stored_range(org, sales):
    revenue_rankings_refresh()
    date_from, date_to = _this_year()
    params = {"date_from": date_from, "date_to": date_to, "owner": None, "team": None}
    assert stored_ranking(actor=org["exec"], params=params) == _ranking()
    assert stored_ranking(actor=org["admin"], params=params) == _ranking()
    assert stored_ranking(actor=org["supervisor"], params=params) is None
    assert (
        stored_ranking(actor=org["exec"], params={**params, "team": org["manager1"].team}) is None
    )
    assert (
        stored_ranking(
            actor=org["exec"], params={**params, "level": entry("customer_level", "major")}
        )
        is None
    )
    assert stored_ranking(actor=org["exec"], params={**params, "date_from": None}) is None


def test_refresh_replaces_rankings_and_removes_old_ranges(org, sales):
    revenue_rankings_refresh(today=D(2020, 6, 15))
    assert set(RevenueRanking.objects.values_list("date_from", "date_to")) == set(
        ranking_periods(D(2020, 6, 15))
    )
    revenue_rankings_refresh()
    revenue_rankings_refresh()
    assert set(RevenueRanking.objects.values_list("date_from", "date_to")) == set(
        ranking_periods(TODAY())
    )
    ranking = _ranking()
    assert ranking.top.count() == 4
    assert RankedCustomer.objects.count() == sum(
        r.top.count() for r in RevenueRanking.objects.all()
    )
    assert not RevenuePercentile.objects.exclude(ranking__in=RevenueRanking.objects.all()).exists()


def test_the_stored_top_rows_are_as_many_as_the_report_can_show(org, sales, monkeypatch):
    form_class = get_report("customer-contribution").form_class
    assert not form_class({"limit": str(top_size() + 1)}, actor=org["exec"]).is_valid()
    assert form_class({"limit": str(top_size())}, actor=org["exec"]).is_valid()
    monkeypatch.setattr(form_class.base_fields["limit"], "max_value", 2)
    assert top_size() == 2
    revenue_rankings_refresh()
    assert _ranking().top.count() == 2
    data = run("customer-contribution", org["exec"], preset="this_year", limit=2)
    assert column(data["rows"], "name") == ["乙公司", "甲公司"]
    assert data["summary"]["customers"] == 4
    assert data["summary"]["top_share"] == pct(450, 470)


def test_an_empty_period_is_stored_with_zeros(org, sales):
    revenue_rankings_refresh(today=D(2030, 6, 15))
    ranking = RevenueRanking.objects.get(date_from=D(2030, 6, 1), date_to=D(2030, 6, 30))
    assert (ranking.customers, ranking.orders, ranking.amount) == (0, 0, Decimal("0.00"))
    june = {"date_from": "2030-06-01", "date_to": "2030-06-30"}
    contribution = run("customer-contribution", org["exec"], **june)
    assert contribution["as_of"] == ranking.computed_at
    assert contribution["rows"] == []
    assert contribution["summary"] == {
        "customers": 0,
        "orders": 0,
        "amount": Decimal("0.00"),
        "top_share": None,
    }
    pyramid = run("customer-pyramid", org["exec"], **june)
    assert pyramid["as_of"] == ranking.computed_at
    assert pyramid["summary"] == {
        "customers": 0,
        "revenue": Decimal("0.00"),
        "top_20_share": None,
        "possible": 4,  # every customer: none bought in June 2030
        "prospects": 0,
    }
    assert pyramid["pareto"] == []
    assert {tier["share"] for tier in pyramid["tiers"]} == {None}


def test_reading_a_ranking_takes_a_fixed_number_of_queries(
    org, sales, django_assert_max_num_queries
):
    revenue_rankings_refresh()
    for number in range(30):
        order(CustomerFactory(owner=org["manager1"]), _day(5), f"{number + 1}.00")
    revenue_rankings_refresh()
    exec_user = org["exec"]
    run("customer-contribution", exec_user, preset="this_year")  # rights cached on the user
    # The ranking, its top rows, their customers (with owner, level and region); on PostgreSQL
    # also the report's session settings.
    with django_assert_max_num_queries(4):
        data = run("customer-contribution", exec_user, preset="this_year", limit=50)
    assert len(data["rows"]) == 34
    # The ranking, its percentiles, the customers, open leads and opportunities (+ settings).
    with django_assert_max_num_queries(6):
        run("customer-pyramid", exec_user, preset="this_year")


def test_the_api_gives_the_ranking_and_its_as_of_time(api, org, sales):
    revenue_rankings_refresh()
    order(sales["c"], _day(4), "1000.00")  # not in the ranking yet
    body = api("exec").get("/api/reports/customer-contribution/?preset=this_year").json()
    ranking = _ranking()
    assert datetime.datetime.fromisoformat(body["as_of"]) == ranking.computed_at
    assert body["summary"]["amount"] == "470.00"
    assert body["summary"]["customers"] == 4
    assert [row["customer"] for row in body["rows"]] == list(
        ranking.top.values_list("customer", flat=True)
    )
    assert body["date_from"] == _this_year()[0].isoformat()


def test_the_page_shows_the_ranking_and_when_it_was_computed(login, org, sales):
    revenue_rankings_refresh()
    ranking = _ranking()
    RevenueRanking.objects.filter(pk=ranking.pk).update(
        computed_at=timezone.make_aware(datetime.datetime(2026, 11, 30, 9, 5))
    )
    order(sales["c"], _day(4), "1000.00")  # after the refresh: not in the figures yet
    page = login("exec").get("/reports/customer-pyramid/?preset=this_year")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026-11-30 09:05" in text  # the ranking's time, not the moment of the request
    assert "470.00" in text and "1,470.00" not in text and "1470.00" not in text
