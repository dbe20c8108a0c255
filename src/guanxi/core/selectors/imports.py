"""Reads of imports: a job is seen only by its importer, or by an administrator."""

from typing import Any

from django.db.models import QuerySet

from guanxi.core.models import ImportJob
from guanxi.core.rules import is_superuser, manages_accounts

sees_all_imports = is_superuser | manages_accounts


def import_job_list(*, actor: Any, entity: str) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.filter(entity=entity).select_related("created_by")
    return jobs if sees_all_imports(actor) else jobs.filter(created_by=actor)


def import_job_get(*, actor: Any, entity: str, pk: Any) -> ImportJob:
    """The job if ``actor`` may see it; ``ImportJob.DoesNotExist`` otherwise (a 404)."""
    return import_job_list(actor=actor, entity=entity).get(pk=pk)
