"""Issue #6's journey in a real browser: the executive opens each report, sees plotly draw its
chart beside the table, changes a filter (the report refreshes in place), exports xlsx; the KPI
dashboard shows its definitions. A screenshot of each report in Chinese goes to
test-artifacts/ (the CJK font is checked to be installed)."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.analytics.framework import reports
from tests.analytics.fixtures.reports import churned, order, request
from tests.browser.conftest import ARTIFACTS
from tests.customers.fixtures.customers import CustomerFactory


@pytest.fixture
def sales(org):
    today = timezone.localdate()
    last_year = today - datetime.timedelta(days=366)
    for owner, amount in [("manager1", "1200.00"), ("manager2", "800.00"), ("manager3", "300.00")]:
        customer = CustomerFactory(owner=org[owner], name=f"华盛贸易{amount}")
        order(customer, today, amount)
        order(customer, last_year, "100.00")
        request(customer, today)
    churned(customer, today)


def test_cjk_font_is_installed():
    # scripts/system-deps.sh installs fonts-noto-cjk, so Chinese screenshots are not boxes.
    assert any(Path("/usr/share/fonts").rglob("*CJK*")), "install fonts-noto-cjk"


def _drawn(page):
    page.wait_for_selector(
        "[data-testid=report-chart][data-drawn=true]:not([data-stale]) .main-svg"
    )


def _refilter(page, change, url_part):
    """Changes a filter and waits until htmx has swapped in the new report and plotly drew it.

    The old body is marked first: its chart is drawn too, so without the mark the wait could
    end before the swap (as it once did in CI)."""
    page.eval_on_selector_all(
        "#report-body *", "nodes => nodes.forEach(n => n.dataset.stale = '1')"
    )
    change()
    page.wait_for_url(lambda url: url_part in url)
    _drawn(page)


def test_the_executive_walks_through_every_report(sign_in, sales):
    page = sign_in("exec")
    page.click("#nav-button-analytics")
    page.click("nav.mainnav [data-nav=reports]")
    page.wait_for_selector("[data-testid=report-list]")
    ARTIFACTS.mkdir(exist_ok=True)
    for report in reports():
        page.goto(f"/reports/{report.slug}/")
        _drawn(page)
        assert page.locator("[data-testid^=report-table-], [data-testid^=report-empty-]").count()
        page.screenshot(path=str(ARTIFACTS / f"report-{report.slug}.png"), full_page=True)

        # Another period: htmx swaps the report body and the chart is drawn again (a report
        # of no period, such as CLV as of its fit, has no period to choose).
        if "preset" not in report.form_class.drop:
            _refilter(
                page, lambda: page.select_option("#id_preset", "last_year"), "preset=last_year"
            )
            assert page.input_value("#id_preset") == "last_year"

        first_table = report.tables[0].key
        with page.expect_download() as download:
            page.click(f"[data-testid=export-xlsx-{first_table}]")
        content = BytesIO(download.value.path().read_bytes())
        sheet = load_workbook(content).active
        assert sheet.max_row >= 1  # at least the header row


def test_the_contribution_chart_and_table_show_the_same_customers(sign_in, sales):
    page = sign_in("exec")
    page.goto("/reports/customer-contribution/")
    _drawn(page)
    names = page.locator("[data-testid=report-table-rows] td[data-field=name]").all_inner_texts()
    assert names == ["华盛贸易1200.00", "华盛贸易800.00", "华盛贸易300.00"]
    ticks = page.locator("[data-testid=report-chart] .xtick text").all_text_contents()
    assert ticks == names

    # Dates typed in replace the preset: the report follows them.
    _refilter(page, lambda: page.fill("#id_date_from", "2020-01-01"), "date_from=2020-01-01")
    assert page.input_value("#id_preset") == ""
    assert "2020-01-01" in page.locator("[data-testid=report-period]").inner_text()


def test_the_kpi_dashboard_explains_each_kpi(sign_in, sales):
    page = sign_in("exec")
    page.goto("/reports/kpis/?preset=this_year")
    # A tile's definition shows when its link has the keyboard focus (or the pointer).
    tile = page.locator(".kpi-tile[data-kpi=close_rate]")
    definition = tile.locator("[role=tooltip]")
    assert not definition.is_visible()
    tile.locator("a[aria-describedby]").focus()
    definition.wait_for(state="visible")
    value = page.locator(".kpi-tile[data-kpi=sales_total] [data-field=value]")
    assert value.inner_text() != "—"
    # The table is kept behind a disclosure, each row with its definition.
    page.locator("[data-testid=kpi-table-details] > summary").click()
    row = page.locator("tr[data-kpi=close_rate]")
    row.locator("summary").click()
    assert row.locator("details").get_attribute("open") is not None
    page.screenshot(path=str(ARTIFACTS / "report-kpis.png"), full_page=True)
