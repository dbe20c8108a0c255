"""The report of one pass over a file: exact counts per kind of problem, the first findings
for the page, and every row with a problem in an xlsx workbook — as uploaded, plus a column
with its messages — to correct and upload again.

The workbook is written row by row (openpyxl's write-only mode) to a temporary file, so the
memory used stays flat whatever the size of the file.
"""

import tempfile
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from guanxi.core.imports.duplicates import choice_label
from guanxi.core.imports.registry import ImportRow

MAX_REPORT_ENTRIES = 200  # findings kept on the job for the page and the API
MAX_DUPLICATE_ROWS = 200  # duplicate rows kept on the job, each to choose for by itself

KIND_LABELS = {
    "required": gettext_lazy("Required value missing"),
    "invalid": gettext_lazy("Invalid value"),
    "not_found": gettext_lazy("Related record not found"),
    "ambiguous": gettext_lazy("Related record ambiguous"),
    "future": gettext_lazy("Date in the future"),
    "refused": gettext_lazy("Refused by the rules"),
    "not_visible": gettext_lazy("Record outside your scope"),
    "repeated": gettext_lazy("Repeated in the file"),
    "present": gettext_lazy("Already present"),
    "warning": gettext_lazy("Warning"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, KIND_LABELS["invalid"]))


class ReportWriter:
    """Collects one pass's findings; ``close()`` returns the workbook's temporary file.

    A row that seems to repeat a present record names that record (its *candidate*, as
    ``describe`` tells it) in its findings, in the workbook and in the list of duplicate rows.
    """

    def __init__(
        self,
        *,
        headers: list[str],
        header_of: dict[str, str],
        describe: Callable[[Any], dict[str, str]] | None = None,
        key_indexes: list[tuple[int, str]] | None = None,
    ) -> None:
        self.headers = headers
        self.header_of = header_of
        self.describe = describe or (lambda record: {"label": str(record), "code": "", "url": ""})
        self.key_indexes = key_indexes or []
        self.counts: dict[tuple[str, str], int] = {}
        self.entries: list[dict[str, Any]] = []
        self.duplicate_rows: list[dict[str, Any]] = []
        self.duplicate_choices: dict[str, int] = {}
        # Closed by whoever takes it from close() (the service, once stored with the job).
        self.file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(_("Report"))
        self.sheet.append([*headers, _("Row in the file"), _("Present record"), _("Problems")])
        self.rows_written = 0

    def column(self, field_name: str) -> str:
        return self.header_of.get(field_name, field_name)

    def add(self, row: ImportRow) -> None:
        if not row.findings:
            return
        candidate = self.describe(row.duplicate) if row.duplicate is not None else None
        if candidate is not None:
            self._duplicate(row, candidate)
        messages = []
        for level, kind, field_name, message in row.findings:
            column = self.column(field_name) if field_name else ""
            key = (kind, column)
            self.counts[key] = self.counts.get(key, 0) + 1
            if len(self.entries) < MAX_REPORT_ENTRIES:
                entry = {
                    "row": row.number,
                    "level": level,
                    "kind": kind,
                    "column": column,
                    "message": message,
                }
                if kind == "present" and candidate is not None:
                    entry.update(candidate=candidate, choice=row.duplicate_choice)
                self.entries.append(entry)
            prefix = _("Error") if level == "error" else _("Warning")
            messages.append(f"{prefix} · {column}: {message}" if column else f"{prefix}: {message}")
        texts = row.cells[: len(self.headers)]
        texts += [""] * (len(self.headers) - len(texts))
        named = " · ".join(v for v in (candidate or {}).values() if v)
        if named and row.duplicate_choice:
            named = f"{named}\n{choice_label(row.duplicate_choice)}"
        self.sheet.append(
            [
                *map(self._text, texts),
                row.number,
                self._text(named),
                self._text("\n".join(messages)),
            ]
        )
        self.rows_written += 1

    def _duplicate(self, row: ImportRow, candidate: dict[str, str]) -> None:
        choice = row.duplicate_choice or "skip"
        self.duplicate_choices[choice] = self.duplicate_choices.get(choice, 0) + 1
        if len(self.duplicate_rows) < MAX_DUPLICATE_ROWS:
            cells = row.cells
            self.duplicate_rows.append(
                {
                    "row": row.number,
                    "keys": [
                        [header, cells[index].strip() if index < len(cells) else ""]
                        for index, header in self.key_indexes
                    ],
                    "candidate": candidate,
                    "choice": choice,
                    "outcome": "error" if row.failed else row.outcome,
                }
            )

    def duplicates_found(self) -> dict[str, Any]:
        """The duplicate rows for the job: how many per choice, and the first ones."""
        return {
            "count": sum(self.duplicate_choices.values()),
            "choices": dict(sorted(self.duplicate_choices.items())),
            "rows": self.duplicate_rows,
        }

    def _text(self, text: str) -> WriteOnlyCell:
        # Always a string cell: a value as uploaded ("=1+1", "+86…") is never a formula.
        cell = WriteOnlyCell(self.sheet, value=text)
        cell.data_type = "s"
        return cell

    def kind_counts(self) -> list[dict[str, Any]]:
        return [
            {"kind": kind, "column": column, "label": kind_label(kind), "count": count}
            for (kind, column), count in sorted(
                self.counts.items(), key=lambda item: (-item[1], item[0])
            )
        ]

    def close(self) -> Any:
        self.book.save(self.file)
        self.file.seek(0)
        return self.file
