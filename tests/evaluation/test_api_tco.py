"""/api/evaluation/tco/ and /api/evaluation/roi/: rights, figures, errors naming the field,
nothing half-written, versions, the schema."""

from decimal import Decimal as D

import pytest

from guanxi.evaluation.models import ROIAssessment, TCOCost, TCOPlan
from tests.evaluation.fixtures import make_plan, plan_costs

TCO = "/api/evaluation/tco/"
ROI = "/api/evaluation/roi/"


def plan_body(**changes) -> dict:
    body = {
        "name": "CRM 2027",
        "users": 50,
        "keep_running": "40000.00",
        "competitive_advantage": "50000.00",
        "costs": [{**cost, "amount": str(cost["amount"])} for cost in plan_costs()],
    }
    body.update(changes)
    return body


def roi_body(plan_id: int, **changes) -> dict:
    body = {
        "name": "First year",
        "plan": plan_id,
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "baseline_amount": "0.00",
        "hours_saved": "2000.0",
        "hourly_rate": "50.00",
        "other_savings": "0.00",
        "staff_cost": "10000.00",
        "process_cost": "5000.00",
        "discount_rate": "8.00",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize("username", ["admin", "exec"])
def test_administrators_and_executives_create_a_plan_and_read_its_figures(api, org, username):
    response = api(username).post(TCO, plan_body(), format="json")
    assert response.status_code == 201, response.content
    figures = response.json()["figures"]
    assert figures["total"] == "672000.00"
    assert figures["initial_share"] == "0.5536" and figures["initial_position"] == "within"
    assert figures["cost_per_user_year"] == "2688.00"
    assert figures["year_totals"] == ["366000.00", "83000.00", "81000.00", "71000.00", "71000.00"]
    assert figures["maintenance_rates"][1] == "0.2000"
    assert figures["run_position"] == "within" and figures["advantage_position"] == "below"
    assert len(response.json()["costs"]) == 19
    listed = api(username).get(TCO).json()
    assert [row["name"] for row in listed["results"]] == ["CRM 2027"]


def test_managers_get_403_and_the_anonymous_401(api, org):
    plan = make_plan(org["admin"])
    for username in ("manager1", "supervisor", "assistant"):
        client = api(username)
        assert client.get(TCO).status_code == 403
        assert client.get(f"{TCO}{plan.pk}/").status_code == 403
        assert client.post(TCO, plan_body(), format="json").status_code == 403
        assert client.get(ROI).status_code == 403
    assert api().get(TCO).status_code in (401, 403)
    assert TCOPlan.objects.count() == 1


def test_a_reader_with_only_the_view_right_cannot_write(api, org):
    from django.contrib.auth.models import Permission

    plan = make_plan(org["admin"])
    org["supervisor"].user_permissions.add(
        Permission.objects.get(codename="view_tcoplan", content_type__app_label="evaluation")
    )
    client = api("supervisor")
    assert client.get(f"{TCO}{plan.pk}/").status_code == 200
    assert (
        client.patch(f"{TCO}{plan.pk}/", {"users": 3, "version": 1}, format="json").status_code
        == 403
    )
    assert client.get(f"{TCO}{plan.pk + 1000}/").status_code == 404


@pytest.mark.parametrize(
    ("cost", "field"),
    [
        ({"category": "licence", "year": 1, "kind": "initial", "amount": "-1"}, "costs.19.amount"),
        ({"category": "licence", "year": 6, "kind": "initial", "amount": "1"}, "costs.19.year"),
        ({"category": "licence", "year": 0, "kind": "initial", "amount": "1"}, "costs.19.year"),
        ({"category": "yachts", "year": 1, "kind": "initial", "amount": "1"}, "costs.19.category"),
        ({"category": "licence", "year": 1, "kind": "later", "amount": "1"}, "costs.19.kind"),
        # Valid on its own, but the plan has this cell already: the service names it.
        ({"category": "licence", "year": 1, "kind": "initial", "amount": "1"}, "costs[19]"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field(api, org, english, cost, field):
    body = plan_body()
    body["costs"].append(cost)
    response = api("admin").post(TCO, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not TCOPlan.all_objects.exists() and not TCOCost.objects.exists()


def test_a_split_beyond_the_late_budget_is_refused_in_the_readers_language(api, org):
    response = api("admin", language="zh-hans").post(
        TCO, plan_body(keep_running="300000.00"), format="json"
    )
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["keep_running"][0]
    # In Chinese, with no English word left.
    assert "3" in message and not any(ch.isascii() and ch.isalpha() for ch in message)


def test_an_update_replaces_the_amounts_and_checks_the_version(api, org):
    plan = make_plan(org["admin"])
    client = api("exec")
    body = {"costs": [{"category": "hardware", "year": 1, "kind": "initial", "amount": "10.00"}]}
    response = client.patch(
        f"{TCO}{plan.pk}/",
        {**body, "competitive_advantage": "0", "keep_running": "0", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["figures"]["total"] == "10.00"
    assert TCOCost.objects.filter(plan=plan).count() == 1
    stale = client.patch(f"{TCO}{plan.pk}/", {"users": 9, "version": 1}, format="json")
    assert stale.status_code == 409
    assert TCOPlan.objects.get(pk=plan.pk).users == 50


def test_roi_assessment_result_from_the_api(api, org):
    """The hand-computed assessment of test_methods_roi with no orders at all: revenue growth
    = 0 − 0 = 0, so benefits are the cost reduction only, 2,000 h × 50 = 100,000 a year;
    ROI = 500,000 / 747,000 = 0.6693."""
    plan = make_plan(org["admin"])
    response = api("exec").post(ROI, roi_body(plan.pk), format="json")
    assert response.status_code == 201, response.content
    result = response.json()["result"]
    assert result["cost_reduction"] == "100000.00" and result["revenue_growth"] == "0.00"
    assert result["total_cost"] == "747000.00" and result["roi"] == "0.6693"
    assert result["payback_years"] is None
    assert [row["variable"] for row in result["sensitivity"]] == [
        "revenue_growth",
        "cost_reduction",
        "costs",
    ]
    listed = api("admin").get(ROI).json()["results"]
    assert listed[0]["name"] == "First year" and "result" not in listed[0]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discount_rate": "101.00"}, "discount_rate"),
        ({"discount_rate": "-1"}, "discount_rate"),
        ({"hourly_rate": "-5"}, "hourly_rate"),
        ({"period_end": "2025-12-31"}, "period_end"),
        ({"baseline_amount": None}, "baseline_start"),
        (
            {"baseline_amount": None, "baseline_start": "2025-01-01", "baseline_end": "2024-01-01"},
            "baseline_end",
        ),
        ({"plan": 99999999}, "plan"),
    ],
)
def test_bad_roi_input_is_refused_naming_the_field(api, org, english, changes, field):
    plan = make_plan(org["admin"])
    response = api("admin").post(ROI, roi_body(plan.pk, **changes), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not ROIAssessment.all_objects.exists()


def test_the_xlsx_downloads(api, org, english):
    from io import BytesIO

    from openpyxl import load_workbook

    plan = make_plan(org["admin"])
    assessment = api("exec").post(ROI, roi_body(plan.pk), format="json").json()
    client = api("exec")
    for url in (f"{TCO}{plan.pk}/xlsx/", f"{ROI}{assessment['id']}/xlsx/"):
        response = client.get(
            url, HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert response.status_code == 200, response.content
        sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
        assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert api("manager1").get(f"{TCO}{plan.pk}/xlsx/").status_code == 403
    assert client.get(f"{TCO}{plan.pk + 99}/xlsx/").status_code == 404


def test_the_endpoints_are_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    assert {"get", "post"} <= set(paths["/api/evaluation/tco/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/evaluation/roi/{id}/"])
    schemas = openapi_schema["components"]["schemas"]
    assert "figures" in schemas["TCOPlan"]["properties"]
    assert "result" in schemas["ROIAssessmentDetail"]["properties"]
    xlsx = paths["/api/evaluation/tco/{id}/xlsx/"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in xlsx
    assert D("0") == D(0)
