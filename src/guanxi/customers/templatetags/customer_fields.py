"""``{% protected record "field" %}``: a customer's or contact's field as the viewer may see it.

Every page shows sensitive fields (phone, e-mail, tax id...) through these tags so the field
protection rules (masked / hidden per role, :mod:`guanxi.customers.masking`) apply in one place:

- ``{% protected customer "phone" %}`` prints the value, its mask, or "—" when it is empty or
  hidden; ``{% protected customer "phone" as phone %}`` keeps it ("" when empty or hidden).
- ``{% is_hidden customer "phone" as hidden %}`` tells whether to leave out the label too;
  ``{% field_mode customer "email" as mode %}`` gives "", "masked" or "hidden" (e.g. to link
  an e-mail address only when it is shown in full). Instead of a record, the model's name
  (``"contact"``) works too, for table headers.
- ``{% protected_history customer %}`` is ``{% record_history %}`` with protected changes masked.

Without a signed-in user in the context nothing is known about the viewer, so every protectable
field shows masked.
"""

from django import template
from django.utils.html import conditional_escape

from guanxi.core.phones import phone_display
from guanxi.core.selectors.pages import EMPTY
from guanxi.core.selectors.pages import record_history as history_entries
from guanxi.customers import masking

register = template.Library()


def _viewer(context):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return user if getattr(user, "is_authenticated", False) else None


def _mode(context, record, field: str) -> str | None:
    if record in (None, ""):
        return None
    user = _viewer(context)
    key = masking.field_key(record, field)
    if user is None:
        return masking.MASKED if key in masking.PROTECTABLE_FIELDS else None
    return masking.field_protection(user).get(key)


class _ProtectedNode(template.Node):
    """Prints the shown value or a dash; with ``as name`` stores it ("" when nothing shows)."""

    def __init__(self, record, field, target: str | None):
        self.record, self.field, self.target = record, field, target

    def render(self, context):
        record = self.record.resolve(context)
        field = self.field.resolve(context)
        if record in (None, ""):
            # A missing record (a template variable that does not resolve) shows nothing.
            if self.target:
                context[self.target] = ""
            return "" if self.target else EMPTY
        key = masking.field_key(record, field)
        raw = getattr(record, field, "")
        if key in masking.PHONE_FIELDS:
            # Stored in E.164; people read the national format (core.phones).
            raw = phone_display(raw)
        mode = _mode(context, record, field)
        value = masking.shown_value(mode, key, raw)
        shown = "" if value is None else str(value)
        if mode is None:
            masking.note_unmasked(context.get("request"), _viewer(context), record, field, shown)
        if self.target:
            context[self.target] = shown
            return ""
        if not shown:
            return EMPTY
        return conditional_escape(shown) if context.autoescape else shown


@register.tag
def protected(parser, token):
    """``{% protected record "field" [as name] %}``."""
    bits = token.split_contents()
    target = None
    if len(bits) == 5 and bits[3] == "as":
        target = bits[4]
        bits = bits[:3]
    if len(bits) != 3:
        raise template.TemplateSyntaxError(
            f'{bits[0]} takes a record and a field name: {{% {bits[0]} record "field" %}}'
        )
    return _ProtectedNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), target)


@register.simple_tag(takes_context=True)
def is_hidden(context, record, field: str) -> bool:
    return _mode(context, record, field) == masking.HIDDEN


@register.simple_tag(takes_context=True)
def field_mode(context, record, field: str) -> str:
    return _mode(context, record, field) or ""


@register.inclusion_tag("core/partials/_history.html", takes_context=True)
def protected_history(context, record, limit=None):
    """The audit trail of a customer or contact, minus what the viewer may not read."""
    entries = history_entries(instance=record, limit=limit)
    viewer = _viewer(context)
    entries = masking.protect_history(viewer, record, entries)
    if viewer is not None:
        # Past values of a protected field, shown in full, are as sensitive as the current one.
        for entry in entries:
            for change in entry.changes:
                shown = "".join(v for v in (change.before, change.after) if v != EMPTY)
                masking.note_unmasked(context.get("request"), viewer, record, change.field, shown)
    return {"record": record, "entries": entries}
