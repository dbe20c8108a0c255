"""Delphi rounds 德尔菲法: experts rank the indicators privately; what the round feeds back.

Per indicator: the mean rank, its standard deviation and coefficient of variation (CV =
std / mean; a small CV is agreement on that indicator). For the whole panel Kendall's
coefficient of concordance W (0 no agreement, 1 every expert ranked alike), with the
correction for tied ranks. The weights that follow from a round: the Borda points ``n − mean
rank + 1`` normalised to sum 1, so rank 1 weighs most.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


class RankingError(ValueError):
    """A round that cannot be summarised: ``expert`` is the index of the bad ranking."""

    def __init__(self, kind: str, expert: int | None = None):
        super().__init__(f"{kind}: expert {expert}")
        self.kind, self.expert = kind, expert


@dataclass(frozen=True)
class RoundSummary:
    mean_ranks: list[float]
    std: list[float]
    cv: list[float]
    kendall_w: float
    weights: list[float]


def kendall_w(ranks: np.ndarray) -> float:
    """Kendall's W of an experts × items matrix of ranks (ties as mean ranks)."""
    experts, items = ranks.shape
    if experts < 2 or items < 2:
        return 1.0
    totals = ranks.sum(axis=0)
    spread = float(((totals - totals.mean()) ** 2).sum())
    ties = sum(
        count**3 - count for row in ranks for count in Counter(row.tolist()).values() if count > 1
    )
    denominator = experts**2 * (items**3 - items) - experts * ties
    return 12 * spread / denominator if denominator else 1.0


def summarise(rankings: Sequence[Sequence[float]]) -> RoundSummary:
    """What a round feeds back, from each expert's ranks of the same items (1 = first)."""
    if len(rankings) == 0:
        raise RankingError("empty")
    items = len(rankings[0])
    for expert, ranking in enumerate(rankings):
        if len(ranking) != items or items == 0:
            raise RankingError("size", expert)
        if any(not 1 <= rank <= items for rank in ranking):
            raise RankingError("out_of_range", expert)
        if abs(sum(ranking) - items * (items + 1) / 2) > 1e-6:
            raise RankingError("not_a_ranking", expert)
    ranks = np.array(rankings, dtype="float64")
    mean = ranks.mean(axis=0)
    std = ranks.std(axis=0, ddof=1) if len(ranks) > 1 else np.zeros(items)
    points = items - mean + 1
    return RoundSummary(
        mean_ranks=[float(v) for v in mean],
        std=[float(v) for v in std],
        cv=[float(v) for v in std / mean],
        kendall_w=kendall_w(ranks),
        weights=[float(v) for v in points / points.sum()],
    )
