"""The handling 服务处理 of a service request: its assignee records what was done."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.rules import require
from guanxi.core.services.records import record_update
from guanxi.service import notifications, rules
from guanxi.service.models import ServiceRequest
from guanxi.service.services.flow import (
    Status,
    current_round,
    request_locked,
    status_check,
    text_checked,
    version_check,
)
from guanxi.service.services.notifications import request_notify


@transaction.atomic
def service_request_handle(
    *,
    actor: User,
    service_request: ServiceRequest,
    handling: str,
    expected_version: int | None = None,
) -> ServiceRequest:
    """The assignee records how the request was handled 服务处理; it waits for feedback."""
    require(actor, rules.CHANGE_SERVICEREQUEST)
    locked = request_locked(actor, service_request)
    status_check(
        locked,
        allowed=(Status.ASSIGNED,),
        message=_("Only an assigned request can be handled; this one is %(status)s."),
    )
    require(
        actor,
        rules.is_assignee(actor, locked),
        _("Only %(name)s, to whom this request is assigned, handles it.")
        % {"name": locked.assigned_to},
    )
    version_check(locked, expected_version)
    handling = text_checked(
        handling, field="handling", required_message=_("Describe the handling.")
    )
    now = timezone.now()
    current = current_round(locked)
    current.handling, current.handled_by, current.handled_at = handling, actor, now
    current.save(update_fields=["handling", "handled_by", "handled_at"])
    locked.status = Status.HANDLED
    locked.handled_at = now
    locked.first_response_at = locked.first_response_at or now
    record_update(instance=locked, actor=actor, change_reason=_("Handled"))
    owner = locked.customer.owner if locked.customer is not None else None
    for recipient in {locked.created_by, owner}:
        request_notify(
            recipient,
            actor=actor,
            kind=notifications.REQUEST_HANDLED,
            params={"code": locked.code},
            service_request=locked,
        )
    return locked
