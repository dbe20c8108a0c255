"""The distinct values of a file's list columns, with counts and the match each one finds.

A column whose cells name an entry of a list — a dictionary entry, a user, a choice — is read
once, streaming: each distinct value (compared folded, so ``Hot`` and ``HOT `` are one) is
counted, up to :data:`MAX_DISTINCT` values per column; rows holding further values are only
counted as ``others``, so memory stays flat whatever the file. Each value is matched the way
the import itself will match it (code, name, pinyin; username, name, e-mail; choice value or
label), so the user maps only what is left.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from guanxi.core.imports.mapping import fold
from guanxi.core.imports.readers import open_table
from guanxi.core.imports.registry import CHOICE, DICT, MAPPED_KINDS, OWNER, Column, Importer
from guanxi.core.imports.values import DictionaryDirectory, OwnerDirectory, choice_table

MAX_DISTINCT = 1000
# The target that asks for a new dictionary entry named like the cell (created on saving).
NEW_ENTRY = "__new__"
LEAVE_EMPTY = ""


def value_columns(spec: type[Importer], mapping: dict[str, str]) -> dict[str, Column]:
    """``{header: column}`` of the mapped columns whose values are matched against a list."""
    columns = {column.name: column for column in spec.all_columns()}
    chosen: dict[str, Column] = {}
    for header, name in mapping.items():
        column = columns.get(name)
        if column is not None and is_mapped_kind(column):
            chosen[header] = column
    return chosen


def is_mapped_kind(column: Column) -> bool:
    if column.kind not in MAPPED_KINDS:
        return False
    if column.kind == DICT:
        return bool(column.dictionary)
    return column.kind != CHOICE or column.choices is not None


@dataclass
class ColumnCount:
    """The distinct values of one column: ``{folded: [text as first seen, rows]}``."""

    values: dict[str, list[Any]] = field(default_factory=dict)
    others: int = 0  # rows whose value came after the first MAX_DISTINCT

    def add(self, text: str) -> None:
        key = fold(text)
        if key in self.values:
            self.values[key][1] += 1
        elif len(self.values) < MAX_DISTINCT:
            self.values[key] = [text, 1]
        else:
            self.others += 1

    def as_json(self) -> dict[str, Any]:
        ordered = sorted(self.values.values(), key=lambda pair: -pair[1])
        return {"values": ordered, "others": self.others, "truncated": bool(self.others)}


def count_values(binary: IO[bytes], file_name: str, headers: Iterable[str]) -> dict[str, Any]:
    """``{header: {"values": [[text, rows]…], "others": n, "truncated": bool}}`` in one pass."""
    wanted = set(headers)
    counts: dict[str, ColumnCount] = {}
    with open_table(binary, file_name) as table:
        indexes = []
        for index, header in enumerate(table.headers):
            if header in wanted and header not in counts:
                counts[header] = ColumnCount()
                indexes.append((index, counts[header]))
        for _number, cells in table.rows:
            for index, count in indexes:
                text = cells[index].strip() if index < len(cells) else ""
                if text:
                    count.add(text)
    return {header: count.as_json() for header, count in counts.items()}


class ValueMatcher:
    """Matches cell texts to targets and words targets, for one importer (a query per list)."""

    def __init__(self) -> None:
        self.dictionaries: dict[str, DictionaryDirectory] = {}
        self.owners: OwnerDirectory | None = None
        self.choices: dict[str, dict[str, str]] = {}
        self.user_names: dict[int, str] = {}

    def directory(self, kind: str) -> DictionaryDirectory:
        if kind not in self.dictionaries:
            self.dictionaries[kind] = DictionaryDirectory(kind)
        return self.dictionaries[kind]

    def choice_table(self, column: Column) -> dict[str, str]:
        if column.name not in self.choices:
            self.choices[column.name] = choice_table(column.choices)
        return self.choices[column.name]

    def match(self, column: Column, text: str) -> Any:
        """The target the import finds for ``text`` by itself, or None."""
        if column.kind == DICT:
            entry = self.directory(column.dictionary or "").match(text)
            return entry.pk if entry is not None else None
        if column.kind == OWNER:
            if self.owners is None:
                self.owners = OwnerDirectory()
            try:
                return self.owners.find(text)
            except ValidationError:
                return None
        return self.choice_table(column).get(fold(text))

    def load_users(self, pks: Iterable[Any]) -> None:
        """The names of the users ``pks`` (one query), for :meth:`label`."""
        wanted = {pk for pk in pks if isinstance(pk, int) and pk not in self.user_names}
        if wanted:
            for user in get_user_model()._default_manager.filter(pk__in=wanted):
                self.user_names[user.pk] = str(user)

    def label(self, column: Column, target: Any) -> str:
        """How ``target`` reads for the user ("" for none or "leave empty")."""
        if target in (None, LEAVE_EMPTY):
            return ""
        if column.kind == DICT:
            entry = self.directory(column.dictionary or "").by_pk.get(target)
            return entry.label if entry is not None else ""
        if column.kind == OWNER:
            return self.user_names.get(target, "")
        return str(dict(column.choices.choices).get(target, "")) if column.choices else ""
