"""Quotes 报价: totals by the order rules, statuses, conversion into an order (once, with the
credit hold), scope per role; the pages and /api/quotes/."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.exceptions import BusinessRuleError
from guanxi.customers.models import Customer
from guanxi.sales.models import Order, Quote
from guanxi.sales.services import orders as services_orders
from guanxi.sales.services import quotes as services_quotes
from tests.customers.fixtures.customers import CustomerFactory

URL = "/api/quotes/"


def make_quote(actor, customer, products, **extra):
    """One drill at 10% off and two wrenches: ¥179.91 + ¥71.00 = ¥250.91."""
    lines = extra.pop(
        "lines",
        [
            {"product": products["drill"], "quantity": 1, "discount": 10},
            {"product": products["wrench"], "quantity": 2},
        ],
    )
    return services_quotes.quote_create(actor=actor, customer=customer, lines=lines, **extra)


def sent(actor, quote, status=Quote.Status.SENT):
    return services_quotes.quote_set_status(actor=actor, quote=quote, status=status)


# -- services ----------------------------------------------------------------------------------


def test_a_quote_prices_its_lines_like_an_order(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    lines = list(quote.lines.order_by("position"))
    expected = services_orders.line_amount(
        quantity=1, unit_price=products["drill"].price, discount=10
    )
    assert lines[0].amount == expected == Decimal("179.91")
    assert lines[1].unit_price == Decimal("35.50") and lines[1].amount == Decimal("71.00")
    assert quote.total == Decimal("250.91")
    assert quote.code.startswith(f"BJ{timezone.localdate().year}")
    assert quote.status == Quote.Status.DRAFT and quote.owner == org["manager1"]
    assert quote.valid_until == quote.quote_date + datetime.timedelta(days=30)


def test_bad_lines_and_dates_are_refused(org, customers, products):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        make_quote(org["manager1"], customers["manager1"], products, lines=[])
    assert "at least one line" in refused.value.message_dict["lines"][0]
    with pytest.raises(ValidationError):
        make_quote(
            org["manager1"],
            customers["manager1"],
            products,
            lines=[{"product": products["printer"], "quantity": 1}],
        )
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        make_quote(
            org["manager1"],
            customers["manager1"],
            products,
            quote_date=today,
            valid_until=today - datetime.timedelta(days=1),
        )
    assert "valid_until" in refused.value.message_dict
    assert not Quote.objects.exists()


def test_quotes_only_for_customers_in_scope_with_an_owner(org, customers, products):
    with pytest.raises(Customer.DoesNotExist):
        make_quote(org["manager1"], customers["manager2"], products)
    with pytest.raises(ValidationError):
        make_quote(org["admin"], customers["pool"], products)
    with pytest.raises(PermissionDenied):
        make_quote(org["exec"], customers["manager1"], products)


def test_editing_replaces_lines_and_recomputes_the_total(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    services_quotes.quote_update(
        actor=org["manager1"],
        quote=quote,
        expected_version=quote.version,
        lines=[{"product": products["wrench"], "quantity": 3, "unit_price": "30"}],
        notes="改价",
    )
    quote.refresh_from_db()
    assert quote.total == Decimal("90.00") and quote.lines.count() == 1 and quote.notes == "改价"


def test_status_moves(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    with pytest.raises(BusinessRuleError):
        sent(org["manager1"], quote, Quote.Status.ACCEPTED)
    sent(org["manager1"], quote)
    sent(org["manager1"], quote, Quote.Status.REJECTED)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.REJECTED
    with pytest.raises(BusinessRuleError):
        services_quotes.quote_update(actor=org["manager1"], quote=quote, notes="x")


def test_converting_makes_one_order_with_the_same_lines(org, customers, products):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    with pytest.raises(BusinessRuleError):  # a draft is not converted
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    sent(org["manager1"], quote)
    sent(org["manager1"], quote, Quote.Status.ACCEPTED)

    order = services_quotes.quote_convert(actor=org["manager1"], quote=quote)

    quote.refresh_from_db()
    assert quote.order == order and quote.status == Quote.Status.CONVERTED
    assert order.total == quote.total == Decimal("250.91")
    assert order.customer == quote.customer and order.status == Order.Status.CONFIRMED
    assert [(line.product_id, line.amount) for line in order.lines.all()] == [
        (line.product_id, line.amount) for line in quote.lines.all()
    ]
    customers["manager1"].refresh_from_db()
    assert customers["manager1"].last_order_at is not None  # the churn effects of an order
    with translation.override("en"), pytest.raises(BusinessRuleError, match="already converted"):
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    assert Order.objects.count() == 1


def test_a_sent_quote_converts_too(org, customers, products):
    quote = sent(org["manager1"], make_quote(org["manager1"], customers["manager1"], products))
    assert services_quotes.quote_convert(actor=org["manager1"], quote=quote).pk


def test_the_credit_hold_applies_through_conversion(org, products):
    customer = CustomerFactory(owner=org["manager1"])
    quote = sent(org["manager1"], make_quote(org["manager1"], customer, products))
    Customer.all_objects.filter(pk=customer.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    with pytest.raises(BusinessRuleError):
        services_quotes.quote_convert(actor=org["manager1"], quote=quote)
    with pytest.raises(PermissionDenied):
        services_quotes.quote_convert(
            actor=org["manager1"], quote=quote, credit_override=True, credit_override_reason="急"
        )
    quote.refresh_from_db()
    assert quote.order is None and quote.status == Quote.Status.SENT
    assert not Order.objects.exists()

    order = services_quotes.quote_convert(
        actor=org["supervisor"], quote=quote, credit_override=True, credit_override_reason="担保"
    )
    assert order.credit_override_by == org["supervisor"]


def test_each_role_sees_the_quotes_of_its_scope(org, customers, products):
    mine = make_quote(org["manager1"], customers["manager1"], products)
    other = make_quote(org["manager2"], customers["manager2"], products)
    from guanxi.sales.selectors.quotes import quote_list

    assert set(quote_list(actor=org["manager1"])) == {mine}
    assert set(quote_list(actor=org["supervisor"])) >= {mine, other}
    assert set(quote_list(actor=org["exec"])) >= {mine, other}
    with pytest.raises(Quote.DoesNotExist):
        services_quotes.quote_update(actor=org["manager2"], quote=mine, notes="x")


# -- pages -------------------------------------------------------------------------------------


def _form(customer_code, lines, **extra):
    data = {
        "customer": customer_code,
        "quote_date": timezone.localdate().isoformat(),
        "valid_until": "",
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


def test_the_list_page_shows_quotes_in_scope(login, org, customers, products):
    mine = make_quote(org["manager1"], customers["manager1"], products)
    other = make_quote(org["manager2"], customers["manager2"], products)
    page = login("manager1").get(reverse("sales:quote_list")).content.decode()
    assert mine.code in page and other.code not in page and "250.91" in page
    page = login("supervisor").get(reverse("sales:quote_list")).content.decode()
    assert mine.code in page and other.code in page


def test_the_list_page_queries_do_not_grow(
    login, org, customers, products, django_assert_max_num_queries
):
    make_quote(org["supervisor"], customers["manager1"], products)
    client = login("supervisor")
    client.get(reverse("sales:quote_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:quote_list"))
    for _ in range(8):
        make_quote(org["supervisor"], customers["manager2"], products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:quote_list"))
    assert response.content.decode().count('data-testid="quote-row"') == 9


def test_create_edit_and_convert_through_the_pages(login, org, customers, products):
    client = login("manager1")
    assert client.get(reverse("sales:quote_create")).status_code == 200
    response = client.post(
        reverse("sales:quote_create"),
        _form(
            customers["manager1"].code,
            [
                {"product": products["drill"].pk, "quantity": "2", "discount": "50"},
                {"product": products["wrench"].pk, "quantity": "1", "unit_price": "30"},
            ],
        ),
    )
    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == quote.get_absolute_url()
    assert quote.total == Decimal("229.90")

    page = client.get(quote.get_absolute_url()).content.decode()
    assert "229.90" in page and 'data-testid="quote-send"' in page
    edit = client.get(reverse("sales:quote_edit", args=[quote.pk]))
    assert edit.status_code == 200
    data = {
        "quote_date": quote.quote_date.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "notes": "新",
        "version": quote.version,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-product": products["wrench"].pk,
        "lines-0-quantity": "4",
    }
    assert client.post(reverse("sales:quote_edit", args=[quote.pk]), data).status_code == 302
    quote.refresh_from_db()
    assert quote.total == Decimal("142.00")

    status_url = reverse("sales:quote_status", args=[quote.pk])
    client.post(status_url, {"status": "sent", "version": quote.version})
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT
    response = client.post(
        reverse("sales:quote_convert", args=[quote.pk]), {"version": quote.version}
    )
    quote.refresh_from_db()
    assert quote.order is not None and response.url == quote.order.get_absolute_url()
    page = client.get(quote.get_absolute_url()).content.decode()
    assert quote.order.code in page and 'data-testid="quote-convert"' not in page


def test_pages_out_of_scope_are_not_found_and_exec_cannot_create(login, org, customers, products):
    other = make_quote(org["manager2"], customers["manager2"], products)
    client = login("manager1")
    assert client.get(reverse("sales:quote_detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("sales:quote_convert", args=[other.pk]), {}).status_code == 404
    assert login("exec").get(reverse("sales:quote_create")).status_code == 403


# -- API ---------------------------------------------------------------------------------------


def _payload(customer, products):
    return {
        "customer": customer.pk,
        "lines": [
            {"product": products["drill"].pk, "quantity": "1", "discount": "10"},
            {"product": products["wrench"].pk, "quantity": "2"},
        ],
    }


def test_api_create_status_and_convert_once(api, org, customers, products):
    client = api("manager1")
    response = client.post(URL, _payload(customers["manager1"], products), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Decimal(body["total"]) == Decimal("250.91") and body["code"].startswith("BJ")
    pk = body["id"]
    response = client.post(f"{URL}{pk}/status/", {"status": "sent"}, format="json")
    assert response.json()["status"] == "sent"
    response = client.post(f"{URL}{pk}/convert/", {}, format="json")
    assert response.status_code == 201
    assert response.json()["code"].startswith("DD")
    assert Decimal(response.json()["total"]) == Decimal("250.91")
    assert client.post(f"{URL}{pk}/convert/", {}, format="json").status_code == 422
    assert client.get(f"{URL}{pk}/").json()["order"] == response.json()["id"]


def test_api_forbidden_and_out_of_scope(api, org, customers, products):
    other = make_quote(org["manager2"], customers["manager2"], products)
    client = api("manager1")
    assert client.get(f"{URL}{other.pk}/").status_code == 404
    assert client.post(f"{URL}{other.pk}/convert/", {}, format="json").status_code == 404
    assert (
        client.post(URL, _payload(customers["manager2"], products), format="json").status_code
        == 400
    )
    executive = api("exec")
    assert executive.get(f"{URL}{other.pk}/").status_code == 200
    assert (
        executive.post(URL, _payload(customers["manager1"], products), format="json").status_code
        == 403
    )
    assert executive.post(f"{URL}{other.pk}/convert/", {}, format="json").status_code == 403
    assert api("admin").delete(f"{URL}{other.pk}/").status_code == 405
    assert api().get(URL).status_code in (401, 403)


def test_api_credit_hold_on_convert(api, org, products):
    customer = CustomerFactory(owner=org["manager1"])
    quote = sent(org["manager1"], make_quote(org["manager1"], customer, products))
    Customer.all_objects.filter(pk=customer.pk).update(credit_status=Customer.CreditStatus.ON_HOLD)
    assert api("manager1").post(f"{URL}{quote.pk}/convert/", {}, format="json").status_code == 422
    response = api("supervisor").post(
        f"{URL}{quote.pk}/convert/",
        {"credit_override": True, "credit_override_reason": "担保"},
        format="json",
    )
    assert response.status_code == 201


def test_api_list_queries_do_not_grow(api, org, customers, products, django_assert_max_num_queries):
    make_quote(org["supervisor"], customers["manager1"], products)
    client = api("supervisor")
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for _ in range(8):
        make_quote(org["supervisor"], customers["manager2"], products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 9
    assert all(len(row["lines"]) == 2 for row in response.json()["results"])
