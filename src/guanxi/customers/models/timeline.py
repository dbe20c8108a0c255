"""Customer events: the system's own entries on a customer's timeline (claims, merges, churn...)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models.customer import Customer


class CustomerEvent(models.Model):
    """Something that happened to a customer, written by the service that did it; never edited.

    Interactions, documents and comments are their own records and join the timeline beside
    these; events cover what has no record of its own (a claim from the pool, a recall, a merge,
    a churn warning...). ``text`` holds what a person wrote (measures, a reason), ``data`` the
    facts a report may need (e.g. the merged customer's code).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        IMPORTED = "imported", _("Imported")
        REASSIGNED = "reassigned", _("Reassigned")
        CLAIMED = "claimed", _("Claimed from the pool")
        ASSIGNED = "assigned", _("Assigned from the pool")
        RELEASED = "released", _("Released to the pool")
        RECALL_NOTICE = "recall_notice", _("Recall notice")
        RECALLED = "recalled", _("Recalled to the pool")
        MERGED = "merged", _("Merged")
        CHURN_WARNING = "churn_warning", _("Churn warning")
        CHURN_POSTPONED = "churn_postponed", _("Churn postponed")
        CHURN_CONFIRMED = "churn_confirmed", _("Churn confirmed")
        WON_BACK = "won_back", _("Won back")
        CREDIT_HOLD = "credit_hold", _("Credit put on hold")
        CREDIT_RELEASED = "credit_released", _("Credit hold lifted")
        ANONYMISED = "anonymised", _("Personal data anonymised")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    happened_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("notes"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-happened_at"], name="event_customer_recent"),
            models.Index(fields=["kind", "-happened_at"], name="event_kind_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer_id}"
