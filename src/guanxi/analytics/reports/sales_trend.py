"""Sales trend 销售趋势分析: sales per month, quarter or year — all products, one category or one
product — with the change against the previous period (环比) and the same period a year
before (同比).

The period is widened to whole buckets (a month report from 15 March starts on 1 March), so
every bucket is comparable with the ones it is compared to. Revenue as in
``analytics.selectors.reports``: for all products the orders' totals, for a product or a category
the amounts of their order lines. One grouped query covers the period and the year before it.
"""

from typing import Any

from django import forms
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm, granularity_field
from guanxi.analytics.framework import (
    DATE,
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
from guanxi.analytics.selectors.reports import revenue_lines, revenue_orders
from guanxi.sales.models import Product, ProductCategory


class SalesTrendForm(ReportFilterForm):
    granularity = granularity_field()
    category = forms.ModelChoiceField(
        label=_("Product category"),
        required=False,
        queryset=ProductCategory.objects.order_by("sort_order", "name"),
        empty_label=_("All products"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        required=False,
        queryset=Product.objects.order_by("name", "id"),
        empty_label=_("All products"),
    )
    api_help = {
        "granularity": "One row per month, quarter or year (default month).",
        "category": "Id of a product category: only its products' order lines.",
        "product": "Id of a product: only its order lines.",
    }


ROWS = TableSpec(
    "rows",
    _("Sales per period"),
    (
        Column("period", _("Period")),
        Column("start", _("From"), DATE),
        Column("orders", _("Orders"), INTEGER),
        Column("amount", _("Sales amount"), MONEY),
        Column("previous_amount", _("Previous period"), MONEY),
        Column("change", _("Change on previous period (%)"), PERCENT),
        Column("last_year_amount", _("Same period last year"), MONEY),
        Column("year_change", _("Change on last year (%)"), PERCENT),
    ),
)
SUMMARY = (
    Column("orders", _("Orders"), INTEGER),
    Column("amount", _("Sales amount"), MONEY),
    Column("last_year_amount", _("Same period last year"), MONEY),
    Column("year_change", _("Change on last year (%)"), PERCENT),
)


def compute(actor: User, params: ReportParams) -> ReportData:
    granularity = params.get("granularity") or periods.MONTH
    starts = periods.bucket_starts(params["date_from"], params["date_to"], granularity)
    first, last = starts[0], periods.bucket_end(starts[-1], granularity)
    # The previous bucket and the year before: at most a year before the first bucket.
    query = {**params, "date_from": periods.add_months(first, -12), "date_to": last}
    trunc = periods.TRUNC[granularity]
    if params.get("product") is not None or params.get("category") is not None:
        lines = revenue_lines(actor=actor, params=query)
        if params.get("product") is not None:
            lines = lines.filter(product=params["product"])
        if params.get("category") is not None:
            lines = lines.filter(product__category=params["category"])
        grouped: QuerySet[Any, dict[str, Any]] = (
            lines.annotate(bucket=trunc("order__order_date"))
            .values("bucket")
            .annotate(amount=Sum("amount"), orders=Count("order_id", distinct=True))
        )
    else:
        orders = revenue_orders(actor=actor, params=query)
        grouped = (
            orders.annotate(bucket=trunc("order_date"))
            .values("bucket")
            .annotate(amount=Sum("total"), orders=Count("*"))
        )
    found = {
        periods.local_date(row["bucket"]): (row["orders"], periods.money(row["amount"]))
        for row in grouped
    }

    def amount(start):
        return found.get(start, (0, periods.money(0)))[1]

    rows = []
    for start in starts:
        previous = amount(periods.shift(start, granularity, -1))
        last_year = amount(periods.add_months(start, -12))
        current = amount(start)
        rows.append(
            {
                "period": periods.bucket_label(start, granularity),
                "start": start,
                "orders": found.get(start, (0,))[0],
                "amount": current,
                "previous_amount": previous,
                "change": periods.change(current, previous),
                "last_year_amount": last_year,
                "year_change": periods.change(current, last_year),
            }
        )
    total = sum((row["amount"] for row in rows), periods.money(0))
    total_last_year = sum((row["last_year_amount"] for row in rows), periods.money(0))
    return {
        "date_from": first,
        "date_to": last,
        "summary": {
            "orders": sum(row["orders"] for row in rows),
            "amount": total,
            "last_year_amount": total_last_year,
            "year_change": periods.change(total, total_last_year),
        },
        "rows": rows,
    }


def chart(data: ReportData) -> charts.go.Figure:
    rows = data["rows"]
    labels = [row["period"] for row in rows]
    amounts = [row["amount"] for row in rows]
    last_year = [row["last_year_amount"] for row in rows]
    return charts.figure(
        charts.money_bar(labels, amounts, name=_("Sales amount")),
        charts.money_bar(labels, last_year, name=_("Same period last year")),
        charts.percent_line(
            labels,
            [row["year_change"] for row in rows],
            name=_("Change on last year (%)"),
            yaxis="y2",
        ),
        barmode="group",
        xaxis={"type": "category"},
        yaxis=charts.money_axis([*amounts, *last_year], title=_("Sales amount")),
        # From zero, with whole percentages: a single change would otherwise be the whole axis,
        # ticked in thousandths of a percent around it.
        yaxis2=charts.percent_axis(
            overlaying="y", side="right", rangemode="tozero", showgrid=False
        ),
    )


REPORT = register(
    ReportDefinition(
        slug="sales-trend",
        name="sales_trend",
        title=_("Sales trend"),
        description=_(
            "Sales per month, quarter or year, for all products, a category or a product, "
            "with the change on the previous period and on the same period last year."
        ),
        form_class=SalesTrendForm,
        compute=compute,
        chart=chart,
        tables=(ROWS,),
        summary=SUMMARY,
    )
)
