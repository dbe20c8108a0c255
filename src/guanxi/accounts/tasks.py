"""Background jobs about accounts: ending a deactivated user's sessions, pruning login history."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from guanxi.accounts.models import LoginEvent, User
from guanxi.accounts.services.sessions import user_end_sessions
from guanxi.core.jobs import periodic


@task()
def end_user_sessions(user_id: int, because: str = "deactivated") -> int:
    """End every session and API token of a user (enqueued when the user is deactivated, or
    when the sign-in rules that apply to them become stricter)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    return user_end_sessions(user=user, because=because)


@periodic(name="accounts.prune_login_history", every="daily", at="04:00")
@task()
def prune_login_history() -> int:
    """Delete login history older than ``GUANXI_LOGIN_HISTORY_DAYS`` days (default 365)."""
    days: int = settings.GUANXI["LOGIN_HISTORY_DAYS"]
    deleted, _by_model = LoginEvent.objects.filter(
        at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted
