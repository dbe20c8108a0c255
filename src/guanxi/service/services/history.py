"""A request that was finished in another system, brought in with its history (an import).

The flow of :mod:`guanxi.service.services.flow` has the assignee handle a request and someone
record the feedback, now. A migration brings requests that went through it years ago in the
old system: :func:`service_request_history_record` writes that outcome — handled or archived,
on the dates the old system kept, with the result and satisfaction — onto an assigned request,
as one audited change. Only those who assign requests (supervisors) may do it.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.rules import require
from guanxi.core.services.records import record_update
from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.models.requests import SATISFACTION_VALIDATORS
from guanxi.service.services.flow import (
    Status,
    current_round,
    request_locked,
    status_check,
    text_checked,
)

FINISHED = (Status.HANDLED, Status.ARCHIVED)


def _past(value: datetime.datetime | None, field: str) -> datetime.datetime:
    now = timezone.now()
    if value is None:
        return now
    if value > now:
        raise ValidationError({field: _("The date is in the future.")})
    return value


@transaction.atomic
def service_request_history_record(
    *,
    actor: User,
    service_request: ServiceRequest,
    status: str,
    handled_at: datetime.datetime | None = None,
    archived_at: datetime.datetime | None = None,
    result: str = "",
    satisfaction: int | None = None,
) -> ServiceRequest:
    """Record that an assigned request was handled (and archived) on the given dates."""
    require(actor, rules.ASSIGN_SERVICEREQUEST, _("Only supervisors bring in finished requests."))
    if status not in FINISHED:
        raise ValidationError({"status": _("A finished request is handled or archived.")})
    locked = request_locked(actor, service_request)
    status_check(
        locked,
        allowed=(Status.ASSIGNED,),
        message=_("Only an assigned request can be recorded as finished; this one is %(status)s."),
    )
    handled = _past(handled_at or archived_at, "handled_at")
    archived = _past(archived_at or handled, "archived_at") if status == Status.ARCHIVED else None
    if archived is not None and archived < handled:
        raise ValidationError({"archived_at": _("A request is archived after it was handled.")})
    if satisfaction is not None:
        for validator in SATISFACTION_VALIDATORS:
            try:
                validator(satisfaction)
            except ValidationError as error:
                raise ValidationError(
                    {"satisfaction": _("Give a satisfaction from 1 to 5.")}
                ) from error
    result = text_checked(result, field="result", required_message="") if result else ""
    current = current_round(locked)
    current.handled_by, current.handled_at = locked.assigned_to, handled
    if archived is not None:
        current.result, current.satisfaction = result, satisfaction
        current.feedback_by, current.feedback_at = actor, archived
        current.feedback_source = current.FeedbackSource.STAFF
    current.save()
    locked.status = status
    locked.handled_at = handled
    locked.first_response_at = locked.first_response_at or handled
    locked.archived_at = archived
    locked.result, locked.satisfaction = result, satisfaction
    return record_update(
        instance=locked,
        actor=actor,
        change_reason=_("Brought in as %(status)s") % {"status": locked.get_status_display()},
    )
