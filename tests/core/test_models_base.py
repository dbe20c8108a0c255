"""Base model promises: versions refuse stale writes, soft delete hides, audit records who/what."""

import pytest
from django.db import connection

from guanxi.core.exceptions import ConflictError
from guanxi.core.services.records import code_next, record_soft_delete, record_update
from guanxi.customers.models import Customer
from guanxi.customers.services.customers import customer_create, customer_update


@pytest.fixture
def customer(org):
    return customer_create(actor=org["manager1"], name="上海星辰贸易有限公司", phone="13800138000")


def test_create_records_creator_version_and_history(org, customer):
    assert customer.version == 1
    assert customer.created_by == org["manager1"]
    entry = customer.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == org["manager1"]


def test_update_bumps_version_and_records_field_change(org, customer):
    customer_update(
        actor=org["manager1"], customer=customer, expected_version=1, phone="13900139000"
    )
    customer.refresh_from_db()
    assert customer.version == 2
    latest, previous = customer.history.all()[:2]
    changes = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changes["phone"] == ("+8613800138000", "+8613900139000")  # stored in E.164
    assert latest.history_user == org["manager1"]


def test_stale_update_is_refused_and_nothing_overwritten(org, customer):
    first_reader = Customer.objects.get(pk=customer.pk)
    second_reader = Customer.objects.get(pk=customer.pk)
    customer_update(actor=org["manager1"], customer=first_reader, expected_version=1, name="新名称")
    with pytest.raises(ConflictError) as refused:
        customer_update(
            actor=org["supervisor"], customer=second_reader, expected_version=1, name="被覆盖的名称"
        )
    assert refused.value.current_version == 2
    customer.refresh_from_db()
    assert customer.name == "新名称"
    assert customer.version == 2
    assert customer.history.count() == 2


def test_invalid_update_leaves_version_untouched(org, customer):
    customer.satisfaction = 9
    with pytest.raises(Exception, match="satisfaction"):
        record_update(instance=customer, actor=org["manager1"], expected_version=1)
    customer.refresh_from_db()
    assert customer.version == 1
    assert customer.satisfaction is None


def test_soft_delete_hides_everywhere_but_the_recycle_bin(org, customer):
    record_soft_delete(instance=customer, actor=org["manager1"])
    assert not Customer.objects.filter(pk=customer.pk).exists()
    deleted = Customer.all_objects.get(pk=customer.pk)
    assert deleted.is_deleted and deleted.deleted_by == org["manager1"]


def test_a_deleted_record_cannot_be_edited(org, customer):
    record_soft_delete(instance=customer, actor=org["manager1"])
    stale = Customer.all_objects.get(pk=customer.pk)
    stale.deleted_at = None
    with pytest.raises(ConflictError):
        record_update(instance=stale, actor=org["manager1"])


def test_codes_are_sequential_per_prefix_and_year(db):
    assert code_next(prefix="KH", year=2026) == "KH20260001"
    assert code_next(prefix="KH", year=2026) == "KH20260002"
    assert code_next(prefix="KH", year=2027) == "KH20270001"
    assert code_next(prefix="DD", year=2026) == "DD20260001"


def test_history_rows_cannot_be_changed_through_the_app(org, customer):
    # The audit trail is append-only for roles: nobody below administrator may change history rows.
    for username in ["exec", "supervisor", "manager1", "assistant"]:
        assert not org[username].has_perm("customers.change_historicalcustomer")
        assert not org[username].has_perm("customers.delete_historicalcustomer")


def test_datetimes_are_aware(customer):
    assert customer.created_at.tzinfo is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW TIME ZONE")
            assert cursor.fetchone()[0] == "UTC"
