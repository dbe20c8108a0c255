"""Reads of contracts 合同 (and, below, receivables 应收款), within the actor's scope."""

from django.db.models import QuerySet

from guanxi.core.scoping import scope_queryset
from guanxi.sales.models import Contract

CONTRACT_ORDERING = ("-created_at", "-id")


def contract_list(*, actor, customer=None, status: str = "") -> QuerySet[Contract]:
    """Contracts the actor sees, newest first."""
    contracts = scope_queryset(Contract.objects.all(), actor).select_related(
        "customer", "owner", "order"
    )
    if customer is not None:
        contracts = contracts.filter(customer=customer)
    if status:
        contracts = contracts.filter(status=status)
    return contracts.order_by(*CONTRACT_ORDERING)


def contract_get(*, actor, pk) -> Contract:
    """The contract if the actor sees it; ``Contract.DoesNotExist`` otherwise."""
    return (
        scope_queryset(Contract.objects.all(), actor)
        .select_related("customer", "owner", "order", "created_by", "on_behalf_of")
        .get(pk=pk)
    )
