"""The before/after API: take, list, read, compare, set targets, delete; 400 naming the field;
rights; a fixed number of queries; the assessment of a quarter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import LoginEvent
from guanxi.evaluation.models import Baseline, BaselineTarget
from guanxi.evaluation.services.baselines import baseline_take
from tests.analytics.fixtures.reports import moment
from tests.evaluation.baseline_data import MARCH, NOVEMBER, D, later_data, march_data

URL = "/api/evaluation/baselines/"
NOW = f"?now_start={NOVEMBER[0]}&now_end={NOVEMBER[1]}"


def take(user, name="上线前"):
    return baseline_take(actor=user, name=name, period_start=MARCH[0], period_end=MARCH[1])


def test_take_compare_and_agree_targets(api, org, english):
    customers = march_data(org)
    client = api("exec")
    created = client.post(
        URL,
        {"name": "上线前", "period_start": "2026-03-01", "period_end": "2026-03-31"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    values = {row["key"]: row for row in body["values"]}
    assert values["sales_total"]["value"] == "600.00"
    assert values["complaint_rate"]["higher_is_better"] is False
    assert body["taken_by"] == str(org["exec"]) and body["scope"] == "company"
    later_data(org, customers)
    put = client.put(
        f"{URL}{body['id']}/targets/",
        {
            "targets": [
                {"key": "sales_total", "target": "800"},
                {"key": "purchase_frequency", "target": "0.3", "direction": "at_most"},
            ],
            "version": body["version"],
        },
        format="json",
    )
    assert put.status_code == 200, put.json()
    assert [t["key"] for t in put.json()["targets"]] == ["purchase_frequency", "sales_total"]
    compared = client.get(f"{URL}{body['id']}/comparison/{NOW}").json()
    rows = {row["key"]: row for row in compared["rows"]}
    sales = rows["sales_total"]
    assert (sales["baseline"], sales["current"], sales["change"], sales["change_percent"]) == (
        "600.00",
        "900.00",
        "300.00",
        "50.00",
    )
    assert sales["met"] is True and sales["target"]["direction"] == "at_least"
    assert rows["purchase_frequency"]["met"] is False  # 0.40 > 0.3
    assert rows["purchase_frequency"]["tone"] == "bad"
    assert rows["close_rate"]["target"] is None and rows["close_rate"]["met"] is None
    assert (compared["met_count"], compared["target_count"]) == (1, 2)
    assert (compared["now_start"], compared["now_end"]) == ("2026-11-01", "2026-11-30")
    listed = client.get(URL).json()
    assert listed["results"][0]["id"] == body["id"] and "values" not in listed["results"][0]
    assert client.delete(f"{URL}{body['id']}/").status_code == 204
    assert client.get(f"{URL}{body['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "period_start": "2026-03-31", "period_end": "2026-03-01"}, "period_end"),
        ({"name": "x", "period_start": "2026-03-01", "period_end": "2999-01-01"}, "period_end"),
        ({"name": "", "period_start": "2026-03-01", "period_end": "2026-03-31"}, "name"),
        ({"name": "x", "period_start": "March", "period_end": "2026-03-31"}, "period_start"),
    ],
)
def test_bad_input_is_400_naming_the_field(api, org, english, payload, field):
    response = api("exec").post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Baseline.all_objects.exists()


@pytest.mark.parametrize(
    ("targets", "field"),
    [
        ([{"key": "nope", "target": "1"}], "targets[0].key"),
        (
            [{"key": "sales_total", "target": "1"}, {"key": "sales_total", "target": "1"}],
            "targets[1].key",
        ),
        ([{"key": "sales_total", "target": "many"}], "targets.0.target"),
        ([{"key": "sales_total", "target": "1", "direction": "about"}], "targets.0.direction"),
    ],
)
def test_bad_targets_are_400_naming_the_field(api, org, english, targets, field):
    baseline = take(org["admin"])
    response = api("admin").put(f"{URL}{baseline.pk}/targets/", {"targets": targets}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert not BaselineTarget.objects.exists()


def test_comparison_period_errors_are_400(api, org, english):
    baseline = take(org["admin"])
    client = api("exec")
    assert client.get(f"{URL}{baseline.pk}/comparison/?now_start=2026-11-01").status_code == 400
    bad = client.get(f"{URL}{baseline.pk}/comparison/?now_start=2026-11-30&now_end=2026-11-01")
    assert bad.status_code == 400 and "now_end" in bad.json()["error"]["fields"]
    ancient = client.get(f"{URL}{baseline.pk}/comparison/?now_start=0001-01-01&now_end=2026-01-01")
    assert ancient.status_code == 400 and "now_start" in ancient.json()["error"]["fields"]


@pytest.mark.parametrize("username", ["supervisor", "manager1", "assistant"])
def test_everyone_else_gets_403(api, org, english, username):
    baseline = take(org["admin"])
    client = api(username)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{baseline.pk}/").status_code == 403
    assert client.get(f"{URL}{baseline.pk}/comparison/").status_code == 403
    assert client.post(URL, {"name": "x"}, format="json").status_code == 403
    assert (
        client.put(f"{URL}{baseline.pk}/targets/", {"targets": []}, format="json").status_code
        == 403
    )
    assert client.delete(f"{URL}{baseline.pk}/").status_code == 403
    assert client.get("/api/evaluation/assessment/?quarter=2026Q1").status_code == 403
    assert api("exec").get(f"{URL}{baseline.pk + 50}/comparison/").status_code == 404


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_api_reads_a_fixed_number_of_queries(api, org, english):
    client = api("exec")
    first = take(org["exec"])
    _count(client, URL)  # the first request loads the caller's rights
    listing, detail, comparison = (
        _count(client, URL),
        _count(client, f"{URL}{first.pk}/"),
        _count(client, f"{URL}{first.pk}/comparison/{NOW}"),
    )
    for index in range(5):
        take(org["exec"], name=f"b{index}")
    keys = list(first.values.values_list("key", flat=True))
    client.put(
        f"{URL}{first.pk}/targets/",
        {"targets": [{"key": key, "target": "1"} for key in keys]},
        format="json",
    )
    assert _count(client, URL) == listing
    assert _count(client, f"{URL}{first.pk}/") == detail
    assert _count(client, f"{URL}{first.pk}/comparison/{NOW}") == comparison


def test_the_assessment_of_a_quarter(api, org, english):
    march_data(org)
    LoginEvent.objects.create(
        user=org["manager1"], username="manager1", kind="login", at=moment(D(2026, 2, 2))
    )
    client = api("admin")
    body = client.get("/api/evaluation/assessment/?quarter=2026Q1").json()
    assert (body["quarter"], body["start"], body["end"]) == ("2026Q1", "2026-01-01", "2026-03-31")
    assert body["active_users"] == 1 and body["teams"] == [org["manager1"].team.name]
    assert body["depth"] is None
    kpis = {row["key"]: row for row in body["kpis"]}
    assert kpis["sales_total"]["value"] == "600.00" and kpis["sales_total"]["previous"] == "0.00"
    refused = client.get("/api/evaluation/assessment/?quarter=Q3")
    assert refused.status_code == 400 and "quarter" in refused.json()["error"]["fields"]
