"""Day figures: the additive counts and sums the KPI dashboard and the employee performance
report would otherwise recount from a year of orders and interactions on every cold view.

``refresh_day_facts`` (a nightly job) rebuilds them for every day up to yesterday: per day and
account manager (the customer's owner, which scopes orders, interactions and customers) in
:class:`AccountDayFacts`, per day and rep (whoever took the order, logged the interaction or
handled the service round) in :class:`RepDayFacts`, and each account manager's customers as
they stand (:class:`AccountSnapshot`). A period is then read as the rollup's days up to
``covers_through`` plus the later days counted live, so today's work shows at once; a change
to an earlier day (an order cancelled or back-dated) shows after the next refresh, and the
page gives the refresh time as the figures' as-of time.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from guanxi.analytics import periods
from guanxi.analytics.models import (
    AccountDayFacts,
    AccountSnapshot,
    RepDayFacts,
    RollupRefresh,
)
from guanxi.analytics.selectors import (
    all_revenue_orders,
    handled_service_rounds,
    live_customer_q,
    rep_interactions,
)
from guanxi.analytics.sessions import report_transaction
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer, Interaction
from guanxi.customers.selectors import completeness_expression

DAY_FACTS = "day_facts"
ACCOUNT_SUMS = ("orders", "order_amount", "items", "lines", "interactions")
ACCOUNT_SUMS += ("customers_created",)
REP_SUMS = ("orders", "order_amount", "interactions", "services_handled")
_BATCH = 5000


def _day(field: str):
    """The local day (``TIME_ZONE``) of a datetime column, in the database."""
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _collect(rows: dict, queryset, key_fields: tuple[str, str], **measures) -> None:
    grouped = queryset.order_by().values(*key_fields).annotate(**measures)
    for row in grouped:
        target = rows[(row[key_fields[0]], row[key_fields[1]])]
        for name in measures:
            target[name] = row[name] or 0


def _account_rows(end: datetime.datetime, through: datetime.date) -> dict:
    rows: dict = defaultdict(dict)
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


def _rep_rows(end: datetime.datetime, through: datetime.date) -> dict:
    rows: dict = defaultdict(dict)
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


def refresh_day_facts(*, today: datetime.date | None = None) -> RollupRefresh:
    """Rebuild the day figures of every day up to the day before ``today`` (default: today),
    and the account managers' snapshots, in one transaction."""
    today = today or timezone.localdate()
    through = today - datetime.timedelta(days=1)
    _start, end = periods.day_bounds(through, through)
    with report_transaction(), transaction.atomic():
        accounts = _account_rows(end, through)
        reps = _rep_rows(end, through)
        snapshots = (
            Customer.objects.order_by()
            .values("owner")
            .annotate(customers=Count("*"), completeness_sum=Sum(completeness_expression()))
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


@dataclass(frozen=True)
class DaySplit:
    """How a period is read: its days up to ``through`` from the rollup, the rest live.

    ``live_from`` is the first day read live (None: no day is), ``refresh`` None when no rollup
    exists (everything live).
    """

    refresh: RollupRefresh | None
    date_from: datetime.date
    date_to: datetime.date

    @property
    def through(self) -> datetime.date | None:
        return self.refresh.covers_through if self.refresh else None

    @property
    def live_from(self) -> datetime.date | None:
        if self.through is None:
            return self.date_from
        first = max(self.date_from, self.through + datetime.timedelta(days=1))
        return first if first <= self.date_to else None

    @property
    def live_start(self) -> datetime.datetime | None:
        """The first moment counted live (None: none is), for datetime columns."""
        if self.through is None:
            return None
        return periods.day_bounds(self.through, self.through)[1]

    def live_since(self, start: datetime.datetime) -> datetime.datetime:
        """From when a datetime column is counted live, for a period starting at ``start``."""
        return max(start, self.live_start) if self.live_start else start


def day_split(date_from: datetime.date, date_to: datetime.date) -> DaySplit:
    return DaySplit(RollupRefresh.objects.filter(name=DAY_FACTS).first(), date_from, date_to)


def account_sums(*, actor, split: DaySplit) -> dict:
    """The rollup's sums over the period's days up to ``through`` in the actor's scope, and
    the customers created before the period (``created_before``) and up to its end
    (``created_through``) by those days. Zeros when there is no rollup."""
    if split.through is None:
        return dict.fromkeys((*ACCOUNT_SUMS, "created_before", "created_through"), 0)
    in_period = Q(day__gte=split.date_from)
    facts = scope_queryset(AccountDayFacts.objects.all(), actor).filter(
        day__lte=min(split.date_to, split.through)
    )
    # Aliases differ from the columns: Django refuses an aggregate named like its column.
    sums = facts.aggregate(
        **{f"period_{name}": Sum(name, filter=in_period, default=0) for name in ACCOUNT_SUMS},
        created_before=Sum("customers_created", filter=~in_period, default=0),
        created_through=Sum("customers_created", default=0),
    )
    return {key.removeprefix("period_"): value for key, value in sums.items()}


def completeness_average(*, actor) -> float | None:
    """Average completeness of the actor's customers at the last refresh (None: no rollup or
    no customers)."""
    snapshot = scope_queryset(AccountSnapshot.objects.all(), actor).aggregate(
        customers=Sum("customers"), total=Sum("completeness_sum")
    )
    if not snapshot["customers"]:
        return None
    return snapshot["total"] / snapshot["customers"]


def rep_sums(*, ids, split: DaySplit) -> dict:
    """{rep id: {measure: sum}} of the rollup over the period's days up to ``through``."""
    if split.through is None or split.date_from > split.through:
        return {}
    rows = (
        RepDayFacts.objects.filter(
            rep__in=ids, day__gte=split.date_from, day__lte=min(split.date_to, split.through)
        )
        .order_by()
        .values("rep")
        .annotate(**{name: Sum(name) for name in REP_SUMS})
    )
    return {row["rep"]: row for row in rows}
