"""Every write of TCO plans: create, update (the plan and all its amounts at once), delete.

Only administrators and executives (``evaluation.add/change/delete_tcoplan``) write; no right
→ ``PermissionDenied``. The amounts are checked by :mod:`guanxi.evaluation.methods.tco`
before anything is written: a negative amount, a year outside 1–5, an unknown category or kind,
the same cell twice, a budget split beyond the years 3–5 budget → ``ValidationError`` naming
the input (``costs[3].amount``), and nothing is saved. A stale version → ``ConflictError``.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import ConflictError
from guanxi.core.rules import require
from guanxi.core.services.records import (
    record_attribute,
    record_create,
    record_soft_delete,
    record_update,
)
from guanxi.evaluation import rules
from guanxi.evaluation.errors import tco_error
from guanxi.evaluation.methods import tco as method
from guanxi.evaluation.models import TCOCost, TCOPlan

PLAN_FIELDS = ("name", "users", "keep_running", "competitive_advantage", "notes")


class PlanFields(TypedDict, total=False):
    """The editable fields of a plan; ``costs`` replaces all its amounts."""

    name: str
    users: int
    keep_running: Decimal | int | str
    competitive_advantage: Decimal | int | str
    notes: str
    costs: Iterable[Mapping[str, Any] | method.CostItem]


def _item(cost: Mapping[str, Any] | method.CostItem) -> method.CostItem:
    if isinstance(cost, method.CostItem):
        return cost
    return method.CostItem(
        category=cost.get("category", ""),
        year=cost.get("year"),  # type: ignore[arg-type]  # checked by the method
        kind=cost.get("kind", ""),
        amount=cost.get("amount"),  # type: ignore[arg-type]
    )


def _clean(values: dict[str, Any], costs: list[method.CostItem]) -> list[method.CostItem]:
    """The amounts checked with the plan's users and split (the method's errors, translated)."""
    if not str(values.get("name") or "").strip():
        raise ValidationError({"name": _("Give the plan a name.")})
    values["name"] = str(values["name"]).strip()
    try:
        checked = method.check_items(costs)
        figures = method.tco(
            checked,
            users=values.get("users"),  # type: ignore[arg-type]  # checked by the method
            keep_running=values.get("keep_running") or 0,
            competitive_advantage=values.get("competitive_advantage") or 0,
        )
    except method.TCOError as error:
        name, message = tco_error(error)
        raise ValidationError({name: message}) from error
    values["keep_running"], values["competitive_advantage"] = (
        figures.keep_running,
        figures.competitive_advantage,
    )
    return checked


def _write_costs(plan: TCOPlan, items: list[method.CostItem], actor: User) -> None:
    """Make the plan's stored amounts exactly ``items`` (zero amounts are not stored), each
    change with its history row."""
    wanted = {(i.category, i.year, i.kind): i.amount for i in items if i.amount}
    for cost in TCOCost.objects.filter(plan=plan):
        key = (cost.category, cost.year, cost.kind)
        record_attribute(instance=cost, actor=actor)
        if key not in wanted:
            cost.delete()
            continue
        amount = wanted.pop(key)
        if cost.amount != amount:
            cost.amount = amount
            cost.save(update_fields=["amount"])
    for (category, year, kind), amount in wanted.items():
        cost = TCOCost(plan=plan, category=category, year=year, kind=kind, amount=amount)
        record_attribute(instance=cost, actor=actor)
        cost.save(force_insert=True)


@transaction.atomic
def tco_plan_create(*, actor: User, **fields: Unpack[PlanFields]) -> TCOPlan:
    require(actor, rules.ADD_TCO_PLAN, _("Only administrators and executives plan the TCO."))
    values: dict[str, Any] = {"notes": "", **fields}
    costs = [_item(cost) for cost in values.pop("costs", [])]
    items = _clean(values, costs)
    plan = record_create(instance=TCOPlan(**values), actor=actor)
    _write_costs(plan, items, actor)
    return plan


@transaction.atomic
def tco_plan_update(
    *,
    actor: User,
    plan: TCOPlan,
    expected_version: int | None = None,
    **fields: Unpack[PlanFields],
) -> TCOPlan:
    """Change the plan; ``costs`` (when given) replaces every amount of it."""
    require(actor, rules.CHANGE_TCO_PLAN, _("Only administrators and executives plan the TCO."))
    expected = plan.version if expected_version is None else int(expected_version)
    locked = TCOPlan.objects.select_for_update().get(pk=plan.pk)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    values: dict[str, Any] = {name: getattr(locked, name) for name in PLAN_FIELDS}
    given: dict[str, Any] = dict(fields)
    raw_costs = given.pop("costs", None)
    values.update(given)
    if raw_costs is None:
        costs = [
            method.CostItem(c.category, c.year, c.kind, c.amount)
            for c in TCOCost.objects.filter(plan=locked)
        ]
    else:
        costs = [_item(cost) for cost in raw_costs]
    items = _clean(values, costs)
    for name, value in values.items():
        setattr(locked, name, value)
    record_update(instance=locked, actor=actor, expected_version=expected)
    if raw_costs is not None:
        _write_costs(locked, items, actor)
    return locked


@transaction.atomic
def tco_plan_delete(*, actor: User, plan: TCOPlan, expected_version: int | None = None) -> None:
    """Move the plan to the recycle bin; refused while an ROI assessment weighs it."""
    require(actor, rules.DELETE_TCO_PLAN, _("Only administrators and executives plan the TCO."))
    expected = plan.version if expected_version is None else int(expected_version)
    locked = TCOPlan.objects.select_for_update().get(pk=plan.pk)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    if locked.roi_assessments.exists():
        raise ValidationError(
            _("An ROI assessment uses this plan; delete the assessment or choose another plan.")
        )
    record_soft_delete(instance=locked, actor=actor, expected_version=expected)
