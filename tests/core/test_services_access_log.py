"""Writing and purging the sensitive-access log."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory, override_settings
from django.utils import timezone

from guanxi.core import tasks
from guanxi.core.models import AccessLogEntry
from guanxi.core.services.access_log import (
    access_log_purge,
    access_log_record,
    note_protected_view,
    record_noted_views,
)
from tests.core.fixtures.access_log import log_entry
from tests.customers.fixtures.customers import CustomerFactory


def test_record_keeps_who_what_target_details_and_the_client_address(org):
    customer = CustomerFactory()
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    entry = access_log_record(
        actor=org["manager1"],
        kind=AccessLogEntry.Kind.EXPORTED,
        target=customer,
        details={"row_count": 3, "filters": {"since": timezone.localdate(), "level": customer}},
        request=request,
    )
    entry.refresh_from_db()
    assert entry.user == org["manager1"]
    assert entry.kind == "exported"
    assert entry.target_type == ContentType.objects.get_for_model(customer)
    assert entry.target_id == customer.pk
    # Dates and records become JSON (a date as text, a record as its id), never a 500.
    assert entry.details == {
        "row_count": 3,
        "filters": {"since": str(timezone.localdate()), "level": customer.pk},
    }
    assert entry.client_address == "203.0.113.9"


def test_record_by_the_system_has_no_user(db):
    entry = access_log_record(actor=None, kind=AccessLogEntry.Kind.ANONYMISED)
    assert entry.user is None and entry.client_address is None


def test_one_request_showing_many_protected_values_is_one_entry(org):
    first, second = CustomerFactory(), CustomerFactory()
    request = RequestFactory().get("/customers/")
    request.user = org["admin"]
    for customer in (first, second, first):
        note_protected_view(request, customer, "phone")
    note_protected_view(request, first, "email")
    entry = record_noted_views(request)
    assert entry is not None
    assert entry.kind == AccessLogEntry.Kind.VIEWED_PROTECTED
    assert entry.target_id is None  # several records: none of them is the target
    assert entry.details["fields"] == ["customers.customer.email", "customers.customer.phone"]
    assert entry.details["record_count"] == 2
    assert entry.details["path"] == "/customers/"
    # The notes are used up: nothing is recorded twice.
    assert record_noted_views(request) is None
    assert AccessLogEntry.objects.count() == 1


def test_a_request_that_showed_nothing_protected_records_nothing(org):
    request = RequestFactory().get("/")
    request.user = org["admin"]
    assert record_noted_views(request) is None
    assert not AccessLogEntry.objects.exists()


@override_settings(GUANXI={"ACCESS_LOG_DAYS": 30})
def test_purge_deletes_only_entries_older_than_the_setting(org):
    now = timezone.now()
    old = log_entry(org["manager1"], when=now - timedelta(days=31))
    recent = log_entry(org["manager1"], when=now - timedelta(days=29))
    assert access_log_purge(now=now) == 1
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()
    assert AccessLogEntry.objects.filter(pk=recent.pk).exists()


def test_the_daily_job_keeps_three_years_by_default(org):
    now = timezone.now()
    log_entry(org["manager1"], when=now - timedelta(days=1096))
    kept = log_entry(org["manager1"], when=now - timedelta(days=1094))
    assert tasks.purge_access_log.call() == 1
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]
