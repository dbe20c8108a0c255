"""Rebuilding the reports' rollups (read by ``analytics.selectors.rollups``; run by the jobs in
``analytics.tasks`` and by ``guanxi manage report_rollups_refresh``). A rollup is a copy,
never the truth: each rebuild replaces it whole.

**Day figures** (:func:`day_facts_refresh`, nightly): the additive counts and sums the KPI
dashboard and employee performance would otherwise recount from a year of orders and
interactions on every cold view, for every day up to yesterday — per day and account manager
(the customer's owner, which scopes orders, interactions and customers) in
:class:`AccountDayFacts`, per day and rep (whoever took the order, logged the interaction or
handled the service round) in :class:`RepDayFacts`, and each account manager's customers as
they stand (:class:`AccountSnapshot`).

**Revenue rankings** (:func:`revenue_rankings_refresh`, hourly): ranking a year's ~460,000
customers of ~970,000 orders at 1,000,000 customers takes about 1.5 s, over the reports' 1 s;
for each distinct range of :data:`periods.PRESETS` and the period before each (the KPI
dashboard compares with it), the period's totals, the top customers (as many as the
contribution report can show) and the pyramid's 100 percentiles.
"""

import datetime
from collections import defaultdict
from typing import Any

from django import forms
from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from guanxi.analytics import periods
from guanxi.analytics.models import (
    AccountDayFacts,
    AccountSnapshot,
    RankedCustomer,
    RepDayFacts,
    RevenuePercentile,
    RevenueRanking,
    RollupRefresh,
)
from guanxi.analytics.reports.customer_contribution import ContributionForm
from guanxi.analytics.selectors.reports import (
    all_revenue_orders,
    handled_service_rounds,
    live_customer_q,
    ranked_customers,
    rep_interactions,
    revenue_percentiles,
)
from guanxi.analytics.selectors.rollups import DAY_FACTS, ranking_periods
from guanxi.analytics.sessions import report_transaction
from guanxi.customers.models import Customer, Interaction
from guanxi.customers.selectors.customers import completeness_expression

_BATCH = 5000
# Figures per (day, account manager or rep): {measure: value}.
Rows = defaultdict[tuple[Any, Any], dict[str, Any]]


def _day(field: str) -> TruncDate:
    """The local day (``TIME_ZONE``) of a datetime column, in the database."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _collect(
    rows: Rows,
    queryset: QuerySet[Any, Any],
    key_fields: tuple[str, str],
    **measures: Aggregate,
) -> None:
    grouped = queryset.order_by().values(*key_fields).annotate(**measures)
    for row in grouped:
        target = rows[(row[key_fields[0]], row[key_fields[1]])]
        for name in measures:
            target[name] = row[name] or 0


def _account_rows(end: datetime.datetime, through: datetime.date) -> Rows:
    rows: Rows = defaultdict(dict)
    orders = all_revenue_orders({"date_to": through})
    _collect(
        rows,
        orders,
        ("order_date", "customer__owner"),
        orders=Count("*"),
        order_amount=Sum("total"),
        items=Sum("item_quantity"),
        lines=Sum("line_count"),
    )
    interactions = Interaction.objects.filter(live_customer_q(), occurred_at__lt=end)
    _collect(
        rows,
        interactions.annotate(day=_day("occurred_at")),
        ("day", "customer__owner"),
        interactions=Count("*"),
    )
    customers = Customer.objects.filter(created_at__lt=end)
    _collect(
        rows,
        customers.annotate(day=_day("created_at")),
        ("day", "owner"),
        customers_created=Count("*"),
    )
    return rows


def _rep_rows(end: datetime.datetime, through: datetime.date) -> Rows:
    rows: Rows = defaultdict(dict)
    orders = all_revenue_orders({"date_to": through}).filter(owner__isnull=False)
    _collect(rows, orders, ("order_date", "owner"), orders=Count("*"), order_amount=Sum("total"))
    interactions = (
        rep_interactions()
        .filter(occurred_at__lt=end, rep__isnull=False)
        .annotate(day=_day("occurred_at"))
    )
    _collect(rows, interactions, ("day", "rep"), interactions=Count("*"))
    rounds = handled_service_rounds().filter(handled_at__lt=end)
    _collect(
        rows,
        rounds.annotate(day=_day("handled_at")),
        ("day", "handled_by"),
        services_handled=Count("*"),
    )
    return rows


def day_facts_refresh(*, today: datetime.date | None = None) -> RollupRefresh:
    """Rebuild the day figures of every day up to the day before ``today`` (default: today),
    and the account managers' snapshots, in one transaction."""
    today = today or timezone.localdate()
    through = today - datetime.timedelta(days=1)
    _start, end = periods.day_bounds(through, through)
    with report_transaction():
        accounts = _account_rows(end, through)
        reps = _rep_rows(end, through)
        snapshots = (
            Customer.objects.order_by()
            .values("owner")
            .annotate(
                customers=Count("*"),
                completeness_sum=Sum(completeness_expression()),  # type: ignore[no-untyped-call]
            )
        )
        AccountDayFacts.objects.all().delete()
        RepDayFacts.objects.all().delete()
        AccountSnapshot.objects.all().delete()
        AccountDayFacts.objects.bulk_create(
            (
                AccountDayFacts(day=day, account_manager_id=manager, **sums)
                for (day, manager), sums in accounts.items()
            ),
            batch_size=_BATCH,
        )
        RepDayFacts.objects.bulk_create(
            (RepDayFacts(day=day, rep_id=rep, **sums) for (day, rep), sums in reps.items()),
            batch_size=_BATCH,
        )
        AccountSnapshot.objects.bulk_create(
            AccountSnapshot(
                account_manager_id=row["owner"],
                customers=row["customers"],
                completeness_sum=row["completeness_sum"] or 0,
            )
            for row in snapshots
        )
        refresh, _created = RollupRefresh.objects.update_or_create(
            name=DAY_FACTS,
            defaults={"refreshed_at": timezone.now(), "covers_through": through},
        )
    return refresh


def top_size() -> int:
    """How many top customers a ranking keeps: as many as the contribution report can show."""
    limit = ContributionForm.base_fields["limit"]
    assert isinstance(limit, forms.IntegerField) and limit.max_value is not None
    return int(limit.max_value)


def _write_ranking(date_from: datetime.date, date_to: datetime.date, top: int) -> None:
    computed_at = timezone.now()  # before reading: every order written until then counts
    orders = all_revenue_orders({"date_from": date_from, "date_to": date_to})
    ranked = ranked_customers(orders, limit=top)
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


def revenue_rankings_refresh(*, today: datetime.date | None = None) -> int:
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
