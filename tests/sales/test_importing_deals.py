"""Deal import 商机导入: Chinese headers, the customer by the external id of an earlier customer
import, the stage by name, owner by display name, won/lost dates kept, idempotent re-import,
duplicates without external id, errors naming the column, scope, the API and the pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.imports.registry import ImportRow
from guanxi.core.models import DictionaryEntry, DictionaryKind, ImportJob
from guanxi.customers.models import Customer
from guanxi.sales.importing.deals import DealImporter
from guanxi.sales.models import Deal, PipelineStage
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
    "商机名称",
    "销售阶段",
    "预计金额",
    "赢率",
    "预计成交日期",
    "负责人",
    "输单原因",
    "成交日期",
    "外部编号",
    "创建时间",
]


@pytest.fixture
def lost_reason(db):
    return DictionaryEntry.objects.get(kind=DictionaryKind.LOST_REASON, code="price")


@pytest.fixture
def account(org):
    return CustomerFactory(
        owner=org["manager1"], code="KH-D-1", name="东方茶业", external_ref="CRM-C-1"
    )


def row(customer="KH-D-1", title="年度采购", stage="需求确认", amount="120,000", **extra):
    cells = {
        "probability": "",
        "close": "2027-03-31",
        "owner": "",
        "lost": "",
        "closed": "",
        "ref": "",
        "created": "",
        **extra,
    }
    return [
        customer,
        title,
        stage,
        amount,
        cells["probability"],
        cells["close"],
        cells["owner"],
        cells["lost"],
        cells["closed"],
        cells["ref"],
        cells["created"],
    ]


def test_a_deal_names_a_customer_imported_earlier_by_its_external_id(org):
    import_customers(
        org["supervisor"],
        [["客户名称", "外部编号", "客户经理"], ["西湖茶社", "SF-ACC-1", "manager1"]],
    )
    customer = Customer.objects.get(external_ref="SF-ACC-1")
    job = run_import(
        org["supervisor"],
        "deals",
        [
            HEADERS,
            row(
                "SF-ACC-1",
                stage="Proposal and quote",
                probability="55",
                ref="SF-OPP-1",
                created="2020-05-06 09:30",
            ),
        ],
    )
    assert job.state == ImportJob.State.DONE and job.created_count == 1, job.report
    deal = Deal.objects.get(external_ref="SF-OPP-1")
    assert deal.customer == customer and deal.amount == Decimal("120000")
    assert deal.stage.name_zh == "方案报价" and deal.probability == 55
    assert deal.expected_close_date == date(2027, 3, 31)
    # The customer's account manager owns it when the file names nobody.
    assert deal.owner == org["manager1"]
    assert timezone.localtime(deal.created_at).date() == date(2020, 5, 6)


def test_owner_by_display_name_and_won_and_lost_dates_kept(org, account, lost_reason):
    job = run_import(
        org["supervisor"],
        "deals",
        [
            HEADERS,
            row(title="赢下的单", stage="赢单", owner="刘洋", closed="2023-11-02", ref="W-1"),
            row(
                title="输掉的单",
                stage="Lost",
                owner="张伟",
                lost="价格过高",
                closed="2023/12/5",
                ref="L-1",
            ),
        ],
    )
    assert job.created_count == 2, job.report
    won, lost = Deal.objects.get(external_ref="W-1"), Deal.objects.get(external_ref="L-1")
    assert (
        won.owner == org["manager2"] and won.won_on == date(2023, 11, 2) and won.probability == 100
    )
    assert lost.owner == org["manager1"] and lost.lost_on == date(2023, 12, 5)
    assert lost.lost_reason == lost_reason


def test_reimport_is_unchanged_and_a_changed_stage_moves_the_deal(org, account):
    rows = [HEADERS, row(ref="D-1"), row(title="无编号的单")]
    assert run_import(org["manager1"], "deals", rows).created_count == 2
    again = run_import(org["manager1"], "deals", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    assert Deal.objects.count() == 2
    rows[1] = row(ref="D-1", stage="商务谈判", amount="150000")
    moved = run_import(org["manager1"], "deals", rows)
    assert moved.updated_count == 1, moved.report
    deal = Deal.objects.get(external_ref="D-1")
    assert deal.stage.name_zh == "商务谈判" and deal.amount == 150000


def test_a_row_repeating_a_deal_without_external_id_is_marked_duplicate(org, account, english):
    run_import(org["manager1"], "deals", [HEADERS, row()])
    job = run_import(org["manager1"], "deals", [HEADERS, row()])
    assert job.created_count == 0 and job.skipped_count == 1
    assert job.kind_counts == [
        {"kind": "present", "column": "商机名称", "label": job.kind_counts[0]["label"], "count": 1}
    ]


def test_bad_values_are_row_errors_naming_their_column(org, account, english):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    job = run_import(
        org["manager1"],
        "deals",
        [
            HEADERS,
            row(stage="火星阶段", amount="很多"),
            row(customer="KH-NONE", probability="x"),
            row(stage="赢单", closed=tomorrow),
            row(amount="-5"),
        ],
    )
    assert job.created_count == 0 and job.error_count == 4
    lines = report_rows(job.report_file.read())
    assert (
        "“火星阶段” is not a valid choice." in lines[1][-1]
        and "“很多” is not a number." in lines[1][-1]
    )
    assert "No customer “KH-NONE” that you may see" in lines[2][-1]
    assert "“x” is not a whole number." in lines[2][-1]
    assert "a deal is won or lost in the past" in lines[3][-1]
    assert "Enter an amount of zero or more." in lines[4][-1]
    columns = {(k["kind"], k["column"]) for k in job.kind_counts}
    assert {
        ("invalid", "销售阶段"),
        ("invalid", "预计金额"),
        ("not_found", "客户名称"),
        ("future", "成交日期"),
        ("refused", "预计金额"),
    } <= columns
    assert not Deal.objects.exists()


def test_a_manager_cannot_attach_a_deal_to_another_managers_customer(org, account):
    CustomerFactory(owner=org["manager2"], code="KH-D-2")
    job = run_import(org["manager1"], "deals", [HEADERS, row(customer="KH-D-2")])
    assert job.error_count == 1 and job.kind_counts[0]["kind"] == "not_found"
    job = run_import(org["manager1"], "deals", [HEADERS, row(owner="manager3")])
    assert job.error_count == 1 and not Deal.objects.exists()


def test_the_page_is_linked_from_the_pipeline_and_the_api_round_trip(org, account, login, api):
    page = login("manager1").get(reverse("sales:pipeline_board")).content.decode()
    assert (
        reverse("sales:deals_import") == "/sales/deals/import/" and "/sales/deals/import/" in page
    )
    client = api("manager1")
    created = client.post(
        "/api/deals/import/",
        {"file": upload(csv_bytes([HEADERS, row(ref="API-1")]), "deals.csv")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "validated" and body["created"] == 1 and not Deal.objects.exists()
    done = client.post(f"/api/deals/import/{body['id']}/commit/")
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert client.get(f"/api/deals/import/{body['id']}/").json()["created"] == 1
    deal = Deal.objects.get(external_ref="API-1")
    assert client.get(f"/api/deals/{deal.pk}/").json()["external_ref"] == "API-1"
    detail = login("manager1").get(deal.get_absolute_url()).content.decode()
    assert 'data-field="external_ref">API-1<' in detail
    assert api("exec").post("/api/deals/import/", {}, format="multipart").status_code == 403


def test_the_import_is_in_the_schema(openapi_schema):
    paths = openapi_schema["paths"]
    for prefix in ("deals", "leads", "opportunities", "service-requests"):
        assert "post" in paths[f"/api/{prefix}/import/"]
        assert "post" in paths[f"/api/{prefix}/import/{{id}}/commit/"]
        assert "get" in paths[f"/api/{prefix}/import/{{id}}/report.xlsx"]


@pytest.mark.parametrize("count", [5, 200])
def test_a_batch_is_looked_up_in_a_fixed_number_of_queries(
    org, account, count, django_assert_max_num_queries
):
    stage = PipelineStage.objects.get(name_zh="商务谈判")
    rows = [
        ImportRow(
            number=index + 2,
            cells=[],
            values={
                "customer": "CRM-C-1",
                "title": f"商机{index}",
                "stage": str(stage.pk),
                "owner": org["manager1"].pk,
            },
        )
        for index in range(count)
    ]
    importer = DealImporter(actor=org["manager1"])
    # The scope of the importer is read once; then one query per kind of record.
    with django_assert_max_num_queries(8):
        importer.prepare(rows)
        importer.natural_match(rows)
    assert all(row.related["customer"] == account for row in rows)
    assert all(row.related["stage"] == stage and not row.failed for row in rows)
