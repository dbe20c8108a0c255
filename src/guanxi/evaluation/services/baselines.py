"""Every write of KPI baselines: take a snapshot, set or clear its targets, delete it.

A snapshot freezes what the KPI dashboard (``analytics.kpis.dashboard``) computes for a period,
company-wide (the taker is an administrator or executive, who sees every record), with each
KPI's label in both languages, its unit and whether up is good. Only administrators and
executives write (``evaluation.add/change/delete_baseline``); no right → ``PermissionDenied``.
Bad input (no name, a period ending before it starts or in the future, an unknown KPI, the
same KPI twice, a target that is not a number, an unknown direction) → ``ValidationError``
naming the field (``period_end``, ``targets[2].target``), and nothing is written.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import kpis, periods
from guanxi.core.exceptions import ConflictError
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.core.validators import validate_business_date
from guanxi.evaluation import rules
from guanxi.evaluation.models import Baseline, BaselineTarget, BaselineValue
from guanxi.evaluation.models.baselines import TargetDirection

# Far beyond any KPI; keeps a target inside the column (20 digits, 4 places).
MAX_TARGET = Decimal("1e15")
ENGLISH, CHINESE = "en", "zh-hans"


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The previous full calendar month: what a go-live baseline usually freezes."""
    today = today or timezone.localdate()
    return periods.preset_range(periods.LAST_MONTH, today)


def _labels() -> dict[str, tuple[str, str]]:
    """Each KPI's label as the dashboard defines it, in English and in Chinese."""
    labels: dict[str, tuple[str, str]] = {}
    for kpi in kpis.KPIS:
        with translation.override(ENGLISH):
            english = str(kpi.label)
        with translation.override(CHINESE):
            chinese = str(kpi.label)
        labels[kpi.key] = (english, chinese)
    return labels


def _check_period(start: Any, end: Any) -> tuple[datetime.date, datetime.date]:
    if not isinstance(start, datetime.date):
        raise ValidationError({"period_start": _("Enter the first day of the period.")})
    if not isinstance(end, datetime.date):
        raise ValidationError({"period_end": _("Enter the last day of the period.")})
    for name, day in (("period_start", start), ("period_end", end)):
        try:
            validate_business_date(day)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from error
    if end < start:
        raise ValidationError(
            {"period_end": _("The period must end on or after the day it starts.")}
        )
    if end > timezone.localdate():
        raise ValidationError(
            {
                "period_end": _(
                    "A baseline freezes values already measured: the period cannot end in "
                    "the future."
                )
            }
        )
    return start, end


@transaction.atomic
def baseline_take(
    *,
    actor: User,
    name: str,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    note: str = "",
) -> Baseline:
    """Freeze every KPI of the dashboard for the period (the previous full month when no
    dates are given), company-wide, now."""
    require(actor, rules.ADD_BASELINE, _("Only administrators and executives take baselines."))
    require(
        actor,
        rules.reads_baselines(actor),
        _("A baseline is company-wide: only someone who sees every record takes one."),
    )
    if not str(name or "").strip():
        raise ValidationError({"name": _("Give the baseline a name.")})
    if period_start is None and period_end is None:
        period_start, period_end = default_period()
    start, end = _check_period(period_start, period_end)
    data = kpis.dashboard(actor=actor, date_from=start, date_to=end)
    baseline = record_create(
        instance=Baseline(
            name=str(name).strip(),
            period_start=start,
            period_end=end,
            taken_at=timezone.now(),
            taken_by=actor,
            note=note or "",
        ),
        actor=actor,
    )
    labels = _labels()
    BaselineValue.objects.bulk_create(
        BaselineValue(
            baseline=baseline,
            position=position,
            key=row["key"],
            label_en=labels.get(row["key"], (row["label"],) * 2)[0],
            label_zh=labels.get(row["key"], (row["label"],) * 2)[1],
            unit=row["unit"],
            higher_is_better=row["higher_is_better"],
            value=row["value"],
        )
        for position, row in enumerate(data["kpis"])
    )
    return baseline


def _number(raw: Any, name: str) -> Decimal:
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Enter a number.")}) from None
    if not value.is_finite() or abs(value) >= MAX_TARGET:
        raise ValidationError({name: _("Enter a number.")})
    return value.quantize(Decimal("0.0001"))


def _clean_targets(
    baseline: Baseline, targets: Iterable[Mapping[str, Any]]
) -> list[BaselineTarget]:
    known = set(BaselineValue.objects.filter(baseline=baseline).values_list("key", flat=True))
    seen: set[str] = set()
    cleaned = []
    for index, item in enumerate(targets):
        where = f"targets[{index}]"
        key = str(item.get("key") or "")
        if key not in known:
            raise ValidationError({f"{where}.key": _("This baseline has no such KPI.")})
        if key in seen:
            raise ValidationError({f"{where}.key": _("This KPI has a target already.")})
        seen.add(key)
        if item.get("target") in (None, ""):
            raise ValidationError({f"{where}.target": _("Enter a number.")})
        target = _number(item["target"], f"{where}.target")
        direction = str(item.get("direction") or TargetDirection.AT_LEAST)
        if direction not in TargetDirection.values:
            raise ValidationError({f"{where}.direction": _("Choose at least or at most.")})
        note = str(item.get("note") or "").strip()
        if len(note) > 300:
            raise ValidationError({f"{where}.note": _("Keep the note under 300 characters.")})
        cleaned.append(
            BaselineTarget(
                baseline=baseline, key=key, target=target, direction=direction, note=note
            )
        )
    return cleaned


def _locked(baseline: Baseline, expected_version: int | None) -> Baseline:
    expected = baseline.version if expected_version is None else int(expected_version)
    locked = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    return locked


@transaction.atomic
def baseline_targets_set(
    *,
    actor: User,
    baseline: Baseline,
    targets: Iterable[Mapping[str, Any]],
    expected_version: int | None = None,
) -> Baseline:
    """Make the baseline's targets exactly ``targets`` (``key``, ``target``, ``direction``
    "at_least"/"at_most", ``note``); an empty list clears them all. Each target's change is
    in its history; the baseline's version goes up."""
    require(actor, rules.CHANGE_BASELINE, _("Only administrators and executives agree targets."))
    locked = _locked(baseline, expected_version)
    wanted = {target.key: target for target in _clean_targets(locked, targets)}
    for current in BaselineTarget.objects.filter(baseline=locked):
        new = wanted.pop(current.key, None)
        if new is None:
            current.delete()
        elif (current.target, current.direction, current.note) != (
            new.target,
            new.direction,
            new.note,
        ):
            current.target, current.direction, current.note = new.target, new.direction, new.note
            current.save()
    for new in wanted.values():
        new.save(force_insert=True)
    record_update(instance=locked, actor=actor, expected_version=locked.version)
    return locked


@transaction.atomic
def baseline_target_clear(
    *, actor: User, baseline: Baseline, key: str, expected_version: int | None = None
) -> Baseline:
    """Remove the target of one KPI (nothing happens when it has none)."""
    require(actor, rules.CHANGE_BASELINE, _("Only administrators and executives agree targets."))
    locked = _locked(baseline, expected_version)
    for target in BaselineTarget.objects.filter(baseline=locked, key=key):
        target.delete()
    record_update(instance=locked, actor=actor, expected_version=locked.version)
    return locked


@transaction.atomic
def baseline_delete(
    *, actor: User, baseline: Baseline, expected_version: int | None = None
) -> None:
    """Move the baseline (with its values and targets) to the recycle bin."""
    require(actor, rules.DELETE_BASELINE, _("Only administrators and executives delete baselines."))
    locked = _locked(baseline, expected_version)
    record_soft_delete(instance=locked, actor=actor, expected_version=locked.version)
