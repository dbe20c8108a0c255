"""The sales panel of the home page: this month's orders against the month's target and the
development-plan steps due by today, within the reader's scope (an account manager's own, a
supervisor's team's). A fixed handful of aggregate queries, whatever the number of orders.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.home import OWN
from guanxi.core.scoping import scope_queryset, visible_user_ids
from guanxi.sales import rules
from guanxi.sales.models import Opportunity, Order, PlanItem, Target
from guanxi.sales.selectors.orders import order_list
from guanxi.sales.selectors.targets import target_list

HOME_ROWS = 5
_ZERO = Decimal("0.00")


def _month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = today.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def month_target(*, actor: User, audience: str, month: datetime.date) -> dict[str, Any] | None:
    """The all-products target of ``month`` for the reader: their own as a rep; as a supervisor
    their team's, or else the sum of the reps' targets they see. With the amount achieved as the
    target list computes it; None when no target is set."""
    targets = target_list(actor=actor, period_kind=Target.PeriodKind.MONTH).filter(
        period_start=month, category__isnull=True
    )
    if audience == OWN:
        rows = list(targets.filter(user_id__in=visible_user_ids(actor)))
    else:
        rows = list(targets.filter(team_id=actor.team_id)[:1]) if actor.team_id else []
        if not rows:
            rows = list(targets.filter(user__isnull=False))
    if not rows:
        return None
    amount = sum((row.amount for row in rows), _ZERO)
    # ``achieved`` is annotated by target_list.
    achieved = sum((getattr(row, "achieved") for row in rows), _ZERO)  # noqa: B009
    rate = (achieved * 100 / amount).quantize(Decimal("0.1")) if amount else None
    return {
        "amount": amount,
        "achieved": achieved,
        "rate": rate,
        "met": bool(amount) and achieved >= amount,
        # Keeps the progress meter in range when a target is exceeded.
        "meter": min(rate, Decimal(100)) if rate is not None else 0,
    }


def plan_steps_due(*, actor: User, audience: str, today: datetime.date) -> Any:
    """Open opportunities' plan steps dated up to today with no result yet, oldest first: the
    reader's own (as creator or assignee) or, for a supervisor, the team's."""
    steps = scope_queryset(PlanItem.objects.all(), actor).filter(
        date__lte=today,
        result="",
        opportunity__deleted_at__isnull=True,
    )
    steps = steps.exclude(opportunity__status__in=Opportunity.CLOSED_STATUSES)
    if audience == OWN:
        steps = steps.filter(Q(opportunity__assigned_to=actor) | Q(opportunity__created_by=actor))
    return steps


def sales_home_panel(*, actor: User, audience: str) -> dict[str, Any] | None:
    """This month's orders (count and amount, cancelled ones left out) against the target, and
    the plan steps due; None for a reader who sees no orders."""
    if not actor.has_perm(rules.VIEW_ORDER):
        return None
    today = timezone.localdate()
    first, last = _month(today)
    orders = order_list(actor=actor, date_from=first, date_to=last).exclude(
        status=Order.Status.CANCELLED
    )
    # Orders count for whoever took them, as a target's achievement does: the reader's own (an
    # assistant's: the managers they support), a supervisor's team members'.
    orders = orders.filter(owner_id__in=visible_user_ids(actor))
    figures = orders.order_by().aggregate(count=Count("pk"), amount=Sum("total"))
    panel: dict[str, Any] = {
        "mine": audience == OWN,
        "month_start": first,
        "month_end": last,
        "orders": figures["count"],
        "amount": figures["amount"] or _ZERO,
        "target": (
            month_target(actor=actor, audience=audience, month=first)
            if actor.has_perm(rules.VIEW_TARGET)
            else None
        ),
        "steps": [],
        "steps_count": 0,
    }
    if actor.has_perm(rules.VIEW_OPPORTUNITY):
        steps = plan_steps_due(actor=actor, audience=audience, today=today)
        panel["steps_count"] = steps.order_by().count()
        if panel["steps_count"]:
            panel["steps"] = list(
                steps.select_related("opportunity").order_by("date", "id")[:HOME_ROWS]
            )
    return panel
