"""Fitting customer lifetime value 客户生命周期价值 on the order history (the CLV model run).

A run reads the order days of the customers it covers up to ``until`` (included), turns
each customer's days into the models' summary — ``x`` repeat purchases (order days after the
first), ``t_x`` the time of the last order day and ``T`` the time from the first order day to
``until``, in days or weeks — fits BG/NBD and Gamma–Gamma (``intelligence.clv``) and returns
their parameters. The company's run also stores, per customer, the orders expected in the
next 3, 6 and 12 months, P(alive) and the 12-month CLV discounted at the settings' rate.

Customers without any order up to ``until`` are not in the model (it describes customers from
their first purchase on) and get no score.
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.intelligence import clv
from guanxi.analytics.models import IntelligenceSettings, ModelRun
from guanxi.analytics.selectors.clv import clv_summary, company_clv_scores
from guanxi.analytics.selectors.subjects import model_customers, order_days
from guanxi.analytics.services.runs import RunRefused, runner_register, writes_scores
from guanxi.analytics.services.scores import scores_clear_stale, scores_save

TIME_UNITS = ("day", "week")
DEFAULT_TIME_UNIT = "week"
SCORE_FIELDS = (
    "expected_orders_3m",
    "expected_orders_6m",
    "expected_orders_12m",
    "p_alive",
    "clv_12m",
    "clv_at",
)
# The Gamma–Gamma fit needs this many customers who bought again (with a positive amount).
MIN_REPEAT_CUSTOMERS = 10


def clv_params(*, until: datetime.date, time_unit: str) -> dict[str, Any]:
    """The ``ModelRun.params`` of a CLV run."""
    return {"until": until.isoformat(), "time_unit": time_unit}


def customer_summary(frame: pd.DataFrame, *, until: datetime.date, time_unit: str) -> pd.DataFrame:
    """Per customer (index ``customer_id``): ``x``, ``t_x``, ``T`` in ``time_unit`` and
    ``mean_spend`` (the mean amount of the repeat order days; 0 when there is none)."""
    days = frame.sort_values(["customer_id", "day"]).groupby("customer_id", sort=True)
    first = days["day"].min()
    summary = pd.DataFrame(
        {
            "x": days.size() - 1,
            "first": first,
            "last": days["day"].max(),
            "total": days["amount"].sum(),
            "first_amount": days["amount"].first(),
        }
    )
    unit = clv.DAYS_PER_UNIT[time_unit]
    end = pd.Timestamp(until)
    summary["T"] = (end - summary["first"]).dt.days / unit
    summary["t_x"] = (summary["last"] - summary["first"]).dt.days / unit
    repeat = summary["x"] > 0
    summary["mean_spend"] = 0.0
    summary.loc[repeat, "mean_spend"] = (
        summary.loc[repeat, "total"] - summary.loc[repeat, "first_amount"]
    ) / summary.loc[repeat, "x"]
    summary["x"] = summary["x"].astype("float64")
    return summary[["x", "t_x", "T", "mean_spend"]]


def clv_fit(
    summary: pd.DataFrame, *, until: datetime.date, time_unit: str, min_customers: int
) -> tuple[clv.BGNBD, clv.GammaGamma]:
    """Both models fitted on ``summary``, or ``RunRefused`` saying what history is missing."""
    customers = len(summary)
    day = until.isoformat()
    if customers < min_customers:
        raise RunRefused(
            _(
                "Too little history to fit customer lifetime value: %(found)s customers "
                "ordered up to %(until)s, at least %(needed)s are needed."
            )
            % {"found": customers, "until": day, "needed": min_customers}
        )
    repeaters = int(((summary["x"] > 0) & (summary["mean_spend"] > 0)).sum())
    if repeaters < MIN_REPEAT_CUSTOMERS:
        raise RunRefused(
            _(
                "Too little history to fit customer lifetime value: only %(found)s customers "
                "ordered on more than one day up to %(until)s, at least %(needed)s are needed."
            )
            % {"found": repeaters, "until": day, "needed": MIN_REPEAT_CUSTOMERS}
        )
    x, t_x, T = (summary[column].to_numpy() for column in ("x", "t_x", "T"))
    try:
        bgnbd = clv.bgnbd_fit(x, t_x, T)
        spend = clv.gamma_gamma_fit(x, summary["mean_spend"].to_numpy())
    except clv.FitFailed as failure:
        raise RunRefused(
            _(
                "The customer lifetime value models could not be fitted on the history up to "
                "%(until)s; more customers or a longer history are needed."
            )
            % {"until": day}
        ) from failure
    return bgnbd, spend


def _decimal(value: float, places: int) -> Decimal | None:
    if not np.isfinite(value):
        return None
    return Decimal(f"{value:.{places}f}")


def clv_score_rows(
    summary: pd.DataFrame,
    bgnbd: clv.BGNBD,
    spend: clv.GammaGamma,
    *,
    time_unit: str,
    annual_discount: float,
    at: datetime.datetime,
) -> Iterator[dict[str, Any]]:
    """The per-customer CLV columns for ``scores_save``."""
    x, t_x, T = (summary[column].to_numpy() for column in ("x", "t_x", "T"))
    expected = {
        months: clv.expected_transactions(bgnbd, clv.months_in_unit(months, time_unit), x, t_x, T)
        for months in (3, 6, 12)
    }
    alive = clv.probability_alive(bgnbd, x, t_x, T)
    value = clv.lifetime_value(
        bgnbd,
        spend,
        x=x,
        t_x=t_x,
        T=T,
        mean_spend=summary["mean_spend"].to_numpy(),
        time_unit=time_unit,
        annual_discount=annual_discount,
    )
    for i, customer_id in enumerate(summary.index.to_numpy()):
        yield {
            "customer_id": int(customer_id),
            "expected_orders_3m": _decimal(expected[3][i], 3),
            "expected_orders_6m": _decimal(expected[6][i], 3),
            "expected_orders_12m": _decimal(expected[12][i], 3),
            "p_alive": _decimal(min(max(alive[i], 0.0), 1.0), 4),
            "clv_12m": _decimal(value[i], 2),
            "clv_at": at,
        }


def clv_result(
    bgnbd: clv.BGNBD, spend: clv.GammaGamma, *, customers: int, until: str, time_unit: str
) -> dict[str, Any]:
    """The run's result, the shape ``POST /api/analytics/clv/fit/`` answers."""
    return {
        "bgnbd": {
            "r": bgnbd.r,
            "alpha": bgnbd.alpha,
            "a": bgnbd.a,
            "b": bgnbd.b,
            "log_likelihood": bgnbd.log_likelihood,
        },
        "gamma_gamma": {"p": spend.p, "q": spend.q, "v": spend.v},
        "customers": customers,
        "until": until,
        "time_unit": time_unit,
    }


def clv_runner(run: ModelRun) -> tuple[dict[str, Any], int]:
    """One CLV run (``services.runs`` registry): fit, and store the scores for the company."""
    until = (
        datetime.date.fromisoformat(run.params["until"])
        if run.params.get("until")
        else timezone.localdate()
    )
    time_unit = run.params.get("time_unit") or DEFAULT_TIME_UNIT
    settings = IntelligenceSettings.current()
    customers = model_customers(
        actor=run.actor, tag=run.subset.get("tag", ""), segment=run.subset.get("segment")
    )
    frame = order_days(customers, until=until)
    summary = customer_summary(frame, until=until, time_unit=time_unit)
    bgnbd, spend = clv_fit(
        summary, until=until, time_unit=time_unit, min_customers=settings.clv_min_customers
    )
    company_summary = None
    if writes_scores(run):
        at = timezone.now()
        rows = clv_score_rows(
            summary,
            bgnbd,
            spend,
            time_unit=time_unit,
            annual_discount=float(settings.clv_discount_rate) / 100,
            at=at,
        )
        scores_save(rows=rows, fields=SCORE_FIELDS)
        scores_clear_stale(fields=SCORE_FIELDS, at_field="clv_at", before=at)
        # The report's company-wide figures, read from here instead of aggregated per request.
        company_summary = clv_summary(company_clv_scores())
    result = clv_result(
        bgnbd, spend, customers=len(summary), until=until.isoformat(), time_unit=time_unit
    )
    if company_summary is not None:
        result["company_summary"] = company_summary
    return result, len(frame)


runner_register(ModelRun.Kind.CLV, clv_runner)
