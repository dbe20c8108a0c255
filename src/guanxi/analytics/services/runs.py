"""Recording model runs: started, finished with a result, or refused/failed with a reason.

A run on every customer the company has (no actor, or an actor who sees everything and asked
for no subset) is the company's model (``ModelRun.company_wide``, decided once in
:func:`run_start`): only such a run writes the per-customer scores. A run on a manager's own
customers, a tag or a segment is that user's analysis and changes nothing anyone else sees.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics.models import ModelRun
from guanxi.analytics.rules import runs_company_models

logger = logging.getLogger(__name__)


def run_start(
    *,
    kind: str,
    actor: User | None,
    subset: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
) -> ModelRun:
    subset = subset or {}
    company_wide = not subset and (actor is None or runs_company_models(actor))
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


# -- running: each model registers the function that computes one run ---------------------------

# ``runner(run)`` reads ``run.params`` / ``run.subset`` / ``run.actor``, computes, stores what
# it must and returns ``(result, rows_used)``; it raises ``RunRefused`` with a translated
# message when the data cannot support the model (too little history…).
Runner = Callable[[ModelRun], tuple[dict[str, Any], int]]
_RUNNERS: dict[str, Runner] = {}


class RunRefused(Exception):
    """The model cannot be fitted on this data; the message says why, in the user's words."""


def runner_register(kind: str, runner: Runner) -> Runner:
    _RUNNERS[kind] = runner
    return runner


def run_execute(*, run: ModelRun) -> ModelRun:
    """Compute ``run`` now (in a job or, for small data, in the request that asked)."""
    runner = _RUNNERS[run.kind]
    language = run.params.get("language") or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            result, rows_used = runner(run)
    except RunRefused as refusal:
        return run_fail(run=run, message=str(refusal))
    except Exception:
        logger.exception("model run %s (%s) failed", run.pk, run.kind)
        with translation.override(language):
            run_fail(run=run, message=_("The computation failed; the error was logged."))
        raise
    return run_finish(run=run, result=result, rows_used=rows_used)


def run_request(
    *,
    kind: str,
    actor: User | None,
    subset: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    background: bool,
) -> ModelRun:
    """Start a run: computed at once, or (``background``) by the worker after the commit."""
    # Refusals and texts are worded in the language of whoever asked (the site's for a job).
    language = getattr(actor, "language", "") or translation.get_language()
    params = {"language": language or settings.LANGUAGE_CODE, **(params or {})}
    run = run_start(kind=kind, actor=actor, subset=subset, params=params)
    if not background:
        return run_execute(run=run)
    # Imported here: the tasks module imports this one.
    from guanxi.analytics.tasks import model_run_task

    run_id = run.pk
    transaction.on_commit(lambda: model_run_task.enqueue(run_id=run_id))
    return run
