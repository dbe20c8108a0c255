"""Large customer imports run as background jobs through the task backend, with progress."""

import pytest
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from guanxi.customers.models import Customer, ImportJob
from guanxi.customers.services import imports as services_import
from tests.core.fixtures.jobs import run_db_worker
from tests.customers.fixtures.imports import csv_bytes, upload

pytestmark = pytest.mark.usefixtures("import_storage")
VALIDATE = "guanxi.customers.tasks.import_job_validate_task"
COMMIT = "guanxi.customers.tasks.import_job_commit_task"


def big_file(rows: int) -> bytes:
    return csv_bytes(
        [["客户名称", "电话"]]
        + [[f"批量客户{i}", f"1390000{i:04d}"] for i in range(rows)]
        + [["", "13700000000"]]  # one row without a name
    )


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_by_the_worker(org, monkeypatch):
    monkeypatch.setattr(services_import, "BATCH_SIZE", 500)  # several progress updates
    actor = org["manager1"]
    rows = services_import.INLINE_MAX_ROWS + 200
    job = services_import.import_job_create(actor=actor, upload=upload(big_file(rows)))
    assert job.total_rows == rows + 1  # estimated from the lines before the check

    job = services_import.import_job_validate(actor=actor, job=job)
    assert job.state == ImportJob.State.VALIDATING  # queued, not run in the request
    queued = DBTaskResult.objects.get(task_path=VALIDATE)
    assert queued.status == "READY"
    run_db_worker()
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.error_count) == ("validated", rows + 1, 1)
    assert not Customer.objects.exists()

    job = services_import.import_job_commit(actor=actor, job=job)
    assert job.state == ImportJob.State.IMPORTING
    run_db_worker()
    job.refresh_from_db()
    assert DBTaskResult.objects.get(task_path=COMMIT).status == "SUCCESSFUL"
    assert (job.state, job.created_count, job.progress) == ("done", rows, 100)
    assert Customer.objects.count() == rows
    assert job.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_api_answers_202_and_the_worker_checks_then_imports(org):
    client = APIClient()
    client.force_authenticate(org["manager1"])
    rows = services_import.INLINE_MAX_ROWS + 10
    response = client.post(
        "/api/customers/import/",
        {"file": upload(big_file(rows)), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 202 and response.json()["state"] == "validating"
    run_db_worker()
    body = client.get(f"/api/customers/import/{response.json()['id']}/").json()
    assert (body["state"], body["created"], body["errors"]) == ("done", rows, 1)


@pytest.mark.django_db(transaction=True)
def test_a_file_that_breaks_midway_marks_the_job_failed(org, monkeypatch):
    actor = org["manager1"]
    job = services_import.import_job_create(actor=actor, upload=upload(big_file(1200)))
    # The stored file is replaced by bytes that are not valid UTF-8 past the first megabyte.
    broken = "客户名称,电话\n".encode() + (b"a" * 100 + b",\n") * 12_000 + b"\xff\xfe\n"
    with job.file.open("wb") as file:
        file.write(broken)
    services_import.import_job_validate(actor=actor, job=job)
    run_db_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "utf-8" in job.error.lower()
    assert not Customer.objects.exists()


def test_a_stalled_job_can_be_checked_again_and_a_moving_one_cannot(org, login):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.urls import reverse
    from django.utils import timezone

    actor = org["manager1"]
    job = services_import.import_job_create(actor=actor, upload=upload(big_file(3)))
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
    page = login("manager1").get(reverse("customers:import_detail", args=[job.pk])).content
    assert b'data-testid="import-stalled"' in page and b'data-testid="import-mapping-form"' in page
    job = services_import.import_job_validate(actor=actor, job=job, then_commit=True)
    assert job.state == ImportJob.State.DONE and job.created_count == 3
