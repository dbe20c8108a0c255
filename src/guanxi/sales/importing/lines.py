"""What the order history and quote importers share: one file row per line, consecutive rows
with the same number making one record, lines priced as the order services price them.

The rows of one order (or quote) must be consecutive; every line repeats the record's header
values (customer, date, status…), and one bad line refuses the whole record.
"""

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import DECIMAL, REF, Column, ImportRow
from guanxi.sales.services.orders import CENT, HUNDRED, LARGEST, MAX_LINES, line_amount

PRODUCT_COLUMNS = (
    Column(
        "product",
        gettext_lazy("Product"),
        REF,
        ("产品", "产品名称", "产品编号", "产品编码", "货号", "品名", "product", "productcode"),
        required=True,
    ),
    Column(
        "model_no",
        gettext_lazy("Model"),
        synonyms=("型号", "规格型号", "规格", "model", "modelno"),
        max_length=100,
    ),
    Column(
        "quantity",
        gettext_lazy("Quantity"),
        DECIMAL,
        ("数量", "订购数量", "quantity", "qty"),
        required=True,
    ),
    Column(
        "unit_price", gettext_lazy("Unit price"), DECIMAL, ("单价", "价格", "unitprice", "price")
    ),
    Column(
        "discount", gettext_lazy("Discount (%)"), DECIMAL, ("折扣", "折扣率", "折扣%", "discount")
    ),
    Column(
        "amount",
        gettext_lazy("Line amount"),
        DECIMAL,
        ("金额", "行金额", "小计", "明细金额", "amount", "lineamount", "linetotal"),
    ),
)


def consecutive_groups(rows: list[ImportRow], key: str) -> Iterator[list[ImportRow]]:
    """``rows`` cut into runs of consecutive rows with the same ``key`` value."""
    group: list[ImportRow] = []
    for row in rows:
        if group and row.values.get(key) != group[0].values.get(key):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def line_figures(row: ImportRow, product_price: Decimal) -> None:
    """The row's line (``row.related["line"]``) as the order services compute it, or errors
    naming the column; a file amount off by more than a cent is refused.

    A row with an amount but no unit price keeps its amount (history: what was invoiced) and
    gets the unit price it implies; a row with neither is priced at ``product_price``."""
    quantity = row.values.get("quantity")
    given: Decimal | None = row.values.get("amount")
    discount = row.values.get("discount", Decimal(0))
    derived = "unit_price" not in row.values and given is not None
    price = row.values.get("unit_price", product_price)
    if quantity is not None and not 0 < quantity < LARGEST:
        row.error("quantity", _("The quantity must be more than zero."))
    if not 0 <= price < LARGEST:
        row.error("unit_price", _("The unit price cannot be negative."))
    if not 0 <= discount <= 100:
        row.error("discount", _("The discount is a percentage from 0 to 100."))
    if derived and given is not None and not 0 <= given < LARGEST:
        row.error("amount", _("The line amount cannot be negative."))
    if row.failed or quantity is None:
        return
    quantity, discount = (
        value.quantize(CENT, rounding=ROUND_HALF_UP) for value in (quantity, discount)
    )
    if derived and given is not None and discount < HUNDRED:
        price = given * HUNDRED / (quantity * (HUNDRED - discount))
    price = price.quantize(CENT, rounding=ROUND_HALF_UP)
    amount = line_amount(quantity=quantity, unit_price=price, discount=discount)
    if derived and given is not None:
        amount = given.quantize(CENT, rounding=ROUND_HALF_UP)
    elif given is not None and given != amount:
        message = _(
            "The line amount %(given)s is not quantity × unit price less the discount (%(amount)s)."
        ) % {"given": given, "amount": amount}
        if abs(given - amount) > CENT:
            row.error("amount", message)
            return
        row.warning("amount", message + " " + _("The computed amount is kept."))
    row.related["line"] = {
        "product_id": row.related["product"].pk,
        "quantity": quantity,
        "unit_price": price,
        "discount": discount,
        "amount": amount,
    }


def check_group(
    group: list[ImportRow], ref_field: str, header_fields: tuple[str, ...], seen: dict[str, int]
) -> bool:
    """Errors on a group whose number came earlier in the file (``seen``: number → first row),
    that has too many lines, or whose lines differ in a header field. False when the group
    names no number or repeats one."""
    first = group[0]
    ref = first.values.get(ref_field)
    if not ref:
        return False
    earlier = seen.get(ref)
    if earlier is not None:
        for row in group:
            row.error(
                ref_field,
                _("The lines of %(ref)s must be consecutive rows: it started at row %(row)d.")
                % {"ref": ref, "row": earlier},
                "repeated",
            )
        return False
    seen[ref] = first.number
    if len(group) > MAX_LINES:
        first.error(ref_field, _("At most %(count)d lines are allowed.") % {"count": MAX_LINES})
    for row in group[1:]:
        for name in header_fields:
            if row.values.get(name) != first.values.get(name):
                row.error(
                    name,
                    _(
                        "Every line of %(ref)s gives the same value here as its first line "
                        "(row %(row)d)."
                    )
                    % {"ref": ref, "row": first.number},
                    "invalid",
                )
    return True


def refuse_whole(group: list[ImportRow], ref_field: str) -> None:
    """One bad line refuses its record: the other lines say why they were not imported."""
    bad = [row.number for row in group if row.failed]
    if not bad or len(group) == 1:
        return
    for row in group:
        if not row.failed:
            row.error(
                ref_field,
                _("Not imported: row %(row)d of the same record has an error.") % {"row": bad[0]},
                "refused",
            )
