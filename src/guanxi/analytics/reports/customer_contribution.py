"""Customer contribution 客户贡献分析: the order amount of each customer in a period, ranked.

Revenue as defined in ``analytics.selectors.reports`` (cancelled orders and the recycle bin never
count). A fixed number of queries whatever the data: live, the ranked top rows with the
period's totals beside them (one scan of the orders), then the customers of those rows.

For someone who sees everything, with no account manager, team, region or level filter, over
exactly the dates of a preset period, the report reads the period's stored ranking instead
(``analytics.selectors.rollups``, refreshed by a job) and shows when it was computed (``as_of``):
the ranking's totals and top rows, then their customers.
"""

from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm, limit_field
from guanxi.analytics.framework import (
    ID,
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
from guanxi.analytics.selectors.reports import ranked_customers, revenue_orders
from guanxi.analytics.selectors.rollups import stored_ranking
from guanxi.customers.models import Customer


class ContributionForm(ReportFilterForm):
    limit = limit_field(default=20, maximum=200)
    api_help = {"limit": "How many customers, from the top (1–200, default 20)."}


ROWS = TableSpec(
    "rows",
    _("Customers ranked by order amount"),
    (
        Column("rank", _("Rank"), INTEGER),
        Column("customer", _("Customer id"), ID),
        Column("code", _("Customer code")),
        Column("name", _("Customer")),
        Column("owner_name", _("Account manager")),
        Column("level", _("Customer level")),
        Column("region", _("Region")),
        Column("orders", _("Orders"), INTEGER),
        Column("amount", _("Order amount"), MONEY),
        Column("share", _("Share of total (%)"), PERCENT),
        Column("cumulative_share", _("Cumulative share (%)"), PERCENT),
    ),
    hidden=("customer",),
)
SUMMARY = (
    Column("customers", _("Customers with orders"), INTEGER),
    Column("orders", _("Orders"), INTEGER),
    Column("amount", _("Order amount"), MONEY),
    Column("top_share", _("Share of the customers shown (%)"), PERCENT),
)


def _label(entry) -> str:
    return entry.label if entry is not None else ""


def _stored_rows(ranking, limit: int) -> tuple[list[dict], dict]:
    """The top ``limit`` rows and the totals of a stored ranking."""
    ranked = list(ranking.top.filter(rank__lte=limit).values("customer_id", "orders", "amount"))
    totals = {"amount": ranking.amount, "orders": ranking.orders, "customers": ranking.customers}
    return ranked, totals


def _live_rows(actor, params: dict, limit: int) -> tuple[list[dict], dict]:
    """The top ``limit`` rows and the totals, computed from the orders."""
    ranked = ranked_customers(revenue_orders(actor=actor, params=params), limit=limit)
    first = ranked[0] if ranked else {"all_amount": 0, "all_orders": 0, "all_customers": 0}
    totals = {
        "amount": first["all_amount"],
        "orders": first["all_orders"],
        "customers": first["all_customers"],
    }
    return ranked, totals


def compute(actor: User, params: ReportParams) -> ReportData:
    limit = params.get("limit") or 20
    ranking = stored_ranking(actor=actor, params=params)
    if ranking is not None:
        ranked, totals = _stored_rows(ranking, limit)
    else:
        ranked, totals = _live_rows(actor, params, limit)
    total = periods.money(totals["amount"])
    customers = Customer.all_objects.select_related("owner", "level", "region").in_bulk(
        [row["customer_id"] for row in ranked]
    )
    rows, running = [], periods.money(0)
    for rank, row in enumerate(ranked, start=1):
        customer = customers[row["customer_id"]]
        amount = periods.money(row["amount"])
        running += amount
        rows.append(
            {
                "rank": rank,
                "customer": customer.pk,
                "code": customer.code,
                "name": customer.name,
                "owner_name": str(customer.owner) if customer.owner else "",
                "level": _label(customer.level),
                "region": _label(customer.region),
                "orders": row["orders"],
                "amount": amount,
                "share": periods.percent(amount, total),
                "cumulative_share": periods.percent(running, total),
            }
        )
    result = {
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "summary": {
            "customers": totals["customers"],
            "orders": totals["orders"],
            "amount": total,
            "top_share": periods.percent(running, total),
        },
        "rows": rows,
    }
    if ranking is not None:
        result["as_of"] = ranking.computed_at
    return result


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["rows"]
    amounts = [row["amount"] for row in rows]
    return charts.figure(
        charts.money_bar([row["name"] for row in rows], amounts, name=_("Order amount")),
        yaxis=charts.money_axis(amounts, title=_("Order amount")),
        xaxis={"type": "category"},
    )


REPORT = register(
    ReportDefinition(
        slug="customer-contribution",
        name="customer_contribution",
        title=_("Customer contribution"),
        description=_(
            "Order amount of each customer in the period, largest first. Cancelled orders and "
            "deleted records do not count."
        ),
        form_class=ContributionForm,
        compute=compute,
        chart=chart,
        tables=(ROWS,),
        summary=SUMMARY,
    )
)
