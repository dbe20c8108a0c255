"""The main navigation: a few menus (客户 / 销售 / 服务 / 市场 / 协同 / 分析 / 设置), each listing
the pages of its modules, shown only to users allowed to use them.

Core knows only its own pages. Each app registers its entries in its ``AppConfig.ready()``
with :func:`register`, naming the menu (``group``) they belong to; the menus themselves, and
the sections of the settings hub, are defined here once. ``order`` places an entry among those
of every other app (the menus, the settings hub and the home page's shortcuts list them by it).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.core.rules import (
    CHANGE_COMPANY_PROFILE,
    CHANGE_DICTIONARY_ENTRY,
    CHANGE_PROVINCE_REGION,
    MANAGE_RECYCLE_BIN,
    SEARCH_ACCESS_LOG,
)


@dataclass(frozen=True)
class NavGroup:
    """One menu of the main navigation (or, for the settings, a section of the hub)."""

    key: str
    label: str | Promise
    order: int


# The menus, in the order they appear; an app's entry names one by its key.
CUSTOMERS = "customers"
SALES = "sales"
SERVICE = "service"
MARKETING = "marketing"
COLLABORATION = "collaboration"
ANALYTICS = "analytics"
SETTINGS = "settings"

GROUPS: dict[str, NavGroup] = {
    group.key: group
    for group in (
        NavGroup(CUSTOMERS, pgettext_lazy("menu", "Customers"), 10),
        NavGroup(SALES, pgettext_lazy("menu", "Sales"), 20),
        NavGroup(SERVICE, pgettext_lazy("menu", "Service"), 30),
        NavGroup(MARKETING, pgettext_lazy("menu", "Marketing"), 40),
        NavGroup(COLLABORATION, pgettext_lazy("menu", "Collaboration"), 50),
        NavGroup(ANALYTICS, pgettext_lazy("menu", "Analytics"), 60),
        NavGroup(SETTINGS, pgettext_lazy("menu", "Settings"), 70),
    )
}

# The sections of the settings hub (``/settings/``); a settings entry names one by its key.
SECTION_ORGANISATION = "organisation"
SECTION_DATA = "data"
SECTION_SALES = "sales"
SECTION_SERVICE = "service"
SECTION_SECURITY = "security"

SETTINGS_SECTIONS: dict[str, NavGroup] = {
    section.key: section
    for section in (
        NavGroup(SECTION_ORGANISATION, _("Users and permissions"), 10),
        NavGroup(SECTION_DATA, _("Data and choices"), 20),
        NavGroup(SECTION_SALES, _("Customers and sales rules"), 30),
        NavGroup(SECTION_SERVICE, _("Service rules"), 40),
        NavGroup(SECTION_SECURITY, _("Records and audit"), 50),
    )
}


@dataclass(frozen=True)
class NavItem:
    """One menu entry: its key (``active_nav`` of its pages), label, URL name and the right
    needed to see it (empty: everyone signed in), with a hint for the home page's shortcut and
    the settings hub. ``group`` is the menu it sits in (empty: a top-level link, the home page);
    a settings entry also names its ``section`` of the settings hub. ``heading`` titles a part
    of a long menu (统计报表 / 客户智能): consecutive entries with the same heading go under it."""

    key: str
    label: str | Promise
    url_name: str
    permission: str
    hint: str | Promise = ""
    order: int = 1000
    group: str = ""
    section: str = ""
    heading: str | Promise = ""
    # Arguments of the URL (a report page named by its slug).
    url_args: tuple[str, ...] = ()
    # Offered among the home page's shortcuts (a menu's sub-pages are reached from its index).
    shortcut: bool = True

    def __post_init__(self) -> None:
        # A typo in a group would hide the entry for good: refuse it when the app starts.
        if self.group and self.group not in GROUPS:
            raise ValueError(f"Unknown navigation group {self.group!r} for {self.key!r}")
        if self.section and self.section not in SETTINGS_SECTIONS:
            raise ValueError(f"Unknown settings section {self.section!r} for {self.key!r}")

    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)


@dataclass(frozen=True)
class NavMenu:
    """A menu as one user sees it: the group and the entries they may use, in order."""

    group: NavGroup
    items: list[NavItem]

    @property
    def key(self) -> str:
        return self.group.key

    @property
    def label(self) -> str | Promise:
        return self.group.label

    def contains(self, key: str) -> bool:
        return any(item.key == key for item in self.items)

    @property
    def parts(self) -> list[tuple[str | Promise, list[NavItem]]]:
        """The entries as (heading, entries) runs, in order; the heading may be empty."""
        parts: list[tuple[str | Promise, list[NavItem]]] = []
        for item in self.items:
            if parts and str(parts[-1][0]) == str(item.heading):
                parts[-1][1].append(item)
            else:
                parts.append((item.heading, [item]))
        return parts


_ITEMS: dict[str, NavItem] = {}


# The header's menus as drawn, by what they depend on (see ``drawn_menus``).
MAX_DRAWN = 512
_DRAWN: "OrderedDict[Hashable, str]" = OrderedDict()
_DRAWN_LOCK = threading.Lock()


def register(*items: NavItem) -> None:
    """Add (or replace, by key) menu entries; called from the apps' ``ready()``."""
    for item in items:
        _ITEMS[item.key] = item
    with _DRAWN_LOCK:
        _DRAWN.clear()


def drawn_menus(key: Hashable, draw: Callable[[], str]) -> str:
    """The menus' HTML for ``key`` (the entries, language and current page they show): drawn
    by ``draw`` the first time, then kept, the most recent :data:`MAX_DRAWN` of them."""
    with _DRAWN_LOCK:
        html = _DRAWN.get(key)
        if html is not None:
            _DRAWN.move_to_end(key)
            return html
    html = draw()
    with _DRAWN_LOCK:
        _DRAWN[key] = html
        if len(_DRAWN) > MAX_DRAWN:
            _DRAWN.popitem(last=False)
    return html


def registered_keys() -> frozenset[str]:
    """The keys of every registered entry (a page asks whether it has its own)."""
    return frozenset(_ITEMS)


def navigation_items() -> list[NavItem]:
    """Every registered entry, in menu order."""
    return sorted(_ITEMS.values(), key=lambda item: item.order)


def navigation_for(user: Any) -> list[NavItem]:
    """The entries ``user`` may use, in menu order (none for an anonymous visitor)."""
    if not user.is_authenticated:
        return []
    return [
        item for item in navigation_items() if not item.permission or user.has_perm(item.permission)
    ]


def menus_for(user: Any, items: list[NavItem] | None = None) -> tuple[list[NavItem], list[NavMenu]]:
    """The top-level links and the menus ``user`` sees (a menu with no usable entry is left out)."""
    usable = navigation_for(user) if items is None else items
    links = [item for item in usable if not item.group]
    menus = []
    for group in sorted(GROUPS.values(), key=lambda group: group.order):
        entries = [item for item in usable if item.group == group.key]
        if entries:
            menus.append(NavMenu(group, entries))
    return links, menus


def settings_sections_for(user: Any) -> list[NavMenu]:
    """The settings hub's sections with the settings pages ``user`` may open (empty: none)."""
    entries = [item for item in navigation_for(user) if item.group == SETTINGS]
    sections = []
    for section in sorted(SETTINGS_SECTIONS.values(), key=lambda section: section.order):
        chosen = [item for item in entries if item.section == section.key]
        if chosen:
            sections.append(NavMenu(section, chosen))
    # An entry that names no section still belongs on the hub, after the others.
    loose = [item for item in entries if item.section not in SETTINGS_SECTIONS]
    if loose:
        sections.append(NavMenu(NavGroup("", pgettext_lazy("menu", "Settings"), 1000), loose))
    return sections


register(
    NavItem("home", _("Home"), "core:home", "", order=0),
    NavItem(
        "dictionaries",
        _("Dictionaries"),
        "core:dictionary_list",
        CHANGE_DICTIONARY_ENTRY,
        hint=_("Levels, regions, industries, sources and other choices."),
        order=1100,
        group=SETTINGS,
        section=SECTION_DATA,
    ),
    NavItem(
        "province_regions",
        _("Sales regions of the provinces"),
        "core:province_regions",
        CHANGE_PROVINCE_REGION,
        hint=_("Which sales region each province belongs to."),
        order=1110,
        group=SETTINGS,
        section=SECTION_DATA,
    ),
    NavItem(
        "recycle_bin",
        _("Recycle bin"),
        "core:recycle_bin",
        MANAGE_RECYCLE_BIN,
        hint=_("Restore or purge deleted records."),
        order=1400,
        group=SETTINGS,
        section=SECTION_SECURITY,
    ),
    NavItem(
        "access_log",
        _("Access log"),
        "core:access_log",
        SEARCH_ACCESS_LOG,
        hint=_("Who saw protected fields, exported lists or downloaded documents."),
        order=1410,
        group=SETTINGS,
        section=SECTION_SECURITY,
    ),
    NavItem(
        "company_profile",
        _("Company profile"),
        "core:company_profile",
        CHANGE_COMPANY_PROFILE,
        hint=_("Letterhead of printed quotes, orders and contracts: name, bank, logo, seal."),
        order=1090,
        group=SETTINGS,
        section=SECTION_ORGANISATION,
    ),
)
