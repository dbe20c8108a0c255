"""Writing a batch of imported orders: a few bulk statements, whatever the number of orders.

Codes come from ``code_reserve`` (one sequence step per year of the batch), primary keys from
``reserve_ids``, and orders and lines go in with COPY on PostgreSQL (``core.bulk``). Each order
gets its "created" history row in one bulk write; lines get none (as for seeded data — their
order's history row names the import). What ``order_create`` does after the write is done once
for the batch: the customers' last order dates move forward (``customers_orders_recorded``) and,
once committed, the reports' derived figures are dropped (``past_orders_recorded``). No
notification is sent: the orders are history.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from guanxi.core.bulk import bulk_insert, reserve_ids
from guanxi.core.imports.registry import CREATED, ImportRow
from guanxi.core.services.records import code_reserve, record_history_copy, system_reason
from guanxi.customers.services.churn import customers_orders_recorded
from guanxi.sales.models import Order, OrderLine
from guanxi.sales.services.orders import ORDER_CODE_PREFIX, ordered_at_of
from guanxi.sales.signals import past_orders_recorded

IMPORTED = system_reason("sales.order_imported", gettext_lazy("Imported with the order history"))


def _codes(groups: list[list[ImportRow]]) -> list[str]:
    """A new code per order, numbered in the year of its order date like ``order_create``."""
    years: dict[int, list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        years[group[0].values["order_date"].year].append(index)
    codes = [""] * len(groups)
    for year, indexes in years.items():
        first = code_reserve(prefix=ORDER_CODE_PREFIX, year=year, count=len(indexes))
        for offset, index in enumerate(indexes):
            codes[index] = f"{ORDER_CODE_PREFIX}{year}{first + offset:04d}"
    return codes


def _order_row(group: list[ImportRow], *, pk: int, code: str, actor: Any, now: datetime) -> dict:
    first = group[0]
    customer = first.related["customer"]
    owner_id = first.values.get("owner") or customer.owner_id
    lines = [row.related["line"] for row in group]
    notes = "\n".join(
        dict.fromkeys(row.values["notes"] for row in group if row.values.get("notes"))
    )
    return {
        "id": pk,
        "code": code,
        "customer_id": customer.pk,
        "owner_id": owner_id,
        "order_date": first.values["order_date"],
        "status": first.values.get("status", Order.Status.COMPLETED),
        "delivery_address": (customer.address or "")[:300],
        "notes": notes,
        "total": sum((line["amount"] for line in lines), Decimal("0.00")),
        "line_count": len(lines),
        "item_quantity": sum((line["quantity"] for line in lines), Decimal("0.00")),
        "external_ref": first.values["external_no"],
        "created_at": ordered_at_of(first.values["order_date"]),
        "updated_at": now,
        "created_by_id": actor.pk,
        "updated_by_id": actor.pk,
        # As order_create records it: entered by the importer for the account manager.
        "on_behalf_of_id": owner_id if owner_id != actor.pk else None,
    }


def orders_write(*, actor: Any, groups: list[list[ImportRow]]) -> None:
    """Insert one order per group of rows (each row one line), checked before by the importer."""
    if not groups:
        return
    now = timezone.now()
    codes = _codes(groups)
    order_ids = reserve_ids(Order, len(groups))
    line_ids = reserve_ids(OrderLine, sum(len(group) for group in groups))
    orders, lines = [], []
    next_line = iter(line_ids)
    for group, pk, code in zip(groups, order_ids, codes, strict=True):
        orders.append(_order_row(group, pk=pk, code=code, actor=actor, now=now))
        for position, row in enumerate(group, start=1):
            line = {"id": next(next_line), "order_id": pk, "position": position}
            line.update(row.related["line"])
            if line["product_id"] is None:  # created by this batch (new_products)
                line["product_id"] = row.related["product"].pk
            lines.append(line)
    bulk_insert(Order, orders)
    bulk_insert(OrderLine, lines)
    # The "created" history row of each order, written by the database from the rows just in.
    record_history_copy(model=Order, ids=order_ids, reason=IMPORTED, actor=actor, history_type="+")
    newest: dict[int, datetime] = {}
    for order in orders:
        if order["status"] == Order.Status.CANCELLED:
            continue
        customer_id = order["customer_id"]
        if customer_id not in newest or order["created_at"] > newest[customer_id]:
            newest[customer_id] = order["created_at"]
    customers_orders_recorded(ordered_at=newest, actor=actor)
    past = sum(1 for order in orders if order["order_date"] < timezone.localdate(now))
    if past:
        transaction.on_commit(lambda: past_orders_recorded.send(sender=Order, count=past))
    for group in groups:
        for row in group:
            row.outcome = CREATED
