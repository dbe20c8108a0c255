"""Login history: every sign-in, sign-out and failed attempt is recorded."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from guanxi.accounts.models import LoginEvent


def _client(request) -> dict:
    if request is None:
        return {}
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    LoginEvent.objects.create(
        user=user,
        username=user.get_username(),
        kind=LoginEvent.Kind.LOGIN,
        session_key=(session.session_key or "") if session is not None else "",
        **_client(request),
    )


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        LoginEvent.objects.create(
            user=user,
            username=user.get_username(),
            kind=LoginEvent.Kind.LOGOUT,
            **_client(request),
        )


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    LoginEvent.objects.create(
        username=str(credentials.get("username", ""))[:150],
        kind=LoginEvent.Kind.FAILED,
        **_client(request),
    )
