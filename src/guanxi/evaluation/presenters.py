"""What the TCO and ROI pages show, in the reader's language: the tables' rows and where the
plan falls against the usual ranges. No arithmetic here (that is ``methods``)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core import formatting
from guanxi.evaluation.methods import roi as roi_method
from guanxi.evaluation.methods import tco as tco_method
from guanxi.evaluation.models import TCOPlan
from guanxi.evaluation.models.tco import CostCategory
from guanxi.evaluation.selectors.roi import ROIReport
from guanxi.evaluation.selectors.tco import cost_items, tco_figures

YEARS = list(range(1, tco_method.YEARS + 1))
TONES = {
    tco_method.WITHIN: "badge-good",
    tco_method.BELOW: "badge-warn",
    tco_method.ABOVE: "badge-warn",
}


def position_label(position: str | None) -> str:
    labels = {
        tco_method.BELOW: _("below the usual range"),
        tco_method.WITHIN: _("within the usual range"),
        tco_method.ABOVE: _("above the usual range"),
    }
    return labels.get(position or "", _("no figure yet"))


def _range(bounds: tuple[Decimal, Decimal]) -> str:
    low, high = bounds
    return f"{low * 100:.0f}–{high * 100:.0f}%"


@dataclass(frozen=True)
class Benchmark:
    """One figure set against its usual range."""

    key: str
    label: str
    share: Decimal | None
    usual: str
    position: str | None
    position_label: str
    tone: str


def _benchmark(key: str, label: str, share: Decimal | None, bounds: Any) -> Benchmark:
    position = tco_method.position(share, bounds)
    return Benchmark(
        key=key,
        label=label,
        share=share,
        usual=_range(bounds),
        position=position,
        position_label=position_label(position),
        tone=TONES.get(position or "", ""),
    )


def tco_page(plan: TCOPlan) -> dict[str, Any]:
    """The figures of a plan's page: the cost table, the split, the benchmarks."""
    figures = tco_figures(plan)
    kinds: dict[tuple[str, str], Decimal] = {}
    for item in cost_items(plan):
        kinds[(item.category, item.kind)] = kinds.get((item.category, item.kind), Decimal(0)) + (
            item.amount
        )
    rows = [
        {
            "key": category,
            "label": CostCategory(category).label,
            "years": figures.by_category[category],
            "initial": kinds.get((category, tco_method.INITIAL), Decimal(0)),
            "ongoing": kinds.get((category, tco_method.ONGOING), Decimal(0)),
            "total": figures.category_totals[category],
        }
        for category in tco_method.CATEGORIES
    ]
    split = [
        _benchmark(
            "initial", _("Initial costs"), figures.initial_share, tco_method.INITIAL_BENCHMARK
        ),
        _benchmark(
            "ongoing", _("Ongoing costs"), figures.ongoing_share, tco_method.ONGOING_BENCHMARK
        ),
    ]
    budget = [
        _benchmark(
            "keep_running", _("Keeping it running"), figures.run_share, tco_method.RUN_BENCHMARK
        ),
        _benchmark(
            "competitive_advantage",
            _("Competitive advantage"),
            figures.advantage_share,
            tco_method.ADVANTAGE_BENCHMARK,
        ),
    ]
    maintenance = [
        {
            "year": year,
            "rate": rate,
            "position_label": position_label(position) if rate is not None else "",
            "tone": TONES.get(position or "", ""),
        }
        for year, rate, position in zip(
            YEARS, figures.maintenance_rates, figures.maintenance_positions, strict=True
        )
    ]
    return {
        "figures": figures,
        "years": YEARS,
        "rows": rows,
        "split": split,
        "budget": budget,
        "maintenance": maintenance,
        "maintenance_usual": _range(tco_method.MAINTENANCE_BENCHMARK),
        "verdict": _split_verdict(figures),
    }


def _split_verdict(figures: tco_method.TCOResult) -> str:
    if figures.initial_share is None:
        return _("Enter the plan's amounts to see how its costs split.")
    values = {
        "initial": formatting.format_percent(figures.initial_share, ratio=True),
        "ongoing": formatting.format_percent(figures.ongoing_share, ratio=True),
    }
    if figures.initial_position == tco_method.WITHIN:
        return (
            _(
                "Initial %(initial)s, ongoing %(ongoing)s: this plan splits its costs like "
                "most CRM projects (initial 55–65%%, ongoing 35–45%%)."
            )
            % values
        )
    if figures.initial_position == tco_method.ABOVE:
        return (
            _(
                "Initial %(initial)s, ongoing %(ongoing)s: more is spent up front than in most "
                "CRM projects (initial 55–65%%). Check that running costs such as maintenance, "
                "staff and support are all in the plan."
            )
            % values
        )
    return (
        _(
            "Initial %(initial)s, ongoing %(ongoing)s: running costs weigh more than in most "
            "CRM projects (ongoing 35–45%%). Check that the one-off costs of the introduction "
            "are all in the plan."
        )
        % values
    )


def sensitivity_labels() -> dict[str, str]:
    return {
        roi_method.REVENUE_GROWTH: _("Revenue growth"),
        roi_method.COST_REDUCTION: _("Cost reduction"),
        roi_method.COSTS: _("All costs"),
    }


def roi_page(report: ROIReport) -> dict[str, Any]:
    """The figures of an assessment's page: the yearly table, the results, the sensitivity."""
    r = report.result
    a = report.assessment
    each = tco_method.YEARS
    lines = [
        ("it", _("IT investment (TCO)"), report.tco.year_totals, r.it_investment, False),
        ("staff", _("Staff cost"), [a.staff_cost] * each, r.staff_total, False),
        ("process", _("Process cost"), [a.process_cost] * each, r.process_total, False),
        ("costs", _("Total cost"), r.costs, r.total_cost, True),
        (
            "savings",
            _("Cost reduction"),
            [report.cost_reduction] * each,
            r.cost_reduction_total,
            False,
        ),
        (
            "growth",
            _("Revenue growth"),
            [report.revenue_growth] * each,
            r.revenue_growth_total,
            False,
        ),
        ("benefits", _("Benefits"), r.benefits, r.total_benefit, True),
        ("flow", _("Net cash flow"), r.cash_flows, sum(r.cash_flows, Decimal(0)), True),
        ("cumulative", _("Cumulative cash flow"), r.cumulative, r.cumulative[-1], False),
    ]
    labels = sensitivity_labels()
    sensitivity = [
        {"key": row.variable, "label": labels[row.variable], "cells": row.cells}
        for row in report.sensitivity
    ]
    steps = [cell.step for cell in report.sensitivity[0].cells]
    return {
        "report": report,
        "result": r,
        "years": YEARS,
        "lines": [
            {"key": key, "label": label, "values": values, "total": total, "strong": strong}
            for key, label, values, total, strong in lines
        ],
        "sensitivity": sensitivity,
        "steps": [{"value": step, "label": f"{step:+d}%" if step else "0"} for step in steps],
        "pays": r.roi is not None and r.roi >= 1,
    }


def unit_label(unit: str) -> str:
    """What a KPI's number is, in words (its unit as the dashboard names it)."""
    labels = {
        "percent": _("percent"),
        "money": _("money (CNY)"),
        "number": _("number"),
        "hours": _("hours"),
    }
    return labels.get(unit, unit)


def comparison_rows(comparison: Any) -> list[dict[str, Any]]:
    """The comparison's rows as the page shows them: the values as the KPI dashboard formats
    them (``kpi_value``), the target with its direction, the verdict."""
    rows = []
    for row in comparison.rows:
        target = row.target
        rows.append(
            {
                "key": row.key,
                "label": row.label,
                "definition": row.definition,
                "unit": row.unit,
                "unit_label": unit_label(row.unit),
                "baseline": row.baseline,
                "current": row.current,
                "change": row.change,
                "change_percent": formatting.format_percent(row.change_percent, signed=True),
                "tone": row.tone,
                "higher_is_better": row.higher_is_better,
                "target": None if target is None else target.target,
                "target_direction": "" if target is None else target.get_direction_display(),
                "target_note": "" if target is None else target.note,
                "met": row.met,
            }
        )
    return rows
