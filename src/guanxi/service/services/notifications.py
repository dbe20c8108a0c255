"""The notifications of the service request flow: who is told when a request moves."""

from typing import Any

from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.service.models import ServiceRequest


def request_notify(
    recipient: User | None,
    *,
    actor: User | None,
    kind: str,
    params: dict[str, Any],
    service_request: ServiceRequest,
) -> None:
    """Tell ``recipient`` about ``service_request`` (a kind of ``service.notifications``, worded
    in the reader's language when read); nobody is told about their own doing."""
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return
    notification_send(
        recipient=recipient,
        kind=kind,
        params=params,
        url=reverse("service:request_detail", args=[service_request.pk]),
    )
