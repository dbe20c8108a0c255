"""Opportunity import 销售机会导入: Chinese headers, an optional customer named by the external id
of an earlier customer import (a prospect name otherwise), the assignee by display name
(assigned as a supervisor would), dates kept, idempotent re-import, duplicates, errors naming
the column, scope, the page and the API."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from guanxi.core.imports.mapping import guess_mapping
from guanxi.core.imports.registry import importer_for
from guanxi.core.models import ImportJob
from guanxi.customers.models import Customer
from guanxi.sales.models import Opportunity
from tests.core.fixtures.dictionaries import dictionary
from tests.core.fixtures.imports import (  # noqa: F401
    csv_bytes,
    entity_import_storage,
    report_rows,
    run_import,
    upload,
)
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.fixtures.imports import import_storage  # noqa: F401
from tests.sales.fixtures.imports import import_customers

pytestmark = pytest.mark.usefixtures("entity_import_storage", "import_storage")

HEADERS = [
    "客户名称",
    "潜在客户",
    "机会名称",
    "赢率",
    "机会来源",
    "预计金额",
    "预计成交日期",
    "负责人",
    "外部编号",
    "创建时间",
]


def row(customer="", prospect="新茶客", summary="礼盒采购", probability="30", **extra):
    cells = {"source": "", "amount": "", "close": "", "owner": "", "ref": "", "created": ""}
    cells.update(extra)
    return [customer, prospect, summary, probability, *cells.values()]


def test_an_opportunity_names_an_imported_customer_and_is_assigned(org):
    import_customers(
        org["supervisor"],
        [["客户名称", "外部编号", "客户经理"], ["西湖茶社", "SF-A-1", "manager1"]],
    )
    job = run_import(
        org["supervisor"],
        "opportunities",
        [
            HEADERS,
            row(
                "SF-A-1",
                "",
                source="展会",
                amount="¥50,000",
                close="2027-06-30",
                owner="刘洋",
                ref="SF-O-1",
                created="2021-09-01 14:00",
            ),
        ],
    )
    assert job.state == ImportJob.State.DONE and job.created_count == 1, job.report
    opportunity = Opportunity.objects.get(external_ref="SF-O-1")
    assert opportunity.customer == Customer.objects.get(external_ref="SF-A-1")
    assert opportunity.prospect_name == "西湖茶社"  # no other name given: the customer's
    assert opportunity.source == dictionary("source", "exhibition")
    assert opportunity.expected_amount == 50000
    assert opportunity.expected_close_date == date(2027, 6, 30)
    assert opportunity.status == Opportunity.Status.ASSIGNED
    assert (opportunity.assigned_to, opportunity.assigned_by) == (
        org["manager2"],
        org["supervisor"],
    )
    assert timezone.localtime(opportunity.created_at).replace(tzinfo=None) == datetime(
        2021, 9, 1, 14
    )


def test_a_lost_opportunity_keeps_its_reason_and_date(org, english):
    headers = [*HEADERS, "状态", "失败原因", "失败说明", "关闭时间"]
    lost = ["开发失败", "价格过高", "预算砍掉", "2022-08-09 16:00"]
    job = run_import(
        org["supervisor"],
        "opportunities",
        [
            headers,
            [*row(owner="张伟", ref="LOST-1"), *lost],
            [*row(summary="无原因", owner="张伟"), "lost", "", "", ""],
            [*row(summary="未来", owner="张伟"), "lost", "price", "", "2999-01-01"],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 2), job.report
    opportunity = Opportunity.objects.get(external_ref="LOST-1")
    assert opportunity.status == Opportunity.Status.LOST
    assert opportunity.assigned_to == org["manager1"]
    assert opportunity.lost_reason == dictionary("lost_reason", "price")
    assert opportunity.lost_details == "预算砍掉"
    assert timezone.localtime(opportunity.closed_at).replace(tzinfo=None) == datetime(
        2022, 8, 9, 16
    )
    kinds = {(k["kind"], k["column"]) for k in job.kind_counts}
    assert {("required", "失败原因"), ("future", "关闭时间")} <= kinds
    again = run_import(
        org["supervisor"], "opportunities", [headers, [*row(owner="张伟", ref="LOST-1"), *lost]]
    )
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 1)


def test_without_a_customer_the_prospect_name_says_who(org, english):
    job = run_import(
        org["manager1"],
        "opportunities",
        [HEADERS, row(prospect="远山茶庄"), row(prospect="", summary="无名")],
    )
    assert (job.created_count, job.error_count) == (1, 1)
    created = Opportunity.objects.get()
    assert created.customer is None and created.status == Opportunity.Status.UNASSIGNED
    assert created.created_by == org["manager1"]
    assert job.kind_counts[0]["column"] == "潜在客户"


def test_reimport_is_idempotent_and_a_repeat_is_a_duplicate(org):
    rows = [HEADERS, row(ref="O-1"), row(summary="第二单", close="2027-01-01")]
    assert run_import(org["manager1"], "opportunities", rows).created_count == 2
    again = run_import(org["manager1"], "opportunities", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    rows[1] = row(ref="O-1", probability="60")
    changed = run_import(org["manager1"], "opportunities", rows)
    assert changed.updated_count == 1
    assert Opportunity.objects.get(external_ref="O-1").probability == 60
    assert Opportunity.objects.count() == 2


def test_bad_values_are_row_errors_naming_their_column(org, english):
    job = run_import(
        org["supervisor"],
        "opportunities",
        [
            [*HEADERS, "状态"],
            [*row(probability="高"), ""],
            [*row(probability="150"), ""],
            [*row(source="火星"), ""],
            [*row(), "开发成功"],
            [*row(), "Assigned"],
        ],
    )
    assert job.created_count == 0 and job.error_count == 5
    columns = [(k["kind"], k["column"]) for k in job.kind_counts]
    assert ("invalid", "赢率") in columns and ("invalid", "机会来源") in columns
    assert ("refused", "赢率") in columns  # 150 %: the model's own check
    assert ("refused", "状态") in columns and ("required", "负责人") in columns
    lines = report_rows(job.report_file.read())
    assert "“高” is not a whole number." in lines[1][-1]


def test_only_a_supervisor_assigns_and_a_manager_sees_only_their_customers(org, english):
    CustomerFactory(owner=org["manager2"], code="KH-O-2")
    mine = CustomerFactory(owner=org["manager1"], code="KH-O-1")
    job = run_import(
        org["manager1"],
        "opportunities",
        [HEADERS, row("KH-O-2"), row("KH-O-1", owner="manager1"), row("KH-O-1", summary="自有")],
    )
    assert (job.created_count, job.error_count) == (1, 2)
    kinds = {(k["kind"], k["column"]) for k in job.kind_counts}
    assert ("not_found", "客户名称") in kinds and ("refused", "") in kinds
    assert Opportunity.objects.get().customer == mine


def test_the_page_is_linked_from_the_list_and_the_api_round_trip(org, login, api):
    url = reverse("sales:opportunities_import")
    assert url == "/sales/opportunities/import/"
    assert url in login("manager1").get(reverse("sales:opportunity_list")).content.decode()
    template = login("manager1").get(url + "template.csv").content.decode("utf-8-sig")
    assert template.splitlines()[0].split(",")[0] == "客户"
    client = api("manager1")
    created = client.post(
        "/api/opportunities/import/",
        {"file": upload(csv_bytes([HEADERS, row(ref="API-O")]), "o.csv")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    assert client.post(f"/api/opportunities/import/{job_id}/commit/").json()["state"] == "done"
    opportunity = Opportunity.objects.get(external_ref="API-O")
    body = client.get(f"/api/opportunities/{opportunity.pk}/").json()
    assert body["external_ref"] == "API-O"
    page = login("manager1").get(opportunity.get_absolute_url()).content.decode()
    assert 'data-field="external_ref">API-O<' in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("entity", ["leads", "opportunities", "deals", "service-requests"])
def test_a_filled_in_template_maps_back_to_its_columns(entity, language):
    spec = importer_for(entity)
    with translation.override(language):
        headers = [str(column.label) for column in spec.all_columns()]
        mapping = guess_mapping(headers, spec.field_table())
    assert [mapping.get(header) for header in headers] == [c.name for c in spec.all_columns()]
