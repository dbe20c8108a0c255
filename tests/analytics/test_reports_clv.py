"""The CLV report: figures read from the stored scores, within the reader's customers."""

from decimal import Decimal

import pytest

from guanxi.analytics.models import ModelRun
from guanxi.analytics.selectors.clv import bin_edges, clv_summary, summary_ceiling
from guanxi.analytics.services.clv import clv_params
from guanxi.analytics.services.runs import run_request
from tests.analytics.fixtures.clv import UNTIL
from tests.analytics.fixtures.reports import run


@pytest.fixture
def fitted(org, clv_history, no_cache):
    fit = run_request(
        kind=ModelRun.Kind.CLV,
        actor=None,
        params=clv_params(until=UNTIL, time_unit="week"),
        background=False,
    )
    assert fit.status == "done", fit.error
    return fit


def test_bins_follow_the_1_2_5_series():
    assert bin_edges(Decimal("0")) == [0, 100]
    assert bin_edges(Decimal("650")) == [0, 100, 200, 500, 1000]
    assert bin_edges(Decimal("1000")) == [0, 100, 200, 500, 1000, 2000]


def test_the_executive_reads_every_customer_and_the_fit(org, fitted, clv_history):
    data = run("clv", org["exec"], limit=5)
    scores = sorted((c.score.clv_12m for c in clv_history if hasattr(c, "score")), reverse=True)
    assert data["summary"]["customers"] == 40
    assert data["summary"]["clv_sum"] == sum(scores)
    assert [row["clv_12m"] for row in data["top"]] == scores[:5]
    assert sum(row["customers"] for row in data["distribution"]) == 40
    assert {row["group"] for row in data["by_owner"]} == {
        str(org["manager1"]),
        str(org["manager2"]),
    } or len(data["by_owner"]) == 2
    assert sum(row["clv_sum"] for row in data["by_level"]) == data["summary"]["clv_sum"]
    assert data["as_of"] == fitted.finished_at and data["can_fit"]
    assert data["summary"]["until"] == UNTIL
    assert [row["parameter"] for row in data["parameters"]][:4] == ["r", "α", "a", "b"]


def test_the_company_figures_come_from_the_run_and_match_a_live_count(org, fitted, clv_history):
    stored = run("clv", org["exec"], limit=5)
    fitted.result.pop("company_summary")
    fitted.save(update_fields=["result"])
    live = run("clv", org["exec"], limit=5)
    for part in ("summary", "top", "distribution", "by_level", "by_owner"):
        assert stored[part] == live[part], part
    # A filter is the reader's own question: computed live even for the executive.
    filtered = run("clv", org["exec"], owner=org["manager1"].pk)
    assert filtered["summary"]["customers"] == 20


def test_a_deleted_customer_leaves_the_figures_at_the_next_run(org, fitted, clv_history):
    from guanxi.customers.models import Customer

    Customer.objects.filter(pk=clv_history[0].pk).update(deleted_at=fitted.finished_at)
    refit = run_request(
        kind=ModelRun.Kind.CLV,
        actor=None,
        params=clv_params(until=UNTIL, time_unit="week"),
        background=False,
    )
    assert refit.result["company_summary"]["customers"] == 39


def test_a_manager_reads_only_their_customers(org, fitted, clv_history):
    data = run("clv", org["manager1"])
    mine = [c for c in clv_history if c.owner_id == org["manager1"].pk]
    assert data["summary"]["customers"] == len(mine) == 20
    assert {row["owner_name"] for row in data["top"]} == {data["by_owner"][0]["group"]}
    assert len(data["by_owner"]) == 1 and not data["can_fit"]


def test_the_page_and_api_answer(login, api, org, fitted, django_assert_max_num_queries):
    page = login("exec").get("/reports/clv/")
    assert page.status_code == 200
    assert b'data-testid="clv-fit-now"' in page.content
    assert b'data-testid="report-as-of"' in page.content
    assert b'data-testid="clv-fit-now"' not in login("manager1").get("/reports/clv/").content
    client = api("manager1")
    with django_assert_max_num_queries(14):
        body = client.get("/api/reports/clv/").json()
    assert body["summary"]["customers"] == 20 and len(body["top"]) == 20


def test_fit_now_runs_the_company_fit_in_the_background(
    login, org, clv_history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = login("exec").post("/reports/clv/fit/")
    assert response.status_code == 302 and response["Location"] == "/reports/clv/"
    run_ = ModelRun.objects.get()
    assert run_.company_wide and run_.status == "running"
    assert login("manager1").post("/reports/clv/fit/").status_code == 403


def test_a_managers_figures_add_up_from_their_own_score_rows(
    org, fitted, clv_history, django_assert_num_queries
):
    from guanxi.analytics.models import CustomerScore

    mine = CustomerScore.objects.filter(
        customer__owner=org["manager1"], clv_12m__isnull=False
    ).select_related("customer")
    values = sorted(score.clv_12m for score in mine)
    with django_assert_num_queries(1):
        # The company's run bounds the bins, so one grouped query gives every figure.
        summary = clv_summary(mine, ceiling=summary_ceiling(fitted.result["company_summary"]))
    assert summary == clv_summary(mine)  # the same as finding the largest value first
    assert summary["customers"] == len(values) == 20
    assert Decimal(summary["clv_sum"]) == sum(values)
    assert Decimal(summary["clv_avg"]) == (sum(values) / 20).quantize(Decimal("0.01"))
    bins = summary["distribution"]
    assert Decimal(bins[-2]["high"]) <= values[-1] < Decimal(bins[-1]["high"])
    for row in bins:
        low, high = Decimal(row["low"]), Decimal(row["high"])
        assert row["customers"] == sum(1 for value in values if low <= value < high)
    by_level = {row["key"]: row for row in summary["by_level"]}
    for level in {score.customer.level_id for score in mine}:
        sums = [score.clv_12m for score in mine if score.customer.level_id == level]
        assert by_level[level]["customers"] == len(sums)
        assert Decimal(by_level[level]["clv_sum"]) == sum(sums)
    assert [row["key"] for row in summary["by_owner"]] == [org["manager1"].pk]
