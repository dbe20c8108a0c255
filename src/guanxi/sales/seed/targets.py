"""Seeded sales targets 销售目标: a monthly target for each account manager, a quarterly one
for each of their teams, over the current year.

A rep's monthly target is what they sold in the last twelve months (the seeded orders, not
cancelled) divided by twelve, plus a tenth for growth, rounded to ¥1,000 — at least ¥10,000 —
so the achievement rates come out near what a real team sees. A team's quarterly target is the
sum of its members' months. Targets that exist already (a second run) are kept as they are.
"""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Sum

from guanxi.accounts.models import User
from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.seeding import SeedContext, register_seeder
from guanxi.sales.models import Order, Target
from guanxi.sales.seed.base import wait_for_writes

GROWTH = Decimal("1.10")
MINIMUM = Decimal(10_000)
ROUND_TO = Decimal(1_000)


def _month_end(start: date) -> date:
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def _quarter_end(start: date) -> date:
    return _month_end(start.replace(month=start.month + 2))


def _monthly(sold) -> Decimal:
    raw = Decimal(sold or 0) / 12 * GROWTH
    return max((raw / ROUND_TO).quantize(Decimal(1)) * ROUND_TO, MINIMUM).quantize(Decimal("0.01"))


def _team_id(owner: AbstractUser) -> int | None:
    """The owner's team, if any (the seed's owners are accounts.User rows)."""
    # The plugin leaves the accounts models' relations untyped, so it misses team_id.
    return cast(User, owner).team_id  # type: ignore[attr-defined]


@register_seeder("targets", order=60)
def seed_targets(ctx: SeedContext, customers: int) -> None:
    if not customers or not ctx.owners:
        return
    wait_for_writes(ctx)  # the orders the targets are derived from
    today = ctx.now.date()
    year = today.year
    owner_ids = [owner.pk for owner in ctx.owners]
    sold = dict(
        Order.objects.filter(owner_id__in=owner_ids, order_date__gt=today - timedelta(days=365))
        .exclude(status=Order.Status.CANCELLED)
        .order_by()
        .values("owner_id")
        .annotate(total=Sum("total"))
        .values_list("owner_id", "total")
    )
    existing = Target.all_objects.filter(
        period_start__year=year, category__isnull=True, deleted_at__isnull=True
    )
    taken_users = set(
        existing.filter(user__isnull=False).values_list("user_id", "period_kind", "period_start")
    )
    taken_teams = set(
        existing.filter(team__isnull=False).values_list("team_id", "period_kind", "period_start")
    )
    rows = []
    team_quarters: dict[tuple[int, date], Decimal] = defaultdict(Decimal)
    for owner in ctx.owners:
        monthly = _monthly(sold.get(owner.pk))
        owner_team = _team_id(owner)
        for month in range(1, 13):
            start = date(year, month, 1)
            if owner_team:
                team_quarters[(owner_team, date(year, (month - 1) // 3 * 3 + 1, 1))] += monthly
            if (owner.pk, Target.PeriodKind.MONTH, start) in taken_users:
                continue
            rows.append(
                {
                    "user_id": owner.pk,
                    "period_kind": Target.PeriodKind.MONTH.value,
                    "period_start": start,
                    "period_end": _month_end(start),
                    "amount": monthly,
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                }
            )
    for (team_id, start), amount in sorted(team_quarters.items()):
        if (team_id, Target.PeriodKind.QUARTER, start) in taken_teams:
            continue
        rows.append(
            {
                "team_id": team_id,
                "period_kind": Target.PeriodKind.QUARTER.value,
                "period_start": start,
                "period_end": _quarter_end(start),
                "amount": amount,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
        )
    if not rows:
        return
    with transaction.atomic():
        for row, pk in zip(rows, reserve_ids(Target, len(rows)), strict=True):
            row["id"] = pk
        bulk_insert(Target, rows)
    ctx.add("targets", len(rows))
