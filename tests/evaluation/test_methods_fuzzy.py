"""Fuzzy comprehensive evaluation on hand-computed examples: membership from experts' grades,
the M(·,⊕) operator, a two-level hierarchy, the grade and the score."""

import pytest

from guanxi.evaluation.methods.fuzzy import FuzzyError, Node, combine, evaluate, membership, result


def test_membership_is_the_share_of_experts_per_grade():
    # Ten experts grade one indicator on 优/良/中/差: 3, 5, 2, 0.
    assert membership([0, 0, 0, 1, 1, 1, 1, 1, 2, 2], grades=4) == [0.3, 0.5, 0.2, 0.0]


def test_one_level_by_hand():
    # B = (0.5, 0.3, 0.2) · R, computed by hand:
    # 优 0.5·0.3 + 0.3·0.6 + 0.2·0.1 = 0.35;  良 0.5·0.5 + 0.3·0.3 + 0.2·0.4 = 0.42
    # 中 0.5·0.2 + 0.3·0.1 + 0.2·0.3 = 0.19;  差 0.5·0 + 0.3·0 + 0.2·0.2 = 0.04
    vector = combine(
        [0.5, 0.3, 0.2], [[0.3, 0.5, 0.2, 0], [0.6, 0.3, 0.1, 0], [0.1, 0.4, 0.3, 0.2]]
    )
    assert vector == pytest.approx([0.35, 0.42, 0.19, 0.04])
    graded = result(vector, grade_scores=[95, 85, 70, 50])
    assert graded.grade_index == 1  # 良, the largest membership
    # (0.35·95 + 0.42·85 + 0.19·70 + 0.04·50) / 1.00 = 33.25 + 35.7 + 13.3 + 2 = 84.25
    assert graded.score == pytest.approx(84.25)


def test_two_levels_evaluate_bottom_up():
    customer = Node(weights=[0.6, 0.4], children=[[0.2, 0.8, 0.0], [0.6, 0.2, 0.2]])
    finance = Node(weights=[1.0], children=[[0.5, 0.5, 0.0]])
    # customer: (0.12 + 0.24, 0.48 + 0.08, 0 + 0.08) = (0.36, 0.56, 0.08)
    top = Node(weights=[0.5, 0.5], children=[customer, finance])
    # top: 0.5·(0.36, 0.56, 0.08) + 0.5·(0.5, 0.5, 0) = (0.43, 0.53, 0.04)
    assert evaluate(top) == pytest.approx([0.43, 0.53, 0.04])


def test_the_bounded_sum_never_exceeds_one():
    assert combine([1.0], [[1.0, 0.0]]) == [1.0, 0.0]


@pytest.mark.parametrize(
    ("weights", "rows", "kind", "where"),
    [
        ([0.5, 0.6], [[1, 0], [1, 0]], "weights_sum", ("weights", None, None)),
        ([0.5, 0.5], [[1, 0]], "size", ("membership", None, None)),
        ([0.5, 0.5], [[1, 0], [0.5, -0.5]], "negative", ("membership", 1, 1)),
        ([0.5, 0.5], [[1, 0], [0.9, 0.9]], "row_sum", ("membership", 1, None)),
        ([], [], "empty", ("weights", None, None)),
    ],
)
def test_bad_input_is_refused_naming_the_part(weights, rows, kind, where):
    with pytest.raises(FuzzyError) as refused:
        combine(weights, rows)
    error = refused.value
    assert (error.kind, (error.name, error.index, error.column)) == (kind, where)


def test_grade_scores_must_match_the_grades():
    with pytest.raises(FuzzyError) as refused:
        result([0.5, 0.5], grade_scores=[1, 2, 3])
    assert (refused.value.kind, refused.value.name) == ("size", "grade_scores")


@pytest.mark.parametrize("choices", [[0, 4], [-1, 0], []])
def test_a_grade_that_does_not_exist_is_refused(choices):
    with pytest.raises(FuzzyError) as refused:
        membership(choices, grades=4)
    assert refused.value.name == "choices"
