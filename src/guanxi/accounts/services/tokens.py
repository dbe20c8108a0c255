"""Issuing and revoking API tokens.

A token is shown once, when it is issued; the database keeps only its digest. Every token
expires (``GUANXI_API_TOKEN_DAYS``, default 30), and all of a user's tokens are revoked when
their password changes, they are deactivated or a role is taken from them (see
``accounts/receivers.py``), so a credential that leaked with an old password or an old role
stops working with it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import ApiToken, User
from guanxi.accounts.models.tokens import token_digest
from guanxi.accounts.rules import may_revoke_token
from guanxi.core.rules import require

KEY_BYTES = 20
# Writing "last used" on every request would turn each API read into a write.
LAST_USED_PRECISION = timedelta(minutes=5)


def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key, the only time the key is known."""
    if not user.is_active:
        raise PermissionDenied(_("This account is deactivated."))
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("Use at most 100 characters.")})
    key = secrets.token_hex(KEY_BYTES)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=token_digest(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(days=settings.GUANXI["API_TOKEN_DAYS"]),
    )
    return token, key


def token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with ``key`` (its user active), or None."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one token: its owner or an administrator."""
    require(actor, may_revoke_token(actor, token), _("You may revoke only your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_because = (
            ApiToken.RevokedBecause.OWNER
            if token.user_id == actor.pk
            else ApiToken.RevokedBecause.ADMINISTRATOR
        )
        token.save(update_fields=["revoked_at", "revoked_because"])
    return token


def tokens_revoke_all(*, user: User, because: str) -> int:
    """Revoke every live token of ``user``; returns how many."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_because=because
    )
