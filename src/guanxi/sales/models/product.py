"""The product catalogue 产品 and inventory 库存.

The catalogue is shared by the whole company: every user with the view right sees all of it
(no owner scope). Maintaining it — categories, products, warehouses and stock — needs the
``sales.manage_catalogue`` right, which administrators and sales supervisors hold; account
managers and assistants only read it and sell from it.
"""

from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import BaseModel, DictionaryEntry, DictionaryKind
from guanxi.core.models.imports import external_ref_constraint, external_ref_field
from guanxi.sales.search import product_search_text

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class ProductCategory(BaseModel):
    """A group of products (targets per product category refer to it later)."""

    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["sort_order", "name", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(deleted_at__isnull=True),
                name="product_category_unique_name",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Product(BaseModel):
    """A product 产品 the company sells: name, model 型号, grade/batch 等级/批次, unit, price."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("product code"),
        max_length=40,
        blank=True,
        help_text=_("The company's own article number 货号, if it has one."),
    )
    model_no = models.CharField(_("model"), max_length=100, blank=True)
    grade = models.CharField(_("grade/batch"), max_length=100, blank=True)
    unit = models.ForeignKey(
        DictionaryEntry,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": DictionaryKind.UNIT},
    )
    price = models.DecimalField(_("price"), validators=[MinValueValidator(0)], **MONEY)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive products can no longer be ordered.")
    )
    external_ref = external_ref_field()
    # Derived keys for the product picker: name with its pinyin and initials, code, model
    # (``sales.search.product_search_text``); written by the services, never shown.
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        default_permissions = ("view",)
        permissions = [
            (
                "manage_catalogue",
                _("Can maintain products, categories, warehouses and inventory"),
            )
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="product_name"),
            models.Index(fields=["category", "name"], name="product_category_name"),
        ]
        constraints = [external_ref_constraint("product_external_ref_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.model_no}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The picker's keys follow every save of the fields they are made from, whoever saves.
        self.search_text = product_search_text(
            name=self.name, code=self.code, model_no=self.model_no, grade=self.grade
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("sales:product_detail", args=[self.pk])


class Warehouse(BaseModel):
    """A warehouse 仓库 holding stock."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=20)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(deleted_at__isnull=True),
                name="warehouse_unique_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class InventoryItem(BaseModel):
    """The stock 库存 of one product at one location 货位 of a warehouse."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="items"
    )
    location = models.CharField(_("location"), max_length=50, blank=True)
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="stock"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    external_ref = external_ref_field()

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory")
        ordering = ["product", "warehouse", "location", "id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "location", "product"],
                condition=models.Q(deleted_at__isnull=True),
                name="inventory_unique_place",
            ),
            external_ref_constraint("inventory_external_ref_unique"),
        ]
        indexes = [models.Index(fields=["product", "warehouse"], name="inventory_product")]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.warehouse_id}/{self.location}"
