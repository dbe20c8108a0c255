"""AHP: weights, λmax, CI and CR of judgement matrices with known answers; group judgements;
which judgements to revisit; what is refused."""

import math

import pytest

from guanxi.evaluation.methods.ahp import (
    RANDOM_INDEX,
    JudgementError,
    ahp,
    group_matrix,
    judgement_matrix,
)


def from_weights(weights):
    """The perfectly consistent matrix of these weights: a[i][j] = w[i] / w[j]."""
    return [[wi / wj for wj in weights] for wi in weights]


def test_a_consistent_matrix_gives_back_its_weights_with_cr_zero():
    weights = [0.4, 0.3, 0.2, 0.1]
    result = ahp(from_weights(weights))
    assert result.weights == pytest.approx(weights, abs=1e-12)
    assert result.lambda_max == pytest.approx(4.0)
    assert result.ci == pytest.approx(0.0, abs=1e-12) and result.cr == pytest.approx(0.0, abs=1e-12)
    assert result.consistent and result.worst == []


def test_the_textbook_three_by_three_example():
    """The 3×3 example of the evaluation API ([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]), worked
    by hand in AHP textbooks: weights 0.637, 0.258, 0.105; λmax 3.039; CI 0.019; CR 0.033
    (RI = 0.58 for three items)."""
    result = ahp([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]])
    assert [round(w, 3) for w in result.weights] == [0.637, 0.258, 0.105]
    assert round(result.lambda_max, 3) == 3.039
    assert round(result.ci, 3) == 0.019 and round(result.cr, 3) == 0.033
    assert result.consistent


def test_saatys_light_intensity_example():
    """T. L. Saaty, "A scaling method for priorities in hierarchical structures", Journal of
    Mathematical Psychology 15 (1977), 234–281, the illumination example: an observer
    compares the brightness of four chairs at 9, 15, 21 and 28 yards from a light. Published:
    eigenvector 0.61, 0.24, 0.10, 0.05, λmax = 4.39, CI = 0.13; the inverse-square law gives
    0.61, 0.22, 0.11, 0.06 — the judgements recover the physics within a few hundredths."""
    result = ahp([[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]])
    assert result.weights == pytest.approx([0.61, 0.24, 0.10, 0.05], abs=0.01)
    assert round(result.lambda_max, 2) == 4.39 and round(result.ci, 2) == 0.13
    law = [1 / distance**2 for distance in (9, 15, 21, 28)]
    assert result.weights == pytest.approx([value / sum(law) for value in law], abs=0.03)
    # CR = 0.13 / 0.90 (RI for four items): above 0.10, so the judgements are flagged.
    assert round(result.cr, 3) == 0.145 and not result.consistent


def test_the_eigenvector_satisfies_its_equation():
    rows = [[1, 2, 4, 7], [1 / 2, 1, 3, 5], [1 / 4, 1 / 3, 1, 2], [1 / 7, 1 / 5, 1 / 2, 1]]
    result = ahp(rows)
    for i, row in enumerate(rows):
        product = sum(a * w for a, w in zip(row, result.weights, strict=True))
        assert product == pytest.approx(result.lambda_max * result.weights[i])
    assert result.ci == pytest.approx((result.lambda_max - 4) / 3)
    assert result.cr == pytest.approx(result.ci / 0.90)


def test_a_cyclic_matrix_is_flagged_and_its_judgements_named():
    # A over B, B over C, C over A, each strongly: no weights can honour that.
    result = ahp([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert not result.consistent and result.cr > 1
    assert {(j.row, j.column) for j in result.worst} == {(0, 1), (1, 2), (0, 2)}


def test_one_bad_judgement_is_named_first():
    rows = from_weights([0.5, 0.25, 0.125, 0.125])
    rows[0][3], rows[3][0] = 1 / 9, 9.0  # was 4: reversed and exaggerated
    result = ahp(rows)
    assert not result.consistent
    assert (result.worst[0].row, result.worst[0].column) == (0, 3)


def test_the_random_index_is_saatys_for_up_to_fifteen_items():
    assert RANDOM_INDEX[:10] == (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49)
    assert len(RANDOM_INDEX) == 15


def test_one_and_two_items_are_always_consistent():
    assert ahp([[1]]).weights == [1.0]
    two = ahp([[1, 3], [1 / 3, 1]])
    assert two.weights == pytest.approx([0.75, 0.25]) and two.cr == 0 and two.consistent


def test_group_judgements_combine_by_geometric_mean():
    combined = group_matrix([[[1, 2], [1 / 2, 1]], [[1, 8], [1 / 8, 1]]])
    assert combined[0][1] == pytest.approx(4.0) and combined[1][0] == pytest.approx(0.25)
    assert combined[0][0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("rows", "kind", "cell"),
    [
        ([], "empty", None),
        ([[1, 2], [0.5]], "not_square", (1, 0)),
        ([[1, "x"], [1, 1]], "not_number", (0, 1)),
        ([[1, -2], [0.5, 1]], "not_positive", (0, 1)),
        ([[1, math.inf], [0.5, 1]], "not_positive", (0, 1)),
        ([[1, 12], [1 / 12, 1]], "out_of_scale", (0, 1)),
        ([[2, 1], [1, 1]], "diagonal", (0, 0)),
        ([[1, 3], [3, 1]], "not_reciprocal", (1, 0)),
        ([[1] * 16 for _ in range(16)], "too_large", None),
    ],
)
def test_what_is_not_a_judgement_matrix_is_refused_naming_the_cell(rows, kind, cell):
    with pytest.raises(JudgementError) as refused:
        judgement_matrix(rows)
    assert (refused.value.kind, refused.value.cell) == (kind, cell)


def test_a_third_typed_as_decimals_is_reciprocal_enough():
    assert judgement_matrix([[1, 3], [0.3333, 1]]).shape == (2, 2)


def test_matrices_of_different_sizes_do_not_combine():
    with pytest.raises(JudgementError) as refused:
        group_matrix([[[1]], [[1, 2], [0.5, 1]]])
    assert refused.value.kind == "different_sizes"
