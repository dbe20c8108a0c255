"""Computing RFM 客户价值分群 and the purchase cycle 购买周期 (``intelligence.rfm``), and storing
them.

One runner serves both kinds of run: ``ModelRun.Kind.RFM`` computes RFM and the purchase cycle
from one read of the order history (the nightly job), ``PURCHASE_CYCLE`` the cycle alone. RFM
reads the last ``IntelligenceSettings.rfm_window_days`` days; the cycle all history. Only the
company's run (``ModelRun.company_wide``) writes the per-customer scores, and it resets the
scores of customers it no longer scores (no order left, in the recycle bin), so no stale
segment or due date stays behind. A manager's run is their analysis: the segment counts and
quintile edges of their own customers, in the run's result only.
"""

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.intelligence import rfm as model
from guanxi.analytics.models import IntelligenceSettings, ModelRun
from guanxi.analytics.selectors.subjects import model_customers, order_days
from guanxi.analytics.services.runs import run_request, runner_register, writes_scores
from guanxi.analytics.services.scores import scores_clear_stale, scores_save
from guanxi.core.rules import require

RFM_FIELDS = (
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "rfm_at",
)
CYCLE_FIELDS = ("cycle_days", "cycle_intervals", "next_order_due", "cycle_at")
# Up to this many customers a run asked for on a page or through the API is computed in the
# request (a second or two); above, the worker computes it and the answer points to the run.
INLINE_CUSTOMERS = 20_000
CENT = Decimal("0.01")


def _as_of(run: ModelRun) -> date:
    asked = run.params.get("as_of")
    return date.fromisoformat(asked) if asked else timezone.localdate(run.started_at)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _date(value: Any) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _rfm_rows(table: pd.DataFrame, *, at: Any) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    columns = (
        table["customer_id"].tolist(),
        table["recency_days"].tolist(),
        table["frequency"].tolist(),
        table["monetary"].tolist(),
        table["r_score"].tolist(),
        table["f_score"].tolist(),
        table["m_score"].tolist(),
        table["segment"].tolist(),
    )
    for customer, recency, frequency, monetary, r, f, m, segment in zip(*columns, strict=True):
        rows[customer] = {
            "customer_id": customer,
            "recency_days": recency,
            "frequency": frequency,
            "monetary": _money(monetary),
            # 0: no purchase in the window, stored as "no score".
            "r_score": r or None,
            "f_score": f or None,
            "m_score": m or None,
            "rfm_segment": segment,
            "rfm_at": at,
        }
    return rows


def _cycle_rows(table: pd.DataFrame, *, at: Any) -> dict[int, dict[str, Any]]:
    rows: dict[int, dict[str, Any]] = {}
    cycles = table["cycle_days"].to_numpy(dtype="float64")
    columns = (
        table["customer_id"].tolist(),
        [None if np.isnan(c) else int(c) for c in cycles],
        table["intervals"].tolist(),
        [_date(d) for d in table["next_due"].tolist()],
    )
    for customer, cycle, intervals, due in zip(*columns, strict=True):
        rows[customer] = {
            "customer_id": customer,
            "cycle_days": cycle,
            "cycle_intervals": intervals,
            "next_order_due": due,
            "cycle_at": at,
        }
    return rows


def _segment_summary(result: model.RFMResult) -> dict[str, dict[str, Any]]:
    table = result.table
    grouped = table.groupby("segment").agg(
        customers=("customer_id", "size"), revenue=("monetary", "sum")
    )
    summary = {}
    for key in model.SEGMENT_ORDER:
        customers = int(grouped["customers"].get(key, 0))
        revenue = float(grouped["revenue"].get(key, 0.0))
        summary[key] = {"customers": customers, "revenue": str(_money(revenue))}
    return summary


def _cycle_summary(
    cycles: pd.DataFrame, *, as_of: date, notice_days: int, min_intervals: int
) -> dict[str, Any]:
    with_cycle = cycles[cycles["cycle_days"].notna()]
    due = with_cycle["next_due"]
    today = pd.Timestamp(as_of)
    return {
        "min_intervals": min_intervals,
        "customers": int(len(with_cycle)),
        "median_cycle_days": (
            float(with_cycle["cycle_days"].median()) if len(with_cycle) else None
        ),
        "overdue": int((due < today).sum()),
        "due_soon": int(((due >= today) & (due <= today + pd.Timedelta(days=notice_days))).sum()),
    }


def rfm_runner(run: ModelRun, *, with_rfm: bool = True) -> tuple[dict[str, Any], int]:
    """Compute one run (see the module's text); returns its result and the order days read."""
    settings = IntelligenceSettings.current()
    as_of = _as_of(run)
    customers = model_customers(
        actor=run.actor, tag=run.subset.get("tag", ""), segment=run.subset.get("segment")
    )
    days = order_days(customers, until=as_of)
    at = run.started_at
    cycles = model.purchase_cycles(days, min_intervals=settings.cycle_min_intervals)
    result: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "customers": int(len(cycles)),
        "cycle": _cycle_summary(
            cycles,
            as_of=as_of,
            notice_days=settings.reorder_notice_days,
            min_intervals=settings.cycle_min_intervals,
        ),
    }
    rows = _cycle_rows(cycles, at=at)
    fields: tuple[str, ...] = CYCLE_FIELDS
    if with_rfm:
        scored = model.rfm(days, as_of=as_of, window_days=settings.rfm_window_days)
        result.update(
            window_days=settings.rfm_window_days,
            buyers=scored.buyers,
            segments=_segment_summary(scored),
            edges=scored.edges,
        )
        for customer, row in _rfm_rows(scored.table, at=at).items():
            rows[customer].update(row)
        fields = CYCLE_FIELDS + RFM_FIELDS
    if writes_scores(run):
        scores_save(rows=rows.values(), fields=fields)
        scores_clear_stale(fields=CYCLE_FIELDS, at_field="cycle_at", before=at)
        if with_rfm:
            scores_clear_stale(fields=RFM_FIELDS, at_field="rfm_at", before=at)
    return result, int(len(days))


def _cycle_runner(run: ModelRun) -> tuple[dict[str, Any], int]:
    return rfm_runner(run, with_rfm=False)


runner_register(ModelRun.Kind.RFM, rfm_runner)
runner_register(ModelRun.Kind.PURCHASE_CYCLE, _cycle_runner)


def rfm_compute(*, actor: User | None, background: bool | None = None) -> ModelRun:
    """Recompute RFM and the purchase cycle now (the nightly run, or "Recompute now").

    ``actor`` None: the scheduled company run. A user needs the reports' right; who sees
    everything recomputes the company's scores, anyone else their own customers' figures.
    ``background`` None: in the worker when the customers are many (``INLINE_CUSTOMERS``).
    """
    if actor is not None:
        require(actor, rules.VIEW_REPORTS, _("You may not compute customer figures."))
    if background is None:
        background = model_customers(actor=actor).count() > INLINE_CUSTOMERS
    return run_request(kind=ModelRun.Kind.RFM, actor=actor, background=background)
