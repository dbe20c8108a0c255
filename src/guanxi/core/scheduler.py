"""Enqueue the periodic jobs that are due, remembering each run in ``ScheduledRun``.

Safe with two schedulers running: each job's row is locked (``select_for_update``) while it is
checked and stamped, and a job never run before is claimed by inserting its row, which the
unique job name lets only one scheduler do. The task is enqueued only after that commit.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from guanxi.core.jobs import PeriodicJob, registered_jobs
from guanxi.core.models import ScheduledRun

logger = logging.getLogger(__name__)


def due_jobs(*, now: datetime | None = None) -> list[PeriodicJob]:
    """The registered jobs due at ``now`` (read-only: nothing is enqueued or stamped)."""
    now = now or timezone.now()
    last_runs = dict(ScheduledRun.objects.values_list("name", "last_run_at"))
    return [
        job for job in registered_jobs() if job.is_due(last_run_at=last_runs.get(job.name), now=now)
    ]


def _claim(job: PeriodicJob, now: datetime) -> bool:
    """Stamp ``job`` as run at ``now`` if it is due; True if this scheduler won the slot."""
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.select_for_update().filter(name=job.name).first()
            if not job.is_due(last_run_at=run.last_run_at if run else None, now=now):
                return False
            if run is None:
                ScheduledRun.objects.create(name=job.name, last_run_at=now)
            else:
                ScheduledRun.objects.filter(pk=run.pk).update(last_run_at=now)
            transaction.on_commit(job.task.enqueue)
    except IntegrityError:
        # Another scheduler inserted the first run of this job at the same moment.
        return False
    return True


def run_due(*, now: datetime | None = None) -> list[str]:
    """Enqueue every due job once; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in registered_jobs():
        if _claim(job, now):
            logger.info("Enqueued periodic job %s", job.name)
            enqueued.append(job.name)
    return enqueued


def run_forever(
    *, interval: float = 30.0, report: Callable[[list[str]], None] | None = None
) -> None:
    """The scheduler process: check every ``interval`` seconds until interrupted."""
    while True:
        # A long-lived process must drop connections the database has closed meanwhile.
        close_old_connections()
        names = run_due()
        if names and report is not None:
            report(names)
        time.sleep(interval)
