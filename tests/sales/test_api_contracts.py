"""/api/contracts/ and /api/receivables/: scoped CRUD, statuses, payments, errors, query counts."""

import datetime
from decimal import Decimal

from django.utils import timezone

from guanxi.sales.models import Contract
from tests.sales.fixtures.contracts import make_contract, open_receivable, pay
from tests.sales.fixtures.orders import make_order

CONTRACTS = "/api/contracts/"


# -- contracts: API ----------------------------------------------------------------------------


def test_contract_api(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = api("manager1")
    response = client.post(
        CONTRACTS,
        {
            "customer": customers["manager1"].pk,
            "title": "框架合同",
            "amount": "9999.99",
            "order": order.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["code"].startswith("HT") and response.json()["status"] == "draft"
    response = client.post(f"{CONTRACTS}{pk}/status/", {"status": "active"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert (
        client.post(f"{CONTRACTS}{pk}/status/", {"status": "active"}, format="json").status_code
        == 422
    )
    version = response.json()["version"]
    response = client.patch(
        f"{CONTRACTS}{pk}/", {"title": "框架合同B", "version": version}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "框架合同B"


def test_contract_api_forbidden_and_out_of_scope(api, org, customers):
    other = make_contract(org["manager2"], customers["manager2"])
    client = api("manager1")
    assert client.get(f"{CONTRACTS}{other.pk}/").status_code == 404
    assert (
        client.post(
            f"{CONTRACTS}{other.pk}/status/", {"status": "active"}, format="json"
        ).status_code
        == 404
    )
    payload = {"customer": customers["manager1"].pk, "title": "x", "amount": "1"}
    assert api("exec").post(CONTRACTS, payload, format="json").status_code == 403
    assert (
        api("exec")
        .post(f"{CONTRACTS}{other.pk}/status/", {"status": "active"}, format="json")
        .status_code
        == 403
    )
    assert api("admin").delete(f"{CONTRACTS}{other.pk}/").status_code == 405


def test_contract_api_list_queries_do_not_grow(api, org, customers, django_assert_max_num_queries):
    make_contract(org["supervisor"], customers["manager1"])
    client = api("supervisor")
    client.get(CONTRACTS)
    with django_assert_max_num_queries(12) as few:
        client.get(CONTRACTS)
    for _ in range(8):
        make_contract(org["supervisor"], customers["manager2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CONTRACTS)
    assert response.json()["count"] == 9


# -- receivables and payments ------------------------------------------------------------------

RECEIVABLES = "/api/receivables/"


def test_receivable_api_and_payments(api, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = api("manager1")
    due = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(RECEIVABLES, {"order": order.pk, "due_date": due}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "open" and Decimal(response.json()["balance"]) == Decimal(
        "270.90"
    )
    response = client.post(f"{RECEIVABLES}{pk}/payments/", {"amount": "270.91"}, format="json")
    assert response.status_code == 422
    response = client.post(f"{RECEIVABLES}{pk}/payments/", {"amount": "70.90"}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "partial" and len(response.json()["payments"]) == 1
    listing = client.get(RECEIVABLES, {"overdue": "true"}).json()
    assert [row["id"] for row in listing["results"]] == [pk]


def test_receivable_api_forbidden_and_out_of_scope(api, org, customers, products):
    order = make_order(org["manager2"], customers["manager2"], products)
    receivable = open_receivable(org["manager2"], order)
    client = api("manager1")
    assert client.get(f"{RECEIVABLES}{receivable.pk}/").status_code == 404
    assert (
        client.post(
            f"{RECEIVABLES}{receivable.pk}/payments/", {"amount": "1"}, format="json"
        ).status_code
        == 404
    )
    mine = make_order(org["manager1"], customers["manager1"], products)
    payload = {"order": mine.pk, "due_date": timezone.localdate().isoformat()}
    assert api("exec").post(RECEIVABLES, payload, format="json").status_code == 403
    assert (
        api("exec")
        .post(f"{RECEIVABLES}{receivable.pk}/payments/", {"amount": "1"}, format="json")
        .status_code
        == 403
    )
    assert api("admin").delete(f"{RECEIVABLES}{receivable.pk}/").status_code == 405


def test_receivable_api_list_queries_do_not_grow(
    api, org, customers, products, django_assert_max_num_queries
):
    receivable = open_receivable(
        org["supervisor"], make_order(org["supervisor"], customers["manager1"], products)
    )
    pay(org["supervisor"], receivable, "1")
    client = api("supervisor")
    client.get(RECEIVABLES)
    with django_assert_max_num_queries(12) as few:
        client.get(RECEIVABLES)
    for _ in range(6):
        other = open_receivable(
            org["supervisor"], make_order(org["supervisor"], customers["manager2"], products)
        )
        pay(org["supervisor"], other, "1")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(RECEIVABLES)
    assert response.json()["count"] == 7


def test_another_reps_order_or_contract_looks_missing_through_the_api(
    api, org, customers, products
):
    """An order or contract out of scope answers exactly like an id that does not exist, on
    the field that named it, so the API reveals nothing about other teams' records."""
    theirs = make_order(org["manager2"], customers["manager2"], products)
    their_contract = make_contract(org["manager2"], customers["manager2"])
    client = api("manager1", language="en")
    contract = client.post(
        CONTRACTS,
        {"customer": customers["manager1"].pk, "title": "x", "amount": "1", "order": theirs.pk},
        format="json",
    )
    missing = client.post(
        CONTRACTS,
        {"customer": customers["manager1"].pk, "title": "x", "amount": "1", "order": 999999},
        format="json",
    )
    assert contract.status_code == missing.status_code == 400
    assert contract.json()["error"]["fields"]["order"] == [
        f'Invalid pk "{theirs.pk}" - object does not exist.'
    ]
    receivable = client.post(
        RECEIVABLES,
        {"contract": their_contract.pk, "due_date": timezone.localdate().isoformat()},
        format="json",
    )
    assert receivable.status_code == 400
    assert "contract" in receivable.json()["error"]["fields"]
    assert not Contract.objects.filter(customer=customers["manager1"]).exists()
