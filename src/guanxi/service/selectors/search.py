"""The service requests the global search (core.search) finds, through the queue's scoped
selector: by the request's code or summary (as the queue's search finds them) or by its
customer, as the same term finds customers for this reader (name, code, pinyin and initials;
a protected phone or e-mail never). One query.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from guanxi.core.search import SearchHit, SearchKind, SearchQuery, first_matches
from guanxi.customers.selectors.search import matched_customer_ids, subtitle
from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.requests import QUEUE_ALL, service_request_list


def service_request_hits(query: SearchQuery) -> list[SearchHit]:
    # The queue's rule matches the customer's name and code through a join over every request;
    # here the customers the term finds (by the indexed customer search, which also knows
    # pinyin) stand in for that part, so only the request's own code and summary are read.
    shown = service_request_list(actor=query.actor)
    matches = shown.filter(
        # A code typed in full, any case or spacing: an indexed equality, never a scan.
        Q(code="".join(query.term.split()).upper())
        | Q(summary__icontains=query.term)
        | Q(customer_id__in=matched_customer_ids(query))
    )
    label = str(capfirst(ServiceRequest._meta.verbose_name))
    return [
        SearchHit(
            id=request.pk,
            kind="service_request",
            kind_label=label,
            title=f"{request.code} {request.summary}",
            subtitle=subtitle(
                request.customer.name if request.customer is not None else request.requester_name,
                request.get_status_display(),
                request.assigned_to,
            ),
            url=reverse("service:request_detail", args=[request.pk]),
        )
        for request in first_matches(shown, matches, query.limit + 1)
    ]


SEARCH_KINDS = (
    SearchKind(
        key="service_request",
        label=_("Service requests"),
        permission=rules.VIEW_SERVICEREQUEST,
        provider=service_request_hits,
        order=90,
        list_url_name="service:request_list",
        list_params=(("queue", QUEUE_ALL),),
    ),
)
