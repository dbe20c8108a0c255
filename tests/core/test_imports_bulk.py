"""Set-wise writes of the import framework: each record its own values in one statement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.core.imports import bulk
from guanxi.customers.models import Customer
from tests.customers.fixtures.customers import CustomerFactory


@pytest.mark.parametrize("old_sqlite", [False, True])
def test_values_update_gives_each_record_its_own_values(db, monkeypatch, old_sqlite):
    if old_sqlite:  # before UPDATE … FROM: Django's bulk_update does it
        monkeypatch.setattr(bulk.sqlite3, "sqlite_version_info", (3, 31, 1))
    first, second, untouched = CustomerFactory(), CustomerFactory(), CustomerFactory()
    now = timezone.now()
    earlier = now - timedelta(days=3)
    changed = bulk.values_update(
        Customer,
        ["last_follow_up_at", "recall_notice_at"],
        {first.pk: (now, None), second.pk: (None, earlier)},
    )
    assert changed == 2
    rows = dict(
        Customer.objects.values_list("pk", "last_follow_up_at").filter(
            pk__in=[first.pk, second.pk, untouched.pk]
        )
    )
    assert rows == {first.pk: now, second.pk: None, untouched.pk: None}
    assert Customer.objects.get(pk=second.pk).recall_notice_at == earlier
    assert first.history.count() == 1  # a plain write: no audit entry of its own
