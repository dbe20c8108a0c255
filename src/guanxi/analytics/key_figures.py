"""The models' figures on the 360 page: RFM segment, purchase cycle, CLV and churn risk.

Read from the customer's stored ``CustomerScore`` row as subqueries of the key figures' one
query (``customers.key_figures``); a figure no job has computed yet is not shown.
"""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.models import CustomerScore, IntelligenceSettings, RFMSegment
from guanxi.analytics.models.intelligence import SETTINGS_ID
from guanxi.core.formatting import format_date, format_money, format_number, format_percent
from guanxi.customers import key_figures
from guanxi.customers.key_figures import KeyFigure
from guanxi.customers.models import Customer

DEFAULT_WARNING_RISK = IntelligenceSettings._meta.get_field("churn_warning_risk").default

SCORE_FIELDS = (
    "rfm_segment",
    "r_score",
    "f_score",
    "m_score",
    "cycle_days",
    "cycle_intervals",
    "next_order_due",
    "expected_orders_12m",
    "p_alive",
    "clv_12m",
    "churn_risk",
)


def _facts(*, actor: Any) -> dict[str, Any]:
    row = CustomerScore.objects.filter(customer=OuterRef("pk"))
    facts: dict[str, Any] = {
        f"score_{name}": Subquery(row.values(name)[:1]) for name in SCORE_FIELDS
    }
    # Read in the same query: the 360 page pays no round trip for the setting.
    facts["score_warning_risk"] = Subquery(
        IntelligenceSettings.objects.filter(pk=SETTINGS_ID).values("churn_warning_risk")[:1]
    )
    return facts


def _figures(*, actor: Any, customer: Customer, facts: dict[str, Any]) -> list[KeyFigure]:
    score = {name: facts[f"score_{name}"] for name in SCORE_FIELDS}
    figures: list[KeyFigure] = []
    if score["rfm_segment"]:
        label = str(RFMSegment(score["rfm_segment"]).label)
        if score["r_score"]:
            label += f" (R{score['r_score']} F{score['f_score']} M{score['m_score']})"
        figures.append(KeyFigure("rfm_segment", _("RFM segment"), score["rfm_segment"], label))
    if score["cycle_days"] is not None:
        due = score["next_order_due"]
        overdue = due is not None and due < timezone.localdate()
        text = _("every %(days)s days, next order due %(date)s") % {
            "days": score["cycle_days"],
            "date": format_date(due) if due else "—",
        }
        figures.append(
            KeyFigure(
                "purchase_cycle",
                _("Purchase cycle"),
                score["cycle_days"],
                text,
                "warning" if overdue else "",
            )
        )
    if score["clv_12m"] is not None:
        figures.append(
            KeyFigure(
                "clv_12m",
                _("Customer lifetime value (12 months)"),
                score["clv_12m"],
                format_money(score["clv_12m"]),
            )
        )
        figures.append(
            KeyFigure(
                "expected_orders_12m",
                _("Expected orders (12 months)"),
                score["expected_orders_12m"],
                format_number(score["expected_orders_12m"], places=1),
            )
        )
        figures.append(
            KeyFigure(
                "p_alive",
                _("Probability still active"),
                score["p_alive"],
                format_percent(score["p_alive"], ratio=True, places=0),
            )
        )
    if score["churn_risk"] is not None:
        threshold = facts["score_warning_risk"] or DEFAULT_WARNING_RISK
        figures.append(
            KeyFigure(
                "churn_risk",
                _("Churn risk"),
                score["churn_risk"],
                format_percent(score["churn_risk"], places=0),
                "warning" if score["churn_risk"] >= threshold else "",
            )
        )
    return figures


key_figures.register(key_figures.FigureSource(facts=_facts, figures=_figures))
