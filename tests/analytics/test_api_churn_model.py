"""The churn model in the API and on its page: train, read, refusals, scope, schema, the
customers' churn_risk field."""

from decimal import Decimal

import pytest

from guanxi.analytics.api import churn as churn_api
from guanxi.analytics.models import CustomerScore
from tests.analytics.fixtures.churn import TODAY, churn_history


@pytest.fixture
def fixed_today(monkeypatch):
    """Train as of the history's TODAY (the API has no such parameter)."""
    from guanxi.analytics.services import churn_model

    monkeypatch.setattr(churn_model.timezone, "localdate", lambda *a, **k: TODAY)


def test_train_and_read_the_model(api, org, english, fixed_today, django_assert_max_num_queries):
    churn_history(org["manager1"])
    client = api("exec")
    assert client.get("/api/analytics/churn-model/").status_code == 404
    answer = client.post("/api/analytics/churn-model/train/", {}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["status"], body["rows_used"], body["company_wide"]) == ("done", 14, True)
    assert body["rules"][0]["text"].startswith("If ")
    assert {"auc", "precision", "recall", "f1", "confusion"} <= set(body["metrics"]["boosting"])
    with django_assert_max_num_queries(6):
        read = client.get("/api/analytics/churn-model/")
    assert read.json()["id"] == body["id"] and read.json()["trained_at"]


def test_a_large_training_is_queued_with_the_run_url(
    api, org, fixed_today, monkeypatch, django_capture_on_commit_callbacks
):
    churn_history(org["manager1"], churners=1, stayers=1)
    monkeypatch.setattr(churn_api, "INLINE_CUSTOMERS", 1)
    with django_capture_on_commit_callbacks(execute=False):
        answer = api("exec").post("/api/analytics/churn-model/train/", {}, format="json")
    assert answer.status_code == 202
    assert answer.json()["url"] == f"/api/analytics/runs/{answer.json()['id']}/"


def test_refusal_and_bad_input(api, org, english, fixed_today):
    churn_history(org["manager1"], churners=2)
    client = api("manager1")
    refused = client.post("/api/analytics/churn-model/train/", {"tag": "vip"}, format="json")
    assert refused.status_code == 200 and refused.json()["status"] == "failed"
    assert refused.json()["error"].startswith("Only 0 customers churned")
    bad = client.post("/api/analytics/churn-model/train/", {"segment": 999999}, format="json")
    assert bad.status_code == 400 and "segment" in bad.json()["error"]["fields"]
    assert api("assistant").post("/api/analytics/churn-model/train/", {}).status_code == 403


def test_a_managers_model_is_their_own(api, org, fixed_today):
    churn_history(org["manager1"])
    assert api("manager1").post("/api/analytics/churn-model/train/", {}).status_code == 200
    assert api("manager2").get("/api/analytics/churn-model/").status_code == 404
    # The company's readers do not read a manager's analysis as the company's model.
    assert api("exec").get("/api/analytics/churn-model/").status_code == 404
    assert not CustomerScore.objects.exists()


def test_customers_carry_their_churn_risk(api, org, customers, django_assert_max_num_queries):
    CustomerScore.objects.create(customer=customers["manager1"], churn_risk=Decimal("87.5"))
    client = api("manager1")
    with django_assert_max_num_queries(9):  # as the list without the risk: the score is joined
        rows = client.get("/api/customers/", {"churn_risk_min": 80}).json()["results"]
    assert [(r["id"], r["churn_risk"]) for r in rows] == [(customers["manager1"].pk, "87.50")]
    detail = client.get(f"/api/customers/{customers['manager1'].pk}/").json()
    assert detail["churn_risk"] == "87.50"
    assert client.get("/api/customers/", {"ordering": "-churn_risk"}).status_code == 200


def test_the_churn_model_is_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    assert "200" in paths["/api/analytics/churn-model/"]["get"]["responses"]
    train = paths["/api/analytics/churn-model/train/"]["post"]
    assert {"200", "202", "400"} <= set(train["responses"])
    customer = openapi_schema["components"]["schemas"]["Customer"]["properties"]
    assert customer["churn_risk"]["readOnly"]


def test_the_page_shows_the_model_or_why_there_is_none(
    login, org, english, fixed_today, django_assert_max_num_queries
):
    churn_history(org["manager1"], churners=2)
    client = login("exec")
    page = client.get("/reports/churn-model/")
    assert page.status_code == 200 and b'data-testid="churn-empty"' in page.content
    assert client.post("/reports/churn-model/").status_code == 302
    refused = client.get("/reports/churn-model/").content.decode()
    assert 'data-testid="churn-refusal"' in refused and "Only 2 customers churned" in refused
    churn_history(org["manager2"], prefix="乙")
    client.post("/reports/churn-model/")
    # The model, the newest run and what every page reads, however large the model.
    with django_assert_max_num_queries(8):
        shown = client.get("/reports/churn-model/").content.decode()
    for part in (
        "churn-metrics",
        "churn-confusion",
        "churn-calibration",
        "churn-rules",
        "churn-tree",
    ):
        assert f'data-testid="{part}"' in shown
    assert "If " in shown and "Train now" in shown
    assert login("assistant").get("/reports/churn-model/").status_code == 403


def test_the_customer_list_filters_and_sorts_by_churn_risk(login, org, customers):
    CustomerScore.objects.create(customer=customers["manager1"], churn_risk=Decimal("87.5"))
    client = login("manager1")
    page = client.get("/customers/", {"churn_risk_min": "80", "sort": "churn_risk"})
    assert page.status_code == 200
    assert [row.pk for row in page.context["page"]] == [customers["manager1"].pk]
    assert client.get("/customers/", {"churn_risk_min": "90"}).context["page"].__len__() == 0
