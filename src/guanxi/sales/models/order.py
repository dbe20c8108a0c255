"""Orders 订单 with their lines.

Money is Decimal with 2 places; a line's amount and the order's total are computed by the
order services (services_orders.line_amount — the one place) and stored on the rows, so lists
and reports read them without recomputing.

Status: draft 草稿 → confirmed 已确认 → shipped 已发货 → completed 已完成; a draft or confirmed
order can be cancelled 已取消. Only draft and confirmed orders can be edited.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guanxi.core.models import BaseModel
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.core.validators import validate_business_date
from guanxi.customers.models import Customer
from guanxi.sales.models.product import MONEY, Product

# The orders that count as revenue 销售额 (see analytics.selectors), for the indexes serving them.
REVENUE_ROWS = models.Q(deleted_at__isnull=True) & ~models.Q(status="cancelled")


class Order(BaseModel):
    """An order 订单 of a customer, owned by the customer's account manager at order time.

    Whoever sees the customer sees its orders (the scope follows the customer's current owner,
    as for interactions and documents), so a customer handed to a new manager brings its order
    history along. ``owner`` keeps who took the order, for performance figures; it does not
    change when the customer moves.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE_STATES = (Status.DRAFT, Status.CONFIRMED)

    code = models.CharField(_("order code"), max_length=20, editable=False)
    # Both are served by the composite indexes below, so no single-column index of their own
    # (each index is paid for by every one of the seeded millions of inserts).
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="orders",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    order_date = models.DateField(
        _("order date"), default=timezone.localdate, validators=[validate_business_date]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    total = models.DecimalField(_("total"), default=0, **MONEY)
    # Kept beside the total, from the same lines (``services.orders.set_line_figures``), so the
    # KPIs per order (items, lines) read the orders alone instead of millions of lines.
    line_count = models.PositiveIntegerField(_("lines"), default=0, editable=False)
    item_quantity = models.DecimalField(
        _("items"), max_digits=16, decimal_places=2, default=0, editable=False
    )
    # A supervisor's override of the customer's credit hold 信用冻结: who, when and why.
    credit_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("credit hold overridden by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )
    credit_override_at = models.DateTimeField(
        _("credit hold overridden at"), null=True, blank=True, editable=False
    )
    credit_override_reason = models.TextField(_("credit hold override reason"), blank=True)
    external_ref = external_ref_field()

    scope_fields = ("customer__owner",)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        permissions = [("override_credit_hold", _("Can take orders from customers on credit hold"))]
        indexes = [
            models.Index(fields=["-order_date", "-id"], name="order_recent"),
            models.Index(fields=["owner", "-order_date", "-id"], name="order_owner_recent"),
            models.Index(fields=["customer", "-created_at"], name="order_customer_recent"),
            # Revenue (orders neither cancelled nor deleted) summed per period, per rep (target
            # achievement) and per customer (contribution, pyramid): read from these covering
            # indexes alone, never from the table (PostgreSQL; SQLite ignores ``include``).
            models.Index(
                fields=["order_date"],
                include=["customer", "total", "line_count", "item_quantity"],
                condition=REVENUE_ROWS,
                name="order_revenue_date",
            ),
            models.Index(
                fields=["owner", "order_date"],
                include=["total"],
                condition=REVENUE_ROWS,
                name="order_revenue_owner",
            ),
            models.Index(
                fields=["customer", "order_date"],
                include=["total"],
                condition=REVENUE_ROWS,
                name="order_revenue_customer",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="order_code_unique"),
            external_ref_constraint("order_external_ref_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("sales:order_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    @property
    def credit_overridden(self) -> bool:
        return self.credit_override_at is not None


class OrderLine(models.Model):
    """One line of an order: a product, how many, at what price and discount; its amount."""

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="order_lines"
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
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

    scope_fields = ("order__customer__owner",)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.position}"
