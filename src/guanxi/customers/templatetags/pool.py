"""``{% load pool %}{% pool_actions customer %}``: the pool buttons of a customer page.

Renders what the viewer may do with this customer: claim it or assign it from the pool, or
release it back. The rules are :mod:`guanxi.customers.rules` (the same the services enforce);
the tag only asks them, so a button never shows for an action that would be refused.
"""

from django import template

from guanxi.customers import rules

register = template.Library()


@register.inclusion_tag("customers/partials/_pool_actions.html", takes_context=True)
def pool_actions(context, customer):
    user = context["request"].user
    in_pool = customer.owner_id is None
    can_claim = in_pool and rules.can_claim(user)
    can_assign = in_pool and rules.can_assign(user)
    can_release = not in_pool and rules.can_release(user, customer)
    return {
        "customer": customer,
        "in_pool": in_pool,
        "can_claim": can_claim,
        "can_assign": can_assign,
        "can_release": can_release,
        "show": can_claim or can_assign or can_release,
        "csrf_token": context.get("csrf_token"),
    }
