"""The churn model in words: feature names, conditions in human units, the tree's rules
("如果 … 且 … 则流失概率 …%") and a customer's reasons, in the active language.

The model run stores its tree, rules and reasons as data (feature keys and thresholds); they
are put into words when shown, so each reader reads them in their own language. Category
values and tags carry their own names (``result["labels"]``: the dictionary entry's Chinese
and English name), stored with the run because entries may be renamed later.
"""

import math
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from guanxi.analytics.intelligence.churn import CATEGORY_FEATURES, NUMERIC_FEATURES, TAG_PREFIX
from guanxi.core.formatting import format_money, format_number, format_percent
from guanxi.customers.models import Customer

FEATURE_LABELS = {
    "tenure_days": gettext_lazy("days as a customer"),
    "recency_days": gettext_lazy("days since the last order"),
    "orders_365": gettext_lazy("orders in the last year"),
    "revenue_365": gettext_lazy("revenue in the last year"),
    "orders_90": gettext_lazy("orders in the last 90 days"),
    "order_trend": gettext_lazy("change in orders (last 90 days against the 90 before)"),
    "revenue_trend": gettext_lazy("change in revenue (last 90 days against the 90 before)"),
    "interactions_30": gettext_lazy("interactions in the last 30 days"),
    "interactions_90": gettext_lazy("interactions in the last 90 days"),
    "days_since_contact": gettext_lazy("days since the last contact"),
    "service_requests_365": gettext_lazy("service requests in the last year"),
    "complaints_365": gettext_lazy("complaints in the last year"),
    "service_satisfaction": gettext_lazy("average service satisfaction"),
    "open_receivables": gettext_lazy("open receivables"),
}
Labels = Mapping[str, Mapping[str, str]]


def feature_label(feature: str) -> str:
    """A feature's name: ``recency_days`` → 距上次订单天数, ``level=3`` → 客户等级."""
    name = feature.split("=", 1)[0]
    if feature.startswith(TAG_PREFIX):
        return _("tag")
    if name in CATEGORY_FEATURES or name in ("credit", "satisfaction"):
        field = "credit" if name == "credit" else name
        return str(getattr(Customer._meta.get_field(field), "verbose_name", field))
    return str(FEATURE_LABELS.get(name, name))


def value_name(feature: str, labels: Labels) -> str:
    """The name of a category value or tag column (``level=3`` → VIP)."""
    name, value = feature.split("=", 1)
    if name == "kind":
        try:
            return str(Customer.Kind(value).label)
        except ValueError:
            return value
    names = labels.get(feature) or {}
    language = translation.get_language() or settings.LANGUAGE_CODE
    return names.get(language) or names.get("en") or value


def _quantity(feature: str, value: float) -> str:
    unit = NUMERIC_FEATURES.get(feature, "decimal")
    if unit == "money":
        return format_money(round(value), places=0)
    if unit == "decimal":
        return format_number(value, places=1)
    return format_number(value)


def condition_text(condition: Mapping[str, Any], labels: Labels) -> str:
    """One condition ``{"feature", "low", "high"}`` (low < value ≤ high) in words: whole-number
    features as whole numbers (≤ 2.5 is ≤ 2, > 2.5 is ≥ 3), money in yuan, a category or tag
    column as "is"/"is not"."""
    feature, low, high = condition["feature"], condition.get("low"), condition.get("high")
    label = feature_label(feature)
    if "=" in feature:
        name = value_name(feature, labels)
        present = low is not None  # the column is 0/1: "> 0.5" means it holds
        if feature.startswith(TAG_PREFIX):
            text = _("has the tag “%(tag)s”") if present else _("does not have the tag “%(tag)s”")
            return text % {"tag": name}
        text = _("%(feature)s is %(value)s") if present else _("%(feature)s is not %(value)s")
        return text % {"feature": label, "value": name}
    whole = NUMERIC_FEATURES.get(feature) in ("count", "days", "rating")
    parts = []
    if low is not None:
        if whole:
            parts.append(("≥", _quantity(feature, math.floor(low) + 1)))
        else:
            parts.append((">", _quantity(feature, low)))
    if high is not None:
        parts.append(("≤", _quantity(feature, math.floor(high) if whole else high)))
    if len(parts) == 2 and whole and parts[0][1] == parts[1][1]:
        return f"{label} = {parts[0][1]}"
    if len(parts) == 2:
        return f"{parts[0][1]} {'≤' if whole else '<'} {label} ≤ {parts[1][1]}"
    symbol, quantity = parts[0]
    return f"{label} {symbol} {quantity}"


def rule_text(rule: Mapping[str, Any], labels: Labels) -> str:
    """A leaf of the tree as a sentence."""
    probability = format_percent(rule["probability"], ratio=True, places=0)
    if not rule["conditions"]:
        return _("All customers: churn probability %(probability)s (%(support)s customers)") % {
            "probability": probability,
            "support": format_number(rule["support"]),
        }
    word = pgettext("churn rule", "and")
    joiner = f" {word} "
    conditions = joiner.join(condition_text(c, labels) for c in rule["conditions"])
    return _(
        "If %(conditions)s, then churn probability %(probability)s (%(support)s customers)"
    ) % {
        "conditions": conditions,
        "probability": probability,
        "support": format_number(rule["support"]),
    }


def reason_text(reason: Mapping[str, Any], labels: Labels) -> str:
    """One of a customer's reasons: the condition they met and their own value."""
    condition = condition_text(reason, labels)
    if "=" in reason["feature"] or reason.get("value") is None:
        return condition
    return _("%(condition)s (this customer: %(value)s)") % {
        "condition": condition,
        "value": _quantity(reason["feature"], reason["value"]),
    }


def in_every_language(render: Callable[[], str]) -> dict[str, str]:
    """``render()`` in each language of the site: for texts stored with a record (a churn
    warning's reasons) that readers of either language will read."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = render()
    return texts


def stored_text(texts: Mapping[str, str] | str) -> str:
    """A text stored by :func:`in_every_language`, in the active language."""
    if isinstance(texts, str):
        return texts
    language = translation.get_language() or settings.LANGUAGE_CODE
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def tree_view(node: Mapping[str, Any], labels: Labels, edge: str = "") -> dict[str, Any]:
    """The stored tree as nested nodes to draw: each with the condition leading to it."""
    drawn: dict[str, Any] = {
        "edge": edge,
        "probability": node["probability"],
        "percent": round(node["probability"] * 100),
        "support": node["support"],
        "children": [],
    }
    if "feature" in node:
        feature, threshold = node["feature"], node["threshold"]
        drawn["split"] = feature_label(feature)
        drawn["children"] = [
            tree_view(
                node["left"],
                labels,
                condition_text({"feature": feature, "low": None, "high": threshold}, labels),
            ),
            tree_view(
                node["right"],
                labels,
                condition_text({"feature": feature, "low": threshold, "high": None}, labels),
            ),
        ]
    return drawn


def model_summary(run: Any) -> dict[str, Any]:
    """A churn ModelRun as pages and the API show it, texts in the active language."""
    result = run.result or {}
    labels = result.get("labels", {})
    summary: dict[str, Any] = {
        "id": run.pk,
        "status": run.status,
        "error": run.error,
        "company_wide": run.company_wide,
        "subset": run.subset,
        "started_at": run.started_at,
        "trained_at": run.finished_at,
        "rows_used": run.rows_used,
    }
    if run.status != "done":
        return summary
    summary.update(
        {
            "cutoff": result["cutoff"],
            "horizon_days": result["horizon_days"],
            "population": result["population"],
            "churned": result["churned"],
            "threshold": result["threshold"],
            "rows": result["rows"],
            "metrics": result["metrics"],
            "calibration": result["calibration"],
            "importances": [
                {**item, "label": _feature_text(item["feature"], labels)}
                for item in result["importances"]
            ],
            "rules": [{**rule, "text": rule_text(rule, labels)} for rule in result["rules"]],
            "scored": result.get("scored"),
            "warnings": result.get("warnings"),
        }
    )
    return summary


def _feature_text(feature: str, labels: Labels) -> str:
    """A feature as a column name: ``level=3`` → "customer level: VIP"."""
    if "=" not in feature:
        return feature_label(feature)
    return f"{feature_label(feature)}: {value_name(feature, labels)}"
