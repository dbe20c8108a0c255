"""Return on investment 投资回报率 (ROI) of a CRM over the five years of its TCO plan.

    ROI = (成本降低 cost reduction + 收入增长 revenue growth) ÷ 总成本 total cost
    总成本 = IT投资 IT investment + 人力成本 staff cost + 流程成本 process cost

all summed over the five years. The IT investment is the TCO plan's cost of each year; staff
and process costs (people's time and process changes the TCO does not hold) and the two
benefits are amounts per year, the same each year:

- cost reduction per year = hours saved a year × hourly rate + other savings a year;
- revenue growth per year = the revenue of a measured period, as a yearly rate
  (× 365 ÷ its days), less the baseline's yearly rate (a baseline period likewise, or a
  yearly amount as entered). It may be negative.

The cash flow of year t is CF_t = benefits_t − costs_t. The **NPV** at the discount rate r
(a percentage 0–100) is Σ_{t=1..5} CF_t ÷ (1 + r)^t (flows at each year's end). The
**payback period** is when the cumulative cash flow, earned evenly within each year, is back at
zero for good: with C_t the cumulative flow at the end of year t and year k + 1 the year
after the last negative C_k, payback = k + (−C_k) ÷ CF_{k+1} years; 0 when it is never
negative, none when C_5 is still negative.

The **sensitivity** table recomputes ROI and NPV with one input moved by −20 %…+20 %:
revenue growth, cost reduction, or every cost together.

No database and no Django: bad input raises :class:`ROIError` naming the input.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from guanxi.evaluation.methods.tco import MAX_AMOUNT, YEARS

DAYS_PER_YEAR = Decimal(365)
SENSITIVITY_STEPS = (-20, -10, 0, 10, 20)
REVENUE_GROWTH = "revenue_growth"
COST_REDUCTION = "cost_reduction"
COSTS = "costs"
SENSITIVITY_VARIABLES = (REVENUE_GROWTH, COST_REDUCTION, COSTS)
MAX_HOURS = Decimal("99999999.9")

_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


class ROIError(ValueError):
    """Input that cannot be assessed. ``name`` is the input (``hourly_rate``...), ``kind`` one
    of: not_number, negative, too_large, discount_rate, years, days."""

    def __init__(self, kind: str, name: str):
        super().__init__(f"{kind}: {name}")
        self.kind = kind
        self.name = name


def number(
    value: object, name: str, *, negative: bool = False, limit: Decimal = MAX_AMOUNT
) -> Decimal:
    """``value`` as a Decimal, or :class:`ROIError` naming it (not a number; negative unless
    ``negative`` allows it; beyond ``limit`` either way)."""
    if isinstance(value, bool) or value is None:
        raise ROIError("not_number", name)
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ROIError("not_number", name) from None
    if not result.is_finite():
        raise ROIError("not_number", name)
    if result < 0 and not negative:
        raise ROIError("negative", name)
    if abs(result) > limit:
        raise ROIError("too_large", name)
    return result


def cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def cost_reduction(hours_saved: object, hourly_rate: object, other_savings: object = 0) -> Decimal:
    """Cost reduction per year: hours saved a year × hourly rate + other savings a year."""
    hours = number(hours_saved, "hours_saved", limit=MAX_HOURS)
    rate = number(hourly_rate, "hourly_rate")
    other = number(other_savings, "other_savings")
    return cents(hours * rate + other)


def yearly(amount: Decimal, days: int, name: str) -> Decimal:
    """``amount`` earned in ``days`` days as an amount per year (× 365 ÷ days)."""
    if days < 1:
        raise ROIError("days", name)
    return amount * DAYS_PER_YEAR / days


def revenue_growth(
    *,
    period_revenue: object,
    period_days: int,
    baseline_revenue: object,
    baseline_days: int | None = None,
) -> Decimal:
    """Revenue growth per year: the period's revenue as a yearly rate less the baseline's
    (``baseline_days`` None: ``baseline_revenue`` is already a yearly amount)."""
    period = yearly(number(period_revenue, "period_revenue"), period_days, "period_end")
    baseline = number(baseline_revenue, "baseline_amount")
    if baseline_days is not None:
        baseline = yearly(baseline, baseline_days, "baseline_end")
    return cents(period - baseline)


@dataclass(frozen=True)
class ROIInput:
    """What an assessment needs; money per year except the IT costs (one per year of the plan)."""

    it_costs: Sequence[Decimal]
    staff_cost: Decimal
    process_cost: Decimal
    cost_reduction: Decimal
    revenue_growth: Decimal
    discount_rate: Decimal  # a percentage, 0–100


@dataclass(frozen=True)
class SensitivityCell:
    step: int  # percent by which the variable moved
    roi: Decimal | None
    npv: Decimal


@dataclass(frozen=True)
class SensitivityRow:
    variable: str
    cells: list[SensitivityCell]


@dataclass(frozen=True)
class ROIResult:
    benefits: list[Decimal]
    costs: list[Decimal]
    cash_flows: list[Decimal]
    cumulative: list[Decimal]
    it_investment: Decimal
    staff_total: Decimal
    process_total: Decimal
    total_cost: Decimal
    cost_reduction_total: Decimal
    revenue_growth_total: Decimal
    total_benefit: Decimal
    roi: Decimal | None  # a ratio: 1.5 is 150 %; None when nothing was spent
    npv: Decimal
    payback_years: Decimal | None
    discount_rate: Decimal


def checked(inputs: ROIInput) -> ROIInput:
    """``inputs`` with every value checked, or :class:`ROIError` naming the bad one."""
    if len(inputs.it_costs) != YEARS:
        raise ROIError("years", "it_costs")
    rate = number(inputs.discount_rate, "discount_rate", negative=True)
    if not 0 <= rate <= 100:
        raise ROIError("discount_rate", "discount_rate")
    return ROIInput(
        it_costs=[number(cost, f"it_costs[{i}]") for i, cost in enumerate(inputs.it_costs)],
        staff_cost=number(inputs.staff_cost, "staff_cost"),
        process_cost=number(inputs.process_cost, "process_cost"),
        cost_reduction=number(inputs.cost_reduction, "cost_reduction"),
        revenue_growth=number(inputs.revenue_growth, "revenue_growth", negative=True),
        discount_rate=rate,
    )


def npv(cash_flows: Sequence[Decimal], discount_rate: Decimal) -> Decimal:
    """Σ CF_t ÷ (1 + r)^t for t = 1, 2…, r the percentage ``discount_rate`` ÷ 100; to the cent."""
    factor = 1 + discount_rate / 100
    return cents(sum((flow / factor**t for t, flow in enumerate(cash_flows, 1)), _ZERO))


def payback_years(cash_flows: Sequence[Decimal]) -> Decimal | None:
    """Years until the cumulative cash flow is back at zero for good (see the module)."""
    cumulative: list[Decimal] = []
    running = _ZERO
    for flow in cash_flows:
        running += flow
        cumulative.append(running)
    if not cumulative or cumulative[-1] < 0:
        return None
    negative = [index for index, value in enumerate(cumulative) if value < 0]
    if not negative:
        return _ZERO
    k = negative[-1]  # year k + 1 ends below zero; year k + 2 brings it back
    return (Decimal(k + 1) + (-cumulative[k]) / cash_flows[k + 1]).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )


def roi(inputs: ROIInput) -> ROIResult:
    """ROI, NPV and payback of ``inputs`` over the plan's years (see the module)."""
    good = checked(inputs)
    it_costs = list(good.it_costs)
    costs = [cost + good.staff_cost + good.process_cost for cost in it_costs]
    benefit = good.cost_reduction + good.revenue_growth
    benefits = [benefit] * YEARS
    flows = [b - c for b, c in zip(benefits, costs, strict=True)]
    cumulative: list[Decimal] = []
    running = _ZERO
    for flow in flows:
        running += flow
        cumulative.append(running)
    total_cost = sum(costs, _ZERO)
    total_benefit = benefit * YEARS
    return ROIResult(
        benefits=benefits,
        costs=costs,
        cash_flows=flows,
        cumulative=cumulative,
        it_investment=sum(it_costs, _ZERO),
        staff_total=good.staff_cost * YEARS,
        process_total=good.process_cost * YEARS,
        total_cost=total_cost,
        cost_reduction_total=good.cost_reduction * YEARS,
        revenue_growth_total=good.revenue_growth * YEARS,
        total_benefit=total_benefit,
        roi=total_benefit / total_cost if total_cost else None,
        npv=npv(flows, good.discount_rate),
        payback_years=payback_years(flows),
        discount_rate=good.discount_rate,
    )


def _moved(inputs: ROIInput, variable: str, step: int) -> ROIInput:
    factor = 1 + Decimal(step) / 100
    if variable == REVENUE_GROWTH:
        return replace(inputs, revenue_growth=inputs.revenue_growth * factor)
    if variable == COST_REDUCTION:
        return replace(inputs, cost_reduction=inputs.cost_reduction * factor)
    return replace(
        inputs,
        it_costs=[cost * factor for cost in inputs.it_costs],
        staff_cost=inputs.staff_cost * factor,
        process_cost=inputs.process_cost * factor,
    )


def sensitivity(inputs: ROIInput, steps: Sequence[int] = SENSITIVITY_STEPS) -> list[SensitivityRow]:
    """ROI and NPV with revenue growth, cost reduction or all costs moved by each step (%)."""
    good = checked(inputs)
    rows = []
    for variable in SENSITIVITY_VARIABLES:
        cells = []
        for step in steps:
            result = roi(_moved(good, variable, step))
            cells.append(SensitivityCell(step=step, roi=result.roi, npv=result.npv))
        rows.append(SensitivityRow(variable=variable, cells=cells))
    return rows
