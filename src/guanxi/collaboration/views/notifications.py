"""The notifications page 通知: the signed-in user's own notifications; mark one or all read.

And the preferences page: how each kind of notification reaches the user (in the app, by
e-mail, or not at all).
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts.models import User
from guanxi.collaboration.forms.notifications import NotificationPreferencesForm
from guanxi.collaboration.selectors import notifications as selectors
from guanxi.collaboration.services import notifications as services
from guanxi.core.views.generic import ObjectListView, ScopedPageView

ORDERING = ("-created_at", "-id")


def _reader(request: HttpRequest) -> User:
    return cast(User, request.user)


def _safe_link(request: HttpRequest, url: str) -> str:
    # Links are written by the system, but only same-site paths are ever rendered as links.
    ok = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if ok else ""


class NotificationListView(ObjectListView):
    """The reader's own notifications, newest first (all, or only the unread ones)."""

    template_name = "collaboration/notification_list.html"
    ordering = ORDERING
    active_nav = "notifications"

    def unread_only(self, request: HttpRequest) -> bool:
        return request.GET.get("unread") == "1"

    def rows(self, request: HttpRequest, form: forms.Form | None) -> QuerySet[Any]:
        return selectors.notification_list(
            actor=_reader(request), unread_only=self.unread_only(request)
        )

    def extra_context(self, request: HttpRequest, page: Any) -> dict[str, Any]:
        rows = [(notification, _safe_link(request, notification.url)) for notification in page]
        return {"rows": rows, "unread_only": self.unread_only(request)}


class NotificationPreferencesView(ScopedPageView):
    """The reader's own choices, one per kind of notification; anyone signed in has the page."""

    template_name = "collaboration/notification_preferences.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = selectors.notification_preference_list(actor=_reader(request))
        return self._page(request, NotificationPreferencesForm(rows=rows))

    def post(self, request: HttpRequest) -> HttpResponse:
        actor = _reader(request)
        rows = selectors.notification_preference_list(actor=actor)
        form = NotificationPreferencesForm(request.POST, rows=rows)
        if form.is_valid():
            changed = {
                row.kind: form.cleaned_data[row.kind]
                for row in rows
                if form.cleaned_data[row.kind] and form.cleaned_data[row.kind] != row.channel
            }
            try:
                services.notification_preferences_set(actor=actor, channels=changed)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect("collaboration:notification_preferences")
        return self._page(request, form, status=400)

    def _page(self, request: HttpRequest, form: forms.Form, status: int = 200) -> HttpResponse:
        return render(request, self.template_name, self.get_context(form=form), status=status)


# Marking read is a POST on the reader's own notifications (no record page to come back to).
@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.notifications_mark_read(recipient=_reader(request), ids=[pk])
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_read(recipient=_reader(request))
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "collaboration:notifications"
