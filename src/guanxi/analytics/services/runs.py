"""Recording model runs: started, finished with a result, or refused/failed with a reason.

A run on every customer the company has (no actor, or an actor who sees everything and asked
for no subset) is the company's model (``ModelRun.company_wide``, decided once in
:func:`run_start`): only such a run writes the per-customer scores. A run on a manager's own
customers, a tag or a segment is that user's analysis and changes nothing anyone else sees.
"""

from typing import Any

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.analytics.models import ModelRun
from guanxi.core.rules import sees_everything


def run_start(
    *,
    kind: str,
    actor: User | None,
    subset: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
) -> ModelRun:
    subset = subset or {}
    company_wide = not subset and (actor is None or sees_everything(actor))
    return ModelRun.objects.create(
        kind=kind, actor=actor, subset=subset, params=params or {}, company_wide=company_wide
    )


def run_finish(*, run: ModelRun, result: dict[str, Any], rows_used: int) -> ModelRun:
    run.status = ModelRun.Status.DONE
    run.result = result
    run.rows_used = rows_used
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "result", "rows_used", "finished_at"])
    return run


def run_fail(*, run: ModelRun, message: str) -> ModelRun:
    """Refused (too little history…) or failed: ``message`` is shown to the user as is, so
    it is translated by the caller."""
    run.status = ModelRun.Status.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def writes_scores(run: ModelRun) -> bool:
    """Whether the run is the company's model, whose per-customer results are stored."""
    return run.company_wide
