"""Customer lifetime value: the company's weekly fit (BG/NBD + Gamma–Gamma on every customer's
order days, and the per-customer scores written), and the pages that read its results.

The fit writes the scores as the weekly job does; run it with ``--repeat 1`` at scale (each
run refits from scratch, so repeats only average the same work).
"""

from bench.scenarios import http, python


@python("intelligence.clv.fit", user="exec", about="the company's CLV fit and scores (weekly job)")
def fit(ctx, user) -> None:
    from django.utils import timezone

    from guanxi.analytics.models import ModelRun
    from guanxi.analytics.services import clv
    from guanxi.analytics.services.runs import run_execute, run_start

    run = run_start(
        kind=ModelRun.Kind.CLV,
        actor=None,
        params=clv.clv_params(until=timezone.localdate(), time_unit=clv.DEFAULT_TIME_UNIT),
    )
    run = run_execute(run=run)
    if run.status != ModelRun.Status.DONE:
        raise RuntimeError(f"CLV fit refused: {run.error}")


@http("intelligence.clv.report", user="exec", about="/reports/clv/ from the stored scores")
def report(ctx) -> str:
    return "/reports/clv/"


@http("intelligence.clv.report.manager", user="manager1", about="/reports/clv/ as a manager")
def report_manager(ctx) -> str:
    return "/reports/clv/"


@http("intelligence.clv.api", user="exec", about="GET /api/reports/clv/")
def report_api(ctx) -> str:
    return "/api/reports/clv/"
