"""Reads of service requests 客户服务, always within the actor's scope.

A request belongs to its customer's account manager, its assignee and its creator
(``ServiceRequest.scope_fields``): each of them sees it, and so does everyone whose scope covers
one of them. A request that came in unmatched (no customer, nobody assigned) belongs to no one
yet: it is visible to the supervisors who assign requests, so it cannot fall through.
"""

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet

from guanxi.accounts.models import User
from guanxi.accounts.selectors import assignable_owners
from guanxi.core.scoping import scope_q
from guanxi.service.models import ServiceRequest, ServiceRound

ASSIGN_RIGHT = "service.assign_servicerequest"


def service_request_list(*, actor) -> QuerySet[ServiceRequest]:
    """Every request ``actor`` may see, newest first, with what a list row shows."""
    rows = ServiceRequest.objects.select_related(
        "customer", "service_type", "channel", "assigned_to"
    )
    condition = scope_q(actor, ServiceRequest)
    if condition is not None:
        if actor.has_perm(ASSIGN_RIGHT):
            condition |= Q(customer__isnull=True, assigned_to__isnull=True)
        rows = rows.filter(condition)
    return rows.order_by("-created_at", "-id")


def service_request_get(*, actor, pk) -> ServiceRequest:
    return service_request_list(actor=actor).select_related("contact", "created_by").get(pk=pk)


def service_round_list(*, actor, service_request: ServiceRequest) -> QuerySet[ServiceRound]:
    """The request's rounds in order: its handling history (empty if the actor cannot see it)."""
    visible = service_request_list(actor=actor).filter(pk=service_request.pk)
    return (
        ServiceRound.objects.filter(request__in=visible.values("pk"))
        .select_related("assigned_to", "assigned_by", "handled_by", "feedback_by")
        .order_by("number")
    )


def service_assignee_choices(*, actor) -> QuerySet[User]:
    """Whom ``actor`` may assign a request to: the users they may give records to
    (``assignable_owners``), narrowed to those who may handle service requests."""
    handlers = Permission.objects.filter(
        content_type__app_label="service", codename="change_servicerequest"
    )
    able = User.objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=handlers)
        | Q(user_permissions__in=handlers)
    ).values("pk")
    return assignable_owners(actor=actor).filter(pk__in=able).order_by("username")
