"""Login history (every sign-in, sign-out and failed attempt), and API tokens that end with
the credentials they were issued under.

Tokens are revoked here, on the user model's own signals, so that every way of changing a
password (the own page, an administrator, Django's admin, ``manage changepassword``),
deactivating a user or taking a role away revokes them — not only the paths a service knows.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from guanxi.accounts.models import ApiToken, LoginEvent, User
from guanxi.accounts.selectors.security import SIGNIN_STATE_KEY, signin_state
from guanxi.accounts.services.tokens import tokens_revoke_all
from guanxi.core.client_address import client_address


def _client(request) -> dict:
    if request is None:
        return {}
    return {
        "ip_address": client_address(request) or None,
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


@receiver(user_logged_in)
def decide_signin_state(sender, request, user, **kwargs):
    """Decide once, at sign-in, whether the session must first give a two-factor code, set
    two-factor sign-in up or is refused for its address. Every way of signing in (the sign-in
    page, Django's admin, a test client) passes here; the middleware enforces the decision."""
    session = getattr(request, "session", None)
    if session is None:
        return
    state = signin_state(user, client_address(request))
    if state:
        session[SIGNIN_STATE_KEY] = state
    else:
        session.pop(SIGNIN_STATE_KEY, None)


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


_CREDENTIAL_FIELDS = {"password", "is_active"}


@receiver(pre_save, sender=User)
def remember_credentials(sender: Any, instance: User, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _CREDENTIAL_FIELDS & set(update_fields):
        return  # e.g. Django's last_login update on every sign-in: no extra query
    instance._credentials_before = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    )


@receiver(post_save, sender=User)
def revoke_tokens_with_old_credentials(sender: Any, instance: User, **kwargs: Any) -> None:
    before = instance.__dict__.pop("_credentials_before", None)
    if not before:
        return
    if before["password"] != instance.password:
        tokens_revoke_all(user=instance, because=ApiToken.RevokedBecause.PASSWORD_CHANGED)
    elif before["is_active"] and not instance.is_active:
        tokens_revoke_all(user=instance, because=ApiToken.RevokedBecause.DEACTIVATED)


@receiver(m2m_changed, sender=User.groups.through)
def revoke_tokens_when_a_role_is_taken(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    # ``reverse``: the role's side (``role.user_set.remove(...)``), the instance is the role.
    users: Any
    if action == "post_remove":
        users = User.objects.filter(pk__in=pk_set or ()) if reverse else [instance]
    elif action == "pre_clear":
        users = list(instance.user_set.all()) if reverse else [instance]
    else:
        return
    for user in users:
        tokens_revoke_all(user=user, because=ApiToken.RevokedBecause.ROLE_REMOVED)
