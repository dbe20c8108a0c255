"""The report pages 统计报表: the list of reports, one page per report (filters, chart, tables),
its CSV and xlsx downloads, and plotly.js from the installed plotly package.

Every number comes from the report's ``compute`` (see ``framework``); the page, the export and
the API show the same rows.
"""

from pathlib import Path
from typing import Any, cast

import plotly
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from guanxi.accounts.models import User
from guanxi.analytics import charts, rules
from guanxi.analytics.framework import ReportData, ReportDefinition, get_report, reports
from guanxi.analytics.kpis import KPIForm, cached_dashboard, dashboard_themes
from guanxi.analytics.selectors.queries import report_key, saved_query_list
from guanxi.analytics.templatetags.reports import export_value
from guanxi.core import lists, navigation
from guanxi.core.export import FORMATS, export_response
from guanxi.core.models import AccessLogEntry
from guanxi.core.services import access_log
from guanxi.core.views.generic import ScopedPageView, render_page

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Query parameters a saved query never keeps (downloads, the saved view's own marks).
NOT_SAVED = ("export", "table", "view", "cols", "cursor")

# Each report's filters can be saved as a query, like a list's (``core.lists``).
for _report in reports():
    lists.register(report_key(_report.slug))


def queries_context(actor: User, key: str) -> dict[str, Any]:
    """The reader's saved queries (``my_queries``, the menu) and this page's (``saved``): one
    query."""
    everything = saved_query_list(actor=actor)
    return {"my_queries": everything, "saved": [q for q in everything if q.view.list_key == key]}


class ReportsPageView(ScopedPageView):
    """A page of the reports: sign-in, the reports' right, the reports' navigation entry.

    Reports are read-only figures, not records: there is no list to page through, no record
    to read through a scoped selector and no form to save, so the record views of
    ``core.views.generic`` do not fit; each report reads within the reader's scope itself.
    """

    http_method_names = ["get", "head", "options"]
    permission = rules.VIEW_REPORTS
    active_nav = "reports"


class ReportIndexView(ReportsPageView):
    """The list of the reports the reader may open."""

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        # A rule's record need not be a model: here it is the report's definition.
        listed = [
            report
            for report in reports()
            if actor.has_perm(rules.OPEN_REPORT, report)  # type: ignore[arg-type]
        ]
        return render(
            request,
            "analytics/index.html",
            self.get_context(reports=listed, my_queries=saved_query_list(actor=actor)),
        )


def _export(request: HttpRequest, report: ReportDefinition, data: ReportData) -> HttpResponse:
    table = report.table(request.GET.get("table"))
    columns = table.visible_columns
    rows = (
        [export_value(row.get(column.key), column) for column in columns] for row in data[table.key]
    )
    access_log.access_log_record(
        actor=request.user,
        kind=AccessLogEntry.Kind.EXPORTED,
        details={
            "model": f"report:{report.slug}",
            "format": request.GET["export"],
            "row_count": len(data[table.key]),
            "filters": {
                key: value
                for key, value in request.GET.items()
                if key not in {"export", "table"} and value
            },
        },
        request=request,
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
        kinds=[column.kind for column in columns],
    )


def report_nav_key(slug: str) -> str:
    """The menu entry of a report that has its own (the customer-intelligence reports)."""
    return f"report-{slug}"


class ReportView(ReportsPageView):
    """One report: its filters, chart and tables (an htmx request gets the body only), or a
    table's CSV/xlsx download when ``export`` asks for one."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        report = get_report(slug)
        if report is None:
            raise Http404
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        # A rule's record need not be a model: here it is the report's definition.
        if not actor.has_perm(rules.OPEN_REPORT, report):  # type: ignore[arg-type]
            raise PermissionDenied
        form = report.form_class(request.GET or None, actor=actor)
        data = report.cached_run(actor, form.params()) if form.is_valid() else None
        if data is not None and request.GET.get("export") in FORMATS:
            return _export(request, report, data)
        query = request.GET.copy()
        for name in NOT_SAVED:
            query.pop(name, None)
        context = self.get_context(
            # A report with its own menu entry marks it; the others mark "Reports".
            active_nav=report_nav_key(report.slug)
            if report_nav_key(report.slug) in navigation.registered_keys()
            else self.active_nav,
            report=report,
            form=form,
            data=data,
            tables=[(spec, data[spec.key]) for spec in report.tables] if data else [],
            figure=charts.figure_data(report.chart(data)) if data else None,
            query=query.urlencode(),
            plotly_version=plotly.__version__,
            save_key=report_key(report.slug),
            **queries_context(actor, report_key(report.slug)),
            current_view=request.GET.get("view", ""),
        )
        return render_page(
            request,
            template="analytics/report.html",
            partial_template="analytics/partials/_report_body.html",
            context=context,
        )


class KPIDashboardView(ReportsPageView):
    """The KPI dashboard 关键指标: each KPI for the period and the one before, with definition
    and a link to the records behind it."""

    active_nav = "kpis"

    def get(self, request: HttpRequest) -> HttpResponse:
        actor = cast(User, request.user)  # signed in (ScopedPageView)
        form = KPIForm(request.GET or None, actor=actor)
        data = None
        if form.is_valid():
            data = cached_dashboard(actor=actor, params=form.params(), with_series=True)
        return render_page(
            request,
            template="analytics/kpis.html",
            partial_template="analytics/partials/_kpis.html",
            context=self.get_context(
                form=form, data=data, themes=dashboard_themes(data) if data else []
            ),
        )


# Not a page but a static file (open like static files, no sign-in): a plain view.
@require_GET
def plotly_js(request: HttpRequest) -> FileResponse:
    """plotly.js as shipped inside the installed ``plotly`` package (MIT licence), cached long:
    the page asks for it with the package version in the query string."""
    response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


report_index = ReportIndexView.as_view()
report_page = ReportView.as_view()
kpi_dashboard = KPIDashboardView.as_view()
