"""Contracts 合同 (SPEC §3, issue #4).

A contract of a customer, optionally for one of its orders: title, amount, signed date, term.
Status: draft 草稿 → active 生效 → completed 已完成, or terminated 已终止 (from draft or active).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel
from guanxi.customers.models import Customer
from guanxi.sales.models.order import Order
from guanxi.sales.models.product import MONEY


class Contract(BaseModel):
    """A contract 合同; seen by whoever sees the customer (its current owner's scope)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    code = models.CharField(_("contract code"), max_length=20, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contracts"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contracts",
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    signed_on = models.DateField(_("signed date"), null=True, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["code"], name="contract_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("sales:contract_detail", args=[self.pk])
