"""/api/quotes/: create, status and conversion (once, with the credit hold), scope, queries."""

from decimal import Decimal

from guanxi.customers.models import Customer
from guanxi.sales.services import quotes as services_quotes
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.quotes import make_quote, sent

URL = "/api/quotes/"


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


def test_a_retried_conversion_with_its_idempotency_key_returns_the_first_order(
    api, org, customers, products
):
    quote = make_quote(org["manager1"], customers["manager1"], products)
    client = api("manager1")
    client.post(f"{URL}{quote.pk}/status/", {"status": "sent"}, format="json")
    headers = {"HTTP_IDEMPOTENCY_KEY": "convert-once-7f3a"}
    first = client.post(f"{URL}{quote.pk}/convert/", {}, format="json", **headers)
    retry = client.post(f"{URL}{quote.pk}/convert/", {}, format="json", **headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"] and retry["Idempotent-Replayed"] == "true"
    # Without the key a second conversion is refused, as before.
    assert client.post(f"{URL}{quote.pk}/convert/", {}, format="json").status_code == 422


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


def _converted(org, customers, products):
    quote = make_quote(
        org["manager1"],
        customers["manager1"],
        products,
        notes="含税价",
        delivery_terms="款到发货，上海仓自提",
    )
    sent(org["manager1"], quote)
    return quote, services_quotes.quote_convert(actor=org["manager1"], quote=quote)


def test_the_converted_order_carries_the_quotes_terms_and_links_back_in_the_api(
    api, org, customers, products, django_assert_max_num_queries
):
    client = api("manager1")
    created = client.post(
        URL,
        {**_payload(customers["manager1"], products), "delivery_terms": "分两批交货"},
        format="json",
    )
    assert created.json()["delivery_terms"] == "分两批交货"
    quote, order = _converted(org, customers, products)
    body = client.get(f"/api/orders/{order.pk}/").json()
    assert (body["notes"], body["delivery_terms"]) == ("含税价", "款到发货，上海仓自提")
    assert (body["quote"], body["quote_code"]) == (quote.pk, quote.code)
    client.get("/api/orders/")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/orders/")
    for _ in range(5):
        _converted(org, customers, products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = client.get("/api/orders/").json()["results"]
    assert len(rows) == 6 and all(row["quote_code"].startswith("BJ") for row in rows)
