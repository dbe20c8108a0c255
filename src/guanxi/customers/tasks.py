"""Background jobs of the customers app (django-tasks; run by ``guanxi worker``).

Scheduled ones carry ``@periodic``; all are thin wrappers, the rules live in the services.
"""

from django_tasks import task

from guanxi.core.jobs import periodic
from guanxi.customers.services import churn as services_churn
from guanxi.customers.services import pool as services_pool

# -- churn handling 客户流失管理 ---------------------------------------------------------------


@periodic(name="customers.churn_scan", every="daily", at="04:00")
@task()
def churn_scan() -> int:
    """Warn the owners of customers who stopped ordering (GUANXI_CHURN_MONTHS, default 6)."""
    return services_churn.churn_scan()


@periodic(name="customers.pool_recall", every="daily", at="04:30")
@task()
def pool_recall() -> dict[str, int]:
    """Warn owners of coming recalls and return neglected customers to the pool 公海."""
    return services_pool.pool_recall_run()
