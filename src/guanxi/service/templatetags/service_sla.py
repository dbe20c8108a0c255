"""``{% sla_of service_request as sla %}`` and ``{{ duration|duration_text }}`` for the pages."""

from django import template

from guanxi.service import sla

register = template.Library()


@register.simple_tag
def sla_of(service_request, now=None):
    """The request's SLA measures (``sla.measure``), taken at ``now`` (default: now)."""
    return sla.measure(service_request, now=now)


@register.filter
def duration_text(value):
    return sla.duration_text(value)
