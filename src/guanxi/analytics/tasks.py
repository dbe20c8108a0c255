"""Background jobs of the reports (django-tasks; run by ``guanxi worker``): the rollups' refresh.

Thin wrappers: what a rollup holds lives in ``analytics.services.rollups``.
"""

from django.utils import timezone
from django_tasks import task

from guanxi.analytics.models import ModelRun
from guanxi.analytics.receivers import rebuild_queue_release
from guanxi.analytics.services import associations  # noqa: F401  (registers its runner)
from guanxi.analytics.services import clv as clv_services
from guanxi.analytics.services import forecast as _forecast  # noqa: F401  (registers its runner)
from guanxi.analytics.services.reorder import reorder_reminders_send
from guanxi.analytics.services.rfm import rfm_compute
from guanxi.analytics.services.rollups import day_facts_refresh, revenue_rankings_refresh
from guanxi.analytics.services.runs import run_execute, run_request, run_start
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


@periodic(name="analytics.compute_rfm", every="daily", at="01:40")
@task()
def compute_rfm() -> str:
    """RFM and the purchase cycle of every customer (the company's scores), every night."""
    return rfm_compute(actor=None, background=False).status


@periodic(name="analytics.reorder_reminders", every="daily", at="07:30")
@task()
def send_reorder_reminders() -> int:
    """Remind the owners of their customers due to re-order (after the night's cycles)."""
    return reorder_reminders_send()


@periodic(name="analytics.refresh_product_associations", every="daily", at="03:10")
@task()
def refresh_product_associations() -> str:
    """Mine the product association rules again from every order (``services.associations``)."""
    return run_request(kind=ModelRun.Kind.ASSOCIATIONS, actor=None, background=False).status


@task()
def model_run_task(run_id: int) -> str:
    """Compute one model run asked for through the API or a page (``services.runs``)."""
    run = ModelRun.objects.select_related("actor").get(pk=run_id)
    return run_execute(run=run).status


@periodic(name="analytics.train_churn_model", every="weekly", at="03:30")
@task()
def train_churn_model() -> str:
    """Retrain the company's churn model and score every customer (``services.churn_model``)."""
    return run_request(kind=ModelRun.Kind.CHURN, actor=None, background=False).status


@periodic(name="analytics.fit_clv", every="weekly", at="04:00")
@task()
def fit_clv() -> str:
    """Refit the company's CLV model on every customer's history up to today (the scores)."""
    params = clv_services.clv_params(
        until=timezone.localdate(), time_unit=clv_services.DEFAULT_TIME_UNIT
    )
    run = run_start(kind=ModelRun.Kind.CLV, actor=None, params=params)
    return run_execute(run=run).status


@periodic(name="analytics.forecast", every="daily", at="03:40")
@task()
def forecast_nightly() -> str:
    """The sales forecast of the company, every team, category and account manager."""
    return run_request(kind=ModelRun.Kind.FORECAST, actor=None, background=False).status
