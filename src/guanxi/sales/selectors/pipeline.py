"""Reads of the sales pipeline 销售漏斗, always within the actor's scope.

A deal belongs to its owner (``Deal.scope_fields``): a user sees their own, a supervisor the
team's, a sales assistant those of the managers they support, executives and administrators
all. Stages are settings everyone sees.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import sales_reps
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset, sees_everything, visible_user_ids
from guanxi.customers.models import Customer
from guanxi.sales.models import Deal, Opportunity, PipelineStage

DEAL_LIST_ORDERING = ("-created_at", "-id")
CARDS_PER_COLUMN = 50
CENT = Decimal("0.01")


def stage_list() -> QuerySet[PipelineStage]:
    """The live stages, in pipeline order."""
    stages: QuerySet[PipelineStage] = PipelineStage.objects.order_by("order", "id")
    return stages


def stage_get(*, pk: int | str) -> PipelineStage:
    return stage_list().get(pk=pk)


def deal_list(
    *,
    actor: User,
    stage: PipelineStage | int | None = None,
    owner: User | int | None = None,
    customer: Customer | int | None = None,
) -> QuerySet[Deal]:
    """Deals ``actor`` sees, newest first, with what a row shows loaded."""
    rows = scope_queryset(Deal.objects.all(), actor).select_related(
        "customer", "owner", "stage", "lost_reason"
    )
    if stage is not None:
        rows = rows.filter(stage=stage)
    if owner is not None:
        rows = rows.filter(owner=owner)
    if customer is not None:
        rows = rows.filter(customer=customer)
    return rows.order_by(*DEAL_LIST_ORDERING)


def deal_get(*, actor: User, pk: int | str) -> Deal:
    """The deal if ``actor`` sees it; ``Deal.DoesNotExist`` otherwise (a 404)."""
    return deal_list(actor=actor).select_related("opportunity").get(pk=pk)


def deal_owner_choices(*, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may give a deal to, or filter the board by: the users in their scope."""
    users = User.objects.filter(is_active=True)
    if not sees_everything(actor):
        users = users.filter(pk__in=visible_user_ids(actor))
    return users.order_by("username")


def deal_owner_filter_choices(*, actor: User) -> QuerySet[User]:
    """The account managers to filter the board by (the sales reps ``actor`` sees)."""
    return sales_reps(actor=actor)


def lost_reason_choices() -> QuerySet[DictionaryEntry]:
    reasons: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        kind=DictionaryKind.LOST_REASON, is_active=True
    )
    return reasons.order_by("sort_order", "code")


@dataclass
class Column:
    stage: PipelineStage
    deals: list[Deal] = field(default_factory=list)
    count: int = 0
    total: Decimal = Decimal("0.00")


def board(*, actor: User, owner: User | None = None) -> list[Column]:
    """The kanban: one column per stage with the deals in scope (the largest first, at most
    ``CARDS_PER_COLUMN`` cards) and each column's count and summed amount: two queries and
    one per stage."""
    columns = {stage.pk: Column(stage=stage) for stage in stage_list()}
    deals = deal_list(actor=actor, owner=owner)
    totals = deals.order_by().values("stage").annotate(count=Count("id"), total=Sum("amount"))
    for row in totals:
        if column := columns.get(row["stage"]):
            column.count = row["count"]
            column.total = Decimal(row["total"] or 0).quantize(CENT)
    # One LIMITed query per stage, each read from the (stage, -amount, id) index: at 125,000
    # deals this takes milliseconds, where numbering every deal in one query took seconds.
    # Stages are a short admin-made list, not data, so the count stays bounded.
    for stage_id, column in columns.items():
        largest_first = deals.filter(stage_id=stage_id).order_by("-amount", "id")
        column.deals = list(largest_first[:CARDS_PER_COLUMN])
    return list(columns.values())


DEAL = "deal"
OPPORTUNITY = "opportunity"


def _weighted_sums(rows: QuerySet[Any], *, amount: str, owner: str, date: str) -> list[Any]:
    weighted = ExpressionWrapper(
        F(amount) * F("probability"), output_field=DecimalField(max_digits=20, decimal_places=2)
    )
    return list(
        rows.annotate(month=TruncMonth(date), rep=F(owner))
        .values("month", "rep")
        .annotate(weighted=Sum(weighted), amount=Sum(amount), count=Count("id"))
        .order_by()
    )


def forecast_rows(*, actor: User, owner: User | int | None = None) -> list[dict[str, Any]]:
    """Weighted pipeline 加权预测: per expected close month, owner and kind, the sum of amount ×
    probability / 100 —

    * ``kind="deal"``: the deals in scope that are not lost (won deals count in full);
    * ``kind="opportunity"``: the assigned opportunities 销售机会 in scope with an expected
      amount, at their success probability, under their assignee. A won opportunity has left
      the forecast: the deal it opened, if any, counts instead.

    Records without an expected close date are left out. Three queries: the deals' sums and
    the opportunities' sums, each grouped by month and owner id only (a hash aggregate;
    grouping by the owners' names as well made PostgreSQL sort 100,000 rows on disk), then the
    names of the owners that appear.
    """
    deals = scope_queryset(Deal.objects.all(), actor).filter(
        expected_close_date__isnull=False, stage__is_lost=False
    )
    opportunities = scope_queryset(Opportunity.objects.all(), actor).filter(
        status=Opportunity.Status.ASSIGNED,
        expected_close_date__isnull=False,
        expected_amount__isnull=False,
    )
    if owner is not None:
        deals = deals.filter(owner=owner)
        opportunities = opportunities.filter(assigned_to=owner)
    sums = [
        {**row, "kind": DEAL}
        for row in _weighted_sums(
            deals, amount="amount", owner="owner_id", date="expected_close_date"
        )
    ]
    sums += [
        {**row, "kind": OPPORTUNITY}
        for row in _weighted_sums(
            opportunities,
            amount="expected_amount",
            owner="assigned_to_id",
            date="expected_close_date",
        )
    ]
    names = {
        user.pk: user
        for user in User.objects.filter(pk__in={row["rep"] for row in sums}).only(
            "username", "last_name", "first_name"
        )
    }
    result = [
        {
            "month": row["month"],
            "kind": row["kind"],
            "owner": row["rep"],
            "owner_username": names[row["rep"]].username,
            "owner_name": f"{names[row['rep']].last_name}{names[row['rep']].first_name}".strip()
            or names[row["rep"]].username,
            "weighted": (Decimal(row["weighted"] or 0) / 100).quantize(CENT),
            "amount": Decimal(row["amount"] or 0).quantize(CENT),
            "count": row["count"],
        }
        for row in sums
    ]
    return sorted(result, key=lambda row: (row["month"], row["owner_username"], row["kind"]))


@dataclass(frozen=True)
class ForecastOwner:
    pk: int
    username: str
    name: str

    def __str__(self) -> str:
        return self.name


def forecast_table(*, actor: User, owner: User | None = None) -> dict[str, Any]:
    """The forecast as a month × owner table: per month a row of the deals' weighted sums
    and, apart, a row of the opportunities'; with row, column and kind totals."""
    rows = forecast_rows(actor=actor, owner=owner)
    months = sorted({row["month"] for row in rows})
    owners = {
        row["owner"]: ForecastOwner(row["owner"], row["owner_username"], row["owner_name"])
        for row in rows
    }
    owner_list = sorted(owners.values(), key=lambda user: user.username)
    zero = Decimal("0.00")
    cells: defaultdict[tuple[Any, int, str], Decimal] = defaultdict(lambda: zero)
    for row in rows:
        cells[(row["month"], row["owner"], row["kind"])] += row["weighted"]
    has_opportunities = {row["month"] for row in rows if row["kind"] == OPPORTUNITY}

    def line(month: Any, kind: str) -> list[Decimal]:
        return [cells[(month, user.pk, kind)] for user in owner_list]

    def total(kind: str) -> Decimal:
        return sum((value for key, value in cells.items() if key[2] == kind), zero)

    table_rows = []
    for month in months:
        deal_cells, opportunity_cells = line(month, DEAL), line(month, OPPORTUNITY)
        table_rows.append(
            {
                "month": month,
                "cells": deal_cells,
                "deals": sum(deal_cells, zero),
                "opportunity_cells": opportunity_cells if month in has_opportunities else None,
                "opportunities": sum(opportunity_cells, zero),
                "total": sum(deal_cells, zero) + sum(opportunity_cells, zero),
            }
        )
    return {
        "months": months,
        "owners": owner_list,
        "rows": table_rows,
        "owner_totals": [
            sum(
                (cells[(month, user.pk, kind)] for month in months for kind in (DEAL, OPPORTUNITY)),
                zero,
            )
            for user in owner_list
        ],
        "deals_total": total(DEAL),
        "opportunities_total": total(OPPORTUNITY),
        "total": sum(cells.values(), zero),
    }


def deals_open() -> QuerySet[Deal]:
    """Every live deal not in a won or lost stage, unscoped: registered with
    ``customers.churn_open_work`` (a customer with an open deal is not churning)."""
    return Deal.objects.filter(stage__is_won=False, stage__is_lost=False)
