"""Keyset ("cursor") pagination for list pages.

``OFFSET 500000`` makes the database walk half a million rows; a keyset page instead asks for
"the rows after the last one shown", which an index answers directly at any depth. A cursor
is the sort values of a boundary row (base64 of JSON), so it is opaque to users but stable
when rows are added before it.

An ordering is a tuple of field paths (``"-created_at", "-id"``); it must end in a unique
field so every row has exactly one place. NULLs sort after every value in both directions,
the way a user reading the list expects empty cells at the end.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import decimal
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import F, Field, ForeignObjectRel, Model, Q, QuerySet
from django.db.models.fields.related import RelatedField

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey

MAX_PER_PAGE = 200
_NEXT = "n"
_PREVIOUS = "p"


@dataclass(frozen=True)
class _Key:
    path: str
    descending: bool
    nullable: bool
    model_field: Field[Any, Any]
    nulls_last: bool = True

    def reversed(self) -> _Key:
        return _Key(
            self.path, not self.descending, self.nullable, self.model_field, not self.nulls_last
        )

    def order_expression(self):
        expression = F(self.path)
        if not self.nullable:
            return expression.desc() if self.descending else expression.asc()
        # Explicit on both databases, which disagree on where NULLs go by default.
        nulls = {"nulls_last": True} if self.nulls_last else {"nulls_first": True}
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)

    def after(self, value) -> Q:
        """Rows strictly after ``value`` in this key's order."""
        if value is None:
            # NULLs come last (nothing after them) or first (every value after them).
            return Q(pk__in=[]) if self.nulls_last else Q(**{f"{self.path}__isnull": False})
        beyond = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and self.nulls_last:
            beyond |= Q(**{f"{self.path}__isnull": True})
        return beyond

    def equal(self, value) -> Q:
        if value is None:
            return Q(**{f"{self.path}__isnull": True})
        return Q(**{self.path: value})


@dataclass
class CursorPage:
    """One page of rows and the cursors that lead to its neighbours (``None`` at either end)."""

    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    per_page: int = 25

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return bool(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _resolve(model: type[Model], path: str) -> tuple[Field[Any, Any], bool]:
    """The model field at the end of ``path`` and whether a NULL can appear there."""
    nullable = False
    target: Field[Any, Any] | ForeignObjectRel | GenericForeignKey | None = None
    parts = path.split("__")
    for index, part in enumerate(parts):
        try:
            target = model._meta.pk if part == "pk" else model._meta.get_field(part)
        except FieldDoesNotExist as error:
            raise ValueError(f"Cannot order {model.__name__} by {path!r}") from error
        # A reverse relation or a nullable foreign key on the way can yield NULL too.
        nullable = nullable or bool(getattr(target, "null", True))
        if target.is_relation:
            # An orderable relation is a foreign key or a reverse one, its model loaded.
            relation = cast("RelatedField[Any, Any] | ForeignObjectRel", target)
            if index == len(parts) - 1:
                target = relation.target_field
            else:
                model = cast("type[Model]", relation.related_model)
    return cast("Field[Any, Any]", target), nullable


def _keys(model: type[Model], ordering: Sequence[str]) -> list[_Key]:
    if not ordering:
        raise ValueError("A keyset ordering needs at least one field")
    keys = []
    for item in ordering:
        path = item.removeprefix("-")
        target, nullable = _resolve(model, path)
        keys.append(_Key(path, item.startswith("-"), nullable, target))
    last = keys[-1]
    if last.nullable or not (last.model_field.primary_key or last.model_field.unique):
        raise ValueError("A keyset ordering must end in a unique, non-null field such as id")
    return keys


def _after(keys: list[_Key], values: list) -> Q:
    """Rows after the boundary row: equal on a prefix of the keys, beyond on the next one."""
    alternatives = []
    for index, key in enumerate(keys):
        prefix = [keys[i].equal(values[i]) for i in range(index)]
        alternatives.append(reduce(and_, [*prefix, key.after(values[index])]))
    condition = reduce(or_, alternatives)
    first, value = keys[0], values[0]
    if not first.nullable and value is not None:
        # Redundant for the result, but it gives the database a range on the leading index
        # column, so a deep page starts at the cursor instead of scanning up to it.
        condition &= Q(**{f"{first.path}__{'lte' if first.descending else 'gte'}": value})
    return condition


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _encode(direction: str, ordering: Sequence[str], values: list) -> str:
    payload = {"d": direction, "o": list(ordering), "v": [_jsonable(v) for v in values]}
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, ordering: Sequence[str], keys: list[_Key]) -> tuple[str, list] | None:
    """The direction and boundary values of a cursor, or ``None`` if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        direction, values = payload["d"], payload["v"]
        if (
            direction not in (_NEXT, _PREVIOUS)
            or payload["o"] != list(ordering)
            or not isinstance(values, list)
            or len(values) != len(keys)
        ):
            return None
        return direction, [
            None if value is None else key.model_field.to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValueError, TypeError, KeyError, AttributeError, binascii.Error, ValidationError):
        return None


def _boundary(row, count: int) -> list:
    if isinstance(row, dict):  # a .values() queryset
        return [row[f"_keyset_{i}"] for i in range(count)]
    return [getattr(row, f"_keyset_{i}") for i in range(count)]


def keyset_paginate(
    queryset: QuerySet, *, ordering: Sequence[str], cursor: str | None = None, per_page: int = 25
) -> CursorPage:
    """One page of ``queryset`` in ``ordering``, starting at ``cursor`` (first page if invalid).

    One query per page whatever its depth. The queryset's own ordering is replaced.
    """
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    ordering = tuple(ordering)
    keys = _keys(queryset.model, ordering)
    # The boundary values come from the database itself, exactly as it compares them.
    annotated = queryset.annotate(**{f"_keyset_{i}": F(k.path) for i, k in enumerate(keys)})
    decoded = _decode(cursor, ordering, keys) if cursor else None
    direction, values = decoded if decoded else (_NEXT, None)

    walk = keys if direction == _NEXT else [key.reversed() for key in keys]
    rows = annotated.order_by(*[key.order_expression() for key in walk])
    if values is not None:
        rows = rows.filter(_after(walk, values))
    rows = list(rows[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if direction == _PREVIOUS:
        rows.reverse()

    page = CursorPage(object_list=rows, per_page=per_page)
    if not rows:
        return page
    first, last = _boundary(rows[0], len(keys)), _boundary(rows[-1], len(keys))
    if direction == _NEXT:
        page.next_cursor = _encode(_NEXT, ordering, last) if more else None
        page.previous_cursor = _encode(_PREVIOUS, ordering, first) if values is not None else None
    else:
        page.previous_cursor = _encode(_PREVIOUS, ordering, first) if more else None
        page.next_cursor = _encode(_NEXT, ordering, last)
    return page


def paginate_request(
    request, queryset: QuerySet, *, ordering: Sequence[str], per_page: int | None = None
) -> CursorPage:
    """:func:`keyset_paginate` driven by the ``cursor`` query parameter of a page request."""
    size = per_page or settings.GUANXI.get("PAGE_SIZE", 25)
    return keyset_paginate(
        queryset, ordering=ordering, cursor=request.GET.get("cursor"), per_page=size
    )
