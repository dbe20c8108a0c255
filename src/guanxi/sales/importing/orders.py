"""The order history importer 历史订单导入: one file row per order line.

Field keys of the mapping: ``external_no`` (the order number), ``customer_code``,
``customer_ref``, ``customer_name`` (see ``order_customers``), ``order_date``, ``product``,
``quantity``, ``unit_price``, ``amount``, ``status``, and ``model_no``, ``discount``, ``owner``,
``notes``; ``order_ref`` (now ``external_no``) and ``customer`` are read for older files and
profiles. Orders are history: they keep the status given (completed when none), are imported
for customers on credit hold too, and count in every report like orders entered by hand.

Consecutive rows with the same order number 订单编号 make one order (the engine never splits
them across batches, see ``Importer.group_by``); the number is kept as the order's external
id, so importing the file again skips the orders already there. The order date is kept as the
order's date and creation time. Every line of an order must be valid, or the whole order is
refused: no order is ever written with some of its lines.

Line amounts are the server's (``services.orders.line_amount``); a file amount off by one cent
(another system's rounding) is a warning, by more an error. New orders are written in bulk
(``order_writes``), with what the order services do on create done once per batch.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.readers import MAX_BULK_IMPORT_BYTES, MAX_BULK_IMPORT_ROWS
from guanxi.core.imports.registry import (
    CHOICE,
    DATE,
    EXTERNAL_REF_SYNONYMS,
    OWNER,
    UNCHANGED,
    Column,
    Importer,
    ImportRow,
    Option,
)
from guanxi.core.scoping import scope_queryset
from guanxi.sales import rules
from guanxi.sales.importing import new_products, order_writes
from guanxi.sales.importing.lines import (
    PRODUCT_COLUMNS,
    check_group,
    consecutive_groups,
    line_figures,
    refuse_whole,
)
from guanxi.sales.importing.order_customers import (
    CUSTOMER_COLUMNS,
    CUSTOMER_KEYS,
    order_customers_find,
)
from guanxi.sales.importing.related import owners_check, products_find
from guanxi.sales.models import Order

# Fields every line of one order repeats; a line naming another value is refused.
HEADER_FIELDS = (*CUSTOMER_KEYS, "order_date", "status", "owner")
CREATE_PRODUCTS = "create_products"

EXTERNAL_NO_COLUMN = Column(
    "external_no",
    gettext_lazy("Order number"),
    synonyms=(
        "订单编号",
        "订单号",
        "单号",
        "订单ID",
        "ordernumber",
        "orderno",
        "orderid",
        "order",
        *EXTERNAL_REF_SYNONYMS,
    ),
    required=True,
    max_length=100,
)


class OrderImporter(Importer):
    """Order history 历史订单: the lines of past orders, one row each, grouped by order number."""

    entity = "orders"
    model = Order
    label = gettext_lazy("orders")
    permission = rules.ADD_ORDER
    url_namespace = "sales"
    list_url = "sales:order_list"
    owner_field = "owner"
    group_by = "external_no"
    # Each batch is a fixed number of statements (look-ups, COPY, history, customers' dates):
    # larger batches make fewer of them per row.
    batch_size = 2000
    # A company's whole order history in one file (a million lines, about 75 MB of CSV).
    max_rows = MAX_BULK_IMPORT_ROWS
    max_bytes = MAX_BULK_IMPORT_BYTES
    aliases = {"order_ref": "external_no"}
    options = (
        Option(
            CREATE_PRODUCTS,
            gettext_lazy("Create the products the catalogue lacks"),
            gettext_lazy(
                "A product of the file found by no code, model or name is created inactive, "
                "in the category “Imported products”, instead of refusing its order."
            ),
        ),
    )
    columns = (
        EXTERNAL_NO_COLUMN,
        *CUSTOMER_COLUMNS,
        Column(
            "order_date",
            gettext_lazy("Order date"),
            DATE,
            ("订单日期", "下单日期", "下单时间", "日期", "orderdate", "date"),
            required=True,
        ),
        Column(
            "status",
            gettext_lazy("Status"),
            CHOICE,
            ("状态", "订单状态", "status", "orderstatus"),
            choices=Order.Status,
        ),
        Column(
            "owner",
            gettext_lazy("Account manager"),
            OWNER,
            ("业务员", "销售员", "负责人", "客户经理", "经办人", "owner", "salesrep", "seller"),
        ),
        *PRODUCT_COLUMNS,
        Column("notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "notes", "remarks")),
    )

    def __init__(self, *, actor: Any) -> None:
        super().__init__(actor=actor)
        # Order number → the first row of its run, over the whole pass.
        self.seen_orders: dict[str, int] = {}

    @classmethod
    def all_columns(cls) -> tuple[Column, ...]:
        # The order number is the external id; the order date is the creation date.
        return cls.columns

    def visible(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return scope_queryset(queryset, self.actor)

    @classmethod
    def mapping_check(cls, mapping: dict[str, str]) -> None:
        if not set(CUSTOMER_KEYS) & set(mapping.values()):
            raise ValidationError(
                {
                    "mapping": _(
                        "Choose the column that names the customer: its code, its external id "
                        "or its exact name."
                    )
                }
            )

    @classmethod
    def options_allowed(cls, *, actor: Any, options: dict[str, bool]) -> None:
        if options.get(CREATE_PRODUCTS) and not actor.has_perm(rules.MANAGE_CATALOGUE):
            raise ValidationError(
                {
                    CREATE_PRODUCTS: _(
                        "Only administrators and sales supervisors maintain the product "
                        "catalogue: import the products first, or ask one of them to import "
                        "this file."
                    )
                }
            )

    # -- checks ----------------------------------------------------------------------------

    def prepare(self, rows: list[ImportRow]) -> None:
        today = timezone.localdate()  # once per batch: the time zone lookup costs per row
        for row in rows:
            day = row.values.get("order_date")
            if day is not None and day > today:
                row.error(
                    "order_date",
                    _("The order date is in the future: only past orders are imported."),
                    "future",
                )
        order_customers_find(self.actor, rows)
        owners_check(
            self.actor,
            rows,
            message=_(
                "You may import orders taken by yourself or by the customer's account manager only."
            ),
        )
        unknown: list[ImportRow] | None = [] if self.chosen.get(CREATE_PRODUCTS) else None
        products_find(rows, unknown=unknown)
        if unknown:
            new_products.stand_ins(unknown)
        for row in rows:
            if "product" in row.related:
                line_figures(row, row.related["product"].price)
        groups = list(consecutive_groups(rows, "external_no"))
        for group in groups:
            self._check_order(group)
        self._find_existing([group for group in groups if not any(r.failed for r in group)])
        for group in groups:
            refuse_whole(group, "external_no")

    def _check_order(self, group: list[ImportRow]) -> None:
        # No credit-hold check: the orders are history, taken before any hold of today.
        if not check_group(group, "external_no", HEADER_FIELDS, self.seen_orders):
            return
        first = group[0]
        customer = first.related.get("customer")
        if customer is None:
            return
        if customer.owner_id is None and first.values.get("owner") is None:
            first.error(
                "owner",
                _("The customer is in the pool: name the account manager who took the order."),
                "required",
            )

    def _find_existing(self, groups: list[list[ImportRow]]) -> None:
        """Orders imported before (same order number): skipped, whole; one the actor may not
        see is refused."""
        refs = {group[0].values["external_no"] for group in groups}
        if not refs:
            return
        found = Order.objects.filter(external_ref__in=refs)
        visible = {order.external_ref: order for order in scope_queryset(found, self.actor)}
        hidden = set(found.values_list("external_ref", flat=True)) - set(visible)
        for group in groups:
            ref = group[0].values["external_no"]
            if ref in hidden:
                group[0].error(
                    "external_no",
                    _("An order with this number exists, but you may not change it."),
                    "not_visible",
                )
                continue
            order = visible.get(ref)
            if order is None:
                continue
            total = sum((row.related["line"]["amount"] for row in group), Decimal("0.00"))
            if (total, len(group)) != (order.total, order.line_count):
                group[0].warning(
                    "external_no",
                    _(
                        "Order %(ref)s was imported before (%(code)s) with other lines; "
                        "it is left as it is."
                    )
                    % {"ref": ref, "code": order.code},
                    "present",
                )
            for row in group:
                row.existing = order
                row.outcome = UNCHANGED

    # -- writing ---------------------------------------------------------------------------

    def write_batch(self, rows: list[ImportRow]) -> bool:
        new_products.products_write(actor=self.actor, rows=rows)
        order_writes.orders_write(
            actor=self.actor, groups=list(consecutive_groups(rows, "external_no"))
        )
        return True
