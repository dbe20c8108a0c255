"""The notifications of the service request flow: who is told when a request moves."""

from collections.abc import Callable

from django.urls import reverse
from django.utils.functional import Promise

from guanxi.accounts.models import User
from guanxi.collaboration.services.notifications import notification_send
from guanxi.service.models import ServiceRequest

# A notification's words: rendered in the recipient's language when it is sent.
Words = str | Promise | Callable[[], str]


def request_notify(
    recipient: User | None,
    *,
    actor: User | None,
    title: Words,
    body: Words,
    service_request: ServiceRequest,
) -> None:
    """Tell ``recipient`` about ``service_request``; nobody is told about their own doing."""
    if recipient is None or (actor is not None and recipient.pk == actor.pk):
        return
    notification_send(
        recipient=recipient,
        title=title,
        body=body,
        url=reverse("service:request_detail", args=[service_request.pk]),
    )
