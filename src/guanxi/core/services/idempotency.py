"""Idempotency keys: the first answer to a create request, replayed to its retries.

The API's create endpoints (``core.api.idempotency``) call :func:`idempotency_claim` and
:func:`idempotency_record` inside the transaction that creates the record, so the key, the
record and the answer are committed together or not at all. A concurrent retry's claim waits
on the key's unique constraint (PostgreSQL) or on the write lock (SQLite) until the first
request commits, then finds its answer: two requests with one key never both create.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.core.exceptions import ConflictError, IdempotencyKeyReused
from guanxi.core.models import IdempotencyKey

# How long a key is remembered; a retry later than this creates the record again.
RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    """The answer kept for a key: replayed as it was first given."""

    status_code: int
    body: Any
    headers: dict[str, str]


def idempotency_claim(
    *, user: Any, key: str, method: str, path: str, request_hash: str, now: datetime | None = None
) -> IdempotencyKey | StoredAnswer:
    """Claim ``key`` for this request, or return the answer a first request with it got.

    Must run inside the transaction that then creates the record. Raises
    :class:`IdempotencyKeyReused` when the key came with another request before.
    """
    now = now or timezone.now()
    claim = IdempotencyKey(
        user=user, key=key, method=method, path=path, request_hash=request_hash, created_at=now
    )
    # Twice at most: a first request found expired is forgotten and the claim made again.
    for _attempt in range(2):
        try:
            with transaction.atomic():
                claim.save(force_insert=True)
        except IntegrityError:
            pass
        else:
            return claim
        first = IdempotencyKey.objects.filter(user=user, key=key).first()
        if first is None:  # purged in the meantime
            continue
        if first.created_at < now - RETENTION:
            first.delete()
            continue
        if (first.method, first.path, first.request_hash) != (method, path, request_hash):
            raise IdempotencyKeyReused()
        if first.status_code is not None:
            return StoredAnswer(
                status_code=first.status_code,
                body=first.response_body,
                headers=dict(first.response_headers),
            )
        break
    # Claims are committed together with their answer: an answerless claim, or one taken
    # again between our two attempts, belongs to a request still running.
    raise ConflictError(_("A request with this Idempotency-Key is still in progress."))


def idempotency_record(
    *, claim: IdempotencyKey, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    """Keep the answer given to the request that claimed the key."""
    claim.status_code = status_code
    claim.response_body = body
    claim.response_headers = headers
    claim.save(update_fields=["status_code", "response_body", "response_headers"])


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the keys older than :data:`RETENTION`; the number forgotten."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
