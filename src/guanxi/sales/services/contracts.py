"""Every write on contracts 合同.

Rules:

- The customer must be in the actor's scope and have an account manager, who owns the contract.
- An order given must be one of the same customer's orders (and in scope).
- The end date is not before the start date. Status moves draft → active → completed, and a
  draft or active contract can be terminated; completed and terminated contracts are final.
"""

import datetime
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.formatting import format_money
from guanxi.core.rules import require
from guanxi.core.scoping import scope_queryset
from guanxi.core.services.records import code_next, record_create, record_set_status, record_update
from guanxi.customers.models import Customer
from guanxi.sales import rules
from guanxi.sales.models import Contract, Order, Payment, Receivable

CONTRACT_CODE_PREFIX = "HT"
CONTRACT_EDITABLE_FIELDS = (
    "title",
    "amount",
    "order",
    "signed_on",
    "starts_on",
    "ends_on",
    "notes",
)
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    Contract.Status.ACTIVE: (Contract.Status.DRAFT,),
    Contract.Status.COMPLETED: (Contract.Status.ACTIVE,),
    Contract.Status.TERMINATED: (Contract.Status.DRAFT, Contract.Status.ACTIVE),
}
FINAL_STATES = (Contract.Status.COMPLETED, Contract.Status.TERMINATED)


class ContractFields(TypedDict, total=False):
    """The editable fields of a contract."""

    title: str
    amount: Decimal | int | str
    order: Order | None
    signed_on: datetime.date | None
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    notes: str


def _visible(actor: User, contract: Contract) -> None:
    if not scope_queryset(Contract.objects.filter(pk=contract.pk), actor).exists():
        raise Contract.DoesNotExist


def _check(contract: Contract, actor: User) -> None:
    if contract.order_id is not None:
        order = scope_queryset(Order.objects.filter(pk=contract.order_id), actor).first()
        if order is None or order.customer_id != contract.customer_id:
            raise ValidationError({"order": _("Choose one of this customer's orders.")})
    if contract.starts_on and contract.ends_on and contract.ends_on < contract.starts_on:
        raise ValidationError({"ends_on": _("The end date cannot be before the start date.")})
    if contract.amount is not None and Decimal(contract.amount) < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})


@transaction.atomic
def contract_create(
    *,
    actor: User,
    customer: Customer,
    title: str,
    amount: Decimal | int | str,
    order: Order | None = None,
    signed_on: datetime.date | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    notes: str = "",
    external_ref: str | None = None,
) -> Contract:
    """Create a draft contract of ``customer`` (``external_ref``: its id in another system)."""
    require(actor, rules.ADD_CONTRACT)
    if not scope_queryset(Customer.objects.filter(pk=customer.pk), actor).exists():
        raise Customer.DoesNotExist
    customer = Customer.objects.get(pk=customer.pk)
    if customer.owner_id is None:
        raise ValidationError(
            {
                "customer": _(
                    "This customer is in the pool; claim it or give it an account manager "
                    "before making a contract."
                )
            }
        )
    contract = Contract(
        customer=customer,
        owner=customer.owner,
        order=order,
        title=(title or "").strip(),
        amount=amount,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=(notes or "").strip(),
        external_ref=external_ref or None,
    )
    _check(contract, actor)
    contract.code = code_next(
        prefix=CONTRACT_CODE_PREFIX, year=(signed_on or timezone.localdate()).year
    )
    return record_create(instance=contract, actor=actor, on_behalf_of=customer.owner)


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract,
    expected_version: int | None = None,
    **fields: Unpack[ContractFields],
) -> Contract:
    """Change a contract that is not completed or terminated."""
    require(actor, rules.CHANGE_CONTRACT)
    _visible(actor, contract)
    unknown = set(fields) - set(CONTRACT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    if contract.status in FINAL_STATES:
        raise BusinessRuleError(
            _("A %(status)s contract cannot be changed any more.")
            % {"status": contract.get_status_display().lower()}
        )
    for name, value in fields.items():
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    _check(contract, actor)
    return record_update(instance=contract, actor=actor, expected_version=expected_version)


@transaction.atomic
def contract_set_status(
    *, actor: User, contract: Contract, status: str, expected_version: int | None = None
) -> Contract:
    """Activate a draft, complete an active contract, or terminate a draft or active one."""
    require(actor, rules.CHANGE_CONTRACT)
    _visible(actor, contract)
    return record_set_status(
        instance=contract,
        actor=actor,
        status=status,
        moves=STATUS_MOVES,
        choose_message=_("Choose active, completed or terminated."),
        refused_message=_("A %(status)s contract cannot become %(new)s."),
        expected_version=expected_version,
    )


# --- receivables 应收款 and payments 回款 --------------------------------------------------------
#
# A receivable belongs to exactly one order or contract (one receivable each), of a customer in
# the actor's scope; the amount due defaults to the order's total or the contract's amount.
# A payment is above zero and at most the outstanding balance; payment_record is the one place
# that changes ``amount_paid``, under a row lock so two payments cannot together overpay.


@transaction.atomic
def receivable_create(
    *,
    actor: User,
    due_date: datetime.date,
    order: Order | None = None,
    contract: Contract | None = None,
    amount_due: Decimal | int | str | None = None,
    notes: str = "",
    external_ref: str | None = None,
) -> Receivable:
    """Open the receivable of ``order`` or ``contract`` (exactly one of them; ``external_ref``:
    its id in another system)."""
    require(actor, rules.ADD_RECEIVABLE)
    if (order is None) == (contract is None):
        raise ValidationError({"order": _("Choose an order or a contract.")})
    order_row: Order | None = None
    contract_row: Contract | None = None
    source: Order | Contract
    if order is not None:
        order_row = scope_queryset(Order.objects.filter(pk=order.pk), actor).first()
        if order_row is None:
            raise Order.DoesNotExist
        if order_row.status == Order.Status.CANCELLED:
            raise BusinessRuleError({"order": _("A cancelled order has nothing to collect.")})
        taken = Receivable.all_objects.filter(order=order_row).exists()
        default_amount = order_row.total
        source = order_row
    else:
        assert contract is not None  # exactly one of order and contract, checked above
        contract_row = scope_queryset(Contract.objects.filter(pk=contract.pk), actor).first()
        if contract_row is None:
            raise Contract.DoesNotExist
        if contract_row.status == Contract.Status.TERMINATED:
            raise BusinessRuleError(
                {"contract": _("A terminated contract has nothing to collect.")}
            )
        taken = Receivable.all_objects.filter(contract=contract_row).exists()
        default_amount = contract_row.amount
        source = contract_row
    if taken:
        raise BusinessRuleError(_("This order or contract already has a receivable."))
    customer = source.customer
    if customer.owner_id is None:
        raise ValidationError(
            {"customer": _("This customer is in the pool; give it an account manager first.")}
        )
    amount_due = default_amount if amount_due is None else Decimal(amount_due)
    if amount_due <= 0:
        raise ValidationError({"amount_due": _("The amount due must be more than zero.")})
    receivable = Receivable(
        customer=customer,
        owner=customer.owner,
        order=order_row,
        contract=contract_row,
        amount_due=amount_due,
        due_date=due_date,
        notes=(notes or "").strip(),
        external_ref=external_ref or None,
    )
    return record_create(instance=receivable, actor=actor, on_behalf_of=customer.owner)


@transaction.atomic
def payment_record(
    *,
    actor: User,
    receivable: Receivable,
    amount: Decimal | int | str,
    paid_on: datetime.date | None = None,
    method: str = Payment.Method.BANK_TRANSFER,
    notes: str = "",
) -> Payment:
    """Record a payment against ``receivable``; it may not exceed the outstanding balance."""
    require(actor, rules.ADD_PAYMENT)
    if not scope_queryset(Receivable.objects.filter(pk=receivable.pk), actor).exists():
        raise Receivable.DoesNotExist
    locked = Receivable.objects.select_for_update().get(pk=receivable.pk)
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("A payment must be more than zero.")})
    if amount > locked.balance:
        raise BusinessRuleError(
            {
                "amount": _("A payment cannot exceed the outstanding balance of %(balance)s.")
                % {"balance": format_money(locked.balance)}
            }
        )
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be dated in the future.")})
    payment = Payment(
        receivable=locked,
        amount=amount,
        paid_on=paid_on,
        method=method,
        notes=(notes or "").strip(),
    )
    record_create(instance=payment, actor=actor)
    locked.amount_paid = locked.amount_paid + amount
    record_update(
        instance=locked,
        actor=actor,
        change_reason=_("Payment of %(amount)s") % {"amount": format_money(amount)},
    )
    receivable.refresh_from_db()
    return payment
