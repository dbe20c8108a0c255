"""POST /api/analytics/clv/fit/ and GET /api/analytics/clv/: answers, refusals, bad input."""

import datetime

import pytest
from django.utils import timezone

from guanxi.analytics.api import clv as clv_api
from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.tasks import model_run_task
from tests.analytics.fixtures.clv import UNTIL

FIT = "/api/analytics/clv/fit/"
LATEST = "/api/analytics/clv/"


def test_a_small_fit_answers_the_parameters(api, clv_history):
    response = api("exec").post(FIT, {"until": "2026-06-30", "time_unit": "day"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"bgnbd", "gamma_gamma", "customers", "until", "time_unit"}
    assert set(body["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(body["gamma_gamma"]) == {"p", "q", "v"}
    assert (body["customers"], body["until"], body["time_unit"]) == (40, "2026-06-30", "day")
    assert CustomerScore.objects.count() == 40  # the exec's fit is the company's


def test_the_latest_fit_is_the_readers_own_or_the_companys(api, clv_history):
    assert api("manager1").get(LATEST).status_code == 404
    api("manager1").post(FIT, {"until": "2026-06-30"}, format="json")
    mine = api("manager1").get(LATEST).json()
    assert (mine["customers"], mine["time_unit"], mine["company_wide"]) == (20, "week", False)
    assert api("exec").get(LATEST).status_code == 404  # a manager's analysis is theirs
    assert not CustomerScore.objects.exists()


def test_a_tag_narrows_the_fit(api, clv_history):
    from guanxi.customers.models import Customer

    Customer.objects.filter(pk__in=[c.pk for c in clv_history[:25]]).update(tags=",重点,")
    body = api("exec").post(FIT, {"until": "2026-06-30", "tag": "重点"}, format="json").json()
    assert body["customers"] == 25
    assert not CustomerScore.objects.exists()  # a subset is an analysis, not the company's


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"until": "2026-13-01"}, "until"),
        ({"until": "yesterday"}, "until"),
        ({"until": "2999-01-01"}, "until"),
        ({"time_unit": "month"}, "time_unit"),
        ({"segment": 999999}, "segment"),
        ({"segment": "x"}, "segment"),
    ],
)
def test_bad_input_is_refused_naming_the_field(api, clv_history, payload, field):
    response = api("exec").post(FIT, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ModelRun.objects.exists()


@pytest.mark.usefixtures("english")
def test_too_little_history_is_refused_with_the_reason(api, clv_history):
    response = api("manager3").post(FIT, {"until": "2026-06-30"}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "Too little history to fit customer lifetime value: 0 customers ordered up to "
        "2026-06-30, at least 20 are needed."
    )


def test_a_large_fit_runs_in_the_background(
    api, clv_history, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(clv_api, "INLINE_CUSTOMERS", 10)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = api("exec").post(FIT, {"until": "2026-06-30"}, format="json")
    assert response.status_code == 202
    run_id = response.json()["run"]
    assert response.json()["url"] == f"/api/analytics/runs/{run_id}/"
    assert len(enqueued) == 1  # the worker's job, sent after the commit
    assert api("exec").get(response.json()["url"]).json()["status"] == "running"
    model_run_task.call(run_id=run_id)  # what the worker does with it
    run = api("exec").get(response.json()["url"]).json()
    assert (run["status"], run["result"]["customers"]) == ("done", 40)
    assert CustomerScore.objects.count() == 40


def test_until_defaults_to_today_and_the_rights_are_the_reports(api, clv_history):
    body = api("exec").post(FIT, {}, format="json").json()
    assert body["until"] == timezone.localdate().isoformat()
    assert body["customers"] == 40  # histories end before today
    assert api("assistant").post(FIT, {}, format="json").status_code == 403
    assert api("assistant").get(LATEST).status_code == 403
    assert api().get(LATEST).status_code in {401, 403}


def test_the_latest_fit_reads_in_few_queries(api, clv_history, django_assert_max_num_queries):
    client = api("exec")
    client.post(FIT, {"until": (UNTIL - datetime.timedelta(days=1)).isoformat()}, format="json")
    with django_assert_max_num_queries(6):
        assert client.get(LATEST).status_code == 200
