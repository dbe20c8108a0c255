"""One pass over an import's file: parse, look up, write (for real or in a rolled-back dry run).

Rows go in batches: a batch's parsing is pure Python; its look-ups (existing rows by source id,
related records, present rows) are a few queries for the whole batch; then each row is one
service call — the same one the pages and the API use, so every rule applies — inside its
own savepoint. A dry run does exactly that inside a transaction it rolls back, so its report
tells what the commit will do. All-or-nothing commits run in one transaction, rolled back if
any row is refused; the report then still lists every problem.
"""

from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.imports.duplicates import NOT_UPDATABLE, DuplicatePolicy
from guanxi.core.imports.mapping import APPEND_TO_NOTES, field_labels, fold
from guanxi.core.imports.readers import open_table
from guanxi.core.imports.registry import (
    CHOICE,
    CREATED,
    DATE,
    DATETIME,
    DICT,
    OWNER,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportRow,
    importer_for,
)
from guanxi.core.imports.report import ReportWriter
from guanxi.core.imports.seen import SeenRefs
from guanxi.core.imports.values import (
    DictionaryDirectory,
    OwnerDirectory,
    choice_table,
    not_in_future,
    parse_value,
)

BATCH_SIZE = 500  # the default of Importer.batch_size
_REPEATING_KINDS = (DATE, DATETIME, CHOICE)
_PARSED_LIMIT = 20_000
_MISSING = object()


class _RollBack(Exception):
    """Raised to undo an all-or-nothing commit that met a refused row."""


@dataclass
class PassResult:
    processed: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, "error": 0, "warning": 0}
    )
    report: ReportWriter | None = None
    rolled_back: bool = False


def _batches(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while batch := list(islice(rows, size)):
        yield batch


def _grouped_batches(
    rows: Iterator[ImportRow], size: int, key: Callable[[ImportRow], Any]
) -> Iterator[list[ImportRow]]:
    """Batches of about ``size`` rows that never split consecutive rows of one group (the lines
    of one order): a batch grows past ``size`` until the group of its last row ends."""
    batch: list[ImportRow] = []
    for row in rows:
        if len(batch) >= size:
            last = key(batch[-1])
            if last is None or key(row) != last:
                yield batch
                batch = []
        batch.append(row)
    if batch:
        yield batch


class FilePass:
    """Reads the job's file once, for ``actor``, with ``mapping``; ``run()`` does the work."""

    def __init__(
        self,
        *,
        entity: str,
        actor: Any,
        mapping: dict[str, str],
        value_mapping: dict[str, dict[str, Any]] | None = None,
        duplicates: dict[str, Any] | None = None,
        options: dict[str, bool] | None = None,
    ) -> None:
        self.spec = importer_for(entity)
        self.importer: Importer = self.spec(actor=actor)
        self.importer.chosen = {name: True for name, on in (options or {}).items() if on}
        self.actor = actor
        # A job stored before a field key was renamed names the old key (Importer.aliases).
        self.mapping = self.spec.resolve_aliases(mapping)
        # {field: {cell text: target}} chosen in the value-mapping step; a target is what the
        # cell stands for (an entry or user pk, a choice value) or "" for "leave empty".
        self.value_mapping = {
            self.spec.aliases.get(name, name): {
                fold(text): target for text, target in targets.items()
            }
            for name, targets in (value_mapping or {}).items()
        }
        # What rows that repeat a present record do (see guanxi.core.imports.duplicates).
        self.policy = DuplicatePolicy.from_json(duplicates)
        self.updatable = tuple(
            column.name for column in self.spec.updatable() if column.name not in NOT_UPDATABLE
        )
        self.dictionaries: dict[str, DictionaryDirectory] = {}
        # (index, header) of the columns kept in the notes (APPEND_TO_NOTES), set by ``run``.
        self.notes_columns: list[tuple[int, str]] = []
        self.columns = {column.name: column for column in self.spec.all_columns()}
        self.labels = field_labels(self.spec.field_table())
        self.choices = {
            name: choice_table(column.choices)
            for name, column in self.columns.items()
            if column.kind == CHOICE and column.choices is not None
        }
        self.owners: OwnerDirectory | None = None
        self.seen_refs = SeenRefs()
        # (field, cell text) → parsed value, for the kinds in _REPEATING_KINDS.
        self._parsed: dict[tuple[str, str], Any] = {}

    # -- parsing ---------------------------------------------------------------------------

    def _parse(self, number: int, cells: list[str], indexes: list[tuple[int, str]]) -> ImportRow:
        row = ImportRow(number=number, cells=cells)
        for index, name in indexes:
            text = cells[index].strip() if index < len(cells) else ""
            if not text:
                continue
            column = self.columns[name]
            try:
                # Folded only for a column with values mapped by hand: most columns have none.
                by_hand = self.value_mapping.get(name)
                mapped = by_hand.get(fold(text)) if by_hand else None
                if mapped == "":
                    continue
                if column.kind == DICT:
                    directory = self._dictionary(column.dictionary or "")
                    entry = directory.by_pk.get(mapped) if mapped is not None else None
                    row.values[name] = entry or directory.find(text)
                elif column.kind == OWNER:
                    if self.owners is None:
                        self.owners = OwnerDirectory()
                    row.values[name] = mapped if mapped is not None else self.owners.find(text)
                elif mapped is not None:
                    row.values[name] = mapped
                elif column.kind in _REPEATING_KINDS:
                    # Dates and choices repeat down a file (an order's lines): parsed once.
                    key = (name, text)
                    value = self._parsed.get(key, _MISSING)
                    if value is _MISSING:
                        value = parse_value(column, text, self.choices.get(name))
                        if len(self._parsed) < _PARSED_LIMIT:
                            self._parsed[key] = value
                    row.values[name] = value
                else:
                    row.values[name] = parse_value(column, text, self.choices.get(name))
            except ValidationError as error:
                for message in error.messages:
                    row.error(name, message)
        kept = [
            f"{header}: {cells[index].strip()}"
            for index, header in self.notes_columns
            if index < len(cells) and cells[index].strip()
        ]
        if kept:
            row.values["notes"] = "\n".join(filter(None, [row.values.get("notes"), *kept]))
        for name in self.spec.required():
            if name not in row.values and not any(f[2] == name for f in row.findings):
                row.error(name, _("This field is required."), "required")
        created_at = row.values.get("created_at")
        if created_at is not None:
            try:
                not_in_future(created_at)
            except ValidationError as error:
                row.error("created_at", error.messages[0], "future")
        ref = row.values.get("external_ref")
        if ref and not row.failed:
            earlier = self.seen_refs.get(ref)
            if earlier is not None:
                row.warning(
                    "external_ref",
                    _("Same external id as row %(row)d of the file; the row is skipped.")
                    % {"row": earlier},
                    "repeated",
                )
                row.outcome = UNCHANGED
            elif len(self.seen_refs) < self.spec.max_rows:
                self.seen_refs[ref] = number
        return row

    def _dictionary(self, kind: str) -> DictionaryDirectory:
        if kind not in self.dictionaries:
            self.dictionaries[kind] = DictionaryDirectory(kind)
        return self.dictionaries[kind]

    def _find_existing(self, rows: list[ImportRow]) -> None:
        """Rows whose external id names a live record: that record, if the actor sees it."""
        refs = {row.values["external_ref"] for row in rows if row.values.get("external_ref")}
        if not refs:
            return
        model = self.spec.model
        # "> ''" repeats the condition of the partial unique index (external_ref_constraint):
        # PostgreSQL proves a long IN list implies it only when written out, else it scans.
        live = model._default_manager.filter(external_ref__gt="", external_ref__in=refs)
        ids = dict(live.values_list("external_ref", "pk"))
        if not ids:
            return
        visible = {
            record.external_ref: record
            for record in self.importer.visible(model._default_manager.filter(pk__in=ids.values()))
        }
        for row in rows:
            ref = row.values.get("external_ref")
            if ref in visible:
                row.existing = visible[ref]
            elif ref in ids:
                row.error(
                    "external_ref",
                    _("A record with this external id exists, but you may not change it."),
                    "not_visible",
                )

    # -- one batch -------------------------------------------------------------------------

    def _write(self, row: ImportRow) -> None:
        try:
            with transaction.atomic():
                outcome = self.importer.write(row)
                if outcome == CREATED and row.values.get("created_at") is not None:
                    self.importer.keep_created_at(row.existing, row.values["created_at"])
        except ValidationError as error:
            row.errors_from(error)
            return
        except PermissionDenied as error:
            row.error("", str(error) or _("You may not import this row."), "refused")
            return
        row.outcome = outcome

    def _batch(self, batch: list[ImportRow], *, dry_run: bool) -> None:
        # Rows with errors are looked up too: the report then names every problem of a row
        # at once (a bad price and an unknown category), not one per upload.
        pending = [row for row in batch if not row.outcome]
        self._find_existing([row for row in pending if not row.failed])
        self.importer.prepare(pending)
        ready = [row for row in pending if not row.failed]
        self.importer.natural_match([row for row in ready if row.existing is None])
        for row in ready:
            if row.duplicate is not None and not row.failed:
                self.policy.apply(row, self.updatable)
        with transaction.atomic():
            writable = [row for row in ready if not row.failed and not row.outcome]
            if writable and not self.importer.write_batch(writable):
                for row in writable:
                    self._write(row)
            if dry_run:
                transaction.set_rollback(True)

    # -- the pass --------------------------------------------------------------------------

    def run(
        self,
        binary: IO[bytes],
        file_name: str,
        *,
        dry_run: bool,
        all_or_nothing: bool = False,
        on_progress: Callable[[int], None] = lambda processed: None,
    ) -> PassResult:
        result = PassResult()
        with open_table(binary, file_name) as table:
            indexes = [
                (index, self.mapping[header])
                for index, header in enumerate(table.headers)
                if self.mapping.get(header) in self.columns
            ]
            self.notes_columns = [
                (index, header)
                for index, header in enumerate(table.headers)
                if self.mapping.get(header) == APPEND_TO_NOTES and "notes" in self.columns
            ]
            header_of = {name: table.headers[index] for index, name in indexes}
            header_of.update({n: str(self.labels[n]) for n in self.columns if n not in header_of})
            keys = self.spec.keys()
            result.report = ReportWriter(
                headers=table.headers,
                header_of=header_of,
                describe=self.importer.describe,
                key_indexes=[(index, table.headers[index]) for index, n in indexes if n in keys],
            )
            try:
                with transaction.atomic() if all_or_nothing and not dry_run else nullcontext():
                    for batch in self._parsed_batches(table.rows, indexes):
                        self._batch(batch, dry_run=dry_run)
                        self._tally(batch, result)
                        on_progress(result.processed)
                    if all_or_nothing and not dry_run and result.counts["error"]:
                        raise _RollBack
            except _RollBack:
                result.rolled_back = True
            finally:
                self.seen_refs.close()
        return result

    def _parsed_batches(
        self, rows: Iterator[tuple[int, list[str]]], indexes: list[tuple[int, str]]
    ) -> Iterator[list[ImportRow]]:
        if self.spec.group_by is None:
            for cells in _batches(rows, self.spec.batch_size):
                yield [self._parse(number, texts, indexes) for number, texts in cells]
            return
        group_by = self.spec.group_by
        parsed = (self._parse(number, texts, indexes) for number, texts in rows)
        yield from _grouped_batches(
            parsed, self.spec.batch_size, lambda row: row.values.get(group_by)
        )

    def _tally(self, batch: list[ImportRow], result: PassResult) -> None:
        assert result.report is not None
        for row in batch:
            if row.failed:
                result.counts["error"] += 1
            else:
                result.counts[row.outcome or UNCHANGED] += 1
                if row.findings:
                    result.counts["warning"] += 1
            result.report.add(row)
        result.processed += len(batch)
        if result.processed > self.spec.max_rows:
            raise ValidationError(
                {
                    "file": _("A file can have at most %(count)d rows.")
                    % {"count": self.spec.max_rows}
                }
            )
