"""Reads of customer imports: a job is seen only by its importer, or by an administrator."""

from typing import Any

from django.db.models import QuerySet

from guanxi.accounts.models import User
from guanxi.customers import rules
from guanxi.customers.models import ImportJob


def import_job_list(*, actor: User) -> QuerySet[ImportJob]:
    jobs: QuerySet[ImportJob] = ImportJob.objects.select_related("created_by")
    return jobs if rules.sees_all_imports(actor) else jobs.filter(created_by=actor)


def import_job_get(*, actor: User, pk: Any) -> ImportJob:
    """The job if ``actor`` may see it; ``ImportJob.DoesNotExist`` otherwise (a 404)."""
    return import_job_list(actor=actor).get(pk=pk)
