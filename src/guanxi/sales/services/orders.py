"""Every write on orders 订单: create, edit, move through the statuses, cancel.

Rules:

- Amounts are computed here and nowhere else (:func:`line_amount`): quantity × unit price ×
  (100 − discount %) / 100, rounded half up to the cent; the order's total is the sum of its
  line amounts. Both are stored on the rows.
- The customer must be in the actor's scope and have an account manager, who becomes the
  order's owner. A sales assistant enters orders on behalf of that manager.
- A customer on credit hold 信用冻结 gets no new order unless someone holding
  ``sales.override_credit_hold`` (sales supervisors, administrators) overrides the hold with a
  reason; who, when and why are stored on the order and in its history.
- Creating an order tells the churn handling (``customer_order_recorded``): the customer's last
  order moves forward, a churn warning is cleared, a churned customer is won back.
- Draft and confirmed orders can be edited and cancelled; shipped, completed and cancelled
  ones cannot. Status moves forward draft → confirmed → shipped → completed.
- A converted quote's order is written by :func:`order_create_within` inside the conversion's
  transaction (no savepoint of its own); it carries the quote's notes and delivery terms.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import code_next, record_create, record_update
from guanxi.customers.models import Customer
from guanxi.customers.services.churn import customer_order_recorded
from guanxi.sales import rules
from guanxi.sales.models import Order, OrderLine, Product, QuoteLine

ORDER_CODE_PREFIX = "DD"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MAX_LINES = 200
LARGEST = Decimal(10) ** 12  # the columns hold 14 digits, 2 of them decimals
ORDER_EDITABLE_FIELDS = ("order_date", "delivery_address", "delivery_terms", "notes")
# The next status of each forward step (cancelling is order_cancel).
TRANSITIONS: dict[str, str] = {
    Order.Status.DRAFT: Order.Status.CONFIRMED,
    Order.Status.CONFIRMED: Order.Status.SHIPPED,
    Order.Status.SHIPPED: Order.Status.COMPLETED,
}

# One line as given: product (a Product or its id), quantity, unit price and discount %.
LineInput = Mapping[str, Any]


class OrderFields(TypedDict, total=False):
    """The editable header fields of an order."""

    order_date: datetime.date
    delivery_address: str
    delivery_terms: str
    notes: str


def line_amount(
    *, quantity: Decimal | int | str, unit_price: Decimal | int | str, discount: Any = 0
) -> Decimal:
    """A line's amount: quantity × unit price less the discount %, rounded half up to cents."""
    gross = Decimal(quantity) * Decimal(unit_price)
    return (gross * (HUNDRED - Decimal(discount or 0)) / HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def _decimal(value: Any, *, field: str, number: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        result = None
    if result is None or not result.is_finite():
        raise _line_error(number, _("enter a number for %(field)s.") % {"field": field})
    if abs(result) >= LARGEST:
        raise _line_error(number, _("the %(field)s is too large.") % {"field": field})
    return result


def _line_error(number: int, message: str) -> ValidationError:
    return ValidationError(
        {"lines": _("Line %(number)d: %(message)s") % {"number": number, "message": message}}
    )


def _product(
    value: Any, *, number: int, known: dict[int, Product], allowed_inactive: set[int]
) -> Product:
    pk = value.pk if isinstance(value, Product) else value
    product = known.get(int(pk)) if str(pk or "").isdigit() else None
    if product is None:
        raise _line_error(number, _("choose a product."))
    if not product.is_active and product.pk not in allowed_inactive:
        raise _line_error(
            number, _("“%(name)s” is no longer sold; choose another product.") % {"name": product}
        )
    return product


def _products_of(lines: list[LineInput]) -> dict[int, Product]:
    """The lines' products by id, read in one query."""
    pks = set()
    for raw in lines:
        value = raw.get("product")
        pk = value.pk if isinstance(value, Product) else value
        if str(pk or "").isdigit() and int(str(pk)) < 2**63:
            pks.add(int(str(pk)))
    products: dict[int, Product] = Product.objects.in_bulk(pks)
    return products


def build_lines(
    lines: Iterable[LineInput] | None, *, allowed_inactive: set[int] | None = None
) -> list[OrderLine]:
    """Unsaved, checked lines with their amounts from ``lines`` (dicts).

    Each line needs a product and a quantity above zero; the unit price defaults to the
    product's price; the discount is a percentage from 0 to 100.
    """
    given = list(lines or [])
    if not given:
        raise ValidationError({"lines": _("An order needs at least one line.")})
    if len(given) > MAX_LINES:
        raise ValidationError(
            {"lines": _("An order can have at most %(count)d lines.") % {"count": MAX_LINES}}
        )
    built = []
    known = _products_of(given)
    for number, raw in enumerate(given, start=1):
        product = _product(
            raw.get("product"),
            number=number,
            known=known,
            allowed_inactive=allowed_inactive or set(),
        )
        quantity = _decimal(raw.get("quantity"), field=_("quantity"), number=number)
        if quantity is None or quantity <= 0:
            raise _line_error(number, _("the quantity must be more than zero."))
        unit_price = _decimal(raw.get("unit_price"), field=_("unit price"), number=number)
        if unit_price is None:
            unit_price = product.price
        if unit_price < 0:
            raise _line_error(number, _("the unit price cannot be negative."))
        discount = _decimal(raw.get("discount"), field=_("discount"), number=number) or Decimal(0)
        if not 0 <= discount <= 100:
            raise _line_error(number, _("the discount is a percentage from 0 to 100."))
        quantity = quantity.quantize(CENT, rounding=ROUND_HALF_UP)
        unit_price = unit_price.quantize(CENT, rounding=ROUND_HALF_UP)
        discount = discount.quantize(CENT, rounding=ROUND_HALF_UP)
        built.append(
            OrderLine(
                position=number,
                product=product,
                quantity=quantity,
                unit_price=unit_price,
                discount=discount,
                amount=line_amount(quantity=quantity, unit_price=unit_price, discount=discount),
            )
        )
    return built


def order_total(lines: Sequence[OrderLine | QuoteLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00")).quantize(CENT)


def set_line_figures(order: Order, lines: list[OrderLine]) -> None:
    """What an order keeps of its lines: the total, how many lines, how many items."""
    order.total = order_total(lines)
    order.line_count = len(lines)
    order.item_quantity = sum((line.quantity for line in lines), Decimal("0.00"))


def _save_lines(*, order: Order, lines: list[OrderLine], actor: User) -> None:
    for line in lines:
        line.order = order
        line.full_clean(exclude=["order"])
        line._history_user = actor  # type: ignore[attr-defined]  # read by the audit history
        line.save()


def ordered_at_of(day: datetime.date) -> datetime.datetime:
    """The moment the churn handling records: now for today's order, else the day's start."""
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _check_credit(*, actor: User, customer: Customer, override: bool, reason: str) -> bool:
    """Whether the order overrides a credit hold; refuses the order when it may not."""
    if not customer.on_credit_hold:
        return False
    if not override:
        raise BusinessRuleError(
            {
                "customer": _(
                    "%(name)s is on credit hold: a new order needs a sales supervisor to override "
                    "the hold, with a reason."
                )
                % {"name": customer.name}
            }
        )
    require(
        actor,
        rules.OVERRIDE_CREDIT_HOLD,
        _(
            "%(name)s is on credit hold and only a sales supervisor can override the hold. "
            "Ask your supervisor to enter this order."
        )
        % {"name": customer.name},
    )
    if not (reason or "").strip():
        raise ValidationError(
            {"credit_override_reason": _("Give the reason for overriding the credit hold.")}
        )
    return True


@transaction.atomic
def order_create(
    *,
    actor: User,
    customer: Customer,
    lines: Iterable[LineInput],
    order_date: datetime.date | None = None,
    status: str = Order.Status.CONFIRMED,
    delivery_address: str = "",
    delivery_terms: str = "",
    notes: str = "",
    credit_override: bool = False,
    credit_override_reason: str = "",
) -> Order:
    """Create an order of ``customer`` with ``lines`` (see :func:`build_lines`)."""
    return order_create_within(
        actor=actor,
        customer=customer,
        lines=lines,
        order_date=order_date,
        status=status,
        delivery_address=delivery_address,
        delivery_terms=delivery_terms,
        notes=notes,
        credit_override=credit_override,
        credit_override_reason=credit_override_reason,
    )


# Also called inside another service's transaction (a quote converted into an order): no
# savepoint of its own there.
@transaction.atomic(savepoint=False)
def order_create_within(
    *,
    actor: User,
    customer: Customer,
    lines: Iterable[LineInput],
    order_date: datetime.date | None = None,
    status: str = Order.Status.CONFIRMED,
    delivery_address: str = "",
    delivery_terms: str = "",
    notes: str = "",
    credit_override: bool = False,
    credit_override_reason: str = "",
) -> Order:
    """The write of :func:`order_create`, the right checked."""
    require(actor, rules.ADD_ORDER)
    if not scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise Customer.DoesNotExist
    # The customer's current row, locked: its credit status and owner are what count now.
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id is None:
        raise ValidationError(
            {
                "customer": _(
                    "This customer is in the pool; claim it or give it an account manager "
                    "before taking an order."
                )
            }
        )
    if status not in (Order.Status.DRAFT, Order.Status.CONFIRMED):
        raise ValidationError({"status": _("A new order is a draft or confirmed.")})
    built = build_lines(lines)
    overridden = _check_credit(
        actor=actor, customer=customer, override=credit_override, reason=credit_override_reason
    )
    order = Order(
        customer=customer,
        owner=customer.owner,
        order_date=order_date or timezone.localdate(),
        status=status,
        delivery_address=(delivery_address or customer.address or "").strip(),
        delivery_terms=(delivery_terms or "").strip(),
        notes=(notes or "").strip(),
    )
    set_line_figures(order, built)
    order.code = code_next(prefix=ORDER_CODE_PREFIX, year=order.order_date.year)
    if overridden:
        order.credit_override_by = actor
        order.credit_override_at = timezone.now()
        order.credit_override_reason = credit_override_reason.strip()
        reason = _("Credit hold overridden: %(reason)s") % {"reason": order.credit_override_reason}
        order._change_reason = reason  # type: ignore[attr-defined]  # the history's reason
    record_create(instance=order, actor=actor, on_behalf_of=customer.owner)
    _save_lines(order=order, lines=built, actor=actor)
    customer_order_recorded(
        customer=customer, ordered_at=ordered_at_of(order.order_date), actor=actor
    )
    return order


def _visible(actor: User, order: Order) -> None:
    if not scope_queryset(Order.objects.filter(pk=order.pk), actor).exists():
        raise Order.DoesNotExist


def _require_editable(order: Order) -> None:
    if not order.is_editable:
        raise BusinessRuleError(
            _("A %(status)s order cannot be changed any more.")
            % {"status": order.get_status_display().lower()}
        )


@transaction.atomic
def order_update(
    *,
    actor: User,
    order: Order,
    expected_version: int | None = None,
    lines: Iterable[LineInput] | None = None,
    **fields: Unpack[OrderFields],
) -> Order:
    """Change a draft or confirmed order's date, address, delivery terms, notes and (given) its
    lines.

    ``lines`` replaces every line; the total is computed again. A stale ``expected_version``
    is a conflict and nothing is written.
    """
    require(actor, rules.CHANGE_ORDER)
    _visible(actor, order)
    unknown = set(fields) - set(ORDER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    _require_editable(order)
    for name, value in fields.items():
        setattr(order, name, value.strip() if isinstance(value, str) else value)
    built = None
    if lines is not None:
        current = set(order.lines.values_list("product_id", flat=True))
        built = build_lines(lines, allowed_inactive=current)
        set_line_figures(order, built)
    record_update(instance=order, actor=actor, expected_version=expected_version)
    if built is not None:
        for old in order.lines.all():
            old._history_user = actor  # type: ignore[attr-defined]
            old.delete()
        _save_lines(order=order, lines=built, actor=actor)
    return order


@transaction.atomic
def order_advance(*, actor: User, order: Order, expected_version: int | None = None) -> Order:
    """Move the order one step forward: confirm a draft, ship a confirmed one, complete it."""
    require(actor, rules.CHANGE_ORDER)
    _visible(actor, order)
    following = TRANSITIONS.get(order.status)
    if following is None:
        raise BusinessRuleError(
            _("A %(status)s order has no next step.")
            % {"status": order.get_status_display().lower()}
        )
    order.status = following
    return record_update(
        instance=order,
        actor=actor,
        expected_version=expected_version,
        change_reason=str(Order.Status(following).label),
    )


@transaction.atomic
def order_cancel(
    *, actor: User, order: Order, expected_version: int | None = None, reason: str = ""
) -> Order:
    """Cancel a draft or confirmed order (a shipped one is a return, not a cancellation)."""
    require(actor, rules.CHANGE_ORDER)
    _visible(actor, order)
    if not order.is_editable:
        raise BusinessRuleError(
            _("Only draft or confirmed orders can be cancelled; this one is %(status)s.")
            % {"status": order.get_status_display().lower()}
        )
    order.status = Order.Status.CANCELLED
    reason = (reason or "").strip()
    return record_update(
        instance=order,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Cancelled: %(reason)s") % {"reason": reason} if reason else _("Cancelled"),
    )
