"""Training the churn model on a small known history: what it stores, refuses, covers, and
that its features never read what happened after the cutoff."""

from datetime import timedelta
from decimal import Decimal

from django.utils import translation

from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.services.churn_features import churn_facts, start_of
from guanxi.analytics.services.runs import run_request
from guanxi.customers.models import ChurnCase, Customer, Interaction
from tests.analytics.fixtures.churn import CUTOFF, TODAY, churn_history, order

CHURN = ModelRun.Kind.CHURN
PARAMS = {"today": TODAY.isoformat()}


def _train(actor, **extra):
    return run_request(kind=CHURN, actor=actor, params=PARAMS, background=False, **extra)


def test_the_company_model_learns_the_silence_scores_and_warns_the_at_risk(org, english):
    made = churn_history(org["manager1"])
    # Active now, but silent like the churners: the model should flag it.
    at_risk = made["stayers"][0]
    Customer.objects.filter(pk=at_risk.pk).update(last_order_at=None)
    at_risk.orders.all().delete()
    order(at_risk, CUTOFF - timedelta(days=160))
    run = _train(org["exec"])
    assert run.status == "done", run.error
    result = run.result
    assert (result["population"], result["churned"], run.rows_used) == (14, 6, 14)
    assert result["cutoff"] == CUTOFF.isoformat() and result["horizon_days"] == 180
    assert set(result["metrics"]) == {"boosting", "tree"}
    assert set(result["metrics"]["boosting"]) == {"auc", "precision", "recall", "f1", "confusion"}
    assert sum(sum(row) for row in result["metrics"]["boosting"]["confusion"]) == 4
    assert result["rules"] and result["tree"]["support"] == 10
    # Every current customer is scored (the churned are not), the silent one highest.
    scores = {s.customer_id: s for s in CustomerScore.objects.all()}
    assert set(scores) == {c.pk for c in made["stayers"]}
    risky = scores[at_risk.pk]
    assert risky.churn_risk > max(s.churn_risk for pk, s in scores.items() if pk != at_risk.pk)
    assert risky.churn_at is not None
    assert risky.churn_reasons and risky.churn_reasons[0]["feature"] in result["features"]
    # Above the warning setting (50 %): a warning raised by the model, with its reasons.
    case = ChurnCase.objects.get(customer=at_risk, state=ChurnCase.State.WARNING)
    assert case.source == ChurnCase.Source.MODEL and case.risk == risky.churn_risk
    assert case.reasons and "en" in case.reasons[0] and "zh-hans" in case.reasons[0]
    with translation.override("en"):
        assert case.warning_reason.startswith("Churn model: risk ")
    # Training again opens no second case.
    _train(org["exec"])
    assert ChurnCase.objects.filter(customer=at_risk, state__in=ChurnCase.OPEN_STATES).count() == 1


def test_too_few_churned_customers_is_refused_with_the_reason(org, english):
    churn_history(org["manager1"], churners=3)
    run = _train(org["exec"])
    assert run.status == "failed"
    assert run.error.startswith("Only 3 customers churned between")
    assert "at least 5" in run.error
    assert not CustomerScore.objects.exists()


def test_a_managers_model_covers_only_their_customers_and_writes_no_scores(org):
    churn_history(org["manager1"], prefix="甲")
    churn_history(org["manager2"], churners=2, prefix="乙")
    mine = _train(org["manager1"])
    assert mine.status == "done" and not mine.company_wide
    assert (mine.result["population"], mine.result["churned"]) == (14, 6)
    assert "scored" not in mine.result and not CustomerScore.objects.exists()
    # Manager 2 alone has too few churned customers.
    assert _train(org["manager2"]).status == "failed"
    # The company sees both.
    assert _train(org["exec"]).result["population"] == 24


def test_the_features_never_read_what_happened_after_the_cutoff(org):
    made = churn_history(org["manager1"], churners=1, stayers=1)
    customer = made["stayers"][0]
    before = churn_facts(Customer.objects.filter(pk=customer.pk), as_of=CUTOFF)
    # Everything after the cutoff: orders, interactions, a day-of-cutoff order.
    order(customer, CUTOFF, total="99999.00")
    order(customer, CUTOFF + timedelta(days=30))
    Interaction.objects.create(
        customer=customer, occurred_at=start_of(CUTOFF) + timedelta(hours=1), summary="拜访"
    )
    after = churn_facts(Customer.objects.filter(pk=customer.pk), as_of=CUTOFF)
    assert before.equals(after)
    assert after.loc[customer.pk, "revenue_365"] == 2000
    assert after.loc[customer.pk, "recency_days"] == 20


def test_facts_are_a_few_set_based_queries(org, django_assert_max_num_queries):
    churn_history(org["manager1"], churners=3, stayers=3)
    with django_assert_max_num_queries(8):
        facts = churn_facts(Customer.objects.all(), as_of=TODAY)
    assert len(facts) == 6
    assert facts["open_receivables"].sum() == Decimal(0)
