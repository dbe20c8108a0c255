"""The inventory importer 库存导入: a stock count from a file, one row per product and place.

A row names its warehouse by code or name, its location 货位 (empty: the warehouse itself) and
its product by code, external id or name (narrowed by the model 型号). A place already holding
the product is that stock entry: the row sets its quantity (a stock take), so importing the
count again changes only what changed. Maintaining stock needs ``sales.manage_catalogue``.
"""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import (
    CREATED,
    DECIMAL,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.sales import rules
from guanxi.sales.importing.lines import PRODUCT_COLUMNS
from guanxi.sales.importing.related import products_find
from guanxi.sales.models import InventoryItem, Warehouse
from guanxi.sales.services import products as services_products

_PRODUCT, _MODEL = PRODUCT_COLUMNS[0], PRODUCT_COLUMNS[1]


class InventoryImporter(Importer):
    entity = "inventory"
    model = InventoryItem
    label = gettext_lazy("inventory")
    permission = rules.MANAGE_CATALOGUE
    url_namespace = "sales"
    list_url = "sales:inventory_list"
    columns = (
        Column(
            "warehouse",
            gettext_lazy("Warehouse"),
            REF,
            ("仓库", "仓库编号", "仓库名称", "warehouse", "warehousecode"),
            required=True,
        ),
        Column(
            "location",
            gettext_lazy("Location"),
            synonyms=("货位", "库位", "储位", "location", "bin"),
            max_length=50,
        ),
        _PRODUCT,
        _MODEL,
        Column(
            "quantity",
            gettext_lazy("Quantity"),
            DECIMAL,
            ("数量", "库存", "库存数量", "在库数量", "quantity", "qty", "onhand"),
            required=True,
        ),
    )
    key_columns = ("warehouse", "location", "product")
    update_columns = ("quantity",)

    def prepare(self, rows: list[ImportRow]) -> None:
        texts = {row.values["warehouse"] for row in rows if row.values.get("warehouse")}
        warehouses: dict[str, Warehouse] = {}
        for place in Warehouse.objects.filter(Q(code__in=texts) | Q(name__in=texts)):
            warehouses.setdefault(place.code, place)
            warehouses.setdefault(place.name, place)
        for row in rows:
            text = row.values.get("warehouse")
            if not text:
                continue
            warehouse = warehouses.get(text) or warehouses.get(text.upper())
            if warehouse is None:
                row.error(
                    "warehouse",
                    _("No warehouse “%(value)s” (give its code or name).") % {"value": text},
                    "not_found",
                )
            else:
                row.related["warehouse"] = warehouse
        products_find(rows)

    def natural_match(self, rows: list[ImportRow]) -> None:
        """A place already holding the product is the row's stock entry: the count updates it."""
        keyed = [r for r in rows if "warehouse" in r.related and "product" in r.related]
        if not keyed:
            return
        present = {
            (item.warehouse_id, item.location, item.product_id): item
            for item in InventoryItem.objects.filter(
                warehouse__in={row.related["warehouse"].pk for row in keyed},
                product__in={row.related["product"].pk for row in keyed},
            )
        }
        for row in keyed:
            place = (
                row.related["warehouse"].pk,
                row.values.get("location", ""),
                row.related["product"].pk,
            )
            if place in present:
                row.existing = present[place]

    def write(self, row: ImportRow) -> str:
        item = row.existing
        if item is None:
            row.existing = services_products.inventory_item_create(
                actor=self.actor,
                warehouse=row.related["warehouse"],
                location=row.values.get("location", ""),
                product=row.related["product"],
                quantity=row.values["quantity"],
                external_ref=row.values.get("external_ref"),
            )
            return CREATED
        if item.quantity == row.values["quantity"]:
            return UNCHANGED
        services_products.inventory_item_update(
            actor=self.actor, item=item, quantity=row.values["quantity"]
        )
        return UPDATED

    def describe(self, candidate: Any) -> dict[str, str]:
        return {"label": str(candidate.product), "code": candidate.location, "url": ""}
