"""The service panel of the home page: the open service requests of the reader's scope, how
many wait for the reader, how many are past their SLA (超时), and the most urgent few.
"""

from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.home import OWN
from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.requests import overdue_q, service_request_list

HOME_ROWS = 5


def service_home_panel(*, actor: User, audience: str) -> dict[str, Any] | None:
    """Counts of the open requests in scope (to handle, unassigned, overdue) and the first few,
    the soonest due first; None for a reader who sees no requests."""
    if not actor.has_perm(rules.VIEW_SERVICEREQUEST):
        return None
    now = timezone.now()
    open_requests = service_request_list(actor=actor).filter(
        status__in=ServiceRequest.OPEN_STATUSES
    )
    counts = open_requests.order_by().aggregate(
        open=Count("pk"),
        to_handle=Count("pk", filter=Q(assigned_to=actor, status=ServiceRequest.Status.ASSIGNED)),
        unassigned=Count("pk", filter=Q(status=ServiceRequest.Status.NEW)),
        overdue=Count("pk", filter=overdue_q(now)),
    )
    rows = []
    if counts["open"]:
        urgent = open_requests
        if audience == OWN and counts["to_handle"]:
            urgent = urgent.filter(assigned_to=actor, status=ServiceRequest.Status.ASSIGNED)
        rows = list(
            urgent.annotate(
                is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField())
            )
            .select_related(None)
            .select_related("customer")
            .order_by(F("resolution_due_at").asc(nulls_last=True), "created_at", "id")[:HOME_ROWS]
        )
    return {
        "mine": audience == OWN,
        "counts": counts,
        "rows": rows,
        "handles": rules.handles_requests(actor),
        "assigns": rules.assigns_requests(actor),
    }
