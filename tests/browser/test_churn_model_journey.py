"""Issue #17's churn journey in a real browser: the executive opens the churn model page,
reads the tree's rules and the drawn tree, opens the customer the model finds riskiest and
sees why (the 360 page's "why" panel), and finds the model's warning among the churn cases."""

from datetime import timedelta

import pytest

from guanxi.analytics.models import CustomerScore, ModelRun
from guanxi.analytics.services.runs import run_request
from tests.analytics.fixtures.churn import CUTOFF, TODAY, churn_history, order


@pytest.fixture
def trained(org):
    made = churn_history(org["manager1"])
    at_risk = made["stayers"][0]
    at_risk.orders.all().delete()
    order(at_risk, CUTOFF - timedelta(days=160))
    run = run_request(
        kind=ModelRun.Kind.CHURN, actor=None, params={"today": TODAY.isoformat()}, background=False
    )
    assert run.status == "done", run.error
    return at_risk


def test_the_executive_reads_the_rules_and_sees_why_a_customer_is_at_risk(sign_in, trained):
    page = sign_in("exec")
    page.goto("/reports/churn-model/")
    rules = page.locator("[data-testid=churn-rules] li")
    assert rules.count() >= 2
    assert rules.first.inner_text().startswith(("如果 ", "If "))
    assert page.locator("[data-testid=churn-tree] .node").count() >= 3
    assert page.locator("[data-testid=churn-confusion] td").count() == 4
    riskiest = CustomerScore.objects.order_by("-churn_risk").first()
    assert riskiest.customer_id == trained.pk
    page.goto(f"/customers/{trained.pk}/")
    why = page.locator("[data-testid=churn-why]")
    why.wait_for()
    assert why.locator("[data-testid=churn-why-reasons] li").count() >= 1
    assert page.locator("[data-figure=churn_risk]").is_visible()
    why.locator("[data-testid=churn-why-model]").click()
    page.wait_for_url("**/reports/churn-model/")
