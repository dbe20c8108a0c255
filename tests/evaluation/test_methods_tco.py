"""TCO: totals, initial/ongoing split, cost per user, maintenance rates and the years 3–5
budget split of a hand-computed plan; what is refused."""

from decimal import Decimal as D

import pytest

from guanxi.evaluation.methods import tco as m
from guanxi.evaluation.methods.tco import CostItem, TCOError


def plan_items() -> list[CostItem]:
    """A 50-user plan: licences bought in year 1, maintenance at 20 % of them from year 2, a
    server, the vendor's implementation, internal staff, a leased line, an outside consultant
    in year 3 and a second training round (其它) in year 2."""
    return [
        CostItem(m.LICENCE, 1, m.INITIAL, D("200000")),
        *[CostItem(m.MAINTENANCE, year, m.ONGOING, D("40000")) for year in (2, 3, 4, 5)],
        CostItem(m.HARDWARE, 1, m.INITIAL, D("50000")),
        CostItem(m.VENDOR_SERVICES, 1, m.INITIAL, D("80000")),
        CostItem(m.INTERNAL_STAFF, 1, m.INITIAL, D("30000")),
        *[CostItem(m.INTERNAL_STAFF, year, m.ONGOING, D("25000")) for year in (2, 3, 4, 5)],
        *[CostItem(m.TELECOM, year, m.ONGOING, D("6000")) for year in (1, 2, 3, 4, 5)],
        CostItem(m.EXTERNAL_SERVICES, 3, m.ONGOING, D("10000")),
        CostItem(m.OTHER, 2, m.INITIAL, D("12000")),
    ]


def test_a_hand_computed_five_year_plan():
    """By hand:
    initial = 200,000 + 50,000 + 80,000 + 30,000 + 12,000 = 372,000
    ongoing = 4×40,000 + 4×25,000 + 5×6,000 + 10,000 = 160,000 + 100,000 + 30,000 + 10,000
            = 300,000; total = 672,000
    initial share = 372,000 / 672,000 = 0.55357 (55.4 %: within 55–65 %)
    ongoing share = 300,000 / 672,000 = 0.44643 (44.6 %: within 35–45 %)
    cost per user per year = 672,000 / (50 × 5) = 2,688.00
    years: 1: 200,000 + 50,000 + 80,000 + 30,000 + 6,000 = 366,000
           2: 40,000 + 25,000 + 6,000 + 12,000 = 83,000
           3: 40,000 + 25,000 + 6,000 + 10,000 = 81,000;  4 and 5: 71,000
    """
    result = m.tco(plan_items(), users=50)
    assert result.initial_total == D("372000.00")
    assert result.ongoing_total == D("300000.00")
    assert result.total == D("672000.00")
    assert result.year_totals == [D("366000"), D("83000"), D("81000"), D("71000"), D("71000")]
    assert result.initial_by_year == [D("360000"), D("12000"), 0, 0, 0]
    assert round(result.initial_share, 5) == D("0.55357")
    assert round(result.ongoing_share, 5) == D("0.44643")
    assert result.initial_position == m.WITHIN and result.ongoing_position == m.WITHIN
    assert result.cost_per_user_year == D("2688.00")
    assert result.category_totals[m.MAINTENANCE] == D("160000")
    assert result.category_totals[m.TELECOM] == D("30000")
    assert result.by_category[m.INTERNAL_STAFF] == [D("30000")] + [D("25000")] * 4
    assert list(result.by_category) == list(m.CATEGORIES)


def test_maintenance_rates_against_the_licences_bought_so_far():
    """Year 1: no maintenance, 0 / 200,000 = 0 (below 15–25 %); years 2–5: 40,000 / 200,000
    = 0.20 (within). A year before any licence has no rate."""
    result = m.tco(plan_items(), users=50)
    assert result.maintenance_rates == [0, D("0.2"), D("0.2"), D("0.2"), D("0.2")]
    assert result.maintenance_positions == [m.BELOW, m.WITHIN, m.WITHIN, m.WITHIN, m.WITHIN]
    late_licence = [
        CostItem(m.LICENCE, 2, m.INITIAL, D("100")),
        CostItem(m.TELECOM, 1, m.ONGOING, 1),
    ]
    assert m.tco(late_licence, users=1).maintenance_rates[0] is None


def test_the_years_three_to_five_budget_split():
    """Years 3–5 cost 81,000 + 71,000 + 71,000 = 223,000. Keeping it running 40,000 → 0.17937
    (within 15–20 %); competitive advantage 50,000 → 0.22422 (below 25–40 %)."""
    result = m.tco(plan_items(), users=50, keep_running="40000", competitive_advantage=50000)
    assert result.late_budget == D("223000")
    assert round(result.run_share, 5) == D("0.17937")
    assert round(result.advantage_share, 5) == D("0.22422")
    assert result.run_position == m.WITHIN and result.advantage_position == m.BELOW


def test_an_initial_heavy_plan_is_above_the_benchmark():
    """Initial 90, ongoing 10: 90 % initial is above 55–65 %, 10 % ongoing below 35–45 %."""
    items = [CostItem(m.LICENCE, 1, m.INITIAL, D("90")), CostItem(m.TELECOM, 2, m.ONGOING, 10)]
    result = m.tco(items, users=3)
    assert result.initial_share == D("0.9") and result.initial_position == m.ABOVE
    assert result.ongoing_position == m.BELOW
    # 100 / (3 × 5) = 6.666… → 6.67 to the cent
    assert result.cost_per_user_year == D("6.67")


def test_an_empty_plan_has_no_shares():
    result = m.tco([], users=10)
    assert result.total == 0 and result.initial_share is None and result.initial_position is None
    assert result.cost_per_user_year == 0 and result.run_share is None


@pytest.mark.parametrize(
    ("item", "kind", "name"),
    [
        (CostItem(m.LICENCE, 1, m.INITIAL, D("-1")), "negative", "costs[1].amount"),
        (CostItem(m.LICENCE, 0, m.INITIAL, D("1")), "year", "costs[1].year"),
        (CostItem(m.LICENCE, 6, m.INITIAL, D("1")), "year", "costs[1].year"),
        (CostItem("yachts", 1, m.INITIAL, D("1")), "category", "costs[1].category"),
        (CostItem(m.LICENCE, 1, "forever", D("1")), "kind", "costs[1].kind"),
        (CostItem(m.LICENCE, 1, m.INITIAL, "abc"), "not_number", "costs[1].amount"),  # type: ignore[arg-type]
        (CostItem(m.LICENCE, 1, m.INITIAL, D("NaN")), "not_number", "costs[1].amount"),
        (CostItem(m.LICENCE, 1, m.INITIAL, D("1e15")), "too_large", "costs[1].amount"),
        (CostItem(m.HARDWARE, 1, m.ONGOING, D("5")), "duplicate", "costs[1]"),
    ],
)
def test_bad_items_are_refused_naming_the_input(item, kind, name):
    first = CostItem(m.HARDWARE, 1, m.ONGOING, D("5"))
    with pytest.raises(TCOError) as refused:
        m.tco([first, item], users=1)
    assert (refused.value.kind, refused.value.name) == (kind, name)


@pytest.mark.parametrize("users", [0, -3, True, "5", 10**7])
def test_the_users_must_be_a_positive_count(users):
    with pytest.raises(TCOError) as refused:
        m.tco([], users=users)
    assert refused.value.name == "users"


def test_a_split_beyond_the_late_budget_is_refused():
    with pytest.raises(TCOError) as refused:
        m.tco(plan_items(), users=50, keep_running=200000, competitive_advantage=30000)
    assert (refused.value.kind, refused.value.name) == ("split", "competitive_advantage")
    with pytest.raises(TCOError) as refused:
        m.tco(plan_items(), users=50, keep_running=-1)
    assert refused.value.name == "keep_running"
