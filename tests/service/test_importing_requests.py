"""Service request import 服务请求导入: Chinese headers, the customer by the external id of an
earlier customer import and its contact, type and channel from the dictionaries, the assignee
by display name, reported and closed dates kept (future ones refused), finished requests with
their result and satisfaction, idempotent re-import, errors naming the column, scope, the page
and the API."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.imports.registry import ImportRow
from guanxi.core.models import ImportJob
from guanxi.service.importing.requests import ServiceRequestImporter
from guanxi.service.models import ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.core.fixtures.imports import (  # noqa: F401
    csv_bytes,
    entity_import_storage,
    report_rows,
    run_import,
    upload,
)
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.customers.fixtures.imports import import_storage  # noqa: F401
from tests.sales.fixtures.imports import import_customers

pytestmark = pytest.mark.usefixtures("entity_import_storage", "import_storage")

HEADERS = [
    "客户名称",
    "联系人",
    "服务类型",
    "主题",
    "问题描述",
    "渠道",
    "状态",
    "处理人",
    "受理时间",
    "关闭时间",
    "处理结果",
    "满意度",
    "外部编号",
]


def local(moment):
    return timezone.localtime(moment).replace(tzinfo=None)


def row(customer="KH-S-1", summary="茶叶受潮", **extra):
    cells = {
        "contact": "",
        "type": "投诉",
        "request": "收到的茶叶受潮了",
        "channel": "电话",
        "status": "",
        "assignee": "",
        "reported": "",
        "closed": "",
        "result": "",
        "satisfaction": "",
        "ref": "",
    }
    cells.update(extra)
    values = list(cells.values())
    return [customer, values[0], values[1], summary, *values[2:]]


@pytest.fixture
def account(org):
    customer = CustomerFactory(owner=org["manager1"], code="KH-S-1", name="南山茶行")
    ContactFactory(customer=customer, name="陈静")
    return customer


def test_requests_name_an_imported_customer_and_keep_their_dates_and_outcome(org):
    import_customers(
        org["supervisor"],
        [["客户名称", "外部编号", "客户经理"], ["西湖茶社", "SF-A-9", "manager1"]],
    )
    job = run_import(
        org["supervisor"],
        "service-requests",
        [
            HEADERS,
            row(
                "SF-A-9",
                status="已归档",
                assignee="刘洋",
                reported="2022-03-01 09:00",
                closed="2022-03-04 17:30",
                result="已换货",
                satisfaction="5",
                ref="ZD-1",
            ),
            row("SF-A-9", summary="咨询价格", type="consultation", assignee="manager1", ref="ZD-2"),
        ],
    )
    assert job.state == ImportJob.State.DONE and job.created_count == 2, job.report
    done = ServiceRequest.objects.get(external_ref="ZD-1")
    assert done.customer.external_ref == "SF-A-9" and done.customer_owner == org["manager1"]
    assert done.service_type == dictionary("service_type", "complaint")
    assert done.status == ServiceRequest.Status.ARCHIVED and done.assigned_to == org["manager2"]
    assert local(done.created_at) == datetime(2022, 3, 1, 9)
    assert local(done.archived_at) == datetime(2022, 3, 4, 17, 30)
    assert (done.result, done.satisfaction) == ("已换货", 5)
    round_ = done.round_set.get()
    assert round_.satisfaction == 5 and local(round_.feedback_at) == datetime(2022, 3, 4, 17, 30)
    # Its promise counts from when it was reported, so it is not overdue by the import.
    assert local(done.response_due_at) > datetime(2022, 3, 1, 9)
    assert local(done.response_due_at) < datetime(2022, 3, 10)
    open_one = ServiceRequest.objects.get(external_ref="ZD-2")
    assert open_one.status == ServiceRequest.Status.ASSIGNED
    assert open_one.assigned_to == org["manager1"]


def test_the_contact_is_found_at_the_customer(org, account, english):
    job = run_import(
        org["manager1"],
        "service-requests",
        [HEADERS, row(contact="陈静", ref="C-1"), row(contact="无此人", ref="C-2")],
    )
    assert (job.created_count, job.error_count) == (1, 1)
    assert ServiceRequest.objects.get(external_ref="C-1").contact.name == "陈静"
    assert job.kind_counts[0]["column"] == "联系人"


def test_future_dates_and_bad_values_are_row_errors_naming_the_column(org, account, english):
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    job = run_import(
        org["supervisor"],
        "service-requests",
        [
            HEADERS,
            row(reported=tomorrow),
            row(type="维修保养"),
            row(status="已处理"),  # handled, but by whom?
            row(status="已归档", assignee="manager1", satisfaction="9"),
            row(channel=""),
        ],
    )
    assert job.created_count == 0 and job.error_count == 5
    kinds = {(k["kind"], k["column"]) for k in job.kind_counts}
    assert ("future", "受理时间") in kinds
    assert ("invalid", "服务类型") in kinds
    assert ("required", "处理人") in kinds
    assert ("refused", "满意度") in kinds
    assert ("refused", "渠道") in kinds
    lines = report_rows(job.report_file.read())
    assert "only requests that were made are imported" in lines[1][-1]
    assert not ServiceRequest.objects.exists()


def test_reimport_is_idempotent_and_a_repeat_is_a_duplicate(org, account):
    rows = [
        HEADERS,
        row(ref="R-1"),
        row(summary="无编号", reported="2023-05-05 10:00"),
        row(summary="无日期"),
    ]
    assert run_import(org["manager1"], "service-requests", rows).created_count == 3
    again = run_import(org["manager1"], "service-requests", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 3)
    assert {k["kind"] for k in again.kind_counts} == {"present"}
    rows[1] = row(ref="R-1", summary="茶叶受潮（第二批）")
    assert run_import(org["manager1"], "service-requests", rows).updated_count == 1
    assert ServiceRequest.objects.count() == 3


def test_a_manager_cannot_file_for_another_managers_customer(org, account):
    CustomerFactory(owner=org["manager2"], code="KH-S-2")
    job = run_import(org["manager1"], "service-requests", [HEADERS, row("KH-S-2")])
    assert job.error_count == 1 and job.kind_counts[0]["kind"] == "not_found"
    # Assigning and bringing in finished requests are a supervisor's.
    job = run_import(
        org["manager1"], "service-requests", [HEADERS, row(assignee="manager1", ref="M-1")]
    )
    assert job.error_count == 1 and not ServiceRequest.objects.exists()


def test_the_page_is_linked_from_the_list_and_the_api_round_trip(org, account, login, api):
    url = reverse("service:service-requests_import")
    assert url == "/service/requests/import/"
    assert url in login("manager1").get(reverse("service:request_list")).content.decode()
    page = login("manager1").get(url).content.decode()
    assert "/service/requests/import/template.xlsx" in page
    client = api("manager1")
    created = client.post(
        "/api/service-requests/import/",
        {
            "file": upload(csv_bytes([HEADERS, row(ref="API-S"), row(type="火星")]), "s.csv"),
            "dry_run": "false",
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "done" and created.json()["errors"] == 1
    request = ServiceRequest.objects.get(external_ref="API-S")
    assert client.get(f"/api/service-requests/{request.pk}/").json()["external_ref"] == "API-S"
    page = login("manager1").get(request.get_absolute_url()).content.decode()
    assert 'data-field="external_ref">API-S<' in page
    report = client.get(f"/api/service-requests/import/{created.json()['id']}/report.xlsx")
    assert report.status_code == 200 and report["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


@pytest.mark.parametrize("count", [5, 200])
def test_a_batch_is_looked_up_in_a_fixed_number_of_queries(
    org, account, count, django_assert_max_num_queries
):
    rows = [
        ImportRow(
            number=index + 2,
            cells=[],
            values={
                "customer": "KH-S-1",
                "contact": "陈静",
                "summary": f"请求{index}",
                "assigned_to": org["manager1"].pk,
            },
        )
        for index in range(count)
    ]
    importer = ServiceRequestImporter(actor=org["supervisor"])
    # The supervisor's scope (their team) is read once; then one query per kind of record.
    with django_assert_max_num_queries(10):
        importer.prepare(rows)
        importer.natural_match(rows)
    assert all(row.related["contact"].name == "陈静" and not row.failed for row in rows)
