"""Writing many rows fast, for seeders and imports alike: ids reserved ahead, COPY on
PostgreSQL, executemany on SQLite, and an optional writer thread.

No signals fire and no history rows are written: bulk rows have no author, and a million
history rows would double the cost. Callers that need the audit trail write it themselves.
"""

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 5000


class BatchWriter:
    """Runs each batch's inserts; on PostgreSQL optionally in a second thread.

    With the thread, Python generates batch k+1 while the database writes and indexes batch k.
    The thread has its own connection, which cannot see the caller's uncommitted rows, so it is
    only used when the caller is not inside a transaction.
    """

    def __init__(self, *, threaded: bool) -> None:
        self.threaded = threaded
        self._error: BaseException | None = None
        if threaded:
            self._jobs: queue.Queue = queue.Queue(maxsize=2)
            self._thread = threading.Thread(target=self._work, name="seed-writer", daemon=True)
            self._thread.start()

    def _work(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._error is None:
                    try:
                        job()
                    except BaseException as exc:  # handed to the main thread in submit/close
                        self._error = exc
        finally:
            connection.close()

    def submit(self, job: Callable[[], None]) -> None:
        if self._error is not None:
            raise self._error
        if self.threaded:
            self._jobs.put(job)
        else:
            job()

    def close(self) -> None:
        if self.threaded:
            self._jobs.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for ``count`` new rows, so children can point at parents inserted in bulk."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the caller's transaction holds the write lock, so MAX(id) cannot move.
        quoted = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quoted(column)}), 0) FROM {quoted(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def bulk_insert(model: type[models.Model], rows: list[dict]) -> int:
    """Insert ``rows`` (attname → value, with ``id``) fast: COPY on PostgreSQL, executemany else.

    Columns a row leaves out get the field's default, so fields added to a model later still
    get valid values. No signals fire and no history rows are written (see the module doc).
    """
    if not rows:
        return 0
    fields = list(model._meta.concrete_fields)
    defaults = {f.attname: f.get_default() for f in fields}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = timezone.now()
    names = [f.attname for f in fields]
    columns = [f.column for f in fields]
    if connection.vendor == "postgresql":
        # psycopg is installed only where PostgreSQL is used (SQLite needs no driver).
        from psycopg import sql

        copy_statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with connection.cursor() as cursor, cursor.cursor.copy(copy_statement) as copy:
            for row in rows:
                copy.write_row([row.get(name, defaults[name]) for name in names])
        return len(rows)
    datetimes = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    adapt = connection.ops.adapt_datetimefield_value
    values = [
        [
            adapt(row.get(n, defaults[n])) if n in datetimes else row.get(n, defaults[n])
            for n in names
        ]
        for row in rows
    ]
    quoted = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quoted(model._meta.db_table),
        ", ".join(map(quoted, columns)),
        ", ".join(["%s"] * len(names)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(statement, values)
    return len(rows)


def analyze(*seeded: type[models.Model]) -> None:
    """Refresh PostgreSQL's statistics of freshly seeded tables before querying them.

    Right after millions of rows arrive by COPY the planner still believes the tables are
    empty and picks plans that scan them once per row (a correlated subquery over 1,000,000
    customers ran for over ten minutes); autovacuum catches up only later.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in seeded:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
