"""Customer import 客户导入 of issue #17: external ids as the re-import key, the customer's start
date 建档日期 (customer_since → the creation time tenure reads), status active/churned with the
churn date and reason (confirmed churn, counted by the churn analysis), tags split at , and ；,
and field-named errors."""

import datetime

import pytest
from django.utils import timezone

from guanxi.core.imports.mapping import guess_mapping
from guanxi.core.imports.registry import importer_for
from guanxi.customers.models import ChurnCase, Customer, CustomerEvent
from tests.analytics.fixtures.reports import run as report_run
from tests.core.fixtures.dictionaries import dictionary
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = [
    "外部编号",
    "客户名称",
    "客户经理",
    "建档日期",
    "客户状态",
    "流失日期",
    "流失原因",
    "标签",
]


def line(ref, name, *, since="", status="", churned="", reason="", tags="", owner="manager1"):
    return [ref, name, owner, since, status, churned, reason, tags]


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def test_headers_guess_the_new_keys():
    fields = importer_for("customers").field_table()
    mapping = guess_mapping([*HEADERS, "客户since", "churn_reason", "customer since"], fields)
    assert mapping == {
        "外部编号": "external_ref",
        "客户名称": "name",
        "客户经理": "owner",
        "建档日期": "customer_since",
        "客户状态": "status",
        "流失日期": "churned_on",
        "流失原因": "churn_reason",
        "标签": "tags",
    }
    assert guess_mapping(["客户since"], fields) == {"客户since": "customer_since"}
    assert guess_mapping(["Customer since"], fields) == {"Customer since": "customer_since"}


def test_churned_customers_are_confirmed_churn_counted_by_the_churn_analysis(org, settings):
    settings.LANGUAGE_CODE = "en"
    job = run_import(
        org["admin"],
        "customers",
        [
            HEADERS,
            line(
                "C-1",
                "老客户甲",
                since="2018-04-01",
                status="已流失",
                churned="2023-02-10",
                reason="价格因素",
            ),  # fmt: skip
            line("C-2", "老客户乙", since="2019-01-01", churned="2023-03-05", reason="competitor"),
            line("C-3", "老客户丙", since="2020-05-06", status="active", tags="vip,华东；大客户"),
            line("C-4", "老客户丁", status="churned", churned="2023-03-09"),
        ],
    )
    assert (job.created_count, job.error_count, job.warning_count) == (4, 0, 1), job.report
    first = Customer.objects.get(external_ref="C-1")
    assert first.status == Customer.Status.CHURNED
    assert local_day(first.created_at) == datetime.date(2018, 4, 1)
    case = ChurnCase.objects.get(customer=first)
    assert case.state == ChurnCase.State.CONFIRMED
    assert local_day(case.closed_at) == datetime.date(2023, 2, 10)
    assert case.reason == dictionary("churn_reason", "price")
    assert (case.owner, case.closed_by) == (org["manager1"], org["admin"])
    event = CustomerEvent.objects.get(customer=first, kind=CustomerEvent.Kind.CHURN_CONFIRMED)
    assert local_day(event.happened_at) == datetime.date(2023, 2, 10)
    third = Customer.objects.get(external_ref="C-3")
    assert third.status == Customer.Status.ACTIVE
    assert third.tags == ",vip,华东,大客户,"
    assert not ChurnCase.objects.filter(customer=third).exists()
    # The churn analysis counts them as any confirmed churn.
    data = report_run("churn", org["exec"], date_from="2023-01-01", date_to="2023-03-31")
    assert [(r["period"], r["customers"]) for r in data["by_period"]] == [
        ("2023-01", 0),
        ("2023-02", 1),
        ("2023-03", 2),
    ]
    reasons = {row["key"]: row["customers"] for row in data["by_reason"]}
    assert (reasons["price"], reasons["competitor"], reasons[""]) == (1, 1, 1)
    assert data["summary"] == {"customers": 3}


def test_reimport_by_external_id_is_idempotent_and_churns_a_present_customer(org):
    rows = [HEADERS, line("C-1", "老客户甲", since="2018-04-01")]
    first = run_import(org["admin"], "customers", rows)
    again = run_import(org["admin"], "customers", rows)
    assert (first.created_count, again.created_count, again.skipped_count) == (1, 0, 1)
    churned = [HEADERS, line("C-1", "老客户甲", churned="2024-01-02", reason="其他")]
    job = run_import(org["admin"], "customers", churned)
    assert (job.created_count, job.updated_count) == (0, 1), job.report
    customer = Customer.objects.get(external_ref="C-1")
    assert customer.status == Customer.Status.CHURNED
    assert ChurnCase.objects.get(customer=customer).state == ChurnCase.State.CONFIRMED
    once_more = run_import(org["admin"], "customers", churned)
    assert (once_more.updated_count, once_more.skipped_count) == (0, 1)
    assert ChurnCase.objects.filter(customer=customer).count() == 1
    assert Customer.objects.filter(external_ref="C-1").count() == 1


def test_bad_life_columns_are_refused_naming_the_column(org, english):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    job = run_import(
        org["admin"],
        "customers",
        [
            HEADERS,
            line("C-1", "甲", since=tomorrow),
            line("C-2", "乙", status="churned"),
            line("C-3", "丙", status="active", churned="2023-01-01"),
            line("C-4", "丁", since="2023-05-01", churned="2023-01-01"),
            line("C-5", "戊", status="maybe"),
            line("C-6", "己", churned="2023-02-30"),
            line("C-7", "庚", churned="2023-01-01", reason="没有这个原因"),
        ],
    )
    assert (job.created_count, job.error_count) == (0, 7)
    assert not Customer.objects.exists()
    assert not ChurnCase.objects.exists()
    rows = report_rows(job.report_file.read())
    headers = rows[0]
    by_row = dict(enumerate(rows[1:], 2))
    assert len(by_row) == 7
    text = {n: str(r[-1]) for n, r in by_row.items()}
    assert "The date is in the future" in text[2]
    assert "needs the day it left" in text[3]
    assert "Only a churned customer has a churn date" in text[4]
    assert "before the customer's start date" in text[5]
    assert "maybe" in text[6]
    assert "not a valid date" in text[7]
    assert "没有这个原因" in text[8]
    # Each message names the column it is about.
    for n, column in (
        (2, "建档日期"),
        (3, "流失日期"),
        (4, "流失日期"),
        (6, "客户状态"),
        (8, "流失原因"),
    ):
        assert column in text[n], (n, text[n], headers)
