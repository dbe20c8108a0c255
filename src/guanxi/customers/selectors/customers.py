"""Reads of customers and contacts, always within the acting user's scope."""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners, sales_reps
from guanxi.core.models import DictionaryEntry
from guanxi.core.rules import is_sales_assistant
from guanxi.core.scoping import scope_queryset
from guanxi.customers.masking import field_protection
from guanxi.customers.models import COMPLETENESS_FIELDS, Contact, Customer, FlaggedValue
from guanxi.customers.search.keys import (
    PROTECTED_SEARCH_COLUMNS,
    SEARCH_COLUMNS,
    SEARCH_TEXT,
    normalise,
    search_pattern,
)
from guanxi.customers.search.sqlite import MIN_TERM, fts_condition

CUSTOMER_SORTS = {
    "created": ("-created_at", "-id"),
    # Names sort by their pinyin (杨 < 张 < 赵), the same on both databases (core.pinyin).
    "name": ("name_sort", "id"),
    "code": ("code", "id"),
    "-name": ("-name_sort", "-id"),
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
    # The churn model's risk (analytics CustomerScore): the riskiest first on the first click.
    "churn_risk": ("-score__churn_risk", "-id"),
    "-churn_risk": ("score__churn_risk", "id"),
}
DEFAULT_CUSTOMER_SORT = "created"


def protected_path(*, actor: User, path: str) -> bool:
    """Whether the customer lookup/ordering ``path`` (``-phone``, ``email__iexact``) reads a
    field protected from ``actor``: sorting or filtering by it would tell what the mask hides."""
    field = path.lstrip("-").split("__", 1)[0]
    return f"customer.{field}" in field_protection(actor)


def customer_sort_allowed(*, actor: User, sort: str) -> bool:
    """Whether ``actor`` may sort the list by ``sort`` (a CUSTOMER_SORTS key)."""
    return not any(protected_path(actor=actor, path=path) for path in CUSTOMER_SORTS.get(sort, ()))


def customer_list(
    *,
    actor: User,
    search: str = "",
    filters: dict[str, Any] | None = None,
    sort: str = "created",
) -> QuerySet[Customer]:
    # The search keys are for WHERE only; lists never show them.
    customers: QuerySet[Customer] = (
        scope_queryset(Customer.objects.all(), actor)
        .select_related("owner", "level", "region", "province", "city", "score")
        .defer(*SEARCH_COLUMNS)
    )
    if pattern := search_pattern(search):
        customers = customers.filter(customer_search_condition(actor=actor, pattern=pattern))
    if filters:
        filters = dict(filters)
        if tag := filters.pop("tag", ""):
            customers = customers.filter(tag_filter(tag))
        if filters.pop("follow_up_due", False):
            # Imported here: the pool selectors build on this module's searches.
            from guanxi.customers.selectors.pool import follow_up_due_condition

            customers = customers.filter(follow_up_due_condition())
        if filters.pop("to_correct", False):
            customers = customers.filter(
                pk__in=FlaggedValue.objects.values("customer_id").distinct()
            )
        # A protected field filters nothing for a reader it is protected from (see
        # protected_path); the forms offer no such filter, this keeps any caller from one.
        customers = customers.filter(
            **{
                path: value
                for path, value in filters.items()
                if not protected_path(actor=actor, path=path)
            }
        )
    if not customer_sort_allowed(actor=actor, sort=sort):
        sort = DEFAULT_CUSTOMER_SORT
    return customers.order_by(*CUSTOMER_SORTS.get(sort, CUSTOMER_SORTS["created"]))


def searchable_columns(*, actor: User) -> tuple[str, ...]:
    """The search columns ``actor`` may match: a protected field's keys only without a rule.

    A reader who sees a field masked or not at all must not find customers through it, or the
    search tells them what the mask hides (search.keys explains the columns).
    """
    protection = field_protection(actor)
    return (SEARCH_TEXT,) + tuple(
        column for key, column in PROTECTED_SEARCH_COLUMNS.items() if key not in protection
    )


def customer_search_condition(*, actor: User, pattern: str) -> Q:
    """Customers whose searchable columns for ``actor`` contain ``pattern`` (search_pattern).

    Keys and term are both normalised (customers.search.keys), so a case-sensitive LIKE is
    exact and is what the trigram index over the search columns answers on PostgreSQL; SQLite
    asks its FTS5 table, restricted to those columns.
    """
    columns = searchable_columns(actor=actor)
    if connection.vendor == "sqlite" and len(pattern) >= MIN_TERM:
        return fts_condition(pattern, columns)
    condition = Q()
    for column in columns:
        condition |= Q(**{f"{column}__contains": pattern})
    return condition


def customer_search_term_condition(*, actor: User, search: str) -> Q:
    """Plain substring form of the search (no two-character rule): for small scoped lists."""
    term = normalise(search)
    condition = Q()
    if term:
        for column in searchable_columns(actor=actor):
            condition |= Q(**{f"{column}__contains": term})
    return condition


def customer_get(*, actor: User, pk: Any) -> Customer:
    """The customer if the actor may see it; ``Customer.DoesNotExist`` otherwise (a 404)."""
    customer: Customer = scope_queryset(
        Customer.objects.select_related(
            "owner",
            "level",
            "region",
            "industry",
            "source",
            "province",
            "city",
            "district",
            "created_by",
            "on_behalf_of",
            "credit_hold_by",
        ),
        actor,
    ).get(pk=pk)
    return customer


def contact_list(*, actor: User, customer: Customer | None = None) -> QuerySet[Contact]:
    contacts: QuerySet[Contact] = scope_queryset(
        Contact.objects.select_related("customer", "province", "city", "district"), actor
    )
    if customer is not None:
        contacts = contacts.filter(customer=customer)
    return contacts


# The contacts list's sorts; names sort by their pinyin (杨 < 张 < 赵) on both databases.
CONTACT_SORTS = {
    "name": ("name_sort", "id"),
    "-name": ("-name_sort", "-id"),
    "customer": ("customer__name_sort", "customer_id", "id"),
    "-customer": ("-customer__name_sort", "-customer_id", "-id"),
}
DEFAULT_CONTACT_SORT = "name"
MAX_CONTACT_SEARCH = 100


def contact_directory(*, actor: User, search: str = "", sort: str = "name") -> QuerySet[Contact]:
    """Every contact ``actor`` sees, for the contacts list: ``search`` in the contact's or the
    customer's name (the customer's also by pinyin), ordered by ``sort`` (``CONTACT_SORTS``)."""
    rows = contact_list(actor=actor).defer("customer__search_text")
    if term := (search or "").strip()[:MAX_CONTACT_SEARCH]:
        rows = rows.filter(
            Q(name__icontains=term)
            | Q(customer__name__icontains=term)
            | Q(customer__search_text__contains=search_pattern(term))
        )
    return rows.order_by(*CONTACT_SORTS.get(sort, CONTACT_SORTS[DEFAULT_CONTACT_SORT]))


def contact_get(*, actor: User, pk: Any) -> Contact:
    return contact_list(actor=actor).get(pk=pk)


def customer_owner_choices(*, actor: User) -> QuerySet[User]:
    """Who ``actor`` may make the owner of a customer in a form.

    A sales assistant enters for the managers they support, never for themselves; everyone
    else gets the owners the service accepts (accounts.selectors.assignable_owners).
    """
    owners: QuerySet[User]
    if is_sales_assistant(actor):
        owners = actor.supports.filter(is_active=True)
    else:
        owners = assignable_owners(actor=actor)
    return owners.order_by("username")


def customer_owner_filter_choices(*, actor: User) -> QuerySet[User]:
    """The account managers whose customers ``actor`` may list, to filter the list by owner."""
    return sales_reps(actor=actor, include_inactive=True)


def customer_dictionary_entries(*, kinds: Iterable[str]) -> QuerySet[DictionaryEntry]:
    """Dictionary entries of ``kinds`` (active or retired) to filter customers by, in one query."""
    entries: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(kind__in=list(kinds))
    return entries.order_by("kind", "sort_order", "code")


def customer_dictionary_choices(
    *, kind: str, current: DictionaryEntry | None = None
) -> QuerySet[DictionaryEntry]:
    """The entries a customer form offers: active ones, plus the retired one already chosen."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    entries: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(condition, kind=kind)
    return entries.order_by("sort_order", "code")


def tag_filter(tag: str) -> Q:
    """Customers carrying ``tag`` (see Customer.tags for the stored format)."""
    # Imported here: services.customers imports this module (a cycle at module level).
    from guanxi.customers.services.customers import tags_normalise

    stored = tags_normalise([tag])
    return Q(tags__contains=stored) if stored else Q()


def _filled(name: str) -> Case:
    field = next(f for f in Customer._meta.concrete_fields if f.attname == name)
    empty = Q(**{f"{field.attname}__isnull": True})
    if not (field.is_relation or field.null):
        empty |= Q(**{field.attname: ""})
    return Case(When(empty, then=Value(0)), default=Value(1), output_field=IntegerField())


def completeness_expression() -> "ExpressionWrapper[Any]":
    """客户信息完整度 in SQL: the percentage of COMPLETENESS_FIELDS filled, 0–100."""
    filled = sum((_filled(name) for name in COMPLETENESS_FIELDS), Value(0))
    return ExpressionWrapper(
        filled * Value(100.0) / Value(float(len(COMPLETENESS_FIELDS))), output_field=FloatField()
    )


def completeness_by_owner(*, actor: User) -> list[dict[str, Any]]:
    """Average completeness of the customers ``actor`` sees, per owner (the pool as None).

    One aggregate query; rows are ``{"owner_id", "owner__username", "owner_name", "customers",
    "average"}`` with the average rounded to one decimal, ordered by login (the pool last,
    with an empty name).
    """
    rows = (
        scope_queryset(Customer.objects.all(), actor)
        .values("owner_id", "owner__username", "owner__last_name", "owner__first_name")
        .annotate(customers=Count("id"), average=Avg(completeness_expression()))
        .order_by("owner__username")
    )
    result = [
        {
            "owner_id": row["owner_id"],
            "owner__username": row["owner__username"],
            "owner_name": User.display_name(
                row["owner__last_name"], row["owner__first_name"], row["owner__username"]
            ),
            "customers": row["customers"],
            "average": round(float(row["average"]), 1),
        }
        for row in rows
    ]
    return sorted(result, key=lambda row: row["owner_id"] is None)


FLAGGED_VALUES_SHOWN = 200


def flagged_values(
    *, actor: User, limit: int = FLAGGED_VALUES_SHOWN
) -> tuple[list[FlaggedValue], int]:
    """Values to correct: phones and identifiers stored before their checks that fail them,
    of the customers ``actor`` sees (live ones), the first ``limit`` and how many in all."""
    rows = scope_queryset(
        FlaggedValue.objects.filter(customer__deleted_at__isnull=True), actor
    ).select_related("customer", "contact")
    return list(rows.order_by("customer__name", "customer_id", "field")[:limit]), rows.count()
