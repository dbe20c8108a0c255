"""Contract and receivable imports 合同/应收款导入: contracts through their services and status
moves, receivables naming a contract or an order imported earlier, paid amounts as payments,
idempotent re-imports, scope and rights."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from guanxi.sales.models import Contract, Order, Receivable
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401

pytestmark = pytest.mark.usefixtures("entity_import_storage")

CONTRACT_HEADERS = [
    "合同编号",
    "客户",
    "合同名称",
    "合同金额",
    "签订日期",
    "开始日期",
    "结束日期",
    "状态",
]
RECEIVABLE_HEADERS = [
    "合同",
    "订单",
    "到期日",
    "应收金额",
    "已收金额",
    "回款日期",
    "状态",
    "外部编号",
]


def _contracts(org, customers, *rows):
    return run_import(org["manager1"], "contracts", [CONTRACT_HEADERS, *rows])


def test_contracts_with_status_term_and_number(org, customers):
    code = customers["manager1"].code
    job = _contracts(
        org,
        customers,
        [
            "HT-OLD-1",
            code,
            "年度供货合同",
            "120000",
            "2021-01-05",
            "2021-02-01",
            "2022-01-31",
            "已完成",
        ],
        ["HT-OLD-2", code, "维保合同", "8000", "2023-03-01", "", "", ""],
    )
    assert (job.created_count, job.error_count) == (2, 0), job.report
    done = Contract.objects.get(external_ref="HT-OLD-1")
    assert (done.status, done.amount, done.signed_on) == (
        Contract.Status.COMPLETED,
        Decimal("120000.00"),
        datetime.date(2021, 1, 5),
    )
    assert done.code.startswith("HT2021")
    assert Contract.objects.get(external_ref="HT-OLD-2").status == Contract.Status.DRAFT
    again = _contracts(
        org, customers, ["HT-OLD-2", code, "维保合同", "9000", "2023-03-01", "", "", "active"]
    )
    assert again.updated_count == 1, again.report
    changed = Contract.objects.get(external_ref="HT-OLD-2")
    assert (changed.amount, changed.status) == (Decimal("9000.00"), Contract.Status.ACTIVE)


def test_bad_contract_rows_name_their_column(org, customers, english):
    job = _contracts(
        org,
        customers,
        ["HT-1", customers["manager3"].code, "越权", "1", "", "", "", ""],
        ["HT-2", customers["manager1"].code, "日期颠倒", "1", "", "2022-05-01", "2022-01-01", ""],
    )
    assert (job.created_count, job.error_count) == (0, 2)
    rows = report_rows(job.report_file.read())
    assert "No customer" in rows[1][-1]
    assert "The end date cannot be before the start date." in rows[2][-1]
    assert not Contract.objects.exists()


def test_receivables_of_imported_contracts_and_orders_with_payments(org, customers, products):
    code = customers["manager1"].code
    _contracts(org, customers, ["HT-9", code, "供货合同", "5000", "2022-01-01", "", "", "Active"])
    run_import(
        org["manager1"],
        "orders",
        [
            ["订单编号", "客户", "订单日期", "产品", "数量", "单价"],
            ["SO-7", code, "2022-02-01", "电钻", "1", "199.90"],
        ],
    )
    rows = [
        RECEIVABLE_HEADERS,
        ["HT-9", "", "2022-03-01", "", "2000", "2022-03-05", "", "AR-1"],
        ["", "SO-7", "2022-02-15", "", "", "", "已结清", "AR-2"],
    ]
    job = run_import(org["manager1"], "receivables", rows)
    assert (job.created_count, job.error_count) == (2, 0), job.report
    partly = Receivable.objects.get(external_ref="AR-1")
    assert (partly.amount_due, partly.amount_paid, partly.status) == (
        Decimal("5000.00"),
        Decimal("2000.00"),
        Receivable.Status.PARTIAL,
    )
    assert partly.payments.get().paid_on == datetime.date(2022, 3, 5)
    paid = Receivable.objects.get(external_ref="AR-2")
    assert (paid.order, paid.status) == (Order.objects.get(external_ref="SO-7"), "paid")
    # Again, with more paid since: only the difference becomes a payment.
    rows[1][4] = "3500"
    again = run_import(org["manager1"], "receivables", rows)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 1, 1)
    partly.refresh_from_db()
    assert partly.amount_paid == Decimal("3500.00")
    assert partly.payments.count() == 2


def test_receivable_errors(org, customers, english):
    code = customers["manager1"].code
    _contracts(org, customers, ["HT-9", code, "供货合同", "5000", "2022-01-01", "", "", ""])
    future = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    job = run_import(
        org["manager1"],
        "receivables",
        [
            RECEIVABLE_HEADERS,
            ["HT-404", "", "2022-03-01", "", "", "", "", ""],
            ["HT-9", "", future, "", "6000", "", "", ""],
            ["", "", "2022-03-01", "", "", "", "", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (0, 3)
    rows = report_rows(job.report_file.read())
    assert "No contract “HT-404”" in rows[1][-1]
    assert "cannot exceed the outstanding balance" in rows[2][-1]
    assert "Name either a contract or an order." in rows[3][-1]
    assert not Receivable.objects.exists()


def test_rights_pages_and_api(org, customers, login, api):
    org["manager1"].groups.clear()
    with pytest.raises(PermissionDenied):
        _contracts(org, customers, ["HT-1", customers["manager1"].code, "x", "1", "", "", "", ""])
    client = login("supervisor")
    for path in ("/sales/contracts/import/", "/sales/receivables/import/"):
        assert client.get(path).status_code == 200
    assert b"/sales/contracts/import/" in client.get("/sales/contracts/").content
    assert b"/sales/receivables/import/" in client.get("/sales/receivables/").content
    assert api("supervisor").get("/api/contracts/import/not-a-job/").status_code == 404
