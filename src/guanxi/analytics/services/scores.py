"""Writing the per-customer scores: each job upserts only its own columns, in batches."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from guanxi.analytics.models import CustomerScore

BATCH = 5_000


def scores_save(*, rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> int:
    """Insert or update ``CustomerScore`` rows: each dict holds ``customer_id`` and ``fields``
    (the columns this job owns, e.g. ``("churn_risk", "churn_reasons", "churn_at")``); the
    other jobs' columns are left alone. Returns how many rows were written."""
    written = 0
    batch: list[CustomerScore] = []
    for row in rows:
        batch.append(CustomerScore(customer_id=row["customer_id"], **{f: row[f] for f in fields}))
        if len(batch) >= BATCH:
            written += _upsert(batch, fields)
            batch = []
    if batch:
        written += _upsert(batch, fields)
    return written


def scores_clear_stale(*, fields: Sequence[str], at_field: str, before: datetime) -> int:
    """Reset ``fields`` (``at_field`` among them) to their defaults on the rows the run that
    started at ``before`` did not write: a customer it no longer scores keeps no stale
    figure."""
    defaults = {
        name: CustomerScore._meta.get_field(name).get_default()  # type: ignore[union-attr]
        for name in fields
    }
    return CustomerScore.objects.filter(**{f"{at_field}__lt": before}).update(**defaults)


def _upsert(batch: list[CustomerScore], fields: Sequence[str]) -> int:
    with transaction.atomic():
        CustomerScore.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=list(fields),
        )
    return len(batch)
