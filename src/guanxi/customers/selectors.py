"""Reads of customers and contacts, always within the acting user's scope."""

from django.db.models import Q, QuerySet

from guanxi.accounts.models import User
from guanxi.accounts.selectors import assignable_owners
from guanxi.core.models import DictionaryEntry
from guanxi.core.scoping import scope_queryset, sees_everything, visible_user_ids
from guanxi.customers.models import Contact, Customer

CUSTOMER_SORTS = {
    "created": ("-created_at", "-id"),
    "name": ("name", "id"),
    "code": ("code", "id"),
    "-name": ("-name", "-id"),
    "-code": ("-code", "-id"),
    "oldest": ("created_at", "id"),
    # Column sorts of the list page; each ends in the id so keyset pagination has a total order.
    "level": ("level__sort_order", "id"),
    "-level": ("-level__sort_order", "-id"),
    "region": ("region__sort_order", "id"),
    "-region": ("-region__sort_order", "-id"),
    "owner": ("owner__username", "id"),
    "-owner": ("-owner__username", "-id"),
    "status": ("status", "id"),
    "-status": ("-status", "-id"),
    "credit_status": ("credit_status", "id"),
    "-credit_status": ("-credit_status", "-id"),
}
DEFAULT_CUSTOMER_SORT = "created"


def customer_list(
    *, actor, search: str = "", filters: dict | None = None, sort: str = "created"
) -> QuerySet[Customer]:
    customers = scope_queryset(Customer.objects.all(), actor).select_related(
        "owner", "level", "region"
    )
    if search:
        term = search.strip()
        customers = customers.filter(
            Q(name__icontains=term)
            | Q(code__iexact=term)
            | Q(phone__startswith=term)
            | Q(email__iexact=term)
        )
    if filters:
        customers = customers.filter(**filters)
    return customers.order_by(*CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["created"]))


def customer_get(*, actor, pk) -> Customer:
    """The customer if the actor may see it; ``Customer.DoesNotExist`` otherwise (a 404)."""
    return scope_queryset(
        Customer.objects.select_related(
            "owner", "level", "region", "industry", "source", "created_by", "on_behalf_of"
        ),
        actor,
    ).get(pk=pk)


def contact_list(*, actor, customer: Customer | None = None) -> QuerySet[Contact]:
    contacts = scope_queryset(Contact.objects.select_related("customer"), actor)
    if customer is not None:
        contacts = contacts.filter(customer=customer)
    return contacts


def contact_get(*, actor, pk) -> Contact:
    return contact_list(actor=actor).get(pk=pk)


def customer_owner_choices(*, actor):
    """Who ``actor`` may make the owner of a customer in a form.

    A sales assistant enters for the managers they support, never for themselves; everyone
    else gets the owners the service accepts (accounts.selectors.assignable_owners).
    """
    if actor.supports.exists() and not actor.has_perm("accounts.view_team_records"):
        return actor.supports.filter(is_active=True).order_by("username")
    return assignable_owners(actor=actor).order_by("username")


def customer_owner_filter_choices(*, actor):
    """The users whose customers ``actor`` may list, to filter the list by owner."""
    users = User.objects.order_by("username")
    return users if sees_everything(actor) else users.filter(pk__in=visible_user_ids(actor))


def customer_dictionary_entries(*, kinds) -> QuerySet[DictionaryEntry]:
    """Dictionary entries of ``kinds`` (active or retired) to filter customers by, in one query."""
    return DictionaryEntry.objects.filter(kind__in=list(kinds)).order_by(
        "kind", "sort_order", "code"
    )


def customer_dictionary_choices(*, kind: str, current=None) -> QuerySet[DictionaryEntry]:
    """The entries a customer form offers: active ones, plus the retired one already chosen."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return DictionaryEntry.objects.filter(condition, kind=kind).order_by("sort_order", "code")
