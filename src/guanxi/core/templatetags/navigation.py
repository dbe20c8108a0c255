"""Breadcrumbs on record pages: ``{% load navigation %}``.

``{% breadcrumbs "customers" quote.customer current=quote.code %}`` shows
客户 › 上海贸易 › Q-2026-0001: each step before the current page is a menu entry's key (its
label and list page) or a record (its name and page); the current page is not a link.
"""

from typing import Any

from django import template
from django.urls import NoReverseMatch

from guanxi.core.navigation import navigation_items

register = template.Library()


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
