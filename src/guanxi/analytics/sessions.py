"""How reports talk to the database: each report or dashboard is read in one transaction that
has the memory to aggregate in.

PostgreSQL's default ``work_mem`` (4 MB) is sized for many small queries; a year's revenue per
customer (about 500,000 groups at 1,000,000 customers) then spills its hash aggregates and sorts
to disk. A report's transaction raises it for itself alone (``SET LOCAL``, gone at commit), to
``GUANXI_REPORT_WORK_MEM`` (default 64MB).

It also turns PostgreSQL's JIT compilation off: a report's many small correlated sums (a target's
achievement is one per target) are estimated expensive enough to be compiled, and compiling
took 1.7 s of a 2.1 s query whose execution needed 0.35 s. SQLite has neither setting.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


def report_work_mem() -> str:
    return str(settings.GUANXI.get("REPORT_WORK_MEM", "64MB"))


@contextmanager
def report_transaction() -> Iterator[None]:
    """One transaction for every query of a report, with the report's memory setting.

    Without a savepoint inside a request's transaction: a report only reads.
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # set_config(..., true) is SET LOCAL: it ends with this transaction.
                cursor.execute(
                    "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)",
                    [report_work_mem()],
                )
        yield


@contextmanager
def grouping_in_index_order() -> Iterator[None]:
    """Group the rows of the queries inside by reading them in index order, not by hashing.

    For sums per customer over a period (about 460,000 groups of 970,000 orders at 1,000,000
    customers) PostgreSQL's planner prefers a hash table, which took 2.2 s; streaming the groups
    from the ``order_revenue_customer`` index took 0.8 s (contribution 3.3 s → 1.4 s). Only the
    queries inside the block are affected: small groupings elsewhere keep their hash tables.
    Used inside :func:`report_transaction` (a local setting lasts only as long as its transaction).
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_hashagg', 'off', true)")
    yield
    # Not on an error: the transaction is aborted then, and its rollback ends the setting.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_hashagg', 'on', true)")
