"""Reads of the product catalogue 产品 and the inventory 库存.

The catalogue is company-wide: whoever holds the view right sees all of it, so these reads
check the right instead of an owner scope (and answer nothing without it).
"""

from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet, Sum
from django.utils.translation import get_language

from guanxi.accounts.models import User
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.sales import rules
from guanxi.sales.models import InventoryItem, Product, ProductCategory, Warehouse
from guanxi.sales.search import product_search_term

M = TypeVar("M", bound=Model)

PRODUCT_ORDERING = ("name", "id")
INVENTORY_ORDERING = ("product__name", "product_id", "warehouse__code", "location", "id")


def _readable(actor: User, model: type[M], permission: str) -> QuerySet[M]:
    rows = model._default_manager.all()
    return rows if actor.is_active and actor.has_perm(permission) else rows.none()


def product_list(
    *,
    actor: User,
    search: str = "",
    category: ProductCategory | int | None = None,
    active: bool | None = None,
) -> QuerySet[Product]:
    """Products, searched in name (and its pinyin), code and model 型号, optionally of one
    category or activity."""
    products = (
        _readable(actor, Product, rules.VIEW_PRODUCT)
        .select_related("category", "unit")
        .defer("search_text")
    )
    search = (search or "").strip()
    if search:
        products = products.filter(
            Q(name__icontains=search)
            | Q(model_no__icontains=search)
            | Q(search_text__contains=product_search_term(search))
        )
    if category:
        products = products.filter(category=category)
    if active is not None:
        products = products.filter(is_active=active)
    return products.order_by(*PRODUCT_ORDERING)


def product_get(*, actor: User, pk: int | str) -> Product:
    return product_list(actor=actor).get(pk=pk)


def product_choices(*, actor: User) -> QuerySet[Product]:
    """Products a new order line may choose: the active ones."""
    return product_list(actor=actor, active=True)


def product_category_list(*, actor: User) -> QuerySet[ProductCategory]:
    return _readable(actor, ProductCategory, rules.VIEW_PRODUCTCATEGORY).order_by(
        "sort_order", "name", "id"
    )


def unit_choices(*, current: DictionaryEntry | None = None) -> QuerySet[DictionaryEntry]:
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    units: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        condition, kind=DictionaryKind.UNIT
    )
    return units.order_by("sort_order", "code")


def warehouse_list(*, actor: User) -> QuerySet[Warehouse]:
    return _readable(actor, Warehouse, rules.VIEW_WAREHOUSE).order_by("code", "id")


def inventory_list(
    *,
    actor: User,
    product: Product | int | None = None,
    warehouse: Warehouse | int | None = None,
) -> QuerySet[InventoryItem]:
    """Stock entries, optionally of one product and/or one warehouse."""
    items = _readable(actor, InventoryItem, rules.VIEW_INVENTORYITEM).select_related(
        "product", "product__unit", "warehouse"
    )
    if product:
        items = items.filter(product=product)
    if warehouse:
        items = items.filter(warehouse=warehouse)
    return items.order_by(*INVENTORY_ORDERING)


def inventory_get(*, actor: User, pk: int | str) -> InventoryItem:
    return inventory_list(actor=actor).get(pk=pk)


def inventory_totals(
    *,
    actor: User,
    product: Product | int | None = None,
    warehouse: Warehouse | int | None = None,
) -> list[dict[str, Any]]:
    """Quantity on hand per product over the filtered stock, one aggregate query.

    Rows are ``{"product_id", "product__name", "product__model_no", "unit", "quantity",
    "places"}`` ordered by product name.
    """
    rows = (
        inventory_list(actor=actor, product=product, warehouse=warehouse)
        .order_by()
        .values(
            "product_id",
            "product__name",
            "product__model_no",
            "product__unit__name_zh",
            "product__unit__name_en",
        )
        .annotate(quantity=Sum("quantity"), places=Count("id"))
        .order_by("product__name", "product_id")
    )
    chinese = (get_language() or "zh-hans").lower().startswith("zh")
    result = []
    for row in rows:
        zh, en = row.pop("product__unit__name_zh"), row.pop("product__unit__name_en")
        row["unit"] = (zh if chinese else en) or ""
        result.append(row)
    return result
