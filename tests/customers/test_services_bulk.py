"""Reassigning customers' owners one at a time and in bulk, and tagging in bulk, through the
services: rights, scope, all or nothing, stale versions, reassign hooks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from guanxi.core.exceptions import ConflictError
from guanxi.customers import reassign_hooks
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services


def owner_of(customer) -> str | None:
    owner = Customer.objects.get(pk=customer.pk).owner
    return owner.username if owner else None


# -- customer_reassign -----------------------------------------------------------------------


def test_reassign_moves_the_owner_and_logs_who_from_and_to(customers, org, english):
    customer = customers["manager1"]
    with translation.override("en"):
        services.customer_reassign(
            actor=org["supervisor"], customer=customer, owner=org["manager2"]
        )
    assert owner_of(customer) == "manager2"
    entry = Customer.history.filter(id=customer.pk).order_by("-history_date").first()
    assert entry.history_user == org["supervisor"]
    assert entry.history_change_reason == (
        f"Reassigned from {org['manager1']} to {org['manager2']}"
    )
    assert Customer.objects.get(pk=customer.pk).version == customer.version


def test_reassign_to_the_current_owner_changes_nothing(customers, org):
    customer = customers["manager1"]
    before = Customer.history.filter(id=customer.pk).count()
    services.customer_reassign(actor=org["supervisor"], customer=customer, owner=org["manager1"])
    assert Customer.history.filter(id=customer.pk).count() == before
    assert Customer.objects.get(pk=customer.pk).version == customer.version


def test_reassign_refuses_an_owner_the_actor_may_not_assign_to(customers, org):
    with pytest.raises(ValidationError) as refused:
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=org["manager3"]
        )
    assert "owner" in refused.value.message_dict
    assert owner_of(customers["manager1"]) == "manager1"


def test_reassign_to_nobody_is_refused(customers, org):
    with pytest.raises(ValidationError):
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=None
        )


def test_reassign_of_a_customer_outside_the_scope_does_not_exist(customers, org):
    with pytest.raises(Customer.DoesNotExist):
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager3"], owner=org["manager1"]
        )
    assert owner_of(customers["manager3"]) == "manager3"


def test_executives_may_not_reassign(customers, org):
    with pytest.raises(PermissionDenied):
        services.customer_reassign(
            actor=org["exec"], customer=customers["manager1"], owner=org["manager2"]
        )


def test_an_account_manager_cannot_give_a_customer_away(customers, org):
    with pytest.raises(ValidationError):
        services.customer_reassign(
            actor=org["manager1"], customer=customers["manager1"], owner=org["manager2"]
        )


def test_administrators_reassign_anything_including_pool_customers(customers, org):
    services.customer_reassign(
        actor=org["admin"], customer=customers["pool"], owner=org["manager3"]
    )
    assert owner_of(customers["pool"]) == "manager3"


def test_a_stale_version_is_a_conflict(customers, org):
    customer = customers["manager1"]
    with pytest.raises(ConflictError):
        services.customer_reassign(
            actor=org["supervisor"],
            customer=customer,
            owner=org["manager2"],
            expected_version=customer.version - 1,
        )
    assert owner_of(customer) == "manager1"


def test_reassign_hooks_move_open_work_in_the_same_transaction(customers, org):
    calls = []

    def move(*, actor, customer, previous, owner):
        calls.append((actor.username, customer.pk, previous.username, owner.username))

    def fail(**kwargs):
        raise RuntimeError("open work could not move")

    reassign_hooks.register(move)
    try:
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
        )
        assert calls == [("supervisor", customers["manager1"].pk, "manager1", "manager2")]
        reassign_hooks.register(fail)
        with pytest.raises(RuntimeError):
            services.customer_reassign(
                actor=org["supervisor"], customer=customers["supervisor"], owner=org["manager2"]
            )
    finally:
        reassign_hooks.unregister(move)
        reassign_hooks.unregister(fail)
    # The failing hook undid the whole reassignment, the customer's new owner included.
    assert owner_of(customers["supervisor"]) == "supervisor"


# -- customers_bulk_reassign -----------------------------------------------------------------


def test_bulk_reassign_moves_every_selected_customer(customers, org):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk, customers["manager2"].pk]
    changed = services.customers_bulk_reassign(
        actor=org["supervisor"], customer_ids=chosen, owner=org["manager2"]
    )
    assert changed == 2  # manager2's own customer already had that owner
    assert {owner_of(Customer(pk=pk)) for pk in chosen} == {"manager2"}


def test_bulk_reassign_with_one_id_outside_the_scope_changes_nothing(customers, org):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    with pytest.raises(Customer.DoesNotExist):
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=chosen, owner=org["manager2"]
        )
    assert owner_of(customers["manager1"]) == "manager1"
    assert owner_of(customers["manager3"]) == "manager3"


def test_bulk_reassign_with_an_unknown_or_deleted_id_changes_nothing(customers, org):
    gone = customers["supervisor"]
    services.customer_delete(actor=org["admin"], customer=gone)
    for missing in (gone.pk, 999_999):
        with pytest.raises(Customer.DoesNotExist):
            services.customers_bulk_reassign(
                actor=org["supervisor"],
                customer_ids=[customers["manager1"].pk, missing],
                owner=org["manager2"],
            )
    assert owner_of(customers["manager1"]) == "manager1"


def test_bulk_reassign_needs_a_selection_and_an_owner(customers, org):
    with pytest.raises(ValidationError) as empty:
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=[], owner=org["manager2"]
        )
    assert "ids" in empty.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=[customers["manager1"].pk], owner=None
        )
    assert "owner" in nobody.value.message_dict


def test_bulk_reassign_refuses_executives(customers, org):
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(
            actor=org["exec"], customer_ids=[customers["manager1"].pk], owner=org["manager2"]
        )


# -- bulk add tag ------------------------------------------------------------------------------


def tags_of(customer) -> str:
    return Customer.objects.get(pk=customer.pk).tags


def test_bulk_tag_adds_the_tag_to_every_selected_customer_once(customers, org):
    first, second = customers["manager1"], customers["manager2"]
    services.customer_update(actor=org["supervisor"], customer=first, tags=["vip"])
    changed = services.customers_bulk_add_tag(
        actor=org["supervisor"], customer_ids=[first.pk, second.pk], tag=" VIP "
    )
    assert changed == 1
    assert tags_of(first) == ",vip," and tags_of(second) == ",vip,"


def test_bulk_tag_keeps_existing_tags(customers, org):
    customer = customers["manager1"]
    services.customer_update(actor=org["manager1"], customer=customer, tags=["华东"])
    services.customers_bulk_add_tag(actor=org["manager1"], customer_ids=[customer.pk], tag="重点")
    assert tags_of(customer) == ",华东,重点,"


def test_bulk_tag_with_an_out_of_scope_id_changes_nothing(customers, org):
    own, foreign = customers["manager1"], customers["manager3"]
    with pytest.raises(Customer.DoesNotExist):
        services.customers_bulk_add_tag(
            actor=org["manager1"], customer_ids=[own.pk, foreign.pk], tag="vip"
        )
    assert tags_of(own) == "" and tags_of(foreign) == ""


def test_bulk_tag_refuses_an_empty_tag_and_executives(customers, org):
    customer = customers["manager1"]
    with pytest.raises(ValidationError) as error:
        services.customers_bulk_add_tag(actor=org["manager1"], customer_ids=[customer.pk], tag=" ")
    assert "tag" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.customers_bulk_add_tag(actor=org["exec"], customer_ids=[customer.pk], tag="x")
