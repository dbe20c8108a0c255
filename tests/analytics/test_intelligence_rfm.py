"""RFM scores, segments and the purchase cycle on hand-made order days (known answers)."""

import datetime

import numpy as np
import pandas as pd
import pytest

from guanxi.analytics.intelligence.rfm import (
    purchase_cycles,
    quintile_scores,
    rfm,
    segment_of,
)

D = datetime.date


def frame(rows):
    """(customer, "YYYY-MM-DD", amount) → the order-days frame the models read."""
    return pd.DataFrame(
        {
            "customer_id": [row[0] for row in rows],
            "day": pd.to_datetime([row[1] for row in rows]),
            "amount": [float(row[2]) for row in rows],
        }
    )


def test_quintile_scores_by_rank_of_ten_distinct_values():
    # k values beaten → 1 + ⌊5k/10⌋: two customers per quintile.
    values = np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert quintile_scores(values).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # Smaller is better (recency): the order turns round.
    assert quintile_scores(values, higher_is_better=False).tolist() == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]


def test_ties_share_the_score_of_their_lowest_rank():
    # Six of ten bought once: they beat nobody and all score 1; 2 beats 6 → 1 + ⌊30/10⌋ = 4.
    values = np.array([1, 1, 1, 1, 1, 1, 2, 2, 3, 5])
    assert quintile_scores(values).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert quintile_scores(np.array([7, 7, 7])).tolist() == [1, 1, 1]
    # Recency ties: 3 customers at 5 days beat the two at 40 days → 1 + ⌊5·2/5⌋ = 3.
    assert quintile_scores(np.array([5, 5, 5, 40, 40]), higher_is_better=False).tolist() == [
        3,
        3,
        3,
        1,
        1,
    ]
    assert quintile_scores(np.array([])).tolist() == []


@pytest.mark.parametrize(
    ("scores", "segment"),
    [
        ((5, 5, 5), "champion"),
        ((3, 3, 3), "champion"),
        ((2, 4, 4), "at_risk_loyal"),
        ((4, 1, 5), "promising"),
        ((1, 2, 3), "slipping"),
        ((5, 5, 2), "regular"),
        ((2, 5, 1), "regular_lapsing"),
        ((5, 1, 1), "new"),
        ((2, 2, 2), "lost"),
    ],
)
def test_segment_from_high_and_low_scores(scores, segment):
    assert segment_of(*scores) == segment


def test_rfm_of_a_hand_made_set():
    as_of = D(2026, 6, 30)
    days = frame(
        [
            # 1: three order days, last 2026-06-20 (10 days), 600 in the window.
            (1, "2026-02-01", 100),
            (1, "2026-04-01", 200),
            (1, "2026-06-20", 300),
            # 2: one order day 2026-06-29 (1 day), 50.
            (2, "2026-06-29", 50),
            # 3: two order days, last 2026-01-15 (166 days), 1000; one before the window.
            (3, "2025-01-01", 9999),
            (3, "2025-12-01", 400),
            (3, "2026-01-15", 600),
            # 4: one order day, 2026-05-31 (30 days), 80.
            (4, "2026-05-31", 80),
            # 5: two order days, 2026-06-10 (20 days), 10 + 5.
            (5, "2026-03-10", 10),
            (5, "2026-06-10", 5),
            # 6: only before the window (365 days: 2025-07-01 … 2026-06-30).
            (6, "2025-06-30", 700),
            # after as_of: not read.
            (2, "2026-07-01", 1),
        ]
    )
    result = rfm(days, as_of=as_of, window_days=365)
    table = result.table.set_index("customer_id")
    assert result.buyers == 5
    assert table.loc[6, "segment"] == "no_purchase"
    assert (table.loc[6, "recency_days"], table.loc[6, "frequency"]) == (365, 0)
    assert table.loc[6, "r_score"] == 0
    # Recency 10, 1, 166, 30, 20 → beaten (larger recency): 3, 4, 0, 1, 2 → 4, 5, 1, 2, 3.
    assert table.loc[[1, 2, 3, 4, 5], "recency_days"].tolist() == [10, 1, 166, 30, 20]
    assert table.loc[[1, 2, 3, 4, 5], "r_score"].tolist() == [4, 5, 1, 2, 3]
    # Frequency 3, 1, 2, 1, 2 → beaten 4, 0, 2, 0, 2 → 5, 1, 3, 1, 3.
    assert table.loc[[1, 2, 3, 4, 5], "frequency"].tolist() == [3, 1, 2, 1, 2]
    assert table.loc[[1, 2, 3, 4, 5], "f_score"].tolist() == [5, 1, 3, 1, 3]
    # Monetary 600, 50, 1000, 80, 15 → beaten 3, 1, 4, 2, 0 → 4, 2, 5, 3, 1.
    assert table.loc[[1, 2, 3, 4, 5], "monetary"].tolist() == [600, 50, 1000, 80, 15]
    assert table.loc[[1, 2, 3, 4, 5], "m_score"].tolist() == [4, 2, 5, 3, 1]
    assert table.loc[[1, 2, 3, 4, 5], "segment"].tolist() == [
        "champion",  # R4 F5 M4
        "new",  # R5 F1 M2
        "at_risk_loyal",  # R1 F3 M5
        "slipping",  # R2 F1 M3
        "regular",  # R3 F3 M1
    ]
    assert result.edges["recency_days"][0] == {"score": 1, "min": 166, "max": 166, "customers": 1}
    assert [edge["score"] for edge in result.edges["frequency"]] == [1, 3, 5]


def test_rfm_of_no_orders():
    result = rfm(frame([]), as_of=D(2026, 6, 30), window_days=365)
    assert result.table.empty and result.buyers == 0


def test_purchase_cycle_is_the_median_interval_between_distinct_order_days():
    days = frame(
        [
            # intervals 10, 20, 40 → median 20; due 2026-03-12 + 20 = 2026-04-01.
            (1, "2026-01-01", 1),
            (1, "2026-01-11", 1),
            (1, "2026-01-11", 1),  # a second order the same day is the same order day
            (1, "2026-01-31", 1),
            (1, "2026-03-12", 1),
            # intervals 7 and 8 → median 7.5 rounded half up to 8; due 2026-05-24.
            (2, "2026-05-01", 1),
            (2, "2026-05-08", 1),
            (2, "2026-05-16", 1),
            # one interval: too few for a cycle (2 needed), the count is kept.
            (3, "2026-01-01", 1),
            (3, "2026-02-01", 1),
            # one order day: no interval.
            (4, "2026-06-01", 1),
        ]
    )
    table = purchase_cycles(days, min_intervals=2).set_index("customer_id")
    assert table.loc[[1, 2, 3, 4], "intervals"].tolist() == [3, 2, 1, 0]
    assert table.loc[1, "cycle_days"] == 20 and table.loc[2, "cycle_days"] == 8
    assert table.loc[1, "next_due"] == pd.Timestamp("2026-04-01")
    assert table.loc[2, "next_due"] == pd.Timestamp("2026-05-24")
    assert pd.isna(table.loc[3, "cycle_days"]) and pd.isna(table.loc[3, "next_due"])
    assert table.loc[3, "last_day"] == pd.Timestamp("2026-02-01")
    # With one interval enough, customer 3 has a cycle of 31 days.
    assert (
        purchase_cycles(days, min_intervals=1).set_index("customer_id").loc[3, "cycle_days"] == 31
    )
    assert purchase_cycles(frame([]), min_intervals=2).empty
