"""``{% churn_panel customer %}``: the customer's churn case, its measures and the actions.

Placed on the customer page; it reads through the churn selectors, so it shows only what the
viewer may see, and offers postpone/confirm only to those holding the right.
"""

from django import template

from guanxi.customers import rules
from guanxi.customers.selectors import churn as selectors_churn

register = template.Library()


@register.inclusion_tag("customers/partials/_churn_panel.html", takes_context=True)
def churn_panel(context, customer):
    user = context["request"].user
    cases = list(selectors_churn.churn_case_history(actor=user, customer=customer))
    for case in cases:
        case.customer = customer  # the warning reason reads it: no query per case
    open_case = next((case for case in cases if case.state in case.OPEN_STATES), None)
    return {
        "customer": customer,
        "open_case": open_case,
        "closed_cases": [case for case in cases if case is not open_case],
        "can_act": user.has_perm(rules.CHANGE_CHURNCASE),
    }
