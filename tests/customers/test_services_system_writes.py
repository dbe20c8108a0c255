"""Writes made by the system (jobs, recalculations) are in the history as the system's, under
the writer's name, and never surface in the next person's entry."""

from datetime import timedelta

from django.utils import timezone, translation

from guanxi.core.selectors.pages import record_history
from guanxi.core.services.records import record_bulk_update, system_reason
from guanxi.customers.models import Customer, PoolPolicy
from guanxi.customers.services import customers as services
from guanxi.customers.services import interactions as services_interactions
from guanxi.customers.services import pool as services_pool
from guanxi.customers.services.churn import customer_order_recorded
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

DAY = timedelta(days=1)


def _edit(org, customer: Customer, **fields) -> None:
    customer = Customer.objects.get(pk=customer.pk)
    values = {name: getattr(customer, name) for name in services.CUSTOMER_EDITABLE_FIELDS}
    values.update(fields)
    services.customer_update(
        actor=org["manager1"], customer=customer, expected_version=customer.version, **values
    )


BOOKKEEPING = {"version", "updated_by_id", "search_text", "name_key", "phone_digits"}


def _stored_changes(new, old) -> set[str]:
    """Every tracked field that differs between two history rows (the page shows fewer)."""
    fields = {field.attname for field in new.tracked_fields}
    return {name for name in fields if getattr(new, name) != getattr(old, name)} - BOOKKEEPING


def _changed(entry) -> set[str]:
    return {change.field for change in entry.changes}


def test_a_jobs_write_is_the_systems_and_the_next_edit_is_only_the_editors_own(org):
    now = timezone.now()
    PoolPolicy.objects.create(level=None, follow_up_days=30, notice_days=3)
    customer = CustomerFactory(owner=org["manager1"], owned_since=now - 28 * DAY)

    assert services_pool.pool_recall_run(now=now) == {"noticed": 1, "recalled": 0}
    _edit(org, customer, website="https://example.cn")

    with translation.override("en"):
        edit, notice = record_history(instance=customer)[:2]
    assert notice.user is None  # shown as "System"
    assert notice.reason == "Recall notice sent"
    assert edit.user == org["manager1"]
    assert _changed(edit) == {"website"}
    # Stored: the job's row holds its write, the editor's row differs from it only by theirs.
    edit_row, notice_row = Customer.history.filter(id=customer.pk).order_by("-history_id")[:2]
    assert notice_row.history_user is None
    assert notice_row.history_change_reason == "system:customers.pool_recall_notice"
    assert notice_row.recall_notice_at == now
    assert _stored_changes(edit_row, notice_row) == {"website"}


def test_recalculated_dates_are_the_systems_in_the_history(org):
    customer = CustomerFactory(owner=org["manager1"])
    customer_order_recorded(customer=customer, ordered_at=timezone.now(), actor=org["manager1"])
    services_interactions.customer_follow_up_record(customer=customer, occurred_at=timezone.now())
    entries = Customer.history.filter(id=customer.pk).order_by("-history_id")
    follow_up, order = entries[0], entries[1]
    assert (follow_up.history_user, order.history_user) == (None, None)
    assert follow_up.history_change_reason == "system:customers.follow_up_recorded"
    assert order.history_change_reason == "system:customers.order_recorded"
    assert follow_up.last_follow_up_at is not None and order.last_order_at is not None


def test_a_follow_up_that_changes_nothing_adds_no_history_entry(org):
    customer = CustomerFactory(owner=org["manager1"], last_follow_up_at=timezone.now())
    before = Customer.history.filter(id=customer.pk).count()
    services_interactions.customer_follow_up_record(
        customer=customer, occurred_at=timezone.now() - 5 * DAY
    )
    assert Customer.history.filter(id=customer.pk).count() == before


def test_replacing_the_primary_contact_records_the_old_ones_change(org):
    customer = CustomerFactory(owner=org["manager1"])
    old = ContactFactory(customer=customer, is_primary=True)
    services.contact_create(
        actor=org["manager1"], customer=customer, name="新联系人", is_primary=True
    )
    entry = old.history.order_by("-history_id").first()
    assert entry.is_primary is False
    assert entry.history_user == org["manager1"]
    assert entry.history_change_reason == "system:customers.primary_contact_replaced"


def test_a_set_wise_write_makes_its_history_rows_in_bulk(org, django_assert_max_num_queries):
    reason = system_reason("tests.bulk", "A test job")
    customers = [CustomerFactory(owner=org["manager1"]) for _ in range(30)]
    pks = [customer.pk for customer in customers]
    # Read the ids, update, read the rows, insert their history (SQLite splits the INSERT by
    # its bound-parameter limit): a few queries, not one per row.
    with django_assert_max_num_queries(6):
        updated = record_bulk_update(
            queryset=Customer.objects.filter(pk__in=pks),
            values={"satisfaction": 4},
            reason=reason,
        )
    assert updated == 30
    rows = Customer.history.filter(id__in=pks, history_change_reason=reason)
    assert rows.count() == 30
    assert set(rows.values_list("satisfaction", flat=True)) == {4}
    assert set(rows.values_list("history_user", flat=True)) == {None}


def test_records_moved_by_a_merge_have_their_history_row_by_the_merger(org):
    from guanxi.customers.models import Interaction
    from guanxi.customers.services import merge as services_merge

    survivor = CustomerFactory(owner=org["manager1"], name="甲公司")
    merged = CustomerFactory(owner=org["manager1"], name="甲公司（重复）")
    contact = ContactFactory(customer=merged, is_primary=True)
    interaction = services_interactions.interaction_create(
        actor=org["manager1"], customer=merged, summary="拜访", kind="visit"
    )
    services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=merged)
    for record in (contact, Interaction.objects.get(pk=interaction.pk)):
        entry = record.history.order_by("-history_id").first()
        assert entry.customer_id == survivor.pk
        assert entry.history_user == org["manager1"]
        assert entry.history_change_reason == "system:customers.merge_move"
