"""Helpers for importers: the users a batch names, dates of past events."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from guanxi.core.imports.registry import ImportRow
from guanxi.core.imports.values import not_in_future


def users_find(rows: list[ImportRow], *names: str) -> None:
    """``row.related[name]``: the user of each OWNER column ``name`` (one query per batch)."""
    pks = {row.values[name] for row in rows for name in names if row.values.get(name)}
    if not pks:
        return
    users = get_user_model()._default_manager.in_bulk(pks)
    for row in rows:
        for name in names:
            pk = row.values.get(name)
            if pk is not None and pk in users:
                row.related[name] = users[pk]


def past_dates_check(rows: Iterable[ImportRow], names: Iterable[str], message: str) -> None:
    """A date of an event that happened (closed, won, reported) may not lie in the future."""
    names = tuple(names)
    for row in rows:
        for name in names:
            value: Any = row.values.get(name)
            if value is None:
                continue
            try:
                not_in_future(value)
            except ValidationError:
                row.error(name, message, "future")
