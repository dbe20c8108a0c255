"""Interactions 交往记录: visits, calls, e-mails and meetings logged against a customer."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models.customer import Contact, Customer


class Interaction(BaseModel):
    """One contact with a customer: when, where, with whom, what was said; may carry attachments.

    Attachments are :class:`~guanxi.customers.models.document.Document` rows pointing back at the
    interaction, so they share the documents' size/type limits, versions and safe download.
    """

    class Kind(models.TextChoices):
        VISIT = "visit", _("Visit")
        CALL = "call", _("Phone call")
        EMAIL = "email", _("E-mail")
        MEETING = "meeting", _("Meeting")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VISIT)
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    external_ref = external_ref_field()

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_recent"),
            # Interactions of a period, counted per rep (reports, KPIs) from the index alone.
            models.Index(
                fields=["occurred_at"],
                include=["customer", "created_by", "on_behalf_of"],
                condition=models.Q(deleted_at__isnull=True),
                name="interaction_live_occurred",
            ),
        ]
        constraints = [external_ref_constraint("interaction_external_ref_unique")]

    def __str__(self) -> str:
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("customers:interaction_detail", args=[self.pk])
