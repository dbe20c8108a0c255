"""Churn prediction 客户流失预测: the weekly company training (features as of the cutoff, both
models, hold-out evaluation) and the scoring of every current customer, and the model page
that reads the stored result."""

from bench.scenarios import http, python


@python(
    "job.churn_model.company",
    user="exec",
    about="weekly churn training on every customer + scoring, scores and model warnings stored",
)
def churn_company(ctx, user) -> None:
    from guanxi.analytics.models import ModelRun
    from guanxi.analytics.services.runs import run_request

    run = run_request(kind=ModelRun.Kind.CHURN, actor=None, background=False)
    # A refusal (too few churned customers in the window) is a result too: say so.
    if run.status != ModelRun.Status.DONE:
        print(f"churn model run {run.pk}: {run.status} — {run.error}")


@http("reports.churn_model.exec", user="exec", about="GET /reports/churn-model/ (stored model)")
def churn_model_page(ctx) -> str:
    return "/reports/churn-model/"
