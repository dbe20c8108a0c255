"""The one writer of customer timeline events: one typed function per kind of event.

Each function appends its event inside the caller's transaction. ``actor`` is None for what a
scheduled job did; ``text`` keeps what a person wrote (measures, a reason); ``data`` the
JSON-serialisable facts a report may need (ids, codes, day counts).
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.customers.models import ChurnCase, Customer, CustomerEvent

Kind = CustomerEvent.Kind


def _record(
    *,
    customer: Customer,
    kind: str,
    actor: User | None = None,
    text: str = "",
    data: Mapping[str, Any] | None = None,
) -> CustomerEvent:
    return CustomerEvent.objects.create(
        customer=customer, kind=kind, actor=actor, text=text, data=dict(data or {})
    )


# -- where a customer came from ---------------------------------------------------------------


def customer_created_event(
    *, customer: Customer, actor: User, text: str, origin: str, origin_id: int
) -> CustomerEvent:
    """The customer was created from another record (``origin``: "lead", "opportunity")."""
    return _record(
        customer=customer, kind=Kind.CREATED, actor=actor, text=text, data={origin: origin_id}
    )


def events_record_many(
    *,
    customer_ids: Iterable[int],
    kind: str,
    actor: User | None = None,
    data: Mapping[str, Any] | None = None,
) -> int:
    """The same ``kind`` event for many new customers in one bulk write (imports).

    One INSERT (COPY on PostgreSQL) per call instead of one per customer; returns the count.
    """
    ids = list(customer_ids)
    now = timezone.now()
    rows = [
        {
            "id": pk,
            "customer_id": customer_id,
            "kind": kind,
            "happened_at": now,
            "actor_id": actor.pk if actor is not None else None,
            "text": "",
            # Serialised here: the bulk writer passes values to COPY/executemany untouched.
            "data": json.dumps(dict(data or {})),
        }
        for pk, customer_id in zip(reserve_ids(CustomerEvent, len(ids)), ids, strict=True)
    ]
    return bulk_insert(CustomerEvent, rows)


def customers_imported_events(
    *, customer_ids: Iterable[int], actor: User | None, import_job: str, file_name: str
) -> int:
    """The "imported" event of every customer an import job created, in one bulk write."""
    return events_record_many(
        customer_ids=customer_ids,
        kind=Kind.IMPORTED,
        actor=actor,
        data={"import_job": import_job, "file": file_name},
    )


# -- the pool ---------------------------------------------------------------------------------


def customer_claimed_event(*, customer: Customer, actor: User) -> CustomerEvent:
    return _record(customer=customer, kind=Kind.CLAIMED, actor=actor)


def customer_assigned_event(*, customer: Customer, actor: User, owner: User) -> CustomerEvent:
    return _record(customer=customer, kind=Kind.ASSIGNED, actor=actor, data={"owner": owner.pk})


def customer_released_event(
    *, customer: Customer, actor: User, reason: str, previous_owner: User
) -> CustomerEvent:
    return _record(
        customer=customer,
        kind=Kind.RELEASED,
        actor=actor,
        text=reason,
        data={"previous_owner": previous_owner.pk},
    )


def customer_recall_notice_event(
    *, customer: Customer, rule: str, days: int, recall_on: date
) -> CustomerEvent:
    """The daily job told the owner that ``rule`` (after ``days``) recalls it on ``recall_on``."""
    return _record(
        customer=customer,
        kind=Kind.RECALL_NOTICE,
        data={"rule": rule, "days": days, "recall_on": recall_on.isoformat()},
    )


def customer_recalled_event(
    *, customer: Customer, rule: str, days: int, previous_owner_id: int | None
) -> CustomerEvent:
    """The daily job put the customer back into the pool because of ``rule``."""
    return _record(
        customer=customer,
        kind=Kind.RECALLED,
        data={"rule": rule, "days": days, "previous_owner": previous_owner_id},
    )


# -- merging ----------------------------------------------------------------------------------


def customer_merged_in_event(
    *, survivor: Customer, merged: Customer, actor: User, moved: Mapping[str, int]
) -> CustomerEvent:
    """On the survivor: ``merged`` was merged into it; ``moved`` counts the rows per model."""
    return _record(
        customer=survivor,
        kind=Kind.MERGED,
        actor=actor,
        text=_("%(merged)s (%(name)s) was merged into this customer.")
        % {"survivor": survivor.code, "merged": merged.code, "name": merged.name},
        data={"merged_id": merged.pk, "merged_code": merged.code, "moved": dict(moved)},
    )


def customer_merged_away_event(
    *, merged: Customer, survivor: Customer, actor: User
) -> CustomerEvent:
    """On the duplicate: it was merged into ``survivor``."""
    return _record(
        customer=merged,
        kind=Kind.MERGED,
        actor=actor,
        text=_("Merged into %(survivor)s (%(name)s).")
        % {"survivor": survivor.code, "merged": merged.code, "name": survivor.name},
        data={"survivor_id": survivor.pk, "survivor_code": survivor.code},
    )


# -- churn ------------------------------------------------------------------------------------


def churn_warning_event(
    *, customer: Customer, case: ChurnCase, last_order: datetime | None
) -> CustomerEvent:
    """The daily job opened a churn warning: no order since ``last_order``, or (``None``)
    never one since the customer was created (``created``)."""
    return _record(
        customer=customer,
        kind=Kind.CHURN_WARNING,
        data={
            "case": case.pk,
            "last_order": last_order.isoformat() if last_order else None,
            "created": customer.created_at.isoformat(),
            **(
                {"source": "model", "risk": float(case.risk or 0), "reasons": case.reasons}
                if case.source == "model"
                else {}
            ),
        },
    )


def churn_postponed_event(
    *, customer: Customer, case: ChurnCase, actor: User, measures: str
) -> CustomerEvent:
    return _record(
        customer=customer,
        kind=Kind.CHURN_POSTPONED,
        actor=actor,
        text=measures,
        data={"case": case.pk},
    )


def churn_confirmed_event(
    *, customer: Customer, case: ChurnCase, actor: User, reason_code: str, details: str
) -> CustomerEvent:
    return _record(
        customer=customer,
        kind=Kind.CHURN_CONFIRMED,
        actor=actor,
        text=details,
        data={"case": case.pk, "reason": reason_code},
    )


def customer_won_back_event(
    *, customer: Customer, case: ChurnCase | None, actor: User | None, ordered_at: datetime
) -> CustomerEvent:
    """An order won back a churned customer (``case``: its confirmed churn case, if any)."""
    return _record(
        customer=customer,
        kind=Kind.WON_BACK,
        actor=actor,
        data={"case": case.pk if case else None, "ordered_at": ordered_at.isoformat()},
    )


# -- credit control ---------------------------------------------------------------------------


def customer_credit_hold_event(
    *, customer: Customer, actor: User, on_hold: bool, reason: str
) -> CustomerEvent:
    """The credit was put on hold (``on_hold``) or the hold lifted, for ``reason``."""
    return _record(
        customer=customer,
        kind=Kind.CREDIT_HOLD if on_hold else Kind.CREDIT_RELEASED,
        actor=actor,
        text=reason,
    )


def customers_credit_hold_imported_events(
    *, reasons: Mapping[int, str], actor: User | None, import_job: str
) -> int:
    """The "credit put on hold" event of every held customer an import created (bulk write).

    ``reasons`` maps each customer id to the hold's reason from the file.
    """
    now = timezone.now()
    rows = [
        {
            "id": pk,
            "customer_id": customer_id,
            "kind": Kind.CREDIT_HOLD,
            "happened_at": now,
            "actor_id": actor.pk if actor is not None else None,
            "text": reason,
            "data": json.dumps({"import_job": import_job}),
        }
        for pk, (customer_id, reason) in zip(
            reserve_ids(CustomerEvent, len(reasons)), reasons.items(), strict=True
        )
    ]
    return bulk_insert(CustomerEvent, rows)


def churns_imported_events(
    *, churns: list[tuple[int, datetime, int, str]], actor: User | None, import_job: str
) -> int:
    """The "churn confirmed" event of customers imported as churned, dated the day each left:
    ``churns`` holds (customer id, churned at, case id, reason code); one bulk write."""
    rows = [
        {
            "id": pk,
            "customer_id": customer_id,
            "kind": Kind.CHURN_CONFIRMED,
            "happened_at": churned_at,
            "actor_id": actor.pk if actor is not None else None,
            "text": "",
            "data": json.dumps({"case": case_id, "reason": reason, "import_job": import_job}),
        }
        for pk, (customer_id, churned_at, case_id, reason) in zip(
            reserve_ids(CustomerEvent, len(churns)), churns, strict=True
        )
    ]
    return bulk_insert(CustomerEvent, rows)
