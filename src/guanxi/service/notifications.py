"""The service app's kinds of notification, worded in the reader's language when read."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.collaboration.notification_kinds import NotificationKind, Params, register


def _overdue_title(params: Params) -> str:
    return (
        _("Overdue service request of yours: %(code)s")
        if params.get("mine")
        else _("Overdue service request in your team: %(code)s")
    ) % params


REQUEST_ASSIGNED = register(
    NotificationKind(
        key="service.request_assigned",
        label=gettext_lazy("Service requests assigned to you"),
        title=lambda p: _("Service request assigned to you: %(code)s") % p,
        body=lambda p: _("%(supervisor)s assigned you “%(summary)s”.") % p,
    )
)
REQUEST_HANDLED = register(
    NotificationKind(
        key="service.request_handled",
        label=gettext_lazy("Service requests handled, feedback wanted"),
        title=lambda p: _("Service request handled, feedback wanted: %(code)s") % p,
    )
)
REQUEST_RETURNED = register(
    NotificationKind(
        key="service.request_returned",
        label=gettext_lazy("Service requests returned after feedback"),
        title=lambda p: _("Service request returned (satisfaction %(score)s): %(code)s") % p,
    )
)
REQUEST_OVERDUE = register(
    NotificationKind(
        key="service.request_overdue",
        label=gettext_lazy("Overdue service requests"),
        title=_overdue_title,
        body=lambda p: _("“%(summary)s” is past its service level.") % p,
    )
)
MAIL_REPLY = register(
    NotificationKind(
        key="service.mail_reply",
        label=gettext_lazy("E-mails about service requests"),
        title=lambda p: _("New e-mail about service request %(code)s") % p,
    )
)
