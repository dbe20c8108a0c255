"""How sales import rows name their product and who took the record, looked up per batch."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from guanxi.core.imports.registry import ImportRow
from guanxi.core.rules import manages_accounts, sees_everything, supervises
from guanxi.sales.models import Product


def products_find(rows: list[ImportRow], *, unknown: list[ImportRow] | None = None) -> None:
    """Each row's product (``row.related["product"]``) by external id, product code, model
    型号 or name, the name narrowed by the row's model when it gives one. One query for the
    batch; inactive products are found too (history names what was sold then).

    A product found by none of them is an error naming the column, unless ``unknown`` is given:
    such rows are then appended to it (the order history import creates their products)."""
    texts = {row.values["product"] for row in rows if row.values.get("product")}
    if not texts:
        return
    found = Product.objects.filter(
        Q(code__in=texts) | Q(external_ref__in=texts) | Q(model_no__in=texts) | Q(name__in=texts)
    )
    by_ref: dict[str, Product] = {}
    by_code: dict[str, list[Product]] = {}
    by_model: dict[str, list[Product]] = {}
    by_name: dict[str, list[Product]] = {}
    for product in found:
        if product.external_ref:
            by_ref[product.external_ref] = product
        if product.code:
            by_code.setdefault(product.code, []).append(product)
        if product.model_no:
            by_model.setdefault(product.model_no, []).append(product)
        by_name.setdefault(product.name, []).append(product)
    for row in rows:
        text = row.values.get("product")
        if not text:
            continue
        model_no = row.values.get("model_no", "")
        match = by_ref.get(text)
        candidates = (
            []
            if match
            else by_code.get(text, []) or by_model.get(text, []) or by_name.get(text, [])
        )
        if model_no and candidates:
            candidates = [p for p in candidates if p.model_no == model_no]
        if match is None and len(candidates) == 1:
            match = candidates[0]
        if match is not None:
            row.related["product"] = match
        elif candidates:
            row.error(
                "product",
                _("Several products are called “%(value)s”: give the model or the product code.")
                % {"value": text},
                "ambiguous",
            )
        elif unknown is not None:
            unknown.append(row)
        elif model_no and (by_code.get(text) or by_model.get(text) or by_name.get(text)):
            row.error(
                "model_no",
                _("The product “%(value)s” has no model “%(model)s”.")
                % {"value": text, "model": model_no},
                "not_found",
            )
        else:
            row.error(
                "product",
                _("No product “%(value)s” (give its code, model, external id or name).")
                % {"value": text},
                "not_found",
            )


def owners_check(actor: Any, rows: list[ImportRow], *, message: str) -> None:
    """Who took a record: anyone for a supervisor, an administrator or an executive (a migration
    names the people of the old system); else the importer or the customer's account manager.
    ``message`` refuses any other."""
    if supervises(actor) or sees_everything(actor) or manages_accounts(actor):
        return
    for row in rows:
        owner_id, customer = row.values.get("owner"), row.related.get("customer")
        if owner_id is None or owner_id == actor.pk:
            continue
        if customer is None or owner_id != customer.owner_id:
            row.error("owner", message, "refused")
