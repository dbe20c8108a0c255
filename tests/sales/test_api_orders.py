"""/api/orders/: scoped lists and filters, nested lines, credit-hold override, errors, queries."""

from decimal import Decimal

from guanxi.customers.models import Customer
from guanxi.sales.models import Order
from tests.customers.fixtures.customers import CustomerFactory
from tests.sales.fixtures.orders import make_order

URL = "/api/orders/"


def _payload(customer, products, **extra):
    return {
        "customer": customer.pk,
        "lines": [
            {"product": products["drill"].pk, "quantity": "2", "discount": "12.5"},
            {"product": products["wrench"].pk, "quantity": "3", "unit_price": "30.00"},
        ],
        **extra,
    }


def test_create_with_nested_lines_computes_amounts(api, org, customers, products):
    response = api("manager1").post(URL, _payload(customers["manager1"], products), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    # 2 × 199.90 × 0.875 = 349.825 → 349.83; 3 × 30.00 = 90.00.
    assert [line["amount"] for line in body["lines"]] == ["349.83", "90.00"]
    assert body["total"] == "439.83"
    assert body["code"].startswith("DD") and body["owner"] == org["manager1"].pk
    assert body["status"] == "confirmed"
    assert response["ETag"]


def test_retrieve_has_the_lines(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    body = api("manager1").get(f"{URL}{order.pk}/").json()
    assert [line["product"] for line in body["lines"]] == [
        products["drill"].pk,
        products["wrench"].pk,
    ]
    assert body["lines"][0]["unit_price"] == "199.90"


def test_list_is_scoped_and_filters(api, org, customers, products):
    mine = make_order(org["manager1"], customers["manager1"], products)
    draft = make_order(org["manager2"], customers["manager2"], products, status="draft")
    north = make_order(org["manager3"], customers["manager3"], products)

    def ids(username, **params):
        return {row["id"] for row in api(username).get(URL, params).json()["results"]}

    assert ids("manager1") == {mine.pk}
    assert ids("supervisor") == {mine.pk, draft.pk}
    assert ids("exec") == {mine.pk, draft.pk, north.pk}
    assert ids("supervisor", status="draft") == {draft.pk}
    assert ids("supervisor", customer=customers["manager1"].pk) == {mine.pk}
    assert ids("exec", owner=org["manager3"].pk) == {north.pk}


def test_out_of_scope_is_404_and_customers_out_of_scope_are_refused(api, org, customers, products):
    order = make_order(org["manager2"], customers["manager2"], products)
    client = api("manager1")
    assert client.get(f"{URL}{order.pk}/").status_code == 404
    refused = client.post(URL, _payload(customers["manager2"], products), format="json")
    assert refused.status_code == 400
    assert "customer" in refused.json()["error"]["fields"]


def test_bad_lines_name_the_field(api, org, customers, products):
    type(org["manager1"]).objects.filter(pk=org["manager1"].pk).update(language="en")
    payload = _payload(customers["manager1"], products)
    payload["lines"][1]["discount"] = "150"
    response = api("manager1", language="en").post(URL, payload, format="json")
    assert response.status_code == 400
    assert "lines.1.discount" in response.json()["error"]["fields"]
    no_lines = api("manager1", language="en").post(URL, {**payload, "lines": []}, format="json")
    assert no_lines.status_code == 400
    assert "at least one line" in no_lines.json()["error"]["fields"]["lines"][0]


def test_credit_hold_refusals_and_override(api, org, products):
    type(org["manager1"]).objects.filter(pk=org["manager1"].pk).update(language="en")
    held = CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    refused = api("manager1", language="en").post(URL, _payload(held, products), format="json")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "business_rule"
    assert "credit hold" in refused.json()["error"]["message"]

    override = {"credit_override": True, "credit_override_reason": "急单"}
    forbidden = api("manager1", language="en").post(
        URL, _payload(held, products, **override), format="json"
    )
    assert forbidden.status_code == 403
    assert "only a sales supervisor" in forbidden.json()["error"]["message"]
    assert not Order.objects.exists()

    no_reason = api("supervisor").post(
        URL, _payload(held, products, credit_override=True), format="json"
    )
    assert no_reason.status_code == 400
    assert "credit_override_reason" in no_reason.json()["error"]["fields"]

    done = api("supervisor").post(URL, _payload(held, products, **override), format="json")
    assert done.status_code == 201
    body = done.json()
    assert body["credit_override_by"] == org["supervisor"].pk
    assert body["credit_override_reason"] == "急单" and body["credit_override_at"]


def test_update_needs_a_version_and_refuses_a_stale_one(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = api("manager1")
    url = f"{URL}{order.pk}/"
    assert client.patch(url, {"notes": "x"}, format="json").status_code == 428
    lines = [{"product": products["wrench"].pk, "quantity": "1"}]
    ok = client.patch(url, {"notes": "x", "lines": lines, "version": 1}, format="json")
    assert ok.status_code == 200
    assert ok.json()["total"] == "35.50" and ok.json()["version"] == 2
    stale = client.patch(url, {"notes": "y", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["current_version"] == 2


def test_cancel_and_advance(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = api("manager1")
    assert api("exec").post(f"{URL}{order.pk}/cancel/", {}, format="json").status_code == 403
    shipped = client.post(f"{URL}{order.pk}/advance/", {}, format="json")
    assert shipped.json()["status"] == "shipped"
    refused = client.post(f"{URL}{order.pk}/cancel/", {"reason": "x"}, format="json")
    assert refused.status_code == 422
    other = make_order(org["manager1"], customers["manager1"], products)
    done = client.post(f"{URL}{other.pk}/cancel/", {"reason": "重复下单"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "cancelled"


def test_executives_read_but_cannot_create_and_nobody_deletes(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    executive = api("exec")
    assert executive.get(URL).status_code == 200
    assert (
        executive.post(URL, _payload(customers["manager1"], products), format="json").status_code
        == 403
    )
    assert api("admin").delete(f"{URL}{order.pk}/").status_code == 405
    assert api().get(URL).status_code in (401, 403)


def test_list_queries_do_not_grow_with_orders(
    api, org, customers, products, django_assert_max_num_queries
):
    make_order(org["supervisor"], customers["manager1"], products)
    client = api("supervisor")
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for _ in range(10):
        make_order(org["supervisor"], customers["manager2"], products)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 11
    assert all(len(row["lines"]) == 2 for row in response.json()["results"])
    assert Decimal(response.json()["results"][0]["total"]) == Decimal("270.90")


def test_the_credit_hold_refusal_speaks_the_users_language(api, org, products):
    held = CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    refused = api("manager1").post(URL, _payload(held, products), format="json")
    assert refused.status_code == 422
    assert "信用冻结" in refused.json()["error"]["message"]
