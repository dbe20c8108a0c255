"""What every list shows besides its rows: count, totals, columns, saved views (issue: lists)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from guanxi.core import lists
from guanxi.core.lists import ListCount, count_rows
from guanxi.core.views.list_views import count_text
from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import make_order, products  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
CUSTOMERS = reverse("customers:list")
ORDERS = reverse("sales:order_list")


def _headers(response) -> list[str]:
    html = response.content.decode()
    head = html[html.index("<thead>") + len("<thead>") : html.index("</thead>")]
    return [cell.split(">", 1)[1] for cell in head.split("<th")[1:]]


# -- the count ----------------------------------------------------------------------------------


def test_a_small_count_is_exact_and_says_so(org, customers, login, english):
    response = login("manager1").get(CUSTOMERS)
    listing = response.context["listing"]
    assert listing.count == ListCount(1)
    assert 'data-testid="list-count">1 record<' in response.content.decode()
    assert "data-estimated" not in response.content.decode()


def test_the_count_follows_the_filters_and_the_scope(org, customers, login):
    assert login("exec").get(CUSTOMERS).context["listing"].count.value == len(customers)
    assert login("supervisor").get(CUSTOMERS).context["listing"].count.value == 3
    found = login("exec").get(CUSTOMERS, {"q": customers["manager2"].code})
    assert found.context["listing"].count.value == 1


def test_an_estimate_is_worded_as_one():
    with translation.override("en"):
        assert count_text(ListCount(12340, estimated=True)) == "about 12,340 records"
        assert count_text(ListCount(12340)) == "12,340 records"
        assert count_text(ListCount(1)) == "1 record"
    with translation.override("zh-hans"):
        assert count_text(ListCount(12340, estimated=True)) == "约 12,340 条"


def test_the_page_marks_an_estimated_count(org, customers, login, english, monkeypatch):
    monkeypatch.setattr(lists, "count_rows", lambda rows: ListCount(12340, estimated=True))
    html = login("exec").get(CUSTOMERS).content.decode()
    assert 'data-estimated="true"' in html
    assert "about 12,340 records" in html


def test_beyond_the_limit_postgresql_estimates_and_sqlite_counts(org):
    for index in range(5):
        CustomerFactory(name=f"客户{index}", owner=org["manager1"])
    rows = Customer.objects.filter(owner=org["manager1"])
    counted = count_rows(rows, limit=3)
    if connection.vendor == "postgresql":
        # The capped count proved more than the limit; the figure is the planner's.
        assert counted.estimated and counted.value >= 4
    else:
        assert counted == ListCount(5)
    assert count_rows(rows, limit=10) == ListCount(5)


# -- totals ---------------------------------------------------------------------------------------


def _order_total(orders) -> Decimal:
    return sum((order.total for order in orders), Decimal("0.00"))


def test_the_total_is_the_sum_of_the_filtered_rows_in_scope(org, customers, login, products):  # noqa: F811
    mine = [make_order(org["manager1"], customers["manager1"], products) for _ in range(2)]
    theirs = make_order(
        org["manager3"],
        customers["manager3"],
        products,
        lines=[{"product": products["drill"], "quantity": 3}],
    )
    own = login("manager1").get(ORDERS).context["listing"]
    assert own.total == _order_total(mine)  # manager3's order is out of manager1's scope
    everyone = login("exec").get(ORDERS).context["listing"]
    assert everyone.total == _order_total([*mine, theirs])
    assert everyone.count.value == 3
    filtered = login("exec").get(ORDERS, {"owner": org["manager3"].pk}).context["listing"]
    assert filtered.total == theirs.total and filtered.count.value == 1
    html = login("exec").get(ORDERS, {"owner": org["manager3"].pk}).content.decode()
    assert f'data-value="{theirs.total}"' in html


def test_an_empty_filter_totals_zero(org, customers, login, products):  # noqa: F811
    make_order(org["manager1"], customers["manager1"], products)
    listing = login("manager1").get(ORDERS, {"status": Order.Status.CANCELLED}).context["listing"]
    assert listing.total == Decimal("0.00") and listing.count.value == 0


# -- the column chooser -------------------------------------------------------------------------


def test_the_column_chooser_changes_the_columns(org, customers, login, english):
    client = login("exec")
    default = _headers(client.get(CUSTOMERS))
    assert any("Account manager" in cell for cell in default)
    chosen = client.get(CUSTOMERS, {"cols": ["", "level", "status"]})
    headers = _headers(chosen)
    assert not any("Account manager" in cell for cell in headers)
    assert any("Level" in cell for cell in headers) and any("Status" in cell for cell in headers)
    row = chosen.content.decode().split('data-testid="customer-row"')[1].split("</tr>")[0]
    assert 'data-column="owner"' not in row and 'data-column="level"' in row
    # None chosen: only the code and the name remain; unknown keys are ignored.
    bare = _headers(client.get(CUSTOMERS, {"cols": ["", "password"]}))
    assert len(bare) == 2


def test_the_column_choice_is_remembered_for_that_list(org, customers, login, products):  # noqa: F811
    client = login("manager1")
    client.get(CUSTOMERS, {"cols": ["", "status"]})
    assert client.get(CUSTOMERS).context["listing"].shown == {"status"}
    # Another list keeps its own defaults; choosing the defaults again is remembered too.
    assert client.get(ORDERS).context["listing"].shown == {"order_date", "owner", "status"}
    client.get(CUSTOMERS, {"cols": ["level", "owner"]})
    assert client.get(CUSTOMERS).context["listing"].shown == {"level", "owner"}
    # Someone else's choice is theirs.
    assert "region" in login("manager2").get(CUSTOMERS).context["listing"].shown


def test_the_order_list_hides_a_column(org, customers, login, products, english):  # noqa: F811
    make_order(org["manager1"], customers["manager1"], products)
    client = login("manager1")
    assert any("Status" in cell for cell in _headers(client.get(ORDERS)))
    headers = _headers(client.get(ORDERS, {"cols": ["", "order_date"]}))
    assert not any("Status" in cell for cell in headers)
    assert any("Order date" in cell for cell in headers)


# -- saved views from the page --------------------------------------------------------------------


def test_a_view_saved_on_the_page_reopens_filters_sort_and_columns(org, customers, login):
    client = login("manager1")
    saved = client.post(
        reverse("core:list_view_save"),
        {
            "list_key": "customers",
            "name": "按名称",
            "query": "sort=-name&cursor=xyz",
            "columns": ["level"],
            "next": CUSTOMERS,
        },
    )
    assert saved.status_code == 302
    url = saved["Location"]
    assert url.startswith(CUSTOMERS) and "cursor" not in url
    reopened = client.get(url)
    listing = reopened.context["listing"]
    assert listing.current_view is not None and listing.current_view.name == "按名称"
    assert reopened.context["sort"] == "-name"
    assert listing.shown == {"level"}
    # The teammate does not get it until it is shared.
    teammate = login("manager2")
    assert teammate.get(CUSTOMERS).context["listing"].views == []
    client.post(
        reverse("core:list_view_share", args=[listing.current_view.pk]),
        {"shared": "1", "next": url},
    )
    names = [view.name for view, _url in teammate.get(CUSTOMERS).context["listing"].views]
    assert names == ["按名称"]
    assert login("manager3").get(CUSTOMERS).context["listing"].views == []
    # The teammate cannot delete it; the owner can.
    pk = listing.current_view.pk
    teammate.post(reverse("core:list_view_delete", args=[pk]), {"next": CUSTOMERS})
    assert [v.name for v, _u in client.get(CUSTOMERS).context["listing"].views] == ["按名称"]
    client.post(reverse("core:list_view_delete", args=[pk]), {"next": CUSTOMERS})
    assert client.get(CUSTOMERS).context["listing"].views == []


def test_a_view_without_a_name_is_refused_with_a_message(org, login, english):
    response = login("manager1").post(
        reverse("core:list_view_save"),
        {"list_key": "customers", "name": "", "next": "https://evil.example/"},
        follow=True,
    )
    assert "Give the view a name." in response.content.decode()
    assert response.redirect_chain[-1][0] == "/"  # a foreign next is never followed


# -- query counts ---------------------------------------------------------------------------------


def test_the_customer_list_costs_the_same_queries_for_more_rows(
    org, login, django_assert_max_num_queries
):
    for index in range(2):
        CustomerFactory(name=f"甲{index}", owner=org["manager1"])
    client = login("manager1")
    client.get(CUSTOMERS, {"cols": ["level", "owner", "region"]})  # the session remembers them
    with django_assert_max_num_queries(16) as few:
        client.get(CUSTOMERS, {"cols": ["level", "owner", "region"]})
    for index in range(10):
        CustomerFactory(name=f"乙{index}", owner=org["manager1"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CUSTOMERS, {"cols": ["level", "owner", "region"]})
    assert response.context["listing"].count.value == 12


def test_the_models_scores_are_columns_a_reader_may_add(org, customers, login, english):
    from guanxi.analytics.models import CustomerScore, RFMSegment

    CustomerScore.objects.create(
        customer=customers["manager1"], rfm_segment=RFMSegment.CHAMPION, clv_12m=Decimal("12345.6")
    )
    client = login("manager1")
    assert not any("RFM segment" in cell for cell in _headers(client.get(CUSTOMERS)))
    chosen = client.get(CUSTOMERS, {"cols": ["", "rfm_segment", "clv_12m"]})
    headers = _headers(chosen)
    assert any("RFM segment" in cell for cell in headers)
    assert any("CLV, 12 months" in cell for cell in headers)
    shown = chosen.content.decode()
    assert "Important value customer" in shown and "¥12,345.60" in shown
