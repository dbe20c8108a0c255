"""The pivot's numbers (``analytics.selectors.pivot``): known answers on the hand-made quarter
of ``fixtures/pivot.py`` — cells, row, column and grand totals — the records behind a cell,
scope, the rollup path and the combinations refused."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from guanxi.analytics.pivot import PivotForm
from guanxi.analytics.selectors.pivot import pivot_cell_records, pivot_compute
from guanxi.analytics.services.rollups import day_facts_refresh
from guanxi.sales.models import Order
from tests.analytics.fixtures.pivot import Q1
from tests.analytics.fixtures.reports import D

M = Decimal


def params(user, **query) -> dict:
    form = PivotForm({**Q1, **{k: str(v) for k, v in query.items()}}, actor=user)
    assert form.is_valid(), form.errors
    return form.params()


def pivot(user, **query) -> dict:
    # Labels are worded in the active language: these tests read the Chinese ones.
    with translation.override("zh-hans"):
        return pivot_compute(actor=user, params=params(user, **query))


def table(data) -> dict:
    """{row label: (cells by column label, row total)} of a pivot."""
    labels = [column["label"] for column in data["columns"]]
    return {
        row["label"]: (dict(zip(labels, row["cells"], strict=True)), row["total"])
        for row in data["rows"]
    }


def records(user, row=None, column=None, **query):
    found = pivot_cell_records(actor=user, params=params(user, **query), row=row, column=column)
    kind, rows = found
    return kind, list(rows)


def test_revenue_by_month_and_account_manager(org, pivot_data):
    data = pivot(org["exec"], rows="month", columns="owner", measure="revenue")
    m1, m2, m3 = (str(org[name]) for name in ("manager1", "manager2", "manager3"))
    assert {column["label"] for column in data["columns"]} == {m1, m2, m3, "客户公海"}
    cells = table(data)
    assert list(cells) == ["2026-01", "2026-02", "2026-03"]
    zero = M("0.00")
    assert cells["2026-01"][0] == {m1: M("100.00"), m2: M("50.00"), m3: zero, "客户公海": zero}
    assert cells["2026-02"][0] == {m1: M("200.00"), m2: zero, m3: zero, "客户公海": M("70.00")}
    assert cells["2026-03"][0] == {m1: zero, m2: zero, m3: M("300.00"), "客户公海": zero}
    assert [total for _cells, total in cells.values()] == [M("150.00"), M("270.00"), M("300.00")]
    totals = {column["label"]: column["total"] for column in data["columns"]}
    assert totals[m1] == M("300.00") and totals[m2] == M("50.00") and totals[m3] == M("300.00")
    assert data["columns"][-1]["key"] == "none"  # the pool comes last
    assert data["columns"][-1]["total"] == M("70.00")
    assert data["total"] == M("720.00")
    assert data["source"] == "live"


def test_customers_who_bought_are_counted_once_in_the_totals(org, pivot_data):
    data = pivot(org["exec"], rows="month", measure="customers")
    assert [(row["label"], row["total"]) for row in data["rows"]] == [
        ("2026-01", 2),  # 甲, 乙
        ("2026-02", 2),  # 甲, 池
        ("2026-03", 1),  # 丙
    ]
    assert data["total"] == 4  # not 5: 甲 bought in two months
    by_region = pivot(org["exec"], rows="region", columns="month", measure="customers")
    east = next(row for row in by_region["rows"] if row["label"] == "华东")
    assert east["cells"] == [1, 1, 1] and east["total"] == 2  # 甲 (Jan, Feb), 丙 (Mar)
    assert [column["total"] for column in by_region["columns"]] == [2, 2, 1]
    assert by_region["total"] == 4


def test_revenue_and_orders_by_product_category_read_the_lines(org, pivot_data):
    data = pivot(org["exec"], rows="month", columns="category", measure="revenue")
    assert [column["label"] for column in data["columns"]] == ["五金工具", "办公设备"]
    assert [row["cells"] for row in data["rows"]] == [
        [M("150.00"), M("0.00")],
        [M("0.00"), M("200.00")],
        [M("0.00"), M("300.00")],
    ]
    assert [column["total"] for column in data["columns"]] == [M("150.00"), M("500.00")]
    assert data["total"] == M("650.00")  # 池's order has no lines
    orders = pivot(org["exec"], rows="category", measure="orders")
    assert [(row["label"], row["total"]) for row in orders["rows"]] == [
        ("五金工具", 2),
        ("办公设备", 2),
    ]
    assert orders["total"] == 4


def test_order_lines_and_orders_by_level(org, pivot_data):
    lines = pivot(org["exec"], rows="month", measure="lines")
    assert [row["total"] for row in lines["rows"]] == [3, 1, 1] and lines["total"] == 5
    orders = pivot(org["exec"], rows="level", columns="quarter", measure="orders")
    assert [(row["label"], row["cells"], row["total"]) for row in orders["rows"]] == [
        ("普通客户", [1], 1),
        ("大客户", [3], 3),
        ("未设置", [1], 1),  # the pool's customer has no level
    ]
    assert orders["columns"] == [{"key": "2026-01-01", "label": "2026 Q1", "total": 5}]


def test_service_requests_and_satisfaction(org, pivot_data):
    data = pivot(org["exec"], rows="service_type", columns="channel", measure="requests")
    cells = table(data)
    assert cells["投诉"][1] == 3 and cells["咨询"][1] == 1
    assert cells["投诉"][0]["电话"] == 2 and cells["投诉"][0]["网站"] == 1
    assert data["total"] == 4
    satisfaction = pivot(org["exec"], rows="month", measure="satisfaction")
    assert [row["total"] for row in satisfaction["rows"]] == [
        M("5.00"),
        M("3.00"),
        M("2.50"),  # (1 + 4) / 2
    ]
    assert satisfaction["total"] == M("3.25")  # (5 + 3 + 1 + 4) / 4


def test_an_account_manager_sees_only_their_customers(org, pivot_data):
    data = pivot(org["manager1"], rows="month", columns="owner", measure="revenue")
    assert [column["label"] for column in data["columns"]] == [str(org["manager1"])]
    assert [row["total"] for row in data["rows"]] == [M("100.00"), M("200.00"), M("0.00")]
    assert data["total"] == M("300.00")
    regions = pivot(org["manager1"], rows="region", measure="requests")
    assert [(row["label"], row["total"]) for row in regions["rows"]] == [("华东", 2)]
    supervisor = pivot(org["supervisor"], rows="owner", measure="revenue")
    assert supervisor["total"] == M("350.00")  # manager1 and manager2 of the east team


def test_team_rows_and_the_common_filters(org, pivot_data):
    data = pivot(org["exec"], rows="team", measure="revenue")
    assert [(row["label"], row["total"]) for row in data["rows"]] == [
        ("华东组", M("350.00")),
        ("华北组", M("300.00")),
        ("未设置", M("70.00")),
    ]
    east_region = pivot_data["regions"]["east"].pk
    east = pivot(org["exec"], rows="owner", measure="revenue", region=east_region)
    assert east["total"] == M("600.00")  # 甲 300 and 丙 300


def test_the_records_behind_a_cell_are_exactly_its_records(org, pivot_data):
    orders = pivot_data["orders"]
    m1 = org["manager1"]
    query = {"rows": "month", "columns": "owner", "measure": "revenue"}
    kind, found = records(org["exec"], "2026-01-01", str(m1.pk), **query)
    assert kind == "orders" and found == [orders["a_jan"]]
    _kind, column = records(org["exec"], None, str(m1.pk), **query)
    assert set(column) == {orders["a_jan"], orders["a_feb"]}
    _kind, pool = records(org["exec"], "2026-02-01", "none", **query)
    assert pool == [orders["pool_feb"]]
    _kind, everything = records(org["exec"], **query)
    assert sum(order.total for order in everything) == M("720.00")
    kind, lines = records(
        org["exec"],
        "2026-01-01",
        str(pivot_data["products"]["tools"].pk),
        rows="month",
        columns="category",
        measure="revenue",
    )
    assert kind == "lines" and sorted(line.amount for line in lines) == [M("40"), M("50"), M("60")]
    kind, customers = records(org["exec"], measure="customers", rows="month")
    assert kind == "customers" and set(customers) == set(pivot_data["customers"].values())
    kind, rated = records(org["exec"], "2026-03-01", measure="satisfaction", rows="month")
    assert kind == "requests"
    assert set(rated) == {pivot_data["requests"]["c_mar"], pivot_data["requests"]["b_mar"]}


def test_the_records_are_scoped(org, pivot_data):
    _kind, found = records(org["manager1"], measure="revenue", rows="month")
    assert set(found) == {pivot_data["orders"]["a_jan"], pivot_data["orders"]["a_feb"]}
    _kind, none = records(
        org["manager1"], "2026-03-01", str(org["manager3"].pk), rows="month", columns="owner"
    )
    assert none == []


@pytest.mark.parametrize(
    ("row", "message_field"), [("2026-01-15", "row"), ("x", "row"), ("2025-01-01", None)]
)
def test_a_key_that_is_no_bucket_is_refused(org, pivot_data, row, message_field):
    from django.core.exceptions import ValidationError

    if message_field is None:  # a bucket outside the period: simply no records
        assert records(org["exec"], row, rows="month")[1] == []
        return
    with pytest.raises(ValidationError) as refused:
        records(org["exec"], row, rows="month")
    assert message_field in refused.value.message_dict


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"rows": "colour"}, "rows"),
        ({"columns": "colour"}, "columns"),
        ({"measure": "profit"}, "measure"),
        ({"rows": "service_type", "measure": "revenue"}, "rows"),
        ({"rows": "month", "columns": "channel", "measure": "orders"}, "columns"),
        ({"rows": "category", "measure": "requests"}, "rows"),
        ({"rows": "month", "columns": "month"}, "columns"),
    ],
)
def test_combinations_that_make_no_sense_are_refused_naming_the_parameter(org, query, field):
    form = PivotForm({**Q1, **query}, actor=org["exec"])
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_month_by_owner_revenue_is_read_from_the_rollup(org, pivot_data):
    live = pivot(org["exec"], rows="month", columns="owner", measure="revenue")
    refresh = day_facts_refresh(today=D(2026, 2, 10))  # covers up to 9 February
    data = pivot(org["exec"], rows="month", columns="owner", measure="revenue")
    assert data["source"] == "rollup" and data["as_of"] == refresh.refreshed_at
    assert data["rows"] == live["rows"] and data["total"] == live["total"]
    team = pivot(org["exec"], rows="quarter", columns="team", measure="orders")
    assert team["source"] == "rollup" and team["total"] == 5
    # A change to a day the rollup covers shows after the next refresh; a later day at once.
    Order.objects.filter(pk=pivot_data["orders"]["a_jan"].pk).update(total=M("101.00"))
    Order.objects.filter(pk=pivot_data["orders"]["c_mar"].pk).update(total=M("301.00"))
    stale = pivot(org["exec"], rows="month", columns="owner", measure="revenue")
    assert stale["total"] == M("721.00")
    manager = pivot(org["manager1"], rows="month", measure="revenue")
    assert manager["source"] == "rollup" and manager["total"] == M("300.00")
    # A region filter or dimension is not in the day figures: live.
    assert pivot(org["exec"], rows="region", measure="revenue")["source"] == "live"


def test_a_pivot_takes_a_bounded_number_of_queries(org, pivot_data, django_assert_max_num_queries):
    user = org["exec"]
    pivot(user, rows="month", columns="owner", measure="customers")  # rights cached on the user
    with django_assert_max_num_queries(6):  # cells, 3 totals, the owners' names
        pivot(user, rows="month", columns="owner", measure="customers")
    with django_assert_max_num_queries(3):  # cells, two dictionaries' names
        pivot(user, rows="region", columns="level", measure="revenue")
    day_facts_refresh(today=datetime.date(2026, 2, 10))
    with django_assert_max_num_queries(4):  # the refresh, the day figures, live days, names
        pivot(user, rows="month", columns="owner", measure="revenue")
