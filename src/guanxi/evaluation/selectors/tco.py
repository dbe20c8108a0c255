"""Every read of TCO plans: the plans a user may read, one plan with its amounts, its figures.

Plans are company figures with no record scope: a reader without the view right gets none
(the pages and the API answer 403 before, and 404 for a single plan).
"""

from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from guanxi.accounts.models import User
from guanxi.evaluation import rules
from guanxi.evaluation.methods import tco as method
from guanxi.evaluation.models import TCOPlan

_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=2)


def tco_plan_list(*, actor: User) -> QuerySet[TCOPlan]:
    """The live plans (none without the right), each with ``total`` and ``initial_total``
    summed in the database, by name."""
    if not rules.reads_tco(actor):
        return TCOPlan.objects.none()
    zero = Value(Decimal("0.00"), output_field=_MONEY)
    return TCOPlan.objects.annotate(
        total=Coalesce(Sum("costs__amount"), zero, output_field=_MONEY),
        initial_total=Coalesce(
            Sum("costs__amount", filter=Q(costs__kind=method.INITIAL)), zero, output_field=_MONEY
        ),
    ).order_by("name", "id")


def tco_plan_get(*, actor: User, pk: int | str) -> TCOPlan:
    """One live plan with its amounts prefetched (``DoesNotExist`` when not readable)."""
    if not rules.reads_tco(actor):
        raise TCOPlan.DoesNotExist
    plan: TCOPlan = (
        TCOPlan.objects.select_related("created_by", "updated_by")
        .prefetch_related("costs")
        .get(pk=pk)
    )
    return plan


def cost_items(plan: TCOPlan) -> list[method.CostItem]:
    """The plan's stored amounts as the method's items (from the prefetched amounts)."""
    return [
        method.CostItem(cost.category, cost.year, cost.kind, cost.amount)
        for cost in plan.costs.all()
    ]


def tco_figures(plan: TCOPlan) -> method.TCOResult:
    """The plan's totals, split, cost per user, maintenance rates and budget split."""
    return method.tco(
        cost_items(plan),
        users=plan.users,
        keep_running=plan.keep_running,
        competitive_advantage=plan.competitive_advantage,
    )
