"""Every write on the product catalogue 产品 and the inventory 库存.

The catalogue is maintained by holders of ``sales.manage_catalogue`` (administrators and sales
supervisors). Products are never deleted once ordered; they are made inactive instead, which
keeps old orders readable and takes them out of new orders.
"""

from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.core.services.records import record_create, record_update
from guanxi.sales import rules
from guanxi.sales.models import InventoryItem, Product, ProductCategory, Warehouse

PRODUCT_EDITABLE_FIELDS = (
    "name",
    "code",
    "model_no",
    "grade",
    "unit",
    "price",
    "category",
    "is_active",
    "external_ref",
)
INVENTORY_EDITABLE_FIELDS = ("warehouse", "location", "product", "quantity")


class ProductFields(TypedDict, total=False):
    """The editable fields of a product."""

    name: str
    code: str
    model_no: str
    grade: str
    unit: DictionaryEntry | None
    price: Decimal | int | str
    category: ProductCategory
    is_active: bool
    external_ref: str | None


class InventoryItemFields(TypedDict, total=False):
    """The editable fields of a stock entry."""

    warehouse: Warehouse
    location: str
    product: Product
    quantity: Decimal | int | str
    external_ref: str | None


def _require_catalogue_right(actor: User) -> None:
    require(
        actor,
        rules.MANAGE_CATALOGUE,
        _("Only administrators and sales supervisors maintain the product catalogue."),
    )


def _clean(fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def _check_product(product: Product) -> None:
    unit = product.unit
    if unit is not None and (unit.kind != DictionaryKind.UNIT or unit.is_deleted):
        raise ValidationError({"unit": _("Choose a unit from the dictionary.")})
    if product.price is not None and Decimal(product.price) < 0:
        raise ValidationError({"price": _("The price cannot be negative.")})


# --- categories --------------------------------------------------------------------------


def _category_name_taken(name: str) -> ValidationError:
    return ValidationError({"name": _("A category named “%(name)s” exists.") % {"name": name}})


@transaction.atomic
def product_category_create(*, actor: User, name: str, sort_order: int = 0) -> ProductCategory:
    _require_catalogue_right(actor)
    category = ProductCategory(name=(name or "").strip(), sort_order=sort_order)
    if ProductCategory.objects.filter(name=category.name).exists():
        raise _category_name_taken(category.name)
    try:
        with transaction.atomic():
            return record_create(instance=category, actor=actor)
    except IntegrityError as clash:
        raise _category_name_taken(category.name) from clash


# --- products ----------------------------------------------------------------------------


@transaction.atomic
def product_create(*, actor: User, **fields: Unpack[ProductFields]) -> Product:
    _require_catalogue_right(actor)
    product = Product(**_clean(dict(fields), PRODUCT_EDITABLE_FIELDS))
    _check_product(product)
    return record_create(instance=product, actor=actor)


@transaction.atomic
def product_update(
    *,
    actor: User,
    product: Product,
    expected_version: int | None = None,
    **fields: Unpack[ProductFields],
) -> Product:
    _require_catalogue_right(actor)
    for name, value in _clean(dict(fields), PRODUCT_EDITABLE_FIELDS).items():
        setattr(product, name, value)
    _check_product(product)
    return record_update(instance=product, actor=actor, expected_version=expected_version)


# --- warehouses and stock ------------------------------------------------------------------


def _warehouse_code_taken(code: str) -> ValidationError:
    return ValidationError(
        {"code": _("The warehouse code “%(code)s” is already used.") % {"code": code}}
    )


@transaction.atomic
def warehouse_create(*, actor: User, name: str, code: str) -> Warehouse:
    _require_catalogue_right(actor)
    warehouse = Warehouse(name=(name or "").strip(), code=(code or "").strip().upper())
    if Warehouse.objects.filter(code=warehouse.code).exists():
        raise _warehouse_code_taken(warehouse.code)
    try:
        with transaction.atomic():
            return record_create(instance=warehouse, actor=actor)
    except IntegrityError as clash:
        raise _warehouse_code_taken(warehouse.code) from clash


def _place_taken() -> ValidationError:
    return ValidationError(
        {"location": _("This product already has stock at this location; change that entry.")}
    )


def _check_place_free(item: InventoryItem) -> None:
    taken = InventoryItem.objects.filter(
        warehouse_id=item.warehouse_id, location=item.location, product_id=item.product_id
    )
    if item.pk is not None:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise _place_taken()


@transaction.atomic
def inventory_item_create(*, actor: User, **fields: Unpack[InventoryItemFields]) -> InventoryItem:
    """Record stock of a product at a warehouse location (one entry per place and product)."""
    _require_catalogue_right(actor)
    # The source system's id is given by an import, once, when the entry is made.
    item = InventoryItem(**_clean(dict(fields), (*INVENTORY_EDITABLE_FIELDS, "external_ref")))
    _check_place_free(item)
    try:
        with transaction.atomic():
            return record_create(instance=item, actor=actor)
    except IntegrityError as clash:
        raise _place_taken() from clash


@transaction.atomic
def inventory_item_update(
    *,
    actor: User,
    item: InventoryItem,
    expected_version: int | None = None,
    **fields: Unpack[InventoryItemFields],
) -> InventoryItem:
    _require_catalogue_right(actor)
    for name, value in _clean(dict(fields), INVENTORY_EDITABLE_FIELDS).items():
        setattr(item, name, value)
    _check_place_free(item)
    return record_update(instance=item, actor=actor, expected_version=expected_version)
