"""Satisfaction surveys 满意度调查: after a request is handled, its requester gets a one-time
link and answers with their satisfaction (1–5) and a comment; the answer is the request's
feedback 服务反馈, recorded by ``services.feedback.service_request_feedback`` with the survey
as its source, so 3 or more archives the request and less sends it back to the assignee.

The link carries a random token; only its SHA-256 is stored. A link works once, until it
expires (``GUANXI_SURVEY_DAYS``, 14 by default), and only while the request still waits for
feedback; a new survey for the same request ends the earlier links.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.core.exceptions import BusinessRuleError
from guanxi.core.rules import require
from guanxi.service import rules
from guanxi.service.intake import MailNotSent, reply_address, request_mail_send
from guanxi.service.models import SatisfactionSurvey, ServiceRequest, ServiceRound
from guanxi.service.selectors.requests import service_request_list
from guanxi.service.services import feedback

Status = ServiceRequest.Status
MAX_COMMENT_LENGTH = 2000
# The automatic survey goes only to requests handled this recently (not to a backlog of old
# ones the day the setting is switched on).
AUTO_SEND_WITHIN = timedelta(days=2)
AUTO_SEND_BATCH = 100

OPEN, ANSWERED, EXPIRED, CLOSED = "open", "answered", "expired", "closed"


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def survey_link(token: str, *, base_url: str | None = None) -> str:
    base = (base_url or str(settings.GUANXI["SITE_URL"])).rstrip("/")
    return base + reverse("service:survey", args=[token])


@transaction.atomic
def survey_send(
    *, actor: User | None, service_request: ServiceRequest, base_url: str | None = None
) -> SatisfactionSurvey:
    """E-mail a satisfaction survey about a handled request to its contact or requester.

    ``actor`` is ``None`` for the automatic survey. Raises ``MailNotSent`` when the mail
    server fails; then nothing is recorded and no earlier link is ended.
    """
    if actor is not None:
        require(actor, rules.CHANGE_SERVICEREQUEST)
        rows = service_request_list(actor=actor).filter(pk=service_request.pk).order_by()
        locked = rows.select_related(None).select_for_update(of=("self",)).get()
    else:
        locked = ServiceRequest.objects.select_for_update().get(pk=service_request.pk)
    if locked.status != Status.HANDLED:
        raise BusinessRuleError(
            {
                "status": _("A survey is sent once the request is handled; this one is %(status)s.")
                % {"status": str(locked.get_status_display()).lower()}
            }
        )
    to = reply_address(locked)
    if not to:
        raise BusinessRuleError(
            {"email": _("This request has no e-mail address to send the survey to.")}
        )
    now = timezone.now()
    SatisfactionSurvey.objects.filter(
        request=locked, answered_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    survey = SatisfactionSurvey(
        request=locked,
        token_hash=token_hash(token),
        email=to,
        sent_by=actor,
        sent_at=now,
        expires_at=now + timedelta(days=cast(int, settings.GUANXI["SURVEY_DAYS"])),
    )
    survey.full_clean()
    survey.save()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("How satisfied are you with our service? %(summary)s") % {
            "summary": locked.summary
        }
        body = _(
            "Hello %(name)s,\n\n"
            "We handled your request %(code)s “%(summary)s”. Please tell us how satisfied you "
            "are, from 1 to 5, on this page:\n\n%(link)s\n\n"
            "The link works once and until %(expires)s. Thank you!"
        ) % {
            "name": locked.requester or to,
            "code": locked.code,
            "summary": locked.summary,
            "link": survey_link(token, base_url=base_url),
            "expires": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d"),
        }
    request_mail_send(service_request=locked, to=to, subject=subject, body=body)
    return survey


def survey_get(*, token: str) -> SatisfactionSurvey:
    """The survey of a link (``DoesNotExist`` for an unknown token: a 404)."""
    return SatisfactionSurvey.objects.select_related("request").get(token_hash=token_hash(token))


def survey_state(survey: SatisfactionSurvey) -> str:
    """open, answered, expired, or closed (the request no longer waits for this feedback)."""
    if survey.is_answered:
        return ANSWERED
    if survey.is_expired:
        return EXPIRED
    handled_at = survey.request.handled_at
    if survey.request.status != Status.HANDLED or handled_at is None or handled_at > survey.sent_at:
        return CLOSED
    return OPEN


_REFUSALS = {
    ANSWERED: lambda: _("This survey has already been answered. Thank you!"),
    EXPIRED: lambda: _("This survey link has expired."),
    CLOSED: lambda: _("This request no longer waits for your answer."),
}


@transaction.atomic
def survey_answer(*, token: str, satisfaction: int | str, comment: str = "") -> SatisfactionSurvey:
    """Record the requester's answer as the request's feedback (once, before expiry)."""
    survey = (
        SatisfactionSurvey.objects.select_for_update()
        .select_related("request")
        .get(token_hash=token_hash(token))
    )
    state = survey_state(survey)
    if state != OPEN:
        raise BusinessRuleError({"survey": _REFUSALS[state]()})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"comment": _("Keep this under %(limit)s characters.") % {"limit": MAX_COMMENT_LENGTH}}
        )
    result = comment or _("Answered the satisfaction survey without a comment.")
    feedback.service_request_feedback(
        actor=None,
        service_request=survey.request,
        result=result,
        satisfaction=satisfaction,
        source=ServiceRound.FeedbackSource.SURVEY,
    )
    survey.answered_at = timezone.now()
    survey.satisfaction = int(satisfaction)
    survey.comment = comment
    survey.save(update_fields=["answered_at", "satisfaction", "comment"])
    return survey


def surveys_send_due(*, now: datetime | None = None) -> int:
    """With ``GUANXI_SURVEY_AUTO`` on: send a survey about every request handled recently
    that has an address and no survey since its handling. Returns how many were sent."""
    if not settings.GUANXI["SURVEY_AUTO"]:
        return 0
    now = now or timezone.now()
    due = (
        ServiceRequest.objects.filter(status=Status.HANDLED, handled_at__gte=now - AUTO_SEND_WITHIN)
        .filter(Q(contact__email__gt="") | Q(requester_email__gt="") | Q(customer__email__gt=""))
        .exclude(surveys__sent_at__gte=F("handled_at"))
        .order_by("handled_at", "id")
    )
    sent = 0
    for service_request in due[:AUTO_SEND_BATCH]:
        try:
            survey_send(actor=None, service_request=service_request)
        except (MailNotSent, BusinessRuleError):
            continue  # logged by the mail sender; tried again at the next run
        sent += 1
    return sent
