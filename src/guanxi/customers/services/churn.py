"""Every write of churn handling 客户流失管理: warn, postpone, confirm, and orders closing cases.

A case moves warning → postponed (any number of measures) → confirmed, or is closed by an
order: an open case as *cleared*, a confirmed one as *won back*. The customer's ``status``
follows the case; cases, measures and events are never deleted, so the history stays.
"""

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.imports.bulk import values_update
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.core.scoping import can_see
from guanxi.core.services.records import (
    record_bulk_update,
    record_history_copy,
    record_update,
    system_reason,
)
from guanxi.customers import events, notifications, rules
from guanxi.customers.models import ChurnCase, ChurnMeasure, Customer
from guanxi.customers.selectors.churn import (
    churn_candidates_before,
    churn_months,
    months_before,
)

logger = logging.getLogger(__name__)

MAX_MEASURES_LENGTH = 4000
CHURN_SCAN_BATCH = 500
ORDER_RECORDED = system_reason(
    "customers.order_recorded", gettext_lazy("Last order date taken from a new order")
)


def _locked(customer: Customer) -> Customer:
    """The customer's row, locked for this transaction, so two writers cannot both open a case."""
    locked: Customer = Customer.objects.select_for_update().get(pk=customer.pk)
    return locked


def _set_status(*, customer: Customer, status: str, actor: User | None, reason: str) -> None:
    customer.status = status
    record_update(instance=customer, actor=actor, change_reason=reason)


def _open_case(customer: Customer) -> ChurnCase | None:
    return (
        ChurnCase.objects.select_for_update()
        .filter(customer=customer, state__in=ChurnCase.OPEN_STATES)
        .first()
    )


def _require_handler(actor: User, customer: Customer) -> None:
    """The owner or their supervisor (anyone holding the right who sees the customer)."""
    require(actor, rules.CHANGE_CHURNCASE)
    if not can_see(actor, customer):
        raise Customer.DoesNotExist


# -- the daily job --------------------------------------------------------------------------


@transaction.atomic
def churn_warn(
    *,
    customer: Customer,
    now: datetime | None = None,
    cutoff: datetime | None = None,
    source: str = ChurnCase.Source.RULE,
    risk: Decimal | None = None,
    reasons: list[Any] | None = None,
) -> ChurnCase | None:
    """Open a churn warning 流失预警 for ``customer``.

    Called by the daily job for each candidate, with the job's ``cutoff``: checked again under
    a row lock against the same candidate rules (:func:`churn_candidates_before`), so a customer
    that was warned, ordered, or got open work or an interaction in the meantime is left alone
    (``None``). Without ``cutoff`` only the state is checked. The owner hears of it in the job's
    digest (:func:`churn_scan`), not one notification per customer. The churn model's
    warnings pass ``source`` "model" with the customer's ``risk`` and ``reasons``.
    """
    now = now or timezone.now()
    customer = _locked(customer)
    if customer.status != Customer.Status.ACTIVE or customer.owner_id is None:
        return None
    if _open_case(customer) is not None:
        return None
    if (
        cutoff is not None
        and not churn_candidates_before(cutoff=cutoff).filter(pk=customer.pk).exists()
    ):
        return None
    case = ChurnCase.objects.create(
        customer=customer,
        state=ChurnCase.State.WARNING,
        owner=customer.owner,
        warned_at=now,
        last_order_at=customer.last_order_at,
        source=source,
        risk=risk,
        reasons=reasons or [],
    )
    _set_status(
        customer=customer,
        status=Customer.Status.CHURN_WARNING,
        actor=None,
        reason=_("Churn warning"),
    )
    events.churn_warning_event(customer=customer, case=case, last_order=customer.last_order_at)
    return case


def churn_scan(
    *, now: datetime | None = None, months: int | None = None, batch_size: int = CHURN_SCAN_BATCH
) -> int:
    """Warn every churn candidate, a batch at a time; returns how many warnings were opened.

    Each customer is its own transaction, so a long run holds no locks for long and a crash
    keeps what was done; running it again warns nobody twice. Each owner then gets one digest
    for the run ("12 customers entered churn warning"), linking to the churn list filtered to
    their warnings of the day.
    """
    now = now or timezone.now()
    cutoff = months_before(now, churn_months() if months is None else months)
    per_owner: Counter[int] = Counter()
    after = 0
    while True:
        batch = list(
            churn_candidates_before(cutoff=cutoff)
            .filter(pk__gt=after)
            .order_by("pk")
            .only("pk")[:batch_size]
        )
        if not batch:
            break
        for customer in batch:
            try:
                case = churn_warn(customer=customer, now=now, cutoff=cutoff)
            except ValidationError:
                # A record the current rules reject (e.g. imported long ago) must not stop the
                # warnings of everyone else; it is logged for an administrator to correct.
                logger.exception("Churn warning skipped for customer %s", customer.pk)
                continue
            if case is not None and case.owner_id is not None:
                per_owner[case.owner_id] += 1
        after = batch[-1].pk
    _churn_digests(per_owner, now=now)
    return sum(per_owner.values())


def churn_warn_by_model(
    *, warnings: Mapping[int, tuple[Decimal, list[Any]]], now: datetime | None = None
) -> int:
    """Open the churn model's warnings: ``warnings`` maps a customer id to its risk and
    reasons. Like :func:`churn_scan`, one transaction per customer, and a customer already
    warned (by the rule or the model), churned or in the pool is left alone; each owner gets
    one digest. Returns how many warnings were opened."""
    now = now or timezone.now()
    per_owner: Counter[int] = Counter()
    for customer in Customer.objects.filter(pk__in=list(warnings)).only("pk").order_by("pk"):
        risk, reasons = warnings[customer.pk]
        try:
            case = churn_warn(
                customer=customer,
                now=now,
                source=ChurnCase.Source.MODEL,
                risk=risk,
                reasons=reasons,
            )
        except ValidationError:
            logger.exception("Churn warning skipped for customer %s", customer.pk)
            continue
        if case is not None and case.owner_id is not None:
            per_owner[case.owner_id] += 1
    _churn_digests(per_owner, now=now)
    return sum(per_owner.values())


def _churn_digests(per_owner: Counter[int], *, now: datetime) -> None:
    """One notification per owner and run, linking to their warnings of the day."""
    if not per_owner:
        return
    day = timezone.localtime(now).date().isoformat()
    url = reverse("customers:churn_list") + "?" + urlencode({"mine": 1, "warned": day})
    owners = User.objects.in_bulk(list(per_owner))
    for owner_id, count in sorted(per_owner.items()):
        notification_send(
            recipient=owners.get(owner_id),
            kind=notifications.CHURN_DIGEST,
            params={"count": count, "date": day},
            url=url,
        )


# -- the owner's decisions ------------------------------------------------------------------


@transaction.atomic
def churn_postpone(*, actor: User, customer: Customer, measures: str) -> ChurnCase:
    """Postpone churn 暂缓流失: record the measures 暂缓措施 taken; call again to add more."""
    _require_handler(actor, customer)
    measures = (measures or "").strip()
    if not measures:
        raise ValidationError({"measures": _("Describe the measures taken to keep the customer.")})
    if len(measures) > MAX_MEASURES_LENGTH:
        raise ValidationError(
            {"measures": _("Write at most %(count)d characters.") % {"count": MAX_MEASURES_LENGTH}}
        )
    customer = _locked(customer)
    case = _open_case(customer)
    if case is None:
        raise BusinessRuleError(
            _("Churn can only be postponed while the customer has a churn warning.")
        )
    ChurnMeasure.objects.create(case=case, text=measures, recorded_by=actor)
    if case.state == ChurnCase.State.WARNING:
        case.state = ChurnCase.State.POSTPONED
        case.save(update_fields=["state"])
    if customer.status != Customer.Status.POSTPONED:
        _set_status(
            customer=customer,
            status=Customer.Status.POSTPONED,
            actor=actor,
            reason=_("Churn postponed"),
        )
    events.churn_postponed_event(customer=customer, case=case, actor=actor, measures=measures)
    return case


@transaction.atomic
def churn_confirm(
    *,
    actor: User,
    customer: Customer,
    reason: DictionaryEntry | int | str | None,
    details: str = "",
) -> ChurnCase:
    """Confirm churn 确定流失 with the reason 流失原因: the case closes, the customer is churned."""
    _require_handler(actor, customer)
    if not isinstance(reason, DictionaryEntry):
        reason = DictionaryEntry.objects.filter(pk=reason).first() if reason else None
    if (
        reason is None
        or reason.kind != DictionaryKind.CHURN_REASON
        or not reason.is_active
        or reason.is_deleted
    ):
        raise ValidationError({"reason": _("Choose the reason the customer was lost.")})
    details = (details or "").strip()
    if len(details) > MAX_MEASURES_LENGTH:
        raise ValidationError(
            {"details": _("Write at most %(count)d characters.") % {"count": MAX_MEASURES_LENGTH}}
        )
    customer = _locked(customer)
    case = _open_case(customer)
    if case is None:
        raise BusinessRuleError(
            _("Churn can only be confirmed while the customer has a churn warning.")
        )
    case.state = ChurnCase.State.CONFIRMED
    case.reason = reason
    case.reason_text = details
    case.closed_at = timezone.now()
    case.closed_by = actor
    case.save(update_fields=["state", "reason", "reason_text", "closed_at", "closed_by"])
    _set_status(
        customer=customer, status=Customer.Status.CHURNED, actor=actor, reason=_("Churn confirmed")
    )
    events.churn_confirmed_event(
        customer=customer, case=case, actor=actor, reason_code=reason.code, details=details
    )
    return case


# -- orders (the hook the sales module calls) -------------------------------------------------


# Only ever called inside the order service's transaction: no savepoint of its own.
@transaction.atomic(savepoint=False)
def customer_order_recorded(
    *, customer: Customer, ordered_at: datetime, actor: User | None = None
) -> Customer:
    """Note an order of ``customer`` at ``ordered_at``; the order services call this on create.

    Moves ``last_order_at`` / ``last_won_at`` forward (never back, so a late back-dated order
    changes nothing), closes an open churn case as cleared, and wins back a churned customer:
    status active again, its confirmed case marked won back, a WON_BACK event on the timeline.
    """
    customer = _locked(customer)
    for name in ("last_order_at", "last_won_at"):
        current = getattr(customer, name)
        if current is None or ordered_at > current:
            setattr(customer, name, ordered_at)
    case = _open_case(customer)
    was_churned = customer.status == Customer.Status.CHURNED
    if case is None and not was_churned:
        # Nothing to close: the dates are a cache of the orders, not an edit of the customer,
        # so no version bump (an open edit form stays valid); the history names the system.
        record_bulk_update(
            queryset=Customer.all_objects.filter(pk=customer.pk),
            values={"last_order_at": customer.last_order_at, "last_won_at": customer.last_won_at},
            reason=ORDER_RECORDED,
        )
        return customer
    if case is not None:
        case.state = ChurnCase.State.CLEARED
        case.closed_at = timezone.now()
        case.closed_by = actor
        case.save(update_fields=["state", "closed_at", "closed_by"])
        reason = _("Churn warning cleared by an order")
    won_back = None
    if was_churned:
        won_back = (
            ChurnCase.objects.select_for_update()
            .filter(customer=customer, state=ChurnCase.State.CONFIRMED)
            .order_by("-closed_at", "-id")
            .first()
        )
        if won_back is not None:
            won_back.state = ChurnCase.State.WON_BACK
            won_back.save(update_fields=["state"])
        reason = _("Won back by an order")
    _set_status(customer=customer, status=Customer.Status.ACTIVE, actor=actor, reason=reason)
    if was_churned:
        events.customer_won_back_event(
            customer=customer, case=won_back, actor=actor, ordered_at=ordered_at
        )
    return customer


@transaction.atomic(savepoint=False)
def customers_orders_recorded(
    *, ordered_at: Mapping[int, datetime], actor: User | None = None
) -> None:
    """:func:`customer_order_recorded` for many customers at once (a batch of imported order
    history): ``ordered_at`` maps each customer id to its newest order of the batch.

    Dates only move forward. The customers whose order closes a churn case or wins them back
    go through :func:`customer_order_recorded`; for the others the dates are one UPDATE and
    one bulk write of history rows, whatever their number.
    """
    current = Customer.all_objects.select_for_update().filter(pk__in=ordered_at)
    moved: dict[int, datetime] = {}
    won: dict[int, datetime] = {}
    churned: set[int] = set()
    # The locked rows' dates: the plain customers' new ones are decided here, then written.
    dates: dict[int, tuple[datetime | None, datetime | None]] = {}
    for pk, last_order_at, last_won_at, status in current.values_list(
        "pk", "last_order_at", "last_won_at", "status"
    ):
        dates[pk] = (last_order_at, last_won_at)
        when = ordered_at[pk]
        if last_order_at is None or when > last_order_at:
            moved[pk] = when
            if status == Customer.Status.CHURNED:
                churned.add(pk)
        if last_won_at is None or when > last_won_at:
            won[pk] = when
    if not moved and not won:
        return
    if churned:
        # A customer migrated as churned (its confirmed case closed on the day it left) is won
        # back only by an order after that day: its older orders are the history before it.
        left = dict(
            ChurnCase.objects.filter(customer_id__in=churned, state=ChurnCase.State.CONFIRMED)
            .values("customer_id")
            .annotate(at=Max("closed_at"))
            .values_list("customer_id", "at")
        )
        churned = {pk for pk in churned if left.get(pk) is None or moved[pk] > left[pk]}
    churned |= set(
        ChurnCase.objects.filter(
            customer_id__in=moved, state__in=ChurnCase.OPEN_STATES
        ).values_list("customer_id", flat=True)
    )
    for customer in Customer.all_objects.filter(pk__in=churned):
        customer_order_recorded(customer=customer, ordered_at=moved[customer.pk], actor=actor)
    plain = (set(moved) | set(won)) - churned
    if not plain:
        return

    # One UPDATE … FROM (VALUES …): a CASE of a branch per customer cost more Python time
    # to build than the database took to run it.
    values_update(
        Customer,
        ["last_order_at", "last_won_at"],
        {pk: (moved.get(pk, dates[pk][0]), won.get(pk, dates[pk][1])) for pk in sorted(plain)},
    )
    # Written by the database (INSERT … SELECT): no customer is read into Python.
    record_history_copy(model=Customer, ids=sorted(plain), reason=ORDER_RECORDED, actor=actor)


# -- customers migrated as churned ------------------------------------------------------------


@dataclass(frozen=True)
class ImportedChurn:
    """A customer that left before it was imported: when (the day's start) and why."""

    customer_id: int
    owner_id: int | None
    churned_at: datetime
    reason: DictionaryEntry | None
    details: str = ""


IMPORTED_CHURN = system_reason(
    "customers.churn_imported", gettext_lazy("Churned before the import (migrated)")
)


@transaction.atomic(savepoint=False)
def churns_imported(
    *, churns: list[ImportedChurn], actor: User, new: bool, import_job: str = ""
) -> set[int]:
    """Record confirmed churn 确定流失 for customers an import says have left, as
    :func:`churn_confirm` would have at the time: a confirmed case closed on the day the customer
    left, with its reason, the customer churned, a "churn confirmed" event on its timeline dated
    that day. In bulk (a few statements per batch). ``new`` customers were inserted churned
    already; for present ones the status changes (with a history row) and an open warning is
    the case confirmed. Customers already churned are left as they are. Returns the ids of the
    customers recorded."""
    if not churns:
        return set()
    wanted = {churn.customer_id: churn for churn in churns}
    if not new:
        done = set(
            Customer.all_objects.filter(pk__in=wanted, status=Customer.Status.CHURNED).values_list(
                "pk", flat=True
            )
        )
        wanted = {pk: churn for pk, churn in wanted.items() if pk not in done}
        if not wanted:
            return set()
    open_cases = (
        {}
        if new
        else {
            case.customer_id: case
            for case in ChurnCase.objects.select_for_update().filter(
                customer_id__in=wanted, state__in=ChurnCase.OPEN_STATES
            )
        }
    )
    created: list[ChurnCase] = []
    for pk, churn in wanted.items():
        case = open_cases.get(pk) or ChurnCase(
            customer_id=pk, owner_id=churn.owner_id, warned_at=churn.churned_at
        )
        case.state = ChurnCase.State.CONFIRMED
        case.reason = churn.reason
        case.reason_text = churn.details
        case.closed_at = churn.churned_at
        case.closed_by = actor
        if case.pk is None:
            created.append(case)
        else:
            case.save(update_fields=["state", "reason", "reason_text", "closed_at", "closed_by"])
    ChurnCase.objects.bulk_create(created)
    if not new:
        record_bulk_update(
            queryset=Customer.all_objects.filter(pk__in=wanted),
            values={"status": Customer.Status.CHURNED},
            reason=IMPORTED_CHURN,
            actor=actor,
        )
    cases = {case.customer_id: case for case in [*created, *open_cases.values()]}
    events.churns_imported_events(
        churns=[
            (pk, churn.churned_at, cases[pk].pk, churn.reason.code if churn.reason else "")
            for pk, churn in wanted.items()
        ],
        actor=actor,
        import_job=import_job,
    )
    return set(wanted)
