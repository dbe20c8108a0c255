"""Background jobs of the reports (django-tasks; run by ``guanxi worker``): the rollups' refresh.

Thin wrappers: what a rollup holds lives in ``analytics.services.rollups``.
"""

from django_tasks import task

from guanxi.analytics.models import ModelRun
from guanxi.analytics.receivers import rebuild_queue_release
from guanxi.analytics.services import forecast as _forecast  # noqa: F401  (registers its runner)
from guanxi.analytics.services.rollups import day_facts_refresh, revenue_rankings_refresh
from guanxi.analytics.services.runs import run_execute, run_request
from guanxi.core.jobs import periodic


@periodic(name="analytics.refresh_day_facts", every="daily", at="02:30")
@task()
def refresh_day_facts() -> str:
    """Rebuild the day figures (KPI dashboard, employee performance) up to yesterday."""
    rebuild_queue_release()
    return day_facts_refresh().covers_through.isoformat()


@periodic(name="analytics.refresh_revenue_rankings", every="hourly", at="20")
@task()
def refresh_revenue_rankings() -> int:
    """Rank the customers by revenue in each preset period (contribution, pyramid)."""
    rebuild_queue_release()
    return revenue_rankings_refresh()


@task()
def model_run_task(run_id: int) -> str:
    """Compute one model run asked for through the API or a page (``services.runs``)."""
    run = ModelRun.objects.select_related("actor").get(pk=run_id)
    return run_execute(run=run).status


@periodic(name="analytics.forecast", every="daily", at="03:40")
@task()
def forecast_nightly() -> str:
    """The sales forecast of the company, every team, category and account manager."""
    return run_request(kind=ModelRun.Kind.FORECAST, actor=None, background=False).status
