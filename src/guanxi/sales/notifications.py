"""The sales app's kinds of notification, worded in the reader's language when read."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.collaboration.notification_kinds import NotificationKind, register

OPPORTUNITY_ASSIGNED = register(
    NotificationKind(
        key="sales.opportunity_assigned",
        label=gettext_lazy("Opportunities assigned to you"),
        title=lambda p: _("Opportunity assigned to you: %(name)s") % p,
        body=lambda p: _("%(supervisor)s assigned you the opportunity “%(name)s”.") % p,
    )
)
