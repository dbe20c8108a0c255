"""Reads of service requests 客户服务, always within the actor's scope.

A request belongs to its customer's account manager (kept on the request as
``customer_owner``, so scoping joins no customers), its assignee and its creator
(``ServiceRequest.scope_fields``): each of them sees it, and so does everyone whose scope covers
one of them. A request that belongs to no one yet — nobody assigned and no account manager:
unmatched (no customer) or from a customer in the pool 公海 — is visible to the supervisors
who assign requests, so it cannot fall through.
"""

from datetime import datetime

from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_q
from guanxi.service import rules
from guanxi.service.models import ServiceLevelTarget, ServiceRequest, ServiceRound


def service_request_list(*, actor: User) -> QuerySet[ServiceRequest]:
    """Every request ``actor`` may see, newest first, with what a list row shows."""
    rows: QuerySet[ServiceRequest] = ServiceRequest.objects.select_related(
        "customer", "service_type", "channel", "assigned_to"
    )
    condition = scope_q(actor, ServiceRequest)
    if condition is not None:
        if rules.assigns_requests(actor):
            # customer_owner is empty for a pool customer's request and for an unmatched one.
            condition |= Q(assigned_to__isnull=True, customer_owner__isnull=True)
        rows = rows.filter(condition)
    return rows.order_by("-created_at", "-id")


def service_request_get(*, actor: User, pk: int | str) -> ServiceRequest:
    return service_request_list(actor=actor).select_related("contact", "created_by").get(pk=pk)


def service_round_list(*, actor: User, service_request: ServiceRequest) -> QuerySet[ServiceRound]:
    """The request's rounds in order: its handling history (empty if the actor cannot see it)."""
    visible = service_request_list(actor=actor).filter(pk=service_request.pk)
    return (
        ServiceRound.objects.filter(request__in=visible.values("pk"))
        .select_related("assigned_to", "assigned_by", "handled_by", "feedback_by")
        .order_by("number")
    )


def service_assignee_choices(*, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may assign a request to: the users they may give records to
    (``assignable_owners``), narrowed to those who may handle service requests."""
    app_label, codename = rules.CHANGE_SERVICEREQUEST.split(".")
    handlers = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    able = User.objects.filter(
        Q(is_superuser=True)
        | Q(groups__permissions__in=handlers)
        | Q(user_permissions__in=handlers)
    ).values("pk")
    return assignable_owners(actor=actor).filter(pk__in=able).order_by("username")


# -- queues and filters ------------------------------------------------------------------------

# Newest first; ends in the id so keyset pages have a total order.
SERVICE_LIST_ORDERING = ("-created_at", "-id")
MAX_SEARCH_LENGTH = 100
QUEUE_TO_HANDLE = "mine"
QUEUE_UNASSIGNED = "unassigned"
QUEUE_OVERDUE = "overdue"
QUEUE_ALL = "all"
QUEUES = (QUEUE_TO_HANDLE, QUEUE_UNASSIGNED, QUEUE_OVERDUE, QUEUE_ALL)


def overdue_q(now: datetime) -> Q:
    """Open requests past a promise: no first response by ``response_due_at``, or not
    resolved (archived) by ``resolution_due_at``."""
    return Q(status__in=ServiceRequest.OPEN_STATUSES) & (
        Q(first_response_at__isnull=True, response_due_at__lt=now) | Q(resolution_due_at__lt=now)
    )


def service_queues(*, actor: User) -> list[str]:
    """The queues (tabs) ``actor`` works from: "to handle" for whoever may handle requests,
    "unassigned" for those who assign them, "overdue" and "all" for everyone who sees requests."""
    queues = []
    if rules.handles_requests(actor):
        queues.append(QUEUE_TO_HANDLE)
    if rules.assigns_requests(actor):
        queues.append(QUEUE_UNASSIGNED)
    return [*queues, QUEUE_OVERDUE, QUEUE_ALL]


def service_request_queue(
    *,
    actor: User,
    queue: str = QUEUE_ALL,
    status: str = "",
    service_type: DictionaryEntry | None = None,
    channel: DictionaryEntry | None = None,
    assigned_to: User | None = None,
    search: str = "",
    overdue: bool = False,
    now: datetime | None = None,
) -> QuerySet[ServiceRequest]:
    """Requests ``actor`` sees in ``queue``, narrowed by the filters, newest first.

    ``mine``: assigned to the actor and waiting for their handling; ``unassigned``: new requests
    nobody was given yet; ``overdue``: open ones past their SLA (see :func:`overdue_q`);
    ``all``: everything in scope. ``search`` matches the customer's name or code, the request
    code or its summary.
    """
    now = now or timezone.now()
    rows = service_request_list(actor=actor)
    if queue == QUEUE_TO_HANDLE:
        rows = rows.filter(assigned_to=actor, status=ServiceRequest.Status.ASSIGNED)
    elif queue == QUEUE_UNASSIGNED:
        rows = rows.filter(status=ServiceRequest.Status.NEW)
    elif queue == QUEUE_OVERDUE or overdue:
        rows = rows.filter(overdue_q(now))
    if status:
        rows = rows.filter(status=status)
    if service_type is not None:
        rows = rows.filter(service_type=service_type)
    if channel is not None:
        rows = rows.filter(channel=channel)
    if assigned_to is not None:
        rows = rows.filter(assigned_to=assigned_to)
    if term := (search or "").strip()[:MAX_SEARCH_LENGTH]:
        rows = rows.filter(
            Q(customer__name__icontains=term)
            | Q(customer__code__iexact=term)
            | Q(code__iexact=term)
            | Q(summary__icontains=term)
        )
    return rows.order_by(*SERVICE_LIST_ORDERING)


def service_type_choices(*, current: DictionaryEntry | None = None) -> QuerySet[DictionaryEntry]:
    """Active service types 服务类型, plus the one already chosen."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    rows: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        condition, kind=DictionaryKind.SERVICE_TYPE
    )
    return rows.order_by("sort_order", "code")


def channel_choices(*, current: DictionaryEntry | None = None) -> QuerySet[DictionaryEntry]:
    """Active channels (phone, e-mail, web, walk-in), plus the one already chosen."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    rows: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        condition, kind=DictionaryKind.CHANNEL
    )
    return rows.order_by("sort_order", "code")


def service_level_targets() -> list[tuple[DictionaryEntry, ServiceLevelTarget | None]]:
    """Every service type with its SLA row (``None`` when it uses the default hours)."""
    types = list(
        DictionaryEntry.objects.filter(kind=DictionaryKind.SERVICE_TYPE).order_by(
            "sort_order", "code"
        )
    )
    targets = {t.service_type_id: t for t in ServiceLevelTarget.objects.all()}
    return [(service_type, targets.get(service_type.pk)) for service_type in types]
