"""SQLite's index for customer search: an FTS5 table with the trigram tokenizer.

SQLite has no trigram index for ``LIKE '%term%'``: on the list's newest-first walk a term that
few customers match reads every row (seconds at 100,000 customers). FTS5's ``trigram``
tokenizer (SQLite ≥ 3.34) indexes every three-character sequence of ``search_text``; a
quoted phrase matches exactly the texts containing it, so it answers the same question as the
``LIKE`` for any term of three characters or more (two-character terms are searched with their
separators, ``|张伟|``, see search.search_pattern).

The FTS table has one column per search column of the customer (``search_text``, and the phone
and e-mail keys a reader with a field protection rule must not search, see search.keys); a
query names the columns it may match with an FTS5 column filter, ``{search_text search_email}``.

The FTS table reads the text from ``customers_customer`` itself (external content) and is kept
current by triggers, so every writer — services, ``bulk_update``, ``QuerySet.update``, the
seeder's bulk inserts — updates it without knowing. Django rebuilds a SQLite table to alter
it, which drops its triggers; :func:`fts_ensure` runs after every ``migrate`` and restores
them (and the index) when they are missing.
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

from guanxi.customers.search.keys import SEARCH_COLUMNS, SEARCH_TEXT

FTS_TABLE = "customers_customer_search"
_TABLE = "customers_customer"
_TRIGGER_NAMES = (
    "customers_customer_search_insert",
    "customers_customer_search_delete",
    "customers_customer_search_update",
)
MIN_TERM = 3  # the trigram tokenizer matches nothing shorter


def _triggers(columns: tuple[str, ...]) -> dict[str, str]:
    """The triggers keeping the FTS table current, for the search ``columns`` of the table."""
    # SQL built from fixed names only (SEARCH_COLUMNS), never from input; the triggers are the
    # index's only writers.
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: E501, S608
    )
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    return dict(
        zip(
            _TRIGGER_NAMES,
            (
                f"AFTER INSERT ON {_TABLE} BEGIN {insert} END",
                f"AFTER DELETE ON {_TABLE} BEGIN {delete} END",
                f"AFTER UPDATE OF {names} ON {_TABLE} BEGIN {delete} {insert} END",
            ),
            strict=True,
        )
    )


def _existing(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def _columns(cursor, table: str) -> tuple[str, ...]:
    cursor.execute(f"PRAGMA table_info({table})")
    return tuple(row[1] for row in cursor.fetchall())


def fts_ensure(connection) -> bool:
    """Create the FTS table and its triggers where missing; True if the index was rebuilt.

    The FTS table indexes the search columns the customer table has (before the migration that
    split the phone and e-mail keys out, ``search_text`` alone); a table over other columns is
    replaced.
    """
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if _TABLE not in _existing(cursor, "table"):
            return False  # before the customers migrations
        present = set(_columns(cursor, _TABLE))
        columns = tuple(column for column in SEARCH_COLUMNS if column in present)
        triggers = _triggers(columns)
        if FTS_TABLE in _existing(cursor, "table") and _columns(cursor, FTS_TABLE) != columns:
            fts_drop(connection)
        missing_table = FTS_TABLE not in _existing(cursor, "table")
        if missing_table:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(columns)}, "
                f"content='{_TABLE}', content_rowid='id', tokenize='trigram')"
            )
        existing = _existing(cursor, "trigger")
        missing = [name for name in triggers if name not in existing]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {triggers[name]}")
        if missing_table or missing:
            # Rows written while a trigger was missing are indexed again from the table.
            cursor.execute(
                "INSERT INTO customers_customer_search(customers_customer_search) "
                "VALUES ('rebuild')"
            )
            return True
    return False


def fts_drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS customers_customer_search")


def fts_condition(pattern: str, columns: tuple[str, ...] = (SEARCH_TEXT,)) -> Q:
    """Customers whose search ``columns`` contain ``pattern`` (three characters or more)."""
    phrase = '"' + pattern.replace('"', '""') + '"'
    # An FTS5 column filter: the phrase is looked for in these columns only.
    match = "{" + " ".join(columns) + "} : " + phrase
    # The term is a bound parameter; the SQL around it is fixed.
    query = "SELECT rowid FROM customers_customer_search WHERE customers_customer_search MATCH %s"
    return Q(pk__in=RawSQL(query, [match]))  # noqa: S611
