"""The forecast's mathematics: known answers on hand-made and simulated series."""

from fractions import Fraction

import numpy as np
import pytest

from guanxi.analytics.intelligence import forecast as fc


def test_naive_and_seasonal_naive_forecasts_repeat_the_right_months():
    y = np.arange(1, 25, dtype=float)
    assert list(fc.naive_forecast(y, 3, 1)) == [24, 24, 24]
    assert list(fc.naive_forecast(y, 14, 12)) == [*range(13, 25), 13, 14]
    # MASE's scale: mean |y_t − y_{t−m}|.
    assert fc.naive_scale(y, 1) == 1 and fc.naive_scale(y, 12) == 12


def test_rolling_origin_backtest_on_a_tiny_series_is_computed_by_hand():
    y = np.array([10, 12, 11, 13, 12, 14, 13, 15], dtype=float)
    plan = fc.Backtest(horizon=2, origins=[5, 6], period=1)
    mape, mase = fc.backtest(y, plan, lambda known, steps: fc.naive_forecast(known, steps, 1))
    # Origin 5: knows 10 12 11 13 12, forecasts 12 12 for 14 13: errors 2 1, scale
    # mean(2 1 2 1) = 3/2 → 1. Origin 6: forecasts 14 14 for 13 15: errors 1 1, scale
    # mean(2 1 2 1 2) = 8/5 → 5/8. MASE = (1 + 5/8) / 2.
    assert mase == pytest.approx(float((1 + Fraction(5, 8)) / 2))
    apes = [Fraction(2, 14), Fraction(1, 13), Fraction(1, 13), Fraction(1, 15)]
    assert mape == pytest.approx(float(100 * sum(apes) / 4))


def test_backtest_plan_leaves_two_years_before_the_first_seasonal_origin():
    plan = fc.backtest_plan(48, seasonal=True)
    assert (plan.horizon, plan.origins, plan.period) == (6, list(range(37, 43)), 12)
    short = fc.backtest_plan(15, seasonal=False)
    assert (short.horizon, short.origins, short.period) == (3, list(range(7, 13)), 1)
    assert fc.backtest_plan(6, seasonal=False).horizon == 1


def test_too_short_a_series_is_refused_with_a_reason():
    result = fc.forecast_series([100, 120, 90, 110, 105], start="2025-01")
    assert result["refused"] == fc.TOO_SHORT and result["forecast"] == []
    assert result["months"] == 5 and len(result["history"]) == 5


def test_a_short_series_gets_non_seasonal_models_and_says_so():
    result = fc.forecast_series([100, 120, 90, 110, 105, 115, 108, 112], start="2025-01", horizon=3)
    assert result["refused"] is None
    assert {"code": fc.NOTE_SHORT} in result["notes"]
    assert result["model"]["seasonal"] is False
    assert result["backtest"]["benchmark"] == "naive"
    assert [row["month"] for row in result["forecast"]] == ["2025-09", "2025-10", "2025-11"]
    for row in result["forecast"]:
        assert row["lo95"] <= row["lo80"] <= row["mean"] <= row["hi80"] <= row["hi95"]


def test_a_flat_series_falls_back_to_the_naive_forecast_without_crashing():
    result = fc.forecast_series([100.0] * 8, start="2025-01", horizon=2)
    assert result["refused"] is None
    assert [row["mean"] for row in result["forecast"]] == [100.0, 100.0]


def _seasonal(seed: int, months: int):
    rng = np.random.default_rng(seed)
    t = np.arange(months)
    mean = 1000 + 4 * t + 300 * np.sin(2 * np.pi * t / 12)
    return mean, mean + rng.normal(0, 30, months)


def test_a_seasonal_series_is_forecast_close_to_its_true_mean_with_sensible_intervals():
    inside80 = inside95 = total = 0
    for seed in (1, 2, 3):
        mean, y = _seasonal(seed, 72)
        result = fc.forecast_series(y[:60], start="2020-01", horizon=12)
        assert result["model"]["seasonal"] is True
        assert result["backtest"]["benchmark"] == "seasonal_naive"
        forecast = np.array([row["mean"] for row in result["forecast"]])
        # The pattern's swing is ±300; noise σ 30: the forecast follows the true mean.
        assert np.max(np.abs(forecast - mean[60:])) < 120
        # Better than repeating last year (which misses the trend and carries the noise).
        assert result["backtest"]["mase"] < result["backtest"]["benchmark_mase"]
        future = y[60:]
        rows = result["forecast"]
        inside80 += sum(r["lo80"] <= v <= r["hi80"] for r, v in zip(rows, future, strict=True))
        inside95 += sum(r["lo95"] <= v <= r["hi95"] for r, v in zip(rows, future, strict=True))
        total += len(rows)
    # Expected 28.8 and 34.2 of 36; allowing for sampling and estimated parameters.
    assert inside80 >= 0.6 * total
    assert inside95 >= 0.8 * total


def test_a_random_walk_has_a_mase_around_one():
    rng = np.random.default_rng(7)
    y = 1000 + np.cumsum(rng.normal(0, 50, 120))
    # The naive forecast one month ahead is the best one can do; its MASE is 1 by definition
    # in expectation (out-of-sample errors are the same steps as the in-sample scale).
    plan = fc.Backtest(horizon=1, origins=list(range(40, 119)), period=1)
    _mape, mase = fc.backtest(y, plan, lambda known, steps: fc.naive_forecast(known, steps, 1))
    assert 0.8 < mase < 1.25
    # A chosen model does about as well as the naive forecast, no better.
    result = fc.forecast_series(y, start="2015-01", seasonal=False, horizon=3)
    ratio = result["backtest"]["mase"] / result["backtest"]["benchmark_mase"]
    assert 0.85 < ratio < 1.2
