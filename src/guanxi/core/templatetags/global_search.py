"""Template tags of the header's search box and quick-create menu: ``{% load global_search %}``."""

from django import template

from guanxi.core.quick_create import QuickCreateItem, quick_create_for

register = template.Library()


@register.simple_tag(takes_context=True)
def quick_create_entries(context) -> list[QuickCreateItem]:
    """The quick-create entries the signed-in user may use (none when signed out)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return quick_create_for(user)
