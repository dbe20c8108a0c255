"""Every write on field protection rules 字段保护规则 (which role sees which field masked/hidden).

Rules are per role, so only those who manage roles (``rules.MANAGE_FIELD_RULES``) may change
them. Each write goes through the shared record services: versioned, soft-deleted into the
recycle bin, and recorded in the rule's audit history with the acting administrator.
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_soft_delete, record_update
from guanxi.customers import masking, rules
from guanxi.customers.models import FieldRule


def _require_rule_right(actor: User) -> None:
    require(
        actor,
        rules.MANAGE_FIELD_RULES,
        _("Only administrators who manage roles change field protection."),
    )


def _taken_error() -> ValidationError:
    return ValidationError(
        {"role": _("This role already has a rule for this field; change that rule instead.")}
    )


@transaction.atomic
def field_rule_create(*, actor: User, field: str, role: Group, mode: str) -> FieldRule:
    """Protect ``field`` for ``role`` (a Group) as ``mode``; one live rule per field and role."""
    _require_rule_right(actor)
    rule = FieldRule(field=field, role=role, mode=mode)
    if FieldRule.objects.filter(field=field, role=role).exists():
        raise _taken_error()
    try:
        with transaction.atomic():
            record_create(instance=rule, actor=actor)
    except IntegrityError as clash:
        # Two administrators added the same rule at the same moment; the database kept one.
        raise _taken_error() from clash
    masking.field_protection_forget(actor)
    return rule


@transaction.atomic
def field_rule_update(
    *, actor: User, rule: FieldRule, mode: str, expected_version: int | None = None
) -> FieldRule:
    """Switch a rule between masked and hidden (field and role stay: delete and add instead)."""
    _require_rule_right(actor)
    rule.mode = mode
    record_update(instance=rule, actor=actor, expected_version=expected_version)
    masking.field_protection_forget(actor)
    return rule


@transaction.atomic
def field_rule_delete(*, actor: User, rule: FieldRule, expected_version: int | None = None) -> None:
    """Lift a rule: the role sees the field in full again. The rule goes to the recycle bin."""
    _require_rule_right(actor)
    record_soft_delete(instance=rule, actor=actor, expected_version=expected_version)
    masking.field_protection_forget(actor)
