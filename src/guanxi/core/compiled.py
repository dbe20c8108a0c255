"""Queries compiled once per shape, run for any record by swapping the record's id.

A page that reads one record with a large ORM query — the customer 360 page's key figures
(dozens of correlated subqueries) and its timeline (a UNION of every source) — spends more
Python time building and compiling the query than the database spends answering it. The query
for the next customer differs only in the customer's id, so :func:`compiled_rows` compiles it
once per *shape* — what it depends on besides the record: the reader (:func:`reader_shape`:
rights and scope), the day, the options — and afterwards only swaps the id in the parameters.

The cache trusts nothing it has not checked: a shape is compiled twice, for the record and for
another id, and kept only if the SQL is the same and the parameters differ exactly where the
id goes. A query that also depends on anything else of the record, or on the time of day, is
then simply not cached (it still answers right, compiled each time). A value the builder
reads from the database or the settings is baked into the SQL, so a shape is compiled again
after :data:`LIFETIME` seconds: such a change shows within minutes. Each process keeps the
most recent :data:`MAX_SHAPES` shapes.

On PostgreSQL a compiled shape also skips the planner: its SQL, with every parameter but the
record's id written in, is a prepared statement of the connection (``PREPARE … (bigint)``,
then ``EXECUTE name(id)``) whose plan is kept — planning the 360 page's larger queries took
longer than running them. The statements go through Django's cursor (counted and logged like
any query), and ``settings.PREPARED_QUERIES`` turns them off (e.g. behind a pooler that shares
server connections between clients).
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql.compiler import SQLCompiler

from guanxi.core.rules import sees_everything
from guanxi.core.scoping import visible_user_ids

MAX_SHAPES = 256
LIFETIME = 300.0
# Prepared statements a connection keeps before it drops them all and starts again.
MAX_PREPARED = 512
_PLACEHOLDER = re.compile(r"%%|%s")


@dataclass(frozen=True)
class CompiledRows:
    """The rows of one record, the names of their columns, and what the builder added."""

    rows: list[tuple[Any, ...]]
    names: tuple[str, ...]
    extra: Any


@dataclass
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    names: tuple[str, ...]
    extra: Any
    # (name, PREPARE statement) on PostgreSQL; None where the SQL runs as it is.
    statement: tuple[str, str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rows(self, record_id: int, *, using: str) -> list[tuple[Any, ...]]:
        connection = connections[using]
        with self.lock, connection.cursor() as cursor:
            if self.statement is not None:
                _execute_prepared(connection, cursor, *self.statement, record_id)
            else:
                params = list(self.params)
                for position in self.positions:
                    params[position] = record_id
                cursor.execute(self.sql, params)
            raw = cursor.fetchall()
            # The compiler converts the values as the queryset would (JSON, decimals, dates on
            # SQLite), with the connection of this thread.
            self.compiler.connection = connections[using]
            fields = [column[0] for column in self.compiler.select[: self.compiler.col_count]]
            converters = self.compiler.get_converters(fields)
            if converters:
                raw = list(self.compiler.apply_converters(raw, converters))
        return [tuple(row) for row in raw]


Builder = Callable[[int], tuple[QuerySet[Any], Any]]

# A shape found not cacheable is remembered as (None, when) for the same lifetime.
_SHAPES: "OrderedDict[Hashable, tuple[_Compiled | None, float]]" = OrderedDict()
_SHAPES_LOCK = threading.Lock()


def reader_shape(actor: Any) -> Hashable:
    """What a query built for ``actor`` may depend on: who they are, their rights and the
    users whose records they see."""
    return (
        actor.pk,
        actor.is_active,
        actor.is_superuser,
        frozenset(actor.get_all_permissions()),
        None if sees_everything(actor) else visible_user_ids(actor),
    )


def _compile(queryset: QuerySet[Any], using: str) -> tuple[SQLCompiler, str, tuple[Any, ...]]:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _checked(build: Builder, record_id: int, using: str) -> _Compiled | None:
    queryset, extra = build(record_id)
    compiler, sql, params = _compile(queryset, using)
    other_id = record_id + 1
    _other, other_sql, other_params = _compile(build(other_id)[0], using)
    if sql != other_sql or len(params) != len(other_params):
        return None
    positions = []
    for index, (mine, theirs) in enumerate(zip(params, other_params, strict=True)):
        if mine == theirs:
            continue
        if mine != record_id or theirs != other_id:
            return None  # depends on something besides the id
        positions.append(index)
    if not positions:
        return None
    names = tuple(alias or "" for _expression, _sql, alias in compiler.select[: compiler.col_count])
    statement = _statement(connections[using], sql, params, positions)
    return _Compiled(compiler, sql, params, tuple(positions), names, extra, statement)


def _statement(
    connection: BaseDatabaseWrapper, sql: str, params: tuple[Any, ...], positions: list[int]
) -> tuple[str, str] | None:
    """(name, ``PREPARE`` statement) of ``sql`` with the record's id as its one parameter."""
    if connection.vendor != "postgresql" or not getattr(settings, "PREPARED_QUERIES", True):
        return None
    kept: list[Any] = []
    index = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal index
        if match.group(0) == "%%":
            return "%%"
        position, index = index, index + 1
        if position in positions:
            return "$1"
        kept.append(params[position])
        return "%s"

    # PostgreSQL's operations write parameters in as literals, the way psycopg quotes them.
    body = connection.ops.compose_sql(  # type: ignore[attr-defined]
        _PLACEHOLDER.sub(swap, sql), kept
    )
    name = "guanxi_" + hashlib.sha256(body.encode()).hexdigest()[:24]
    return name, f"PREPARE {name}(bigint) AS {body}"


def _execute_prepared(
    connection: BaseDatabaseWrapper, cursor: Any, name: str, prepare: str, record_id: int
) -> None:
    """``EXECUTE name(record_id)``; on a session that lacks the statement, prepared first in
    the same round trip (one query either way, as the page's query count expects)."""
    raw = connection.connection
    # (the session's connection, the names prepared on it; None: unknown after a failure)
    state: tuple[Any, set[str] | None] | None = getattr(connection, "_guanxi_prepared", None)
    setup = []
    if state is None or state[0] is not raw:
        # Only these statements are prepared on the connection (Django binds its other
        # queries on the client), and each plan is for any record: plan once, not per id.
        setup.append("SET plan_cache_mode = force_generic_plan")
        names: set[str] = set()
    elif state[1] is None or len(state[1]) >= MAX_PREPARED:
        # After a failed round trip the session's statements are not known: start again.
        setup.append("DEALLOCATE ALL")
        names = set()
    else:
        names = state[1]
    connection._guanxi_prepared = (raw, None)  # type: ignore[attr-defined]
    if name in names:
        cursor.execute(f"EXECUTE {name}(%s)", [record_id])
    else:
        # Without parameters the statements go as one simple query; the rows are the last
        # set's.
        cursor.execute("; ".join([*setup, prepare, f"EXECUTE {name}({int(record_id)})"]))
        while cursor.description is None and cursor.nextset():
            pass
        names.add(name)
    connection._guanxi_prepared = (raw, names)  # type: ignore[attr-defined]


def _entry(shape: Hashable, build: Builder, record_id: int, using: str) -> _Compiled | None:
    key = (using, connections[using].vendor, shape)
    now = time.monotonic()
    with _SHAPES_LOCK:
        entry, compiled_at = _SHAPES.get(key, (None, -LIFETIME))
        known = now - compiled_at < LIFETIME
        if known:
            _SHAPES.move_to_end(key)
    if not known:
        entry = _checked(build, record_id, using)
        with _SHAPES_LOCK:
            _SHAPES[key] = (entry, now)
            _SHAPES.move_to_end(key)
            if len(_SHAPES) > MAX_SHAPES:
                _SHAPES.popitem(last=False)
    return entry


def compiled_rows(shape: Hashable, build: Builder, record_id: int) -> CompiledRows | None:
    """The rows of the queryset ``build(record_id)`` returns (with what it returns beside
    it), from the SQL compiled for ``shape``; None when that query cannot be cached, and the
    caller runs it as usual."""
    entry = _entry(shape, build, record_id, DEFAULT_DB_ALIAS)
    if entry is None:
        return None
    return CompiledRows(entry.rows(record_id, using=DEFAULT_DB_ALIAS), entry.names, entry.extra)


def compiled_objects(shape: Hashable, build: Builder, record_id: int) -> list[Model] | None:
    """The model instances (with their ``select_related`` objects) of ``build(record_id)``,
    from the SQL compiled for ``shape``; None when that query cannot be cached."""
    using = DEFAULT_DB_ALIAS
    entry = _entry(shape, build, record_id, using)
    if entry is None:
        return None
    rows = entry.rows(record_id, using=using)
    select, klass_info = entry.compiler.select, entry.compiler.klass_info
    assert klass_info is not None
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    annotations = entry.compiler.annotation_col_map or {}
    objects = []
    for row in rows:
        instance = model.from_db(using, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for attribute, column in annotations.items():
            setattr(instance, attribute, row[column])
        objects.append(instance)
    return objects


def forget_shapes() -> None:
    """Drop every compiled shape (tests; a schema change)."""
    with _SHAPES_LOCK:
        _SHAPES.clear()
