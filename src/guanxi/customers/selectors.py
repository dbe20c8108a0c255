"""Reads of customers and contacts, always within the acting user's scope."""

from django.db.models import Q, QuerySet

from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Contact, Customer

CUSTOMER_SORTS = {
    "created": ("-created_at", "-id"),
    "name": ("name", "id"),
    "code": ("code", "id"),
    "-name": ("-name", "-id"),
    "-code": ("-code", "-id"),
    "oldest": ("created_at", "id"),
}


def customer_list(*, actor, search: str = "", filters: dict | None = None,
                  sort: str = "created") -> QuerySet[Customer]:
    customers = scope_queryset(Customer.objects.all(), actor).select_related(
        "owner", "level", "region"
    )
    if search:
        term = search.strip()
        customers = customers.filter(
            Q(name__icontains=term) | Q(code__iexact=term) | Q(phone__startswith=term)
            | Q(email__iexact=term)
        )
    if filters:
        customers = customers.filter(**filters)
    return customers.order_by(*CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["created"]))


def customer_get(*, actor, pk) -> Customer:
    """The customer if the actor may see it; ``Customer.DoesNotExist`` otherwise (a 404)."""
    return scope_queryset(Customer.objects.select_related(
        "owner", "level", "region", "industry", "source", "created_by", "on_behalf_of"
    ), actor).get(pk=pk)


def contact_list(*, actor, customer: Customer | None = None) -> QuerySet[Contact]:
    contacts = scope_queryset(Contact.objects.select_related("customer"), actor)
    if customer is not None:
        contacts = contacts.filter(customer=customer)
    return contacts


def contact_get(*, actor, pk) -> Contact:
    return contact_list(actor=actor).get(pk=pk)
