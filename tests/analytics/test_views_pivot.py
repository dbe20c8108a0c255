"""The pivot page, its drill-down, its xlsx download, and saved queries 自定义查询: saving a
report's or the pivot's filters (personal or shared with the team), reopening them, and the
"my queries" page and menu."""

import io
from urllib.parse import urlencode

from openpyxl import load_workbook

from guanxi.core.models import SavedListView
from guanxi.core.services.list_views import list_view_save
from tests.analytics.fixtures.pivot import Q1

PIVOT = "/reports/pivot/"


def _url(path: str, **query) -> str:
    return f"{path}?{urlencode({**Q1, **query})}"


def test_the_pivot_page_shows_cells_totals_and_links(login, org, pivot_data, english):
    response = login("exec").get(_url(PIVOT, rows="month", columns="owner"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="pivot-table"' in page
    assert "¥720.00" in page and "¥270.00" in page
    assert "/reports/pivot/records/?" in page and "row=2026-01-01" in page
    assert 'id="report-figure"' in page
    assert 'data-testid="save-query"' in page and 'data-testid="my-queries-menu"' in page


def test_a_meaningless_combination_is_a_message_not_an_error(login, org, english):
    response = login("exec").get(_url(PIVOT, rows="service_type", measure="revenue"))
    assert response.status_code == 200
    assert "Revenue cannot be broken down by Service type." in response.content.decode()


def test_the_drill_down_lists_the_cells_records(login, org, pivot_data, english):
    m1 = org["manager1"]
    response = login("exec").get(
        _url(PIVOT + "records/", rows="month", columns="owner", row="2026-01-01", column=m1.pk)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert pivot_data["orders"]["a_jan"].code in page
    assert pivot_data["orders"]["b_jan"].code not in page
    assert "¥100.00" in page
    bad = login("exec").get(_url(PIVOT + "records/", rows="month", row="2026-01-15"))
    assert bad.status_code == 400
    assert "This is not a period of the pivot." in bad.content.decode()


def test_the_drill_down_is_scoped(login, org, pivot_data):
    page = login("manager1").get(_url(PIVOT + "records/", rows="month")).content.decode()
    assert pivot_data["orders"]["a_jan"].code in page
    assert pivot_data["orders"]["c_mar"].code not in page


def test_the_pivot_downloads_as_xlsx(login, org, pivot_data, english):
    response = login("exec").get(_url(PIVOT, rows="month", columns="category", export="xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Month", "五金工具", "办公设备", "Total"]
    assert rows[1] == ["2026-01", 150, 0, 150]
    assert rows[-1] == ["Total", 150, 500, 650]


def test_saving_the_pivot_and_reopening_it(login, org, pivot_data, english):
    client = login("manager1")
    query = urlencode({**Q1, "rows": "region", "measure": "orders"})
    response = client.post(
        "/list-views/save/",
        {"list_key": "pivot", "name": "各区订单", "query": query, "next": PIVOT},
    )
    view = SavedListView.objects.get(owner=org["manager1"], list_key="pivot")
    assert response.status_code == 302 and f"view={view.pk}" in response["Location"]
    assert not view.shared_with_team
    reopened = client.get(response["Location"])
    assert reopened.status_code == 200
    assert "selected>Region</option>" in reopened.content.decode().replace('"region" ', "")
    queries = client.get("/reports/queries/").content.decode()
    assert "各区订单" in queries and "Pivot" in queries
    # Personal: a teammate does not see it until it is shared.
    assert "各区订单" not in login("manager2").get("/reports/queries/").content.decode()


def test_shared_queries_reach_the_team_only(login, org, pivot_data, english):
    list_view_save(
        actor=org["manager1"],
        list_key="report:sales-trend",
        name="月度趋势",
        query="granularity=quarter",
        shared_with_team=True,
    )
    list_view_save(actor=org["manager1"], list_key="customers", name="华东客户", query="region=3")
    teammate = login("manager2").get("/reports/queries/").content.decode()
    assert "月度趋势" in teammate and "华东客户" not in teammate
    assert "/reports/sales-trend/?granularity=quarter" in teammate
    assert "月度趋势" not in login("manager3").get("/reports/queries/").content.decode()
    own = login("manager1").get("/reports/queries/").content.decode()
    assert "华东客户" in own and "/customers/?region=3" in own
    report = login("manager2").get("/reports/sales-trend/").content.decode()
    assert "月度趋势" in report  # offered in the report's saved queries menu


def test_saving_a_report_query(login, org, english):
    client = login("exec")
    response = client.post(
        "/list-views/save/",
        {
            "list_key": "report:customer-pyramid",
            "name": "去年金字塔",
            "query": "preset=last_year&export=xlsx",
            "next": "/reports/customer-pyramid/",
            "shared_with_team": "on",
        },
    )
    view = SavedListView.objects.get(list_key="report:customer-pyramid")
    assert view.shared_with_team
    assert response["Location"].startswith("/reports/customer-pyramid/?preset=last_year")
    # Reopened from "my queries" as the report's page, not as its download.
    queries = client.get("/reports/queries/").content.decode()
    assert f"/reports/customer-pyramid/?preset=last_year&amp;view={view.pk}" in queries


def test_the_queries_page_takes_a_bounded_number_of_queries(
    login, org, django_assert_max_num_queries
):
    for number in range(5):
        list_view_save(actor=org["manager1"], list_key="pivot", name=f"q{number}", query="")
        list_view_save(actor=org["manager1"], list_key="report:churn", name=f"r{number}", query="")
    client = login("manager1")
    client.get("/reports/queries/")
    with django_assert_max_num_queries(8):
        assert client.get("/reports/queries/").status_code == 200


def _data(columns: int) -> dict:
    return {
        "measure": "orders",
        "rows_dimension": "month",
        "columns": [{"key": str(i), "label": f"c{i}", "total": i} for i in range(columns)],
        "rows": [
            {
                "key": "2026-01-01",
                "label": "2026-01",
                "cells": list(range(columns)),
                "total": sum(range(columns)),
            }
        ],
    }


def test_the_chart_has_a_series_per_column_the_largest_when_many():
    from guanxi.analytics.charts import figure_data
    from guanxi.analytics.views.pivot import CHART_SERIES, pivot_chart

    few = figure_data(pivot_chart(_data(3)))["data"]
    assert [trace["name"] for trace in few] == ["c0", "c1", "c2"]
    many = figure_data(pivot_chart(_data(12)))["data"]
    assert [trace["name"] for trace in many] == [f"c{i}" for i in range(12 - CHART_SERIES, 12)]
    alone = figure_data(pivot_chart(_data(0)))["data"]
    assert len(alone) == 1 and alone[0]["y"] == [0]
