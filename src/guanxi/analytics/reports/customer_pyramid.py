"""Customer pyramid 客户金字塔 and Pareto chart: the customers who bought in the period, ranked by
revenue, in four tiers — the top 1 %, the next 4 %, the next 15 % and the other 80 % — with each
tier's revenue and share, and the share of the top 20 %.

Customer at rank r of n (largest revenue first, ties by id) is in percentile p = ⌈100·r/n⌉:
tier 1 is p = 1, tier 2 p = 2–5, tier 3 p = 6–20, tier 4 p = 21–100. With fewer than 100
customers the top tiers can be empty (the top 1 % of 50 customers is nobody). The database
ranks and counts the customers and sums per percentile in one query
(``selectors.reports.revenue_percentiles``); tiers and the Pareto curve are read off the 100
percentiles.

Below the buying tiers, the prospect tiers the seed names, counted live within the scope:

- 可能客户 (possible customers): the customers (not in the recycle bin, matching the filters)
  with no revenue in the period — every customer in scope less those ranked above, so the
  tiers add up to the customers seen;
- 远景客户 (prospects): open leads (new or assigned) and open opportunities (not won or lost)
  on no customer yet — an opportunity on a customer concerns someone already counted above.
  The account manager and team filters apply to the lead's owner and the opportunity's
  assignee, the region filter to the lead's region; with a region filter opportunities (which
  have no region) and with a level filter every prospect (none has a level) are left out.

Prospect tiers have no revenue ("—") and take no share.

For someone who sees everything, with no account manager, team, region or level filter, over
exactly the dates of a preset period, the percentiles are read from the period's stored ranking
(``analytics.selectors.rollups``, refreshed by a job) and the report shows when they were computed
(``as_of``).
"""

import datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    INTEGER,
    MONEY,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.selectors.reports import (
    report_customers,
    revenue_orders,
    revenue_percentiles,
)
from guanxi.analytics.selectors.rollups import stored_ranking
from guanxi.core.scoping import scope_queryset
from guanxi.sales.models import Lead, Opportunity
from guanxi.sales.selectors.leads import lead_list

# (key, label, first percentile, last percentile)
TIERS = [
    ("top_1", _("Top 1%"), 1, 1),
    ("next_4", _("Next 4%"), 2, 5),
    ("next_15", _("Next 15%"), 6, 20),
    ("other_80", _("Other 80%"), 21, 100),
]
POSSIBLE = ("possible", _("Possible customers (no purchase in the period)"))
PROSPECTS = ("prospects", _("Prospects (open leads and opportunities)"))


class PyramidForm(ReportFilterForm):
    pass


TIER_TABLE = TableSpec(
    "tiers",
    _("Customer pyramid"),
    (
        Column("key", _("Code")),
        Column("tier", _("Tier")),
        Column("customers", _("Customers"), INTEGER),
        Column("revenue", _("Revenue"), MONEY),
        Column("share", _("Share of revenue (%)"), PERCENT),
        Column("cumulative_share", _("Cumulative share (%)"), PERCENT),
    ),
    hidden=("key",),
)
PARETO_TABLE = TableSpec(
    "pareto",
    _("Pareto: revenue per customer percentile"),
    (
        Column("percentile", _("Customer percentile"), INTEGER),
        Column("customers", _("Customers"), INTEGER),
        Column("revenue", _("Revenue"), MONEY),
        Column("share", _("Share of revenue (%)"), PERCENT),
        Column("cumulative_share", _("Cumulative share (%)"), PERCENT),
    ),
)
SUMMARY = (
    Column("customers", _("Customers with revenue"), INTEGER),
    Column("revenue", _("Revenue"), MONEY),
    Column("top_20_share", _("Share of the top 20% (%)"), PERCENT),
    Column("possible", _("Possible customers"), INTEGER),
    Column("prospects", _("Prospects"), INTEGER),
)


def _prospects(actor: User, params: ReportParams) -> int:
    """Open leads and open opportunities on no customer yet, in scope and filters."""
    if params.get("level") is not None:
        return 0
    leads = lead_list(actor=actor).exclude(status__in=Lead.CLOSED_STATUSES).order_by()
    opportunities = (
        scope_queryset(Opportunity.objects.all(), actor)
        .exclude(status__in=Opportunity.CLOSED_STATUSES)
        .filter(customer__isnull=True)
        .order_by()
    )
    if params.get("owner") is not None:
        leads = leads.filter(owner=params["owner"])
        opportunities = opportunities.filter(assigned_to=params["owner"])
    if params.get("team") is not None:
        leads = leads.filter(owner__team__path__startswith=params["team"].path)
        opportunities = opportunities.filter(
            assigned_to__team__path__startswith=params["team"].path
        )
    count = leads.filter(region=params["region"]).count() if params.get("region") else leads.count()
    if params.get("region") is None:
        count += opportunities.count()
    return count


def _percentiles(
    actor: User, params: ReportParams
) -> tuple[list[tuple[int, int, Decimal]], datetime.datetime | None]:
    """(percentile, customers, revenue) for each percentile that has customers, in order, and
    the as-of time of the stored ranking they were read from (None: computed live)."""
    ranking = stored_ranking(actor=actor, params=params)
    if ranking is None:
        return revenue_percentiles(revenue_orders(actor=actor, params=params)), None
    stored = ranking.percentiles.values_list("percentile", "customers", "revenue")
    return [(p, n, periods.money(revenue)) for p, n, revenue in stored], ranking.computed_at


def compute(actor: User, params: ReportParams) -> ReportData:
    percentiles, as_of = _percentiles(actor, params)
    total = sum((revenue for _p, _n, revenue in percentiles), periods.money(0))
    customers = sum(n for _p, n, _r in percentiles)
    pareto, running = [], periods.money(0)
    for percentile, count, revenue in percentiles:
        running += revenue
        pareto.append(
            {
                "percentile": percentile,
                "customers": count,
                "revenue": revenue,
                "share": periods.percent(revenue, total),
                "cumulative_share": periods.percent(running, total),
            }
        )
    tiers: list[dict[str, Any]] = []
    running = periods.money(0)
    for key, label, first, last in TIERS:
        inside = [(n, r) for p, n, r in percentiles if first <= p <= last]
        revenue = sum((r for _n, r in inside), periods.money(0))
        running += revenue
        tiers.append(
            {
                "key": key,
                "tier": str(label),
                "customers": sum(n for n, _r in inside),
                "revenue": revenue,
                "share": periods.percent(revenue, total),
                "cumulative_share": periods.percent(running, total),
            }
        )
    possible = report_customers(actor=actor, params=params).count() - customers
    for (key, label), count in ((POSSIBLE, possible), (PROSPECTS, _prospects(actor, params))):
        tiers.append(
            {
                "key": key,
                "tier": str(label),
                "customers": max(count, 0),
                "revenue": None,
                "share": None,
                "cumulative_share": None,
            }
        )
    top_20 = sum((tier["revenue"] for tier in tiers[:3]), periods.money(0))
    result = {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "summary": {
            "customers": customers,
            "revenue": total,
            "top_20_share": periods.percent(top_20, total),
            "possible": tiers[-2]["customers"],
            "prospects": tiers[-1]["customers"],
        },
        "tiers": tiers,
        "pareto": pareto,
    }
    if as_of is not None:
        result["as_of"] = as_of
    return result


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["pareto"]
    x = [row["percentile"] for row in rows]
    revenue = [row["revenue"] for row in rows]
    return charts.figure(
        charts.money_bar(x, revenue, name=_("Revenue")),
        charts.percent_line(
            x,
            [row["cumulative_share"] for row in rows],
            name=_("Cumulative share (%)"),
            yaxis="y2",
        ),
        xaxis={"title": {"text": str(_("Customer percentile"))}, "ticksuffix": "%"},
        yaxis=charts.money_axis(revenue, title=_("Revenue")),
        yaxis2=charts.percent_axis(overlaying="y", side="right", range=[0, 100], showgrid=False),
    )


REPORT = register(
    ReportDefinition(
        slug="customer-pyramid",
        name="customer_pyramid",
        title=_("Customer pyramid"),
        description=_(
            "Customers who bought in the period ranked by revenue: the top 1%, next 4%, next "
            "15% and other 80%, each tier's share, the top 20%'s share, and the Pareto chart; "
            "below them the possible customers (no purchase in the period) and the prospects "
            "(open leads and opportunities)."
        ),
        form_class=PyramidForm,
        compute=compute,
        chart=chart,
        tables=(TIER_TABLE, PARETO_TABLE),
        summary=SUMMARY,
    )
)
