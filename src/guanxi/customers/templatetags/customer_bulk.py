"""``{% customer_bulk_bar %}``: the customer list's bulk bar, with the owners this user may pick."""

from django import template
from django.utils.translation import gettext_lazy as _

from guanxi.customers import rules
from guanxi.customers.selectors import customers as selectors

register = template.Library()


@register.inclusion_tag("customers/partials/_bulk_bar.html", takes_context=True)
def customer_bulk_bar(context):
    request = context["request"]
    user = request.user
    can_reassign = user.has_perm(rules.CHANGE_CUSTOMER)
    return {
        "owner_label": _("New account manager"),
        # Evaluated once here, so the bar costs the list page a fixed two queries.
        "owners": list(selectors.customer_owner_choices(actor=user)) if can_reassign else [],
        "can_reassign": can_reassign,
        "can_export": user.has_perm(rules.EXPORT_CUSTOMERS),
        "back": request.GET.urlencode(),
        "csrf_token": context.get("csrf_token"),
    }
