"""Customer contribution 客户贡献分析: the order amount of each customer in a period, ranked.

Revenue as defined in ``analytics.selectors`` (cancelled orders and the recycle bin never
count). Three queries whatever the data: the ranked top rows, the period's totals, the customers
of those rows.
"""

from django.db.models import Count, DecimalField, Func, IntegerField, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.analytics import charts, periods
from guanxi.analytics.forms import ReportFilterForm, limit_field
from guanxi.analytics.framework import (
    ID,
    INTEGER,
    MONEY,
    PERCENT,
    Column,
    ReportDefinition,
    TableSpec,
    register,
)
from guanxi.analytics.selectors import revenue_orders
from guanxi.analytics.sessions import grouping_in_index_order
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


_MONEY = DecimalField(max_digits=24, decimal_places=2)


class OverAll(Func):
    """``SUM(<aggregate>) OVER ()``: the total of an aggregate over every group of the query."""

    template = "SUM(%(expressions)s) OVER ()"


class GroupCount(Func):
    """``COUNT(*) OVER ()``: how many groups the query has (before LIMIT)."""

    template = "COUNT(*) OVER ()"
    contains_aggregate = True  # evaluated after GROUP BY, never grouped by

    def __init__(self):
        super().__init__(output_field=IntegerField())


def _label(entry) -> str:
    return entry.label if entry is not None else ""


def _ranked(actor, params: dict, limit: int) -> list[dict]:
    """The top ``limit`` customers' sums, each row with the period's totals over every customer
    beside it: one scan of the orders."""
    orders = revenue_orders(actor=actor, params=params)
    with grouping_in_index_order():
        return list(
            orders.values("customer_id")
            .annotate(
                amount=Sum("total"),
                orders=Count("*"),
                all_amount=OverAll(Sum("total"), output_field=_MONEY),
                all_orders=OverAll(Count("*"), output_field=IntegerField()),
                all_customers=GroupCount(),
            )
            .order_by("-amount", "customer_id")[:limit]
        )


def compute(actor, params: dict) -> dict:
    ranked = _ranked(actor, params, params.get("limit") or 20)
    first = ranked[0] if ranked else {"all_amount": 0, "all_orders": 0, "all_customers": 0}
    totals = {
        "amount": first["all_amount"],
        "orders": first["all_orders"],
        "customers": first["all_customers"],
    }
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
                "owner_name": (customer.owner.get_full_name() or customer.owner.username)
                if customer.owner
                else "",
                "level": _label(customer.level),
                "region": _label(customer.region),
                "orders": row["orders"],
                "amount": amount,
                "share": periods.percent(amount, total),
                "cumulative_share": periods.percent(running, total),
            }
        )
    return {
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


def chart(data: dict):
    rows = data["rows"]
    return charts.figure(
        charts.go.Bar(
            x=[row["name"] for row in rows],
            y=charts.numbers(row["amount"] for row in rows),
            name=str(_("Order amount")),
            customdata=[row["code"] for row in rows],
        ),
        yaxis={"title": {"text": str(_("Order amount"))}, "tickprefix": "¥"},
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
