"""Model runs: who reads them, what a refusal records, and the run API the 202s point to."""

import pytest
from django_tasks_db.models import DBTaskResult

from guanxi.analytics.models import ModelRun
from guanxi.analytics.selectors.runs import company_run_latest, run_latest
from guanxi.analytics.services import runs
from guanxi.analytics.services.runs import RunRefused, run_request
from guanxi.analytics.tasks import model_run_task
from tests.customers.fixtures.customers import CustomerFactory

KIND = ModelRun.Kind.RFM


@pytest.fixture
def counting_runner():
    """A runner that counts the customers each run covers, and refuses an empty set."""
    from guanxi.analytics.selectors.subjects import model_customers

    def count(run):
        covered = model_customers(actor=run.actor, tag=run.subset.get("tag", "")).count()
        if not covered:
            raise RunRefused("nobody to count")
        return {"covered": covered}, covered

    previous = runs._RUNNERS.get(KIND)
    runs.runner_register(KIND, count)
    yield
    if previous is not None:
        runs.runner_register(KIND, previous)


def test_a_run_covers_what_its_actor_sees_and_only_the_company_run_is_company_wide(
    org, customers, counting_runner
):
    mine = run_request(kind=KIND, actor=org["manager1"], background=False)
    company = run_request(kind=KIND, actor=org["exec"], background=False)
    assert (mine.status, mine.result, mine.company_wide) == ("done", {"covered": 1}, False)
    assert company.result == {"covered": len(customers)} and company.company_wide
    # A subset is an analysis, never the company's model.
    tagged = run_request(kind=KIND, actor=org["exec"], subset={"tag": "x"}, background=False)
    assert not tagged.company_wide
    assert company_run_latest(kind=KIND) == company
    # Each reads their own; only who sees everything reads the company's.
    assert run_latest(actor=org["manager1"], kind=KIND) == mine
    assert run_latest(actor=org["manager2"], kind=KIND) is None
    assert run_latest(actor=org["admin"], kind=KIND) == company


def test_a_refused_run_keeps_the_reason(org, counting_runner):
    run = run_request(kind=KIND, actor=org["manager3"], background=False)
    assert (run.status, run.error) == ("failed", "nobody to count")
    assert run_latest(actor=org["manager3"], kind=KIND) is None
    assert run_latest(actor=org["manager3"], kind=KIND, finished=False) == run


def test_a_background_run_is_computed_by_the_worker(
    org, customers, counting_runner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_request(kind=KIND, actor=org["manager1"], background=True)
    run.refresh_from_db()
    assert run.status == "running"
    queued = DBTaskResult.objects.get(task_path="guanxi.analytics.tasks.model_run_task")
    assert queued.status == "READY" and queued.args_kwargs["kwargs"] == {"run_id": run.pk}
    # What the worker does with it (a worker in this test's transaction would close it).
    model_run_task.call(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.rows_used) == ("done", 1)


def test_the_run_api_answers_within_the_readers_runs(api, org, customers, counting_runner):
    CustomerFactory(owner=org["manager2"])
    run = run_request(kind=KIND, actor=org["manager2"], background=False)
    body = api("manager2").get(f"/api/analytics/runs/{run.pk}/").json()
    assert (body["kind"], body["status"], body["rows_used"]) == ("rfm", "done", 2)
    assert api("manager1").get(f"/api/analytics/runs/{run.pk}/").status_code == 404
    assert api("assistant").get(f"/api/analytics/runs/{run.pk}/").status_code == 403
