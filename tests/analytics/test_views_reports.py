"""The report pages: filters, chart and table that agree, CSV/xlsx downloads, rights, the
navigation and query counts."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from guanxi.accounts.models import User
from guanxi.analytics.framework import reports
from guanxi.core.models import AccessLogEntry
from tests.analytics.fixtures.reports import D, churned, order, request
from tests.customers.fixtures.customers import CustomerFactory

SLUGS = [report.slug for report in reports()]
YEAR = "date_from=2026-01-01&date_to=2026-12-31"


def _url(slug, query=YEAR):
    return f"{reverse('analytics:report', args=[slug])}?{query}"


def _figure(response) -> dict:
    return response.context["figure"]


# -- pages -------------------------------------------------------------------------------------


def test_the_report_list_links_every_report(login, english):
    page = login("exec").get(reverse("analytics:index")).content.decode()
    for slug in SLUGS:
        assert reverse("analytics:report", args=[slug]) in page
    assert "Customer pyramid" in page


@pytest.mark.parametrize("slug", SLUGS)
def test_each_report_page_shows_chart_and_table(login, data, english, slug, request):
    if slug == "product-associations":  # rules come from the nightly job, not from ``data``
        request.getfixturevalue("stored_rules")
    response = login("exec").get(_url(slug))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-chart"' in page
    assert 'id="report-figure"' in page  # the figure's JSON for plotly.js
    # A table, or its "nothing" note (no customer due to re-order in this data).
    assert "report-table-" in page or "report-empty-" in page
    assert reverse("analytics:plotly_js") in page
    assert _figure(response)["data"]  # at least one trace
    assert "export=xlsx" in page and "export=csv" in page


def test_contribution_chart_and_table_agree(login, data, english):
    response = login("exec").get(_url("customer-contribution"))
    rows = response.context["data"]["rows"]
    trace = _figure(response)["data"][0]
    assert trace["x"] == [row["name"] for row in rows]
    assert trace["y"] == [float(row["amount"]) for row in rows]
    assert trace["y"] == [307.0, 100.0, 50.0]
    page = response.content.decode()
    assert "¥307.00" in page and "67.2%" in page  # 307 / 457, one decimal
    assert trace["customdata"][0] == ["¥307.00"]  # the exact amount on hover


def test_pyramid_chart_is_a_pareto_of_the_table(login, data, english):
    response = login("exec").get(_url("customer-pyramid"))
    pareto = response.context["data"]["pareto"]
    bars, line = _figure(response)["data"]
    assert bars["y"] == [float(row["revenue"]) for row in pareto]
    assert line["y"] == [float(row["cumulative_share"]) for row in pareto]
    assert line["y"][-1] == 100.0


def test_zero_denominators_show_a_dash(login, english, org):
    page = login("exec").get(_url("customer-pyramid", "date_from=2020-01-01&date_to=2020-12-31"))
    html = page.content.decode()
    assert 'data-field="share"' in html
    assert ">—<" in html


def test_a_bad_filter_is_named_on_the_page(login, english):
    response = login("exec").get(_url("sales-trend", "date_from=2026-05-01&date_to=2026-01-01"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page
    assert "must not be before its start" in page
    assert 'data-testid="report-chart"' not in page


def test_htmx_refilter_returns_only_the_report_body(login, data, english):
    response = login("exec").get(_url("customer-contribution"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert 'data-testid="report-table-rows"' in page
    assert response["Vary"].count("HX-Request") == 1


def test_csv_export_matches_the_table(login, data, english):
    response = login("exec").get(_url("customer-contribution") + "&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "customer-contribution-20260101-20261231.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Rank", "Customer code", "Customer"]
    assert [row[2] for row in rows[1:]] == ["客户300.00", "客户100.00", "客户50.00"]
    assert rows[1][rows[0].index("Order amount")] == "307.00"


def test_report_export_is_logged_with_its_rows_and_filters(login, data, org):
    b"".join(login("exec").get(_url("customer-contribution") + "&export=csv").streaming_content)
    [entry] = AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.EXPORTED)
    assert entry.user == org["exec"]
    assert entry.details["model"] == "report:customer-contribution"
    assert entry.details["row_count"] == 3
    assert "export" not in entry.details["filters"] and entry.details["filters"]


def test_xlsx_export_of_a_second_table(login, data, english):
    response = login("exec").get(_url("churn") + "&export=xlsx&table=customers")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "churn-customers" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.values)
    assert values[0][0] == "Churn date"
    assert values[1][2] == "客户50.00"


def test_exports_neutralise_formulas(login, org, english):
    customer = CustomerFactory(owner=org["manager1"], name="=HYPERLINK(1)")
    order(customer, D(2026, 3, 1), "10.00")
    response = login("exec").get(_url("customer-contribution") + "&export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_pages_need_the_right(login, client, data):
    assert login("assistant").get(_url("churn")).status_code == 403
    assert login("assistant").get(reverse("analytics:index")).status_code == 403
    assert client.get(_url("churn")).status_code == 302  # to sign in
    assert login("manager1").get(_url("churn")).status_code == 200
    assert login("supervisor").get(_url("churn")).status_code == 200
    assert login("exec").get(reverse("analytics:report", args=["nope"])).status_code == 404


def test_the_navigation_offers_reports_to_those_who_may_see_them(login, english):
    assert 'data-nav="reports"' in login("manager1").get(reverse("core:home")).content.decode()
    assert 'data-nav="reports"' not in login("assistant").get(reverse("core:home")).content.decode()


def test_plotly_js_comes_from_the_installed_package(client):
    response = client.get(reverse("analytics:plotly_js"))
    assert response.status_code == 200
    head = b"".join(response.streaming_content)[:200].decode()
    assert "plotly.js" in head and "MIT" in head
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize("slug", SLUGS)
def test_report_page_query_count(login, data, slug, no_cache, django_assert_max_num_queries):
    client = login("supervisor")
    client.get(_url(slug))
    for index in range(10):  # more rows do not mean more queries
        customer = CustomerFactory(owner=User.objects.get(username="manager1"))
        order(customer, D(2026, 3, 1), f"{index + 1}.00")
        churned(customer, D(2026, 3, 2))
        request(customer, D(2026, 3, 3))
    with django_assert_max_num_queries(20):  # fixed: the filters' choices, then the report
        assert client.get(_url(slug)).status_code == 200


def test_xlsx_export_formats_money_and_percentages_as_numbers(login, data, english):
    response = login("exec").get(_url("customer-contribution") + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    amount = sheet.cell(2, header.index("Order amount") + 1)
    assert amount.value == 307 and amount.number_format == "¥#,##0.00;-¥#,##0.00"
    share = sheet.cell(2, header.index("Share of total (%)") + 1)
    assert share.number_format == "0.0%"
    assert abs(share.value - 307 / 457) < 0.0001  # the ratio: the sheet shows 67.2%
