"""Every change of a customer's owner runs the reassign hooks, whichever service makes it, so
the open work registered by the other apps (opportunities, deals, service requests) follows the
customer in the same transaction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.customers import reassign_hooks
from guanxi.customers.models import Customer, PoolPolicy
from guanxi.customers.services import customers as services
from guanxi.customers.services import merge as services_merge
from guanxi.customers.services import pool as services_pool
from tests.customers.fixtures.customers import CustomerFactory


@pytest.fixture
def calls():
    """The hook calls made during the test, as (actor, customer id, previous, owner)."""
    made: list[tuple[str | None, int, str | None, str | None]] = []

    def record(*, actor, customer, previous, owner):
        made.append(
            (
                actor.username if actor else None,
                customer.pk,
                previous.username if previous else None,
                owner.username if owner else None,
            )
        )

    reassign_hooks.register(record)
    yield made
    reassign_hooks.unregister(record)


def test_changing_the_owner_field_runs_the_hooks(org, customers, calls):
    customer = Customer.objects.get(pk=customers["manager1"].pk)
    services.customer_update(actor=org["supervisor"], customer=customer, owner=org["manager2"])
    assert calls == [("supervisor", customer.pk, "manager1", "manager2")]


def test_an_edit_that_keeps_the_owner_runs_no_hooks(org, customers, calls):
    customer = Customer.objects.get(pk=customers["manager1"].pk)
    services.customer_update(
        actor=org["supervisor"], customer=customer, owner=org["manager1"], phone="021-12345678"
    )
    assert calls == []


def test_reassigning_runs_the_hooks(org, customers, calls):
    services.customer_reassign(
        actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
    )
    assert calls == [("supervisor", customers["manager1"].pk, "manager1", "manager2")]


def test_bulk_reassigning_runs_the_hooks_per_customer(org, customers, calls):
    services.customers_bulk_reassign(
        actor=org["supervisor"],
        customer_ids=[customers["manager1"].pk, customers["supervisor"].pk],
        owner=org["manager2"],
    )
    assert calls == [
        ("supervisor", customers["manager1"].pk, "manager1", "manager2"),
        ("supervisor", customers["supervisor"].pk, "supervisor", "manager2"),
    ]


def test_claiming_from_the_pool_runs_the_hooks(org, customers, calls):
    services_pool.customer_claim(actor=org["manager1"], customer=customers["pool"])
    assert calls == [("manager1", customers["pool"].pk, None, "manager1")]


def test_assigning_from_the_pool_runs_the_hooks(org, customers, calls):
    services_pool.customer_assign_from_pool(
        actor=org["supervisor"], customer=customers["pool"], owner=org["manager2"]
    )
    assert calls == [("supervisor", customers["pool"].pk, None, "manager2")]


def test_releasing_to_the_pool_runs_the_hooks(org, customers, calls):
    services_pool.customer_release(
        actor=org["manager1"], customer=customers["manager1"], reason="客户已转由代理商服务"
    )
    assert calls == [("manager1", customers["manager1"].pk, "manager1", None)]


def test_the_daily_recall_runs_the_hooks(org, calls):
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=3)
    now = timezone.now()
    neglected = CustomerFactory(owner=org["manager1"], owned_since=now - timedelta(days=28))
    services_pool.pool_recall_run(now=now)  # the notice first
    assert services_pool.pool_recall_run(now=now + timedelta(days=3))["recalled"] == 1
    assert calls == [(None, neglected.pk, "manager1", None)]


def test_merging_runs_the_hooks_for_the_duplicate_towards_the_survivors_owner(org, calls):
    survivor = CustomerFactory(owner=org["manager2"])
    merged = CustomerFactory(owner=org["manager1"])
    services_merge.customer_merge(actor=org["supervisor"], survivor=survivor, merged=merged)
    assert calls == [("supervisor", merged.pk, "manager1", "manager2")]


def test_merging_two_customers_of_one_owner_runs_no_hooks(org, calls):
    survivor = CustomerFactory(owner=org["manager1"])
    merged = CustomerFactory(owner=org["manager1"])
    services_merge.customer_merge(actor=org["supervisor"], survivor=survivor, merged=merged)
    assert calls == []
