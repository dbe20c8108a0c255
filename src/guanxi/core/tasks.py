"""Housekeeping jobs of the platform, run by the worker and scheduled daily."""

from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from guanxi.core import backup
from guanxi.core.jobs import DAILY, periodic
from guanxi.core.services import access_log, idempotency


@periodic(name="core.purge_expired_sessions", every="daily", at="03:00")
@task()
def purge_expired_sessions() -> None:
    """Delete expired browser sessions (what ``clearsessions`` does) for the session engine."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()


@periodic(name="core.prune_task_results", every="daily", at="03:30")
@task()
def prune_task_results() -> int:
    """Delete finished job results older than ``GUANXI_TASK_RESULT_DAYS`` days (default 14).

    Only the database backend keeps results in our tables; RQ expires its own in Redis.
    """
    backend = str(settings.TASKS["default"]["BACKEND"])
    if not backend.startswith("django_tasks_db."):
        return 0
    days: int = settings.GUANXI["TASK_RESULT_DAYS"]
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted


@periodic(name="core.purge_idempotency_keys", every="hourly", at=15)
@task()
def purge_idempotency_keys() -> int:
    """Forget the API's idempotency keys older than 24 hours."""
    return idempotency.idempotency_keys_purge()


@periodic(name="core.backup", every=DAILY, at="01:30")
@task()
def daily_backup() -> str:
    """Write the daily backup archive into ``GUANXI_BACKUP_DIR`` and keep the newest
    ``GUANXI_BACKUP_KEEP`` (default 14); with 0, no daily backup is made."""
    keep: int = settings.GUANXI["BACKUP_KEEP"]
    if keep < 1:
        return ""
    directory = settings.GUANXI["BACKUP_DIR"]
    archive = backup.create_backup(directory, prefix=backup.DAILY_PREFIX)
    backup.prune_backups(directory, keep=keep)
    return str(archive.path)


@periodic(name="core.purge_access_log", every=DAILY, at="03:45")
@task()
def purge_access_log() -> int:
    """Delete sensitive-access log entries older than ``GUANXI_ACCESS_LOG_DAYS`` (default 1095)."""
    return access_log.access_log_purge()


# -- imports of registered entities (contacts, interactions, products…) ----------------------


@task()
def import_job_validate_task(job_id: str, then_commit: bool = False) -> str:
    """Check an import (dry run), then import it too when ``then_commit``."""
    from guanxi.core.services import imports as services_imports

    job = services_imports.import_job_run_validation(job_id=job_id, then_commit=then_commit)
    return job.state if job is not None else "missing"


@task()
def import_job_commit_task(job_id: str) -> str:
    """Import the rows of a checked import."""
    from guanxi.core.services import imports as services_imports

    job = services_imports.import_job_run_commit(job_id=job_id)
    return job.state if job is not None else "missing"
