"""``{% privacy_actions record %}``: the subject-access export and anonymisation links of a
person customer or a contact, for those the rules allow (nothing for anyone else)."""

from typing import Any

from django import template

from guanxi.customers import rules
from guanxi.customers.models import Contact

register = template.Library()


@register.inclusion_tag("customers/partials/_privacy_actions.html", takes_context=True)
def privacy_actions(context: dict[str, Any], record: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "record": record,
        "is_contact": isinstance(record, Contact),
        "can_export": rules.may_export_personal_data(user, record),
        "can_anonymise": rules.may_anonymise_personal_data(user, record),
    }
