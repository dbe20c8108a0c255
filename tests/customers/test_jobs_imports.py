"""Large customer imports run as background jobs through the task backend, with progress."""

import pytest
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from guanxi.core.models import ImportJob
from guanxi.core.services import imports as services_import
from guanxi.customers.models import Customer
from tests.core.fixtures.jobs import run_db_worker
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("import_storage")
VALIDATE = "guanxi.core.tasks.import_job_validate_task"
COMMIT = "guanxi.core.tasks.import_job_commit_task"
INLINE = 50  # rows checked within the request in these tests


def big_file(rows: int) -> bytes:
    return csv_bytes(
        [["客户名称", "电话"]]
        + [[f"批量客户{i}", f"1390000{i:04d}"] for i in range(rows)]
        + [["", "13700000000"]]  # one row without a name
    )


def create(actor, data: bytes) -> ImportJob:
    return services_import.import_job_create(actor=actor, entity="customers", upload=upload(data))


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_by_the_worker(org, monkeypatch):
    monkeypatch.setattr(services_import, "INLINE_MAX_ROWS", INLINE)
    actor = org["manager1"]
    rows = INLINE + 600  # more than one batch of the engine
    job = create(actor, big_file(rows))
    assert job.total_rows == rows + 1  # estimated from the lines before the check

    job = services_import.import_job_validate(actor=actor, job=job)
    assert job.state == ImportJob.State.VALIDATING  # queued, not run in the request
    assert DBTaskResult.objects.get(task_path=VALIDATE).status == "READY"
    run_db_worker()
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.error_count) == ("validated", rows + 1, 1)
    assert job.created_count == rows and not Customer.objects.exists()

    job = services_import.import_job_commit(actor=actor, job=job)
    assert job.state == ImportJob.State.IMPORTING
    run_db_worker()
    job.refresh_from_db()
    assert DBTaskResult.objects.get(task_path=COMMIT).status == "SUCCESSFUL"
    assert (job.state, job.created_count, job.progress) == ("done", rows, 100)
    assert Customer.objects.count() == rows
    assert job.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_202_and_the_worker_checks_then_imports(org, monkeypatch):
    monkeypatch.setattr(services_import, "INLINE_MAX_ROWS", INLINE)
    client = APIClient()
    client.force_authenticate(org["manager1"])
    rows = INLINE + 10
    response = client.post(
        "/api/customers/import/",
        {"file": upload(big_file(rows)), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 202 and response.json()["state"] == "validating"
    run_db_worker()
    body = client.get(f"/api/customers/import/{response.json()['id']}/").json()
    assert (body["state"], body["created"], body["errors"]) == ("done", rows, 1)


def test_a_stalled_job_can_be_checked_again_and_a_moving_one_cannot(org, login):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.urls import reverse
    from django.utils import timezone

    actor = org["manager1"]
    job = create(actor, big_file(3))
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.IMPORTING, progress_at=timezone.now()
    )
    job.refresh_from_db()
    assert not job.is_stalled
    with pytest.raises(ValidationError):
        services_import.import_job_validate(actor=actor, job=job)

    ImportJob.objects.filter(pk=job.pk).update(progress_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert job.is_stalled
    detail = reverse("customers:customers_import_detail", args=[job.pk])
    page = login("manager1").get(detail).content
    assert b'data-testid="import-stalled"' in page and b'data-testid="import-mapping-form"' in page
    job = services_import.import_job_validate(actor=actor, job=job, then_commit=True)
    assert job.state == ImportJob.State.DONE and job.created_count == 3
