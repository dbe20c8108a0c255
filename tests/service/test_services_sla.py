"""SLA 服务水平 measurement per request, and the job that notifies newly overdue requests
once to the assignee and the assignee's team supervisors."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from guanxi.collaboration.models import Notification
from guanxi.core.jobs import MINUTES, job_get
from guanxi.service import sla
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.services.sla import service_overdue_notify, team_supervisors
from tests.collaboration.fixtures.notifications import titles
from tests.service.fixtures.requests import archived, assigned, fresh, handled, new


@pytest.fixture(autouse=True)
def _english(org):
    """Messages are matched in English, notifications too (they use the recipient's language)."""
    for user in org.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


def backdate(service_request, hours):
    """Pretend the request came in ``hours`` ago, its promises moved back with it."""
    shift = timedelta(hours=hours)
    ServiceRequest.all_objects.filter(pk=service_request.pk).update(
        created_at=service_request.created_at - shift,
        response_due_at=service_request.response_due_at - shift,
        resolution_due_at=service_request.resolution_due_at - shift,
    )
    return fresh(service_request)


def notices(user) -> list[str]:
    return titles(user)


# -- measurement -------------------------------------------------------------------------------


def test_a_fresh_request_is_running_within_its_targets(org, customers):
    service_request = new(org, customers)  # a complaint: 2 h to respond, 48 h to resolve
    status = sla.measure(service_request)
    assert status.first_response.target == timedelta(hours=2)
    assert status.resolution.target == timedelta(hours=48)
    assert status.first_response.state == "running"
    assert status.first_response.met is None
    assert not status.overdue


def test_a_response_within_target_is_met_and_elapsed_is_measured(org, customers):
    service_request = handled(org, customers)
    status = sla.measure(service_request, now=timezone.now() + timedelta(days=1))
    assert status.first_response.done
    assert status.first_response.met is True
    assert status.first_response.elapsed < timedelta(minutes=5)
    assert status.resolution.state == "running"


def test_no_response_past_its_due_time_is_overdue(org, customers):
    service_request = new(org, customers)
    later = service_request.created_at + timedelta(hours=3)
    status = sla.measure(service_request, now=later)
    assert status.first_response.state == "overdue"
    assert status.first_response.elapsed == timedelta(hours=3)
    assert status.overdue
    # The list's rule says the same as the measure.
    overdue = ServiceRequest.objects.filter(selectors.overdue_q(later))
    assert list(overdue) == [service_request]


def test_a_late_first_response_is_missed_but_not_overdue_until_resolution_is_due(org, customers):
    service_request = backdate(assigned(org, customers), hours=5)
    service_request = handled_now(org, service_request)
    status = sla.measure(service_request)
    assert status.first_response.state == "missed"
    assert status.first_response.met is False
    assert not status.overdue
    later = service_request.created_at + timedelta(hours=49)
    assert sla.measure(service_request, now=later).overdue


def handled_now(org, service_request):
    from guanxi.service.services import handling as services_handling

    return services_handling.service_request_handle(
        actor=org["manager1"], service_request=service_request, handling="已处理"
    )


def test_archiving_in_time_meets_the_resolution_and_ends_the_clock(org, customers):
    done = archived(org, customers)
    status = sla.measure(done, now=timezone.now() + timedelta(days=30))
    assert status.resolution.state == "met"
    assert status.resolution.elapsed < timedelta(minutes=5)
    assert not status.overdue


def test_archiving_late_misses_the_resolution(org, customers):
    done = archived(org, customers)
    ServiceRequest.all_objects.filter(pk=done.pk).update(
        resolution_due_at=done.archived_at - timedelta(minutes=1)
    )
    status = sla.measure(fresh(done))
    assert status.resolution.state == "missed"
    assert status.resolution.met is False
    assert not status.overdue  # archived: nothing left to chase


def test_durations_read_as_days_hours_minutes():
    assert sla.duration_text(timedelta(minutes=45)) == "45 min"
    assert sla.duration_text(timedelta(hours=3, minutes=5)) == "3 h 5 min"
    assert sla.duration_text(timedelta(days=2, hours=4, minutes=9)) == "2 d 4 h"
    assert sla.duration_text(None) == "—"


# -- the overdue job ---------------------------------------------------------------------------


def test_the_scan_is_scheduled_every_fifteen_minutes():
    job = job_get("service.overdue_scan")
    assert job.task.module_path == "guanxi.service.tasks.service_overdue_scan"
    assert (job.every, job.at.minute) == (MINUTES, 15)


def test_the_supervisors_of_a_team_are_those_who_assign_there(org):
    assert team_supervisors(org["manager1"]) == [org["supervisor"]]
    assert team_supervisors(org["manager3"]) == [org["supervisor2"]]
    assert team_supervisors(org["exec"]) == []


def test_an_overdue_request_notifies_its_assignee_and_supervisor_once(org, customers):
    late = backdate(assigned(org, customers, assignee="manager2"), hours=3)
    on_time = assigned(org, customers)
    Notification.objects.all().delete()  # the assignment notices
    assert service_overdue_notify() == 1
    assert notices(org["manager2"]) == [f"Overdue service request of yours: {late.code}"]
    assert notices(org["supervisor"]) == [f"Overdue service request in your team: {late.code}"]
    assert notices(org["manager1"]) == []
    assert fresh(late).overdue_notified_at is not None
    assert fresh(on_time).overdue_notified_at is None
    # Not again: the next scans find nothing new.
    assert service_overdue_notify() == 0
    assert service_overdue_notify(now=timezone.now() + timedelta(hours=3)) == 1  # on_time, later
    assert Notification.objects.filter(url__endswith=f"/{late.pk}/").count() == 2


def test_an_unassigned_overdue_request_goes_to_the_supervisors_who_assign_it(org, customers):
    late = backdate(new(org, customers, customer="manager3", creator="manager3"), hours=3)
    assert service_overdue_notify() == 1
    assert notices(org["supervisor2"]) == [f"Overdue service request in your team: {late.code}"]
    assert notices(org["supervisor"]) == []


def test_archived_and_deleted_requests_are_never_notified(org, customers):
    done = backdate(archived(org, customers), hours=100)
    gone = backdate(new(org, customers), hours=100)
    from guanxi.service.services import requests as services

    services.service_request_delete(actor=org["manager1"], service_request=gone)
    Notification.objects.all().delete()
    assert service_overdue_notify() == 0
    assert not Notification.objects.exists()
    assert fresh(done).overdue_notified_at is None


def test_the_task_runs_the_scan(org, customers):
    from guanxi.service.tasks import service_overdue_scan

    backdate(assigned(org, customers), hours=3)
    assert service_overdue_scan.call() == 1
