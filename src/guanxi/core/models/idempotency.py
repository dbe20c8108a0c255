"""The first answer to a create request sent with an ``Idempotency-Key`` header."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A client's key for one create request, with the answer it got (kept 24 hours).

    A retry with the same key and the same request gets this answer again instead of creating
    a second record; the same key with another request is refused. Keys are per user. Only
    successful answers are kept: a refused request wrote nothing, so its retry simply runs.
    The row is written in the create's own transaction, so a concurrent retry waits for it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (user, key) constraint serves lookups by user
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=2000)
    # SHA-256 of the method, the path and the canonical body: what "the same request" means.
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    response_headers = models.JSONField(_("response headers"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects: "models.Manager[IdempotencyKey]" = models.Manager()

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
