"""Contracts 合同: codes, customer scope, order of the same customer, dates, statuses; the
pages and /api/contracts/."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from guanxi.core.exceptions import BusinessRuleError
from guanxi.customers.models import Customer
from guanxi.sales import selectors_contracts, services_contracts
from guanxi.sales.models import Contract
from tests.orders_helpers import catalogue, make_order

CONTRACTS = "/api/contracts/"


@pytest.fixture
def products(db):
    return catalogue()


def make_contract(actor, customer, **extra):
    values = {"title": "年度供货合同", "amount": Decimal("50000.00"), **extra}
    return services_contracts.contract_create(actor=actor, customer=customer, **values)


def move(actor, contract, status):
    return services_contracts.contract_set_status(actor=actor, contract=contract, status=status)


# -- contracts: services -----------------------------------------------------------------------


def test_a_contract_gets_a_code_and_its_customers_owner(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    contract = make_contract(
        org["manager1"],
        customers["manager1"],
        order=order,
        signed_on=datetime.date(2026, 3, 1),
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2027, 2, 28),
    )
    assert contract.code == "HT20260001"
    assert contract.owner == org["manager1"] and contract.status == Contract.Status.DRAFT
    assert contract.order == order


def test_contract_rules(org, customers, products):
    other_order = make_order(org["manager2"], customers["manager2"], products)
    with pytest.raises(ValidationError) as refused:
        make_contract(org["supervisor"], customers["manager1"], order=other_order)
    assert "order" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        make_contract(
            org["manager1"],
            customers["manager1"],
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
        )
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(Customer.DoesNotExist):
        make_contract(org["manager1"], customers["manager2"])
    with pytest.raises(PermissionDenied):
        make_contract(org["exec"], customers["manager1"])
    with pytest.raises(ValidationError):
        make_contract(org["admin"], customers["pool"])
    assert not Contract.objects.exists()


def test_contract_statuses(org, customers):
    contract = make_contract(org["manager1"], customers["manager1"])
    with pytest.raises(BusinessRuleError):
        move(org["manager1"], contract, Contract.Status.COMPLETED)
    move(org["manager1"], contract, Contract.Status.ACTIVE)
    services_contracts.contract_update(
        actor=org["manager1"], contract=contract, amount=Decimal("60000")
    )
    move(org["manager1"], contract, Contract.Status.COMPLETED)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.COMPLETED and contract.amount == Decimal("60000")
    with pytest.raises(BusinessRuleError):
        move(org["manager1"], contract, Contract.Status.TERMINATED)
    with pytest.raises(BusinessRuleError):
        services_contracts.contract_update(actor=org["manager1"], contract=contract, title="x")


def test_each_role_sees_the_contracts_of_its_scope(org, customers):
    mine = make_contract(org["manager1"], customers["manager1"])
    other = make_contract(org["manager2"], customers["manager2"])
    assert set(selectors_contracts.contract_list(actor=org["manager1"])) == {mine}
    assert set(selectors_contracts.contract_list(actor=org["supervisor"])) >= {mine, other}
    assert set(selectors_contracts.contract_list(actor=org["exec"])) >= {mine, other}
    with pytest.raises(Contract.DoesNotExist):
        services_contracts.contract_update(actor=org["manager2"], contract=mine, title="x")


# -- contracts: pages --------------------------------------------------------------------------


def test_contract_pages(login, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = login("manager1")
    assert client.get(reverse("sales:contract_create")).status_code == 200
    response = client.post(
        reverse("sales:contract_create"),
        {
            "customer": customers["manager1"].code,
            "title": "维保合同",
            "amount": "1200.50",
            "order": order.code,
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    contract = Contract.objects.get()
    assert response.status_code == 302 and response.url == contract.get_absolute_url()
    assert contract.order == order and contract.amount == Decimal("1200.50")
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "维保合同" in page and order.code in page and 'data-testid="contract-active"' in page

    edit_url = reverse("sales:contract_edit", args=[contract.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url, {"title": "维保合同二", "amount": "1300", "version": contract.version}
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "维保合同二" and contract.order is None

    client.post(
        reverse("sales:contract_status", args=[contract.pk]),
        {"status": "active", "version": contract.version},
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE

    list_page = client.get(reverse("sales:contract_list")).content.decode()
    assert contract.code in list_page
    assert login("manager2").get(contract.get_absolute_url()).status_code == 404
    assert login("exec").get(reverse("sales:contract_create")).status_code == 403


def test_the_contract_list_queries_do_not_grow(
    login, org, customers, django_assert_max_num_queries
):
    make_contract(org["supervisor"], customers["manager1"])
    client = login("supervisor")
    client.get(reverse("sales:contract_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:contract_list"))
    for _ in range(8):
        make_contract(org["supervisor"], customers["manager2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:contract_list"))
    assert response.content.decode().count('data-testid="contract-row"') == 9


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
