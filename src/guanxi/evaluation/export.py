"""The xlsx downloads of a TCO plan, an ROI assessment and a baseline's comparison: the tables
of their pages, with the money and percentage formats of ``core.export`` (bold frozen header,
columns as wide as their content)."""

from decimal import Decimal

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanxi.core import export, formatting
from guanxi.core.models import AccessLogEntry
from guanxi.core.services import access_log
from guanxi.evaluation.methods import tco as tco_method
from guanxi.evaluation.models import Baseline, ROIAssessment, TCOPlan
from guanxi.evaluation.models.tco import CostCategory
from guanxi.evaluation.presenters import sensitivity_labels, unit_label
from guanxi.evaluation.selectors.baselines import Comparison
from guanxi.evaluation.selectors.roi import ROIReport
from guanxi.evaluation.selectors.tco import cost_items

YEARS = range(1, tco_method.YEARS + 1)
_MONEY_COLUMNS = [formatting.MONEY] * (tco_method.YEARS + 1)


def _year_headers() -> list[str]:
    return [_("Year %(year)d") % {"year": year} for year in YEARS]


def log_export(request: HttpRequest, *, target: TCOPlan | ROIAssessment | Baseline) -> None:
    """Who took the figures out, in the access log (as the reports' downloads are)."""
    access_log.access_log_record(
        actor=request.user,
        kind=AccessLogEntry.Kind.EXPORTED,
        target=target,
        details={"model": target._meta.label_lower, "format": export.XLSX},
        request=request,
    )


def tco_table(plan: TCOPlan, figures: tco_method.TCOResult) -> list[list[object]]:
    """Rows: each category's initial and ongoing amounts by year, the totals, the key figures
    (a share in the Total column as a percentage text, since the column holds money)."""
    rows: list[list[object]] = []
    amounts: dict[tuple[str, str], list[Decimal]] = {}
    for item in cost_items(plan):
        line = amounts.setdefault((item.category, item.kind), [Decimal(0)] * tco_method.YEARS)
        line[item.year - 1] += item.amount
    for category in tco_method.CATEGORIES:
        for kind, label in ((tco_method.INITIAL, _("Initial")), (tco_method.ONGOING, _("Ongoing"))):
            found = amounts.get((category, kind))
            if found:
                rows.append([CostCategory(category).label, label, *found, sum(found)])
    rows.append([_("Initial total"), "", *figures.initial_by_year, figures.initial_total])
    rows.append([_("Ongoing total"), "", *figures.ongoing_by_year, figures.ongoing_total])
    rows.append([_("Total cost of ownership"), "", *figures.year_totals, figures.total])
    blank = [""] * tco_method.YEARS
    rows.append([_("Initial share"), _("usual 55–65 %"), *blank, _shown(figures.initial_share)])
    rows.append([_("Ongoing share"), _("usual 35–45 %"), *blank, _shown(figures.ongoing_share)])
    rows.append([_("Cost per user per year"), "", *blank, figures.cost_per_user_year])
    rows.append(
        [_("Keeping it running (years 3–5)"), _("usual 15–20 %"), *blank, _shown(figures.run_share)]
    )
    rows.append(
        [
            _("Competitive advantage (years 3–5)"),
            _("usual 25–40 %"),
            *blank,
            _shown(figures.advantage_share),
        ]
    )
    return rows


def _shown(ratio: Decimal | None) -> str:
    return formatting.format_percent(ratio, ratio=True)


def tco_response(plan: TCOPlan, figures: tco_method.TCOResult) -> FileResponse:
    return export.xlsx_response(
        headers=[_("Category"), _("Kind"), *_year_headers(), _("Total")],
        rows=tco_table(plan, figures),
        filename=f"TCO-{plan.name}.xlsx",
        sheet_title=_("TCO"),
        kinds=[formatting.TEXT, formatting.TEXT, *_MONEY_COLUMNS],
    )


def roi_table(report: ROIReport) -> list[list[object]]:
    """Rows: the yearly costs and benefits, the cash flows, the results, the sensitivity."""
    r = report.result
    staff = [report.assessment.staff_cost] * tco_method.YEARS
    process = [report.assessment.process_cost] * tco_method.YEARS
    savings = [report.cost_reduction] * tco_method.YEARS
    growth = [report.revenue_growth] * tco_method.YEARS
    rows: list[list[object]] = [
        [_("IT investment (TCO)"), *report.tco.year_totals, r.it_investment],
        [_("Staff cost"), *staff, r.staff_total],
        [_("Process cost"), *process, r.process_total],
        [_("Total cost"), *r.costs, r.total_cost],
        [_("Cost reduction"), *savings, r.cost_reduction_total],
        [_("Revenue growth"), *growth, r.revenue_growth_total],
        [_("Benefits"), *r.benefits, r.total_benefit],
        [_("Net cash flow"), *r.cash_flows, sum(r.cash_flows, Decimal(0))],
        [_("Cumulative cash flow"), *r.cumulative, r.cumulative[-1]],
        [],
        [_("ROI"), *[""] * tco_method.YEARS, _shown(r.roi)],
        [
            _("NPV at %(rate)s") % {"rate": formatting.format_percent(r.discount_rate)},
            *[""] * tco_method.YEARS,
            r.npv,
        ],
        [_("Payback (years)"), *[""] * tco_method.YEARS, _payback(r.payback_years)],
        [],
    ]
    steps = [cell.step for cell in report.sensitivity[0].cells]
    rows.append([_("Sensitivity"), *[_step(step) for step in steps], ""])
    for row in report.sensitivity:
        label = sensitivity_labels()[row.variable]
        rows.append(
            [_("ROI: %(variable)s") % {"variable": label}, *[_shown(c.roi) for c in row.cells], ""]
        )
        rows.append([_("NPV: %(variable)s") % {"variable": label}, *[c.npv for c in row.cells], ""])
    return rows


def _payback(years: Decimal | None) -> str:
    # Text: the column holds money.
    return (
        formatting.format_number(years, places=2)
        if years is not None
        else _("not within five years")
    )


def _step(step: int) -> str:
    return f"{step:+d}%" if step else "0"


def roi_response(assessment: ROIAssessment, report: ROIReport) -> FileResponse:
    return export.xlsx_response(
        headers=["", *_year_headers(), _("Total")],
        rows=roi_table(report),
        filename=f"ROI-{assessment.name}.xlsx",
        sheet_title=_("ROI"),
        kinds=[formatting.TEXT, *_MONEY_COLUMNS],
    )


def comparison_table(comparison: Comparison) -> list[list[object]]:
    """Rows: each KPI's baseline value, value now, change, change in %, target and verdict."""
    rows: list[list[object]] = []
    for row in comparison.rows:
        target = row.target
        rows.append(
            [
                row.label,
                unit_label(row.unit),
                row.baseline,
                row.current,
                row.change,
                row.change_percent,
                (target.get_direction_display() if target else ""),
                (target.target if target else None),
                ("" if row.met is None else _("met") if row.met else _("not met")),
            ]
        )
    return rows


def comparison_response(comparison: Comparison) -> FileResponse:
    baseline = comparison.baseline
    return export.xlsx_response(
        headers=[
            _("KPI"),
            _("Unit"),
            _("Baseline %(start)s – %(end)s")
            % {"start": baseline.period_start.isoformat(), "end": baseline.period_end.isoformat()},
            _("Now %(start)s – %(end)s")
            % {"start": comparison.now_start.isoformat(), "end": comparison.now_end.isoformat()},
            pgettext("kpi", "Change"),
            _("Change (%)"),
            _("Target"),
            _("Target value"),
            _("Target met"),
        ],
        rows=comparison_table(comparison),
        filename=f"Baseline-{baseline.name}.xlsx",
        sheet_title=_("Comparison"),
        kinds=[
            formatting.TEXT,
            formatting.TEXT,
            formatting.NUMBER,
            formatting.NUMBER,
            formatting.NUMBER,
            formatting.NUMBER,
            formatting.TEXT,
            formatting.NUMBER,
            formatting.TEXT,
        ],
    )
