"""Large imports of registered entities run as background jobs, with progress and a full
report however many rows have problems."""

import io

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from guanxi.core.models import ImportJob
from guanxi.core.services import imports as services_imports
from guanxi.sales.models import Product, ProductCategory
from tests.core.fixtures.imports import csv_bytes, entity_import_storage, upload  # noqa: F401
from tests.core.fixtures.jobs import run_db_worker

pytestmark = pytest.mark.usefixtures("entity_import_storage")
VALIDATE = "guanxi.core.tasks.import_job_validate_task"


@pytest.mark.django_db(transaction=True)
def test_a_large_product_file_runs_in_the_worker_and_reports_every_bad_row(org, monkeypatch):
    monkeypatch.setattr(services_imports, "INLINE_MAX_ROWS", 50)
    ProductCategory.objects.create(name="茶")
    actor = org["supervisor"]
    good = [[f"茶{i}", "茶", "10", f"P{i}"] for i in range(40)]
    # More bad rows than the page lists (200): the report file still has every one.
    bad = [[f"坏{i}", "没有的类别", "x", ""] for i in range(230)]
    data = csv_bytes([["产品名称", "类别", "单价", "外部编号"], *good, *bad])
    job = services_imports.import_job_create(actor=actor, entity="products", upload=upload(data))
    job = services_imports.import_job_validate(actor=actor, job=job)
    assert job.state == ImportJob.State.VALIDATING
    assert DBTaskResult.objects.get(task_path=VALIDATE).status == "READY"
    run_db_worker()
    job.refresh_from_db()
    assert (job.state, job.created_count, job.error_count) == ("validated", 40, 230)
    assert len(job.report) == 200
    counts = {(k["kind"], k["column"]): k["count"] for k in job.kind_counts}
    assert counts == {("not_found", "类别"): 230, ("invalid", "单价"): 230}
    sheet = load_workbook(io.BytesIO(job.report_file.read()), read_only=True).worksheets[0]
    assert sum(1 for _row in sheet.iter_rows(min_row=2)) == 230

    job = services_imports.import_job_commit(actor=actor, job=job)
    run_db_worker()
    job.refresh_from_db()
    assert (job.state, job.created_count, job.progress) == ("done", 40, 100)
    assert Product.objects.filter(external_ref__startswith="P").count() == 40
