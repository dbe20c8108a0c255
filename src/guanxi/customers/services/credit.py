"""Credit control 信用冻结: putting a customer's credit on hold and lifting the hold.

The one writer of ``Customer.credit_status`` (and of the hold's reason, author and time): the
general customer edit (form, API, merge) does not touch it, and an import sets a hold only for
an importer this module's rule allows (``importing/customers.py`` asks the same predicate).
Administrators, and sales supervisors for the customers of their team subtree, may set or lift
a hold, always with a reason; it is kept in the audit history, on the customer (the banner
shows it) and on the timeline. Orders read the status: ``sales.services.orders`` refuses a
customer on hold unless a supervisor overrides it.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.rules import require
from guanxi.core.services.records import record_update
from guanxi.customers import events, rules
from guanxi.customers.models import Customer

MAX_CREDIT_HOLD_REASON_LENGTH = 1000


def credit_hold_refused_message() -> str:
    """Why someone without the rule's blessing cannot change a credit hold (pages, API, import)."""
    return _(
        "Only an administrator or the sales supervisor of the customer's team can put its "
        "credit on hold or lift the hold."
    )


def credit_hold_reason_clean(reason: str | None) -> str:
    """The reason as stored; a missing or overlong one is refused, naming the reason field."""
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValidationError(
            {"reason": _("Give the reason for putting the credit on hold or lifting the hold.")}
        )
    if len(cleaned) > MAX_CREDIT_HOLD_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Write at most %(count)d characters.")
                % {"count": MAX_CREDIT_HOLD_REASON_LENGTH}
            }
        )
    return cleaned


def _history_reason(text: str) -> str:
    # The audit's change reason is a short column (a longer one fails on PostgreSQL); the whole
    # reason stays on the customer (a hold) and on the timeline event.
    limit: int = Customer.history.model._meta.get_field("history_change_reason").max_length
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def customer_credit_hold_set(
    *,
    actor: User,
    customer: Customer,
    on_hold: bool,
    reason: str,
    expected_version: int | None = None,
) -> Customer:
    """Put ``customer``'s credit on hold (``on_hold``) or lift the hold, saying why.

    No right → ``PermissionDenied``; no reason → ``ValidationError`` on ``reason``; the hold
    already as asked → ``BusinessRuleError``; a stale ``expected_version`` →
    ``ConflictError``. The customer must be in the caller's scope (the entry points read it
    through the scoped selectors).
    """
    require(actor, rules.may_set_credit_hold(actor, customer), credit_hold_refused_message())
    reason = credit_hold_reason_clean(reason)
    if customer.on_credit_hold == on_hold:
        raise BusinessRuleError(
            _("The customer's credit is already on hold.")
            if on_hold
            else _("The customer's credit is not on hold.")
        )
    if on_hold:
        customer.credit_status = Customer.CreditStatus.ON_HOLD
        customer.credit_hold_reason = reason
        customer.credit_hold_by = actor
        customer.credit_hold_at = timezone.now()
        change_reason = _("Credit put on hold: %(reason)s") % {"reason": reason}
    else:
        customer.credit_status = Customer.CreditStatus.NORMAL
        customer.credit_hold_reason = ""
        customer.credit_hold_by = None
        customer.credit_hold_at = None
        change_reason = _("Credit hold lifted: %(reason)s") % {"reason": reason}
    record_update(
        instance=customer,
        actor=actor,
        expected_version=expected_version,
        change_reason=_history_reason(change_reason),
    )
    events.customer_credit_hold_event(
        customer=customer, actor=actor, on_hold=on_hold, reason=reason
    )
    return customer
