"""``{% picker "user" "owner" id="pool-owner-7" %}``: an empty autocomplete picker in a template.

For small forms written in a template (an action on each row of a list) rather than by a
Django form: the same widget as ``core.forms.pickers.PickerField``, so the view's form reads
what it posts (the id, and the typed text when the script did not run).
"""

from django import template
from django.utils.safestring import SafeString

from guanxi.core.forms.pickers import PickerWidget

register = template.Library()


@register.simple_tag
def picker(kind: str, name: str, **attrs: object) -> SafeString:
    """The picker of ``kind`` posting ``name``; ``attrs`` go on its text box (``testid`` is
    written ``data-testid``, ``aria_label`` ``aria-label``; ``id_suffix``, a row's id, is
    appended to ``id``)."""
    suffix = attrs.pop("id_suffix", "")
    box = {key.replace("_", "-"): value for key, value in attrs.items()}
    if "id" in box:
        box["id"] = f"{box['id']}{suffix}"
    if "testid" in box:
        box["data-testid"] = box.pop("testid")
    return PickerWidget(kind).render(name, None, attrs=box)
