"""Background jobs of the service app (django-tasks; run by ``guanxi worker``).

Thin wrappers: the rules live in the services.
"""

from django_tasks import task

from guanxi.core.jobs import HOURLY, register


@task()
def service_overdue_scan() -> int:
    """Notify assignees and their supervisors of newly overdue service requests."""
    from guanxi.service.services_sla import service_overdue_notify

    return service_overdue_notify()


# Every 15 minutes: the scheduler knows hourly slots, so the scan holds four of them.
for _minute in (0, 15, 30, 45):
    register(
        name=f"service.overdue_scan.{_minute:02d}",
        task=service_overdue_scan,
        every=HOURLY,
        at=_minute,
    )
