"""Ending a user's sessions and API tokens (on deactivation, now and again as a job)."""

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from guanxi.accounts.models import ApiToken, LoginEvent, User
from guanxi.accounts.services.tokens import tokens_revoke_all


def _session_store() -> type[SessionBase]:
    store: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return store


def user_end_sessions(*, user: User, because: str = ApiToken.RevokedBecause.DEACTIVATED) -> int:
    """End every browser session and API token of ``user``; returns how many sessions ended."""
    store = _session_store()
    keys = set(
        LoginEvent.objects.filter(user=user, kind=LoginEvent.Kind.LOGIN)
        .exclude(session_key="")
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store(session_key=key).delete()
    tokens_revoke_all(user=user, because=because)
    return len(keys)
