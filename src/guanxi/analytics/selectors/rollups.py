"""Reading the reports' rollups (written by ``analytics.services.rollups``).

**Day figures.** A period is read as the rollup's days up to its ``covers_through`` (yesterday
at the last nightly refresh) plus the later days counted live by the report itself
(:class:`DaySplit`), so today's work shows at once; a change to an earlier day (an order
cancelled or back-dated) shows after the next refresh, and the page gives the refresh time as
the figures' as-of time. Sums per account manager are scoped like the customers
(``scope_fields``); sums per rep are asked for the reps the caller may already see.

**Revenue rankings.** A report reads a stored ranking (:func:`stored_ranking`) only for
someone who sees everything, without an account manager, team, region or level filter, for
exactly a stored range; everything else — scoped or filtered reports (small), custom dates —
stays live. Revenue, the ranking order and the percentiles are those of the live reports
(``analytics.selectors.reports``): at the time of the refresh both give the same numbers.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from guanxi.accounts.models import User
from guanxi.analytics import periods, rules
from guanxi.analytics.framework import ReportParams
from guanxi.analytics.models import (
    AccountDayFacts,
    AccountSnapshot,
    RepDayFacts,
    RevenueRanking,
    RollupRefresh,
)
from guanxi.analytics.selectors.reports import customer_filter
from guanxi.core.scoping import scope_queryset

DAY_FACTS = "day_facts"
ACCOUNT_SUMS: tuple[str, ...] = ("orders", "order_amount", "items", "lines", "interactions")
ACCOUNT_SUMS += ("customers_created",)
REP_SUMS = ("orders", "order_amount", "interactions", "services_handled")


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


def account_sums(*, actor: User, split: DaySplit) -> dict[str, Any]:
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
    sums: dict[str, Any] = facts.aggregate(
        **{f"period_{name}": Sum(name, filter=in_period, default=0) for name in ACCOUNT_SUMS},
        created_before=Sum("customers_created", filter=~in_period, default=0),
        created_through=Sum("customers_created", default=0),
    )
    return {key.removeprefix("period_"): value for key, value in sums.items()}


def completeness_average(*, actor: User) -> Decimal | float | None:
    """Average completeness of the actor's customers at the last refresh (None: no rollup or
    no customers)."""
    snapshot = scope_queryset(AccountSnapshot.objects.all(), actor).aggregate(
        customers=Sum("customers"), total=Sum("completeness_sum")
    )
    if not snapshot["customers"]:
        return None
    average: Decimal | float = snapshot["total"] / snapshot["customers"]
    return average


def rep_sums(*, ids: Iterable[int], split: DaySplit) -> dict[int, dict[str, Any]]:
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


def ranking_periods(today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """The distinct ranges of the preset periods on ``today``, in the presets' order, then the
    periods just before them (which the KPI dashboard compares a period with)."""
    presets = [periods.preset_range(key, today) for key, _label in periods.PRESETS]
    previous = [periods.previous_range(*dates) for dates in presets]
    return list(dict.fromkeys(presets + previous))


def stored_ranking(*, actor: User, params: ReportParams) -> RevenueRanking | None:
    """The stored ranking a report of ``actor`` with ``params`` reads, or None (compute live):
    only for someone who sees everything, with no customer filter, for a stored range."""
    if not rules.reads_company_figures(actor) or customer_filter(params):  # empty Q(): no filter
        return None
    if params.get("date_from") is None or params.get("date_to") is None:
        return None
    return RevenueRanking.objects.filter(
        date_from=params["date_from"], date_to=params["date_to"]
    ).first()
