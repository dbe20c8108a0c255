"""Fuzzy comprehensive evaluation 模糊综合评价, one level or a hierarchy of them.

A set of grades (e.g. 优/良/中/差) with a value each. For one indicator, experts each choose a
grade; the indicator's membership row is the share of experts per grade. For a group of
indicators with weights ``W`` and membership matrix ``R`` (a row per indicator) the weighted
average operator M(·,⊕) gives the group's grade vector ``B = W·R`` with ``b_j = min(1, Σ w_i
r_ij)``. In a hierarchy each group's vector becomes a row of its parent's matrix, up to the
top. The result: the grade of maximum membership, and a score ``Σ b_j s_j / Σ b_j`` from the
grades' values ``s``.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Weights are typed by people: a sum within this of 1 is 1.
WEIGHT_TOLERANCE = 0.01


class FuzzyError(ValueError):
    """Input that cannot be evaluated: ``name`` is the part (weights, membership,
    grade_scores), ``index`` the row (and ``column`` the cell) where it applies, ``kind`` one
    of: empty, negative, weights_sum, row_sum, size, not_number."""

    def __init__(self, kind: str, name: str, index: int | None = None, column: int | None = None):
        super().__init__(f"{kind}: {name}[{index}][{column}]")
        self.kind, self.name, self.index, self.column = kind, name, index, column


@dataclass(frozen=True)
class FuzzyResult:
    vector: list[float]
    grade_index: int
    score: float | None


@dataclass
class Node:
    """A group in the hierarchy: its children's weights, and per child either a membership
    row (an indicator) or a sub-group."""

    weights: list[float]
    children: list["Node | list[float]"] = field(default_factory=list)


def _numbers(values: Sequence[float], name: str, index: int | None = None) -> np.ndarray:
    if not values:
        raise FuzzyError("empty", name, index)
    for column, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FuzzyError("not_number", name, index, column)
        if not np.isfinite(value) or value < 0:
            raise FuzzyError("negative", name, index, column)
    return np.array(values, dtype="float64")


def membership(choices: Sequence[int], grades: int) -> list[float]:
    """The share of experts who chose each grade (``choices`` are grade indexes)."""
    if not choices:
        raise FuzzyError("empty", "choices")
    picked = np.asarray(choices, dtype="int64")
    if (picked < 0).any() or (picked >= grades).any():
        raise FuzzyError("size", "choices")
    counts = np.bincount(picked, minlength=grades)
    return [float(c) for c in counts / len(choices)]


def combine(weights: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
    """``B = W·R`` by M(·,⊕): each grade's weighted sum, bounded by 1."""
    w = _numbers(weights, "weights")
    if abs(w.sum() - 1) > WEIGHT_TOLERANCE:
        raise FuzzyError("weights_sum", "weights")
    if len(rows) != len(w):
        raise FuzzyError("size", "membership")
    matrix = [_numbers(row, "membership", i) for i, row in enumerate(rows)]
    if len({len(row) for row in matrix}) != 1:
        raise FuzzyError(
            "size", "membership", next(i for i, r in enumerate(matrix) if len(r) != len(matrix[0]))
        )
    for i, row in enumerate(matrix):
        if row.sum() > 1 + WEIGHT_TOLERANCE:
            raise FuzzyError("row_sum", "membership", i)
    return [float(b) for b in np.minimum(1.0, w @ np.stack(matrix))]


def result(vector: Sequence[float], grade_scores: Sequence[float] | None = None) -> FuzzyResult:
    """The grade of maximum membership (the first on a tie) and the weighted grade score."""
    b = np.array(vector, dtype="float64")
    score = None
    if grade_scores is not None:
        scores = _numbers(grade_scores, "grade_scores")
        if len(scores) != len(b):
            raise FuzzyError("size", "grade_scores")
        score = float(b @ scores / b.sum()) if b.sum() > 0 else 0.0
    return FuzzyResult(vector=[float(v) for v in b], grade_index=int(np.argmax(b)), score=score)


def evaluate(node: Node) -> list[float]:
    """The grade vector of a group: its sub-groups evaluated first, bottom up."""
    rows = [evaluate(child) if isinstance(child, Node) else child for child in node.children]
    return combine(node.weights, rows)
