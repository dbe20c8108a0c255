"""The notifications page 通知: the signed-in user's own notifications; mark one or all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guanxi.collaboration.selectors import notifications as selectors
from guanxi.collaboration.services import notifications as services
from guanxi.core.pagination import paginate_request

ORDERING = ("-created_at", "-id")


def _safe_link(request, url: str) -> str:
    # Links are written by the system, but only same-site paths are ever rendered as links.
    ok = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if ok else ""


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    notifications = selectors.notification_list(actor=request.user, unread_only=unread_only)
    page = paginate_request(request, notifications, ordering=ORDERING)
    rows = [(notification, _safe_link(request, notification.url)) for notification in page]
    return render(
        request,
        "collaboration/notification_list.html",
        {"page": page, "rows": rows, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request, pk):
    services.notifications_mark_read(recipient=request.user, ids=[pk])
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_read(recipient=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "collaboration:notifications"
