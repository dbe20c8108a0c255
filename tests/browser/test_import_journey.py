"""Moving customers in from another system, as a consultant does it in the browser: upload the
old system's export, map its industry words onto the dictionary (one becomes a new entry),
check it, download the report of the rows with problems, fix them there and import them."""

import io
from pathlib import Path

from openpyxl import load_workbook

from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.models import Customer

EXPORT = (
    "客户名称,省份,城市,所属行业,电话,外部编号\n"
    "晋阳铁路物资有限公司,山西省,太原市,铁路,13800138000,OLD-1\n"
    "并州电力工程有限公司,山西,大同市,电力,13800138001,OLD-2\n"
    "汾河能源有限公司,山西省,太原市,能源,1234,OLD-3\n"
)


def _upload(page, name: str, data: bytes, mime: str) -> None:
    page.goto("/customers/import/")
    page.get_by_test_id("import-file").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    with page.expect_navigation():
        page.get_by_test_id("import-upload-form").locator("button[type=submit]").click()


def test_a_consultant_maps_values_checks_fixes_the_report_and_imports(sign_in, page):
    sign_in("admin")
    _upload(page, "旧系统客户.csv", EXPORT.encode("gbk"), "text/csv")

    # The columns are recognised from the headers; the industry words need their entries.
    with page.expect_navigation():
        page.get_by_test_id("import-to-values").click()
    industry = page.locator('[data-testid=import-values-column][data-field="industry"]')
    assert industry.count() == 1
    railway = industry.get_by_label("铁路", exact=True)
    railway.select_option(value="+")  # a new dictionary entry 铁路
    power = industry.get_by_label("电力", exact=True)
    energy_id = DictionaryEntry.objects.get(kind=DictionaryKind.INDUSTRY, code="energy").pk
    power.select_option(value=str(energy_id))
    # 能源 is found by its name: already chosen.
    assert industry.get_by_label("能源", exact=True).input_value() == str(energy_id)
    with page.expect_navigation():
        page.locator("button[name=check]").click()

    # The check: two rows would be created, the bad phone is an error on its column.
    assert page.get_by_test_id("import-created").inner_text() == "2"
    assert page.get_by_test_id("import-errors").inner_text() == "1"
    assert Customer.objects.filter(external_ref__startswith="OLD-").count() == 0
    with page.expect_download() as downloaded:
        page.get_by_test_id("import-report-download").click()
    # The download's file has no extension, which openpyxl goes by: read it as bytes.
    report = load_workbook(io.BytesIO(Path(downloaded.value.path()).read_bytes()))
    sheet = report.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 1 and rows[0][headers.index("外部编号")] == "OLD-3"
    assert "电话" in str(rows[0][-1])

    # Import the valid rows now.
    with page.expect_navigation():
        page.get_by_test_id("import-commit-form").locator("button[type=submit]").click()
    assert Customer.objects.filter(external_ref__in=["OLD-1", "OLD-2"]).count() == 2
    railway_customer = Customer.objects.get(external_ref="OLD-1")
    assert railway_customer.industry.name_zh == "铁路"
    assert railway_customer.region.name_zh == "华北"
    assert Customer.objects.get(external_ref="OLD-2").city.name == "大同市"

    # Fix the phone in the report and upload it: its extra columns are ignored.
    sheet.cell(row=2, column=headers.index("电话") + 1, value="13800138003")
    fixed = io.BytesIO()
    report.save(fixed)
    _upload(
        page,
        "修正.xlsx",
        fixed.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    with page.expect_navigation():
        page.get_by_test_id("import-mapping-form").locator("button[type=submit]").first.click()
    assert page.get_by_test_id("import-errors").inner_text() == "0"
    with page.expect_navigation():
        page.get_by_test_id("import-commit-form").locator("button[type=submit]").click()
    assert Customer.objects.get(external_ref="OLD-3").industry.code == "energy"
