"""Reads of customer imports: a job is seen only by its importer, or by an administrator."""

from django.db.models import QuerySet

from guanxi.customers.models import ImportJob


def _sees_all_imports(actor) -> bool:
    return actor.is_superuser or actor.has_perm("accounts.manage_accounts")


def import_job_list(*, actor) -> QuerySet[ImportJob]:
    jobs = ImportJob.objects.select_related("created_by")
    return jobs if _sees_all_imports(actor) else jobs.filter(created_by=actor)


def import_job_get(*, actor, pk) -> ImportJob:
    """The job if ``actor`` may see it; ``ImportJob.DoesNotExist`` otherwise (a 404)."""
    return import_job_list(actor=actor).get(pk=pk)
