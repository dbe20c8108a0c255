"""Products the order history names but the catalogue lacks, created when the user asks for it
(``create_products``): inactive, in the category "Imported products" 导入的产品, each with a
history row saying the order history import created it.

Inactive, because nobody chose to sell them again: old orders stay readable and count in every
report, new orders cannot pick them until someone in charge of the catalogue reviews them (gives
them a proper category and makes them active). The batch's rows naming the same product text
(and model) share one product; its price is the first unit price given for it (or the line
amount over the quantity). Rows are checked in ``prepare`` with an unsaved product standing in;
the products are written in ``write_batch``, so a dry run rolls them back with the orders.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import ImportRow
from guanxi.core.services.records import record_create, record_history_bulk, system_reason
from guanxi.sales.models import Product, ProductCategory
from guanxi.sales.search import product_search_text
from guanxi.sales.services.orders import CENT, HUNDRED

CREATED_BY_IMPORT = system_reason(
    "sales.product_imported",
    gettext_lazy("Created inactive by the order history import: not in the catalogue"),
)
NAME_LENGTH = Product._meta.get_field("name").max_length or 200
MODEL_LENGTH = Product._meta.get_field("model_no").max_length or 100


def imported_category_name() -> str:
    """The category's name, in the site's language (one category, whoever imports)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Imported products")


def _price(row: ImportRow) -> Decimal:
    """The row's unit price, or its amount over the quantity (less the discount), or 0."""
    values = row.values
    if values.get("unit_price") is not None:
        return Decimal(values["unit_price"])
    amount, quantity = values.get("amount"), values.get("quantity")
    discount = Decimal(values.get("discount") or 0)
    if amount is None or not quantity or discount >= HUNDRED:
        return Decimal("0.00")
    return (amount * HUNDRED / (quantity * (HUNDRED - discount))).quantize(CENT, ROUND_HALF_UP)


def stand_ins(rows: list[ImportRow]) -> None:
    """An unsaved product for each row naming no product of the catalogue (one per product
    text and model in the batch), or an error naming the column when it can't be one."""
    made: dict[tuple[str, str], Product] = {}
    for row in rows:
        text, model_no = row.values["product"], row.values.get("model_no", "")
        if len(text) > NAME_LENGTH:
            row.error(
                "product",
                _("A product name can have at most %(count)d characters.") % {"count": NAME_LENGTH},
            )
            continue
        if len(model_no) > MODEL_LENGTH:
            row.error(
                "model_no",
                _("A model can have at most %(count)d characters.") % {"count": MODEL_LENGTH},
            )
            continue
        key = (text, model_no)
        if key not in made:
            made[key] = Product(name=text, model_no=model_no, price=_price(row), is_active=False)
        row.related["product"] = made[key]
        row.related["new_product"] = True


def _category(actor: Any) -> ProductCategory:
    name = imported_category_name()
    category = ProductCategory.objects.filter(name=name).first()
    if category is None:
        category = record_create(instance=ProductCategory(name=name, sort_order=9999), actor=actor)
    return category


def products_write(*, actor: Any, rows: list[ImportRow]) -> int:
    """Insert the stand-ins of ``rows`` (bulk, with their history rows); returns how many."""
    new = list(
        {
            id(row.related["product"]): row.related["product"]
            for row in rows
            if row.related.get("new_product")
        }.values()
    )
    if not new:
        return 0
    category = _category(actor)
    for product in new:
        product.category = category
        product.created_by = product.updated_by = actor
        product.search_text = product_search_text(
            name=product.name, code=product.code, model_no=product.model_no, grade=product.grade
        )
    Product.objects.bulk_create(new)
    record_history_bulk(rows=new, reason=CREATED_BY_IMPORT, actor=actor)
    return len(new)
