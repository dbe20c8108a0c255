"""How a locked-out sign-in is answered: 429 with ``Retry-After``, on the page and the API.

The lockout counts failed attempts per user name and client address (django-axes); a locked
pair stays locked until the cool-off has passed since its last failure.
"""

import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from guanxi.core.client_address import client_address

LOCKED_STATUS = 429


def retry_after_seconds(request: HttpRequest, username: str) -> int:
    """Seconds until the (user name, address) pair of ``request`` may try again (at least 1)."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return 1
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=client_address(request))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    remaining = cool_off if last is None else last + cool_off - timezone.now()
    return max(1, math.ceil(remaining.total_seconds()))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The sign-in page's answer to a locked pair (``AXES_LOCKOUT_CALLABLE``)."""
    username = get_client_username(request, credentials) or ""
    seconds = retry_after_seconds(request, username)
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "username": username,
            "failure_limit": get_failure_limit(request, credentials),
            "retry_minutes": math.ceil(seconds / 60),
        },
        status=LOCKED_STATUS,
    )
    response["Retry-After"] = str(seconds)
    return response
