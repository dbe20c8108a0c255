"""The churn model's mathematics on hand-made data: the tree's rules text, its reasons, the
evaluation tables."""

import numpy as np
import pandas as pd
import pytest
from django.utils import translation

from guanxi.analytics.churn_text import condition_text, reason_text, rule_text, tree_view
from guanxi.analytics.intelligence import churn


def _tiny() -> tuple[pd.DataFrame, np.ndarray]:
    """Ten customers: the long-silent ones churned; of the recent ones, the VIP-tagged stayed."""
    matrix = pd.DataFrame(
        {
            "recency_days": [30.0, 30.0, 30.0, 30.0, 200.0, 220.0, 240.0, 260.0, 280.0, 300.0],
            "tag=vip": [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0],
        }
    )
    return matrix, np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1])


def _fitted():
    from sklearn.tree import DecisionTreeClassifier

    matrix, y = _tiny()
    tree = DecisionTreeClassifier(max_depth=2, min_samples_leaf=1, random_state=0)
    tree.fit(matrix.to_numpy(), y)
    return tree, matrix


def test_the_tree_rules_read_as_sentences_with_their_support():
    tree, matrix = _fitted()
    rules = churn.tree_leaves(tree, list(matrix.columns))
    with translation.override("en"):
        texts = [rule_text(rule, {}) for rule in rules]
    assert texts == [
        "If days since the last order ≥ 116, then churn probability 100% (6 customers)",
        "If days since the last order ≤ 115 and does not have the tag “vip”, then churn "
        "probability 100% (2 customers)",
        "If days since the last order ≤ 115 and has the tag “vip”, then churn probability 0% "
        "(2 customers)",
    ]


def test_bounds_on_one_feature_merge_and_whole_numbers_read_as_whole_numbers():
    merged = churn.merge_conditions(
        [("orders_365", ">", 1.5), ("orders_365", "<=", 6.5), ("orders_365", "<=", 4.5)]
    )
    assert merged == [{"feature": "orders_365", "low": 1.5, "high": 4.5}]
    with translation.override("en"):
        assert condition_text(merged[0], {}) == "2 ≤ orders in the last year ≤ 4"
        assert (
            condition_text({"feature": "open_receivables", "low": 999.6, "high": None}, {})
            == "open receivables > ¥1,000"
        )
        assert (
            condition_text(
                {"feature": "level=7", "low": 0.5, "high": None},
                {"level=7": {"en": "VIP", "zh-hans": "VIP客户"}},
            )
            == "customer level is VIP"
        )
    with translation.override("zh-hans"):
        assert condition_text(
            {"feature": "level=7", "low": None, "high": 0.5},
            {"level=7": {"en": "VIP", "zh-hans": "VIP客户"}},
        ).endswith("VIP客户")


def test_a_customers_reasons_are_the_splits_that_raised_its_risk():
    tree, matrix = _fitted()
    reasons = churn.path_reasons(tree, matrix, {}, top=3)
    # The silent customer: the first split raised the risk from 8/10 to 1.
    assert reasons[6] == [
        {"feature": "recency_days", "low": 115.0, "high": None, "value": 240.0, "effect": 0.2}
    ]
    # A recent customer without the tag: the recency split lowered it (0.8 → 0.5), the tag
    # split raised it (0.5 → 1): only the tag is a reason.
    assert [r["feature"] for r in reasons[2]] == ["tag=vip"]
    # A VIP customer's path lowered the risk at every split: no reason.
    assert reasons[0] == []
    with translation.override("en"):
        assert reason_text(reasons[6][0], {}) == (
            "days since the last order ≥ 116 (this customer: 240)"
        )


def test_the_drawn_tree_labels_each_branch():
    tree, matrix = _fitted()
    with translation.override("en"):
        drawn = tree_view(churn.tree_nodes(tree, list(matrix.columns)), {})
    assert drawn["split"] == "days since the last order"
    assert [child["edge"] for child in drawn["children"]] == [
        "days since the last order ≤ 115",
        "days since the last order ≥ 116",
    ]
    assert (drawn["support"], drawn["probability"]) == (10, 0.8)


def test_evaluation_at_a_threshold_and_the_calibration_deciles():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.1, 0.6, 0.4, 0.9])
    found = churn.evaluate(y, p, 0.5)
    assert found["confusion"] == [[1, 1], [1, 1]]
    assert (found["precision"], found["recall"], found["f1"], found["auc"]) == (
        0.5,
        0.5,
        0.5,
        0.75,
    )
    table = churn.calibration_table(y, p, bins=2)
    assert table == [
        {"decile": 1, "customers": 2, "predicted": 0.25, "observed": 0.5},
        {"decile": 2, "customers": 2, "predicted": 0.75, "observed": 0.5},
    ]


@pytest.mark.parametrize("tags", [",vip,华东,", ""])
def test_feature_matrix_has_one_column_per_frequent_value(tags):
    facts = pd.DataFrame(
        {
            "tenure_days": [100, 100],
            "recency_days": [np.nan, 5],
            "orders_365": [0, 2],
            "revenue_365": [0, 10],
            "orders_90": [0, 1],
            "orders_prev_90": [0, 1],
            "revenue_90": [0, 5],
            "revenue_prev_90": [0, 5],
            "interactions_30": [0, 0],
            "interactions_90": [0, 0],
            "days_since_contact": [np.nan, 3],
            "service_requests_365": [0, 0],
            "complaints_365": [0, 0],
            "service_satisfaction": [np.nan, 4],
            "open_receivables": [0, 0],
            "credit": [np.nan, 3],
            "satisfaction": [np.nan, 3],
            "kind": ["company", "person"],
            "level": [3, None],
            "region": [None, None],
            "industry": [None, None],
            "source": [None, None],
            "tags": [tags, ",vip,"],
        }
    )
    values = churn.frequent_values(facts, min_count=1)
    matrix = churn.feature_matrix(facts, values=values)
    assert matrix.loc[0, "recency_days"] == 100  # never ordered: as long as the tenure
    assert matrix.loc[1, "tag=vip"] == 1 and matrix.loc[0, "level=3"] == 1
    assert matrix.loc[1, "kind=person"] == 1
