"""Quotes 报价 with their lines.

A quote's lines follow the order lines' rules: amounts come from ``services.orders.line_amount``
(through build_lines) and are stored; the total is their sum. Status: draft 草稿 → sent 已发送 →
accepted 已接受 / rejected 已拒绝; an accepted (or sent) quote is converted 已转订单 into an order
once, and the quote keeps that order.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.core.models import BaseModel
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.customers.models import Customer
from guanxi.sales.models.order import Order
from guanxi.sales.models.product import MONEY, Product


class Quote(BaseModel):
    """A quote 报价 to a customer; seen by whoever sees the customer (its current owner's scope)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CONVERTED = "converted", _("Converted to order")

    EDITABLE_STATES = (Status.DRAFT, Status.SENT)
    CONVERTIBLE_STATES = (Status.SENT, Status.ACCEPTED)

    code = models.CharField(_("quote code"), max_length=20, editable=False)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="quotes"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    quote_date = models.DateField(_("quote date"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    notes = models.TextField(_("notes"), blank=True)
    delivery_terms = models.TextField(
        _("delivery terms"),
        blank=True,
        help_text=_("When, where and how the goods are delivered; the order keeps them."),
    )
    total = models.DecimalField(_("total"), default=0, **MONEY)
    order = models.OneToOneField(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quote",
        editable=False,
    )
    external_ref = external_ref_field()

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-quote_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="quote_code_unique"),
            external_ref_constraint("quote_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("sales:quote_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    @property
    def is_convertible(self) -> bool:
        return self.status in self.CONVERTIBLE_STATES and self.order_id is None


class QuoteLine(models.Model):
    """One line of a quote: product, quantity, unit price, discount and the computed amount."""

    quote = models.ForeignKey(
        Quote, verbose_name=_("quote"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="quote_lines"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(0)], **MONEY)
    discount = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(_("amount"), **MONEY)

    history = HistoricalRecords()

    scope_fields = ("quote__customer__owner",)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position", "id"]

    def __str__(self) -> str:
        return f"{self.quote_id}#{self.position}"
