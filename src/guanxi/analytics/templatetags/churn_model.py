"""``{% churn_why customer as why %}``: the customer's churn risk and top reasons for the
360 page's "why" panel, from the stored score (read with the customer by
``customer_get_readable``), in the reader's language."""

from typing import Any

from django import template

from guanxi.analytics.churn_text import reason_text
from guanxi.analytics.models import CustomerScore

register = template.Library()


@register.simple_tag
def churn_why(customer: Any) -> dict[str, Any] | None:
    try:
        score = customer.score
    except CustomerScore.DoesNotExist:
        return None
    if score.churn_at is None or score.churn_risk is None:
        return None
    reasons = [
        reason_text(item, {item["feature"]: item.get("names") or {}})
        for item in score.churn_reasons or []
    ]
    return {"risk": score.churn_risk, "reasons": reasons, "at": score.churn_at}
