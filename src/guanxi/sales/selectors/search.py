"""The sales records the global search (core.search) finds: leads, opportunities, deals,
quotes, orders and contracts, each through its app's scoped selector.

A record is found by its own search rule (the lead list's, the opportunity list's; a quote's,
order's or contract's code typed in full) or by its customer: the customers the same term
finds for this reader (customers.selectors.search.matched_customers, so pinyin and
initials find 张伟贸易's orders, and a protected phone finds none). Each kind is one query;
the customers the term finds are read once per search and shared.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import SearchHit, SearchKind, SearchQuery, first_matches
from guanxi.customers.selectors.search import matched_customer_ids, subtitle
from guanxi.sales import rules
from guanxi.sales.selectors.contracts import contract_list
from guanxi.sales.selectors.leads import lead_list
from guanxi.sales.selectors.opportunities import opportunity_list, opportunity_search_condition
from guanxi.sales.selectors.orders import order_list
from guanxi.sales.selectors.pipeline import deal_list
from guanxi.sales.selectors.quotes import quote_list

M = TypeVar("M", bound=Model)


def _by_customer(query: SearchQuery) -> Q:
    return Q(customer_id__in=matched_customer_ids(query))


def _by_code(query: SearchQuery) -> Q:
    """The code typed in full, in any case or spacing: an indexed equality, never a scan."""
    return Q(code="".join(query.term.split()).upper())


def _hits(
    query: SearchQuery,
    shown: QuerySet[M],
    matches: QuerySet[M],
    *,
    kind: str,
    url_name: str,
    title: Callable[[M], str],
    details: Callable[[M], str],
) -> list[SearchHit]:
    """Hits of the first ``limit + 1`` of ``matches``, read as the list ``shown`` reads rows."""
    label = str(capfirst(shown.model._meta.verbose_name))
    return [
        SearchHit(
            id=row.pk,
            kind=kind,
            kind_label=label,
            title=title(row),
            subtitle=details(row),
            url=reverse(url_name, args=[row.pk]),
        )
        for row in first_matches(shown, matches, query.limit + 1)
    ]


def lead_hits(query: SearchQuery) -> list[SearchHit]:
    """Leads by the lead list's search (name, company, phone, e-mail); leads have no customer."""
    return _hits(
        query,
        lead_list(actor=query.actor),
        lead_list(actor=query.actor, search=query.term),
        kind="lead",
        url_name="sales:lead_detail",
        title=lambda lead: lead.name,
        details=lambda lead: subtitle(lead.company, lead.get_status_display(), lead.owner),
    )


def opportunity_hits(query: SearchQuery) -> list[SearchHit]:
    shown = opportunity_list(actor=query.actor)
    return _hits(
        query,
        shown,
        shown.filter(opportunity_search_condition(query.term) | _by_customer(query)),
        kind="opportunity",
        url_name="sales:opportunity_detail",
        title=lambda row: row.prospect_name,
        details=lambda row: subtitle(row.summary, row.get_status_display(), row.assigned_to),
    )


def deal_hits(query: SearchQuery) -> list[SearchHit]:
    shown = deal_list(actor=query.actor)
    return _hits(
        query,
        shown,
        shown.filter(Q(title__icontains=query.term) | _by_customer(query)),
        kind="deal",
        url_name="sales:deal_detail",
        title=lambda deal: deal.title,
        details=lambda deal: subtitle(deal.customer.name, deal.stage, deal.owner),
    )


def quote_hits(query: SearchQuery) -> list[SearchHit]:
    shown = quote_list(actor=query.actor)
    return _hits(
        query,
        shown,
        shown.filter(_by_code(query) | _by_customer(query)),
        kind="quote",
        url_name="sales:quote_detail",
        title=lambda quote: quote.code,
        details=lambda quote: subtitle(quote.customer.name, quote.get_status_display()),
    )


def order_hits(query: SearchQuery) -> list[SearchHit]:
    shown = order_list(actor=query.actor)
    return _hits(
        query,
        shown,
        shown.filter(_by_code(query) | _by_customer(query)),
        kind="order",
        url_name="sales:order_detail",
        title=lambda order: order.code,
        details=lambda order: subtitle(
            order.customer.name, order.order_date.isoformat(), order.get_status_display()
        ),
    )


def contract_hits(query: SearchQuery) -> list[SearchHit]:
    shown = contract_list(actor=query.actor)
    return _hits(
        query,
        shown,
        shown.filter(_by_code(query) | Q(title__icontains=query.term) | _by_customer(query)),
        kind="contract",
        url_name="sales:contract_detail",
        title=lambda contract: f"{contract.code} {contract.title}",
        details=lambda contract: subtitle(contract.customer.name, contract.get_status_display()),
    )


SEARCH_KINDS = (
    SearchKind(
        key="lead",
        label=_("Leads"),
        permission=rules.VIEW_LEAD,
        provider=lead_hits,
        order=30,
        list_url_name="sales:lead_list",
    ),
    SearchKind(
        key="opportunity",
        label=_("Opportunities"),
        permission=rules.VIEW_OPPORTUNITY,
        provider=opportunity_hits,
        order=40,
        list_url_name="sales:opportunity_list",
    ),
    SearchKind(
        key="deal", label=_("Deals"), permission=rules.VIEW_DEAL, provider=deal_hits, order=50
    ),
    SearchKind(
        key="quote", label=_("Quotes"), permission=rules.VIEW_QUOTE, provider=quote_hits, order=60
    ),
    SearchKind(
        key="order", label=_("Orders"), permission=rules.VIEW_ORDER, provider=order_hits, order=70
    ),
    SearchKind(
        key="contract",
        label=_("Contracts"),
        permission=rules.VIEW_CONTRACT,
        provider=contract_hits,
        order=80,
    ),
)
