"""Service requests follow their customer when it changes hands, whichever way it does (the
owner field, a reassignment, in bulk, the pool, a merge): the open requests of the previous
owner move to the new one in the same transaction, closed work stays with whoever did it, and
every request carries its customer's current account manager, which is what scoping reads."""

import importlib

import pytest
from django.db import connection
from django.utils import translation

from guanxi.customers import reassign_hooks
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services_customers
from guanxi.customers.services import merge as services_merge
from guanxi.customers.services import pool as services_pool
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import requests as services
from tests.customers.fixtures.customers import CustomerFactory
from tests.service.fixtures.requests import archived, assigned, fresh, handled, new

Status = ServiceRequest.Status


@pytest.fixture
def work(org, customers):
    """manager1's customer with a request in each state: new, assigned to manager1, handled by
    manager1, archived by manager1, and one assigned to manager2 (not the owner's work)."""
    return {
        "new": new(org, customers),
        "assigned": assigned(org, customers),
        "handled": handled(org, customers),
        "archived": archived(org, customers),
        "elsewhere": assigned(org, customers, assignee="manager2"),
    }


def assignee_of(service_request) -> str:
    return fresh(service_request).assigned_to.username


def owner_on(service_request) -> str | None:
    owner = fresh(service_request).customer_owner
    return owner.username if owner else None


def assert_moved_to(work, username: str, previous: str = "manager1") -> None:
    assert assignee_of(work["assigned"]) == username
    assert assignee_of(work["handled"]) == username
    # Closed work and someone else's stay where they are.
    assert assignee_of(work["archived"]) == previous
    assert assignee_of(work["elsewhere"]) == "manager2"
    assert fresh(work["new"]).assigned_to is None
    for service_request in work.values():
        assert owner_on(service_request) == username


# -- each way a customer changes hands ---------------------------------------------------------


def test_reassigning_a_customer_moves_its_open_requests_of_the_old_owner(org, customers, work):
    services_customers.customer_reassign(
        actor=org["supervisor"], customer=customers["manager1"], owner=org["supervisor"]
    )
    assert_moved_to(work, "supervisor")


def test_changing_the_owner_field_moves_the_open_requests_too(org, customers, work):
    customer = Customer.objects.get(pk=customers["manager1"].pk)
    services_customers.customer_update(
        actor=org["supervisor"], customer=customer, owner=org["manager2"]
    )
    assert_moved_to(work, "manager2")


def test_bulk_reassign_moves_the_open_requests_of_every_customer(org, customers, work):
    other = new(org, customers, creator="manager2", customer="manager2")
    services_customers.customers_bulk_reassign(
        actor=org["supervisor"],
        customer_ids=[customers["manager1"].pk, customers["manager2"].pk],
        owner=org["supervisor"],
    )
    assert_moved_to(work, "supervisor")
    assert owner_on(other) == "supervisor"


def test_claiming_a_pool_customer_gives_its_requests_the_new_owner(org, customers):
    waiting = new(org, customers, creator="admin", customer="pool")
    assert owner_on(waiting) is None
    services_pool.customer_claim(actor=org["manager1"], customer=customers["pool"])
    assert owner_on(waiting) == "manager1"
    visible = selectors.service_request_list(actor=org["manager1"])
    assert visible.filter(pk=waiting.pk).exists()


def test_assigning_a_pool_customer_gives_its_requests_the_new_owner(org, customers):
    waiting = new(org, customers, creator="admin", customer="pool")
    services_pool.customer_assign_from_pool(
        actor=org["supervisor"], customer=customers["pool"], owner=org["manager2"]
    )
    assert owner_on(waiting) == "manager2"
    assert selectors.service_request_list(actor=org["manager2"]).filter(pk=waiting.pk).exists()


def test_releasing_a_customer_leaves_its_requests_with_their_assignee(org, customers, work):
    services_pool.customer_release(
        actor=org["manager1"], customer=customers["manager1"], reason="客户已转由代理商服务"
    )
    for service_request in work.values():
        assert owner_on(service_request) is None
    # Nobody takes over from the pool: the work stays with whoever was assigned.
    assert assignee_of(work["assigned"]) == "manager1"


def test_merging_moves_the_duplicates_open_requests_to_the_survivors_owner(org, customers, work):
    survivor = CustomerFactory(owner=org["manager2"])
    services_merge.customer_merge(
        actor=org["supervisor"], survivor=survivor, merged=customers["manager1"]
    )
    assert_moved_to(work, "manager2")
    assert all(fresh(r).customer_id == survivor.pk for r in work.values())


# -- how a request moves -----------------------------------------------------------------------


def test_a_moved_request_is_audited_and_its_open_round_moves_with_it(org, customers, work):
    with translation.override("en"):
        services_customers.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
        )
    moved = fresh(work["assigned"])
    entry = moved.history.order_by("-history_date").first()
    assert entry.history_user == org["supervisor"]
    assert entry.history_change_reason == f"Moved with the customer to {org['manager2']}"
    assert moved.version == work["assigned"].version + 1
    open_round = ServiceRound.objects.get(request=moved, number=moved.rounds)
    assert (open_round.assigned_to, open_round.assigned_by) == (org["manager2"], org["supervisor"])
    # A handled round is history: it keeps who handled it; the next round goes to the new owner.
    handled_round = ServiceRound.objects.get(request=work["handled"], number=1)
    assert handled_round.assigned_to == org["manager1"]
    assert handled_round.handled_by == org["manager1"]


def test_the_new_owner_handles_a_moved_request(org, customers, work):
    from guanxi.service.services import handling

    services_customers.customer_reassign(
        actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
    )
    handled_now = handling.service_request_handle(
        actor=org["manager2"], service_request=work["assigned"], handling="已远程解决。"
    )
    assert handled_now.status == Status.HANDLED


def test_a_failing_hook_leaves_every_request_as_it_was(org, customers, work):
    def fail(**kwargs):
        raise RuntimeError("open work could not move")

    reassign_hooks.register(fail)
    try:
        with pytest.raises(RuntimeError):
            services_customers.customer_reassign(
                actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
            )
    finally:
        reassign_hooks.unregister(fail)
    assert assignee_of(work["assigned"]) == "manager1"
    assert owner_on(work["assigned"]) == "manager1"


# -- the owner kept on the request -------------------------------------------------------------


def test_a_request_carries_its_customers_owner_from_creation(org, customers):
    made = new(org, customers, creator="supervisor", customer="manager2")
    assert owner_on(made) == "manager2"
    unmatched = services.service_request_receive(
        service_type=made.service_type,
        summary="咨询",
        request="请联系我。",
        channel=made.channel,
        requester_email="someone@example.com",
    )
    assert owner_on(unmatched) is None


def test_linking_a_request_to_another_customer_takes_that_customers_owner(org, customers):
    made = new(org, customers, creator="supervisor", customer="manager1")
    services.service_request_update(
        actor=org["supervisor"], service_request=made, customer=customers["manager2"]
    )
    assert owner_on(made) == "manager2"


def test_scoping_requests_joins_no_customers(org, customers):
    """The count of a supervisor's list filters on the request's own columns: with a join to
    the customers in an OR, the database read every customer to count a team's requests."""
    new(org, customers)
    rows = selectors.service_request_list(actor=org["supervisor"]).order_by().values("pk")
    assert "customers_customer" not in str(rows.query)
    assert rows.count() == 1


def test_the_migration_fills_the_owner_of_existing_requests(org, customers):
    made = new(org, customers, customer="manager1")
    pooled = new(org, customers, creator="admin", customer="pool")
    ServiceRequest.all_objects.update(customer_owner=None)
    migration = importlib.import_module("guanxi.service.migrations.0004_customer_owner_on_requests")

    class Editor:
        def __init__(self):
            self.connection = connection
            self.quote_name = connection.ops.quote_name

        def execute(self, sql, params=()):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    from django.apps import apps

    migration.fill_customer_owner(apps, Editor())
    assert owner_on(made) == "manager1"
    assert owner_on(pooled) is None
