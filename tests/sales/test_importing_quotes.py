"""Quote import 报价单导入: lines grouped into quotes, statuses reached by the quote's moves,
idempotent by quote number, a bad line refuses its quote, the API."""

import datetime
from decimal import Decimal

import pytest

from guanxi.sales.models import Quote
from tests.core.fixtures.imports import entity_import_storage, report_rows, run_import  # noqa: F401

pytestmark = pytest.mark.usefixtures("entity_import_storage")

HEADERS = ["报价单号", "客户", "报价日期", "有效期至", "状态", "产品", "数量", "单价", "折扣"]


def test_quote_lines_grouped_with_status_and_date(org, customers, products):
    code = customers["manager1"].code
    rows = [
        HEADERS,
        ["Q-1", code, "2022-05-01", "2022-05-31", "已接受", "电钻", "2", "199.90", ""],
        ["Q-1", code, "2022-05-01", "2022-05-31", "已接受", "扳手", "4", "35.50", "10"],
        ["Q-2", code, "2022-06-01", "", "", "扳手", "1", "35.50", ""],
    ]
    job = run_import(org["manager1"], "quotes", rows)
    assert (job.created_count, job.error_count) == (3, 0), job.report
    quote = Quote.objects.get(external_ref="Q-1")
    assert (quote.status, quote.total, quote.lines.count()) == (
        Quote.Status.ACCEPTED,
        Decimal("527.60"),
        2,
    )
    assert quote.quote_date == datetime.date(2022, 5, 1)
    assert quote.created_at.date() <= datetime.date(2022, 5, 1)
    assert Quote.objects.get(external_ref="Q-2").status == Quote.Status.DRAFT
    again = run_import(org["manager1"], "quotes", rows)
    assert (again.created_count, again.skipped_count) == (0, 3)
    assert Quote.objects.count() == 2


def test_a_bad_line_refuses_the_whole_quote(org, customers, products, english):
    code = customers["manager1"].code
    job = run_import(
        org["manager1"],
        "quotes",
        [
            HEADERS,
            ["Q-1", code, "2022-05-01", "", "", "电钻", "1", "199.90", ""],
            ["Q-1", code, "2022-05-01", "", "", "电钻", "0", "199.90", ""],
        ],
    )
    assert (job.created_count, job.error_count) == (0, 2)
    assert not Quote.objects.exists()
    rows = report_rows(job.report_file.read())
    assert "The quantity must be more than zero." in rows[2][-1]
    assert "row 3 of the same record has an error" in rows[1][-1]


def test_api_and_page(api, login, customers, products):
    assert login("manager1").get("/sales/quotes/import/").status_code == 200
    assert b"/sales/quotes/import/" in login("manager1").get("/sales/quotes/").content
    response = api("manager1").post("/api/quotes/import/", {}, format="multipart")
    assert response.status_code == 400
