"""Collaboration 协同: in-app notifications and comments on records."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from guanxi.collaboration import notification_kinds
from guanxi.core.models import BaseModel


class Notification(models.Model):
    """A message to one user (a recall notice, a churn digest...), shown until read.

    It stores its ``kind`` and ``params``, not a sentence: ``title`` and ``body`` are worded by
    the kind (``collaboration.notification_kinds``) in the reader's language when read, so a
    rep who switches to English reads last week's notifications in English too. ``url`` points
    at the record (or list) concerned.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=60, default=notification_kinds.TEXT)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects: "models.Manager[Notification]" = models.Manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return self.title

    def rendered(self) -> tuple[str, str]:
        """``(title, body)`` in the active language (cached per language on the instance)."""
        language = translation.get_language() or ""
        cache: dict[str, tuple[str, str]] = self.__dict__.setdefault("_rendered", {})
        if language not in cache:
            cache[language] = notification_kinds.render(self.kind, self.params or {})
        return cache[language]

    @property
    def title(self) -> str:
        return self.rendered()[0]

    @property
    def body(self) -> str:
        return self.rendered()[1]


class NotificationPreference(models.Model):
    """How one user receives one kind of notification; no row means in the app."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("In the app")
        EMAIL = "email", _("By e-mail")
        OFF = "off", _("Off")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=60)
    channel = models.CharField(
        _("delivery"), max_length=10, choices=Channel.choices, default=Channel.IN_APP
    )

    objects: "models.Manager[NotificationPreference]" = models.Manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}: {self.channel}"


class Comment(BaseModel):
    """A remark a user leaves on a record (a customer, later an order or a service request)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    body = models.TextField(_("comment"))

    scope_fields = ("created_by",)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="comment_target_recent"
            )
        ]

    def __str__(self) -> str:
        return self.body[:50]
