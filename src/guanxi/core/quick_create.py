"""The header's quick-create menu (＋): links to the pages that create the common records.

Like the navigation (core.navigation), core knows no record: each app registers its entries
in its ``AppConfig.ready()`` with :func:`register`, and a user sees only the entries whose
right to create they hold (the same right the create page itself asks for).
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class QuickCreateItem:
    """One entry: its key, label, the create page's URL name and the right it needs."""

    key: str
    label: str | Promise
    url_name: str
    permission: str
    order: int = 1000

    def url(self) -> str:
        return reverse(self.url_name)


_ITEMS: dict[str, QuickCreateItem] = {}


def register(*items: QuickCreateItem) -> None:
    """Add (or replace, by key) quick-create entries; called from the apps' ``ready()``."""
    for item in items:
        _ITEMS[item.key] = item


def quick_create_items() -> list[QuickCreateItem]:
    return sorted(_ITEMS.values(), key=lambda item: (item.order, item.key))


def quick_create_for(user: Any) -> list[QuickCreateItem]:
    """The entries ``user`` may use: none when signed out, else those whose right they hold."""
    if user is None or not user.is_authenticated:
        return []
    return [item for item in quick_create_items() if user.has_perm(item.permission)]
