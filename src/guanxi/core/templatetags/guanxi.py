"""Template tags shared by every page: ``{% load guanxi %}``."""

from django import template

from guanxi.core import formatting
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


@register.filter
def money(value, currency=formatting.CURRENCY):
    """An amount of money: ``{{ order.total|money }}`` → ``¥1,853,577.00`` (core.formatting)."""
    return formatting.format_money(value, currency=currency)


@register.filter
def percent(value, scale=""):
    """A percentage with one decimal: ``{{ line.discount|percent }}`` → ``15.0%``;
    ``{{ target.rate|percent:"ratio" }}`` for a ratio (0.153 → ``15.3%``)."""
    return formatting.format_percent(value, ratio=scale == "ratio")


@register.filter
def compact_amount(value, currency=""):
    """A large amount shortened: ``1.2万`` in Chinese, ``12K`` in English."""
    return formatting.format_compact_amount(value, currency=currency)


@register.filter
def number(value, places=0):
    """A number with thousands separators: ``{{ stock.quantity|number:2 }}``."""
    return formatting.format_number(value, places=int(places))


@register.filter
def local_date(value):
    """A date in the reader's language: ``2026-12-07`` or ``Dec 7, 2026``."""
    return formatting.format_date(value)


@register.filter
def local_datetime(value):
    """A moment in the reader's language and local time: ``2026-12-07 14:05``."""
    return formatting.format_datetime(value)
