"""What the reports derive from records, dropped when records enter or leave the recycle bin.

A customer going to the bin takes its orders, interactions and service requests with it: the
reports must stop counting them at once, not at the next nightly rollup. The cached results
are made stale; the rollups are dropped (the reports count live meanwhile) and rebuilt by the
worker straight away.
"""

from typing import Any

from django.core.cache import cache

from guanxi.analytics.caching import reports_invalidate
from guanxi.analytics.models import RevenueRanking, RollupRefresh
from guanxi.analytics.selectors.rollups import DAY_FACTS

# Set while a rebuild is queued, so a run of deletions queues one rebuild, not one each.
REBUILD_QUEUED_KEY = "guanxi:rollups:rebuild-queued"
REBUILD_QUEUED_SECONDS = 15 * 60


def rollups_drop() -> None:
    """Forget the rollups: until they are rebuilt every report counts live."""
    RollupRefresh.objects.filter(name=DAY_FACTS).delete()
    RevenueRanking.objects.all().delete()


def rollups_rebuild_queue() -> None:
    from guanxi.analytics.tasks import refresh_day_facts, refresh_revenue_rankings

    if cache.add(REBUILD_QUEUED_KEY, True, REBUILD_QUEUED_SECONDS):
        refresh_day_facts.enqueue()
        refresh_revenue_rankings.enqueue()


def rebuild_queue_release() -> None:
    """Called by a rebuild as it starts: a bin change from now on queues another."""
    cache.delete(REBUILD_QUEUED_KEY)


def bin_changed_receiver(*, followers: int = 0, **kwargs: Any) -> None:
    reports_invalidate()
    if followers:
        rollups_drop()
        rollups_rebuild_queue()


def past_orders_receiver(**kwargs: Any) -> None:
    """Orders dated before today arrived (imported history): the days they fall on were rolled
    up without them."""
    reports_invalidate()
    rollups_drop()
    rollups_rebuild_queue()
