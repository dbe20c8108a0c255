"""API tokens: several per user, each with an expiry, revocable, stored only as a digest."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_digest(key: str) -> str:
    """What is stored of a token: its SHA-256, so a copy of the database signs nobody in."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    class RevokedBecause(models.TextChoices):
        OWNER = "owner", _("revoked by its owner")
        ADMINISTRATOR = "administrator", _("revoked by an administrator")
        PASSWORD_CHANGED = "password_changed", _("the password changed")
        DEACTIVATED = "deactivated", _("the user was deactivated")
        ROLE_REMOVED = "role_removed", _("a role was taken away")
        SIGN_IN_RULES = "sign_in_rules", _("the sign-in rules changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, enough for its owner to tell their tokens apart.
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_because = models.CharField(
        _("revoked because"), max_length=20, choices=RevokedBecause.choices, blank=True
    )

    objects: "models.Manager[ApiToken]" = models.Manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["user"], condition=models.Q(revoked_at__isnull=True), name="apitoken_live"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
