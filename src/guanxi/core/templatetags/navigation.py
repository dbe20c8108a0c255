"""The header's menus and the breadcrumbs of record pages: ``{% load navigation %}``.

``{% main_navigation %}`` draws the menus of the user's entries (``nav_links`` and
``nav_menus`` of the context processor). Every page draws them, and they depend only on which
entries the user has, the language and the current entry, so each combination is rendered
once per process and kept (``core.navigation.drawn_menus``).

``{% breadcrumbs "customers" quote.customer current=quote.code %}`` shows
客户 › 上海贸易 › Q-2026-0001: each step before the current page is a menu entry's key (its
label and list page) or a record (its name and page); the current page is not a link.
"""

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from guanxi.core.navigation import drawn_menus, navigation_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> SafeString:
    links = context.get("nav_links") or []
    menus = context.get("nav_menus") or []
    active = context.get("active_nav", "")
    key = (
        tuple(item.key for item in links),
        tuple((menu.key, tuple(item.key for item in menu.items)) for menu in menus),
        translation.get_language(),
        get_script_prefix(),
        active,
    )

    def draw() -> str:
        return render_to_string(
            "core/partials/_main_navigation.html",
            {"nav_links": links, "nav_menus": menus, "active_nav": active},
        )

    # Rendered by the template engine, which escaped it.
    return mark_safe(drawn_menus(key, draw))  # noqa: S308


def _step(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        item = next((entry for entry in navigation_items() if entry.key == value), None)
        if item is None:
            return {"label": value, "url": ""}
        try:
            return {"label": item.label, "url": item.url()}
        except NoReverseMatch:
            return {"label": item.label, "url": ""}
    if value is None or value == "":
        return None
    label = getattr(value, "name", None) or getattr(value, "title", None) or str(value)
    url = value.get_absolute_url() if hasattr(value, "get_absolute_url") else ""
    return {"label": label, "url": url}


@register.inclusion_tag("core/partials/_breadcrumbs.html")
def breadcrumbs(*steps: Any, current: Any = "") -> dict[str, Any]:
    trail = [step for step in (_step(value) for value in steps) if step is not None]
    return {"trail": trail, "current": current}


@register.filter
def holds(menu: Any, key: str) -> bool:
    """``{% if menu|holds:active_nav %}``: the current page is one of the menu's entries."""
    return bool(key) and menu.contains(key)
