"""Background jobs of the reports (django-tasks; run by ``guanxi worker``): the rollups' refresh.

Thin wrappers: what a rollup holds and how it is read live in ``analytics.rollups_*``.
"""

from django_tasks import task

from guanxi.core.jobs import periodic


@periodic(name="analytics.refresh_day_facts", every="daily", at="02:30")
@task()
def refresh_day_facts() -> str:
    """Rebuild the day figures (KPI dashboard, employee performance) up to yesterday."""
    from guanxi.analytics.rollups_daily import refresh_day_facts as refresh

    return refresh().covers_through.isoformat()


@periodic(name="analytics.refresh_revenue_rankings", every="hourly", at="20")
@task()
def refresh_revenue_rankings() -> int:
    """Rank the customers by revenue in each preset period (contribution, pyramid)."""
    from guanxi.analytics.rollups_ranking import refresh_revenue_rankings as refresh

    return refresh()
