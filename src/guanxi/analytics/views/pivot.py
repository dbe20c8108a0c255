"""The pivot page 多维分析 (a measure by rows and columns, with totals, chart and xlsx), the records
behind one of its cells, and the "my queries" page of saved queries 自定义查询.

The numbers come from ``analytics.selectors.pivot`` through the short-lived report cache; the
page's cells link to the drill-down page with the cell's keys.
"""

from typing import Any, cast

import plotly
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import charts
from guanxi.analytics.framework import ReportData
from guanxi.analytics.pivot import (
    CUSTOMER_RECORDS,
    DIMENSIONS,
    LINE_RECORDS,
    MEASURES,
    ORDER_RECORDS,
    PivotForm,
)
from guanxi.analytics.selectors.pivot import pivot_cell_records, pivot_run
from guanxi.analytics.selectors.queries import PIVOT_KEY, saved_query_list
from guanxi.analytics.views.reports import ReportsPageView, queries_context
from guanxi.core import lists
from guanxi.core.export import FORMATS, export_response
from guanxi.core.formatting import TEXT
from guanxi.core.models import AccessLogEntry
from guanxi.core.pagination import paginate_request
from guanxi.core.services import access_log
from guanxi.core.views.generic import render_page

# The pivot's filters can be saved like a list's (``core.lists``).
lists.register(PIVOT_KEY)

# A chart of more series than this shows the largest ones (the table has them all).
CHART_SERIES = 8
TRANSIENT = ("export", "view", "cols", "cursor", "row", "column")


def pivot_chart(data: ReportData) -> charts.go.Figure:
    """Bars of the rows, one series per column (the largest ``CHART_SERIES``) or their totals."""
    measure = MEASURES[data["measure"]]
    labels = [row["label"] for row in data["rows"]]
    columns = list(enumerate(data["columns"]))
    if len(columns) > CHART_SERIES:  # the largest, kept in the table's order
        largest = sorted(columns, key=lambda item: -(charts.number(item[1]["total"]) or 0))
        columns = sorted(largest[:CHART_SERIES], key=lambda item: item[0])
    series = [
        (column["label"], [row["cells"][index] for row in data["rows"]])
        for index, column in columns
    ] or [(str(measure.label), [row["total"] for row in data["rows"]])]
    values = [value for _name, points in series for value in points]
    money = measure.kind == "money"
    rows_dimension = DIMENSIONS[data["rows_dimension"]]
    traces = [
        charts.money_bar(labels, points, name=name)
        if money
        else charts.go.Bar(x=labels, y=charts.numbers(points), name=str(name))
        for name, points in series
    ]
    axis = (
        charts.money_axis(values, title=measure.label)
        if money
        else charts.count_axis(title=measure.label)
    )
    return charts.figure(
        *traces,
        barmode="group",
        xaxis={
            "type": "category",
            "title": {"text": str(rows_dimension.label)},
        },
        yaxis=axis,
    )


def _export(request: HttpRequest, data: ReportData) -> HttpResponse:
    measure = MEASURES[data["measure"]]
    rows_label = str(DIMENSIONS[data["rows_dimension"]].label)
    headers = [rows_label, *(column["label"] for column in data["columns"]), _("Total")]
    rows: list[list[Any]] = [[row["label"], *row["cells"], row["total"]] for row in data["rows"]]
    rows.append([_("Total"), *(column["total"] for column in data["columns"]), data["total"]])
    access_log.access_log_record(
        actor=request.user,
        kind=AccessLogEntry.Kind.EXPORTED,
        details={
            "model": "report:pivot",
            "format": request.GET["export"],
            "row_count": len(rows),
            "filters": {k: v for k, v in request.GET.items() if k != "export" and v},
        },
        request=request,
    )
    return export_response(
        file_format=request.GET["export"],
        headers=headers,
        rows=rows,
        basename=f"pivot-{data['measure']}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}",
        sheet_title=str(measure.label),
        kinds=[TEXT, *([measure.kind] * (len(headers) - 1))],
    )


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in TRANSIENT:
        query.pop(name, None)
    return query.urlencode()


def _cell_query(query: str, row: str | None, column: str | None) -> str:
    cell = QueryDict(query, mutable=True)
    if row is not None:
        cell["row"] = row
    if column is not None:
        cell["column"] = column
    return cell.urlencode()


class PivotView(ReportsPageView):
    """The pivot: its choices, the table with totals (each cell a link to its records), the
    chart, the xlsx/CSV download and the control that saves it as a query."""

    active_nav = "pivot"

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        form = PivotForm(request.GET or None, actor=actor)
        data = pivot_run(actor, form.params()) if form.is_valid() else None
        if data is not None and request.GET.get("export") in FORMATS:
            return _export(request, data)
        query = _query(request)
        links: dict[str, Any] = {}
        if data is not None:
            links = {
                "rows": [
                    (
                        row,
                        [
                            (value, _cell_query(query, row["key"], column["key"]))
                            for value, column in zip(row["cells"], data["columns"], strict=True)
                        ],
                        _cell_query(query, row["key"], None),
                    )
                    for row in data["rows"]
                ],
                "columns": [
                    (column, _cell_query(query, None, column["key"])) for column in data["columns"]
                ],
                "total": _cell_query(query, None, None),
            }
        context = self.get_context(
            form=form,
            data=data,
            links=links,
            measure=MEASURES[data["measure"]] if data else None,
            rows_dimension=DIMENSIONS[data["rows_dimension"]] if data else None,
            figure=charts.figure_data(pivot_chart(data)) if data else None,
            query=query,
            plotly_version=plotly.__version__,
            save_key=PIVOT_KEY,
            **queries_context(actor, PIVOT_KEY),
            current_view=request.GET.get("view", ""),
        )
        return render_page(
            request,
            template="analytics/pivot.html",
            partial_template="analytics/partials/_pivot_body.html",
            context=context,
        )


RECORD_ORDERING = {
    ORDER_RECORDS: ("-order_date", "-id"),
    LINE_RECORDS: ("-order_id", "position", "id"),
    CUSTOMER_RECORDS: ("name_sort", "id"),
}
RECORD_RELATED = {
    ORDER_RECORDS: ("customer", "customer__owner"),
    LINE_RECORDS: ("order", "order__customer", "product"),
    CUSTOMER_RECORDS: ("owner", "level", "region"),
}


class PivotRecordsView(ReportsPageView):
    """The records behind one cell of the pivot (or a row's, a column's or the grand total):
    orders, order lines, customers or service requests, a page at a time."""

    active_nav = "pivot"

    active_nav = "pivot"

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        form = PivotForm(request.GET or None, actor=actor)
        context: dict[str, Any] = {"form": form, "errors": []}
        if form.is_valid():
            params = form.params()
            row, column = request.GET.get("row"), request.GET.get("column")
            try:
                kind, records = pivot_cell_records(
                    actor=actor, params=params, row=row, column=column
                )
            except ValidationError as error:  # a cell key that is none of the pivot's
                context["errors"] = [
                    (_("Row") if name == "row" else _("Column") if name == "column" else name, text)
                    for name, texts in error.message_dict.items()
                    for text in texts
                ]
                return render(
                    request,
                    "analytics/pivot_records.html",
                    self.get_context(**context),
                    status=400,
                )
            records = records.select_related(
                *RECORD_RELATED.get(kind, ("customer", "service_type"))
            )
            ordering = RECORD_ORDERING.get(kind, ("-created_at", "-id"))
            page = paginate_request(request, records, ordering=ordering)
            data = pivot_run(actor, params)
            context.update(
                kind=kind,
                page=page,
                measure=MEASURES[params["measure"]],
                cell=_cell_labels(data, row, column),
                back=_query(request),
                data=data,
            )
        status = 200 if form.is_valid() else 400
        return render(
            request, "analytics/pivot_records.html", self.get_context(**context), status=status
        )


def _cell_labels(data: ReportData, row: str | None, column: str | None) -> dict[str, Any]:
    """The cell's row and column names and its value, as the pivot shows them."""
    rows = {item["key"]: item for item in data["rows"]}
    columns = {item["key"]: (index, item) for index, item in enumerate(data["columns"])}
    found_row = rows.get(row) if row is not None else None
    found_column = columns.get(column) if column is not None else None
    value = data["total"]
    if found_row and found_column:
        value = found_row["cells"][found_column[0]]
    elif found_row:
        value = found_row["total"]
    elif found_column:
        value = found_column[1]["total"]
    return {
        "row": found_row["label"] if found_row else None,
        "column": found_column[1]["label"] if found_column else None,
        "value": value,
        "rows_dimension": DIMENSIONS[data["rows_dimension"]].label,
        "columns_dimension": DIMENSIONS[data["columns_dimension"]].label
        if data["columns_dimension"]
        else None,
    }


class SavedQueriesView(ReportsPageView):
    """My queries 自定义查询: every saved list filter, report filter set and pivot the reader may
    reopen — their own and those their team shares."""

    active_nav = "saved_queries"

    active_nav = "saved_queries"

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        queries = saved_query_list(actor=actor)
        return render(
            request,
            "analytics/queries.html",
            self.get_context(queries=queries),
        )


pivot_page = PivotView.as_view()
pivot_records = PivotRecordsView.as_view()
saved_queries = SavedQueriesView.as_view()
