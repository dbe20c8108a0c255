"""Delphi rounds: mean ranks, spread, Kendall's W and the weights, on hand-computed rounds."""

import pytest

from guanxi.evaluation.methods.delphi import RankingError, kendall_w, summarise


def test_experts_who_agree_have_w_one_and_zero_spread():
    summary = summarise([[1, 2, 3], [1, 2, 3], [1, 2, 3]])
    assert summary.kendall_w == pytest.approx(1.0)
    assert summary.std == [0.0, 0.0, 0.0]
    # Borda points 3, 2, 1 → 3/6, 2/6, 1/6.
    assert summary.weights == pytest.approx([0.5, 1 / 3, 1 / 6])


def test_opposite_rankings_have_w_zero():
    assert summarise([[1, 2, 3], [3, 2, 1]]).kendall_w == pytest.approx(0.0)


def test_a_round_by_hand():
    # Three experts, four indicators. Rank sums 4, 8, 8, 10 (total 30, mean 7.5):
    # S = (4 − 7.5)² + (8 − 7.5)² + (8 − 7.5)² + (10 − 7.5)² = 12.25 + 0.25 + 0.25 + 6.25 = 19
    # W = 12·19 / (3²·(4³ − 4)) = 228 / 540 = 0.4222…
    rounds = [[1, 2, 3, 4], [1, 3, 4, 2], [2, 3, 1, 4]]
    summary = summarise(rounds)
    assert summary.kendall_w == pytest.approx(228 / 540)
    assert summary.mean_ranks == pytest.approx([4 / 3, 8 / 3, 8 / 3, 10 / 3])
    # Indicator 1: ranks 1, 1, 2 → sample std √(1/3), CV √(1/3) / (4/3).
    assert summary.cv[0] == pytest.approx((1 / 3) ** 0.5 / (4 / 3))


def test_tied_ranks_are_corrected():
    import numpy as np

    # Expert 2 ties the last two (2.5 each). Rank sums 2, 4.5, 5.5, mean 4: S = 4 + 0.25 + 2.25
    # = 6.5; ties T = 2³ − 2 = 6; W = 12·6.5 / (2²·24 − 2·6) = 78 / 84.
    ranks = np.array([[1, 2, 3], [1, 2.5, 2.5]])
    assert kendall_w(ranks) == pytest.approx(78 / 84)


@pytest.mark.parametrize(
    ("rankings", "kind", "expert"),
    [
        ([], "empty", None),
        ([[1, 2, 3], [1, 2]], "size", 1),
        ([[1, 2, 5]], "out_of_range", 0),
        ([[1, 1, 1]], "not_a_ranking", 0),
    ],
)
def test_a_ranking_that_is_not_one_is_refused(rankings, kind, expert):
    with pytest.raises(RankingError) as refused:
        summarise(rankings)
    assert (refused.value.kind, refused.value.expert) == (kind, expert)
