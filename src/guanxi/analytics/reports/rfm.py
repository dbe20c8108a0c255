"""RFM analysis RFM 客户分群: the customers per RFM segment with their revenue in the window and
shares, and a heat map of recency score × frequency score (customers and average revenue
per cell).

The figures are the stored scores of the nightly run (``analytics.services.rfm``), counted
over the customers the reader may see with the report's filters: a manager's heat map holds
only their own customers, scored against the whole company's quintiles. ``as_of`` is when the
scores were computed (none yet: empty tables). Two queries: per segment, per (R, F) cell.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Sum
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import User
from guanxi.analytics import charts, periods
from guanxi.analytics.forms.reports import ReportFilterForm
from guanxi.analytics.framework import (
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    Column,
    ReportData,
    ReportDefinition,
    ReportParams,
    TableSpec,
    register,
)
from guanxi.analytics.intelligence.rfm import HIGH, NO_PURCHASE, QUINTILES, SEGMENT_ORDER, SEGMENTS
from guanxi.analytics.models import RFMSegment
from guanxi.analytics.selectors.scores import scores_in_scope
from guanxi.core import formatting

PERIOD_FIELDS = ("preset", "date_from", "date_to")


class RFMForm(ReportFilterForm):
    # The scores cover the settings' window up to their computation: no period to choose.
    default_preset = None
    drop = PERIOD_FIELDS


SEGMENT_TABLE = TableSpec(
    "segments",
    _("Customers per RFM segment"),
    (
        Column("key", _("Code")),
        Column("segment", _("RFM segment")),
        Column("pattern", _("R / F / M"), help="High (↑: score 3–5) or low (↓: 1–2)."),
        Column("customers", _("Customers"), INTEGER),
        Column("customer_share", _("Share of customers (%)"), PERCENT),
        Column("revenue", _("Revenue in the window"), MONEY),
        Column("revenue_share", _("Share of revenue (%)"), PERCENT),
        Column("recency", _("Average days since last order"), NUMBER),
        Column("frequency", _("Average order days in the window"), NUMBER),
    ),
    hidden=("key",),
)
HEAT_TABLE = TableSpec(
    "heatmap",
    _("Recency score × frequency score"),
    (
        Column("r_score", _("R score"), INTEGER),
        Column("f_score", _("F score"), INTEGER),
        Column("customers", _("Customers"), INTEGER),
        Column("average_monetary", _("Average revenue in the window"), MONEY),
    ),
)
SUMMARY = (
    Column("customers", _("Customers with orders"), INTEGER),
    Column("buyers", _("Customers who bought in the window"), INTEGER),
    Column("revenue", _("Revenue in the window"), MONEY),
    Column("champion_share", _("Share of important value customers (%)"), PERCENT),
)


def _pattern(key: str) -> str:
    for (r_high, f_high, m_high), segment in SEGMENTS.items():
        if segment == key:
            return "".join(
                f"{name}{'↑' if high else '↓'}"
                for name, high in (("R", r_high), ("F", f_high), ("M", m_high))
            )
    return "—"


def _average(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(periods.CENT)


def compute(actor: User, params: ReportParams) -> ReportData:
    scores = scores_in_scope(actor=actor, params=params).filter(rfm_at__isnull=False)
    grouped = {
        row["rfm_segment"]: row
        for row in scores.values("rfm_segment").annotate(
            customers=Count("*"),
            revenue=Sum("monetary"),
            recency=Avg("recency_days"),
            frequency=Avg("frequency"),
            computed=Max("rfm_at"),
        )
    }
    customers = sum(row["customers"] for row in grouped.values())
    revenue = sum((periods.money(row["revenue"]) for row in grouped.values()), periods.money(0))
    segments = []
    for key in SEGMENT_ORDER:
        row = grouped.get(key, {})
        count = row.get("customers", 0)
        money = periods.money(row.get("revenue"))
        segments.append(
            {
                "key": key,
                "segment": str(RFMSegment(key).label),
                "pattern": _pattern(key),
                "customers": count,
                "customer_share": periods.percent(count, customers),
                "revenue": money,
                "revenue_share": periods.percent(money, revenue),
                "recency": _average(row.get("recency")),
                "frequency": _average(row.get("frequency")) if key != NO_PURCHASE else None,
            }
        )
    cells = {
        (row["r_score"], row["f_score"]): row
        for row in scores.filter(r_score__isnull=False)
        .values("r_score", "f_score")
        .annotate(customers=Count("*"), average=Avg("monetary"))
    }
    heatmap = []
    for r in range(QUINTILES, 0, -1):
        for f in range(1, QUINTILES + 1):
            cell = cells.get((r, f), {})
            heatmap.append(
                {
                    "r_score": r,
                    "f_score": f,
                    "customers": cell.get("customers", 0),
                    "average_monetary": (
                        periods.money(cell["average"]) if cell.get("average") is not None else None
                    ),
                }
            )
    champions = grouped.get("champion", {}).get("customers", 0)
    return {
        "date_from": None,
        "date_to": None,
        # When the stored scores were computed (None: never yet).
        "as_of": max((row["computed"] for row in grouped.values()), default=None),
        "summary": {
            "customers": customers,
            "buyers": customers - grouped.get(NO_PURCHASE, {}).get("customers", 0),
            "revenue": revenue,
            "champion_share": periods.percent(champions, customers),
        },
        "segments": segments,
        "heatmap": heatmap,
    }


def chart(data: ReportData) -> charts.go.Figure:
    """The R × F heat map: customers per cell, the average revenue on hover."""
    cells = {(row["r_score"], row["f_score"]): row for row in data["heatmap"]}
    rows = range(1, QUINTILES + 1)
    z = [[cells[(r, f)]["customers"] for f in rows] for r in rows]
    hover = [
        [
            [
                formatting.format_money(cells[(r, f)]["average_monetary"])
                if cells[(r, f)]["average_monetary"] is not None
                else "—"
            ]
            for f in rows
        ]
        for r in rows
    ]
    customers, average = str(_("Customers")), str(_("Average revenue in the window"))
    return charts.figure(
        charts.go.Heatmap(
            x=[f"F{f}" for f in rows],
            y=[f"R{r}" for r in rows],
            z=z,
            text=z,
            texttemplate="%{text}",
            customdata=hover,
            hovertemplate=(
                f"%{{y}} %{{x}}<br>{customers}: %{{z}}<br>{average}: %{{customdata[0]}}"
                "<extra></extra>"
            ),
            colorscale=[[0, "#ffffff"], [1, charts.PALETTE[0]]],
            colorbar={"title": {"text": customers}},
            name=customers,
        ),
        xaxis={"title": {"text": str(_("F score"))}, "type": "category"},
        yaxis={"title": {"text": str(_("R score"))}, "type": "category"},
        shapes=[
            # The high/low lines the segments are cut along (score ≥ 3).
            {"type": "line", "x0": HIGH - 1.5, "x1": HIGH - 1.5, "y0": -0.5, "y1": 4.5},
            {"type": "line", "y0": HIGH - 1.5, "y1": HIGH - 1.5, "x0": -0.5, "x1": 4.5},
        ],
    )


REPORT = register(
    ReportDefinition(
        slug="rfm",
        name="rfm",
        title=_("RFM analysis"),
        description=_(
            "Customers per RFM segment (recency, frequency and monetary value of their orders "
            "in the window, each scored 1–5 by quintile) with revenue and shares, and the heat "
            "map of recency × frequency. Computed every night."
        ),
        form_class=RFMForm,
        compute=compute,
        chart=chart,
        tables=(SEGMENT_TABLE, HEAT_TABLE),
        summary=SUMMARY,
        actions_template="analytics/partials/_rfm_actions.html",
    )
)
