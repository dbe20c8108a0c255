"""Background jobs of the service intake (django-tasks; run by ``guanxi worker``), enqueued by
``guanxi scheduler`` every ``GUANXI_MAILBOX_POLL_MINUTES`` minutes. Thin wrappers: the rules
live in ``guanxi.service.mailbox`` and ``guanxi.service.surveys``.

Imported by ``ServiceConfig.ready`` so the scheduler knows them.
"""

from django.conf import settings
from django_tasks import task

from guanxi.core.jobs import MINUTES, periodic

POLL_MINUTES = settings.GUANXI["MAILBOX_POLL_MINUTES"]


@periodic(name="service.mailbox_poll", every=MINUTES, at=POLL_MINUTES)
@task()
def mailbox_poll() -> dict:
    """Turn the unseen mail of the service mailbox into requests and replies (nothing while
    GUANXI_IMAP_HOST is unset)."""
    from guanxi.service.mailbox import mailbox_poll as poll

    return poll().as_dict()


@periodic(name="service.survey_auto_send", every=MINUTES, at=POLL_MINUTES)
@task()
def survey_auto_send() -> int:
    """E-mail the satisfaction survey of requests just handled (with GUANXI_SURVEY_AUTO on)."""
    from guanxi.service.surveys import surveys_send_due

    return surveys_send_due()
