"""ROI: cost reduction, revenue growth, ROI, payback, NPV and the sensitivity table of a
hand-computed assessment; what is refused."""

from decimal import Decimal as D

import pytest

from guanxi.evaluation.methods import roi as m
from guanxi.evaluation.methods.roi import ROIError, ROIInput

# The IT costs of each year: the hand-computed TCO plan of test_methods_tco.
IT_COSTS = [D("366000"), D("83000"), D("81000"), D("71000"), D("71000")]


def inputs(**changes) -> ROIInput:
    values = {
        "it_costs": IT_COSTS,
        "staff_cost": D("10000"),
        "process_cost": D("5000"),
        "cost_reduction": D("100000"),
        "revenue_growth": D("100000"),
        "discount_rate": D("8"),
    }
    values.update(changes)
    return ROIInput(**values)


def test_cost_reduction_is_hours_saved_times_rate_plus_other_savings():
    """2,000 h × ¥45.50 + ¥9,000 = 91,000 + 9,000 = 100,000.00."""
    assert m.cost_reduction(D("2000"), D("45.50"), D("9000")) == D("100000.00")
    assert m.cost_reduction(0, 0) == 0


def test_revenue_growth_compares_yearly_rates():
    """A year of 1,100,000 against a yearly baseline of 1,000,000: 100,000. Against a two-year
    baseline period of 2,000,000 (1,000,000 a year): 100,000 too. Half a year (182 days) of
    550,000 is 550,000 × 365 / 182 = 1,103,021.978… a year: growth 103,021.98."""
    assert m.revenue_growth(
        period_revenue=D("1100000"), period_days=365, baseline_revenue=D("1000000")
    ) == D("100000.00")
    assert m.revenue_growth(
        period_revenue=D("1100000"),
        period_days=365,
        baseline_revenue=D("2000000"),
        baseline_days=730,
    ) == D("100000.00")
    assert m.revenue_growth(
        period_revenue=D("550000"), period_days=182, baseline_revenue=D("1000000")
    ) == D("103021.98")
    falling = m.revenue_growth(period_revenue=0, period_days=365, baseline_revenue=D("10"))
    assert falling == D("-10.00")


def test_a_hand_computed_assessment():
    """By hand, benefits 100,000 + 100,000 = 200,000 a year, costs = IT + 10,000 + 5,000:
    costs  = 381,000, 98,000, 96,000, 86,000, 86,000 (total 747,000)
    CF     = −181,000, 102,000, 104,000, 114,000, 114,000
    C      = −181,000, −79,000, 25,000, 139,000, 253,000
    ROI    = 5 × 200,000 / 747,000 = 1,000,000 / 747,000 = 1.33869 (133.9 %)
    payback: year 2 ends at −79,000, year 3 earns 104,000: 2 + 79,000/104,000 = 2.7596 → 2.76
    NPV at 8 %: −181,000/1.08 + 102,000/1.1664 + 104,000/1.259712 + 114,000/1.36048896
                + 114,000/1.4693280768
              = −167,592.59 + 87,448.56 + 82,558.55 + 83,793.40 + 77,586.48 = 163,794.41
    """
    result = m.roi(inputs())
    assert result.costs == [D("381000"), D("98000"), D("96000"), D("86000"), D("86000")]
    assert result.cash_flows == [D(-181000), D(102000), D(104000), D(114000), D(114000)]
    assert result.cumulative == [D(-181000), D(-79000), D(25000), D(139000), D(253000)]
    assert result.total_cost == D("747000") and result.total_benefit == D("1000000")
    assert result.it_investment == D("672000")
    assert result.staff_total == D("50000") and result.process_total == D("25000")
    assert round(result.roi, 5) == D("1.33869")
    assert result.payback_years == D("2.76")
    assert result.npv == D("163794.41")


def test_npv_is_the_sum_of_discounted_flows():
    """At 10 %: 110/1.1 + 121/1.21 = 100 + 100 = 200; at 0 % simply the sum."""
    assert m.npv([D("110"), D("121")], D("10")) == D("200.00")
    assert m.npv([D("-5"), D("7")], D("0")) == D("2.00")


def test_payback_in_the_first_year_never_or_later():
    assert m.payback_years([D("10"), D("10")]) == 0  # never below zero
    assert m.payback_years([D("-100"), D("10"), D("10")]) is None  # still −80 at the end
    # −100, then +50 a year: −50 after year 2, zero at the end of year 3 exactly.
    assert m.payback_years([D("-100"), D("50"), D("50"), D("50")]) == D("3.00")
    # Back above zero in year 2 (−100 + 200), below again in year 3 (−150), back in year 4
    # (+100): the last recovery counts, 3 + 50/100 = 3.5.
    assert m.payback_years([D("-100"), D("200"), D("-150"), D("100")]) == D("3.50")


def test_nothing_spent_has_no_roi():
    result = m.roi(inputs(it_costs=[D(0)] * 5, staff_cost=D(0), process_cost=D(0)))
    assert result.roi is None and result.payback_years == 0


def test_the_sensitivity_table():
    """Rows: revenue growth, cost reduction, costs; columns −20 % … +20 %. The 0 column is
    the assessment itself. Revenue growth −20 %: benefits 180,000 a year, ROI = 900,000 /
    747,000 = 1.20482. Costs +10 %: ROI = 1,000,000 / 821,700 = 1.21699."""
    rows = m.sensitivity(inputs())
    assert [row.variable for row in rows] == [m.REVENUE_GROWTH, m.COST_REDUCTION, m.COSTS]
    assert [cell.step for cell in rows[0].cells] == [-20, -10, 0, 10, 20]
    base = m.roi(inputs())
    for row in rows:
        assert row.cells[2].roi == base.roi and row.cells[2].npv == base.npv
    assert round(rows[0].cells[0].roi, 5) == D("1.20482")
    assert round(rows[2].cells[3].roi, 5) == D("1.21699")
    # More revenue growth, higher NPV; more cost, lower NPV.
    assert [c.npv for c in rows[0].cells] == sorted(c.npv for c in rows[0].cells)
    assert [c.npv for c in rows[2].cells] == sorted((c.npv for c in rows[2].cells), reverse=True)


@pytest.mark.parametrize(
    ("changes", "kind", "name"),
    [
        ({"discount_rate": D("-1")}, "discount_rate", "discount_rate"),
        ({"discount_rate": D("100.01")}, "discount_rate", "discount_rate"),
        ({"staff_cost": D("-5")}, "negative", "staff_cost"),
        ({"process_cost": "x"}, "not_number", "process_cost"),
        ({"cost_reduction": D("-1")}, "negative", "cost_reduction"),
        ({"it_costs": [D(1)] * 4}, "years", "it_costs"),
        ({"it_costs": [D(1), D(-1), D(1), D(1), D(1)]}, "negative", "it_costs[1]"),
    ],
)
def test_bad_input_is_refused_naming_it(changes, kind, name):
    with pytest.raises(ROIError) as refused:
        m.roi(inputs(**changes))
    assert (refused.value.kind, refused.value.name) == (kind, name)


def test_bad_savings_inputs_are_named():
    with pytest.raises(ROIError) as refused:
        m.cost_reduction(D("-2"), D("10"))
    assert refused.value.name == "hours_saved"
    with pytest.raises(ROIError) as refused:
        m.cost_reduction(D("2"), D("Infinity"))
    assert refused.value.name == "hourly_rate"
    with pytest.raises(ROIError) as refused:
        m.revenue_growth(period_revenue=1, period_days=0, baseline_revenue=1)
    assert refused.value.name == "period_end"
