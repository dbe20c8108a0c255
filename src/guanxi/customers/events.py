"""The one writer of customer timeline events (claims, recalls, merges, churn...)."""

from guanxi.customers.models import Customer, CustomerEvent


def event_record(
    *, customer: Customer, kind: str, actor=None, text: str = "", data: dict | None = None
) -> CustomerEvent:
    """Append a ``kind`` event to ``customer``'s timeline; called inside the caller's transaction.

    ``actor`` is None for what a scheduled job did. ``text`` is what a person wrote (measures,
    a reason); ``data`` holds JSON-serialisable facts (ids, codes, day counts).
    """
    return CustomerEvent.objects.create(
        customer=customer, kind=kind, actor=actor, text=text, data=data or {}
    )


def events_record_many(*, customer_ids, kind: str, actor=None, data: dict | None = None) -> int:
    """The same ``kind`` event for many new customers in one bulk write (imports).

    One INSERT (COPY on PostgreSQL) per call instead of one per customer; returns the count.
    """
    import json

    from django.utils import timezone

    from guanxi.core.bulk import bulk_insert, reserve_ids

    customer_ids = list(customer_ids)
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
            "data": json.dumps(data or {}),
        }
        for pk, customer_id in zip(
            reserve_ids(CustomerEvent, len(customer_ids)), customer_ids, strict=True
        )
    ]
    return bulk_insert(CustomerEvent, rows)
