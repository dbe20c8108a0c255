"""Training the churn model 客户流失预测 and scoring every customer with it.

One run (``ModelRun.Kind.CHURN``): read the facts as of the cutoff and who churned after it
(``services.churn_features`` explains the window), refuse with too few churned customers,
fit the tree and the boosting model (``intelligence.churn``), and keep metrics, rules, the
drawn tree and importances in the run's result. The company's run then scores every current
customer with the same features as of today:

- ``CustomerScore.churn_risk``: the boosting model's probability of churning within the
  horizon, in percent;
- ``CustomerScore.churn_reasons``: the customer's top reasons, read off the customer's path
  through the tree — each split on the path moves the churn probability from the parent
  node's to the child's, and the splits that raised it most are the reasons, with the
  condition the customer met and their own value (``intelligence.churn.path_reasons``);
- above ``IntelligenceSettings.churn_warning_risk`` an active customer with an owner and no
  open case gets a churn warning raised by the model, with its risk and reasons
  (``customers.services.churn.churn_warn_by_model``: the same service as the rule's
  warnings, one open case per customer).

A manager's run (or one on a tag or segment) covers only their customers and writes nothing
but the run.
"""

from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from guanxi.analytics.churn_text import in_every_language, reason_text
from guanxi.analytics.intelligence import churn
from guanxi.analytics.models import IntelligenceSettings, ModelRun
from guanxi.analytics.selectors.subjects import model_customers
from guanxi.analytics.services.churn_features import (
    HORIZON_DAYS,
    churn_facts,
    churn_moments,
    training_labels,
)
from guanxi.analytics.services.runs import RunRefused, runner_register, writes_scores
from guanxi.analytics.services.scores import scores_clear_stale, scores_save
from guanxi.core.models import DictionaryEntry
from guanxi.customers.models import ChurnCase, Customer
from guanxi.customers.services.churn import churn_warn_by_model

SCORE_FIELDS = ("churn_risk", "churn_reasons", "churn_at")
MIN_NEGATIVES = 5
TOP_REASONS = 3


def churn_train(run: ModelRun) -> tuple[dict[str, Any], int]:
    """The runner of ``ModelRun.Kind.CHURN``: returns the result and the training rows."""
    settings = IntelligenceSettings.current()
    today = parse_date(run.params.get("today") or "") or timezone.localdate()
    cutoff = today - timedelta(days=HORIZON_DAYS)
    customers = model_customers(
        actor=run.actor, tag=run.subset.get("tag", ""), segment=run.subset.get("segment")
    )
    facts, labels = training_labels(
        churn_facts(customers, as_of=cutoff),
        churn_moments(customers),
        cutoff=cutoff,
        today=today,
    )
    positives = int(labels.sum())
    if positives < settings.churn_min_positives:
        raise RunRefused(
            _(
                "Only %(found)d customers churned between %(cutoff)s and %(today)s; the churn "
                "model needs at least %(needed)d to learn from."
            )
            % {
                "found": positives,
                "needed": settings.churn_min_positives,
                "cutoff": cutoff.isoformat(),
                "today": today.isoformat(),
            }
        )
    if len(labels) - positives < MIN_NEGATIVES:
        raise RunRefused(
            _("Almost every customer churned: the model needs customers who stayed to compare.")
        )
    values = churn.frequent_values(facts, min_count=max(5, len(facts) // 200))
    matrix = churn.feature_matrix(facts, values=values)
    models = churn.train(matrix, labels, threshold=float(settings.churn_warning_risk) / 100)
    now = timezone.now()
    result = {
        **models.result,
        "labels": _value_labels(values),
        "trained_at": now.isoformat(),
        "today": today.isoformat(),
        "cutoff": cutoff.isoformat(),
        "horizon_days": HORIZON_DAYS,
        "population": len(labels),
        "churned": positives,
        "features": models.features,
    }
    if writes_scores(run):
        result.update(_score(models, values, result["labels"], customers, today, settings))
    return result, len(labels)


def _value_labels(values: dict[str, list[Any]]) -> dict[str, dict[str, str]]:
    """The names of the category values that got a column, as they are now (both languages)."""
    ids = [v for name in ("level", "region", "industry", "source") for v in values[name]]
    entries = DictionaryEntry.all_objects.in_bulk(ids)
    labels = {}
    for name in ("level", "region", "industry", "source"):
        for value in values[name]:
            entry = entries.get(value)
            if entry is not None:
                labels[f"{name}={value}"] = {"zh-hans": entry.name_zh, "en": entry.name_en}
    return labels


def _score(
    models: churn.ChurnModels,
    values: dict[str, list[Any]],
    labels: dict[str, dict[str, str]],
    customers: Any,
    today: date,
    settings: IntelligenceSettings,
) -> dict[str, Any]:
    """Score every current customer, store the scores and raise the model's warnings."""
    now = timezone.now()
    current = customers.exclude(status=Customer.Status.CHURNED)
    facts = churn_facts(current, as_of=today + timedelta(days=1))
    if facts.empty:
        scores_clear_stale(fields=SCORE_FIELDS, at_field="churn_at", before=now)
        return {"scored": 0, "warnings": 0}
    matrix = churn.feature_matrix(facts, values=values)
    risks = models.boost.predict_proba(matrix.to_numpy(dtype="float64"))[:, 1]
    reasons = churn.path_reasons(models.tree, matrix, models.medians, top=TOP_REASONS)
    for items in reasons:
        for item in items:
            if item["feature"] in labels:
                item["names"] = labels[item["feature"]]
    percent = np.round(risks * 100, 2)
    ids = facts.index.to_numpy()
    scores_save(
        rows=(
            {
                "customer_id": int(pk),
                "churn_risk": Decimal(str(risk)),
                "churn_reasons": items,
                "churn_at": now,
            }
            for pk, risk, items in zip(ids, percent, reasons, strict=True)
        ),
        fields=SCORE_FIELDS,
    )
    scores_clear_stale(fields=SCORE_FIELDS, at_field="churn_at", before=now)
    warned = _warn(ids, percent, reasons, labels, current, settings, now)
    return {"scored": len(ids), "warnings": warned, "scored_at": now.isoformat()}


def _warn(
    ids: np.ndarray,
    percent: np.ndarray,
    reasons: list[list[dict[str, Any]]],
    labels: dict[str, dict[str, str]],
    current: Any,
    settings: IntelligenceSettings,
    now: Any,
) -> int:
    high = pd.Series(range(len(ids)), index=ids)[percent >= float(settings.churn_warning_risk)]
    if high.empty:
        return 0
    # Only who could be warned: active, owned, no open case (churn_warn checks again).
    open_cases = ChurnCase.objects.filter(state__in=ChurnCase.OPEN_STATES).values("customer_id")
    candidates = (
        current.filter(pk__in=[int(pk) for pk in high.index], status=Customer.Status.ACTIVE)
        .filter(owner__isnull=False)
        .exclude(pk__in=open_cases)
        .values_list("pk", flat=True)
    )
    warnings = {}
    for pk in candidates:
        row = int(high[pk])
        texts = [in_every_language(partial(reason_text, item, labels)) for item in reasons[row]]
        warnings[pk] = (Decimal(str(percent[row])), texts)
    return churn_warn_by_model(warnings=warnings, now=now)


runner_register(ModelRun.Kind.CHURN, churn_train)
