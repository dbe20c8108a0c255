"""The analytics app's kinds of notification, worded in the reader's language when read."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.collaboration.notification_kinds import NotificationKind, Params, register


def _reorder_due_body(params: Params) -> str:
    return _(
        "It orders about every %(days)s days; its next order is due on %(date)s. "
        "A follow-up now keeps the order from going elsewhere."
    ) % {"days": params["cycle_days"], "date": params["due"]}


REORDER_DUE = register(
    NotificationKind(
        key="analytics.reorder_due",
        label=gettext_lazy("Customers due to re-order"),
        title=lambda p: _("“%(name)s” is due to re-order") % p,
        body=_reorder_due_body,
    )
)
