"""Template tags shared by every page: ``{% load guanxi %}``."""

from django import template

from guanxi.core.phones import phone_display
from guanxi.core.selectors.pages import record_history as history_entries

register = template.Library()


@register.inclusion_tag("core/partials/_history.html")
def record_history(record, limit=None):
    """The read-only audit trail of ``record``: ``{% record_history customer %}``."""
    return {"record": record, "entries": history_entries(instance=record, limit=limit)}


@register.filter
def phone(value):
    """A stored phone number as people read it: ``{{ lead.phone|phone }}`` (core.phones)."""
    return phone_display(str(value or ""))
