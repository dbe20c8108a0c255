"""Interaction import 交往记录导入: dates kept, future dates refused, contact and owner found,
idempotent re-import, all-or-nothing, bounded queries per batch."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from guanxi.core.models import ImportJob
from guanxi.customers.models import Interaction
from tests.core.fixtures.imports import entity_import_storage, run_import  # noqa: F401
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = ["客户编号", "联系人", "日期", "方式", "概要", "记录人", "外部编号"]


@pytest.fixture
def account(org):
    customer = CustomerFactory(owner=org["manager1"], code="KH-I-1", external_ref="SF-1")
    contact = ContactFactory(customer=customer, name="刘洋", external_ref="SF-C-9")
    return customer, contact


def test_interactions_keep_their_dates_contact_and_who_had_them(org, account):
    customer, contact = account
    org["manager2"].last_name, org["manager2"].first_name = "马", "丽"
    org["manager2"].save()
    job = run_import(
        org["supervisor"],
        "interactions",
        [
            HEADERS,
            ["SF-1", "刘洋", "2021-06-01 10:00", "电话", "询价", "manager1", "SF-I-1"],
            ["KH-I-1", "SF-C-9", "2021/6/3", "拜访", "上门演示", "马丽", "SF-I-2"],
        ],
    )
    assert job.state == ImportJob.State.DONE and job.created_count == 2, job.report
    call = Interaction.objects.get(external_ref="SF-I-1")
    assert timezone.localtime(call.occurred_at).replace(tzinfo=None) == datetime(2021, 6, 1, 10)
    assert call.kind == Interaction.Kind.CALL and call.contact == contact
    assert call.on_behalf_of == org["manager1"]
    visit = Interaction.objects.get(external_ref="SF-I-2")
    assert visit.contact == contact and visit.on_behalf_of == org["manager2"]
    customer.refresh_from_db()
    assert timezone.localtime(customer.last_follow_up_at).date().isoformat() == "2021-06-03"


def test_a_date_in_the_future_is_refused(org, account, english):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    job = run_import(
        org["manager1"], "interactions", [HEADERS, ["KH-I-1", "", tomorrow, "", "下周拜访", "", ""]]
    )
    assert job.created_count == 0 and job.error_count == 1
    assert job.kind_counts[0]["kind"] == "future" and job.kind_counts[0]["column"] == "日期"
    assert not Interaction.objects.filter(summary="下周拜访").exists()


def test_reimport_is_idempotent_with_and_without_external_ids(org, account):
    rows = [
        HEADERS,
        ["KH-I-1", "", "2022-01-05", "", "年度回访", "", ""],
        ["KH-I-1", "", "2022-02-05", "", "报价", "", "X-7"],
    ]
    assert run_import(org["manager1"], "interactions", rows).created_count == 2
    again = run_import(org["manager1"], "interactions", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    assert Interaction.objects.filter(customer__code="KH-I-1").count() == 2


def test_all_or_nothing_imports_nothing_when_a_row_is_refused(org, account):
    rows = [
        HEADERS,
        ["KH-I-1", "", "2022-01-05", "", "回访", "", "A-1"],
        ["KH-NONE", "", "2022-01-06", "", "回访", "", "A-2"],
    ]
    job = run_import(org["manager1"], "interactions", rows, mode=ImportJob.Mode.ALL_OR_NOTHING)
    assert job.state == ImportJob.State.VALIDATED and job.error_count == 1
    assert not Interaction.objects.filter(external_ref="A-1").exists()


def test_queries_per_batch_are_bounded(org, account, django_assert_max_num_queries):
    def rows(count, start):
        return [HEADERS] + [
            [
                "KH-I-1",
                "刘洋",
                f"2020-01-{1 + i % 28:02d}",
                "",
                f"回访 {start + i}",
                "manager1",
                f"Q-{start + i}",
            ]
            for i in range(count)
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def lookups(queries) -> int:
        # The batch look-ups of customers, contacts and present rows by their source ids.
        return sum(1 for q in queries if '"external_ref" IN (' in q["sql"])

    with CaptureQueriesContext(connection) as few:
        run_import(org["manager1"], "interactions", rows(5, 0))
    with CaptureQueriesContext(connection) as many:
        run_import(org["manager1"], "interactions", rows(25, 100))
    assert lookups(many.captured_queries) == lookups(few.captured_queries)
    # Only the writes of each row (its service call, in the check and in the commit) grow.
    per_row = (len(many) - len(few)) / 20
    assert per_row <= 40, per_row
    with django_assert_max_num_queries(len(few) + 20 * 40):
        run_import(org["manager1"], "interactions", rows(25, 200))


def test_an_xlsx_with_date_cells_english_headers_and_owner_by_email(org, account):
    org["manager2"].email = "ma.li@example.cn"
    org["manager2"].save()
    job = run_import(
        org["supervisor"],
        "interactions",
        [
            ["Customer", "Contact", "Date", "Kind", "Summary", "Recorded by"],
            [
                "SF-1",
                "刘洋",
                datetime(2020, 5, 6, 15, 30),
                "Meeting",
                "Contract talk",
                "MA.LI@example.cn",
            ],
        ],
        name="interactions.xlsx",
    )
    assert job.created_count == 1, job.report
    meeting = Interaction.objects.get(summary="Contract talk")
    assert timezone.localtime(meeting.occurred_at).replace(tzinfo=None) == datetime(
        2020, 5, 6, 15, 30
    )
    assert meeting.kind == Interaction.Kind.MEETING and meeting.on_behalf_of == org["manager2"]


def test_an_account_manager_names_only_themselves_or_the_customers_manager(org, account):
    job = run_import(
        org["manager1"],
        "interactions",
        [
            HEADERS,
            ["KH-I-1", "", "2022-03-01", "", "自己拜访", "manager1", ""],
            ["KH-I-1", "", "2022-03-02", "", "替同事记录", "manager2", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (1, 1)
    assert job.kind_counts[0]["kind"] == "refused" and job.kind_counts[0]["column"] == "记录人"
    assert not Interaction.objects.filter(summary="替同事记录").exists()
