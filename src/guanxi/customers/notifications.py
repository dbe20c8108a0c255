"""The customers app's kinds of notification, worded in the reader's language when read.

Stored parameters are plain JSON (names, ISO dates, counts), so a notification written in one
language reads in another when its reader switches.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from guanxi.collaboration.notification_kinds import NotificationKind, Params, register


def recall_reason(rule: str, days: int) -> str:
    """Why a customer goes back to the pool, as its owner reads it (the notice, the recall)."""
    if rule == "follow_up":
        return ngettext("no follow-up for %(days)d day", "no follow-up for %(days)d days", days) % {
            "days": days
        }
    return ngettext(
        "no deal or order won for %(days)d day", "no deal or order won for %(days)d days", days
    ) % {"days": days}


def _recall_notice_body(params: Params) -> str:
    return _(
        "It goes back to the pool on %(date)s (%(reason)s) unless you follow up "
        "or win a deal before then."
    ) % {"date": params["date"], "reason": recall_reason(params["rule"], int(params["days"]))}


def _recalled_body(params: Params) -> str:
    return _("The customer was recalled: %(reason)s.") % {
        "reason": recall_reason(params["rule"], int(params["days"]))
    }


def _churn_digest_title(params: Params) -> str:
    count = int(params["count"])
    return ngettext(
        "%(count)d customer entered churn warning",
        "%(count)d customers entered churn warning",
        count,
    ) % {"count": count}


POOL_RECALL_NOTICE = register(
    NotificationKind(
        key="customers.pool_recall_notice",
        label=gettext_lazy("Customers about to return to the pool"),
        title=lambda p: _("“%(name)s” will return to the pool") % p,
        body=_recall_notice_body,
    )
)
POOL_RECALLED = register(
    NotificationKind(
        key="customers.pool_recalled",
        label=gettext_lazy("Customers recalled to the pool"),
        title=lambda p: _("“%(name)s” went back to the pool") % p,
        body=_recalled_body,
    )
)
CHURN_DIGEST = register(
    NotificationKind(
        key="customers.churn_digest",
        label=gettext_lazy("Churn warnings"),
        title=_churn_digest_title,
        body=lambda p: _(
            "Open the list to postpone the churn with the measures you take, or confirm it "
            "with the reason."
        ),
    )
)
POSSIBLE_DUPLICATE = register(
    NotificationKind(
        key="customers.possible_duplicate",
        label=gettext_lazy("Possible duplicates of customers"),
        title=lambda p: _("Someone may be entering “%(name)s” again") % p,
        body=lambda p: (
            _(
                "%(actor)s tried to create a customer that may be the same as this one. Check "
                "with them whether it is."
            )
            % p
        ),
    )
)
