"""The TCO and ROI pages: who sees and edits them, the figures they show, validation on the
forms, the xlsx downloads, the navigation, the number of queries."""

import datetime
from decimal import Decimal as D
from io import BytesIO

import pytest
from openpyxl import load_workbook

from guanxi.evaluation.models import ROIAssessment, TCOCost, TCOPlan
from guanxi.evaluation.services.roi import roi_assessment_create
from tests.evaluation.fixtures import make_plan
from tests.sales.fixtures.orders import catalogue, make_order

TCO = "/evaluation/tco/"
ROI = "/evaluation/roi/"


def grid_post(**changes) -> dict:
    """The plan form filled with the hand-computed plan (the grid's cells by name)."""
    data = {
        "name": "CRM 2027",
        "users": "50",
        "keep_running": "40000",
        "competitive_advantage": "50000",
        "notes": "",
        "licence-initial-1": "200000",
        "hardware-initial-1": "50000",
        "vendor_services-initial-1": "80000",
        "internal_staff-initial-1": "30000",
        "external_services-ongoing-3": "10000",
        "other-initial-2": "12000",
    }
    for year in (2, 3, 4, 5):
        data[f"maintenance-ongoing-{year}"] = "40000"
        data[f"internal_staff-ongoing-{year}"] = "25000"
    for year in (1, 2, 3, 4, 5):
        data[f"telecom-ongoing-{year}"] = "6000"
    data.update(changes)
    return data


@pytest.mark.parametrize("username", ["admin", "exec"])
def test_administrators_and_executives_create_a_plan_from_the_grid(login, org, english, username):
    response = login(username).post(f"{TCO}new/", grid_post())
    plan = TCOPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{TCO}{plan.pk}/"
    assert plan.users == 50 and plan.created_by == org[username]
    assert TCOCost.objects.filter(plan=plan).count() == 19
    page = login(username).get(f"{TCO}{plan.pk}/").content.decode()
    assert "¥672,000.00" in page  # the five-year total
    assert "¥2,688.00" in page  # per user per year
    assert "55.4%" in page and "44.6%" in page  # the split
    assert "within the usual range" in page
    assert "17.9%" in page and "22.4%" in page  # keep running, competitive advantage
    trail = page[page.index('data-testid="breadcrumbs"') :].split("</nav>", 1)[0]
    assert f'<a href="{TCO}">Total cost of ownership</a>' in trail


def test_editing_replaces_the_amounts(login, org, english):
    plan = make_plan(org["admin"])
    data = grid_post(**{"licence-initial-1": "100000", "telecom-ongoing-5": "", "version": "1"})
    response = login("exec").post(f"{TCO}{plan.pk}/edit/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 2
    assert TCOCost.objects.get(plan=plan, category="licence").amount == D("100000")
    assert not TCOCost.objects.filter(plan=plan, category="telecom", year=5).exists()
    # A stale version is refused, nothing changes.
    stale = login("admin").post(f"{TCO}{plan.pk}/edit/", grid_post(version="1"))
    assert stale.status_code == 409
    assert TCOCost.objects.get(plan=plan, category="licence").amount == D("100000")


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"licence-initial-1": "-5"}, "licence-initial-1", "greater than or equal to 0"),
        ({"users": "0"}, "users", "greater than or equal to 1"),
        ({"competitive_advantage": "900000"}, None, "cannot exceed the budget of years 3 to 5"),
        ({"name": "  "}, "name", "required"),
    ],
)
def test_bad_input_shows_on_the_form_and_saves_nothing(login, english, changes, field, words):
    response = login("admin").post(f"{TCO}new/", grid_post(**changes))
    assert response.status_code == 200
    assert words in response.content.decode()
    if field:
        assert field in response.context["form"].errors
    assert not TCOPlan.all_objects.exists() and not TCOCost.objects.exists()


def test_managers_and_supervisors_neither_see_nor_edit(login, org):
    plan = make_plan(org["admin"])
    for username in ("manager1", "supervisor", "assistant"):
        client = login(username)
        assert client.get(TCO).status_code == 403
        assert client.get(f"{TCO}{plan.pk}/").status_code == 403
        assert client.get(f"{TCO}{plan.pk}/xlsx/").status_code == 403
        assert client.post(f"{TCO}new/", grid_post()).status_code == 403
        assert client.get(ROI).status_code == 403
    assert TCOPlan.objects.count() == 1


def test_a_reader_with_the_view_right_reads_but_cannot_edit(login, org):
    from django.contrib.auth.models import Permission

    plan = make_plan(org["admin"])
    manager = org["supervisor"]
    manager.user_permissions.add(
        Permission.objects.get(codename="view_tcoplan", content_type__app_label="evaluation")
    )
    client = login("supervisor")
    page = client.get(f"{TCO}{plan.pk}/")
    assert page.status_code == 200 and 'data-testid="tco-edit"' not in page.content.decode()
    assert client.get(f"{TCO}{plan.pk}/edit/").status_code == 403
    assert client.post(f"{TCO}{plan.pk}/delete/", {"version": "1"}).status_code == 403
    assert client.get(f"{TCO}999999/").status_code == 404


def test_the_tco_export_is_a_formatted_workbook(login, org, english):
    plan = make_plan(org["admin"])
    response = login("exec").get(f"{TCO}{plan.pk}/xlsx/")
    assert response.status_code == 200
    assert "TCO-CRM%202027.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    assert header == ["Category", "Kind", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Total"]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    total = rows["Total cost of ownership"]
    assert [cell.value for cell in total[2:]] == [366000, 83000, 81000, 71000, 71000, 672000]
    assert total[7].number_format == "¥#,##0.00;-¥#,##0.00"
    assert rows["Cost per user per year"][7].value == 2688
    assert rows["Initial share"][7].value == "55.4%"
    from guanxi.core.models import AccessLogEntry

    logged = AccessLogEntry.objects.get(kind=AccessLogEntry.Kind.EXPORTED)
    assert logged.user == org["exec"] and logged.details["model"] == "evaluation.tcoplan"


def _assessment(actor, plan, **extra):
    values = {
        "name": "First year",
        "plan": plan,
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 12, 31),
        "baseline_amount": D("1000"),
        "hours_saved": D("2000"),
        "hourly_rate": D("50"),
        "staff_cost": D("10000"),
        "process_cost": D("5000"),
        "discount_rate": D("8"),
        **extra,
    }
    return roi_assessment_create(actor=actor, **values)


def test_the_roi_page_measures_revenue_in_the_orders(login, org, customers, english):
    """Orders in 2026 of ¥270.90 each, three of them: 812.70 against a baseline period in 2025
    with one order (270.90): growth a year 812.70 − 270.90 = 541.80 (both periods 365 days).
    A cancelled order does not count."""
    products = catalogue()
    manager = org["manager1"]
    for day in (datetime.date(2026, 2, 1), datetime.date(2026, 5, 1), datetime.date(2026, 9, 1)):
        make_order(manager, customers["manager1"], products, order_date=day)
    make_order(manager, customers["manager1"], products, order_date=datetime.date(2025, 3, 1))
    from guanxi.sales.services.orders import order_cancel

    cancelled = make_order(
        manager, customers["manager1"], products, order_date=datetime.date(2026, 3, 1)
    )
    order_cancel(actor=org["admin"], order=cancelled, reason="test")
    plan = make_plan(org["admin"])
    assessment = _assessment(
        org["exec"],
        plan,
        baseline_amount=None,
        baseline_start=datetime.date(2025, 1, 1),
        baseline_end=datetime.date(2025, 12, 31),
    )
    response = login("exec").get(f"{ROI}{assessment.pk}/")
    assert response.status_code == 200
    report = response.context["page"]["report"]
    assert report.period_revenue == D("812.70") and report.baseline_revenue == D("270.90")
    assert report.revenue_growth == D("541.80")
    assert report.cost_reduction == D("100000.00")
    page = response.content.decode()
    assert "¥812.70" in page and "NPV at 8.0%" in page
    assert 'data-testid="roi-sensitivity"' in page


def test_the_roi_form_names_bad_fields(login, org, english):
    plan = make_plan(org["admin"])
    data = {
        "name": "Bad",
        "plan": plan.pk,
        "period_start": "2026-12-31",
        "period_end": "2026-01-01",
        "baseline_amount": "1000",
        "hours_saved": "0",
        "hourly_rate": "0",
        "other_savings": "0",
        "staff_cost": "0",
        "process_cost": "0",
        "discount_rate": "8",
    }
    response = login("admin").post(f"{ROI}new/", data)
    assert response.status_code == 200
    assert "period_end" in response.context["form"].errors
    response = login("admin").post(
        f"{ROI}new/", {**data, "period_end": "2026-12-31", "discount_rate": "150"}
    )
    assert "discount_rate" in response.context["form"].errors
    response = login("admin").post(
        f"{ROI}new/", {**data, "period_end": "2026-12-31", "baseline_amount": ""}
    )
    assert "baseline_start" in response.context["form"].errors
    assert not ROIAssessment.all_objects.exists()
    response = login("exec").post(f"{ROI}new/", {**data, "period_end": "2026-12-31"})
    assert response.status_code == 302
    assert ROIAssessment.objects.get().created_by == org["exec"]


def test_the_roi_export_is_a_formatted_workbook(login, org, english):
    assessment = _assessment(org["exec"], make_plan(org["admin"]))
    response = login("admin").get(f"{ROI}{assessment.pk}/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert rows["Total cost"][6].value == 747000
    assert rows["IT investment (TCO)"][1].value == 366000
    assert rows["ROI"][6].value.endswith("%")


def test_a_plan_in_use_cannot_be_deleted(login, org, english):
    plan = make_plan(org["admin"])
    _assessment(org["exec"], plan)
    response = login("admin").post(f"{TCO}{plan.pk}/delete/", {"version": "1"}, follow=True)
    assert "An ROI assessment uses this plan" in response.content.decode()
    assert TCOPlan.objects.filter(pk=plan.pk).exists()


def test_the_pages_are_in_the_analytics_menu(login, org, english):
    page = login("exec").get("/").content.decode()
    assert f'href="{TCO}"' in page and f'href="{ROI}"' in page
    assert f'href="{TCO}"' not in login("manager1").get("/").content.decode()


def test_the_pages_read_a_fixed_number_of_queries(login, org, django_assert_max_num_queries):
    client = login("exec")
    plans = [make_plan(org["admin"], name=f"Plan {n}") for n in range(3)]
    for n, plan in enumerate(plans):
        _assessment(org["exec"], plan, name=f"Assessment {n}")
    client.get(TCO)  # warm the session and the menu's caches
    with django_assert_max_num_queries(12) as counted:
        assert client.get(TCO).status_code == 200
    few = len(counted)
    for n in range(3, 8):
        make_plan(org["admin"], name=f"Plan {n}")
    with django_assert_max_num_queries(few):
        assert client.get(TCO).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(ROI).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"{TCO}{plans[0].pk}/").status_code == 200
    assessment = ROIAssessment.objects.first()
    with django_assert_max_num_queries(18):
        assert client.get(f"{ROI}{assessment.pk}/").status_code == 200
