"""Churn handling 客户流失管理: one case per churn warning, with its measures and outcome."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.models.customer import Customer


class ChurnCase(models.Model):
    """A churn warning 流失预警 raised for a customer and what became of it.

    Opened by the daily job; the owner postpones it (with measures 暂缓措施) or confirms it (with
    the reason 流失原因). A later order closes it as won back. Cases are history: never deleted,
    and a customer may have many over the years, at most one of them open.
    """

    class State(models.TextChoices):
        WARNING = "warning", _("Churn warning")
        POSTPONED = "postponed", _("Churn postponed")
        CONFIRMED = "confirmed", _("Churned")
        WON_BACK = "won_back", _("Won back")
        CLEARED = "cleared", _("Cleared")

    class Source(models.TextChoices):
        RULE = "rule", _("Rule")
        MODEL = "model", _("Churn model")

    OPEN_STATES = (State.WARNING, State.POSTPONED)

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="churn_cases"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.WARNING
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    warned_at = models.DateTimeField(_("warned at"), default=timezone.now)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    reason = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("churn reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.CHURN_REASON},
    )
    reason_text = models.TextField(_("reason details"), blank=True)
    # Who raised the warning: the rule (no order for months, the daily job) or the churn
    # model (its risk above the setting, the weekly job), with the model's risk and the
    # customer's top reasons, each stored in every language ({"zh-hans": …, "en": …}).
    source = models.CharField(
        _("raised by"), max_length=10, choices=Source.choices, default=Source.RULE
    )
    risk = models.DecimalField(
        _("churn risk"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("churn case")
        verbose_name_plural = _("churn cases")
        ordering = ["-warned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(state__in=["warning", "postponed"]),
                name="churn_one_open_case_per_customer",
            )
        ]
        indexes = [models.Index(fields=["state", "-closed_at"], name="churn_state_closed")]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.get_state_display()}"

    @property
    def warning_reason(self) -> str:
        """Which rule raised the warning, in the active language (reads ``customer``); for
        the model's warning its risk and the customer's reasons."""
        if self.source == self.Source.MODEL:
            return model_warning_reason(risk=self.risk, reasons=self.reasons)
        return churn_warning_reason(
            last_order_at=self.last_order_at, created_at=self.customer.created_at
        )


def churn_warning_reason(*, last_order_at: datetime | None, created_at: datetime) -> str:
    """Why a customer was warned: no order since its last one, or none since it was created.

    A customer who never ordered must not read as "no order since <its creation date>", as if
    it had ordered that day.
    """
    if last_order_at is None:
        return gettext("Never ordered since it was created on %(date)s") % {
            "date": _day(created_at)
        }
    return gettext("No order since %(date)s") % {"date": _day(last_order_at)}


def model_warning_reason(*, risk: Any, reasons: list[Any]) -> str:
    """ "Churn model: risk 85% — reason; reason" in the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    texts = [
        (item.get(language) or item.get("en") or "") if isinstance(item, dict) else str(item)
        for item in reasons
    ]
    text = gettext("Churn model: risk %(risk)s%%") % {"risk": round(risk or 0)}
    return f"{text} — {'; '.join(t for t in texts if t)}" if any(texts) else text


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


class ChurnMeasure(models.Model):
    """A measure 暂缓措施 the owner took to keep a customer; a case collects any number of them."""

    case = models.ForeignKey(
        ChurnCase, verbose_name=_("churn case"), on_delete=models.CASCADE, related_name="measures"
    )
    text = models.TextField(_("measures"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("churn measure")
        verbose_name_plural = _("churn measures")
        ordering = ["case", "recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]
