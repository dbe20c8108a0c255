"""The main navigation: one entry per module that exists, shown only to users allowed to use it.

Core knows only its own pages. Each app registers its entries in its ``AppConfig.ready()``
with :func:`register`; ``order`` places an entry among those of every other app (the menu and
the home page's shortcuts list them by it).
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from guanxi.core.rules import (
    CHANGE_COMPANY_PROFILE,
    CHANGE_DICTIONARY_ENTRY,
    MANAGE_RECYCLE_BIN,
    SEARCH_ACCESS_LOG,
)


@dataclass(frozen=True)
class NavItem:
    """One menu entry: its key (``active_nav`` of its pages), label, URL name and the right
    needed to see it (empty: everyone signed in), with a hint for the home page's shortcut."""

    key: str
    label: str | Promise
    url_name: str
    permission: str
    hint: str | Promise = ""
    order: int = 1000

    def url(self) -> str:
        return reverse(self.url_name)


_ITEMS: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add (or replace, by key) menu entries; called from the apps' ``ready()``."""
    for item in items:
        _ITEMS[item.key] = item


def navigation_items() -> list[NavItem]:
    """Every registered entry, in menu order."""
    return sorted(_ITEMS.values(), key=lambda item: item.order)


def navigation_for(user: Any) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [
        item for item in navigation_items() if not item.permission or user.has_perm(item.permission)
    ]


register(
    NavItem("home", _("Home"), "core:home", "", order=0),
    NavItem(
        "dictionaries",
        _("Dictionaries"),
        "core:dictionary_list",
        CHANGE_DICTIONARY_ENTRY,
        hint=_("Levels, regions, industries, sources and other choices."),
        order=100,
    ),
    NavItem(
        "recycle_bin",
        _("Recycle bin"),
        "core:recycle_bin",
        MANAGE_RECYCLE_BIN,
        hint=_("Restore or purge deleted records."),
        order=110,
    ),
    NavItem(
        "access_log",
        _("Access log"),
        "core:access_log",
        SEARCH_ACCESS_LOG,
        hint=_("Who saw protected fields, exported lists or downloaded documents."),
        order=120,
    ),
    NavItem(
        "company_profile",
        _("Company profile"),
        "core:company_profile",
        CHANGE_COMPANY_PROFILE,
        hint=_("Letterhead of printed quotes, orders and contracts: name, bank, logo, seal."),
        order=125,
    ),
)
