"""The one icon set of the interface: small line drawings on a 16 × 16 grid, drawn for Guanxi.

Pictographs from fonts (emoji, ☰, ✉ …) render as empty boxes where no emoji font is installed,
so every icon is inline SVG made from these shapes (``{% load icons %}{% icon "bell" %}``;
a timeline entry names its icon by key). The strokes take the text colour.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Each icon: the SVG elements inside a 16 × 16 viewBox, drawn with a 1.5 px round stroke.
ICONS: dict[str, str] = {
    "menu": '<path d="M2 4h12M2 8h12M2 12h12"/>',
    "close": '<path d="M4 4l8 8M12 4l-8 8"/>',
    "chevron-down": '<path d="M4 6l4 4 4-4"/>',
    "chevron-up": '<path d="M4 10l4-4 4 4"/>',
    "chevron-right": '<path d="M6 4l4 4-4 4"/>',
    "arrow-left": '<path d="M13 8H3M7 4L3 8l4 4"/>',
    "home": '<path d="M2 7.5L8 2l6 5.5M3.5 6.5V14h9V6.5M6.5 14v-4h3v4"/>',
    "bell": (
        '<path d="M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11L4 11z"/>'
        '<path d="M6.5 14.2a1.6 1.6 0 0 0 3 0"/>'
    ),
    "user": '<circle cx="8" cy="5.5" r="3"/><path d="M2.5 14.5a5.5 5.5 0 0 1 11 0"/>',
    "search": '<circle cx="7" cy="7" r="4.5"/><path d="M10.5 10.5L14 14"/>',
    "plus": '<path d="M8 3v10M3 8h10"/>',
    "settings": (
        '<circle cx="8" cy="8" r="2.2"/>'
        '<path d="M8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4'
        'M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4"/>'
    ),
    "alert": '<path d="M8 1.8L15 14H1L8 1.8z"/><path d="M8 6.5v3.5M8 12.2v.1"/>',
    "lock": '<rect x="3" y="7" width="10" height="7.5" rx="1"/><path d="M5 7V5a3 3 0 0 1 6 0v2"/>',
    "compass": '<circle cx="8" cy="8" r="6.5"/><path d="M10.5 5.5l-1.5 3.5-3.5 1.5 1.5-3.5z"/>',
    "clock": '<circle cx="8" cy="8" r="6.5"/><path d="M8 4.5V8l2.5 1.5"/>',
    "receipt": (
        '<path d="M4 1.5h8v13l-2-1.2-2 1.2-2-1.2-2 1.2V1.5z"/><path d="M6 5h4M6 8h4M6 11h2"/>'
    ),
    "trend": '<path d="M2 12l4-4 3 3 5-6"/><path d="M10 5h4v4"/>',
    "file": '<path d="M4 1.5h5.5l3 3v10H4V1.5z"/><path d="M9.5 1.5v3h3"/>',
    "file-text": ('<path d="M4 1.5h5.5l3 3v10H4V1.5z"/><path d="M9.5 1.5v3h3M6 8h4.5M6 11h4.5"/>'),
    "contract": (
        '<path d="M4 1.5h5.5l3 3v10H4V1.5z"/><path d="M9.5 1.5v3h3M6 10l1.5 1.5L10.5 8"/>'
    ),
    "money": (
        '<circle cx="8" cy="8" r="6.5"/>'
        '<path d="M5.5 4.5L8 8l2.5-3.5M8 8v4M5.8 8.5h4.4M5.8 10.5h4.4"/>'
    ),
    "car": (
        '<path d="M2.5 11.5V8.5L4 4.5h8l1.5 4v3h-11z"/><path d="M2.5 8.5h11"/>'
        '<circle cx="5" cy="11.5" r="1.3"/><circle cx="11" cy="11.5" r="1.3"/>'
    ),
    "phone": (
        '<path d="M3.2 2h2.4l1.1 3-1.5 1.1a8 8 0 0 0 3.7 3.7L10 8.3l3 1.1v2.4a1.2 1.2 0 0 1-1.3 '
        '1.2A11 11 0 0 1 2 3.3 1.2 1.2 0 0 1 3.2 2z"/>'
    ),
    "mail": '<rect x="1.5" y="3.5" width="13" height="9" rx="1"/><path d="M2 4.5l6 4.5 6-4.5"/>',
    "people": (
        '<circle cx="6" cy="5.5" r="2.3"/><path d="M1.5 13.5a4.5 4.5 0 0 1 9 0"/>'
        '<path d="M10.5 3.4a2.2 2.2 0 0 1 0 4.2M12 9.4a4.3 4.3 0 0 1 2.5 4.1"/>'
    ),
    "flag": '<path d="M3.5 14.5V2M3.5 2.5h9l-2 3 2 3h-9"/>',
    "comment": '<path d="M2 3h12v8H7.5L4.5 14v-3H2V3z"/>',
    "service": '<path d="M2.5 11.5a5.5 5.5 0 0 1 11 0M1.5 11.5h13M8 4v2M6.5 14h3"/>',
    "dot": '<circle cx="8" cy="8" r="2.5"/>',
}

_SVG = (
    '<svg class="icon icon-{}" viewBox="0 0 16 16" width="{}" height="{}" fill="none" '
    'stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round" '
    "{}>{}</svg>"
)


def icon_svg(name: str, *, label: str = "", size: int = 16) -> SafeString:
    """An icon as inline SVG: hidden from screen readers, unless ``label`` names it.

    An unknown name draws a dot, so a timeline entry from an app that names an icon not (yet)
    in the set still lines up.
    """
    shapes = mark_safe(ICONS.get(name, ICONS["dot"]))  # noqa: S308  (the constant shapes above)
    if label:
        accessible = format_html('role="img" aria-label="{}"', label)
    else:
        accessible = mark_safe('aria-hidden="true" focusable="false"')  # noqa: S308
    return format_html(_SVG, name if name in ICONS else "dot", size, size, accessible, shapes)
