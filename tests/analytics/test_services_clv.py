"""The CLV run: the customers' summary, the company's scores, a manager's own fit, refusals."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest

from guanxi.analytics.intelligence import clv
from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.services.clv import clv_params, customer_summary
from guanxi.analytics.services.runs import run_request
from tests.analytics.fixtures.clv import UNTIL
from tests.analytics.fixtures.reports import order
from tests.customers.fixtures.customers import CustomerFactory

CLV = ModelRun.Kind.CLV


def test_the_summary_counts_repeat_order_days_after_the_first():
    frame = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2],
            "day": pd.to_datetime(["2026-01-01", "2026-01-15", "2026-02-12", "2026-03-01"]),
            "amount": [100.0, 30.0, 50.0, 80.0],
        }
    )
    weeks = customer_summary(frame, until=datetime.date(2026, 3, 12), time_unit="week")
    assert weeks.loc[1].to_dict() == {"x": 2.0, "t_x": 6.0, "T": 10.0, "mean_spend": 40.0}
    # A single order: no repeat, no repeat spend, T from that day.
    assert weeks.loc[2].to_dict() == {"x": 0.0, "t_x": 0.0, "T": 11 / 7, "mean_spend": 0.0}
    days = customer_summary(frame, until=datetime.date(2026, 3, 12), time_unit="day")
    assert (days.loc[1, "t_x"], days.loc[1, "T"]) == (42.0, 70.0)


def _run(actor, **params):
    return run_request(
        kind=CLV,
        actor=actor,
        params=clv_params(until=UNTIL, time_unit=params.pop("time_unit", "week")),
        background=False,
        **params,
    )


def test_the_company_fit_stores_every_customers_clv(org, clv_history):
    silent = CustomerFactory(owner=org["manager1"])  # no order: not in the model
    late = CustomerFactory(owner=org["manager1"])
    order(late, UNTIL + datetime.timedelta(days=1), "99.00")  # after the calibration date
    run = _run(org["exec"])
    assert run.status == "done", run.error
    assert run.company_wide
    result = run.result
    # The company's run also keeps the report's company-wide figures.
    assert set(result) == {
        "bgnbd",
        "gamma_gamma",
        "customers",
        "until",
        "time_unit",
        "company_summary",
    }
    assert result["company_summary"]["customers"] == 40
    assert set(result["bgnbd"]) == {"r", "alpha", "a", "b", "log_likelihood"}
    assert set(result["gamma_gamma"]) == {"p", "q", "v"}
    assert (result["customers"], result["until"], result["time_unit"]) == (40, "2026-06-30", "week")
    scores = CustomerScore.objects.in_bulk([c.pk for c in clv_history])
    assert len(scores) == 40
    assert not CustomerScore.objects.filter(customer__in=[silent, late]).exists()
    for score in scores.values():
        assert 0 <= score.p_alive <= 1
        assert (
            0 <= score.expected_orders_3m <= score.expected_orders_6m <= score.expected_orders_12m
        )
        assert score.clv_12m >= 0 and score.clv_at is not None
    # One customer's figures, recomputed from the stored parameters.
    customer = clv_history[3]
    days = sorted({o.order_date for o in customer.orders.all()})
    amounts = {}
    for o in customer.orders.all():
        amounts[o.order_date] = amounts.get(o.order_date, 0) + float(o.total)
    x = len(days) - 1
    t_x, T = (days[-1] - days[0]).days / 7, (UNTIL - days[0]).days / 7
    mean = sum(amounts[d] for d in days[1:]) / x if x else 0.0
    bgnbd = clv.BGNBD(**result["bgnbd"])
    spend = clv.GammaGamma(**result["gamma_gamma"], log_likelihood=0.0)
    expected = clv.expected_transactions(bgnbd, 365.25 / 7, [x], [t_x], [T])[0]
    value = clv.lifetime_value(
        bgnbd,
        spend,
        x=[x],
        t_x=[t_x],
        T=[T],
        mean_spend=[mean],
        time_unit="week",
        annual_discount=0.10,
    )[0]
    score = scores[customer.pk]
    assert score.expected_orders_12m == Decimal(f"{expected:.3f}")
    assert score.clv_12m == Decimal(f"{value:.2f}")


def test_a_single_order_customer_is_scored_alive(org, clv_history):
    once = CustomerFactory(owner=org["manager1"])
    order(once, UNTIL - datetime.timedelta(days=70), "120.00")
    assert _run(org["exec"]).status == "done"
    score = CustomerScore.objects.get(customer=once)
    assert score.p_alive == 1 and score.expected_orders_12m > 0 and score.clv_12m > 0


def test_a_managers_fit_covers_their_customers_and_stores_nothing(org, clv_history):
    run = _run(org["manager1"])
    assert run.status == "done", run.error
    assert not run.company_wide and run.result["customers"] == 20
    assert not CustomerScore.objects.exists()


def test_a_later_company_fit_clears_the_scores_of_customers_it_no_longer_covers(org, clv_history):
    _run(org["exec"])
    gone = clv_history[0]
    gone.orders.all().delete()
    _run(org["exec"])
    assert CustomerScore.objects.get(customer=gone).clv_12m is None
    assert CustomerScore.objects.filter(clv_12m__isnull=False).count() == 39


@pytest.mark.usefixtures("english")
def test_too_little_history_is_refused_with_the_numbers(org, english, clv_history):
    run = _run(org["manager3"])  # no customers of their own
    assert run.status == "failed"
    assert run.error == (
        "Too little history to fit customer lifetime value: 0 customers ordered up to "
        "2026-06-30, at least 20 are needed."
    )
    assert not CustomerScore.objects.exists()


def test_days_and_weeks_give_the_same_model_in_other_units(org, clv_history):
    weeks = _run(org["manager1"]).result["bgnbd"]
    days = _run(org["manager1"], time_unit="day").result["bgnbd"]
    # α is a time scale: 7 times larger in days; the shapes do not change.
    assert days["alpha"] == pytest.approx(7 * weeks["alpha"], rel=1e-3)
    assert days["r"] == pytest.approx(weeks["r"], rel=1e-3)
