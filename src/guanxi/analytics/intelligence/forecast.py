"""Monthly revenue forecast 销售预测: exponential smoothing (ETS) or SARIMA, chosen by a
rolling-origin backtest against the (seasonal) naive forecast.

Pure: a list of monthly amounts in, a JSON-ready dict out (no Django). Reasons and notes are
codes (``TOO_SHORT``, ``NOTE_*``) that the caller words in the reader's language.

How a series is forecast:

- fewer than ``MIN_MONTHS`` months: no forecast (``refused``);
- fewer than ``SEASONAL_MONTHS`` + the backtest horizon: non-seasonal candidates only (a yearly
  pattern cannot be estimated from less than two years before the first backtest origin), and
  the benchmark is the naive forecast (last month repeated), with the note ``NOTE_SHORT``;
- otherwise seasonal candidates too, and the benchmark is the seasonal naive forecast (the same
  month a year before).

The backtest: every candidate is fitted once on the months before the first origin, then at
each of up to ``ORIGINS`` origins it is run with those fixed parameters over the months up to
the origin and forecasts ``horizon`` months. No origin's forecast uses a month after it, and a
candidate costs one fit instead of one per origin (what keeps the nightly job within its minute).
Errors: MAPE over the months with revenue, MASE scaled per origin by the in-sample mean
absolute error of the (seasonal) naive forecast on the months up to that origin (Hyndman &
Koehler 2006), averaged over the origins. The candidate with the lowest MASE is refitted on
the whole series and forecasts the months asked for with 80 % and 95 % prediction intervals.
"""

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_MONTHS = 6
SEASONAL_MONTHS = 24
PERIOD = 12
MAX_HORIZON = 12
ORIGINS = 6
# SARIMA's optimiser stops here: more iterations seldom change a monthly forecast, and the
# job's minute is spent mostly in these fits (a warning is recorded when it stops early).
SARIMA_ITERATIONS = 50

TOO_SHORT = "too_short"
NOTE_SHORT = "short_series"  # non-seasonal models only
NOTE_WARNING = "fit_warning"  # statsmodels warned (e.g. no convergence); args: spec, message
NOTE_FAILED = "candidate_failed"  # a candidate could not be fitted; args: spec, message
NOTE_FALLBACK = "fallback_naive"  # no candidate could be fitted: the benchmark forecasts
NOTE_CLIPPED = "clipped_at_zero"  # revenue is never negative: bounds below zero shown as 0


@dataclass(frozen=True)
class Candidate:
    spec: str
    family: str  # "ets" or "sarima"
    options: dict[str, Any]
    seasonal: bool
    positive_only: bool = False  # multiplicative models need every month above zero


def _ets(error: str, trend: str | None, damped: bool, seasonal: str | None) -> Candidate:
    letters = f"{error[0].upper()},{'N' if trend is None else 'A' + ('d' if damped else '')},"
    letters += "N" if seasonal is None else seasonal[0].upper()
    options: dict[str, Any] = {"error": error, "trend": trend, "damped_trend": damped}
    if seasonal is not None:
        options.update(seasonal=seasonal, seasonal_periods=PERIOD)
    return Candidate(
        f"ETS({letters})", "ets", options, seasonal is not None, positive_only=error == "mul"
    )


def _sarima(order: tuple[int, int, int], seasonal: tuple[int, int, int] | None) -> Candidate:
    spec = f"ARIMA{order}".replace(" ", "")
    options: dict[str, Any] = {"order": order}
    if seasonal is not None:
        options["seasonal_order"] = (*seasonal, PERIOD)
        spec = f"SARIMA{order}{seasonal}{PERIOD}".replace(" ", "")
    return Candidate(spec, "sarima", options, seasonal is not None)


# The grid: small on purpose (each candidate is one fit per series and night). ``light`` is
# the grid of the many small series (one per account manager): the quick fits only.
NON_SEASONAL = (
    _ets("add", None, False, None),
    _ets("add", "add", True, None),
    # ARIMA(0,1,1) is ETS(A,N,N) again (and its MA term the slowest fit): an AR term instead.
    _sarima((1, 1, 0), None),
)
SEASONAL = (
    _ets("add", None, False, "add"),
    _ets("add", "add", True, "add"),
    _ets("mul", "add", True, "mul"),
    # Seasonal differencing without a seasonal MA term: the airline model's seasonal MA
    # adds twelve states and made each fit ten times slower, for little on monthly revenue.
    _sarima((1, 0, 0), (0, 1, 0)),
    _sarima((1, 1, 0), (0, 1, 0)),
)
LIGHT_NON_SEASONAL = (_ets("add", None, False, None), _sarima((1, 1, 0), None))
LIGHT_SEASONAL = (_sarima((1, 1, 0), (0, 1, 0)),)


def candidates(*, seasonal: bool, positive: bool, light: bool = False) -> list[Candidate]:
    grid = list(LIGHT_NON_SEASONAL if light else NON_SEASONAL)
    if seasonal:
        grid += LIGHT_SEASONAL if light else SEASONAL
    return [candidate for candidate in grid if positive or not candidate.positive_only]


# -- fitting ------------------------------------------------------------------------------------


def _heuristic(candidate: Candidate, length: int) -> bool:
    """ETS starts from the classical decomposition of the first months (only the smoothing
    parameters are estimated: 10–30 times faster than estimating the initial states too)
    when there are enough of them: two years for a seasonal model, 10 months otherwise."""
    return length >= (2 * PERIOD if candidate.seasonal else 10)


def _model(candidate: Candidate, y: np.ndarray, *, heuristic: bool) -> Any:
    # Imported here: statsmodels takes a second to import, and only the job needs it.
    if candidate.family == "ets":
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        method = "heuristic" if heuristic else "estimated"
        # A Series: ETS prediction intervals need an index (statsmodels 0.15 fails on arrays).
        return ETSModel(pd.Series(y), initialization_method=method, **candidate.options)
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    return SARIMAX(y, **candidate.options)


def _fit(candidate: Candidate, y: np.ndarray, notes: list[dict[str, Any]]) -> Any:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = _model(candidate, y, heuristic=_heuristic(candidate, len(y)))
        if candidate.family == "ets":
            result = model.fit(disp=False)
        else:
            result = model.fit(disp=False, maxiter=SARIMA_ITERATIONS)
    _record(caught, candidate.spec, notes)
    return result


def _rerun(candidate: Candidate, fitted: Any, y: np.ndarray, *, train: int) -> Any:
    """The candidate fitted on the first ``train`` months, its parameters run over ``y`` (a
    longer series with the same beginning): no estimation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if candidate.family == "ets":
            model = _model(candidate, y, heuristic=_heuristic(candidate, train))
            return model.smooth(fitted.params)
        return fitted.apply(y)


def _record(caught: list[warnings.WarningMessage], spec: str, notes: list[dict[str, Any]]) -> None:
    seen = {(note.get("spec"), note.get("message")) for note in notes}
    for warning in caught:
        message = str(warning.message).splitlines()[0][:200]
        if (spec, message) not in seen:
            seen.add((spec, message))
            notes.append({"code": NOTE_WARNING, "spec": spec, "message": message})


def _point_forecast(result: Any, steps: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(result.forecast(steps), dtype=float)


# -- benchmarks and errors ----------------------------------------------------------------------


def naive_forecast(y: np.ndarray, steps: int, period: int) -> np.ndarray:
    """The (seasonal) naive forecast: month h after the end repeats the month ``period``
    months before it, within the last ``period`` months (period 1: the last month)."""
    last = y[-period:]
    return np.array([last[step % period] for step in range(steps)], dtype=float)


def naive_scale(y: np.ndarray, period: int) -> float:
    """In-sample mean absolute error of the (seasonal) naive forecast: MASE's denominator."""
    if len(y) <= period:
        return math.nan
    return float(np.mean(np.abs(y[period:] - y[:-period])))


def errors(actual: Sequence[np.ndarray], forecast: Sequence[np.ndarray], scales: Sequence[float]):
    """(MAPE in %, MASE) over the origins: MAPE over every forecast month with revenue, MASE
    the mean over origins of each origin's MAE divided by its scale. None when undefined."""
    actual_all = np.concatenate(actual)
    forecast_all = np.concatenate(forecast)
    nonzero = actual_all != 0
    mape = None
    if nonzero.any():
        mape = float(
            100
            * np.mean(np.abs((actual_all[nonzero] - forecast_all[nonzero]) / actual_all[nonzero]))
        )
    scaled = [
        float(np.mean(np.abs(a - f)) / scale)
        for a, f, scale in zip(actual, forecast, scales, strict=True)
        if scale and not math.isnan(scale)
    ]
    mase = float(np.mean(scaled)) if scaled else None
    return mape, mase


@dataclass(frozen=True)
class Backtest:
    horizon: int
    origins: list[int]  # the number of months known at each origin
    period: int  # 12: seasonal naive benchmark and scale; 1: naive


def backtest_plan(length: int, *, seasonal: bool) -> Backtest:
    """Up to ``ORIGINS`` origins, the last one ``horizon`` months before the end."""
    horizon = 1 if length < 12 else 3 if length < 36 else 6
    first_train = SEASONAL_MONTHS if seasonal else max(4, length // 2)
    first = max(first_train, length - horizon - ORIGINS + 1)
    last = length - horizon
    return Backtest(horizon, list(range(first, last + 1)), PERIOD if seasonal else 1)


def backtest(
    y: np.ndarray, plan: Backtest, forecaster: Callable[[np.ndarray, int], np.ndarray]
) -> tuple[float | None, float | None]:
    """MAPE and MASE of ``forecaster(known months, steps)`` over the plan's origins."""
    actual, forecast, scales = [], [], []
    for origin in plan.origins:
        actual.append(y[origin : origin + plan.horizon])
        forecast.append(forecaster(y[:origin], plan.horizon))
        scales.append(naive_scale(y[:origin], plan.period))
    return errors(actual, forecast, scales)


# -- the forecast -------------------------------------------------------------------------------


def _months(start: str, count: int) -> list[str]:
    first = pd.Period(start, freq="M")
    return [str(first + step) for step in range(count)]


def _intervals(candidate: Candidate, result: Any, length: int, steps: int) -> dict[str, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if candidate.family == "ets":
            prediction = result.get_prediction(start=length, end=length + steps - 1)
            bands = {"mean": np.asarray(prediction.predicted_mean, dtype=float)}
            for level, alpha in (("80", 0.2), ("95", 0.05)):
                interval = np.asarray(prediction.pred_int(alpha=alpha), dtype=float)
                bands[f"lo{level}"], bands[f"hi{level}"] = interval[:, 0], interval[:, 1]
            return bands
        forecast = result.get_forecast(steps)
        bands = {"mean": np.asarray(forecast.predicted_mean, dtype=float)}
        for level, alpha in (("80", 0.2), ("95", 0.05)):
            interval = np.asarray(forecast.conf_int(alpha=alpha), dtype=float)
            bands[f"lo{level}"], bands[f"hi{level}"] = interval[:, 0], interval[:, 1]
        return bands


def _naive_intervals(y: np.ndarray, steps: int, period: int) -> dict[str, np.ndarray]:
    """The benchmark with normal intervals from its in-sample residuals (σ·√k, where k is how
    many periods ahead the repeated month is)."""
    sigma = float(np.std(y[period:] - y[:-period], ddof=0)) if len(y) > period else 0.0
    mean = naive_forecast(y, steps, period)
    spread = sigma * np.sqrt(np.arange(steps) // period + 1)
    bands = {"mean": mean}
    for level, z in (("80", 1.2815515655446004), ("95", 1.959963984540054)):
        bands[f"lo{level}"], bands[f"hi{level}"] = mean - z * spread, mean + z * spread
    return bands


def forecast_series(
    values: Sequence[float],
    *,
    start: str,
    horizon: int = MAX_HORIZON,
    light: bool = False,
    seasonal: bool | None = None,
) -> dict[str, Any]:
    """Forecast the ``horizon`` months after a monthly series that begins in month ``start``
    ("YYYY-MM"). ``seasonal`` None: decided by the length; ``light``: the quick grid."""
    began = time.perf_counter()
    y = np.asarray(values, dtype=float)
    length = len(y)
    history = [
        {"month": month, "amount": round(float(amount), 2)}
        for month, amount in zip(_months(start, length), y, strict=True)
    ]
    result: dict[str, Any] = {"months": length, "history": history, "notes": [], "refused": None}
    if length < MIN_MONTHS:
        result.update(refused=TOO_SHORT, forecast=[], model=None, backtest=None)
        result["fit_seconds"] = round(time.perf_counter() - began, 3)
        return result
    notes: list[dict[str, Any]] = result["notes"]
    if seasonal is None:
        seasonal = length >= SEASONAL_MONTHS + backtest_plan(length, seasonal=False).horizon
        if not seasonal:
            notes.append({"code": NOTE_SHORT})
    plan = backtest_plan(length, seasonal=seasonal)
    benchmark_mape, benchmark_mase = backtest(
        y, plan, lambda known, steps: naive_forecast(known, steps, plan.period)
    )
    train = y[: plan.origins[0]]
    size = len(train)
    scored = []
    for candidate in candidates(seasonal=seasonal, positive=bool((y > 0).all()), light=light):
        try:
            fitted = _fit(candidate, train, notes)

            def forecaster(known, steps, candidate=candidate, fitted=fitted, size=size):
                return _point_forecast(_rerun(candidate, fitted, known, train=size), steps)

            mape, mase = backtest(y, plan, forecaster)
        except Exception as error:  # noqa: BLE001  (a candidate that cannot fit is skipped)
            notes.append({"code": NOTE_FAILED, "spec": candidate.spec, "message": str(error)[:200]})
            continue
        if mase is None or not math.isfinite(mase):
            continue
        scored.append((mase, mape if mape is not None else math.inf, candidate))
    scored.sort(key=lambda item: (item[0], item[1]))
    bands = None
    chosen: Candidate | None = None
    for _mase, _mape, candidate in scored:
        try:
            bands = _intervals(candidate, _fit(candidate, y, notes), length, horizon)
        except Exception as error:  # noqa: BLE001
            notes.append({"code": NOTE_FAILED, "spec": candidate.spec, "message": str(error)[:200]})
            continue
        if all(np.isfinite(band).all() for band in bands.values()):
            chosen = candidate
            break
    if chosen is None:
        notes.append({"code": NOTE_FALLBACK})
        bands = _naive_intervals(y, horizon, plan.period)
    assert bands is not None
    if any((band < 0).any() for band in bands.values()):
        notes.append({"code": NOTE_CLIPPED})
    last = pd.Period(start, freq="M") + length
    result["forecast"] = [
        {
            "month": str(last + step),
            **{key: round(max(float(band[step]), 0.0), 2) for key, band in bands.items()},
        }
        for step in range(horizon)
    ]
    by_spec = {candidate.spec: (mape, mase) for mase, mape, candidate in scored}
    chosen_errors = by_spec.get(chosen.spec) if chosen else (benchmark_mape, benchmark_mase)
    result["model"] = {
        "spec": chosen.spec if chosen else ("SNAIVE" if plan.period > 1 else "NAIVE"),
        "family": chosen.family if chosen else "naive",
        "seasonal": seasonal,
    }
    result["backtest"] = {
        "origins": len(plan.origins),
        "horizon": plan.horizon,
        "benchmark": "seasonal_naive" if plan.period > 1 else "naive",
        "mape": _finite(chosen_errors[0] if chosen_errors else None),
        "mase": _finite(chosen_errors[1] if chosen_errors else None),
        "benchmark_mape": _finite(benchmark_mape),
        "benchmark_mase": _finite(benchmark_mase),
        "candidates": [
            {"spec": candidate.spec, "mape": _finite(mape), "mase": _finite(mase)}
            for mase, mape, candidate in scored
        ],
    }
    result["fit_seconds"] = round(time.perf_counter() - began, 3)
    return result


def _finite(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, 4)
