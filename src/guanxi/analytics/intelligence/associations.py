"""Association rules 关联规则 between pairs of products, from the orders' baskets.

A basket is one order's set of distinct products. For products X and Y, over ``n`` baskets:

- support(X → Y) = baskets holding both X and Y ÷ n,
- confidence(X → Y) = baskets holding both ÷ baskets holding X  (P(Y | X)),
- lift(X → Y) = confidence(X → Y) ÷ support(Y)  (= n·both ÷ (count(X)·count(Y))); above 1,
  X makes Y likelier than it is on average.

Every pair's count comes from one sparse matrix product: with B the baskets × products 0/1
matrix, (BᵀB)[x, y] is the number of baskets holding both x and y, and the diagonal the
number holding each. Products rarer than the minimum support are dropped first (a pair is
never more frequent than either of its products), so the product stays small. Only pairs
(rules with one product on each side) are mined: what a salesperson can act on line by line.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

COLUMNS = ("antecedent", "consequent", "baskets", "support", "confidence", "lift")
# Float comparisons of a ratio against a threshold typed as a decimal (2/5 against 0.4).
_TOLERANCE = 1e-12


@dataclass(frozen=True)
class Thresholds:
    """The minimum support, confidence and lift a rule must reach (ratios, lift a factor)."""

    min_support: float = 0.001
    min_confidence: float = 0.05
    min_lift: float = 1.2


@dataclass(frozen=True)
class Mined:
    """The rules found and what they were found in."""

    rules: pd.DataFrame  # COLUMNS, by antecedent then lift (largest first)
    baskets: int  # orders with at least one product
    products: int  # distinct products in those orders
    frequent_products: int  # products reaching the minimum support
    pairs: int  # product pairs bought together in at least one basket (among the frequent)
    truncated: bool  # more rules passed the thresholds than ``max_rules``


def _empty_rules() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "antecedent": pd.Series(dtype="int64"),
            "consequent": pd.Series(dtype="int64"),
            "baskets": pd.Series(dtype="int64"),
            "support": pd.Series(dtype="float64"),
            "confidence": pd.Series(dtype="float64"),
            "lift": pd.Series(dtype="float64"),
        }
    )


def basket_matrix(
    order_ids: np.ndarray, product_ids: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The baskets × products 0/1 matrix of the lines (``order_ids[i]`` bought
    ``product_ids[i]``; a product twice in an order counts once) and the product id of each
    column."""
    order_codes, _orders = pd.factorize(np.asarray(order_ids), sort=False)
    product_codes, products = pd.factorize(np.asarray(product_ids), sort=True)
    shape = (len(_orders), len(products))
    ones = np.ones(len(order_codes), dtype=np.int32)
    matrix = sparse.csr_matrix((ones, (order_codes, product_codes)), shape=shape)
    matrix.sum_duplicates()
    matrix.data[:] = 1  # distinct products per basket
    return matrix, np.asarray(products, dtype=np.int64)


def mine_pairs(
    order_ids: np.ndarray,
    product_ids: np.ndarray,
    thresholds: Thresholds,
    *,
    max_rules: int | None = None,
) -> Mined:
    """The rules X → Y (X ≠ Y) of the lines that reach every threshold.

    ``max_rules`` keeps only that many, the highest lift first (then confidence), so a
    threshold set to 0 cannot produce a rule per pair of the whole catalogue.
    """
    if len(order_ids) == 0:
        return Mined(_empty_rules(), 0, 0, 0, 0, False)
    matrix, products = basket_matrix(order_ids, product_ids)
    baskets = matrix.shape[0]
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    # Only products frequent enough can be in a frequent pair.
    minimum_count = max(1, math.ceil(thresholds.min_support * baskets - _TOLERANCE * baskets))
    frequent = np.flatnonzero(counts >= minimum_count)
    if len(frequent) < 2:
        return Mined(_empty_rules(), baskets, len(products), len(frequent), 0, False)
    narrowed = matrix[:, frequent].tocsc()
    gram = (narrowed.T @ narrowed).tocoo()
    upper = gram.row < gram.col  # each pair once, the diagonal (single counts) left out
    left, right, both = gram.row[upper], gram.col[upper], gram.data[upper].astype(np.int64)
    keep = both >= minimum_count
    left, right, both = left[keep], right[keep], both[keep]
    pairs = len(both)
    item_counts = counts[frequent].astype(np.int64)
    # Each pair gives two rules: left → right and right → left.
    antecedent = np.concatenate([left, right])
    consequent = np.concatenate([right, left])
    together = np.concatenate([both, both])
    with np.errstate(divide="ignore", invalid="ignore"):
        support = together / baskets
        confidence = together / item_counts[antecedent]
        lift = confidence / (item_counts[consequent] / baskets)
    passes = (
        (support >= thresholds.min_support - _TOLERANCE)
        & (confidence >= thresholds.min_confidence - _TOLERANCE)
        & (lift >= thresholds.min_lift - _TOLERANCE)
    )
    rules = pd.DataFrame(
        {
            "antecedent": products[frequent[antecedent[passes]]],
            "consequent": products[frequent[consequent[passes]]],
            "baskets": together[passes],
            "support": support[passes],
            "confidence": confidence[passes],
            "lift": lift[passes],
        }
    )
    truncated = max_rules is not None and len(rules) > max_rules
    if truncated:
        rules = rules.sort_values(
            ["lift", "confidence", "antecedent", "consequent"],
            ascending=[False, False, True, True],
            kind="stable",
        ).head(max_rules)
    rules = rules.sort_values(
        ["antecedent", "lift", "consequent"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)
    return Mined(rules, baskets, len(products), len(frequent), pairs, truncated)
