"""Every write of the customer pool 公海: claim, assign from the pool, release, recall, settings.

A customer without an owner sits in the pool. Account managers claim customers from it (within
their caps), supervisors assign pool customers to the people of their team, owners and their
supervisors release customers back, and the daily job recalls neglected ones
(:mod:`guanxi.customers.tasks`). Each move sets the owner and ``owned_since``, clears an old
recall notice, writes the audit history with a reason and an event on the timeline, in one
transaction.

Caps: the smallest :class:`OwnershipCap` of the owner's roles limits how many customers they
own in all; the ``max_owned`` of the customer level's :class:`PoolPolicy` limits how many of
that level. Claims lock the future owner's user row first and the customer row second, so two
concurrent claims can neither exceed a cap nor both win the same customer.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TypedDict, Unpack

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry
from guanxi.core.rules import require
from guanxi.core.services.records import (
    record_bulk_update,
    record_create,
    record_update,
    system_reason,
)
from guanxi.customers import events, notifications, reassign_hooks, rules
from guanxi.customers.models import Customer, OwnershipCap, PoolPolicy
from guanxi.customers.selectors.pool import (
    notice_candidates,
    pool_policies,
    recall_candidates,
    recall_date,
)

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500


# -- policies and caps ------------------------------------------------------------------------


def policy_for_level(level_id: int | None) -> PoolPolicy | None:
    """The recall policy of a customer level: its own row, else the default row, else none."""
    rows = PoolPolicy.objects.filter(Q(level_id=level_id) | Q(level__isnull=True))
    policies: dict[int | None, PoolPolicy] = {policy.level_id: policy for policy in rows}
    if level_id is not None and level_id in policies:
        return policies[level_id]
    return policies.get(None)


def ownership_cap(user: User) -> int | None:
    """The most customers ``user`` may own in all: the smallest cap among their roles."""
    cap: int | None = OwnershipCap.objects.filter(role__in=user.groups.all()).aggregate(
        cap=Min("max_owned")
    )["cap"]
    return cap


def _check_caps(owner: User, customer: Customer, *, field: str | None) -> None:
    """Refuse when ``owner`` already owns as many customers as a cap allows."""

    def refuse(message: str) -> None:
        raise BusinessRuleError({field: message} if field else message)

    cap = ownership_cap(owner)
    owned = Customer.objects.filter(owner=owner)
    if cap is not None and owned.count() >= cap:
        refuse(
            ngettext(
                "%(owner)s already owns %(count)d customer, the most allowed for their role.",
                "%(owner)s already owns %(count)d customers, the most allowed for their role.",
                cap,
            )
            % {"owner": owner, "count": cap}
        )
    policy = policy_for_level(customer.level_id)
    if policy is not None and policy.max_owned is not None:
        same_level = owned.filter(level_id=customer.level_id)
        if same_level.count() >= policy.max_owned:
            refuse(
                ngettext(
                    "%(owner)s already owns %(count)d customer of this level, "
                    "the most allowed for it.",
                    "%(owner)s already owns %(count)d customers of this level, "
                    "the most allowed for it.",
                    policy.max_owned,
                )
                % {"owner": owner, "count": policy.max_owned}
            )


def _lock(customer: Customer, owner: User | None = None) -> Customer:
    """Lock the future owner (serialises their claims) and then the customer; re-read it."""
    if owner is not None:
        User.objects.select_for_update().filter(pk=owner.pk).first()
    locked: Customer = Customer.objects.select_for_update().get(pk=customer.pk)
    return locked


def _set_owner(
    *, actor: User | None, customer: Customer, owner: User | None, reason: str
) -> Customer:
    """Every move of the pool changes the owner here; the customer's open work and the owner
    kept on its records follow through the reassign hooks, in the same transaction."""
    previous = customer.owner
    customer.owner = owner
    customer.owned_since = timezone.now() if owner is not None else None
    customer.recall_notice_at = None
    record_update(instance=customer, actor=actor, change_reason=reason)
    reassign_hooks.run(actor=actor, customer=customer, previous=previous, owner=owner)
    return customer


def _still_in_pool(customer: Customer) -> None:
    if customer.owner_id is not None:
        raise ConflictError(_("This customer is no longer in the pool."))


# -- the moves --------------------------------------------------------------------------------


@transaction.atomic
def customer_claim(*, actor: User, customer: Customer) -> Customer:
    """``actor`` takes ``customer`` from the pool (409 if someone was quicker)."""
    require(actor, rules.can_claim(actor), _("You cannot claim customers from the pool."))
    locked = _lock(customer, owner=actor)
    _still_in_pool(locked)
    _check_caps(actor, locked, field=None)
    _set_owner(
        actor=actor,
        customer=locked,
        owner=actor,
        reason=_("Claimed from the pool by %(owner)s") % {"owner": actor},
    )
    events.customer_claimed_event(customer=locked, actor=actor)
    return locked


@transaction.atomic
def customer_assign_from_pool(*, actor: User, customer: Customer, owner: User | None) -> Customer:
    """A supervisor gives a pool customer to ``owner`` of their team (caps apply to ``owner``)."""
    require(actor, rules.can_assign(actor), _("Only supervisors assign customers from the pool."))
    if owner is None:
        raise ValidationError({"owner": _("Choose the account manager to give the customer to.")})
    if not assignable_owners(actor=actor).filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("You cannot give customers to this user.")})
    locked = _lock(customer, owner=owner)
    _still_in_pool(locked)
    _check_caps(owner, locked, field="owner")
    _set_owner(
        actor=actor,
        customer=locked,
        owner=owner,
        reason=_("Assigned from the pool to %(owner)s") % {"owner": owner},
    )
    events.customer_assigned_event(customer=locked, actor=actor, owner=owner)
    return locked


@transaction.atomic
def customer_release(*, actor: User, customer: Customer, reason: str) -> Customer:
    """The owner (or their supervisor) puts ``customer`` back into the pool, saying why."""
    reason = (reason or "").strip()
    if customer.owner_id is None:
        raise ConflictError(_("This customer is already in the pool."))
    require(
        actor,
        rules.can_release(actor, customer),
        _("Only the account manager or their supervisor can release it."),
    )
    if not reason:
        raise ValidationError({"reason": _("Say why the customer goes back to the pool.")})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Write at most %(count)d characters.") % {"count": MAX_REASON_LENGTH}}
        )
    locked = _lock(customer)
    if locked.owner_id != customer.owner_id:
        raise ConflictError(_("The customer's account manager changed meanwhile."))
    previous = locked.owner
    assert previous is not None  # it had an owner: checked above, under the lock
    _set_owner(
        actor=actor,
        customer=locked,
        owner=None,
        reason=_("Released to the pool: %(reason)s") % {"reason": reason},
    )
    events.customer_released_event(
        customer=locked, actor=actor, reason=reason, previous_owner=previous
    )
    return locked


# -- settings (administrators) ----------------------------------------------------------------

POLICY_FIELDS = ("level", "follow_up_days", "won_days", "notice_days", "max_owned")


class PolicyFields(TypedDict, total=False):
    """The fields of a recall policy (``POLICY_FIELDS``); None: no such rule, or no limit."""

    level: DictionaryEntry | None
    follow_up_days: int | None
    won_days: int | None
    notice_days: int
    max_owned: int | None


def _require_settings_right(actor: User) -> None:
    require(
        actor,
        rules.can_manage_pool_settings(actor),
        _("Only administrators change the pool settings."),
    )


def _policy_taken(policy: PoolPolicy) -> ValidationError:
    if policy.level_id is None:
        return ValidationError({"level": _("There is already a default policy for all levels.")})
    return ValidationError({"level": _("This level already has a policy.")})


def _check_policy_free(policy: PoolPolicy) -> None:
    taken = PoolPolicy.objects.filter(level_id=policy.level_id).exclude(pk=policy.pk)
    if taken.exists():
        raise _policy_taken(policy)


@transaction.atomic
def pool_policy_save(
    *,
    actor: User,
    policy: PoolPolicy | None = None,
    expected_version: int | None = None,
    **fields: Unpack[PolicyFields],
) -> PoolPolicy:
    """Create a policy (``policy`` None) or change one; one policy per level, one default."""
    _require_settings_right(actor)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    creating = policy is None
    policy = policy or PoolPolicy()
    for name, value in fields.items():
        setattr(policy, name, value)
    _check_policy_free(policy)
    try:
        with transaction.atomic():
            if creating:
                record_create(instance=policy, actor=actor)
            else:
                record_update(instance=policy, actor=actor, expected_version=expected_version)
    except IntegrityError as clash:
        raise _policy_taken(policy) from clash
    return policy


@transaction.atomic
def pool_policy_delete(*, actor: User, policy: PoolPolicy) -> None:
    _require_settings_right(actor)
    # A deleted policy must not keep its level taken, so it is removed, not soft-deleted.
    policy._history_user = actor  # type: ignore[attr-defined]
    policy.delete()


@transaction.atomic
def ownership_cap_save(
    *,
    actor: User,
    role: Group,
    max_owned: int,
    cap: OwnershipCap | None = None,
    expected_version: int | None = None,
) -> OwnershipCap:
    """Set the cap of ``role`` (a new row, or the existing ``cap``); one cap per role."""
    _require_settings_right(actor)
    taken = OwnershipCap.objects.filter(role=role)
    if cap is not None:
        taken = taken.exclude(pk=cap.pk)
    if taken.exists():
        raise ValidationError({"role": _("This role already has a cap.")})
    creating = cap is None
    cap = cap or OwnershipCap()
    cap.role, cap.max_owned = role, max_owned
    try:
        with transaction.atomic():
            if creating:
                record_create(instance=cap, actor=actor)
            else:
                record_update(instance=cap, actor=actor, expected_version=expected_version)
    except IntegrityError as clash:
        raise ValidationError({"role": _("This role already has a cap.")}) from clash
    return cap


@transaction.atomic
def ownership_cap_delete(*, actor: User, cap: OwnershipCap) -> None:
    _require_settings_right(actor)
    cap._history_user = actor  # type: ignore[attr-defined]
    cap.delete()


# -- the daily recall (customers.tasks.pool_recall) -------------------------------------------

RECALL_BATCH_SIZE = 500


def _broken_rule(policy: PoolPolicy, customer: Customer) -> tuple[str, int]:
    """Which rule of ``policy`` an annotated candidate breaks (or will break first)."""
    candidates: list[tuple[str, int | None, datetime]] = [
        ("follow_up", policy.follow_up_days, customer.follow_up_since),  # type: ignore[attr-defined]
        ("won", policy.won_days, customer.won_since),  # type: ignore[attr-defined]
    ]
    active = [(name, days, since) for name, days, since in candidates if days]
    name, days, _since = min(active, key=lambda rule: rule[2] + timedelta(days=rule[1]))
    return name, days


def _rule_text(rule: str, days: int) -> Callable[[], str]:
    """The reason as the owner reads it; a callable so it renders in the reader's language."""
    return lambda: notifications.recall_reason(rule, days)


def _in_batches(
    candidates: QuerySet[Customer], handle: Callable[[list[int]], int], batch_size: int
) -> int:
    """Feed the ids of ``candidates`` to ``handle`` in pk order, ``batch_size`` at a time.

    Each batch is read fresh after the previous one was written, so a million candidates
    never sit in memory, and each batch commits on its own.
    """
    done, last = 0, 0
    while True:
        ids = list(
            candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return done
        done += handle(ids)
        last = ids[-1]


def _locked(candidates: QuerySet[Customer], ids: list[int]) -> list[Customer]:
    # The candidate conditions are checked again on the locked rows: a follow-up logged or a
    # claim made since the ids were read takes the customer out of this batch.
    return list(candidates.filter(pk__in=ids).select_for_update().order_by("pk"))


def _owners(customers: Iterable[Customer]) -> dict[int | None, User]:
    return User.objects.in_bulk({customer.owner_id for customer in customers})


RECALL_NOTICE = system_reason("customers.pool_recall_notice", gettext_lazy("Recall notice sent"))


def _notice_batch(policy: PoolPolicy, ids: list[int], now: datetime) -> int:
    with transaction.atomic():
        customers = _locked(notice_candidates(policy, now=now), ids)
        owners = _owners(customers)
        record_bulk_update(
            queryset=Customer.all_objects.filter(pk__in=[customer.pk for customer in customers]),
            values={"recall_notice_at": now},
            reason=RECALL_NOTICE,
        )
        for customer in customers:
            rule, days = _broken_rule(policy, customer)
            recall_on = timezone.localdate(recall_date(policy, customer, now=now))
            events.customer_recall_notice_event(
                customer=customer, rule=rule, days=days, recall_on=recall_on
            )
            notification_send(
                recipient=owners.get(customer.owner_id),
                kind=notifications.POOL_RECALL_NOTICE,
                params={
                    "name": customer.name,
                    "rule": rule,
                    "days": days,
                    "date": recall_on.isoformat(),
                },
                url=customer.get_absolute_url(),
            )
        return len(customers)


def _recall_batch(policy: PoolPolicy, ids: list[int], now: datetime) -> int:
    recalled = 0
    with transaction.atomic():
        customers = _locked(recall_candidates(policy, now=now), ids)
        owners = _owners(customers)
        for customer in customers:
            previous_id = customer.owner_id
            previous = owners.get(previous_id)
            rule, days = _broken_rule(policy, customer)
            reason = _rule_text(rule, days)
            try:
                with transaction.atomic():
                    _set_owner(
                        actor=None,
                        customer=customer,
                        owner=None,
                        reason=_("Recalled to the pool: %(reason)s") % {"reason": reason()},
                    )
                    events.customer_recalled_event(
                        customer=customer, rule=rule, days=days, previous_owner_id=previous_id
                    )
            except (ValidationError, ConflictError):
                # A row that no longer validates must not stop the recall of all the others.
                logger.warning("Customer %s could not be recalled", customer.pk, exc_info=True)
                continue
            recalled += 1
            notification_send(
                recipient=previous,
                kind=notifications.POOL_RECALLED,
                params={"name": customer.name, "rule": rule, "days": days},
                url=customer.get_absolute_url(),
            )
    return recalled


def pool_recall_run(
    *, now: datetime | None = None, batch_size: int = RECALL_BATCH_SIZE
) -> dict[str, int]:
    """Tell owners about coming recalls and recall the customers that are due, per policy.

    Idempotent: a notice is sent once per period (``recall_notice_at``), a recalled customer
    has no owner any more, so a second run the same day changes nothing.
    """
    now = now or timezone.now()
    noticed = recalled = 0
    for policy in pool_policies():
        recalled += _in_batches(
            recall_candidates(policy, now=now),
            partial(_recall_batch, policy, now=now),
            batch_size,
        )
        noticed += _in_batches(
            notice_candidates(policy, now=now),
            partial(_notice_batch, policy, now=now),
            batch_size,
        )
    return {"noticed": noticed, "recalled": recalled}
