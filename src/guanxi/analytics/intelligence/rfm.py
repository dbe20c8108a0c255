"""RFM 客户价值分群 and the purchase cycle 购买周期, on a table of order days.

Input everywhere: a frame of ``customer_id``, ``day`` (datetime64) and ``amount`` (float), one
row per customer and day with orders (``analytics.selectors.subjects.order_days``).

RFM over a window of ``window_days`` days ending on ``as_of`` (included):

- recency R = days from the customer's last order day to ``as_of``;
- frequency F = order days in the window (several orders on one day are one purchase, as the
  repeat-purchase models count them);
- monetary M = revenue in the window.

Quintile scores 1–5 are given among the customers who bought in the window (the buyers), by
rank: a customer whose value beats ``k`` of the ``n`` buyers scores ``1 + ⌊5·k/n⌋`` (for R,
"beats" means a smaller recency). Ties: customers with the same value beat the same buyers and
so get the same score — the score of the lowest rank among them. So no tie is split between
two quintiles, and when many buyers share the lowest value (one order day each) they all
score 1 and the higher quintiles hold fewer customers than a fifth.

The segment: each of R, F, M is high when its score is at least 3 (the middle quintile or
better), low otherwise; the eight combinations are the eight ``RFMSegment`` values. A customer
with orders only before the window is ``no_purchase`` (recency still counted, no scores).

The purchase cycle over all history up to ``as_of``: the intervals in days between
consecutive distinct order days, their median (rounded half up to whole days) and how many
intervals it rests on; the next order is due on the last order day + the cycle. Fewer
intervals than ``min_intervals``: no cycle (the count is still given).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

HIGH = 3  # a score at least this is "high" (the middle quintile or better)
QUINTILES = 5

# (R high, F high, M high) → segment key (the values of models.intelligence.RFMSegment).
SEGMENTS: dict[tuple[bool, bool, bool], str] = {
    (True, True, True): "champion",
    (False, True, True): "at_risk_loyal",
    (True, False, True): "promising",
    (False, False, True): "slipping",
    (True, True, False): "regular",
    (False, True, False): "regular_lapsing",
    (True, False, False): "new",
    (False, False, False): "lost",
}
NO_PURCHASE = "no_purchase"
SEGMENT_ORDER = (*SEGMENTS.values(), NO_PURCHASE)


def quintile_scores(values: np.ndarray, *, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by rank: ``1 + ⌊5·k/n⌋`` where ``k`` is how many values the value beats.

    Ties beat the same values and share one score (see the module's text).
    """
    values = np.asarray(values, dtype="float64")
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype="int64")
    ordered = np.sort(values)
    if higher_is_better:
        beaten = np.searchsorted(ordered, values, side="left")
    else:
        beaten = n - np.searchsorted(ordered, values, side="right")
    return (1 + (QUINTILES * beaten) // n).astype("int64")


def segment_of(r_score: int, f_score: int, m_score: int) -> str:
    return SEGMENTS[(r_score >= HIGH, f_score >= HIGH, m_score >= HIGH)]


@dataclass
class RFMResult:
    """One row per customer with orders up to ``as_of``: ``customer_id``, ``recency_days``,
    ``frequency``, ``monetary``, ``r_score``/``f_score``/``m_score`` (0: no purchase in the
    window), ``segment``; and, per measure, the range of values each score covers."""

    table: pd.DataFrame
    edges: dict[str, list[dict[str, float | int]]] = field(default_factory=dict)
    buyers: int = 0


def _edges(values: np.ndarray, scores: np.ndarray) -> list[dict[str, float | int]]:
    """Per score that has customers: its lowest and highest value and how many customers."""
    found = []
    for score in range(1, QUINTILES + 1):
        chosen = values[scores == score]
        if len(chosen):
            found.append(
                {
                    "score": score,
                    "min": float(chosen.min()),
                    "max": float(chosen.max()),
                    "customers": int(len(chosen)),
                }
            )
    return found


def rfm(days: pd.DataFrame, *, as_of: date, window_days: int) -> RFMResult:
    """RFM of every customer of ``days`` (order days up to ``as_of``), over the window."""
    as_of_ts = pd.Timestamp(as_of)
    start = as_of_ts - pd.Timedelta(days=window_days - 1)
    days = days[days["day"] <= as_of_ts]
    last = days.groupby("customer_id", sort=True)["day"].max()
    table = pd.DataFrame({"customer_id": last.index.to_numpy(dtype="int64")})
    table["recency_days"] = np.asarray((as_of_ts - last).dt.days, dtype="int64")
    inside = days[days["day"] >= start]
    per = inside.groupby("customer_id", sort=True).agg(
        frequency=("day", "size"), monetary=("amount", "sum")
    )
    table = table.join(per, on="customer_id")
    bought = table["frequency"].notna().to_numpy()
    table["frequency"] = table["frequency"].fillna(0).astype("int64")
    table["monetary"] = table["monetary"].fillna(0.0).astype("float64")
    edges: dict[str, list[dict[str, float | int]]] = {}
    for name, column, better in (
        ("r", "recency_days", False),
        ("f", "frequency", True),
        ("m", "monetary", True),
    ):
        scores = np.zeros(len(table), dtype="int64")
        values = table[column].to_numpy(dtype="float64")[bought]
        scores[bought] = quintile_scores(values, higher_is_better=better)
        table[f"{name}_score"] = scores
        edges[column] = _edges(values, scores[bought])
    high = {name: table[f"{name}_score"].to_numpy() >= HIGH for name in "rfm"}
    segment = np.full(len(table), NO_PURCHASE, dtype=object)
    for (r_high, f_high, m_high), key in SEGMENTS.items():
        chosen = bought & (high["r"] == r_high) & (high["f"] == f_high) & (high["m"] == m_high)
        segment[chosen] = key
    table["segment"] = segment
    return RFMResult(table=table, edges=edges, buyers=int(bought.sum()))


def purchase_cycles(days: pd.DataFrame, *, min_intervals: int) -> pd.DataFrame:
    """Per customer of ``days``: ``customer_id``, ``intervals`` (between distinct order days),
    ``cycle_days`` (median interval rounded half up; NaN with fewer than ``min_intervals``),
    ``last_day`` and ``next_due`` (last day + cycle; NaT without a cycle)."""
    ordered = days[["customer_id", "day"]].drop_duplicates().sort_values(["customer_id", "day"])
    customer = ordered["customer_id"].to_numpy(dtype="int64")
    day = ordered["day"].to_numpy(dtype="datetime64[D]")
    same = np.zeros(len(customer), dtype=bool)
    same[1:] = customer[1:] == customer[:-1]
    gaps = pd.DataFrame(
        {
            "customer_id": customer[same],
            "gap": (day[1:] - day[:-1]).astype("int64")[same[1:]] if len(day) > 1 else [],
        }
    )
    grouped = gaps.groupby("customer_id")["gap"]
    stats = pd.DataFrame({"intervals": grouped.size(), "median": grouped.median()})
    last = ordered.groupby("customer_id", sort=True)["day"].max()
    table = pd.DataFrame({"customer_id": last.index.to_numpy(dtype="int64"), "last_day": last})
    table = table.reset_index(drop=True).join(stats, on="customer_id")
    table["intervals"] = table["intervals"].fillna(0).astype("int64")
    enough = table["intervals"].to_numpy() >= max(min_intervals, 1)
    cycle = np.floor(table["median"].to_numpy(dtype="float64") + 0.5)
    table["cycle_days"] = np.where(enough, cycle, np.nan)
    table["next_due"] = table["last_day"] + pd.to_timedelta(table["cycle_days"], unit="D")
    return table.drop(columns=["median"])


def next_due(last_day: date, cycle_days: int) -> date:
    """The day the next order is due: the last order day + the cycle."""
    return last_day + timedelta(days=cycle_days)
