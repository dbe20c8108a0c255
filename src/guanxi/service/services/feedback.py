"""The feedback 服务反馈 on a handled service request, and the customer's satisfaction 满意度
that follows from it."""

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.rules import require
from guanxi.core.services.records import record_update
from guanxi.service import notifications, rules
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.services.flow import (
    Status,
    current_round,
    request_locked,
    status_check,
    text_checked,
    version_check,
)
from guanxi.service.services.notifications import request_notify

SATISFIED_FROM = 3  # feedback at or above this archives the request


@transaction.atomic
def service_request_feedback(
    *,
    actor: User | None,
    service_request: ServiceRequest,
    result: str,
    satisfaction: int | str,
    expected_version: int | None = None,
    source: str = ServiceRound.FeedbackSource.STAFF,
) -> ServiceRequest:
    """Record the feedback 服务反馈 of the handled round: satisfaction of 3 or more archives
    the request 服务归档; below 3 sends it back to its assignee for another round.

    ``actor`` is ``None`` when the customer answered a satisfaction survey themselves.
    """
    if actor is not None:
        require(actor, rules.CHANGE_SERVICEREQUEST)
        locked = request_locked(actor, service_request)
    else:
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    status_check(
        locked,
        allowed=(Status.HANDLED,),
        message=_("Feedback comes after the handling; this request is %(status)s."),
    )
    version_check(locked, expected_version)
    result = text_checked(result, field="result", required_message=_("Describe the result."))
    score = _satisfaction(satisfaction)
    now = timezone.now()
    current = current_round(locked)
    current.result, current.satisfaction = result, score
    current.feedback_by, current.feedback_at, current.feedback_source = actor, now, source
    current.save(
        update_fields=["result", "satisfaction", "feedback_by", "feedback_at", "feedback_source"]
    )
    locked.result, locked.satisfaction = result, score
    if score >= SATISFIED_FROM:
        locked.status = Status.ARCHIVED
        locked.archived_at = now
        reason = _("Feedback %(score)s: archived") % {"score": score}
    else:
        assignee = cast(User, locked.assigned_to)  # handled, so it was assigned
        locked.status = Status.ASSIGNED
        locked.rounds += 1
        ServiceRound.objects.create(
            request=locked,
            number=locked.rounds,
            assigned_to=assignee,
            assigned_by=None,
            assigned_at=now,
        )
        reason = _("Feedback %(score)s: back to the assignee") % {"score": score}
        request_notify(
            assignee,
            actor=actor,
            kind=notifications.REQUEST_RETURNED,
            params={"code": locked.code, "score": score},
            service_request=locked,
        )
    # The customer's own satisfaction 满意度 is what a user entered; what the feedback says is
    # computed where it is shown (``service.timeline.service_figures``), never written over it.
    record_update(instance=locked, actor=actor, change_reason=reason)
    return locked


def _satisfaction(value: object) -> int:
    try:
        score: int = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        score = 0
    if str(value).strip() != str(score) or not 1 <= score <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a whole number from 1 to 5.")})
    return score
