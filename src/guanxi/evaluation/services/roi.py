"""Every write of ROI assessments: create, update, delete.

Only administrators and executives (``evaluation.add/change/delete_roiassessment``) write; no
right → ``PermissionDenied``. Bad input → ``ValidationError`` naming the field, nothing saved:
a plan the actor cannot read, a period ending before it starts, no baseline (a yearly amount,
or a baseline period), a negative amount, a discount rate outside 0–100 %. A stale version →
``ConflictError``.
"""

import datetime
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import ConflictError
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.evaluation import rules
from guanxi.evaluation.errors import roi_error
from guanxi.evaluation.methods import roi as method
from guanxi.evaluation.models import ROIAssessment, TCOPlan
from guanxi.evaluation.selectors.tco import tco_plan_list

ASSESSMENT_FIELDS = (
    "name",
    "plan",
    "period_start",
    "period_end",
    "baseline_start",
    "baseline_end",
    "baseline_amount",
    "hours_saved",
    "hourly_rate",
    "other_savings",
    "staff_cost",
    "process_cost",
    "discount_rate",
)
_AMOUNTS = ("hourly_rate", "other_savings", "staff_cost", "process_cost")


def _only() -> str:
    return _("Only administrators and executives assess the return on the CRM.")


class AssessmentFields(TypedDict, total=False):
    name: str
    plan: TCOPlan
    period_start: datetime.date
    period_end: datetime.date
    baseline_start: datetime.date | None
    baseline_end: datetime.date | None
    baseline_amount: Decimal | int | str | None
    hours_saved: Decimal | int | str
    hourly_rate: Decimal | int | str
    other_savings: Decimal | int | str
    staff_cost: Decimal | int | str
    process_cost: Decimal | int | str
    discount_rate: Decimal | int | str


def _clean(actor: User, values: dict[str, Any]) -> None:
    if not str(values.get("name") or "").strip():
        raise ValidationError({"name": _("Give the assessment a name.")})
    values["name"] = str(values["name"]).strip()
    plan = values.get("plan")
    if not isinstance(plan, TCOPlan) or not tco_plan_list(actor=actor).filter(pk=plan.pk).exists():
        raise ValidationError({"plan": _("Choose a TCO plan.")})
    start, end = values.get("period_start"), values.get("period_end")
    if not isinstance(start, datetime.date):
        raise ValidationError({"period_start": _("Enter the first day of the measured period.")})
    if not isinstance(end, datetime.date) or end < start:
        raise ValidationError({"period_end": _("The period must end on or after its first day.")})
    b_start, b_end = values.get("baseline_start"), values.get("baseline_end")
    try:
        if values.get("baseline_amount") in (None, ""):
            values["baseline_amount"] = None
            if not isinstance(b_start, datetime.date):
                raise ValidationError(
                    {"baseline_start": _("Enter a baseline period or a yearly baseline revenue.")}
                )
            if not isinstance(b_end, datetime.date) or b_end < b_start:
                raise ValidationError(
                    {"baseline_end": _("The baseline must end on or after its first day.")}
                )
        else:
            values["baseline_amount"] = method.number(values["baseline_amount"], "baseline_amount")
        values["hours_saved"] = method.number(
            values.get("hours_saved") or 0, "hours_saved", limit=method.MAX_HOURS
        )
        for name in _AMOUNTS:
            values[name] = method.number(values.get(name) or 0, name)
        rate = method.number(values.get("discount_rate"), "discount_rate", negative=True)
        if not 0 <= rate <= 100:
            raise method.ROIError("discount_rate", "discount_rate")
        values["discount_rate"] = rate
    except method.ROIError as error:
        name, message = roi_error(error)
        raise ValidationError({name: message}) from error


@transaction.atomic
def roi_assessment_create(*, actor: User, **fields: Unpack[AssessmentFields]) -> ROIAssessment:
    require(actor, rules.edits_roi(actor), _only())
    values: dict[str, Any] = {"discount_rate": Decimal(8), **fields}
    _clean(actor, values)
    return record_create(instance=ROIAssessment(**values), actor=actor)


@transaction.atomic
def roi_assessment_update(
    *,
    actor: User,
    assessment: ROIAssessment,
    expected_version: int | None = None,
    **fields: Unpack[AssessmentFields],
) -> ROIAssessment:
    require(actor, rules.edits_roi(actor), _only())
    expected = assessment.version if expected_version is None else int(expected_version)
    locked = ROIAssessment.objects.select_for_update().get(pk=assessment.pk)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    values: dict[str, Any] = {name: getattr(locked, name) for name in ASSESSMENT_FIELDS}
    values.update(fields)
    _clean(actor, values)
    for name, value in values.items():
        setattr(locked, name, value)
    return record_update(instance=locked, actor=actor, expected_version=expected)


@transaction.atomic
def roi_assessment_delete(
    *, actor: User, assessment: ROIAssessment, expected_version: int | None = None
) -> None:
    require(actor, rules.DELETE_ROI_ASSESSMENT, _only())
    record_soft_delete(instance=assessment, actor=actor, expected_version=expected_version)
