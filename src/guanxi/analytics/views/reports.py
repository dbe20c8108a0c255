"""The report pages 统计报表: the list of reports, one page per report (filters, chart, tables),
its CSV and xlsx downloads, and plotly.js from the installed plotly package.

Every number comes from the report's ``compute`` (see ``framework``); the page, the export and
the API show the same rows.
"""

from pathlib import Path

import plotly
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from guanxi.analytics import charts
from guanxi.analytics.framework import get_report, reports
from guanxi.analytics.kpis import KPIForm, cached_dashboard
from guanxi.analytics.templatetags.reports import export_value
from guanxi.core.decorators import requires
from guanxi.core.export import FORMATS, export_response
from guanxi.core.htmx import is_partial

ACTIVE_NAV = "reports"
RIGHT = "analytics.view_reports"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@requires(RIGHT)
def report_index(request):
    return render(request, "analytics/index.html", {"active_nav": ACTIVE_NAV, "reports": reports()})


def _export(request, report, form, data):
    table = report.table(request.GET.get("table"))
    columns = table.visible_columns
    rows = (
        [export_value(row.get(column.key), column) for column in columns] for row in data[table.key]
    )
    period = ""
    if data.get("date_from"):
        period = f"-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    return export_response(
        file_format=request.GET["export"],
        headers=[column.label for column in columns],
        rows=rows,
        basename=f"{report.slug}{'' if table is report.tables[0] else '-' + slugify(table.key)}"
        f"{period}",
        sheet_title=str(table.title),
    )


@requires(RIGHT)
def report_page(request, slug: str):
    report = get_report(slug)
    if report is None:
        raise Http404
    form = report.form_class(request.GET or None, actor=request.user)
    data = report.cached_run(request.user, form.params()) if form.is_valid() else None
    if data is not None and request.GET.get("export") in FORMATS:
        return _export(request, report, form, data)
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("table", None)
    context = {
        "active_nav": ACTIVE_NAV,
        "report": report,
        "form": form,
        "data": data,
        "tables": [(spec, data[spec.key]) for spec in report.tables] if data else [],
        "figure": charts.figure_data(report.chart(data)) if data else None,
        "query": query.urlencode(),
        "plotly_version": plotly.__version__,
    }
    partial = is_partial(request)  # a history restore needs the page
    template = "analytics/partials/_report_body.html" if partial else "analytics/report.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@requires(RIGHT)
def kpi_dashboard(request):
    """The KPI dashboard 关键指标: each KPI for the period and the one before, with definition
    and a link to the records behind it."""
    form = KPIForm(request.GET or None, actor=request.user)
    data = None
    if form.is_valid():
        data = cached_dashboard(actor=request.user, params=form.params())
    context = {"active_nav": ACTIVE_NAV, "form": form, "data": data}
    partial = is_partial(request)  # a history restore needs the page
    template = "analytics/partials/_kpis.html" if partial else "analytics/kpis.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def plotly_js(request):
    """plotly.js as shipped inside the installed ``plotly`` package (MIT licence), cached long:
    the page asks for it with the package version in the query string."""
    response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
