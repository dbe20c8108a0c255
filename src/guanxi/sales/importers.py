"""The product importer 产品导入 (registered in ``SalesConfig.ready``): the catalogue from a file.

A row names its category by name and its unit by the unit dictionary's code, Chinese or
English name. Maintaining the catalogue needs ``sales.manage_catalogue`` (administrators and
sales supervisors); each row goes through the product services.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.mapping import fold
from guanxi.core.imports.registry import (
    BOOL,
    CREATED,
    DECIMAL,
    REF,
    UNCHANGED,
    UPDATED,
    Column,
    Importer,
    ImportRow,
)
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.sales import rules
from guanxi.sales.models import Product, ProductCategory
from guanxi.sales.services import products as services_products


class ProductImporter(Importer):
    entity = "products"
    model = Product
    label = gettext_lazy("products")
    permission = rules.MANAGE_CATALOGUE
    url_namespace = "sales"
    list_url = "sales:product_list"
    columns = (
        Column(
            "name",
            gettext_lazy("Product name"),
            synonyms=("产品名称", "品名", "名称", "产品", "name", "product", "productname"),
            required=True,
            max_length=200,
        ),
        Column(
            "model_no",
            gettext_lazy("Model"),
            synonyms=("型号", "规格型号", "规格", "model", "modelno", "sku"),
            max_length=100,
        ),
        Column(
            "grade",
            gettext_lazy("Grade/batch"),
            synonyms=("等级", "批次", "等级批次", "grade", "batch"),
            max_length=100,
        ),
        Column(
            "category",
            gettext_lazy("Category"),
            REF,
            ("类别", "分类", "产品类别", "产品分类", "category"),
            required=True,
        ),
        Column("unit", gettext_lazy("Unit"), REF, ("单位", "计量单位", "unit", "uom")),
        Column(
            "price",
            gettext_lazy("Price"),
            DECIMAL,
            ("价格", "单价", "售价", "price", "unitprice"),
            required=True,
        ),
        Column(
            "is_active",
            gettext_lazy("Active"),
            BOOL,
            ("启用", "有效", "在售", "active", "isactive"),
        ),
    )
    key_columns = ("name", "model_no", "grade")
    _FIELDS = ("name", "model_no", "grade", "price", "is_active")

    def __init__(self, *, actor: Any) -> None:
        super().__init__(actor=actor)
        self._units: dict[str, DictionaryEntry] | None = None

    def _unit_table(self) -> dict[str, DictionaryEntry]:
        if self._units is None:
            self._units = {}
            for entry in DictionaryEntry.objects.filter(kind=DictionaryKind.UNIT, is_active=True):
                for key in (entry.code, entry.name_zh, entry.name_en):
                    self._units.setdefault(fold(key), entry)
        return self._units

    def prepare(self, rows: list[ImportRow]) -> None:
        names = {row.values["category"] for row in rows if row.values.get("category")}
        categories = {c.name: c for c in ProductCategory.objects.filter(name__in=names)}
        units = self._unit_table() if any(row.values.get("unit") for row in rows) else {}
        for row in rows:
            category = categories.get(row.values.get("category", ""))
            if category is None and "category" in row.values:
                row.error(
                    "category",
                    _("No product category “%(value)s”.") % {"value": row.values.get("category")},
                    "not_found",
                )
            elif category is not None:
                row.related["category"] = category
            unit_text = row.values.get("unit")
            if unit_text:
                unit = units.get(fold(unit_text))
                if unit is None:
                    row.error(
                        "unit",
                        _("“%(value)s” is not in the unit dictionary.") % {"value": unit_text},
                        "not_found",
                    )
                else:
                    row.related["unit"] = unit

    def natural_match(self, rows: list[ImportRow]) -> None:
        """Without an external id, a product of the same name, model and grade is the row's
        duplicate (found for the whole batch in one query)."""
        keyed = [row for row in rows if not row.values.get("external_ref")]
        if not keyed:
            return
        candidates: dict[tuple[str, str, str], Product] = {}
        for product in Product.objects.filter(
            name__in={row.values["name"] for row in keyed}
        ).select_related("category"):
            candidates.setdefault((product.name, product.model_no, product.grade), product)
        for row in keyed:
            key = (row.values["name"], row.values.get("model_no", ""), row.values.get("grade", ""))
            candidate = candidates.get(key)
            if candidate is not None:
                row.mark_duplicate(
                    candidate,
                    "name",
                    _("The product “%(product)s” (%(category)s) has this name, model and grade.")
                    % {"product": candidate, "category": candidate.category},
                )

    def write(self, row: ImportRow) -> str:
        values: dict[str, Any] = {n: row.values[n] for n in self._FIELDS if n in row.values}
        # On an update of a duplicate, only the columns chosen are left in ``related``.
        for name in ("category", "unit"):
            if name in row.related:
                values[name] = row.related[name]
        product = row.existing
        if product is None:
            row.existing = services_products.product_create(
                actor=self.actor, external_ref=row.values.get("external_ref"), **values
            )
            return CREATED
        changes = self.changes(product, values)
        if not changes:
            return UNCHANGED
        services_products.product_update(actor=self.actor, product=product, **changes)
        return UPDATED
