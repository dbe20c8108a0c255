"""SQLite's index for customer search: an FTS5 table with the trigram tokenizer.

SQLite has no trigram index for ``LIKE '%term%'``: on the list's newest-first walk a term that
few customers match reads every row (seconds at 100,000 customers). FTS5's ``trigram``
tokenizer (SQLite ≥ 3.34) indexes every three-character sequence of ``search_text``; a
quoted phrase matches exactly the texts containing it, so it answers the same question as the
``LIKE`` for any term of three characters or more (two-character terms are searched with their
separators, ``|张伟|``, see search.search_pattern).

The FTS table reads the text from ``customers_customer`` itself (external content) and is kept
current by triggers, so every writer — services, ``bulk_update``, ``QuerySet.update``, the
seeder's bulk inserts — updates it without knowing. Django rebuilds a SQLite table to alter
it, which drops its triggers; :func:`fts_ensure` runs after every ``migrate`` and restores
them (and the index) when they are missing.
"""

from django.db.models import Q
from django.db.models.expressions import RawSQL

FTS_TABLE = "customers_customer_search"
_TABLE = "customers_customer"
# Literal SQL on purpose: fixed names, no input (the triggers are the index's only writers).
_TRIGGERS = {
    "customers_customer_search_insert": """
        AFTER INSERT ON customers_customer BEGIN
            INSERT INTO customers_customer_search(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
    "customers_customer_search_delete": """
        AFTER DELETE ON customers_customer BEGIN
            INSERT INTO customers_customer_search(customers_customer_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        END""",
    "customers_customer_search_update": """
        AFTER UPDATE OF search_text ON customers_customer BEGIN
            INSERT INTO customers_customer_search(customers_customer_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
            INSERT INTO customers_customer_search(rowid, search_text)
            VALUES (new.id, new.search_text);
        END""",
}
MIN_TERM = 3  # the trigram tokenizer matches nothing shorter


def _existing(cursor, kind: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = %s", [kind])
    return {row[0] for row in cursor.fetchall()}


def fts_ensure(connection) -> bool:
    """Create the FTS table and its triggers where missing; True if the index was rebuilt."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        if _TABLE not in _existing(cursor, "table"):
            return False  # before the customers migrations
        missing_table = FTS_TABLE not in _existing(cursor, "table")
        if missing_table:
            cursor.execute(
                "CREATE VIRTUAL TABLE customers_customer_search USING fts5(search_text, "
                "content='customers_customer', content_rowid='id', tokenize='trigram')"
            )
        triggers = _existing(cursor, "trigger")
        missing = [name for name in _TRIGGERS if name not in triggers]
        for name in missing:
            cursor.execute(f"CREATE TRIGGER {name} {_TRIGGERS[name]}")
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
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS customers_customer_search")


def fts_condition(pattern: str) -> Q:
    """Customers whose search_text contains ``pattern`` (three characters or more)."""
    phrase = '"' + pattern.replace('"', '""') + '"'
    # The term is a bound parameter; the SQL around it is fixed.
    query = "SELECT rowid FROM customers_customer_search WHERE customers_customer_search MATCH %s"
    return Q(pk__in=RawSQL(query, [phrase]))  # noqa: S611
