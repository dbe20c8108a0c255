"""Reads of sales targets 销售目标 with their achievement 完成额, always within the scope.

Who reads which targets: executives and administrators all; a supervisor those of the teams of
their subtree and of the users in it; everyone else their own (and a sales assistant those of
the managers they support, as for every record).

Achievement is the amount sold in the target's period — orders not cancelled, ``order_date``
between ``period_start`` and ``period_end`` — by the rep (orders they own) or the team (orders
owned by members of the team or its sub-teams); with a category, only the order lines of the
category's products count (their line amounts). It is one correlated subquery per row inside
the list query itself, so a page of targets with their achievement is a single query.
"""

from decimal import Decimal
from typing import Any, cast

from django.db.models import (
    Case,
    DecimalField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from guanxi.accounts.models import Team, User
from guanxi.core.rules import leads_own_team, sees_everything
from guanxi.core.scoping import visible_user_ids
from guanxi.sales import rules
from guanxi.sales.models import Order, OrderLine, ProductCategory, Target

TARGET_ORDERING = ("-period_start", "id")
_MONEY: DecimalField[Any, Any] = DecimalField(max_digits=16, decimal_places=2)


def _sum(rows: QuerySet[Any], field: str) -> Subquery:
    # SUM without GROUP BY: one row per outer target, whatever the matching orders.
    total = Func(F(field), function="SUM", output_field=_MONEY)
    return Subquery(
        rows.order_by().annotate(summed=total).values("summed")[:1], output_field=_MONEY
    )


def _achieved() -> Coalesce:
    orders = Order.objects.exclude(status=Order.Status.CANCELLED).filter(
        order_date__gte=OuterRef("period_start"), order_date__lte=OuterRef("period_end")
    )
    lines = OrderLine.objects.filter(
        order__deleted_at__isnull=True,
        product__category_id=OuterRef("category_id"),
        order__order_date__gte=OuterRef("period_start"),
        order__order_date__lte=OuterRef("period_end"),
    ).exclude(order__status=Order.Status.CANCELLED)
    rep, team = OuterRef("user_id"), OuterRef("team__path")
    by_rep = _sum(orders.filter(owner_id=rep), "total")
    by_team = _sum(orders.filter(owner__team__path__startswith=team), "total")
    lines_by_rep = _sum(lines.filter(order__owner_id=rep), "amount")
    lines_by_team = _sum(lines.filter(order__owner__team__path__startswith=team), "amount")
    achieved = Case(
        When(Q(user__isnull=False, category__isnull=True), then=by_rep),
        When(Q(user__isnull=False, category__isnull=False), then=lines_by_rep),
        When(Q(team__isnull=False, category__isnull=True), then=by_team),
        default=lines_by_team,
        output_field=_MONEY,
    )
    return Coalesce(achieved, Value(Decimal("0.00")), output_field=_MONEY)


def _own_team(actor: User) -> Team:
    """The team of a supervisor who leads their own team (``leads_own_team``) — they have one."""
    return cast(Team, actor.team)


def scope_targets(queryset: QuerySet[Target], actor: User) -> QuerySet[Target]:
    if sees_everything(actor):
        return queryset
    if not actor.is_authenticated or not actor.is_active:
        return queryset.none()
    visible = Q(user_id__in=visible_user_ids(actor))
    if leads_own_team(actor):
        visible |= Q(team__path__startswith=_own_team(actor).path)
    return queryset.filter(visible)


def target_list(
    *,
    actor: User,
    period_kind: str | None = None,
    year: int | None = None,
    user: User | None = None,
    team: Team | None = None,
    category: ProductCategory | None = None,
) -> QuerySet[Target]:
    """The targets ``actor`` sees, latest period first, each with ``achieved`` annotated."""
    rows = scope_targets(Target.objects.all(), actor)
    rows = rows.select_related("user__team", "team", "category")
    if period_kind:
        rows = rows.filter(period_kind=period_kind)
    if year:
        rows = rows.filter(period_start__year=year)
    if user is not None:
        rows = rows.filter(user=user)
    if team is not None:
        rows = rows.filter(team=team)
    if category is not None:
        rows = rows.filter(category=category)
    return rows.annotate(achieved=_achieved()).order_by(*TARGET_ORDERING)


def target_get(*, actor: User, pk: int | str) -> Target:
    """The target if ``actor`` sees it (with ``achieved``); ``Target.DoesNotExist`` otherwise."""
    return target_list(actor=actor).get(pk=pk)


def settable_users(actor: User) -> QuerySet[User]:
    """The reps ``actor`` may set targets for."""
    users = User.objects.filter(is_active=True)
    if sees_everything(actor):
        return users.order_by("username")
    if not rules.can_set_targets(actor):
        return users.none()
    return (
        users.filter(team__path__startswith=_own_team(actor).path)
        .exclude(pk=actor.pk)
        .order_by("username")
    )


def settable_teams(actor: User) -> QuerySet[Team]:
    """The teams ``actor`` may set targets for."""
    teams: QuerySet[Team] = Team.objects.order_by("path")
    if sees_everything(actor):
        return teams
    if not rules.can_set_targets(actor):
        return teams.none()
    return teams.filter(path__startswith=_own_team(actor).path)
