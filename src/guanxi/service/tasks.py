"""Background jobs of the service app (django-tasks; run by ``guanxi worker``).

Thin wrappers: the rules live in the services.
"""

from django_tasks import task

from guanxi.core.jobs import MINUTES, register


@task()
def service_overdue_scan() -> int:
    """Notify assignees and their supervisors of newly overdue service requests."""
    from guanxi.service.services_sla import service_overdue_notify

    return service_overdue_notify()


register(name="service.overdue_scan", task=service_overdue_scan, every=MINUTES, at=15)
