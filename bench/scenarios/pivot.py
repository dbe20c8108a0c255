"""Pivot scenarios 多维分析: the page and API over the last 12 months — month × account manager
revenue (read from the day figures once they are refreshed), region × level revenue and month ×
team customers who bought (one GROUP BY and its totals, live), service type × channel requests
— as the executive (everything) and as an account manager (own customers)."""

from bench.scenarios import http, python

PERIOD = "preset=last_12_months"
PIVOTS = {
    "month-owner-revenue": "rows=month&columns=owner&measure=revenue",
    "region-level-revenue": "rows=region&columns=level&measure=revenue",
    "month-team-customers": "rows=month&columns=team&measure=customers",
    "category-quarter-revenue": "rows=category&columns=quarter&measure=revenue",
    "type-channel-requests": "rows=service_type&columns=channel&measure=requests",
}


def _api(query):
    return lambda ctx: f"/api/reports/pivot/?{PERIOD}&{query}"


for _name, _query in PIVOTS.items():
    http(f"api.pivot.{_name}.exec", user="exec", about=f"GET /api/reports/pivot/ ({_name})")(
        _api(_query)
    )
http("reports.pivot.exec", user="exec", about="GET /reports/pivot/ (month × account manager)")(
    lambda ctx: f"/reports/pivot/?{PERIOD}&{PIVOTS['month-owner-revenue']}"
)
http("api.pivot.month-owner-revenue.manager1", user="manager1", about="own customers")(
    _api(PIVOTS["month-owner-revenue"])
)


def _compute(query):
    def run(ctx, user):
        from django.http import QueryDict

        from guanxi.analytics.pivot import PivotForm
        from guanxi.analytics.selectors.pivot import pivot_compute

        form = PivotForm(QueryDict(f"{PERIOD}&{query}"), actor=user)
        assert form.is_valid(), form.errors
        pivot_compute(actor=user, params=form.params())

    return run


# The pivot computed in-process, without the result cache: what a cold page costs.
for _name, _query in PIVOTS.items():
    python(f"pivot.{_name}.exec", user="exec", about=f"{_name} computed in-process (cold)")(
        _compute(_query)
    )
