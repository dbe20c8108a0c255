"""A finished request brought in from another system (``services.history``): a supervisor's
right, on an assigned request only, dates in the past, satisfaction 1–5, one audited change."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.service.models import ServiceRequest
from guanxi.service.services.history import service_request_history_record
from tests.service.fixtures.requests import assigned, fresh, new


def test_a_supervisor_records_an_archived_request_on_its_dates(org, customers):
    request = assigned(org, customers)
    handled_at = timezone.now() - timedelta(days=30)
    archived_at = handled_at + timedelta(days=2)
    service_request_history_record(
        actor=org["supervisor"],
        service_request=request,
        status=ServiceRequest.Status.ARCHIVED,
        handled_at=handled_at,
        archived_at=archived_at,
        result="已解决",
        satisfaction=4,
    )
    request = fresh(request)
    assert request.status == ServiceRequest.Status.ARCHIVED
    assert (request.handled_at, request.archived_at) == (handled_at, archived_at)
    assert (request.result, request.satisfaction) == ("已解决", 4)
    round_ = request.round_set.get()
    assert round_.handled_by == org["manager1"] and round_.feedback_at == archived_at
    # One audited change, saying what the request was brought in as.
    reason = request.history.first().history_change_reason
    assert str(request.get_status_display()) in reason


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"archived_at": timezone.now() + timedelta(days=3)}, "handled_at"),
        ({"satisfaction": 9}, "satisfaction"),
        ({"status": ServiceRequest.Status.NEW}, "status"),
    ],
)
def test_bad_outcomes_are_refused_naming_the_field(org, customers, changes, field):
    request = assigned(org, customers)
    given = {"status": ServiceRequest.Status.ARCHIVED, **changes}
    with pytest.raises(ValidationError) as refused:
        service_request_history_record(actor=org["supervisor"], service_request=request, **given)
    assert field in refused.value.message_dict
    assert fresh(request).status == ServiceRequest.Status.ASSIGNED


def test_only_supervisors_and_only_assigned_requests(org, customers):
    request = assigned(org, customers)
    with pytest.raises(PermissionDenied):
        service_request_history_record(
            actor=org["manager1"], service_request=request, status=ServiceRequest.Status.HANDLED
        )
    with pytest.raises(ValidationError) as refused:
        service_request_history_record(
            actor=org["supervisor"],
            service_request=new(org, customers),
            status=ServiceRequest.Status.HANDLED,
        )
    assert "status" in refused.value.message_dict
