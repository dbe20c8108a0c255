"""Reads of a request's e-mail thread and surveys, within the actor's scope: a request the
actor cannot see (``selectors.requests.service_request_list``) shows them nothing."""

from typing import Any

from django.db.models import QuerySet

from guanxi.accounts.models import User
from guanxi.service.models import SatisfactionSurvey, ServiceMessage, ServiceRequest
from guanxi.service.selectors.requests import service_request_list


def _visible(actor: User, service_request: ServiceRequest) -> QuerySet[ServiceRequest, Any]:
    return service_request_list(actor=actor).filter(pk=service_request.pk).values("pk")


def service_message_list(
    *, actor: User, service_request: ServiceRequest
) -> QuerySet[ServiceMessage]:
    """The request's mails, oldest first: what came in and what Guanxi sent."""
    return ServiceMessage.objects.filter(request__in=_visible(actor, service_request)).order_by(
        "received_at", "id"
    )


def survey_list(*, actor: User, service_request: ServiceRequest) -> QuerySet[SatisfactionSurvey]:
    """The request's satisfaction surveys 满意度调查, newest first, with who sent them."""
    return (
        SatisfactionSurvey.objects.filter(request__in=_visible(actor, service_request))
        .select_related("sent_by")
        .order_by("-sent_at", "-id")
    )
