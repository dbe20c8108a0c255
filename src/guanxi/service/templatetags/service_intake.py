"""``{% load service_intake %}``: the e-mail thread and surveys of a request for its page.

``{% intake_thread service_request as thread %}`` reads them through the scoped selectors for
the signed-in user, so the request page shows them without its view knowing about intake.
"""

from typing import Any

from django import template

from guanxi.service import rules
from guanxi.service.models import ServiceRequest
from guanxi.service.selectors.intake import service_message_list, survey_list

register = template.Library()


@register.simple_tag(takes_context=True)
def intake_thread(context: template.Context, service_request: ServiceRequest) -> dict[str, Any]:
    user = context["request"].user
    return {
        "messages": list(service_message_list(actor=user, service_request=service_request)),
        "surveys": list(survey_list(actor=user, service_request=service_request)),
        "can_send_survey": rules.can_send_survey(user, service_request),
    }
