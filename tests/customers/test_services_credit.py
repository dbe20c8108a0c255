"""Credit control 信用冻结: who may put a customer's credit on hold or lift the hold, and how.

Only administrators and the sales supervisor of the owner's team set or lift a hold, always
with a reason, which the customer, its audit history and its timeline keep; account managers
see the hold but cannot change it, neither through the credit action nor the customer edit.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.customers import rules
from guanxi.customers.models import Customer, CustomerEvent
from guanxi.customers.services import credit as services_credit
from guanxi.customers.services import customers as services
from tests.customers.fixtures.customers import CustomerFactory

ON_HOLD = Customer.CreditStatus.ON_HOLD


def fresh(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def held(owner, *, by, reason="逾期未付") -> Customer:
    customer = CustomerFactory(owner=owner)
    return services_credit.customer_credit_hold_set(
        actor=by, customer=customer, on_hold=True, reason=reason
    )


def test_an_account_manager_cannot_put_their_own_customer_on_credit_hold(org):
    customer = CustomerFactory(owner=org["manager1"])
    with pytest.raises(PermissionDenied):
        services_credit.customer_credit_hold_set(
            actor=org["manager1"], customer=customer, on_hold=True, reason="客户拖欠货款"
        )
    assert fresh(customer).credit_status == Customer.CreditStatus.NORMAL
    assert not CustomerEvent.objects.filter(customer=customer).exists()


def test_an_account_manager_cannot_lift_the_hold_of_their_own_customer(org):
    customer = held(org["manager1"], by=org["supervisor"])
    with pytest.raises(PermissionDenied):
        services_credit.customer_credit_hold_set(
            actor=org["manager1"], customer=fresh(customer), on_hold=False, reason="已付款"
        )
    assert fresh(customer).on_credit_hold


@pytest.mark.parametrize("username", ["manager1", "assistant", "exec"])
def test_only_supervisors_of_the_team_and_administrators_may_set_a_credit_hold(org, username):
    customer = CustomerFactory(owner=org["manager1"])
    assert not rules.may_set_credit_hold(org[username], customer)
    assert not org[username].has_perm(rules.SET_CREDIT_HOLD, customer)
    for allowed in ("supervisor", "admin"):
        assert rules.may_set_credit_hold(org[allowed], customer)


def test_a_supervisor_of_another_team_cannot_set_or_lift_a_credit_hold(org):
    customer = CustomerFactory(owner=org["manager1"])
    # Even a customer they may see (supporting its manager) is not their team's to hold.
    org["supervisor2"].supports.add(org["manager1"])
    with pytest.raises(PermissionDenied):
        services_credit.customer_credit_hold_set(
            actor=org["supervisor2"], customer=customer, on_hold=True, reason="风险客户"
        )
    on_hold = held(org["manager1"], by=org["supervisor"])
    with pytest.raises(PermissionDenied):
        services_credit.customer_credit_hold_set(
            actor=org["supervisor2"], customer=on_hold, on_hold=False, reason="已付款"
        )


def test_the_supervisor_of_the_team_sets_and_lifts_a_hold_with_the_reason_kept(org):
    customer = CustomerFactory(owner=org["manager2"])
    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=customer, on_hold=True, reason="  逾期三个月未付款 "
    )
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.on_credit_hold and stored.credit_hold_reason == "逾期三个月未付款"
    assert stored.credit_hold_by == org["supervisor"] and stored.credit_hold_at is not None
    set_entry = stored.history.latest()
    assert set_entry.history_user == org["supervisor"]
    assert "逾期三个月未付款" in set_entry.history_change_reason
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.kind, event.actor, event.text) == (
        CustomerEvent.Kind.CREDIT_HOLD,
        org["supervisor"],
        "逾期三个月未付款",
    )

    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=stored, on_hold=False, reason="货款已结清"
    )
    lifted = Customer.objects.get(pk=customer.pk)
    assert lifted.credit_status == Customer.CreditStatus.NORMAL
    assert (lifted.credit_hold_reason, lifted.credit_hold_by, lifted.credit_hold_at) == (
        "",
        None,
        None,
    )
    assert "货款已结清" in lifted.history.latest().history_change_reason
    assert CustomerEvent.objects.filter(
        customer=customer, kind=CustomerEvent.Kind.CREDIT_RELEASED, text="货款已结清"
    ).exists()


def test_the_supervisor_holds_their_own_customers_too(org):
    customer = held(org["supervisor"], by=org["supervisor"])
    assert fresh(customer).on_credit_hold


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_empty_credit_hold_reason_is_refused_naming_the_reason_field(org, reason):
    customer = CustomerFactory(owner=org["manager1"])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services_credit.customer_credit_hold_set(
            actor=org["supervisor"], customer=customer, on_hold=True, reason=reason
        )
    assert refused.value.message_dict.keys() == {"reason"}
    assert "reason" in refused.value.message_dict["reason"][0]
    stored = fresh(customer)
    assert not stored.on_credit_hold and stored.version == customer.version


def test_an_administrator_sets_and_lifts_a_hold_on_any_customer_even_in_the_pool(org):
    for owner in (org["manager3"], None):
        customer = held(owner, by=org["admin"], reason="财务要求")
        assert fresh(customer).credit_hold_by == org["admin"]
        services_credit.customer_credit_hold_set(
            actor=org["admin"], customer=fresh(customer), on_hold=False, reason="财务放行"
        )
        assert not fresh(customer).on_credit_hold
    # A supervisor leads no team of the pool.
    with pytest.raises(PermissionDenied):
        held(None, by=org["supervisor"])


def test_a_hold_already_set_is_not_set_again_and_a_stale_version_is_refused(org):
    customer = held(org["manager1"], by=org["supervisor"])
    with pytest.raises(BusinessRuleError):
        services_credit.customer_credit_hold_set(
            actor=org["supervisor"], customer=fresh(customer), on_hold=True, reason="再次冻结"
        )
    with pytest.raises(ConflictError):
        services_credit.customer_credit_hold_set(
            actor=org["supervisor"],
            customer=fresh(customer),
            on_hold=False,
            reason="已付款",
            expected_version=customer.version - 1,
        )
    assert fresh(customer).on_credit_hold


def test_a_long_reason_is_kept_whole_and_the_history_keeps_what_fits(org):
    reason = "客户长期拖欠货款，" * 40
    customer = held(org["manager1"], by=org["supervisor"], reason=reason)
    stored = fresh(customer)
    assert stored.credit_hold_reason == reason.strip()
    change = stored.history.latest().history_change_reason
    assert len(change) <= 100 and change.endswith("…")
    with pytest.raises(ValidationError) as refused:
        held(org["manager1"], by=org["supervisor"], reason="长" * 1001)
    assert "reason" in refused.value.message_dict


@pytest.mark.parametrize("username", ["manager1", "supervisor", "admin"])
def test_the_customer_edit_does_not_change_the_credit_status(org, username):
    customer = CustomerFactory(owner=org["manager1"])
    with pytest.raises(ValidationError):
        services.customer_update(
            actor=org[username],
            customer=customer,
            credit_status=ON_HOLD,  # type: ignore[call-arg]
        )
    with pytest.raises(ValidationError):
        services.customer_create(
            actor=org[username],
            name="信用冻结测试有限公司",
            owner=org["manager1"],
            credit_status=ON_HOLD,  # type: ignore[call-arg]
        )
    assert not fresh(customer).on_credit_hold
    assert not Customer.objects.filter(name="信用冻结测试有限公司").exists()
