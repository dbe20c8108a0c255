"""``{% load icons %}{% icon "bell" %}``: an icon of the one set in ``guanxi.core.icons``."""

from django import template
from django.utils.safestring import SafeString

from guanxi.core.icons import icon_svg

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "", size: int = 16) -> SafeString:
    """Decorative by default; ``{% icon "close" label=text %}`` names it for screen readers."""
    return icon_svg(str(name), label=str(label), size=int(size))
