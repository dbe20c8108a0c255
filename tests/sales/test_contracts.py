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
from guanxi.sales.models import Contract, Order, Payment, Receivable
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.services import contracts as services_contracts
from tests.sales.fixtures.orders import make_order

CONTRACTS = "/api/contracts/"


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


# -- receivables and payments ------------------------------------------------------------------

RECEIVABLES = "/api/receivables/"


def open_receivable(actor, source, days=30, **extra):
    key = "order" if source.code.startswith("DD") else "contract"
    return services_contracts.receivable_create(
        actor=actor,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
        **{key: source},
        **extra,
    )


def pay(actor, receivable, amount, **extra):
    return services_contracts.payment_record(
        actor=actor, receivable=receivable, amount=Decimal(amount), **extra
    )


def test_payments_change_the_balance_and_status(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)  # ¥270.90
    receivable = open_receivable(org["manager1"], order)
    assert receivable.amount_due == Decimal("270.90") and receivable.customer == order.customer
    assert receivable.status == Receivable.Status.OPEN and receivable.balance == Decimal("270.90")

    pay(org["manager1"], receivable, "100")
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.PARTIAL
    assert receivable.balance == Decimal("170.90")

    with pytest.raises(BusinessRuleError) as refused:
        pay(org["manager1"], receivable, "170.91")
    assert "amount" in refused.value.message_dict
    with pytest.raises(ValidationError):
        pay(org["manager1"], receivable, "0")

    pay(org["manager1"], receivable, "170.90", method=Payment.Method.CASH)
    receivable.refresh_from_db()
    assert receivable.status == Receivable.Status.PAID and receivable.balance == 0
    assert receivable.payments.count() == 2
    with pytest.raises(BusinessRuleError):
        pay(org["manager1"], receivable, "0.01")


def test_receivable_rules(org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    contract = make_contract(org["manager1"], customers["manager1"])
    open_receivable(org["manager1"], order)
    with pytest.raises(BusinessRuleError):  # one per order
        open_receivable(org["manager1"], order)
    receivable = open_receivable(org["manager1"], contract, amount_due="20000")
    assert receivable.amount_due == Decimal("20000") and receivable.contract == contract
    with pytest.raises(ValidationError):
        services_contracts.receivable_create(
            actor=org["manager1"], due_date=timezone.localdate(), order=order, contract=contract
        )
    other = make_order(org["manager2"], customers["manager2"], products)
    with pytest.raises(Order.DoesNotExist):
        open_receivable(org["manager1"], other)
    with pytest.raises(PermissionDenied):
        open_receivable(org["exec"], other)
    with pytest.raises(PermissionDenied):
        pay(org["exec"], receivable, "1")
    with pytest.raises(Receivable.DoesNotExist):
        pay(org["manager2"], receivable, "1")


def test_the_overdue_list_is_scoped_and_sorted_by_due_date(login, org, customers, products):
    def overdue_receivable(actor, customer, days):
        return open_receivable(actor, make_order(actor, customer, products), days=days)

    late = overdue_receivable(org["manager1"], customers["manager1"], -20)
    later = overdue_receivable(org["manager1"], customers["manager1"], -5)
    paid = overdue_receivable(org["manager1"], customers["manager1"], -30)
    pay(org["manager1"], paid, paid.amount_due)
    partly = overdue_receivable(org["manager1"], customers["manager1"], -1)
    pay(org["manager1"], partly, "1")
    not_yet = overdue_receivable(org["manager1"], customers["manager1"], 3)
    others = overdue_receivable(org["manager2"], customers["manager2"], -10)

    mine = list(selectors_contracts.receivable_list(actor=org["manager1"], overdue=True))
    assert mine == [late, later, partly]
    team = list(selectors_contracts.receivable_list(actor=org["supervisor"], overdue=True))
    assert team == [late, others, later, partly]

    response = login("manager1").get(reverse("sales:receivable_list"), {"overdue": "1"})
    rows = response.content.decode().split('data-testid="receivable-row"')[1:]
    assert [row.split('data-pk="')[1].split('"')[0] for row in rows] == [
        str(r.pk) for r in (late, later, partly)
    ]
    every = login("manager1").get(reverse("sales:receivable_list")).content.decode()
    assert every.count('data-testid="receivable-row"') == 5 and str(not_yet.due_date) in every


def test_receivable_pages(login, org, customers, products):
    order = make_order(org["manager1"], customers["manager1"], products)
    client = login("manager1")
    assert client.get(reverse("sales:receivable_create")).status_code == 200
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("sales:receivable_create"), {"source": order.code, "due_date": due}
    )
    receivable = Receivable.objects.get()
    assert response.status_code == 302 and response.url == receivable.get_absolute_url()
    today = timezone.localdate().isoformat()
    response = client.post(
        receivable.get_absolute_url(),
        {"amount": "300", "paid_on": today, "method": "bank_transfer"},
    )
    assert response.status_code == 422 and not receivable.payments.exists()
    response = client.post(
        receivable.get_absolute_url(),
        {"amount": "70.90", "paid_on": today, "method": "bank_transfer"},
    )
    assert response.status_code == 302
    page = client.get(receivable.get_absolute_url()).content.decode()
    assert "¥200.00" in page and 'data-testid="payment"' in page
    assert login("manager2").get(receivable.get_absolute_url()).status_code == 404
    exec_client = login("exec")
    assert exec_client.get(receivable.get_absolute_url()).status_code == 200
    assert (
        exec_client.post(
            receivable.get_absolute_url(), {"amount": "1", "paid_on": today, "method": "cash"}
        ).status_code
        == 403
    )


def test_the_receivable_list_queries_do_not_grow(
    login, org, customers, products, django_assert_max_num_queries
):
    open_receivable(
        org["supervisor"], make_order(org["supervisor"], customers["manager1"], products)
    )
    client = login("supervisor")
    client.get(reverse("sales:receivable_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("sales:receivable_list"))
    for _ in range(6):
        order = make_order(org["supervisor"], customers["manager2"], products)
        open_receivable(org["supervisor"], order)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("sales:receivable_list"))
    assert response.content.decode().count('data-testid="receivable-row"') == 7


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
