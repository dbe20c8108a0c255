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
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.scoping import can_see, sees_everything
from guanxi.core.services.records import record_create, record_update
from guanxi.customers import events
from guanxi.customers.models import Customer, CustomerEvent, OwnershipCap, PoolPolicy

logger = logging.getLogger(__name__)

MAX_REASON_LENGTH = 500


# -- who may do what (the template tag and the views ask the same questions) ------------------


def _is_assistant(user) -> bool:
    # Same reading as customers.selectors.customer_owner_choices: an assistant owns nothing.
    return user.supports.exists() and not user.has_perm("accounts.view_team_records")


def can_claim(user) -> bool:
    """Account managers (and supervisors, who own customers too) claim for themselves."""
    return (
        user.is_active
        and user.has_perm("customers.change_customer")
        and not sees_everything(user)
        and not _is_assistant(user)
    )


def can_assign(user) -> bool:
    """Supervisors and administrators give pool customers to the people they manage."""
    return (
        user.is_active
        and user.has_perm("customers.change_customer")
        and (
            user.is_superuser
            or user.has_perm("accounts.view_team_records")
            or user.has_perm("accounts.manage_accounts")
        )
    )


def can_release(user, customer: Customer) -> bool:
    """The owner, or a supervisor/administrator who sees the owner's customer."""
    if customer.owner_id is None or not user.has_perm("customers.change_customer"):
        return False
    if customer.owner_id == user.pk:
        return True
    return can_assign(user) and can_see(user, customer)


def can_manage_settings(user) -> bool:
    """Pool policies and ownership caps are administration, like users and roles."""
    return user.is_active and user.has_perm("accounts.manage_accounts")


# -- policies and caps ------------------------------------------------------------------------


def policy_for_level(level_id: int | None) -> PoolPolicy | None:
    """The recall policy of a customer level: its own row, else the default row, else none."""
    rows = PoolPolicy.objects.filter(Q(level_id=level_id) | Q(level__isnull=True))
    policies = {policy.level_id: policy for policy in rows}
    if level_id is not None and level_id in policies:
        return policies[level_id]
    return policies.get(None)


def ownership_cap(user) -> int | None:
    """The most customers ``user`` may own in all: the smallest cap among their roles."""
    return OwnershipCap.objects.filter(role__in=user.groups.all()).aggregate(cap=Min("max_owned"))[
        "cap"
    ]


def _check_caps(owner, customer: Customer, *, field: str | None) -> None:
    """Refuse when ``owner`` already owns as many customers as a cap allows."""

    def refuse(message: str):
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


def _lock(customer: Customer, owner=None) -> Customer:
    """Lock the future owner (serialises their claims) and then the customer; re-read it."""
    if owner is not None:
        User.objects.select_for_update().filter(pk=owner.pk).first()
    return Customer.objects.select_for_update().get(pk=customer.pk)


def _set_owner(*, actor, customer: Customer, owner, reason: str) -> Customer:
    customer.owner = owner
    customer.owned_since = timezone.now() if owner is not None else None
    customer.recall_notice_at = None
    return record_update(instance=customer, actor=actor, change_reason=reason)


def _still_in_pool(customer: Customer) -> None:
    if customer.owner_id is not None:
        raise ConflictError(_("This customer is no longer in the pool."))


# -- the moves --------------------------------------------------------------------------------


@transaction.atomic
def customer_claim(*, actor, customer: Customer) -> Customer:
    """``actor`` takes ``customer`` from the pool (409 if someone was quicker)."""
    if not can_claim(actor):
        raise PermissionDenied(_("You cannot claim customers from the pool."))
    locked = _lock(customer, owner=actor)
    _still_in_pool(locked)
    _check_caps(actor, locked, field=None)
    _set_owner(
        actor=actor,
        customer=locked,
        owner=actor,
        reason=_("Claimed from the pool by %(owner)s") % {"owner": actor},
    )
    events.event_record(customer=locked, kind=CustomerEvent.Kind.CLAIMED, actor=actor)
    return locked


@transaction.atomic
def customer_assign_from_pool(*, actor, customer: Customer, owner) -> Customer:
    """A supervisor gives a pool customer to ``owner`` of their team (caps apply to ``owner``)."""
    if not can_assign(actor):
        raise PermissionDenied(_("Only supervisors assign customers from the pool."))
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
    events.event_record(
        customer=locked,
        kind=CustomerEvent.Kind.ASSIGNED,
        actor=actor,
        data={"owner": owner.pk},
    )
    return locked


@transaction.atomic
def customer_release(*, actor, customer: Customer, reason: str) -> Customer:
    """The owner (or their supervisor) puts ``customer`` back into the pool, saying why."""
    reason = (reason or "").strip()
    if customer.owner_id is None:
        raise ConflictError(_("This customer is already in the pool."))
    if not can_release(actor, customer):
        raise PermissionDenied(_("Only the account manager or their supervisor can release it."))
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
    _set_owner(
        actor=actor,
        customer=locked,
        owner=None,
        reason=_("Released to the pool: %(reason)s") % {"reason": reason},
    )
    events.event_record(
        customer=locked,
        kind=CustomerEvent.Kind.RELEASED,
        actor=actor,
        text=reason,
        data={"previous_owner": previous.pk},
    )
    return locked


# -- settings (administrators) ----------------------------------------------------------------

POLICY_FIELDS = ("level", "follow_up_days", "won_days", "notice_days", "max_owned")


def _require_settings_right(actor) -> None:
    if not can_manage_settings(actor):
        raise PermissionDenied(_("Only administrators change the pool settings."))


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
    *, actor, policy: PoolPolicy | None = None, expected_version: int | None = None, **fields
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
                return record_create(instance=policy, actor=actor)
            return record_update(instance=policy, actor=actor, expected_version=expected_version)
    except IntegrityError as clash:
        raise _policy_taken(policy) from clash


@transaction.atomic
def pool_policy_delete(*, actor, policy: PoolPolicy) -> None:
    _require_settings_right(actor)
    # A deleted policy must not keep its level taken, so it is removed, not soft-deleted.
    policy._history_user = actor
    policy.delete()


@transaction.atomic
def ownership_cap_save(
    *, actor, role, max_owned: int, cap: OwnershipCap | None = None, expected_version=None
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
                return record_create(instance=cap, actor=actor)
            return record_update(instance=cap, actor=actor, expected_version=expected_version)
    except IntegrityError as clash:
        raise ValidationError({"role": _("This role already has a cap.")}) from clash


@transaction.atomic
def ownership_cap_delete(*, actor, cap: OwnershipCap) -> None:
    _require_settings_right(actor)
    cap._history_user = actor
    cap.delete()


# -- the daily recall (customers.tasks.pool_recall) -------------------------------------------

RECALL_BATCH_SIZE = 500


def _broken_rule(policy: PoolPolicy, customer: Customer, now) -> tuple[str, int]:
    """Which rule of ``policy`` an annotated candidate breaks (or will break first)."""
    rules = [
        ("follow_up", policy.follow_up_days, customer.follow_up_since),
        ("won", policy.won_days, customer.won_since),
    ]
    active = [(name, days, since) for name, days, since in rules if days]
    name, days, _since = min(active, key=lambda rule: rule[2] + timedelta(days=rule[1]))
    return name, days


def _rule_text(rule: str, days: int):
    """The reason as the owner reads it; a callable so it renders in the reader's language."""
    if rule == "follow_up":
        return lambda: (
            ngettext("no follow-up for %(days)d day", "no follow-up for %(days)d days", days)
            % {"days": days}
        )
    return lambda: (
        ngettext(
            "no deal or order won for %(days)d day", "no deal or order won for %(days)d days", days
        )
        % {"days": days}
    )


def _in_batches(candidates, handle, batch_size: int) -> int:
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


def _locked(candidates, ids) -> list[Customer]:
    # The candidate conditions are checked again on the locked rows: a follow-up logged or a
    # claim made since the ids were read takes the customer out of this batch.
    return list(candidates.filter(pk__in=ids).select_for_update().order_by("pk"))


def _owners(customers) -> dict:
    return User.objects.in_bulk({customer.owner_id for customer in customers})


def _notice_batch(policy: PoolPolicy, ids, now) -> int:
    from guanxi.collaboration.services.notifications import notification_send
    from guanxi.customers.selectors.pool import notice_candidates, recall_date

    with transaction.atomic():
        customers = _locked(notice_candidates(policy, now=now), ids)
        owners = _owners(customers)
        for customer in customers:
            rule, days = _broken_rule(policy, customer, now)
            recall_on = timezone.localdate(recall_date(policy, customer, now=now))
            Customer.all_objects.filter(pk=customer.pk).update(recall_notice_at=now)
            events.event_record(
                customer=customer,
                kind=CustomerEvent.Kind.RECALL_NOTICE,
                data={"rule": rule, "days": days, "recall_on": recall_on.isoformat()},
            )
            reason = _rule_text(rule, days)
            name = customer.name
            notification_send(
                recipient=owners.get(customer.owner_id),
                title=lambda name=name: _("“%(name)s” will return to the pool") % {"name": name},
                body=lambda reason=reason, day=recall_on: (
                    _(
                        "It goes back to the pool on %(date)s (%(reason)s) unless you follow up "
                        "or win a deal before then."
                    )
                    % {"date": day.isoformat(), "reason": reason()}
                ),
                url=customer.get_absolute_url(),
            )
        return len(customers)


def _recall_batch(policy: PoolPolicy, ids, now) -> int:
    from guanxi.collaboration.services.notifications import notification_send
    from guanxi.customers.selectors.pool import recall_candidates

    recalled = 0
    with transaction.atomic():
        customers = _locked(recall_candidates(policy, now=now), ids)
        owners = _owners(customers)
        for customer in customers:
            previous_id = customer.owner_id
            previous = owners.get(previous_id)
            rule, days = _broken_rule(policy, customer, now)
            reason = _rule_text(rule, days)
            try:
                with transaction.atomic():
                    _set_owner(
                        actor=None,
                        customer=customer,
                        owner=None,
                        reason=_("Recalled to the pool: %(reason)s") % {"reason": reason()},
                    )
                    events.event_record(
                        customer=customer,
                        kind=CustomerEvent.Kind.RECALLED,
                        data={"rule": rule, "days": days, "previous_owner": previous_id},
                    )
            except (ValidationError, ConflictError):
                # A row that no longer validates must not stop the recall of all the others.
                logger.warning("Customer %s could not be recalled", customer.pk, exc_info=True)
                continue
            recalled += 1
            name = customer.name
            notification_send(
                recipient=previous,
                title=lambda name=name: _("“%(name)s” went back to the pool") % {"name": name},
                body=lambda reason=reason: (
                    _("The customer was recalled: %(reason)s.") % {"reason": reason()}
                ),
                url=customer.get_absolute_url(),
            )
    return recalled


def pool_recall_run(*, now=None, batch_size: int = RECALL_BATCH_SIZE) -> dict[str, int]:
    """Tell owners about coming recalls and recall the customers that are due, per policy.

    Idempotent: a notice is sent once per period (``recall_notice_at``), a recalled customer
    has no owner any more, so a second run the same day changes nothing.
    """
    from guanxi.customers.selectors.pool import notice_candidates, pool_policies, recall_candidates

    now = now or timezone.now()
    noticed = recalled = 0
    for policy in pool_policies():
        recalled += _in_batches(
            recall_candidates(policy, now=now),
            lambda ids, policy=policy: _recall_batch(policy, ids, now),
            batch_size,
        )
        noticed += _in_batches(
            notice_candidates(policy, now=now),
            lambda ids, policy=policy: _notice_batch(policy, ids, now),
            batch_size,
        )
    return {"noticed": noticed, "recalled": recalled}
