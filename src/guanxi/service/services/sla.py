"""SLA 服务水平 writes: the targets per service type, and the overdue notices.

The measurement itself is read-only (``guanxi.service.sla``); the rule for "overdue" lives in
``selectors.requests.overdue_q`` and is used here, by the queues and by the API alike.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.rules import require
from guanxi.core.services.records import record_bulk_update, system_reason
from guanxi.service import notifications, rules
from guanxi.service.models import ServiceLevelTarget, ServiceRequest
from guanxi.service.selectors.requests import overdue_q
from guanxi.service.services.flow import checked_entry

logger = logging.getLogger(__name__)
OVERDUE_BATCH = 500
OVERDUE_NOTICE = system_reason("service.overdue_notice", gettext_lazy("Overdue notice sent"))
# SLA hours (first response, resolution) of a type without a ServiceLevelTarget row.
DEFAULT_TARGET_HOURS = {"consultation": (4, 24), "suggestion": (24, 72), "complaint": (2, 48)}
FALLBACK_TARGET_HOURS = (8, 48)


def sla_hours(service_type: DictionaryEntry) -> tuple[int, int]:
    """(first response, resolution) hours promised for requests of ``service_type``."""
    target = ServiceLevelTarget.objects.filter(service_type=service_type).first()
    if target is not None:
        return target.first_response_hours, target.resolution_hours
    return DEFAULT_TARGET_HOURS.get(service_type.code, FALLBACK_TARGET_HOURS)


def due_times_set(service_request: ServiceRequest) -> None:
    """Fix the request's promise from its type's SLA, counted from when it came in (no save)."""
    response_hours, resolution_hours = sla_hours(service_request.service_type)
    start = service_request.created_at
    service_request.response_due_at = start + timedelta(hours=response_hours)
    service_request.resolution_due_at = start + timedelta(hours=resolution_hours)


class ServiceLevelRefused(ValidationError):
    """The service level of ``service_type`` was refused (the errors name its fields)."""

    def __init__(self, error: ValidationError, *, service_type: DictionaryEntry) -> None:
        super().__init__(error)
        self.service_type = service_type


# Called per type inside service_level_targets_set's transaction: no savepoint of its own.
@transaction.atomic(savepoint=False)
def service_level_target_set(
    *,
    actor: User,
    service_type: DictionaryEntry,
    first_response_hours: int,
    resolution_hours: int,
) -> ServiceLevelTarget:
    """An administrator sets the SLA of a service type. It applies to requests created from
    now on; the due times of existing requests were promised already and stay."""
    require(actor, rules.CHANGE_SERVICELEVELTARGET)
    checked_entry(
        service_type,
        kind=DictionaryKind.SERVICE_TYPE,
        field="service_type",
        message=_("Choose the service type."),
    )
    rows = ServiceLevelTarget.objects.select_for_update().filter(service_type=service_type)
    target = rows.first() or ServiceLevelTarget(service_type=service_type)
    target.first_response_hours = first_response_hours
    target.resolution_hours = resolution_hours
    target.full_clean()
    if target.resolution_hours < target.first_response_hours:
        raise ValidationError(
            {"resolution_hours": _("Resolution cannot be promised before the first response.")}
        )
    target.save()
    return target


@transaction.atomic
def service_level_targets_set(
    *, actor: User, targets: Sequence[tuple[DictionaryEntry, int, int]]
) -> list[ServiceLevelTarget]:
    """Set the SLA of several service types at once, ``(service_type, first_response_hours,
    resolution_hours)`` each: all of them or, when one is refused, none
    (:class:`ServiceLevelRefused` says which)."""
    saved = []
    for service_type, first_response_hours, resolution_hours in targets:
        try:
            saved.append(
                service_level_target_set(
                    actor=actor,
                    service_type=service_type,
                    first_response_hours=first_response_hours,
                    resolution_hours=resolution_hours,
                )
            )
        except ValidationError as error:
            raise ServiceLevelRefused(error, service_type=service_type) from error
    return saved


def team_supervisors(user: User | None) -> list[User]:
    """The active users who assign service requests in ``user``'s team or a team above it
    (whose scope covers ``user``), ``user`` excluded."""
    team = user.team if user is not None else None
    if user is None or team is None:
        return []
    team_ids = [int(part) for part in team.path.strip("/").split("/") if part]
    app_label, codename = rules.ASSIGN_SERVICEREQUEST.split(".")
    right = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    holders = User.objects.filter(
        Q(groups__permissions__in=right) | Q(user_permissions__in=right),
        is_active=True,
        team_id__in=team_ids,
    ).exclude(pk=user.pk)
    return list(holders.distinct().order_by("username"))


def _overdue_notice(
    service_request: ServiceRequest, recipients: list[User], *, assignee: User | None
) -> None:
    url = reverse("service:request_detail", args=[service_request.pk])
    for recipient in recipients:
        notification_send(
            recipient=recipient,
            kind=notifications.REQUEST_OVERDUE,
            params={
                "code": service_request.code,
                "summary": service_request.summary,
                "mine": recipient == assignee,
            },
            url=url,
        )


def service_overdue_notify(*, now: datetime | None = None) -> int:
    """Tell the assignee and their team's supervisors about each request that became overdue,
    once (``overdue_notified_at``). A request nobody was assigned yet is told to the
    supervisors of its customer's account manager (or of whoever filed it): they assign it.

    Each request is claimed with a conditional update before anyone is told, so two workers
    running at once never notify twice. Returns the number of requests notified.
    """
    now = now or timezone.now()
    candidates = (
        ServiceRequest.objects.filter(overdue_q(now), overdue_notified_at__isnull=True)
        .select_related("assigned_to__team", "customer__owner__team", "created_by__team")
        .order_by("resolution_due_at", "id")
    )
    supervisors_of: dict[int | None, list[User]] = {}
    notified = 0
    for service_request in candidates[:OVERDUE_BATCH]:
        with transaction.atomic():
            claimed = record_bulk_update(
                queryset=ServiceRequest.objects.filter(
                    pk=service_request.pk, overdue_notified_at__isnull=True
                ),
                values={"overdue_notified_at": now},
                reason=OVERDUE_NOTICE,
            )
            if not claimed:
                continue
            assignee = service_request.assigned_to
            customer = service_request.customer
            owner = customer.owner if customer is not None else None
            anchor = assignee or owner or service_request.created_by
            # The plugin leaves the accounts models' relations untyped, so it misses team_id.
            key = anchor.team_id if anchor is not None else None  # type: ignore[union-attr]
            if key not in supervisors_of:
                supervisors_of[key] = team_supervisors(anchor)
            recipients = [assignee] if assignee is not None else []
            recipients += [s for s in supervisors_of[key] if s not in recipients]
            _overdue_notice(service_request, recipients, assignee=assignee)
            notified += 1
    if notified:
        logger.info("Notified %s overdue service requests", notified)
    return notified
