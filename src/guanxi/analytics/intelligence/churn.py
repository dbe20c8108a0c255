"""Churn prediction 客户流失预测 as plain functions: per-customer facts in, models and
explanations out (no Django; ``analytics.services.churn_features`` reads the facts).

The facts frame (one row per customer, index ``customer_id``) holds what was known *as of*
a day: the customer's fields, tenure, RFM over the year before, the order trend (last 90
days against the 90 before), interactions in the last 30/90 days, service requests and
complaints in the last year, the average satisfaction given in service feedback, open
receivables and the days since the last contact. :func:`feature_matrix` turns it into
numbers: categories one column per frequent value (``level=12``), frequent tags one column
each (``tag=vip``).

Two models are trained on the same matrix and a stratified hold-out: an explainable CART
(``DecisionTreeClassifier`` with a depth limit and a minimum leaf size) whose leaves become
readable rules, and a gradient boosting model (``HistGradientBoostingClassifier``) whose
probability is each customer's churn risk. Missing numbers (a rating never given) are left
missing for the boosting model, which learns where they belong; the tree counts them as the
training median so its rules stay plain comparisons.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

# The numeric features, in the order they appear; each has a unit the rules are printed in:
# "count" and "days" and "rating" are whole numbers, "money" yuan, "decimal" one decimal.
NUMERIC_FEATURES: dict[str, str] = {
    "tenure_days": "days",
    "recency_days": "days",
    "orders_365": "count",
    "revenue_365": "money",
    "orders_90": "count",
    "order_trend": "count",
    "revenue_trend": "money",
    "interactions_30": "count",
    "interactions_90": "count",
    "days_since_contact": "days",
    "service_requests_365": "count",
    "complaints_365": "count",
    "service_satisfaction": "decimal",
    "open_receivables": "money",
    "credit": "rating",
    "satisfaction": "rating",
}
CATEGORY_FEATURES = ("kind", "level", "region", "industry", "source")
TAG_PREFIX = "tag="
MAX_TAGS = 20
MAX_VALUES = 30


def frequent_values(facts: pd.DataFrame, *, min_count: int) -> dict[str, list[Any]]:
    """The category values and tags worth a column: those at least ``min_count`` customers
    have (at most ``MAX_VALUES`` per category, ``MAX_TAGS`` tags), most frequent first."""
    chosen: dict[str, list[Any]] = {}
    for name in CATEGORY_FEATURES:
        counts = facts[name].dropna().value_counts()
        counts = counts[counts >= min_count].head(MAX_VALUES)
        chosen[name] = [_plain(value) for value in counts.index]
    tags = facts["tags"].fillna("").str.strip(",").str.split(",").explode()
    tag_counts = tags[tags != ""].value_counts()
    chosen["tags"] = list(tag_counts[tag_counts >= min_count].head(MAX_TAGS).index)
    return chosen


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, (int, float, np.integer, np.floating)) else str(value)


def feature_matrix(facts: pd.DataFrame, *, values: dict[str, list[Any]]) -> pd.DataFrame:
    """The model's input: numeric features as they are (missing stays NaN), then one 0/1
    column per frequent category value and tag in ``values`` (from :func:`frequent_values`
    on the training facts, so scoring uses the very same columns)."""
    frame = pd.DataFrame(index=facts.index)
    tenure = facts["tenure_days"].astype("float64")
    for name in NUMERIC_FEATURES:
        if name == "order_trend":
            column = facts["orders_90"] - facts["orders_prev_90"]
        elif name == "revenue_trend":
            column = facts["revenue_90"] - facts["revenue_prev_90"]
        else:
            column = facts[name]
        frame[name] = column.astype("float64")
    # Never ordered / never contacted: as long ago as the customer exists.
    frame["recency_days"] = frame["recency_days"].fillna(tenure)
    frame["days_since_contact"] = frame["days_since_contact"].fillna(tenure)
    for name in CATEGORY_FEATURES:
        column = facts[name].map(_plain, na_action="ignore")
        for value in values.get(name, []):
            frame[f"{name}={value}"] = (column == value).astype("float64")
    tags = "," + facts["tags"].fillna("").str.strip(",") + ","
    for tag in values.get("tags", []):
        frame[f"{TAG_PREFIX}{tag}"] = tags.str.contains(f",{tag},", regex=False).astype("float64")
    return frame


@dataclass
class ChurnModels:
    tree: DecisionTreeClassifier
    boost: HistGradientBoostingClassifier
    medians: dict[str, float]
    features: list[str]
    result: dict[str, Any] = field(default_factory=dict)


def tree_input(matrix: pd.DataFrame, medians: dict[str, float]) -> np.ndarray:
    """The tree's input: missing numbers as the training median (see the module text)."""
    return matrix.fillna(medians).to_numpy(dtype="float64")


def train(
    matrix: pd.DataFrame,
    labels: np.ndarray,
    *,
    threshold: float,
    max_depth: int = 4,
    min_leaf: int | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    importance_rows: int = 20_000,
) -> ChurnModels:
    """Fit both models on a stratified split and evaluate them on the hold-out.

    ``threshold`` (0–1) is where a risk becomes a warning: precision, recall, F1 and the
    confusion matrix are the boosting model's at that threshold.
    """
    y = np.asarray(labels, dtype=int)
    # A feature nobody has a value for (no feedback given yet) counts as 0 for the boosting
    # model's binning; scoring's missing values then take the learnt default branch.
    matrix = matrix.fillna(dict.fromkeys(matrix.columns[matrix.isna().all()], 0.0))
    train_x, test_x, train_y, test_y = train_test_split(
        matrix, y, test_size=test_size, stratify=y, random_state=seed
    )
    min_leaf = min_leaf or max(5, len(train_y) // 100)
    medians = {name: float(value) for name, value in train_x.median().fillna(0).items()}
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_leaf, random_state=seed)
    tree.fit(tree_input(train_x, medians), train_y)
    # sklearn's default leaf of 20 rows would leave a small company's model without a split.
    boost = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.1,
        min_samples_leaf=max(2, min(20, len(train_y) // 20)),
        random_state=seed,
    )
    boost.fit(train_x.to_numpy(dtype="float64"), train_y)
    features = list(matrix.columns)
    tree_p = tree.predict_proba(tree_input(test_x, medians))[:, 1]
    boost_p = boost.predict_proba(test_x.to_numpy(dtype="float64"))[:, 1]
    result = {
        "rows": {"train": int(len(train_y)), "test": int(len(test_y))},
        "positives": {"train": int(train_y.sum()), "test": int(test_y.sum())},
        "threshold": threshold,
        "metrics": {
            "boosting": evaluate(test_y, boost_p, threshold),
            "tree": evaluate(test_y, tree_p, threshold),
        },
        "calibration": calibration_table(test_y, boost_p),
        "importances": _importances(boost, test_x, test_y, seed, importance_rows),
        "tree_importances": _top(dict(zip(features, tree.feature_importances_, strict=True))),
        "tree": tree_nodes(tree, features),
        "rules": tree_leaves(tree, features),
        "params": {"max_depth": max_depth, "min_leaf": min_leaf, "test_size": test_size},
    }
    return ChurnModels(tree=tree, boost=boost, medians=medians, features=features, result=result)


def evaluate(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, Any]:
    """AUC, and precision, recall, F1 and the confusion matrix at ``threshold``."""
    predicted = (p >= threshold).astype(int)
    matrix = confusion_matrix(y, predicted, labels=[0, 1])
    both = len(set(y.tolist())) == 2
    return {
        "auc": round(float(roc_auc_score(y, p)), 4) if both else None,
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "recall": round(float(recall_score(y, predicted, zero_division=0)), 4),
        "f1": round(float(f1_score(y, predicted, zero_division=0)), 4),
        # [[true negatives, false positives], [false negatives, true positives]]
        "confusion": [[int(v) for v in row] for row in matrix],
    }


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Deciles of the predicted risk: how many customers, the mean prediction and the share
    that did churn in each (a calibrated model's two columns agree)."""
    order = np.argsort(p, kind="stable")
    rows = []
    for number, chunk in enumerate(np.array_split(order, bins), start=1):
        if not len(chunk):
            continue
        rows.append(
            {
                "decile": number,
                "customers": int(len(chunk)),
                "predicted": round(float(p[chunk].mean()), 4),
                "observed": round(float(y[chunk].mean()), 4),
            }
        )
    return rows


def _importances(
    model: HistGradientBoostingClassifier,
    x: pd.DataFrame,
    y: np.ndarray,
    seed: int,
    rows: int,
) -> list[dict[str, Any]]:
    """Permutation importance on (a sample of) the hold-out: the AUC lost when a feature's
    values are shuffled."""
    if len(y) > rows:
        keep, _rest = train_test_split(
            np.arange(len(y)), train_size=rows, stratify=y, random_state=seed
        )
        x, y = x.iloc[keep], y[keep]
    if len(set(y.tolist())) < 2:
        return []
    found = permutation_importance(
        model, x.to_numpy(dtype="float64"), y, scoring="roc_auc", n_repeats=3, random_state=seed
    )
    return _top(dict(zip(x.columns, found.importances_mean, strict=True)))


def _top(values: dict[str, float], limit: int = 15) -> list[dict[str, Any]]:
    ranked = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [
        {"feature": name, "importance": round(float(value), 4)}
        for name, value in ranked[:limit]
        if value > 0
    ]


# -- the tree as data: nodes to draw, leaves as rules, a customer's path as reasons ----------


def tree_nodes(tree: DecisionTreeClassifier, features: list[str]) -> dict[str, Any]:
    """The fitted tree as nested dicts: a split ``{"feature", "threshold", "left", "right"}``
    (left: feature ≤ threshold) or a leaf; each with its ``support`` (training customers) and
    ``probability`` of churn."""
    t = tree.tree_

    def node(i: int) -> dict[str, Any]:
        item: dict[str, Any] = {
            "support": int(t.n_node_samples[i]),
            "probability": round(float(_churn_share(t.value[i])), 4),
        }
        if t.children_left[i] != -1:
            item["feature"] = features[t.feature[i]]
            item["threshold"] = round(float(t.threshold[i]), 4)
            item["left"] = node(int(t.children_left[i]))
            item["right"] = node(int(t.children_right[i]))
        return item

    return node(0)


def _churn_share(value: np.ndarray) -> float:
    row = value[0]
    total = float(row.sum())
    # sklearn ≥ 1.4 stores fractions, older versions counts: the share is the same.
    return float(row[1]) / total if len(row) > 1 and total else 0.0


def tree_leaves(tree: DecisionTreeClassifier, features: list[str]) -> list[dict[str, Any]]:
    """Every leaf as a rule: its conditions (per feature, the tightest bounds on the path),
    its churn probability and support, riskiest first."""
    leaves: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], path: list[tuple[str, str, float]]) -> None:
        if "feature" not in node:
            leaves.append(
                {
                    "conditions": merge_conditions(path),
                    "probability": node["probability"],
                    "support": node["support"],
                }
            )
            return
        walk(node["left"], [*path, (node["feature"], "<=", node["threshold"])])
        walk(node["right"], [*path, (node["feature"], ">", node["threshold"])])

    walk(tree_nodes(tree, features), [])
    leaves.sort(key=lambda leaf: (-leaf["probability"], -leaf["support"]))
    return leaves


def merge_conditions(path: list[tuple[str, str, float]]) -> list[dict[str, Any]]:
    """One condition per feature, in the order first met: ``{"feature", "low", "high"}`` =
    low < value ≤ high (either bound may be None)."""
    merged: dict[str, dict[str, Any]] = {}
    for feature, op, threshold in path:
        bounds = merged.setdefault(feature, {"feature": feature, "low": None, "high": None})
        if op == "<=":
            bounds["high"] = threshold if bounds["high"] is None else min(bounds["high"], threshold)
        else:
            bounds["low"] = threshold if bounds["low"] is None else max(bounds["low"], threshold)
    return list(merged.values())


def path_reasons(
    tree: DecisionTreeClassifier,
    matrix: pd.DataFrame,
    medians: dict[str, float],
    *,
    top: int = 3,
) -> list[list[dict[str, Any]]]:
    """Each customer's reasons: along the customer's path through the tree, every split moves
    the churn probability from the parent node's to the child's; that change is credited to
    the split's feature (summed when a feature splits twice). The splits that raised the risk
    most are the reasons, with the condition the customer met and their own value."""
    x = tree_input(matrix, medians)
    t = tree.tree_
    share = np.array([_churn_share(v) for v in t.value])
    paths = tree.decision_path(x).tocsr()
    features = list(matrix.columns)
    reasons: list[list[dict[str, Any]]] = []
    for row in range(x.shape[0]):
        nodes = paths.indices[paths.indptr[row] : paths.indptr[row + 1]]
        effects: dict[int, dict[str, Any]] = {}
        for parent, child in zip(nodes[:-1], nodes[1:], strict=True):
            column = int(t.feature[parent])
            threshold = float(t.threshold[parent])
            item = effects.setdefault(column, {"low": None, "high": None, "effect": 0.0})
            item["effect"] += float(share[child] - share[parent])
            if child == t.children_left[parent]:
                item["high"] = threshold if item["high"] is None else min(item["high"], threshold)
            else:
                item["low"] = threshold if item["low"] is None else max(item["low"], threshold)
        raised = sorted(
            ((c, e) for c, e in effects.items() if e["effect"] > 0),
            key=lambda pair: -pair[1]["effect"],
        )[:top]
        reasons.append(
            [
                {
                    "feature": features[column],
                    "low": _round(item["low"]),
                    "high": _round(item["high"]),
                    "value": _value(matrix.iat[row, column]),
                    "effect": round(item["effect"], 4),
                }
                for column, item in raised
            ]
        )
    return reasons


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _value(value: Any) -> float | None:
    return None if pd.isna(value) else round(float(value), 4)
