"""Contracts 合同 and receivables 应收款 through the services: codes, customer scope, order of
the same customer, dates, statuses, payments and balances."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.core.exceptions import BusinessRuleError
from guanxi.customers.models import Customer
from guanxi.sales.models import Contract, Order, Payment, Receivable
from guanxi.sales.selectors import contracts as selectors_contracts
from guanxi.sales.services import contracts as services_contracts
from tests.sales.fixtures.contracts import make_contract, move, open_receivable, pay
from tests.sales.fixtures.orders import make_order

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


# -- receivables and payments ------------------------------------------------------------------


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
