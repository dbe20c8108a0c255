"""The customer pool 公海: claim, assign and release (services), caps, who may do what."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from guanxi.accounts import roles
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryKind
from guanxi.customers.models import Customer, CustomerEvent, OwnershipCap, PoolPolicy
from guanxi.customers.selectors import pool as selectors_pool
from guanxi.customers.services import customers as services
from guanxi.customers.services import pool as services_pool
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory


def level(code: str):
    return dictionary(DictionaryKind.CUSTOMER_LEVEL, code)


def fresh(customer) -> Customer:
    return Customer.objects.get(pk=customer.pk)


def events_of(customer) -> list[str]:
    rows = CustomerEvent.objects.filter(customer=customer).order_by("id")
    return list(rows.values_list("kind", flat=True))


def cap_role(role: str, max_owned: int) -> OwnershipCap:
    return OwnershipCap.objects.create(role=Group.objects.get(name=role), max_owned=max_owned)


# -- claim -------------------------------------------------------------------------------------


def test_claim_takes_the_customer_with_history_and_timeline(customers, org, english):
    pooled = customers["pool"]
    with translation.override("en"):
        services_pool.customer_claim(actor=org["manager1"], customer=pooled)
    claimed = fresh(pooled)
    assert claimed.owner == org["manager1"]
    assert claimed.owned_since is not None
    assert claimed.version == pooled.version + 1
    entry = Customer.history.filter(id=pooled.pk).order_by("-history_date").first()
    assert entry.history_user == org["manager1"]
    assert entry.history_change_reason == f"Claimed from the pool by {org['manager1']}"
    event = CustomerEvent.objects.get(customer=pooled)
    assert (event.kind, event.actor) == (CustomerEvent.Kind.CLAIMED, org["manager1"])


def test_a_customer_already_owned_cannot_be_claimed(customers, org):
    with pytest.raises(ConflictError):
        services_pool.customer_claim(actor=org["manager1"], customer=customers["manager2"])
    assert fresh(customers["manager2"]).owner == org["manager2"]
    assert events_of(customers["manager2"]) == []


def test_the_second_claim_of_the_same_customer_is_refused(customers, org):
    stale = customers["pool"]
    services_pool.customer_claim(actor=org["manager1"], customer=Customer.objects.get(pk=stale.pk))
    with pytest.raises(ConflictError):
        services_pool.customer_claim(actor=org["manager2"], customer=stale)  # read before the claim
    assert fresh(stale).owner == org["manager1"]


@pytest.mark.parametrize("username", ["exec", "assistant"])
def test_executives_and_assistants_cannot_claim(customers, org, username):
    with pytest.raises(PermissionDenied):
        services_pool.customer_claim(actor=org[username], customer=customers["pool"])
    assert fresh(customers["pool"]).owner is None


def test_the_role_cap_limits_claims(customers, org, english):
    cap_role(roles.ACCOUNT_MANAGER, 2)  # manager1 owns one customer already
    services_pool.customer_claim(actor=org["manager1"], customer=customers["pool"])
    another = CustomerFactory()
    with translation.override("en"), pytest.raises(BusinessRuleError) as refused:
        services_pool.customer_claim(actor=org["manager1"], customer=another)
    assert "already owns 2 customers" in refused.value.messages[0]
    assert fresh(another).owner is None
    # Other roles are not limited by the account managers' cap.
    services_pool.customer_claim(actor=org["supervisor"], customer=another)


def test_the_smallest_cap_of_the_users_roles_applies(customers, org):
    cap_role(roles.ACCOUNT_MANAGER, 10)
    cap_role(roles.SUPERVISOR, 1)
    org["manager2"].groups.add(Group.objects.get(name=roles.SUPERVISOR))
    assert services_pool.ownership_cap(org["manager2"]) == 1
    with pytest.raises(BusinessRuleError):
        services_pool.customer_claim(actor=org["manager2"], customer=customers["pool"])


def test_the_level_cap_counts_customers_of_that_level_only(org):
    major, ordinary = level("major"), level("ordinary")
    PoolPolicy.objects.create(level=major, max_owned=1)
    CustomerFactory(owner=org["manager1"], level=major)
    CustomerFactory(owner=org["manager1"], level=ordinary)
    with pytest.raises(BusinessRuleError):
        services_pool.customer_claim(actor=org["manager1"], customer=CustomerFactory(level=major))
    services_pool.customer_claim(actor=org["manager1"], customer=CustomerFactory(level=ordinary))


def test_the_default_policy_caps_levels_without_their_own_row(org):
    PoolPolicy.objects.create(level=None, max_owned=1)
    PoolPolicy.objects.create(level=level("major"), max_owned=5)
    CustomerFactory(owner=org["manager1"], level=level("ordinary"))
    with pytest.raises(BusinessRuleError):
        services_pool.customer_claim(
            actor=org["manager1"], customer=CustomerFactory(level=level("ordinary"))
        )
    services_pool.customer_claim(
        actor=org["manager1"], customer=CustomerFactory(level=level("major"))
    )


def test_policy_resolution_level_row_then_default_then_none(db):
    major, partner = level("major"), level("partner")
    assert services_pool.policy_for_level(major.pk) is None
    default = PoolPolicy.objects.create(level=None, follow_up_days=30)
    own = PoolPolicy.objects.create(level=major, follow_up_days=10)
    assert services_pool.policy_for_level(major.pk) == own
    assert services_pool.policy_for_level(partner.pk) == default
    assert services_pool.policy_for_level(None) == default


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_cannot_pass_the_cap():
    if connection.vendor == "sqlite":
        # The in-memory shared-cache test database locks whole tables across threads instead of
        # waiting (busy_timeout), unlike the WAL file a real installation uses.
        pytest.skip("needs a database that lets two connections wait for each other")
    from guanxi.accounts.seed.demo import create_demo_organisation

    org = create_demo_organisation(password="pw")
    cap_role(roles.ACCOUNT_MANAGER, 1)
    first, second = CustomerFactory(), CustomerFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(customer) -> None:
        try:
            barrier.wait()
            services_pool.customer_claim(actor=org["manager1"], customer=customer)
            outcomes.append("claimed")
        except BusinessRuleError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["claimed", "refused"]
    assert Customer.objects.filter(owner=org["manager1"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reps_claiming_one_customer_at_once_get_one_winner():
    if connection.vendor == "sqlite":
        pytest.skip("needs a database that lets two connections wait for each other")
    from guanxi.accounts.seed.demo import create_demo_organisation

    org = create_demo_organisation(password="pw")
    pooled = CustomerFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(username) -> None:
        try:
            barrier.wait()
            services_pool.customer_claim(actor=org[username], customer=pooled)
            outcomes.append(username)
        except ConflictError:
            outcomes.append("too late")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(u,)) for u in ("manager1", "manager2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("too late") == 1
    winner = next(name for name in outcomes if name != "too late")
    assert fresh(pooled).owner.username == winner
    assert events_of(pooled) == [CustomerEvent.Kind.CLAIMED]


# -- assign from the pool ---------------------------------------------------------------------


def test_a_supervisor_assigns_within_the_team(customers, org):
    pooled = customers["pool"]
    services_pool.customer_assign_from_pool(
        actor=org["supervisor"], customer=pooled, owner=org["manager2"]
    )
    assigned = fresh(pooled)
    assert assigned.owner == org["manager2"]
    assert assigned.owned_since is not None
    event = CustomerEvent.objects.get(customer=pooled)
    assert event.kind == CustomerEvent.Kind.ASSIGNED
    assert event.actor == org["supervisor"]
    assert event.data == {"owner": org["manager2"].pk}


def test_a_supervisor_cannot_assign_outside_the_team(customers, org):
    with pytest.raises(ValidationError) as refused:
        services_pool.customer_assign_from_pool(
            actor=org["supervisor"], customer=customers["pool"], owner=org["manager3"]
        )
    assert "owner" in refused.value.message_dict
    assert fresh(customers["pool"]).owner is None


def test_account_managers_cannot_assign(customers, org):
    with pytest.raises(PermissionDenied):
        services_pool.customer_assign_from_pool(
            actor=org["manager1"], customer=customers["pool"], owner=org["manager1"]
        )


def test_caps_apply_to_the_assigned_owner(customers, org):
    cap_role(roles.ACCOUNT_MANAGER, 1)  # manager2 owns one already
    with pytest.raises(BusinessRuleError) as refused:
        services_pool.customer_assign_from_pool(
            actor=org["supervisor"], customer=customers["pool"], owner=org["manager2"]
        )
    assert "owner" in refused.value.message_dict


def test_an_administrator_assigns_to_anyone(customers, org):
    services_pool.customer_assign_from_pool(
        actor=org["admin"], customer=customers["pool"], owner=org["manager3"]
    )
    assert fresh(customers["pool"]).owner == org["manager3"]


# -- release ----------------------------------------------------------------------------------


def test_the_owner_releases_with_a_reason(customers, org, english):
    customer = customers["manager1"]
    with translation.override("en"):
        services_pool.customer_release(
            actor=org["manager1"], customer=customer, reason="  Moved abroad  "
        )
    released = fresh(customer)
    assert (released.owner, released.owned_since, released.recall_notice_at) == (None, None, None)
    entry = Customer.history.filter(id=customer.pk).order_by("-history_date").first()
    assert entry.history_change_reason == "Released to the pool: Moved abroad"
    event = CustomerEvent.objects.get(customer=customer)
    assert (event.kind, event.text) == (CustomerEvent.Kind.RELEASED, "Moved abroad")
    assert event.data == {"previous_owner": org["manager1"].pk}


def test_the_owners_supervisor_releases_but_not_another_team(customers, org):
    services_pool.customer_release(
        actor=org["supervisor"], customer=customers["manager2"], reason="再分配"
    )
    assert fresh(customers["manager2"]).owner is None
    with pytest.raises(PermissionDenied):
        services_pool.customer_release(
            actor=org["supervisor2"], customer=customers["manager1"], reason="x"
        )


@pytest.mark.parametrize("username", ["manager2", "assistant", "exec"])
def test_others_cannot_release(customers, org, username):
    with pytest.raises(PermissionDenied):
        services_pool.customer_release(
            actor=org[username], customer=customers["manager1"], reason="x"
        )
    assert fresh(customers["manager1"]).owner == org["manager1"]


def test_release_needs_a_reason(customers, org):
    with pytest.raises(ValidationError) as refused:
        services_pool.customer_release(
            actor=org["manager1"], customer=customers["manager1"], reason="   "
        )
    assert "reason" in refused.value.message_dict
    assert events_of(customers["manager1"]) == []


def test_a_released_customer_can_be_claimed_by_another_rep(customers, org):
    customer = customers["manager1"]
    services_pool.customer_release(actor=org["manager1"], customer=customer, reason="x")
    services_pool.customer_claim(actor=org["manager3"], customer=fresh(customer))
    assert fresh(customer).owner == org["manager3"]
    assert events_of(customer) == [CustomerEvent.Kind.RELEASED, CustomerEvent.Kind.CLAIMED]


# -- owned_since elsewhere ---------------------------------------------------------------------


def test_owned_since_is_set_on_create_with_an_owner_and_on_reassignment(org):
    created = services.customer_create(actor=org["manager1"], name="客户甲")
    assert created.owned_since is not None
    pooled = services.customer_create(actor=org["admin"], name="客户乙", owner=None)
    assert pooled.owned_since is None
    before = timezone.now()
    Customer.objects.filter(pk=created.pk).update(recall_notice_at=before)
    moved = services.customer_reassign(
        actor=org["supervisor"], customer=fresh(created), owner=org["manager2"]
    )
    assert moved.owned_since >= before
    assert fresh(created).recall_notice_at is None


def test_owned_since_follows_an_owner_change_in_the_edit_form(org, customers):
    customer = fresh(customers["pool"])
    services.customer_update(actor=org["admin"], customer=customer, owner=org["manager1"])
    assert fresh(customer).owned_since is not None
    services.customer_update(actor=org["admin"], customer=fresh(customer), owner=None)
    assert fresh(customer).owned_since is None


# -- what a rep may see of the pool -------------------------------------------------------------


def test_pool_customers_are_readable_but_not_writable_outside_the_scope(customers, org):
    from guanxi.customers.selectors import customers as selectors

    pooled = customers["pool"]
    assert selectors_pool.customer_get_readable(actor=org["manager1"], pk=pooled.pk) == pooled
    with pytest.raises(Customer.DoesNotExist):
        selectors.customer_get(actor=org["manager1"], pk=pooled.pk)
    with pytest.raises(Customer.DoesNotExist):
        selectors_pool.customer_get_readable(actor=org["manager1"], pk=customers["manager2"].pk)
