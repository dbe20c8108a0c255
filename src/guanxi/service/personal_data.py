"""The service app's part of a person's data (PIPL/GDPR): their service requests.

Registered from ``ServiceConfig.ready()`` as a provider of :mod:`guanxi.customers.personal_data`:
the subject-access export lists a person customer's requests (or those a contact made), with
their rounds and history; anonymisation empties the requester's name, e-mail and phone in the
requests and their history. What was asked and how it was handled stay, as do the dates,
statuses and satisfaction the service figures count.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from guanxi.customers.personal_data import (
    Section,
    Subject,
    anonymised_history_reason,
    history_section,
    personal_fields_erase,
    section,
)
from guanxi.service.models import ServiceRequest, ServiceRound

REQUEST_FIELDS = (
    "id",
    "code",
    "summary",
    "service_type__name_zh",
    "channel__name_zh",
    "contact__name",
    "requester_name",
    "requester_email",
    "requester_phone",
    "request",
    "status",
    "assigned_to__username",
    "result",
    "satisfaction",
    "created_at",
    "handled_at",
    "archived_at",
    "deleted_at",
)
ROUND_FIELDS = (
    "request__code",
    "number",
    "assigned_to__username",
    "assigned_at",
    "handling",
    "handled_at",
    "result",
    "satisfaction",
    "feedback_at",
)
REQUESTER_ERASED: dict[str, Any] = {
    "requester_name": "",
    "requester_email": "",
    "requester_phone": "",
}


def _requests(subject: Subject) -> "QuerySet[ServiceRequest]":
    if subject.contact is not None:
        return ServiceRequest.all_objects.filter(contact_id=subject.contact.pk)
    return ServiceRequest.all_objects.filter(customer_id=subject.customer.pk)


def service_personal_data(*, subject: Subject) -> list[Section]:
    requests = _requests(subject).order_by("created_at", "id")
    ids = list(requests.values_list("pk", flat=True))
    return [
        section("service_requests", _("Service requests"), requests, REQUEST_FIELDS),
        section(
            "service_rounds",
            _("Service rounds"),
            ServiceRound.objects.filter(request_id__in=ids).order_by("request_id", "number"),
            ROUND_FIELDS,
        ),
        history_section(
            "service_request_history", _("Service request history"), ServiceRequest, Q(id__in=ids)
        ),
    ]


def service_personal_data_anonymise(*, actor: Any, subject: Subject, reason: str) -> int:
    requests = _requests(subject)
    ids = list(requests.values_list("pk", flat=True))
    return personal_fields_erase(
        queryset=requests,
        values=REQUESTER_ERASED,
        history_condition=Q(id__in=ids),
        reason=anonymised_history_reason(reason),
        actor=actor,
    )
