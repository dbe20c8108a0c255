"""Order pages: list with filters and keyset pages, create with lines, detail, edit, cancel."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import make_order


@pytest.fixture
def english(login, org):
    def _english(username):
        User.objects.filter(pk=org[username].pk).update(language="en")
        return login(username)

    return _english


def _form(customer_code, lines, **extra):
    data = {
        "customer": customer_code,
        "order_date": timezone.localdate().isoformat(),
        "status": "confirmed",
        "delivery_address": "上海市人民路1号",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for index, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{index}-{name}"] = value
    data.update(extra)
    return data


def test_the_list_shows_the_orders_in_scope(login, org, customers, products):
    mine = make_order(org["manager1"], customers["manager1"], products)
    other = make_order(org["manager2"], customers["manager2"], products)

    page = login("manager1").get(reverse("sales:order_list")).content.decode()
    assert mine.code in page and other.code not in page
    assert "270.90" in page

    page = login("supervisor").get(reverse("sales:order_list")).content.decode()
    assert mine.code in page and other.code in page


def test_the_list_filters_by_status_customer_owner_and_dates(login, org, customers, products):
    old = make_order(
        org["supervisor"],
        customers["manager1"],
        products,
        order_date=timezone.localdate() - datetime.timedelta(days=40),
    )
    draft = make_order(org["supervisor"], customers["manager2"], products, status="draft")
    client = login("supervisor")
    url = reverse("sales:order_list")

    def codes(**params):
        response = client.get(url, params)
        return {row.code for row in response.context["page"]}

    assert codes(status="draft") == {draft.code}
    assert codes(customer=customers["manager1"].pk) == {old.code}
    assert codes(owner=org["manager2"].pk) == {draft.code}
    recent = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert codes(date_from=recent) == {draft.code}
    assert codes(date_to=recent) == {old.code}
    # A customer outside the scope is a 404, not an empty list.
    assert client.get(url, {"customer": customers["manager3"].pk}).status_code == 404


def test_the_list_pages_by_keyset_and_htmx_swaps_the_table(
    login, org, customers, products, settings
):
    settings.GUANXI = {**settings.GUANXI, "PAGE_SIZE": 2}
    made = [make_order(org["manager1"], customers["manager1"], products) for _ in range(5)]
    client = login("manager1")
    first = client.get(reverse("sales:order_list"))
    page = first.context["page"]
    assert [o.pk for o in page] == [made[4].pk, made[3].pk]
    second = client.get(reverse("sales:order_list"), {"cursor": page.next_cursor})
    assert [o.pk for o in second.context["page"]] == [made[2].pk, made[1].pk]
    partial = client.get(reverse("sales:order_list"), HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "sales/partials/_order_table.html"


def test_the_list_costs_the_same_queries_for_more_orders(
    login, org, customers, products, django_assert_max_num_queries
):
    for _ in range(3):
        make_order(org["supervisor"], customers["manager1"], products)
    client = login("supervisor")
    client.get(reverse("sales:order_list"))  # warm the session and rights
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("sales:order_list"))
    for _ in range(12):
        make_order(org["supervisor"], customers["manager2"], products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:order_list"))
    assert len(response.context["page"]) == 15


def test_create_an_order_with_two_lines(english, org, customers, products):
    client = english("manager1")
    customer = customers["manager1"]
    form = client.get(reverse("sales:order_create"), {"customer": customer.pk})
    assert form.status_code == 200
    assert customer.code in form.content.decode()
    assert "credit_override" not in form.context["form"].fields  # managers cannot override

    response = client.post(
        reverse("sales:order_create"),
        _form(
            customer.code,
            [
                {"product": products["drill"].pk, "quantity": "2", "discount": "10"},
                {"product": products["wrench"].pk, "quantity": "1", "unit_price": ""},
            ],
        ),
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.total == Decimal("395.32")  # 399.80 × 0.9 = 359.82, + 35.50
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "395.32" in detail and order.code in detail


def test_add_line_shows_one_more_row_and_keeps_the_input(login, org, customers, products):
    client = login("manager1")
    data = _form(
        customers["manager1"].code,
        [{"product": products["drill"].pk, "quantity": "3"}],
        add_line="1",
    )
    response = client.post(reverse("sales:order_create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "sales/partials/_order_form.html"
    lines = response.context["lines"]
    assert len(lines.forms) == 2
    assert lines.forms[0].initial["quantity"] == "3"
    assert not Order.objects.exists()


@pytest.mark.parametrize("posted", ["pk", "code"])
def test_a_customer_of_someone_else_cannot_be_chosen(english, org, customers, products, posted):
    # A forged id in the picker's hidden input, or another team's code typed without script.
    other = customers["manager2"]
    response = english("manager1").post(
        reverse("sales:order_create"),
        _form(getattr(other, posted), [{"product": products["drill"].pk, "quantity": "1"}]),
    )
    assert response.status_code == 200
    expected = (
        "Choose one from the list: this one is not available to you."
        if posted == "pk"
        else f"Nothing matches “{other.code}”"
    )
    assert expected in response.content.decode()
    assert not Order.objects.exists()


def test_credit_hold_refuses_a_manager_and_lets_a_supervisor_override(english, org, products):
    held = CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    lines = [{"product": products["drill"].pk, "quantity": "1"}]
    refused = english("manager1").post(reverse("sales:order_create"), _form(held.code, lines))
    assert refused.status_code == 200
    assert "is on credit hold" in refused.content.decode()
    assert not Order.objects.exists()

    client = english("supervisor")
    missing = client.post(
        reverse("sales:order_create"), _form(held.code, lines, credit_override="on")
    )
    assert "Give the reason for overriding the credit hold." in missing.content.decode()
    done = client.post(
        reverse("sales:order_create"),
        _form(held.code, lines, credit_override="on", credit_override_reason="已预付"),
    )
    order = Order.objects.get()
    assert done.status_code == 302
    assert order.credit_override_by == org["supervisor"]
    detail = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="credit-override"' in detail and "已预付" in detail


def test_edit_with_a_stale_version_is_a_conflict(english, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = english("manager1")
    form = client.get(reverse("sales:order_edit", args=[order.pk]))
    assert len(form.context["lines"].forms) == 2
    data = {
        "order_date": order.order_date.isoformat(),
        "delivery_address": "",
        "notes": "新备注",
        "version": str(order.version),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": str(products["wrench"].pk),
        "lines-0-quantity": "2",
    }
    saved = client.post(reverse("sales:order_edit", args=[order.pk]), data)
    assert saved.status_code == 302
    order.refresh_from_db()
    assert order.total == Decimal("71.00") and order.notes == "新备注"
    stale = client.post(reverse("sales:order_edit", args=[order.pk]), data)
    assert stale.status_code == 409
    assert "Someone else changed this order" in stale.content.decode()


def test_cancel_and_advance_from_the_detail_page(english, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = english("manager1")
    page = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-cancel"' in page and 'data-testid="order-advance"' in page
    client.post(reverse("sales:order_advance", args=[order.pk]), {"version": order.version})
    order.refresh_from_db()
    assert order.status == "shipped"
    refused = client.post(
        reverse("sales:order_cancel", args=[order.pk]), {"version": order.version}
    )
    assert refused.status_code == 422
    assert "Only draft or confirmed orders can be cancelled" in refused.content.decode()

    other = make_order(org["manager1"], customers["manager1"], products)
    client.post(
        reverse("sales:order_cancel", args=[other.pk]), {"version": other.version, "reason": "重复"}
    )
    other.refresh_from_db()
    assert other.status == "cancelled"


def test_pages_of_orders_out_of_scope_are_404_and_exec_reads_only(login, org, customers, products):
    order = make_order(org["manager2"], customers["manager2"], products)
    client = login("manager1")
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.get(reverse("sales:order_edit", args=[order.pk])).status_code == 404
    assert client.post(reverse("sales:order_cancel", args=[order.pk])).status_code == 404
    executive = login("exec")
    assert executive.get(order.get_absolute_url()).status_code == 200
    assert executive.get(reverse("sales:order_create")).status_code == 403
    assert (
        'data-testid="order-edit"' not in executive.get(order.get_absolute_url()).content.decode()
    )


def test_orders_show_on_the_customer_360_page(login, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    page = login("manager1").get(customers["manager1"].get_absolute_url()).content.decode()
    assert order.code in page
    assert reverse("sales:order_detail", args=[order.pk]) in page
    assert "¥270.90" in page  # lifetime revenue among the key figures
