"""Background jobs of the service app (django-tasks; run by ``guanxi worker``): the overdue scan,
and the intake's mailbox poll and survey auto-send every ``GUANXI_MAILBOX_POLL_MINUTES`` minutes.

Thin wrappers: the rules live in the services, ``guanxi.service.mailbox`` and
``guanxi.service.surveys``. Imported by ``ServiceConfig.ready`` so the scheduler knows them.
"""

from typing import cast

from django.conf import settings
from django_tasks import task

from guanxi.core.jobs import MINUTES, periodic, register
from guanxi.service import mailbox, surveys
from guanxi.service.services import sla

POLL_MINUTES = cast(int, settings.GUANXI["MAILBOX_POLL_MINUTES"])


@task()
def service_overdue_scan() -> int:
    """Notify assignees and their supervisors of newly overdue service requests."""
    return sla.service_overdue_notify()


register(name="service.overdue_scan", task=service_overdue_scan, every=MINUTES, at=15)


@periodic(name="service.mailbox_poll", every=MINUTES, at=POLL_MINUTES)
@task()
def mailbox_poll() -> dict:
    """Turn the unseen mail of the service mailbox into requests and replies (nothing while
    GUANXI_IMAP_HOST is unset)."""
    return mailbox.mailbox_poll().as_dict()


@periodic(name="service.survey_auto_send", every=MINUTES, at=POLL_MINUTES)
@task()
def survey_auto_send() -> int:
    """E-mail the satisfaction survey of requests just handled (with GUANXI_SURVEY_AUTO on)."""
    return surveys.surveys_send_due()
