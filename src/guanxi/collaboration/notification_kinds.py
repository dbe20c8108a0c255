"""The registry of notification kinds: how a stored notification reads, in the reader's language.

A notification stores a kind (``"customers.churn_digest"``) and its JSON parameters, never a
sentence: the kind's ``title``/``body`` functions word it when it is read, with whatever
language is active then (the page's, the API caller's, the recipient's for an e-mail). Each app
that sends notifications registers its kinds in its ``notifications`` module, imported from its
``AppConfig.ready()``, so this app never imports the senders::

    CHURN_DIGEST = register(
        NotificationKind(
            key="customers.churn_digest",
            label=gettext_lazy("Churn warnings"),
            title=lambda p: ngettext(...) % p,
        )
    )

The kind :data:`TEXT` holds notifications written before kinds existed (their stored text).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Params = Mapping[str, Any]
Wording = Callable[[Params], str]


def _no_body(params: Params) -> str:
    return ""


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification: its key, its name on the preferences page, its wording."""

    key: str
    label: str | Promise
    title: Wording
    body: Wording = _no_body
    # Kinds nobody should switch off or mail (the fallback of old rows) stay off the page.
    configurable: bool = True


_KINDS: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> str:
    """Add ``kind`` (registering the same key again replaces it); returns its key."""
    _KINDS[kind.key] = kind
    return kind.key


def kind_get(key: str) -> NotificationKind | None:
    return _KINDS.get(key)


def configurable_kinds() -> list[NotificationKind]:
    """The kinds a user may route (in-app, e-mail, off), by key so apps stay grouped."""
    return sorted((kind for kind in _KINDS.values() if kind.configurable), key=lambda k: k.key)


def render(key: str, params: Params) -> tuple[str, str]:
    """``(title, body)`` of a notification in the active language.

    A kind no longer registered (its app removed) or parameters it cannot word (a key renamed
    since) still show something: the stored text if any, else a generic title.
    """
    kind = _KINDS.get(key)
    if kind is not None:
        try:
            return str(kind.title(params)), str(kind.body(params))
        except (KeyError, TypeError, ValueError):
            pass
    return str(params.get("title") or _("Notification")), str(params.get("body") or "")


# -- the kinds of this app --------------------------------------------------------------------

TEXT = register(
    NotificationKind(
        key="text",
        label=gettext_lazy("Message"),
        title=lambda p: str(p["title"]),
        body=lambda p: str(p.get("body", "")),
        configurable=False,
    )
)

COMMENT = register(
    NotificationKind(
        key="collaboration.comment",
        label=gettext_lazy("Comments on your records"),
        title=lambda p: _("%(author)s commented on %(record)s") % p,
        body=lambda p: str(p.get("text", "")),
    )
)
