# ruff: noqa: S608  (the SQL is built from model table names only; values are parameters)
"""Report scenarios: each report's page and API as the executive (everything) and,
for comparison, each report computed in-process (``report.<name>.orm``) beside a hand-written
SQL query computing the same numbers (``report.<name>.sql``). The runner prints the ratio of
each pair's p95 (ORM ÷ SQL; the goal is at most 1.5).

The period is the last 12 months; the hand-written queries use the same rules as the reports
(cancelled orders and the recycle bin excluded), without scope (the executive sees everything).
"""

from functools import cache

from bench.scenarios import http, python

REPORT_SLUGS = (
    "customer-contribution",
    "customer-composition",
    "service-composition",
    "churn",
    "sales-trend",
    "employee-performance",
    "customer-pyramid",
)
PERIOD_QUERY = "preset=last_12_months"


def _page(slug):
    return lambda ctx: f"/reports/{slug}/?{PERIOD_QUERY}"


def _api(slug):
    return lambda ctx: f"/api/reports/{slug}/?{PERIOD_QUERY}"


for _slug in REPORT_SLUGS:
    http(f"reports.{_slug}.exec", user="exec", about=f"GET /reports/{_slug}/ (all records)")(
        _page(_slug)
    )
    http(f"api.reports.{_slug}.exec", user="exec", about=f"GET /api/reports/{_slug}/")(_api(_slug))
http("api.reports.customer-contribution.manager1", user="manager1", about="own customers")(
    _api("customer-contribution")
)
http("api.reports.employee-performance.supervisor", user="supervisor", about="the team")(
    _api("employee-performance")
)
http("reports.kpis.exec", user="exec", about="GET /reports/kpis/ (all records)")(
    lambda ctx: f"/reports/kpis/?{PERIOD_QUERY}"
)
http("api.kpis.exec", user="exec", about="GET /api/kpis/ (all records)")(
    lambda ctx: f"/api/kpis/?{PERIOD_QUERY}"
)


@cache
def _period():
    from django.utils import timezone

    from guanxi.analytics import periods

    return periods.preset_range(periods.LAST_12_MONTHS, timezone.localdate())


def _orm(slug):
    def run(ctx, user):
        from guanxi.analytics.framework import get_report

        report = get_report(slug)
        form = report.form_class({"preset": "last_12_months"}, actor=user)
        assert form.is_valid(), form.errors
        report.run(user, form.params())

    return run


def _tables():
    from guanxi.accounts.models import User
    from guanxi.core.models import DictionaryEntry
    from guanxi.customers.models import ChurnCase, Customer
    from guanxi.sales.models import Order
    from guanxi.service.models import ServiceRequest

    return {
        "customer": Customer._meta.db_table,
        "order": Order._meta.db_table,
        "request": ServiceRequest._meta.db_table,
        "churn": ChurnCase._meta.db_table,
        "user": User._meta.db_table,
        "dictionary": DictionaryEntry._meta.db_table,
    }


def _live(column: str) -> str:
    """``column``'s customer is not in the recycle bin: the few deleted customers come from
    their partial index, which beats joining every customer."""
    return f"{column} NOT IN (SELECT id FROM {_tables()['customer']} WHERE deleted_at IS NOT NULL)"


def _revenue_from() -> str:
    t = _tables()
    return (
        f"FROM {t['order']} o WHERE o.deleted_at IS NULL AND {_live('o.customer_id')} "
        "AND o.status <> 'cancelled' AND o.order_date BETWEEN %s AND %s"
    )


def _month(column: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"date_trunc('month', {column})"
    return f"strftime('%%Y-%%m-01', {column})"


def _bounds():
    from guanxi.analytics import periods

    return periods.day_bounds(*_period())


def _sql_contribution():
    return (
        # The top 20 and the period's totals (amount, orders, customers), as the report shows.
        "SELECT o.customer_id, SUM(o.total), COUNT(*), SUM(SUM(o.total)) OVER (), "
        f"SUM(COUNT(*)) OVER (), COUNT(*) OVER () {_revenue_from()} "
        "GROUP BY o.customer_id ORDER BY SUM(o.total) DESC, o.customer_id LIMIT 20",
        [*_period()],
    )


def _sql_composition():
    t = _tables()
    return (
        f"SELECT level_id, COUNT(*) FROM {t['customer']} WHERE deleted_at IS NULL "
        "GROUP BY level_id",
        [],
    )


def _sql_service():
    t = _tables()
    return (
        "SELECT service_type_id, COUNT(*), "
        "SUM(CASE WHEN status = 'archived' THEN 1 ELSE 0 END), AVG(satisfaction) "
        f"FROM {t['request']} WHERE deleted_at IS NULL AND created_at >= %s AND created_at < %s "
        "GROUP BY service_type_id",
        [*_bounds()],
    )


def _sql_churn():
    """Counts per month and reason, and the latest churned customers listed (as the report)."""
    t = _tables()
    where = (
        f"WHERE {_live('k.customer_id')} "
        "AND k.state = 'confirmed' AND k.closed_at >= %s AND k.closed_at < %s"
    )
    return [
        (
            f"SELECT {_month('k.closed_at')}, k.reason_id, COUNT(*) FROM {t['churn']} k "
            f"{where} GROUP BY 1, 2",
            [*_bounds()],
        ),
        (
            "SELECT k.closed_at, c.code, c.name, u.username, d.name_zh, d.name_en, k.reason_text, "
            f"k.last_order_at FROM {t['churn']} k JOIN {t['customer']} c ON c.id = k.customer_id "
            f"LEFT JOIN {t['user']} u ON u.id = k.owner_id "
            f"LEFT JOIN {t['dictionary']} d ON d.id = k.reason_id "
            f"{where} ORDER BY k.closed_at DESC, k.id DESC LIMIT 100",
            [*_bounds()],
        ),
    ]


def _sql_trend():
    from guanxi.analytics import periods

    date_from, date_to = _period()
    t = _tables()
    return (
        f"SELECT {_month('o.order_date')}, SUM(o.total), COUNT(*) FROM {t['order']} o "
        f"WHERE o.deleted_at IS NULL AND {_live('o.customer_id')} AND o.status <> 'cancelled' "
        "AND o.order_date BETWEEN %s AND %s GROUP BY 1",
        [periods.add_months(date_from, -12), date_to],
    )


def _sql_performance():
    """The report's per-rep aggregates, one query each (the report reads them the same way)."""
    from guanxi.customers.models import Interaction
    from guanxi.sales.models import Deal, Opportunity, PipelineStage, Target
    from guanxi.service.models import ServiceRound

    t = _tables()
    date_from, date_to = _period()
    start, end = _bounds()
    return [
        (
            f"SELECT o.owner_id, COUNT(*), SUM(o.total) {_revenue_from()} GROUP BY o.owner_id",
            [date_from, date_to],
        ),
        (
            "SELECT assigned_to_id, "
            "SUM(CASE WHEN created_at >= %s AND created_at < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN status = 'won' AND closed_at >= %s AND closed_at < %s "
            "THEN 1 ELSE 0 END) "
            f"FROM {Opportunity._meta.db_table} WHERE deleted_at IS NULL "
            "AND ((created_at >= %s AND created_at < %s) "
            "OR (status = 'won' AND closed_at >= %s AND closed_at < %s)) GROUP BY assigned_to_id",
            [start, end] * 4,
        ),
        (
            f"SELECT d.owner_id, COUNT(*), SUM(d.amount) FROM {Deal._meta.db_table} d "
            f"JOIN {PipelineStage._meta.db_table} s ON s.id = d.stage_id "
            f"WHERE d.deleted_at IS NULL AND (d.customer_id IS NULL OR {_live('d.customer_id')}) "
            "AND s.is_won "
            "AND d.won_on BETWEEN %s AND %s GROUP BY d.owner_id",
            [date_from, date_to],
        ),
        (
            f"SELECT r.handled_by_id, COUNT(*) FROM {ServiceRound._meta.db_table} r "
            f"JOIN {t['request']} q ON q.id = r.request_id WHERE q.deleted_at IS NULL "
            "AND r.handled_at >= %s AND r.handled_at < %s GROUP BY r.handled_by_id",
            [start, end],
        ),
        (
            "SELECT COALESCE(i.on_behalf_of_id, i.created_by_id), COUNT(*) "
            f"FROM {Interaction._meta.db_table} i "
            f"WHERE i.deleted_at IS NULL AND {_live('i.customer_id')} "
            "AND i.occurred_at >= %s AND i.occurred_at < %s GROUP BY 1",
            [start, end],
        ),
        (
            "SELECT g.user_id, g.period_kind, SUM(g.amount), SUM((SELECT SUM(o.total) "
            f"FROM {t['order']} o WHERE o.owner_id = g.user_id AND o.deleted_at IS NULL "
            "AND o.status <> 'cancelled' AND o.order_date BETWEEN g.period_start AND g.period_end))"
            f" FROM {Target._meta.db_table} g WHERE g.deleted_at IS NULL AND g.user_id IS NOT NULL "
            "AND g.category_id IS NULL AND g.period_start >= %s AND g.period_end <= %s "
            "GROUP BY g.user_id, g.period_kind",
            [date_from, date_to],
        ),
    ]


def _sql_pyramid():
    return (
        "SELECT (r * 100 + n - 1) / n AS p, COUNT(*), SUM(revenue) FROM ("
        "SELECT SUM(o.total) AS revenue, "
        "ROW_NUMBER() OVER (ORDER BY SUM(o.total) DESC, o.customer_id) AS r, "
        f"COUNT(*) OVER () AS n {_revenue_from()} GROUP BY o.customer_id "
        "HAVING SUM(o.total) > 0) ranked GROUP BY 1 ORDER BY 1",
        [*_period()],
    )


SQL = {
    "customer-contribution": _sql_contribution,
    "customer-composition": _sql_composition,
    "service-composition": _sql_service,
    "churn": _sql_churn,
    "sales-trend": _sql_trend,
    "employee-performance": _sql_performance,
    "customer-pyramid": _sql_pyramid,
}


# The hand-written queries that rank every customer of the period get the same planner
# setting as the reports (grouping streamed from the index), so the ratio compares the queries.
PER_CUSTOMER = {"customer-contribution", "customer-pyramid"}


def _sql(slug):
    def run(ctx, user):
        from contextlib import nullcontext

        from django.db import connection

        from guanxi.analytics.sessions import grouping_in_index_order, report_transaction

        queries = SQL[slug]()
        grouping = grouping_in_index_order if slug in PER_CUSTOMER else nullcontext
        with report_transaction(), grouping(), connection.cursor() as cursor:
            for sql, params in queries if isinstance(queries, list) else [queries]:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


for _slug in REPORT_SLUGS:
    python(f"report.{_slug}.orm", user="exec", about=f"{_slug} computed by the report")(_orm(_slug))
    python(f"report.{_slug}.sql", user="exec", about=f"{_slug} by hand-written SQL")(_sql(_slug))


@python("report.kpis.orm", user="exec", about="the KPI dashboard computed in-process (cold)")
def _kpis_cold(ctx, user):
    from guanxi.analytics.kpis import dashboard

    date_from, date_to = _period()
    dashboard(actor=user, date_from=date_from, date_to=date_to)
