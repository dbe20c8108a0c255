"""The before/after pages: who sees and edits them, the comparison table with its badges, the
targets form, validation on the forms, the xlsx download, the assessment page, the navigation
and the number of queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guanxi.accounts.models import LoginEvent
from guanxi.customers.models import Customer, Interaction
from guanxi.evaluation.models import Baseline, BaselineTarget
from guanxi.evaluation.services.baselines import baseline_take, baseline_targets_set
from guanxi.sales.models import Order
from tests.analytics.fixtures.reports import moment
from tests.evaluation.baseline_data import MARCH, NOVEMBER, D, later_data, march_data

LIST = "/evaluation/baselines/"
ASSESSMENT = "/evaluation/assessment/"
NOW = f"?now_start={NOVEMBER[0]}&now_end={NOVEMBER[1]}"


def take(user, name="上线前", **extra):
    return baseline_take(actor=user, name=name, period_start=MARCH[0], period_end=MARCH[1], **extra)


def with_targets(org):
    customers = march_data(org)
    baseline = take(org["exec"])
    later_data(org, customers)
    return baseline_targets_set(
        actor=org["exec"],
        baseline=baseline,
        targets=[
            {"key": "sales_total", "target": "800", "direction": "at_least"},
            {"key": "average_order_size", "target": "500", "direction": "at_least"},
            {"key": "complaint_rate", "target": "10", "direction": "at_most"},
        ],
    )


def cell(page: str, kpi: str, field: str) -> str:
    row = page.split(f'data-kpi="{kpi}"', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-field="{field}"', 1)[1].split(">", 1)[1].split("</td>", 1)[0]


@pytest.mark.parametrize("username", ["admin", "exec"])
def test_administrators_and_executives_take_a_baseline_from_the_form(login, org, english, username):
    march_data(org)
    client = login(username)
    form = client.get(f"{LIST}new/").content.decode()
    assert 'name="period_start"' in form
    response = client.post(
        f"{LIST}new/",
        {"name": "上线前", "period_start": "2026-03-01", "period_end": "2026-03-31", "note": ""},
    )
    baseline = Baseline.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{baseline.pk}/"
    assert baseline.taken_by == org[username]
    assert baseline.values.get(key="sales_total").value == 600


def test_the_form_shows_the_services_errors(login, org, english):
    response = login("exec").post(
        f"{LIST}new/",
        {"name": "x", "period_start": "2026-03-31", "period_end": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "The period must end on or after the day it starts." in response.content.decode()
    assert not Baseline.all_objects.exists()


def test_the_comparison_page_shows_each_kpi_then_and_now(login, org, english):
    baseline = with_targets(org)
    page = login("exec").get(f"{LIST}{baseline.pk}/{NOW}").content.decode()
    assert cell(page, "sales_total", "baseline") == "¥600.00"
    assert cell(page, "sales_total", "current") == "¥900.00"
    assert cell(page, "sales_total", "change") == "+¥300.00"
    assert cell(page, "sales_total", "change_percent") == "+50.0%"
    assert 'data-tone="good"' in page.split('data-kpi="sales_total"', 1)[1].split("</tr>")[0]
    assert cell(page, "complaint_rate", "change") == "-25.0 pts"
    assert 'data-met="yes"' in cell(page, "sales_total", "target")
    assert 'data-met="no"' in cell(page, "average_order_size", "target")
    assert 'data-met="yes"' in cell(page, "complaint_rate", "target")
    assert "at most" in cell(page, "complaint_rate", "target")
    assert "2 of 3 targets met." in page
    trail = page[page.index('data-testid="breadcrumbs"') :].split("</nav>", 1)[0]
    assert f'<a href="{LIST}">Before and after</a>' in trail


def test_the_comparison_in_chinese_uses_the_frozen_chinese_labels(login, org):
    baseline = with_targets(org)
    page = login("exec").get(f"{LIST}{baseline.pk}/{NOW}").content.decode()
    label = baseline.values.get(key="sales_total").label_zh
    assert label in page.split('data-kpi="sales_total"', 1)[1].split("</tr>")[0]


def test_the_targets_form_saves_and_names_the_bad_row(login, org, english):
    baseline = with_targets(org)
    client = login("admin")
    form = client.get(f"{LIST}{baseline.pk}/targets/").content.decode()
    assert 'name="sales_total-target"' in form and 'value="800"' in form
    data = {"version": str(baseline.version)}
    data.update({"churn_rate-target": "5", "churn_rate-direction": "at_most"})
    data.update({"sales_total-target": "abc", "sales_total-direction": "at_least"})
    refused = client.post(f"{LIST}{baseline.pk}/targets/", data)
    assert refused.status_code == 200
    row = refused.content.decode().split('data-kpi="sales_total"', 1)[1].split("</tr>")[0]
    assert "Enter a number." in row
    assert BaselineTarget.objects.filter(baseline=baseline).count() == 3  # unchanged
    data["sales_total-target"] = "1000"
    saved = client.post(f"{LIST}{baseline.pk}/targets/", data)
    assert saved.status_code == 302
    targets = dict(BaselineTarget.objects.filter(baseline=baseline).values_list("key", "target"))
    assert targets == {"churn_rate": 5, "sales_total": 1000}
    stale = client.post(f"{LIST}{baseline.pk}/targets/", data)
    assert stale.status_code == 409


def test_the_xlsx_has_a_bold_header_and_the_figures(login, org, english):
    baseline = with_targets(org)
    response = login("exec").get(f"{LIST}{baseline.pk}/xlsx/{NOW}")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "KPI" and header[2] == "Baseline 2026-03-01 – 2026-03-31"
    assert all(c.font.bold for c in sheet[1] if c.value)
    assert sheet.freeze_panes == "A2"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Sales total"][2:6] == (600, 900, 300, 50)
    assert rows["Sales total"][6:] == ("at least", 800, "met")
    assert rows["Average order size"][8] == "not met"


@pytest.mark.parametrize("username", ["supervisor", "manager1", "assistant"])
def test_everyone_else_gets_403(login, org, english, username):
    baseline = take(org["admin"])
    client = login(username)
    for url in (
        LIST,
        f"{LIST}new/",
        f"{LIST}{baseline.pk}/",
        f"{LIST}{baseline.pk}/targets/",
        f"{LIST}{baseline.pk}/xlsx/",
        f"{LIST}{baseline.pk}/delete/",
        ASSESSMENT,
    ):
        assert client.get(url).status_code == 403, url
    assert b"Before and after" not in client.get("/").content


def test_an_unknown_baseline_is_404_and_delete_moves_it_to_the_bin(login, org, english):
    baseline = take(org["admin"])
    client = login("exec")
    assert client.get(f"{LIST}{baseline.pk + 99}/").status_code == 404
    response = client.post(f"{LIST}{baseline.pk}/delete/", {"version": str(baseline.version)})
    assert response.status_code == 302 and response["Location"] == LIST
    assert client.get(f"{LIST}{baseline.pk}/").status_code == 404


def test_the_menu_lists_both_pages_after_roi(login, org, english):
    page = login("exec").get(LIST).content.decode()
    roi, baselines = page.index('href="/evaluation/roi/"'), page.index(f'href="{LIST}"')
    assert roi < baselines < page.index(f'href="{ASSESSMENT}"')


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_pages_read_a_fixed_number_of_queries(login, org, english):
    march_data(org)
    client = login("exec")
    first = take(org["exec"])
    _queries(client, LIST)  # the first request loads the caller's rights
    list_one = _queries(client, LIST)
    detail_few = _queries(client, f"{LIST}{first.pk}/{NOW}")
    targets_few = _queries(client, f"{LIST}{first.pk}/targets/")
    for index in range(4):
        take(org["exec"], name=f"b{index}")
    keys = list(first.values.values_list("key", flat=True))
    first = baseline_targets_set(
        actor=org["exec"],
        baseline=first,
        targets=[{"key": key, "target": "1"} for key in keys],
    )
    assert _queries(client, LIST) == list_one
    assert _queries(client, f"{LIST}{first.pk}/{NOW}") == detail_few
    assert _queries(client, f"{LIST}{first.pk}/targets/") == targets_few


def _assessment_data(org):
    customers = march_data(org)
    Customer.objects.filter(pk__in=[c.pk for c in customers[:2]]).update(
        created_at=moment(D(2026, 2, 10))
    )
    Order.objects.filter(order_date__month=3).update(created_at=moment(D(2026, 3, 5)))
    Interaction.objects.create(
        customer=customers[0],
        summary="拜访",
        created_by=org["manager1"],
        created_at=moment(D(2026, 1, 9)),
        occurred_at=moment(D(2026, 1, 9)),
    )
    for user, day in (
        ("manager1", D(2026, 1, 5)),
        ("manager1", D(2026, 2, 5)),
        ("manager3", D(2026, 3, 31)),
        ("manager2", D(2025, 12, 31)),  # the quarter before
        ("supervisor", D(2026, 4, 1)),  # the quarter after
    ):
        LoginEvent.objects.create(user=org[user], username=user, kind="login", at=moment(day))
    LoginEvent.objects.create(
        user=org["manager2"], username="manager2", kind="failed", at=moment(D(2026, 2, 1))
    )


def test_the_assessment_page_shows_breadth_depth_and_effect(login, org, english):
    _assessment_data(org)
    client = login("exec")
    page = client.get(f"{ASSESSMENT}?quarter=2026Q1").content.decode()
    breadth = page.split('data-testid="assessment-breadth"', 1)[1].split("</dl>", 1)[0]
    users = breadth.split('data-field="active_users"', 1)[1].split("</dd>")[0]
    assert ">2 of " in users  # manager1 (twice) and manager3; not a failed sign-in
    teams = {org["manager1"].team.name, org["manager3"].team.name}
    assert f'data-field="teams"><dt>Teams with an active user</dt><dd>{len(teams)}<' in breadth
    modules = page.split('data-testid="assessment-modules"', 1)[1].split("</table>", 1)[0]
    counts = {
        part.split('"', 1)[0]: part.split('data-field="count">', 1)[1].split("<", 1)[0]
        for part in modules.split('data-module="')[1:]
    }
    assert counts == {
        "customers": "2",
        "interactions": "1",
        "opportunities": "0",
        "quotes": "0",
        "orders": "4",  # the cancelled one was created too
        "service_requests": "1",
    }
    assert "4 of 6" in breadth
    assert "will come from the usage log" in page
    assert cell(page, "sales_total", "value") == "¥600.00"  # Q1 2026
    assert cell(page, "sales_total", "previous") == "¥0.00"  # Q4 2025
    wrong = client.get(f"{ASSESSMENT}?quarter=2026Q9")
    assert wrong.status_code == 400 and "Enter a quarter such as 2026Q3." in wrong.content.decode()
    future = client.get(f"{ASSESSMENT}?quarter=2999Q1")
    assert future.status_code == 400 and "has not begun" in future.content.decode()
    assert client.get(ASSESSMENT).status_code == 200  # the last full quarter


def test_the_assessment_page_reads_a_fixed_number_of_queries(login, org, english):
    client = login("exec")
    _assessment_data(org)
    _queries(client, LIST)  # the first request loads the caller's rights
    few = _queries(client, f"{ASSESSMENT}?quarter=2026Q1")
    for user in ("admin", "supervisor2", "assistant", "manager2"):
        LoginEvent.objects.create(
            user=org[user], username=user, kind="login", at=moment(D(2026, 2, 20))
        )
    march_data(org)
    assert _queries(client, f"{ASSESSMENT}?quarter=2026Q1") == few
