"""Every write of sales targets 销售目标/配额.

Who sets targets: administrators for anyone (every active user, every team); a sales
supervisor (``accounts.view_team_records``) for their own team, its sub-teams and the reps in
them — not for themselves. Account managers, assistants and executives set none (they read
their own, or all for executives; see ``selectors.targets``). The model rights
``sales.add/change/delete_target`` are needed as well.

``period_start`` is normalised to the first day of the month, quarter or year it falls in and
``period_end`` set to the period's last day. One live target per subject, category and
period. Rights missing → ``PermissionDenied``; bad input → ``ValidationError`` naming the
field; a stale version → ``ConflictError``.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import Team, User
from guanxi.core.exceptions import ConflictError
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.sales import rules
from guanxi.sales.models import ProductCategory, Target
from guanxi.sales.selectors.targets import settable_teams, settable_users

TARGET_EDITABLE_FIELDS = ("user", "team", "category", "period_kind", "period_start", "amount")
MAX_AMOUNT = Decimal("999999999999.99")


class TargetFields(TypedDict, total=False):
    """The editable fields of a target (its subject is a rep or a team, never both)."""

    user: User | None
    team: Team | None
    category: ProductCategory | None
    period_kind: str
    period_start: datetime.date
    amount: Decimal | int | str


def period_bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month, quarter or year ``day`` falls in."""
    if kind == Target.PeriodKind.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if kind == Target.PeriodKind.QUARTER:
        first_month = (day.month - 1) // 3 * 3 + 1
        start = datetime.date(day.year, first_month, 1)
        months = 3
    elif kind == Target.PeriodKind.MONTH:
        start = datetime.date(day.year, day.month, 1)
        months = 1
    else:
        raise ValidationError({"period_kind": _("Choose month, quarter or year.")})
    month = start.month + months
    year = start.year + (month - 1) // 12
    following = datetime.date(year, (month - 1) % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)


def _require_target_right(actor: User, permission: str) -> None:
    allowed = actor.has_perm(permission) and bool(rules.can_set_targets(actor))
    require(actor, allowed, _("Only administrators and sales supervisors set targets."))


# -- validation --------------------------------------------------------------------------------


def _clean(actor: User, fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(TARGET_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    user, team = fields.get("user"), fields.get("team")
    if (user is None) == (team is None):
        raise ValidationError({"user": _("Choose either a sales rep or a team.")})
    if user is not None and not settable_users(actor).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("You cannot set targets for this user.")})
    if team is not None and not settable_teams(actor).filter(pk=team.pk).exists():
        raise ValidationError({"team": _("You cannot set targets for this team.")})
    category = fields.get("category")
    if category is not None and not ProductCategory.objects.filter(pk=category.pk).exists():
        raise ValidationError({"category": _("Choose a product category of the catalogue.")})
    kind = fields.get("period_kind")
    if kind not in Target.PeriodKind.values:
        raise ValidationError({"period_kind": _("Choose month, quarter or year.")})
    day = fields.get("period_start")
    if not isinstance(day, datetime.date):
        raise ValidationError({"period_start": _("Enter a date within the period.")})
    if isinstance(day, datetime.datetime):
        day = day.date()
    fields["period_start"], fields["period_end"] = period_bounds(kind, day)
    amount = fields.get("amount")
    if amount is None or Decimal(amount) < 0 or Decimal(amount) > MAX_AMOUNT:
        raise ValidationError({"amount": _("Enter an amount of zero or more.")})
    return fields


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {"period_start": _("This subject already has a target for this category and period.")}
    )


def _check_unique(target: Target) -> None:
    taken = Target.objects.filter(
        user=target.user_id,
        team=target.team_id,
        category=target.category_id,
        period_kind=target.period_kind,
        period_start=target.period_start,
    )
    if target.pk is not None:
        taken = taken.exclude(pk=target.pk)
    if taken.exists():
        raise _duplicate_error()


def _save(save: Callable[[], Target], target: Target) -> Target:
    _check_unique(target)
    try:
        with transaction.atomic():
            return save()
    except IntegrityError as clash:
        # Two supervisors set the same target at the same moment; the database chose one.
        raise _duplicate_error() from clash


# -- writes ------------------------------------------------------------------------------------


@transaction.atomic
def target_create(*, actor: User, **fields: Unpack[TargetFields]) -> Target:
    _require_target_right(actor, rules.ADD_TARGET)
    values: dict[str, Any] = {"user": None, "team": None, "category": None, **fields}
    target = Target(**_clean(actor, values))
    return _save(lambda: record_create(instance=target, actor=actor), target)


def _locked(actor: User, target: Target) -> Target:
    # Lock the target row only (its subject is nullable: no FOR UPDATE through outer joins).
    rows = Target.objects.select_for_update(of=("self",)).select_related("user__team", "team")
    locked: Target = rows.get(pk=target.pk)
    allowed = bool(rules.can_manage_target(actor, locked))
    require(actor, allowed, _("You cannot change the targets of this subject."))
    return locked


@transaction.atomic
def target_update(
    *,
    actor: User,
    target: Target,
    expected_version: int | None = None,
    **fields: Unpack[TargetFields],
) -> Target:
    """Change a target; the subject may change too, to one ``actor`` may set targets for."""
    _require_target_right(actor, rules.CHANGE_TARGET)
    expected = target.version if expected_version is None else int(expected_version)
    locked = _locked(actor, target)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    merged: dict[str, Any] = {name: getattr(locked, name) for name in TARGET_EDITABLE_FIELDS}
    merged.update(fields)
    if "user" in fields and fields["user"] is not None and "team" not in fields:
        merged["team"] = None
    if "team" in fields and fields["team"] is not None and "user" not in fields:
        merged["user"] = None
    for name, value in _clean(actor, merged).items():
        setattr(locked, name, value)
    return _save(
        lambda: record_update(instance=locked, actor=actor, expected_version=expected), locked
    )


@transaction.atomic
def target_delete(*, actor: User, target: Target, expected_version: int | None = None) -> None:
    _require_target_right(actor, rules.DELETE_TARGET)
    expected = target.version if expected_version is None else int(expected_version)
    locked = _locked(actor, target)
    if expected != locked.version:
        raise ConflictError(current_version=locked.version)
    record_soft_delete(instance=locked, actor=actor, expected_version=expected)
