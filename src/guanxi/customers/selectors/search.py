"""The quick customer search (search box, API): the list's own search rule, a short result.

It reuses ``selectors.customer_list`` so the list page, the list API and the quick search can
never disagree about what a term finds or who may see it. It never counts the matches: at a
million customers a broad term (科技) matches tens of thousands of rows, and the first rows
plus "there are more" is all a search box needs.
"""

from dataclasses import dataclass

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
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
