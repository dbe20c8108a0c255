"""Every write on quotes 报价: create, edit, send/accept/reject, convert into an order.

Rules:

- Lines are checked and priced by ``services.orders.build_lines`` (amounts by line_amount, the
  one place); the total is ``services.orders.order_total`` of them.
- The customer must be in the actor's scope and have an account manager, who owns the quote.
- Draft and sent quotes can be edited. Status moves draft → sent → accepted / rejected.
- A sent or accepted quote is converted into an order in one transaction through
  ``services.orders.order_create_within`` (no savepoint of its own), so the credit-hold rule and
  the churn effects apply; the order carries the quote's notes and delivery terms, the quote
  records the order (``order.quote`` leads back) and cannot be converted twice.
"""

import datetime
from collections.abc import Iterable
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import code_next, record_create, record_set_status, record_update
from guanxi.customers.models import Customer
from guanxi.sales import rules
from guanxi.sales.models import Order, Quote, QuoteLine
from guanxi.sales.services import orders as services_orders
from guanxi.sales.services.orders import LineInput

QUOTE_CODE_PREFIX = "BJ"
DEFAULT_VALIDITY_DAYS = 30
QUOTE_EDITABLE_FIELDS = ("quote_date", "valid_until", "notes", "delivery_terms")
# Which statuses each status change may start from.
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    Quote.Status.SENT: (Quote.Status.DRAFT,),
    Quote.Status.ACCEPTED: (Quote.Status.SENT,),
    Quote.Status.REJECTED: (Quote.Status.SENT,),
}


class QuoteFields(TypedDict, total=False):
    """The editable header fields of a quote."""

    quote_date: datetime.date
    valid_until: datetime.date
    notes: str
    delivery_terms: str


def _visible(actor: User, quote: Quote) -> None:
    if not scope_queryset(Quote.objects.filter(pk=quote.pk), actor).exists():
        raise Quote.DoesNotExist


def _quote_lines(
    lines: Iterable[LineInput] | None, *, allowed_inactive: set[int] | None = None
) -> list[QuoteLine]:
    built = services_orders.build_lines(lines, allowed_inactive=allowed_inactive)
    return [
        QuoteLine(
            position=line.position,
            product=line.product,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            amount=line.amount,
        )
        for line in built
    ]


def _save_lines(*, quote: Quote, lines: list[QuoteLine], actor: User) -> None:
    for line in lines:
        line.quote = quote
        line.full_clean(exclude=["quote"])
        line._history_user = actor  # type: ignore[attr-defined]  # read by the audit history
        line.save()


def _check_dates(quote_date: datetime.date, valid_until: datetime.date) -> None:
    if valid_until < quote_date:
        raise ValidationError(
            {"valid_until": _("A quote cannot expire before the day it is made.")}
        )


@transaction.atomic
def quote_create(
    *,
    actor: User,
    customer: Customer,
    lines: Iterable[LineInput],
    quote_date: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    notes: str = "",
    delivery_terms: str = "",
    external_ref: str | None = None,
) -> Quote:
    """Create a draft quote of ``customer`` with ``lines`` (see ``services.orders.build_lines``);
    ``external_ref`` is its id in another system."""
    require(actor, rules.ADD_QUOTE)
    if not scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise Customer.DoesNotExist
    customer = Customer.objects.get(pk=customer.pk)
    if customer.owner_id is None:
        raise ValidationError(
            {
                "customer": _(
                    "This customer is in the pool; claim it or give it an account manager "
                    "before making a quote."
                )
            }
        )
    built = _quote_lines(lines)
    quote_date = quote_date or timezone.localdate()
    valid_until = valid_until or quote_date + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)
    _check_dates(quote_date, valid_until)
    quote = Quote(
        customer=customer,
        owner=customer.owner,
        quote_date=quote_date,
        valid_until=valid_until,
        notes=(notes or "").strip(),
        delivery_terms=(delivery_terms or "").strip(),
        total=services_orders.order_total(built),
        external_ref=external_ref or None,
    )
    quote.code = code_next(prefix=QUOTE_CODE_PREFIX, year=quote_date.year)
    record_create(instance=quote, actor=actor, on_behalf_of=customer.owner)
    _save_lines(quote=quote, lines=built, actor=actor)
    return quote


def _require_editable(quote: Quote) -> None:
    if not quote.is_editable:
        raise BusinessRuleError(
            _("A %(status)s quote cannot be changed any more.")
            % {"status": quote.get_status_display().lower()}
        )


@transaction.atomic
def quote_update(
    *,
    actor: User,
    quote: Quote,
    expected_version: int | None = None,
    lines: Iterable[LineInput] | None = None,
    **fields: Unpack[QuoteFields],
) -> Quote:
    """Change a draft or sent quote's dates, notes, delivery terms and (given) its lines; total
    recomputed."""
    require(actor, rules.CHANGE_QUOTE)
    _visible(actor, quote)
    unknown = set(fields) - set(QUOTE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    _require_editable(quote)
    for name, value in fields.items():
        setattr(quote, name, value.strip() if isinstance(value, str) else value)
    _check_dates(quote.quote_date, quote.valid_until)
    built = None
    if lines is not None:
        current = set(quote.lines.values_list("product_id", flat=True))
        built = _quote_lines(lines, allowed_inactive=current)
        quote.total = services_orders.order_total(built)
    record_update(instance=quote, actor=actor, expected_version=expected_version)
    if built is not None:
        for old in quote.lines.all():
            old._history_user = actor  # type: ignore[attr-defined]
            old.delete()
        _save_lines(quote=quote, lines=built, actor=actor)
    return quote


@transaction.atomic
def quote_set_status(
    *, actor: User, quote: Quote, status: str, expected_version: int | None = None
) -> Quote:
    """Send a draft, or mark a sent quote accepted or rejected."""
    require(actor, rules.CHANGE_QUOTE)
    _visible(actor, quote)
    return record_set_status(
        instance=quote,
        actor=actor,
        status=status,
        moves=STATUS_MOVES,
        choose_message=_("Choose sent, accepted or rejected."),
        refused_message=_("A %(status)s quote cannot become %(new)s."),
        expected_version=expected_version,
    )


@transaction.atomic
def quote_convert(
    *,
    actor: User,
    quote: Quote,
    expected_version: int | None = None,
    order_status: str = Order.Status.CONFIRMED,
    credit_override: bool = False,
    credit_override_reason: str = "",
) -> Order:
    """Turn a sent or accepted quote into an order (once): the quote's lines, notes and
    delivery terms; the quote keeps the order, which leads back to it as ``order.quote``."""
    require(actor, rules.CHANGE_QUOTE)
    _visible(actor, quote)
    # The quote's current row, locked: two conversions at once make one order.
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.order_id is not None or quote.status == Quote.Status.CONVERTED:
        raise BusinessRuleError(_("This quote was already converted into an order."))
    if quote.status not in Quote.CONVERTIBLE_STATES:
        raise BusinessRuleError(
            _("Only a sent or accepted quote can be converted; this one is %(status)s.")
            % {"status": quote.get_status_display().lower()}
        )
    lines = [
        {
            "product": line.product_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": line.discount,
        }
        for line in quote.lines.order_by("position", "id")
    ]
    order = services_orders.order_create_within(
        actor=actor,
        customer=quote.customer,
        lines=lines,
        status=order_status,
        notes=quote.notes,
        delivery_terms=quote.delivery_terms,
        credit_override=credit_override,
        credit_override_reason=credit_override_reason,
    )
    quote.order = order
    quote.status = Quote.Status.CONVERTED
    record_update(
        instance=quote,
        actor=actor,
        expected_version=expected_version,
        change_reason=_("Converted into order %(code)s") % {"code": order.code},
    )
    return order
