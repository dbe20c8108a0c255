"""Association rules on a basket set whose figures were computed by hand.

Baskets (n = 5): {1,2,3} {1,2} {1,3} {2,4} {1,2,4}; product 1 = A, 2 = B, 3 = C, 4 = D.
A is in 4 baskets, B 4, C 2, D 2. Together: AB 3, AC 2, BD 2, AD 1, BC 1, CD 0.

    rule    support       confidence      lift = confidence ÷ support(consequent)
    A → B   3/5 = 0.6     3/4 = 0.75      0.75 ÷ 0.8 = 0.9375
    B → A   0.6           0.75            0.9375
    A → C   2/5 = 0.4     2/4 = 0.5       0.5 ÷ 0.4 = 1.25
    C → A   0.4           2/2 = 1.0       1.0 ÷ 0.8 = 1.25
    B → D   0.4           2/4 = 0.5       0.5 ÷ 0.4 = 1.25
    D → B   0.4           2/2 = 1.0       1.0 ÷ 0.8 = 1.25
    A → D   1/5 = 0.2     1/4 = 0.25      0.25 ÷ 0.4 = 0.625
    D → A   0.2           1/2 = 0.5       0.5 ÷ 0.8 = 0.625
    B → C   0.2           0.25            0.625
    C → B   0.2           0.5             0.625
"""

import numpy as np
import pytest

from guanxi.analytics.intelligence.associations import Thresholds, basket_matrix, mine_pairs

A, B, C, D = 1, 2, 3, 4
# (order, product) lines; order 10 has B twice (a basket holds each product once).
LINES = [
    (10, A), (10, B), (10, C), (10, B),
    (20, A), (20, B),
    (30, A), (30, C),
    (40, B), (40, D),
    (50, A), (50, B), (50, D),
]  # fmt: skip
EVERYTHING = Thresholds(min_support=0, min_confidence=0, min_lift=0)


def _mine(thresholds, **kwargs):
    orders = np.array([line[0] for line in LINES])
    products = np.array([line[1] for line in LINES])
    return mine_pairs(orders, products, thresholds, **kwargs)


def _rules(mined):
    return {
        (row.antecedent, row.consequent): (row.baskets, row.support, row.confidence, row.lift)
        for row in mined.rules.itertuples()
    }


def test_every_pair_bought_together_has_the_hand_computed_figures():
    mined = _mine(EVERYTHING)
    assert (mined.baskets, mined.products, mined.pairs) == (5, 4, 5)
    expected = {
        (A, B): (3, 0.6, 0.75, 0.9375),
        (B, A): (3, 0.6, 0.75, 0.9375),
        (A, C): (2, 0.4, 0.5, 1.25),
        (C, A): (2, 0.4, 1.0, 1.25),
        (B, D): (2, 0.4, 0.5, 1.25),
        (D, B): (2, 0.4, 1.0, 1.25),
        (A, D): (1, 0.2, 0.25, 0.625),
        (D, A): (1, 0.2, 0.5, 0.625),
        (B, C): (1, 0.2, 0.25, 0.625),
        (C, B): (1, 0.2, 0.5, 0.625),
    }
    found = _rules(mined)
    assert found.keys() == expected.keys()  # C and D never together: no rule
    for pair, figures in expected.items():
        assert found[pair][0] == figures[0]
        assert found[pair][1:] == pytest.approx(figures[1:]), pair


def test_each_threshold_keeps_only_the_rules_reaching_it():
    # Support ≥ 0.4 (exactly 0.4 passes): the pairs AB, AC and BD.
    assert set(_rules(_mine(Thresholds(0.4, 0, 0)))) == {
        (A, B), (B, A), (A, C), (C, A), (B, D), (D, B)
    }  # fmt: skip
    # Confidence ≥ 0.75 as well: A → B, B → A, C → A, D → B.
    assert set(_rules(_mine(Thresholds(0.4, 0.75, 0)))) == {(A, B), (B, A), (C, A), (D, B)}
    # Lift ≥ 1 as well: only the two rules whose products sell better together.
    assert set(_rules(_mine(Thresholds(0.4, 0.75, 1.0)))) == {(C, A), (D, B)}
    # A support no pair reaches: nothing.
    assert _mine(Thresholds(0.8, 0, 0)).rules.empty


def test_rare_products_are_dropped_before_the_pairs_are_counted():
    mined = _mine(Thresholds(0.6, 0, 0))
    # Only A and B (4 of 5 baskets) can be in a pair with support 0.6.
    assert mined.frequent_products == 2
    assert set(_rules(mined)) == {(A, B), (B, A)}


def test_max_rules_keeps_the_highest_lift():
    mined = _mine(EVERYTHING, max_rules=2)
    assert mined.truncated
    # Four rules have lift 1.25; the higher confidence (1.0) wins the tie.
    assert set(_rules(mined)) == {(C, A), (D, B)}


def test_no_lines_no_rules():
    mined = mine_pairs(np.array([], dtype=int), np.array([], dtype=int), EVERYTHING)
    assert mined.rules.empty and mined.baskets == 0


def test_the_basket_matrix_holds_each_product_once_per_order():
    matrix, products = basket_matrix(
        np.array([line[0] for line in LINES]), np.array([line[1] for line in LINES])
    )
    assert list(products) == [A, B, C, D]
    assert matrix.shape == (5, 4)
    assert matrix.toarray().tolist() == [
        [1, 1, 1, 0],
        [1, 1, 0, 0],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
        [1, 1, 0, 1],
    ]
