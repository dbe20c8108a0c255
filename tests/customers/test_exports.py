"""Spreadsheet exports: the generic writer (core.export) and the customer export page."""

import csv
import datetime
import io
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core import export
from guanxi.customers.models import Customer
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

EXPORT = reverse("customers:export")
DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.getvalue()


def csv_rows(response) -> list[list[str]]:
    raw = body(response)
    assert raw.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    return list(workbook.active.values)


# -- the generic writer ---------------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_neutralises_each_formula_prefix(text):
    response = export.csv_response(headers=["值"], rows=[[text]], filename="x.csv")
    assert csv_rows(response)[1] == [f"'{text}"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_neutralises_each_formula_prefix_and_stores_text(text):
    response = export.xlsx_response(headers=["值"], rows=[[text]], filename="x.xlsx")
    (stored,) = xlsx_rows(response)[1]
    # A plain XML writer turns a stored CR into LF (lxml keeps it); the quote before it matters.
    assert stored in {f"'{text}", f"'{text}".replace("\r", "\n")}


def test_real_numbers_stay_numbers_and_plain_text_is_untouched():
    rows = [[-5, Decimal("-12.50"), 3.5, "张伟", "a-b", None]]
    xlsx = xlsx_rows(export.xlsx_response(headers="abcdef", rows=rows, filename="x.xlsx"))
    assert xlsx[1] == (-5, -12.5, 3.5, "张伟", "a-b", None)
    assert isinstance(xlsx[1][0], int)
    text = csv_rows(export.csv_response(headers="abcdef", rows=rows, filename="x.csv"))
    assert text[1] == ["-5", "-12.50", "3.5", "张伟", "a-b", ""]


def test_chinese_round_trips_through_csv_and_xlsx():
    headers = ["客户名称", "地区"]
    rows = [["上海关系贸易有限公司", "华东"], ['北京，逗号"引号"\n换行', "华北"]]
    assert csv_rows(export.csv_response(headers=headers, rows=rows, filename="x.csv")) == [
        headers,
        *rows,
    ]
    assert xlsx_rows(export.xlsx_response(headers=headers, rows=rows, filename="x.xlsx")) == [
        tuple(headers),
        *map(tuple, rows),
    ]


def test_dates_are_local_wall_clock_and_control_characters_are_dropped_in_xlsx():
    moment = timezone.make_aware(datetime.datetime(2026, 1, 2, 3, 4, 5), datetime.UTC)
    rows = [[moment, datetime.date(2026, 5, 1), "bell\x07"]]
    xlsx = xlsx_rows(export.xlsx_response(headers="abc", rows=rows, filename="x.xlsx"))
    assert xlsx[1] == (
        datetime.datetime(2026, 1, 2, 11, 4, 5),
        datetime.datetime(2026, 5, 1),
        "bell",
    )
    text = csv_rows(export.csv_response(headers="abc", rows=rows, filename="x.csv"))
    assert text[1][:2] == ["2026-01-02 11:04:05", "2026-05-01"]


def test_attachment_header_keeps_the_chinese_name():
    header = export.content_disposition("客户-20260101.csv")
    assert header.startswith("attachment; ")
    assert "filename*=UTF-8''%E5%AE%A2%E6%88%B7-20260101.csv" in header
    assert 'filename="20260101.csv"' in header


def test_csv_is_streamed_row_by_row():
    produced = []

    def rows():
        for number in range(3):
            produced.append(number)
            yield [number]

    response = export.csv_response(headers=["n"], rows=rows(), filename="x.csv")
    assert response.streaming
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # BOM and header
    assert produced == []  # nothing read before the body is sent
    next(chunks)
    assert produced == [0]


def _csv_peak_memory(count: int) -> int:
    rows = ((f"客户{number}", number, "=x") for number in range(count))
    tracemalloc.start()
    try:
        response = export.csv_response(headers=["名称", "n", "f"], rows=rows, filename="x.csv")
        for _chunk in response.streaming_content:
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_memory_does_not_grow_with_the_number_of_rows():
    small, large = _csv_peak_memory(2_000), _csv_peak_memory(40_000)
    assert large < small * 1.5 + 64 * 1024


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export.export_response(file_format="pdf", headers=[], rows=[], basename="x")


def test_a_queryset_iterator_feeds_the_writer(db, django_assert_max_num_queries):
    for number in range(25):
        CustomerFactory(name=f"=客户{number}")
    rows = (
        (customer.code, customer.name)
        for customer in Customer.objects.order_by("code").iterator(chunk_size=10)
    )
    with django_assert_max_num_queries(4):
        parsed = csv_rows(
            export.csv_response(headers=["code", "name"], rows=rows, filename="c.csv")
        )
    assert len(parsed) == 26
    assert all(name.startswith("'=客户") for _code, name in parsed[1:])


# -- the customer export ------------------------------------------------------------------


def exported_codes(response) -> set[str]:
    rows = csv_rows(response)
    column = rows[0].index("Code")
    return {row[column] for row in rows[1:]}


SCOPE = {
    "manager1": {"manager1"},
    "supervisor": {"manager1", "manager2", "supervisor"},
    "supervisor2": {"manager3", "supervisor2"},
    "assistant": {"manager1"},
    "exec": {"manager1", "manager2", "manager3", "supervisor", "supervisor2", "pool"},
}


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_customer_export_holds_exactly_the_users_scope(username, customers, login, english):
    response = login(username).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert exported_codes(response) == {customers[key].code for key in SCOPE[username]}


def test_customer_export_honours_the_list_filters_search_and_selected_ids(
    customers, login, english, org
):
    client = login("supervisor")
    only_manager1 = client.get(EXPORT, {"format": "csv", "owner": org["manager1"].pk})
    assert exported_codes(only_manager1) == {customers["manager1"].code}
    by_name = client.get(EXPORT, {"format": "csv", "q": customers["manager2"].code})
    assert exported_codes(by_name) == {customers["manager2"].code}
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    selected = client.get(EXPORT, {"format": "csv", "ids": ",".join(map(str, chosen))})
    assert exported_codes(selected) == {customers["manager1"].code, customers["supervisor"].code}
    repeated = client.get(EXPORT, {"format": "csv", "ids": chosen})
    assert exported_codes(repeated) == {customers["manager1"].code, customers["supervisor"].code}


def test_selected_ids_outside_the_scope_are_never_exported(customers, login, english):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    response = login("supervisor").get(EXPORT, {"format": "csv", "ids": chosen})
    assert exported_codes(response) == {customers["manager1"].code}


def test_customer_export_sorted_like_the_list(customers, login, english):
    rows = csv_rows(login("exec").get(EXPORT, {"format": "csv", "sort": "-name"}))
    names = [row[rows[0].index("Name")] for row in rows[1:]]
    assert names == sorted(names, reverse=True)


def test_customer_export_shows_labels_owner_names_and_neutralises_formulas(org, login, english):
    level = dictionary("customer_level", "major")
    region = dictionary("region", "east")
    CustomerFactory(name='=HYPERLINK("x")', owner=org["manager1"], level=level, region=region)
    rows = csv_rows(login("manager1").get(EXPORT, {"format": "csv"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Name"] == '\'=HYPERLINK("x")'
    assert record["Customer level"] == str(level.label)
    assert record["Region"] == str(region.label)
    assert record["Account manager"] == str(org["manager1"])
    assert record["Status"] == "Active"


def test_customer_export_headers_and_labels_in_the_users_language(customers, login, org):
    User.objects.filter(pk=org["manager1"].pk).update(language="zh-hans")
    response = login("manager1").get(EXPORT, {"format": "xlsx"})
    assert response["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert "客户编码" in rows[0] or "名称" in rows[0]
    assert rows[1][rows[0].index("状态")] == "正常"


def test_customer_export_xlsx_content(customers, login, english):
    rows = xlsx_rows(login("manager1").get(EXPORT, {"format": "xlsx"}))
    assert rows[0][:2] == ("Code", "Name")
    assert rows[1][:2] == (customers["manager1"].code, customers["manager1"].name)


def test_customer_export_unknown_format_is_a_clear_400(customers, login, english):
    response = login("manager1").get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert b"csv" in response.content


def test_customer_export_needs_sign_in_and_the_view_right(customers, client):
    assert client.get(EXPORT).status_code == 302


def export_queries(client, file_format: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        body(client.get(EXPORT, {"format": file_format}))
    return len(captured.captured_queries)


@pytest.mark.parametrize("file_format", export.FORMATS)
def test_customer_export_query_count_does_not_grow_with_rows(
    org, login, english, file_format, django_assert_max_num_queries
):
    level = dictionary("customer_level", "major")
    CustomerFactory(name="客户", owner=org["manager1"], level=level)
    client = login("supervisor")
    with_one = export_queries(client, file_format)
    for number in range(49):
        CustomerFactory(name=f"客户{number}", owner=org["manager2"], level=level)
    assert export_queries(client, file_format) == with_one
    with django_assert_max_num_queries(12):
        body(client.get(EXPORT, {"format": file_format}))
    assert len(csv_rows(client.get(EXPORT, {"format": "csv"}))) == 51


def test_list_page_offers_the_export_with_the_current_filters(customers, login, english, org):
    response = login("supervisor").get(reverse("customers:list"), {"status": "active"})
    html = response.content.decode()
    assert 'data-testid="customer-export-csv"' in html
    assert "status=active&amp;format=csv" in html


# -- the API export ---------------------------------------------------------------------------

API_EXPORT = "/api/customers/export/"


@pytest.mark.parametrize("username", sorted(SCOPE))
def test_api_export_holds_exactly_the_users_scope(username, customers, login, english):
    response = login(username).get(API_EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert exported_codes(response) == {customers[key].code for key in SCOPE[username]}


def test_api_export_filters_like_the_api_list_and_serves_xlsx(customers, login, org, english):
    client = login("exec")
    pool = client.get(API_EXPORT, {"format": "csv", "in_pool": "true"})
    assert exported_codes(pool) == {customers["pool"].code}
    owned = client.get(API_EXPORT, {"owner": org["manager2"].pk})  # CSV by default
    assert exported_codes(owned) == {customers["manager2"].code}
    chosen = f"{customers['manager1'].pk},{customers['manager3'].pk}"
    xlsx = client.get(API_EXPORT, {"format": "xlsx", "ids": chosen})
    assert xlsx["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert {row[0] for row in xlsx_rows(xlsx)[1:]} == {
        customers["manager1"].code,
        customers["manager3"].code,
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "pdf"}, "format"), ({"ids": "1;2"}, "ids"), ({"sort": "password"}, "sort")],
)
def test_api_export_bad_input_is_a_json_400_naming_the_field(customers, login, params, field):
    response = login("manager1").get(API_EXPORT, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_api_export_needs_authentication(customers, client):
    assert client.get(API_EXPORT).status_code == 401


def test_customer_export_has_the_spec_fields_money_as_numbers_and_tags(org, login, english):
    from guanxi.customers.services import customers as services

    services.customer_create(
        actor=org["manager1"],
        name="资本公司",
        registered_capital=Decimal("1000000.00"),
        bank_account="6222020200112233445",
        tags="重点, vip",
    )
    rows = xlsx_rows(login("manager1").get(EXPORT, {"format": "xlsx"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Registered capital"] == 1000000
    assert record["Bank account"] == "6222020200112233445"  # text, never 6.2E+18
    assert record["Tags"] == "重点, vip"


def test_attachment_names_from_user_data_cannot_break_the_header():
    from guanxi.core.export import content_disposition

    header = content_disposition('坏\r\n名"字\\\x08/x.vcf')
    assert "\r" not in header and "\n" not in header and "\x08" not in header
    assert header.startswith('attachment; filename="')
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert "\\" not in ascii_part and "/" not in ascii_part
    assert "filename*=UTF-8''" in header
