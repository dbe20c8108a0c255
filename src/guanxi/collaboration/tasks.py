"""Background jobs of collaboration: mailing a notification its recipient wants by e-mail."""

from typing import Any

from django_tasks import task

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_email_send


@task()
def notification_email_task(*, user_id: int, kind: str, params: dict[str, Any], url: str) -> bool:
    """Mail one notification (enqueued once the sending transaction commits)."""
    recipient = User.objects.filter(pk=user_id, is_active=True).first()
    if recipient is None:
        return False
    return notification_email_send(recipient=recipient, kind=kind, params=params, url=url)
