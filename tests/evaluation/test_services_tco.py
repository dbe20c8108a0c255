"""The TCO and ROI services and selectors: audit history of every amount, all-or-nothing
writes, rights, the revenue read within the reader's scope."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.evaluation.models import ROIAssessment, TCOCost, TCOPlan
from guanxi.evaluation.selectors.roi import revenue_between, roi_report
from guanxi.evaluation.selectors.tco import tco_plan_list
from guanxi.evaluation.services import roi as roi_services
from guanxi.evaluation.services import tco as services
from tests.analytics.fixtures.reports import order
from tests.customers.fixtures.customers import CustomerFactory
from tests.evaluation.fixtures import make_plan, plan_costs


def test_every_amount_change_is_in_the_history_with_its_author(org):
    plan = make_plan(org["admin"])
    licence = TCOCost.objects.get(plan=plan, category="licence")
    costs = [c for c in plan_costs() if c["category"] != "telecom"]
    costs[0] = {**costs[0], "amount": D("150000")}
    services.tco_plan_update(actor=org["exec"], plan=plan, costs=costs)
    history = licence.history.order_by("history_date")
    assert [(h.history_type, h.amount) for h in history] == [("+", 200000), ("~", 150000)]
    assert history.last().history_user == org["exec"]
    gone = TCOCost.history.filter(plan_id=plan.pk, category="telecom", history_type="-")
    assert gone.count() == 5 and {h.history_user for h in gone} == {org["exec"]}


def test_a_refused_update_changes_nothing(org, english):
    plan = make_plan(org["admin"])
    bad = [*plan_costs(), {"category": "hardware", "year": 9, "kind": "initial", "amount": 1}]
    with pytest.raises(ValidationError) as refused:
        services.tco_plan_update(actor=org["admin"], plan=plan, users=7, costs=bad)
    assert refused.value.message_dict == {"costs[19].year": ["The year must be 1 to 5."]}
    plan.refresh_from_db()
    assert plan.users == 50 and plan.version == 1
    assert TCOCost.objects.filter(plan=plan).count() == 19


def test_only_administrators_and_executives_write(org):
    for username in ("supervisor", "manager1", "assistant"):
        with pytest.raises(PermissionDenied):
            make_plan(org[username])
    plan = make_plan(org["exec"])
    with pytest.raises(PermissionDenied):
        services.tco_plan_delete(actor=org["supervisor"], plan=plan)
    services.tco_plan_delete(actor=org["exec"], plan=plan)
    assert not TCOPlan.objects.exists() and TCOPlan.all_objects.filter(pk=plan.pk).exists()
    assert list(tco_plan_list(actor=org["manager1"])) == []


def test_the_list_sums_totals_in_the_database(org):
    make_plan(org["admin"])
    listed = tco_plan_list(actor=org["exec"]).get()
    assert listed.total == D("672000") and listed.initial_total == D("372000")


def test_revenue_is_read_within_the_readers_scope(org):
    """Two orders of 1,000 and 500 (different account managers) in March 2026; an executive
    reads 1,500, an account manager only their own 1,000."""
    day = datetime.date(2026, 3, 5)
    order(CustomerFactory(owner=org["manager1"]), day, "1000.00")
    order(CustomerFactory(owner=org["manager2"]), day, "500.00")
    order(CustomerFactory(owner=org["manager2"]), day, "700.00", status="cancelled")
    window = {"start": datetime.date(2026, 3, 1), "end": datetime.date(2026, 3, 31)}
    assert revenue_between(actor=org["exec"], **window) == D("1500.00")
    assert revenue_between(actor=org["manager1"], **window) == D("1000.00")
    after = {"start": datetime.date(2026, 4, 1), "end": datetime.date(2026, 4, 30)}
    assert revenue_between(actor=org["exec"], **after) == 0


def test_the_report_of_an_assessment_with_a_yearly_baseline(org):
    """A 90-day period (Jan–Mar 2026, 31 + 28 + 31 days) with 1,500 of revenue is
    1,500 × 365 / 90 = 6,083.33 a year; against a yearly baseline of 5,000 the growth is
    1,083.33 a year."""
    day = datetime.date(2026, 3, 5)
    order(CustomerFactory(owner=org["manager1"]), day, "1500.00")
    assessment = roi_services.roi_assessment_create(
        actor=org["exec"],
        name="Q1",
        plan=make_plan(org["admin"]),
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        baseline_amount=D("5000"),
        discount_rate=D("0"),
    )
    report = roi_report(actor=org["exec"], assessment=assessment)
    assert report.period_days == 90 and report.baseline_days is None
    assert report.revenue_growth == D("1083.33")
    assert report.cost_reduction == 0
    # At 0 % the NPV is the plain sum of the flows: 5 × 1,083.33 − 672,000.
    assert report.result.npv == D("5416.65") - D("672000")


def test_a_plan_in_use_is_not_deleted_and_assessments_need_a_readable_plan(org, english):
    plan = make_plan(org["admin"])
    values = {
        "name": "A",
        "plan": plan,
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2026, 1, 31),
        "baseline_amount": D("1"),
    }
    roi_services.roi_assessment_create(actor=org["admin"], **values)
    with pytest.raises(ValidationError):
        services.tco_plan_delete(actor=org["admin"], plan=plan)
    with pytest.raises(PermissionDenied):
        roi_services.roi_assessment_create(actor=org["manager1"], **values)
    with pytest.raises(ValidationError) as refused:
        roi_services.roi_assessment_create(actor=org["admin"], **{**values, "hours_saved": "x"})
    assert list(refused.value.message_dict) == ["hours_saved"]
    assert ROIAssessment.objects.count() == 1
