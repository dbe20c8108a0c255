"""Contracts 合同.

A contract of a customer, optionally for one of its orders: title, amount, signed date, term.
Status: draft 草稿 → active 生效 → completed 已完成, or terminated 已终止 (from draft or active).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.models import BaseModel
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Customer
from guanxi.sales.models.order import Order
from guanxi.sales.models.product import MONEY


class Contract(BaseModel):
    """A contract 合同; seen by whoever sees the customer (its current owner's scope)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", pgettext_lazy("contract", "Active")
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
    external_ref = external_ref_field()

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="contract_code_unique"),
            external_ref_constraint("contract_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("sales:contract_detail", args=[self.pk])


class Receivable(BaseModel):
    """A receivable 应收款 of an order or a contract: how much is due by when.

    ``amount_paid`` is the sum of its payments, kept by ``services.contracts.payment_record`` (the
    one place that changes it); the balance and the status are derived from the two amounts.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIAL = "partial", _("Partially paid")
        PAID = "paid", _("Paid")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="receivables"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="receivables",
    )
    order = models.OneToOneField(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="receivable",
    )
    contract = models.OneToOneField(
        Contract,
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="receivable",
    )
    amount_due = models.DecimalField(_("amount due"), validators=[MinValueValidator(0)], **MONEY)
    amount_paid = models.DecimalField(_("amount paid"), default=0, editable=False, **MONEY)
    due_date = models.DateField(_("due date"))
    notes = models.TextField(_("notes"), blank=True)
    external_ref = external_ref_field()

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["due_date", "id"], name="receivable_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(order__isnull=True) ^ models.Q(contract__isnull=True),
                name="receivable_of_order_or_contract",
            ),
            external_ref_constraint("receivable_external_ref_unique"),
        ]

    def __str__(self) -> str:
        source = self.order or self.contract
        return str(source.code if source else self.pk)

    def get_absolute_url(self) -> str:
        return reverse("sales:receivable_detail", args=[self.pk])

    @property
    def balance(self):
        return self.amount_due - self.amount_paid

    @property
    def status(self) -> str:
        if self.amount_paid <= 0:
            return self.Status.OPEN
        return self.Status.PAID if self.balance <= 0 else self.Status.PARTIAL

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def source_code(self) -> str:
        source = self.order or self.contract
        return source.code if source else ""


class Payment(BaseModel):
    """A payment 回款 received against a receivable."""

    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        CASH = "cash", _("Cash")
        CHEQUE = "cheque", _("Cheque")
        OTHER = "other", _("Other")

    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("receivable"),
        on_delete=models.CASCADE,
        related_name="payments",
    )
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.BANK_TRANSFER
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    scope_fields = ("receivable__customer__owner",)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.receivable_id}: {self.amount}"
