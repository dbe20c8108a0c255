"""The revenue rankings of the preset periods: every customer's revenue in the period ranked, for
the executives' unfiltered customer contribution and customer pyramid reports.

Ranking a year's ~460,000 customers of ~970,000 orders at 1,000,000 customers takes about 1.5 s,
over the reports' 1 s; a job (:func:`refresh_revenue_rankings`) stores, for each distinct range
of :data:`periods.PRESETS` (and the period before each, for the KPI dashboard's buyers), the
period's totals, the top customers (as many as the contribution
report can show) and the pyramid's 100 percentiles. A report reads them
(:func:`stored_ranking`) only for someone who sees everything, without an account manager,
team, region or level filter, for exactly a stored range; and then shows when they were
computed. Everything else — scoped or filtered reports (small), custom dates — stays live.

Revenue, the ranking order and the percentiles are those of the live reports
(``analytics.selectors``): at the time of the refresh both give the same numbers.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from guanxi.analytics import periods
from guanxi.analytics.models import RankedCustomer, RevenuePercentile, RevenueRanking
from guanxi.analytics.selectors import (
    all_revenue_orders,
    customer_filter,
    ranked_customers,
    revenue_percentiles,
)
from guanxi.analytics.sessions import report_transaction
from guanxi.core.scoping import sees_everything


def ranking_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The distinct ranges of the preset periods on ``today``, in the presets' order, then the
    periods just before them (which the KPI dashboard compares a period with)."""
    presets = [periods.preset_range(key, today) for key, _label in periods.PRESETS]
    previous = [periods.previous_range(*dates) for dates in presets]
    return list(dict.fromkeys(presets + previous))


def top_size() -> int:
    """How many top customers a ranking keeps: as many as the contribution report can show."""
    # Imported here: the report imports this module.
    from guanxi.analytics.reports.customer_contribution import ContributionForm

    return ContributionForm.base_fields["limit"].max_value


def _write_ranking(date_from: datetime.date, date_to: datetime.date, top: int) -> None:
    computed_at = timezone.now()  # before reading: every order written until then counts
    orders = all_revenue_orders({"date_from": date_from, "date_to": date_to})
    ranked = ranked_customers(orders, top)
    percentiles = revenue_percentiles(orders)
    first = ranked[0] if ranked else {"all_amount": 0, "all_orders": 0, "all_customers": 0}
    RevenueRanking.objects.filter(date_from=date_from, date_to=date_to).delete()
    ranking = RevenueRanking.objects.create(
        date_from=date_from,
        date_to=date_to,
        computed_at=computed_at,
        customers=first["all_customers"],
        orders=first["all_orders"],
        amount=periods.money(first["all_amount"]),
    )
    RankedCustomer.objects.bulk_create(
        RankedCustomer(
            ranking=ranking,
            rank=rank,
            customer_id=row["customer_id"],
            orders=row["orders"],
            amount=periods.money(row["amount"]),
        )
        for rank, row in enumerate(ranked, start=1)
    )
    RevenuePercentile.objects.bulk_create(
        RevenuePercentile(ranking=ranking, percentile=p, customers=n, revenue=revenue)
        for p, n, revenue in percentiles
    )


def refresh_revenue_rankings(*, today: datetime.date | None = None) -> int:
    """Recompute the ranking of every preset range on ``today`` (default: the local date), each
    in its own transaction, and delete the rankings of other ranges. Returns how many it wrote."""
    ranges = ranking_periods(today or timezone.localdate())
    top = top_size()
    for date_from, date_to in ranges:
        with report_transaction():
            _write_ranking(date_from, date_to, top)
    current = Q()
    for date_from, date_to in ranges:
        current |= Q(date_from=date_from, date_to=date_to)
    RevenueRanking.objects.exclude(current).delete()
    return len(ranges)


def stored_ranking(actor, params: dict) -> RevenueRanking | None:
    """The stored ranking a report of ``actor`` with ``params`` reads, or None (compute live):
    only for someone who sees everything, with no customer filter, for a stored range."""
    if not sees_everything(actor) or customer_filter(params):  # an empty Q(): no filter
        return None
    if params.get("date_from") is None or params.get("date_to") is None:
        return None
    return RevenueRanking.objects.filter(
        date_from=params["date_from"], date_to=params["date_to"]
    ).first()
