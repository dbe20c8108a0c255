"""The intake of service requests 客户服务 from outside: e-mail threads and satisfaction
surveys 满意度调查.

Written by ``guanxi.service.intake``, ``guanxi.service.mailbox`` and
``guanxi.service.surveys`` only; both are logs that never change once written, except a
survey's answer, which is given once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.service.models.requests import SATISFACTION_VALIDATORS, ServiceRequest


class ServiceMessage(models.Model):
    """One e-mail of a request's thread: what came in from the requester (the mail that
    opened the request, and the replies) and what Guanxi sent them (the acknowledgement of
    receipt, the survey).

    ``message_id`` is the mail's Message-ID, unique: the mailbox poll that meets the same
    mail twice creates nothing new, and a reply finds its request through the Message-ID it
    answers (In-Reply-To / References).
    """

    class Direction(models.TextChoices):
        IN = "in", _("Received")
        OUT = "out", _("Sent")

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipients = models.CharField(_("to"), max_length=1000, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255)
    received_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("service e-mail")
        verbose_name_plural = _("service e-mails")
        ordering = ["request", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="service_message_id_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_direction_display()} {self.subject}"


class SatisfactionSurvey(models.Model):
    """A satisfaction survey 满意度调查 e-mailed about a handled request: a one-time link.

    Only the SHA-256 of the link's random token is stored, so the database never holds a
    usable link. A survey is answered once (``answered_at``), before ``expires_at``; sending
    a new one for the same request ends the earlier ones. The answer is the request's
    feedback 服务反馈 (recorded by ``service_request_feedback`` with the survey as source).
    """

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="surveys",
    )
    token_hash = models.CharField(max_length=64, editable=False)
    email = models.EmailField(_("sent to"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True, validators=SATISFACTION_VALIDATORS
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["request", "-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="service_survey_token_unique"),
        ]
        indexes = [models.Index(fields=["request", "-sent_at"], name="service_survey_recent")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.email} {self.sent_at:%Y-%m-%d}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_expired(self) -> bool:
        return not self.is_answered and self.expires_at <= timezone.now()
