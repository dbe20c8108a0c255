"""The quick customer search (search box, API): the list's own search rule, a short result.

It reuses ``selectors.customer_list`` so the list page, the list API and the quick search can
never disagree about what a term finds or who may see it. It never counts the matches: at a
million customers a broad term (科技) matches tens of thousands of rows, and the first rows
plus "there are more" is all a search box needs.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.core import search as core_search
from guanxi.core.phones import phone_display
from guanxi.core.search import SearchKind, SearchQuery
from guanxi.customers import masking, rules
from guanxi.customers.models import Contact, Customer
from guanxi.customers.search.keys import name_matches, normalise
from guanxi.customers.selectors.customers import contact_list, customer_list

MIN_TERM_LENGTH = 2
DEFAULT_LIMIT = 20
MAX_LIMIT = 50


@dataclass(frozen=True)
class SearchHit:
    """A customer found, and the name of the contact it was found by (if any)."""

    customer: Customer
    matched_contact: str | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    more: bool  # further customers match beyond the limit


def search_term_valid(search: str) -> bool:
    """Whether ``search`` is long enough to search with (after folding width, case, spaces)."""
    return len(normalise(search)) >= MIN_TERM_LENGTH


def customer_search(*, actor: User, search: str, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """The newest customers ``actor`` may see that ``search`` finds; two queries at most."""
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(customer_list(actor=actor, search=search)[: limit + 1])
    customers = rows[:limit]
    matched: dict[int, str] = {}
    if customers:
        contacts = (
            contact_list(actor=actor)
            .filter(customer__in=customers)
            .order_by("customer_id", "-is_primary", "name", "id")
            .values_list("customer_id", "name")
        )
        for customer_id, name in contacts:
            if customer_id not in matched and name_matches(name, search):
                matched[customer_id] = name
    hits = [SearchHit(customer, matched.get(customer.pk)) for customer in customers]
    return SearchResult(hits=hits, more=len(rows) > limit)


# --- the global search's kinds (core.search): customers and contacts ----------------------------

# The newest customers a term finds whose records other kinds look through (their contacts,
# and in the sales and service apps their orders, requests...): the indexed customer search,
# read once per search and bounded.
MATCHED_CUSTOMERS = 50
# Contact rows read for those customers at most (a customer has a handful of contacts).
MAX_CONTACT_ROWS = 500
SUBTITLE_SEPARATOR = " · "


def matched_customers(query: SearchQuery) -> list[Customer]:
    """The newest customers the term finds for the searching user: read once per search.

    The customer list's own rule (pinyin, initials, code, contact names; a protected phone or
    e-mail takes no part for a reader it is protected from), so a record found "by its
    customer" is never found by something its reader could not search the customer by. The
    customers kind shows the first of them; contacts, orders, requests... are looked up among
    them, one query each.
    """
    key = "customers.matched"
    if key not in query.memo:
        size = max(MATCHED_CUSTOMERS, query.limit + 1)
        query.memo[key] = list(customer_list(actor=query.actor, search=query.term)[:size])
    found: list[Customer] = query.memo[key]
    return found


def matched_customer_ids(query: SearchQuery) -> list[int]:
    return [customer.pk for customer in matched_customers(query)]


def shown_field(query: SearchQuery, record: Model, field: str) -> str:
    """``record.field`` as the searching user sees it ("" when empty or hidden); a protected
    field shown in full is noted for the sensitive-access log, as on the record's page."""
    key = masking.field_key(record, field)
    raw = getattr(record, field, "") or ""
    if key in masking.PHONE_FIELDS:
        raw = phone_display(raw)
    mode = masking.field_mode(query.actor, record, field)
    value = masking.shown_value(mode, key, raw)
    shown = "" if value is None else str(value)
    if mode is None:
        masking.note_unmasked(query.request, query.actor, record, field, shown)
    return shown


def subtitle(*parts: Any) -> str:
    return SUBTITLE_SEPARATOR.join(str(part) for part in parts if part)


def customer_hits(query: SearchQuery) -> list[core_search.SearchHit]:
    """Customers the term finds, newest first (the customer list's search)."""
    label = str(capfirst(Customer._meta.verbose_name))
    rows = matched_customers(query)[: query.limit + 1]
    return [
        core_search.SearchHit(
            id=customer.pk,
            kind="customer",
            kind_label=label,
            title=customer.name,
            subtitle=subtitle(
                customer.code,
                shown_field(query, customer, "phone"),
                str(customer.owner) if customer.owner_id else _("Pool"),
            ),
            url=reverse("customers:detail", args=[customer.pk]),
        )
        for customer in rows
    ]


def contact_hits(query: SearchQuery) -> list[core_search.SearchHit]:
    """Contacts whose name (or its pinyin, initials) the term finds, newest customers first.

    Contact names are keys of their customer (customers.search.keys), so the indexed customer
    search narrows the candidates (:func:`matched_customers`) and :func:`name_matches` keeps
    the contacts it found by name; one query, however many contacts exist.
    """
    label = str(capfirst(Contact._meta.verbose_name))
    candidates = matched_customer_ids(query)
    if not candidates:
        return []
    rows = (
        contact_list(actor=query.actor)
        .filter(customer_id__in=candidates)
        .order_by("-customer__created_at", "-customer_id", "-is_primary", "name", "id")
    )[:MAX_CONTACT_ROWS]
    hits: list[core_search.SearchHit] = []
    for contact in rows:
        if not name_matches(contact.name, query.term):
            continue
        hits.append(
            core_search.SearchHit(
                id=contact.pk,
                kind="contact",
                kind_label=label,
                title=contact.name,
                subtitle=subtitle(
                    contact.customer.name, contact.title, shown_field(query, contact, "mobile")
                ),
                url=reverse("customers:detail", args=[contact.customer_id])
                + f"#contact-{contact.pk}",
            )
        )
        if len(hits) > query.limit:
            break
    return hits


SEARCH_KINDS = (
    SearchKind(
        key="customer",
        label=gettext_lazy("Customers"),
        permission=rules.VIEW_CUSTOMER,
        provider=customer_hits,
        order=10,
        list_url_name="customers:list",
    ),
    SearchKind(
        key="contact",
        label=gettext_lazy("Contacts"),
        permission=rules.VIEW_CONTACT,
        provider=contact_hits,
        order=20,
    ),
)
