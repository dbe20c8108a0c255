"""The analytic hierarchy process 层次分析法 (Saaty): weights from pairwise comparisons.

A judgement matrix ``A`` on Saaty's 1–9 scale holds in ``A[i][j]`` how much more important
item ``i`` is than item ``j``; it is positive and reciprocal (``A[j][i] = 1 / A[i][j]``, ones
on the diagonal). The weights are its principal (Perron) eigenvector normalised to sum 1;
``λmax`` its eigenvalue. Consistency: ``CI = (λmax − n) / (n − 1)``, ``CR = CI / RI(n)`` with
Saaty's random index; ``CR < 0.10`` is acceptable. A matrix of 1 or 2 items is always
consistent.

Where a matrix is inconsistent, the judgements furthest from what the weights imply
(``A[i][j]`` against ``w[i] / w[j]``, compared on a log scale) are the ones to revisit.
Several experts' matrices combine by the element-wise geometric mean, which keeps the result
reciprocal.
"""

import math
from dataclasses import dataclass

import numpy as np

# Saaty's random consistency index RI for n = 1…15 items.
RANDOM_INDEX = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
MAX_ITEMS = len(RANDOM_INDEX)
CONSISTENT_BELOW = 0.10
# Judgements typed as 0.3333 for 1/3 are reciprocal enough: a relative tolerance on a·a' = 1.
RECIPROCAL_TOLERANCE = 0.01
SCALE_MIN, SCALE_MAX = 1 / 9, 9.0


class JudgementError(ValueError):
    """A matrix that is not a judgement matrix; ``cell`` is ``(row, column)`` or None for the
    matrix as a whole, ``kind`` one of: empty, not_square, too_large, not_number,
    not_positive, out_of_scale, diagonal, not_reciprocal, different_sizes."""

    def __init__(self, kind: str, cell: tuple[int, int] | None = None):
        super().__init__(kind if cell is None else f"{kind} at {cell}")
        self.kind = kind
        self.cell = cell


@dataclass(frozen=True)
class Judgement:
    """One judgement to revisit: the cell, its value and what the weights imply."""

    row: int
    column: int
    given: float
    implied: float


@dataclass(frozen=True)
class AHPResult:
    weights: list[float]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    worst: list[Judgement]


def judgement_matrix(rows: list[list[float]]) -> np.ndarray:
    """The rows as a checked judgement matrix, or :class:`JudgementError` naming the cell."""
    if not rows:
        raise JudgementError("empty")
    size = len(rows)
    if size > MAX_ITEMS:
        raise JudgementError("too_large")
    for i, row in enumerate(rows):
        if not isinstance(row, list | tuple) or len(row) != size:
            raise JudgementError("not_square", (i, 0))
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise JudgementError("not_number", (i, j))
            if not math.isfinite(value) or value <= 0:
                raise JudgementError("not_positive", (i, j))
    matrix = np.array(rows, dtype="float64")
    for i in range(size):
        if abs(matrix[i, i] - 1) > RECIPROCAL_TOLERANCE:
            raise JudgementError("diagonal", (i, i))
        for j in range(size):
            if not SCALE_MIN * (1 - RECIPROCAL_TOLERANCE) <= matrix[i, j] <= SCALE_MAX:
                raise JudgementError("out_of_scale", (i, j))
            if j > i and abs(matrix[i, j] * matrix[j, i] - 1) > RECIPROCAL_TOLERANCE:
                raise JudgementError("not_reciprocal", (j, i))
    return matrix


def principal_eigen(matrix: np.ndarray) -> tuple[np.ndarray, float]:
    """The positive principal eigenvector (sum 1) and its eigenvalue λmax."""
    values, vectors = np.linalg.eig(matrix)
    index = int(np.argmax(values.real))
    vector = np.abs(vectors[:, index].real)
    return vector / vector.sum(), float(values[index].real)


def consistency(lambda_max: float, size: int) -> tuple[float, float]:
    """(CI, CR) of a matrix of ``size`` items; both 0 for one or two items."""
    if size <= 2:
        return 0.0, 0.0
    ci = max(0.0, (lambda_max - size) / (size - 1))
    return ci, ci / RANDOM_INDEX[size - 1]


def worst_judgements(matrix: np.ndarray, weights: np.ndarray, count: int = 3) -> list[Judgement]:
    """The judgements (upper triangle) furthest from the ratio of the weights, worst first."""
    size = len(weights)
    cells = [
        (abs(math.log(matrix[i, j] * weights[j] / weights[i])), i, j)
        for i in range(size)
        for j in range(i + 1, size)
    ]
    cells.sort(reverse=True)
    return [
        Judgement(i, j, float(matrix[i, j]), float(weights[i] / weights[j]))
        for gap, i, j in cells[:count]
        if gap > 1e-9
    ]


def ahp(rows: list[list[float]]) -> AHPResult:
    """Weights, λmax, CI, CR and the judgements to revisit of one judgement matrix."""
    matrix = judgement_matrix(rows)
    weights, lambda_max = principal_eigen(matrix)
    ci, cr = consistency(lambda_max, len(weights))
    consistent = cr < CONSISTENT_BELOW
    return AHPResult(
        weights=[float(w) for w in weights],
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        consistent=consistent,
        worst=[] if consistent else worst_judgements(matrix, weights),
    )


def group_matrix(matrices: list[list[list[float]]]) -> list[list[float]]:
    """Several experts' judgement matrices combined by the element-wise geometric mean."""
    if not matrices:
        raise JudgementError("empty")
    checked = [judgement_matrix(rows) for rows in matrices]
    if len({m.shape for m in checked}) != 1:
        raise JudgementError("different_sizes")
    combined = np.exp(np.mean(np.log(np.stack(checked)), axis=0))
    return [[float(v) for v in row] for row in combined]
