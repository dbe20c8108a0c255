"""Reads of contracts 合同 (and, below, receivables 应收款), within the actor's scope."""

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import Contract, Payment, Receivable

CONTRACT_ORDERING = ("-created_at", "-id")


def contract_list(
    *, actor: User, customer: Customer | None = None, status: str = ""
) -> QuerySet[Contract]:
    """Contracts the actor sees, newest first."""
    contracts = scope_queryset(Contract.objects.all(), actor).select_related(
        "customer", "owner", "order"
    )
    if customer is not None:
        contracts = contracts.filter(customer=customer)
    if status:
        contracts = contracts.filter(status=status)
    return contracts.order_by(*CONTRACT_ORDERING)


def contract_get(*, actor: User, pk: int | str) -> Contract:
    """The contract if the actor sees it; ``Contract.DoesNotExist`` otherwise."""
    found: Contract = (
        scope_queryset(Contract.objects.all(), actor)
        .select_related("customer", "owner", "order", "created_by", "on_behalf_of")
        .get(pk=pk)
    )
    return found


# --- receivables 应收款 ----------------------------------------------------------------------

RECEIVABLE_ORDERING = ("due_date", "id")


def receivable_list(
    *, actor: User, overdue: bool = False, customer: Customer | None = None
) -> QuerySet[Receivable]:
    """Receivables the actor sees, by due date; ``overdue``: past due with a balance left."""
    receivables = scope_queryset(Receivable.objects.all(), actor).select_related(
        "customer", "owner", "order", "contract"
    )
    if customer is not None:
        receivables = receivables.filter(customer=customer)
    if overdue:
        receivables = receivables.filter(
            due_date__lt=timezone.localdate(), amount_paid__lt=F("amount_due")
        )
    return receivables.order_by(*RECEIVABLE_ORDERING)


def receivable_get(*, actor: User, pk: int | str) -> Receivable:
    """The receivable with its payments if the actor sees it; DoesNotExist otherwise."""
    found: Receivable = (
        scope_queryset(Receivable.objects.all(), actor)
        .select_related("customer", "owner", "order", "contract", "created_by")
        .prefetch_related(
            Prefetch("payments", queryset=Payment.objects.select_related("created_by"))
        )
        .get(pk=pk)
    )
    return found
