"""The numbers of each report, checked against expectations computed by hand from small data:
empty periods, zero denominators (None, shown as "—"), cancelled orders and the recycle bin
left out, and each role's scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from guanxi.customers.models import Customer
from guanxi.sales.models import Lead, Opportunity, Target
from tests.analytics.fixtures.reports import (
    D,
    churned,
    column,
    entry,
    moment,
    order,
    pct,
    request,
    run,
)
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import catalogue

YEAR_2026 = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


def _delete(record):
    type(record).all_objects.filter(pk=record.pk).update(deleted_at=timezone.now())


# -- customer contribution ---------------------------------------------------------------------


@pytest.fixture
def contribution(org):
    a = CustomerFactory(owner=org["manager1"], name="甲公司")
    b = CustomerFactory(owner=org["manager1"], name="乙公司")
    c = CustomerFactory(owner=org["manager2"], name="丙公司")
    gone = CustomerFactory(owner=org["manager1"], name="已删除")
    order(a, D(2026, 3, 1), "100.00")
    order(a, D(2026, 3, 5), "50.00")
    order(a, D(2026, 3, 6), "1000.00", status="cancelled")
    _delete(order(a, D(2026, 3, 7), "500.00"))
    order(a, D(2025, 12, 31), "70.00")
    order(b, D(2026, 6, 30), "300.00")
    order(c, D(2026, 1, 1), "20.00", status="completed")
    order(gone, D(2026, 4, 1), "999.00")
    _delete(gone)
    return {"a": a, "b": b, "c": c}


def test_contribution_ranks_customers_by_amount_without_cancelled_or_deleted(org, contribution):
    data = run("customer-contribution", org["exec"], **YEAR_2026)
    rows = data["rows"]
    assert column(rows, "name") == ["乙公司", "甲公司", "丙公司"]
    assert column(rows, "rank") == [1, 2, 3]
    assert column(rows, "amount") == [Decimal("300.00"), Decimal("150.00"), Decimal("20.00")]
    assert column(rows, "orders") == [1, 2, 1]
    total = 470
    assert column(rows, "share") == [pct(300, total), pct(150, total), pct(20, total)]
    assert column(rows, "cumulative_share") == [pct(300, total), pct(450, total), Decimal("100")]
    assert data["summary"] == {
        "customers": 3,
        "orders": 4,
        "amount": Decimal("470.00"),
        "top_share": Decimal("100.00"),
    }


def test_contribution_limit_keeps_the_top_rows(org, contribution):
    data = run("customer-contribution", org["exec"], limit=1, **YEAR_2026)
    assert column(data["rows"], "name") == ["乙公司"]
    assert data["summary"]["top_share"] == pct(300, 470)
    assert data["summary"]["customers"] == 3


@pytest.mark.parametrize(
    ("username", "names"),
    [
        ("manager1", ["乙公司", "甲公司"]),
        ("supervisor", ["乙公司", "甲公司", "丙公司"]),
        ("manager3", []),
        ("assistant", ["乙公司", "甲公司"]),  # supports manager1
    ],
)
def test_contribution_follows_the_scope(org, contribution, username, names):
    data = run("customer-contribution", org[username], **YEAR_2026)
    assert column(data["rows"], "name") == names


def test_contribution_of_an_empty_period_has_no_share(org, contribution):
    data = run("customer-contribution", org["exec"], date_from="2020-01-01", date_to="2020-12-31")
    assert data["rows"] == []
    assert data["summary"] == {
        "customers": 0,
        "orders": 0,
        "amount": Decimal("0.00"),
        "top_share": None,
    }


def test_contribution_filters_by_owner_team_region_and_level(org, contribution):
    major = entry("customer_level", "major")
    Customer.objects.filter(pk=contribution["a"].pk).update(
        level=major, region=entry("region", "east")
    )
    by_owner = run("customer-contribution", org["exec"], owner=org["manager2"].pk, **YEAR_2026)
    assert column(by_owner["rows"], "name") == ["丙公司"]
    by_team = run("customer-contribution", org["exec"], team=org["manager3"].team_id, **YEAR_2026)
    assert by_team["rows"] == []
    by_level = run("customer-contribution", org["exec"], level=major.pk, **YEAR_2026)
    assert column(by_level["rows"], "name") == ["甲公司"]
    by_region = run(
        "customer-contribution", org["exec"], region=entry("region", "east").pk, **YEAR_2026
    )
    assert column(by_region["rows"], "name") == ["甲公司"]


def test_a_manager_cannot_filter_on_someone_outside_the_scope(org):
    from guanxi.analytics.framework import get_report

    form = get_report("customer-contribution").form_class(
        {"owner": str(org["manager2"].pk)}, actor=org["manager1"]
    )
    assert not form.is_valid()
    assert "owner" in form.errors


def test_presets_and_bad_periods(org):
    from guanxi.analytics.framework import get_report

    form_class = get_report("customer-contribution").form_class
    today = timezone.localdate()
    form = form_class({"preset": "this_month"}, actor=org["exec"])
    assert form.is_valid()
    assert form.params()["date_from"] == today.replace(day=1)
    default = form_class({}, actor=org["exec"])
    assert default.is_valid()
    assert default.params()["date_from"] == datetime.date(today.year, 1, 1)
    assert default.params()["date_to"] == datetime.date(today.year, 12, 31)
    backwards = form_class({"date_from": "2026-02-01", "date_to": "2026-01-01"}, actor=org["exec"])
    assert not backwards.is_valid()
    assert "date_to" in backwards.errors
    ancient = form_class({"date_from": "1066-10-14"}, actor=org["exec"])
    assert not ancient.is_valid()
    assert "date_from" in ancient.errors


# -- customer composition ----------------------------------------------------------------------


@pytest.fixture
def composition(org):
    major, ordinary = entry("customer_level", "major"), entry("customer_level", "ordinary")
    made = [
        CustomerFactory(owner=org["manager1"], level=major, credit=5, satisfaction=4),
        CustomerFactory(owner=org["manager1"], level=major, credit=3),
        CustomerFactory(owner=org["manager2"], level=ordinary, credit=5, satisfaction=4),
        CustomerFactory(owner=org["manager3"], satisfaction=1),
    ]
    _delete(CustomerFactory(owner=org["manager1"], level=major, credit=5))
    return made


def _by_label(rows, key="customers"):
    return {row["label"]: row[key] for row in rows}


def test_composition_by_level_counts_and_shares(org, composition, settings):
    settings.LANGUAGE_CODE = "en"
    data = run("customer-composition", org["exec"], by="level")
    counts = _by_label(data["rows"])
    assert counts["Major account"] == 2
    assert counts["Ordinary customer"] == 1
    assert counts["Partner"] == 0  # every level is listed
    assert counts["Not set"] == 1
    shares = _by_label(data["rows"], "share")
    assert shares["Major account"] == pct(2, 4)
    assert shares["Partner"] == Decimal("0.00")
    assert data["summary"]["customers"] == 4
    assert data["date_from"] is None  # all customers, whenever created


def test_composition_by_credit_and_satisfaction(org, composition):
    credit = {
        row["key"]: row["customers"]
        for row in run("customer-composition", org["exec"], by="credit")["rows"]
    }
    assert credit == {"5": 2, "4": 0, "3": 1, "2": 0, "1": 0, "": 1}
    satisfaction = {
        row["key"]: row["customers"]
        for row in run("customer-composition", org["exec"], by="satisfaction")["rows"]
    }
    assert satisfaction == {"5": 0, "4": 2, "3": 0, "2": 0, "1": 1, "": 1}


def test_composition_scope_and_empty(org, composition):
    mine = run("customer-composition", org["manager1"], by="credit")
    assert mine["summary"]["customers"] == 2
    nobody = run(
        "customer-composition",
        org["exec"],
        by="region",
        date_from="2001-01-01",
        date_to="2001-12-31",
    )
    assert nobody["summary"]["customers"] == 0
    assert {row["share"] for row in nobody["rows"]} == {None}


def test_composition_of_customers_created_in_a_period(org, composition):
    Customer.objects.filter(pk=composition[0].pk).update(created_at=moment(D(2024, 5, 1)))
    data = run(
        "customer-composition",
        org["exec"],
        by="level",
        date_from="2024-01-01",
        date_to="2024-12-31",
    )
    assert data["summary"]["customers"] == 1


# -- service composition -----------------------------------------------------------------------


@pytest.fixture
def service(org):
    one = CustomerFactory(owner=org["manager1"])
    two = CustomerFactory(owner=org["manager2"])
    request(
        one, D(2026, 2, 1), kind="complaint", status="archived", satisfaction=4, channel="email"
    )
    request(two, D(2026, 2, 2), kind="complaint")
    request(one, D(2026, 3, 1), kind="consultation", status="archived", satisfaction=2)
    _delete(request(one, D(2026, 3, 2), kind="consultation"))
    request(one, D(2025, 3, 2), kind="suggestion")
    return one


def test_service_composition_by_type(org, service):
    data = run("service-composition", org["exec"], by="type", **YEAR_2026)
    rows = {row["key"]: row for row in data["rows"]}
    assert rows["complaint"]["requests"] == 2
    assert rows["complaint"]["share"] == pct(2, 3)
    assert rows["complaint"]["archived"] == 1
    assert rows["complaint"]["satisfaction"] == Decimal("4.00")
    assert rows["consultation"]["requests"] == 1
    assert rows["consultation"]["satisfaction"] == Decimal("2.00")
    assert rows["suggestion"]["requests"] == 0
    assert rows["suggestion"]["satisfaction"] is None
    assert data["summary"] == {"requests": 3, "archived": 2, "satisfaction": Decimal("3.00")}


def test_service_composition_by_status_and_channel(org, service):
    status = {
        r["key"]: r["requests"]
        for r in run("service-composition", org["exec"], by="status", **YEAR_2026)["rows"]
    }
    assert status == {"new": 1, "assigned": 0, "handled": 0, "archived": 2}
    channel = {
        r["key"]: r["requests"]
        for r in run("service-composition", org["exec"], by="channel", **YEAR_2026)["rows"]
    }
    assert channel["phone"] == 2
    assert channel["email"] == 1


def test_service_composition_scope_and_empty_period(org, service):
    mine = run("service-composition", org["manager1"], by="type", **YEAR_2026)
    assert mine["summary"]["requests"] == 2
    none = run("service-composition", org["manager3"], by="type", **YEAR_2026)
    assert none["summary"] == {"requests": 0, "archived": 0, "satisfaction": None}
    assert {row["share"] for row in none["rows"]} == {None}


# -- churn -------------------------------------------------------------------------------------


@pytest.fixture
def churn(org):
    customers = [CustomerFactory(owner=org["manager1"], name=f"流失{i}") for i in range(7)]
    customers.append(CustomerFactory(owner=org["manager3"], name="流失北"))
    churned(customers[0], D(2026, 2, 10), "price")
    churned(customers[1], D(2026, 3, 1), "competitor")
    churned(customers[2], D(2026, 3, 20), "price")
    churned(customers[3], D(2026, 3, 21), "price", state="won_back")
    churned(customers[4], D(2026, 3, 22), None, state="warning")
    churned(customers[5], D(2025, 3, 22), "price")
    churned(customers[6], D(2026, 3, 23), "price")
    _delete(customers[6])
    churned(customers[7], D(2026, 1, 5), None)
    return customers


def test_churn_counts_per_period_and_reason_and_lists_the_customers(org, churn, settings):
    settings.LANGUAGE_CODE = "en"
    data = run("churn", org["exec"], date_from="2026-01-01", date_to="2026-03-31")
    assert [(r["period"], r["customers"]) for r in data["by_period"]] == [
        ("2026-01", 1),
        ("2026-02", 1),
        ("2026-03", 2),
    ]
    reasons = {row["key"]: row for row in data["by_reason"]}
    assert reasons["price"]["customers"] == 2
    assert reasons["price"]["share"] == pct(2, 4)
    assert reasons["competitor"]["customers"] == 1
    assert reasons["service"]["customers"] == 0
    assert reasons[""]["reason"] == "Not recorded"
    assert column(data["customers"], "name") == ["流失2", "流失1", "流失0", "流失北"]
    assert data["customers"][0]["date"] == D(2026, 3, 20)
    assert data["customers"][0]["reason"] == "Price"
    assert data["customers"][0]["owner_name"] == org["manager1"].get_full_name()
    assert data["summary"] == {"customers": 4}


def test_churn_by_quarter_scope_and_empty(org, churn):
    quarter = run("churn", org["manager1"], granularity="quarter", **YEAR_2026)
    assert [(r["period"], r["customers"]) for r in quarter["by_period"]] == [
        ("2026 Q1", 3),
        ("2026 Q2", 0),
        ("2026 Q3", 0),
        ("2026 Q4", 0),
    ]
    empty = run("churn", org["exec"], date_from="2024-01-01", date_to="2024-12-31")
    assert empty["summary"] == {"customers": 0}
    assert empty["customers"] == []
    assert {row["share"] for row in empty["by_reason"]} == {None}


# -- sales trend -------------------------------------------------------------------------------


@pytest.fixture
def trend(org):
    products = catalogue()
    customer = CustomerFactory(owner=org["manager1"])
    other = CustomerFactory(owner=org["manager3"])
    order(customer, D(2025, 3, 10), "100.00")
    order(customer, D(2026, 2, 10), "50.00")
    order(
        customer,
        D(2026, 3, 10),
        "200.00",
        lines=[(products["drill"], "120.00"), (products["wrench"], "80.00")],
    )
    order(customer, D(2026, 3, 11), "999.00", status="cancelled")
    order(other, D(2026, 3, 12), "30.00", lines=[(products["printer"], "30.00")])
    return products


def test_sales_trend_month_with_previous_period_and_last_year(org, trend):
    data = run("sales-trend", org["exec"], date_from="2026-03-15", date_to="2026-03-20")
    assert data["date_from"] == D(2026, 3, 1)  # widened to the whole month
    assert data["date_to"] == D(2026, 3, 31)
    (row,) = data["rows"]
    assert row["period"] == "2026-03"
    assert row["amount"] == Decimal("230.00")
    assert row["orders"] == 2
    assert row["previous_amount"] == Decimal("50.00")
    assert row["change"] == Decimal("360.00")  # (230 − 50) / 50
    assert row["last_year_amount"] == Decimal("100.00")
    assert row["year_change"] == Decimal("130.00")


def test_sales_trend_zero_base_has_no_change(org, trend):
    data = run("sales-trend", org["exec"], date_from="2026-01-01", date_to="2026-02-28")
    january, february = data["rows"]
    assert january["amount"] == Decimal("0.00")
    assert january["change"] is None and january["year_change"] is None
    assert february["change"] is None  # January sold nothing
    assert february["year_change"] is None


def test_sales_trend_per_product_category_and_quarter(org, trend):
    drill = run(
        "sales-trend",
        org["exec"],
        product=trend["drill"].pk,
        date_from="2026-03-01",
        date_to="2026-03-31",
    )
    assert drill["rows"][0]["amount"] == Decimal("120.00")
    tools = run(
        "sales-trend",
        org["exec"],
        category=trend["tools"].pk,
        date_from="2026-03-01",
        date_to="2026-03-31",
    )
    assert tools["rows"][0]["amount"] == Decimal("200.00")
    assert tools["rows"][0]["orders"] == 1
    quarter = run(
        "sales-trend",
        org["exec"],
        granularity="quarter",
        date_from="2026-01-01",
        date_to="2026-03-31",
    )
    (q1,) = quarter["rows"]
    assert q1["amount"] == Decimal("280.00")
    assert q1["previous_amount"] == Decimal("0.00") and q1["change"] is None
    assert q1["year_change"] == Decimal("180.00")
    year = run("sales-trend", org["exec"], granularity="year", **YEAR_2026)
    assert year["rows"][0]["year_change"] == Decimal("180.00")


def test_sales_trend_scope(org, trend):
    mine = run("sales-trend", org["manager1"], date_from="2026-03-01", date_to="2026-03-31")
    assert mine["rows"][0]["amount"] == Decimal("200.00")
    theirs = run("sales-trend", org["manager3"], date_from="2026-03-01", date_to="2026-03-31")
    assert theirs["rows"][0]["amount"] == Decimal("30.00")
    assert theirs["rows"][0]["year_change"] is None


# -- employee performance ----------------------------------------------------------------------


MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def test_performance_per_rep(org, performance):
    data = run("employee-performance", org["supervisor"], **MARCH)
    rows = {row["name"]: row for row in data["rows"]}
    m1 = rows[org["manager1"].get_full_name()]
    assert m1["rank"] == 1
    assert (m1["opportunities"], m1["opportunities_won"]) == (1, 1)
    assert (m1["deals_won"], m1["deals_won_amount"]) == (1, Decimal("500.00"))
    assert (m1["orders"], m1["order_amount"]) == (2, Decimal("300.00"))
    assert m1["services_handled"] == 1
    assert m1["interactions"] == 2  # one logged by the assistant on their behalf
    assert (m1["target"], m1["achieved"]) == (Decimal("600.00"), Decimal("300.00"))
    assert m1["achievement"] == Decimal("50.00")
    m2 = rows[org["manager2"].get_full_name()]
    assert (m2["rank"], m2["order_amount"]) == (2, Decimal("50.00"))
    assert m2["target"] is None and m2["achievement"] is None
    # The supervisor's team's sales reps: east's account managers, nobody from north; not the
    # assistant, nor the supervisor, who owns no customers here.
    assert set(rows) == {org[name].get_full_name() for name in ("manager1", "manager2")}
    assert data["summary"]["order_amount"] == Decimal("350.00")
    assert data["summary"]["achievement"] == Decimal("50.00")


def test_the_performance_opportunity_figures_include_their_expected_amounts(org, performance):
    data = run("employee-performance", org["supervisor"], **MARCH)
    rows = {row["name"]: row for row in data["rows"]}
    m1 = rows[org["manager1"].get_full_name()]
    assert (m1["opportunities"], m1["opportunity_amount"]) == (1, Decimal("3000.00"))
    assert (m1["opportunities_won"], m1["opportunities_won_amount"]) == (1, Decimal("8000.00"))
    m2 = rows[org["manager2"].get_full_name()]
    assert (m2["opportunity_amount"], m2["opportunities_won_amount"]) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_performance_scope_ranking_and_longest_target(org, performance):
    mine = run("employee-performance", org["manager1"], **MARCH)
    assert column(mine["rows"], "name") == [org["manager1"].get_full_name()]
    everyone = run("employee-performance", org["exec"], rank_by="interactions", **MARCH)
    assert everyone["rows"][0]["name"] == org["manager1"].get_full_name()
    assert org["manager3"].get_full_name() in column(everyone["rows"], "name")
    assert org["exec"].get_full_name() not in column(everyone["rows"], "name")
    # A quarter target beside the month one: the quarter's counts, not both.
    Target.objects.create(
        user=org["manager1"],
        period_kind="quarter",
        period_start=D(2026, 1, 1),
        period_end=D(2026, 3, 31),
        amount=1000,
    )
    quarter = run(
        "employee-performance", org["manager1"], date_from="2026-01-01", date_to="2026-03-31"
    )
    (row,) = quarter["rows"]
    assert (row["target"], row["achieved"]) == (Decimal("1000.00"), Decimal("300.00"))
    assert row["achievement"] == Decimal("30.00")


def test_performance_of_an_empty_period(org, performance):
    data = run(
        "employee-performance", org["manager1"], date_from="2020-01-01", date_to="2020-01-31"
    )
    (row,) = data["rows"]
    assert row["orders"] == 0 and row["order_amount"] == Decimal("0.00")
    assert row["achievement"] is None
    assert data["summary"]["achievement"] is None


# -- customer pyramid --------------------------------------------------------------------------


def _customers_with_revenue(org, amounts, owner="manager1"):
    made = []
    for amount in amounts:
        customer = CustomerFactory(owner=org[owner])
        order(customer, D(2026, 5, 1), f"{amount}.00")
        made.append(customer)
    return made


def test_pyramid_tiers_of_a_hundred_customers(org):
    _customers_with_revenue(org, range(1, 101))
    zero = CustomerFactory(owner=org["manager1"])
    order(zero, D(2026, 5, 1), "5000.00", status="cancelled")
    data = run("customer-pyramid", org["exec"], **YEAR_2026)
    tiers = {row["key"]: row for row in data["tiers"]}
    ranked = list(range(100, 0, -1))
    expected = {
        "top_1": ranked[:1],
        "next_4": ranked[1:5],
        "next_15": ranked[5:20],
        "other_80": ranked[20:],
    }
    total = sum(ranked)
    for key, members in expected.items():
        assert tiers[key]["customers"] == len(members)
        assert tiers[key]["revenue"] == Decimal(sum(members))
        assert tiers[key]["share"] == pct(sum(members), total)
    assert data["summary"]["customers"] == 100
    assert data["summary"]["top_20_share"] == pct(sum(ranked[:20]), total)
    assert len(data["pareto"]) == 100
    assert data["pareto"][19]["cumulative_share"] == pct(sum(ranked[:20]), total)
    assert data["pareto"][-1]["cumulative_share"] == Decimal("100.00")


def test_pyramid_of_few_customers_and_scope(org):
    _customers_with_revenue(org, [1000, 500, 300, 200, 100, 50, 40, 30, 20, 10])
    _customers_with_revenue(org, [7], owner="manager3")
    data = run("customer-pyramid", org["manager1"], **YEAR_2026)
    tiers = {row["key"]: row for row in data["tiers"]}
    # Of 10 customers the top 1 % and the next 4 % are nobody; the top 20 % are two.
    assert tiers["top_1"]["customers"] == 0 and tiers["top_1"]["share"] == Decimal("0.00")
    assert tiers["next_4"]["customers"] == 0
    assert tiers["next_15"]["customers"] == 2
    assert tiers["next_15"]["revenue"] == Decimal("1500.00")
    assert tiers["other_80"]["customers"] == 8
    assert data["summary"]["top_20_share"] == pct(1500, 2250)
    assert data["summary"]["customers"] == 10


def test_pyramid_prospect_tiers_below_the_buying_ones(org):
    m1 = org["manager1"]
    buyers = _customers_with_revenue(org, [300, 100])
    idle = CustomerFactory(owner=m1)  # no purchase in the period
    order(idle, D(2025, 5, 1), "900.00")  # ...only the year before
    order(CustomerFactory(owner=m1), D(2026, 5, 2), "50.00", status="cancelled")  # not revenue
    CustomerFactory(owner=org["manager3"])  # another account manager's: out of scope
    for status in ("new", "assigned", "converted", "disqualified"):
        Lead.objects.create(name="线索", owner=m1, status=status)
    Lead.objects.create(name="别人的", owner=org["manager3"], status="assigned")
    for status, customer in (("assigned", None), ("unassigned", None), ("assigned", buyers[0])):
        Opportunity.objects.create(
            prospect_name="机会",
            summary="x",
            probability=10,
            status=status,
            assigned_to=None if status == "unassigned" else m1,
            created_by=m1,
            customer=customer,
        )
    Opportunity.objects.create(
        prospect_name="赢了", summary="x", probability=100, status="won", assigned_to=m1
    )
    data = run("customer-pyramid", m1, **YEAR_2026)
    tiers = {row["key"]: row for row in data["tiers"]}
    assert [row["key"] for row in data["tiers"]][-2:] == ["possible", "prospects"]
    assert tiers["possible"]["customers"] == 2  # the idle one and the cancelled order's
    # Two open leads and two open opportunities on no customer (the third is a buyer's).
    assert tiers["prospects"]["customers"] == 4
    assert tiers["possible"]["revenue"] is None and tiers["prospects"]["share"] is None
    assert data["summary"]["possible"] == 2 and data["summary"]["prospects"] == 4
    assert sum(row["customers"] for row in data["tiers"][:4]) == data["summary"]["customers"] == 2
    everyone = run("customer-pyramid", org["exec"], **YEAR_2026)
    assert everyone["summary"]["prospects"] == 5  # manager3's lead too
    assert everyone["summary"]["possible"] == 3
    level = entry("customer_level", "major")
    by_level = run("customer-pyramid", org["exec"], level=level.pk, **YEAR_2026)
    assert by_level["summary"]["prospects"] == 0  # prospects have no level


def test_pyramid_of_an_empty_period(org):
    data = run("customer-pyramid", org["exec"], **YEAR_2026)
    assert data["summary"] == {
        "customers": 0,
        "revenue": Decimal("0.00"),
        "top_20_share": None,
        "possible": 0,
        "prospects": 0,
    }
    assert data["pareto"] == []
    assert {tier["share"] for tier in data["tiers"]} == {None}
