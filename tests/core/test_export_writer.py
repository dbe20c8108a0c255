"""The generic spreadsheet writer (core.export): formulas neutralised, numbers, dates and
Chinese kept, streamed row by row in constant memory, safe attachment names."""

import datetime
import io
import tracemalloc
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from guanxi.core import export
from guanxi.customers.models import Customer
from tests.core.fixtures.exports import body, csv_rows, xlsx_rows
from tests.customers.fixtures.customers import CustomerFactory

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


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
    small, large = _csv_peak_memory(2_000), _csv_peak_memory(20_000)
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


def test_attachment_names_from_user_data_cannot_break_the_header():
    from guanxi.core.export import content_disposition

    header = content_disposition('坏\r\n名"字\\\x08/x.vcf')
    assert "\r" not in header and "\n" not in header and "\x08" not in header
    assert header.startswith('attachment; filename="')
    ascii_part = header.split('filename="', 1)[1].split('"', 1)[0]
    assert "\\" not in ascii_part and "/" not in ascii_part
    assert "filename*=UTF-8''" in header


# -- xlsx reads like a report ----------------------------------------------------------------


def _sheet(response):
    return openpyxl.load_workbook(io.BytesIO(body(response))).active


def _typed_export():
    headers = ["客户名称", "金额", "折扣", "数量", "日期", "时间"]
    moment = timezone.make_aware(datetime.datetime(2026, 12, 7, 14, 5))
    rows = [
        [
            "上海关系贸易有限公司",
            Decimal("1853577.00"),
            Decimal("12.5"),
            3,
            datetime.date(2026, 12, 7),
            moment,
        ],
        ["=HYPERLINK(1)", Decimal("-6269.91"), None, 12345, None, None],
        ["无金额", "—", Decimal("0"), 0, None, None],
    ]
    kinds = ["text", "money", "percent", "int", "date", "datetime"]
    return headers, rows, kinds


def test_xlsx_header_is_bold_and_frozen_and_columns_fit_their_content():
    headers, rows, kinds = _typed_export()
    sheet = _sheet(export.xlsx_response(headers=headers, rows=rows, filename="x.xlsx", kinds=kinds))
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEF"}
    # 上海关系贸易有限公司: ten Chinese characters, each two columns wide.
    assert widths["A"] >= 20
    assert widths["B"] >= len("¥1,853,577.00")
    assert export.MIN_WIDTH <= widths["D"] < widths["A"]


def test_xlsx_numbers_stay_numbers_with_money_percent_and_date_formats():
    headers, rows, kinds = _typed_export()
    sheet = _sheet(export.xlsx_response(headers=headers, rows=rows, filename="x.xlsx", kinds=kinds))
    amount, discount, count, day, moment = (sheet.cell(2, column) for column in range(2, 7))
    assert amount.value == 1853577 and amount.data_type == "n"
    assert amount.number_format == "¥#,##0.00;-¥#,##0.00"
    assert sheet["B3"].value == -6269.91 and sheet["B3"].number_format == amount.number_format
    # A percentage is stored as its ratio: what a spreadsheet's percent format shows as 12.5%.
    assert discount.value == 0.125 and discount.number_format == "0.0%"
    assert count.value == 3 and count.number_format == "#,##0"
    assert day.value == datetime.datetime(2026, 12, 7) and day.number_format == "yyyy-mm-dd"
    assert moment.value == datetime.datetime(2026, 12, 7, 14, 5)
    assert moment.number_format == "yyyy-mm-dd hh:mm"
    # Text in a number column stays text, and formula protection still holds.
    assert sheet["B4"].value == "—" and sheet["B4"].data_type == "s"
    assert sheet["A3"].value == "'=HYPERLINK(1)"


def test_csv_keeps_the_raw_values_of_typed_columns():
    headers, rows, kinds = _typed_export()
    response = export.export_response(
        file_format="csv", headers=headers, rows=rows, basename="x", kinds=kinds
    )
    parsed = csv_rows(response)
    assert parsed[1][1:4] == ["1853577.00", "12.5", "3"]
    assert parsed[2][1] == "-6269.91"


def test_xlsx_dates_are_formatted_without_kinds_and_widths_cover_later_rows_too():
    rows = [[datetime.date(2026, 1, 1), "短"]] + [[None, "很长的客户名称" * 3]] * 5
    sheet = _sheet(export.xlsx_response(headers=["日", "名"], rows=rows, filename="x.xlsx"))
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions["B"].width >= 42
    assert sheet.max_row == 7  # the rows measured for widths are written too, once
