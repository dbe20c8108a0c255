"""What an import does with rows that seem to repeat a present record (重复数据处理).

An importer's ``natural_match`` names the record a row seems to repeat
(``ImportRow.mark_duplicate``); the job's policy (``ImportJob.duplicates``) then says, for all
such rows and row by row, whether the row is skipped, updates that record (with the fields
chosen) or creates a new record anyway. The policy is stored as JSON::

    {"all": "skip", "rows": {"12": "update", "15": "create"}, "fields": ["title", "mobile"]}

``fields`` absent or null means "the row's non-empty cells". The same policy drives the check
and the commit, so the check tells what the commit will do.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.imports.registry import UNCHANGED, ImportRow

SKIP, UPDATE, CREATE = "skip", "update", "create"
CHOICES = (
    (SKIP, gettext_lazy("Skip the row")),
    (UPDATE, gettext_lazy("Update the present record")),
    (CREATE, gettext_lazy("Create a new record anyway")),
)
CHOICE_VALUES = tuple(value for value, _label in CHOICES)
# The framework's own columns never update a present record: the row matched it without an
# external id, and an original creation date belongs to new records only.
NOT_UPDATABLE = ("external_ref", "created_at")


def choice_label(choice: str) -> str:
    return str(dict(CHOICES).get(choice, choice))


@dataclass(frozen=True)
class DuplicatePolicy:
    """A choice for all duplicate rows, choices per row number, and the fields an update writes
    (None: the row's non-empty cells)."""

    all: str = SKIP
    rows: Mapping[int, str] = field(default_factory=dict)
    fields: tuple[str, ...] | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> "DuplicatePolicy":
        """The policy stored on a job (already cleaned by :func:`duplicates_clean`)."""
        data = data or {}
        fields = data.get("fields")
        return cls(
            all=data.get("all") or SKIP,
            rows={int(number): choice for number, choice in (data.get("rows") or {}).items()},
            fields=None if fields is None else tuple(fields),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "all": self.all,
            "rows": {str(number): choice for number, choice in sorted(self.rows.items())},
            "fields": None if self.fields is None else list(self.fields),
        }

    def choice_for(self, number: int) -> str:
        return self.rows.get(number, self.all)

    def apply(self, row: ImportRow, updatable: Iterable[str]) -> None:
        """Make ``row`` (marked duplicate, not failed) do what the policy chooses for it."""
        choice = self.choice_for(row.number)
        row.duplicate_choice = choice
        if choice == SKIP:
            row.outcome = UNCHANGED
            return
        row.outcome = ""
        if choice == CREATE:
            row.existing = None
            return
        # As if the row had named the record by its external id, with only the chosen fields:
        # the importer's write path updates what ``values`` and ``related`` still hold.
        allowed = set(updatable) if self.fields is None else set(self.fields) & set(updatable)
        row.existing = row.duplicate
        row.values = {name: value for name, value in row.values.items() if name in allowed}
        row.related = {name: value for name, value in row.related.items() if name in allowed}


def duplicates_clean(
    data: Any, *, updatable: Iterable[str], rows: Iterable[int] | None = None
) -> dict[str, Any]:
    """``data`` as a policy to store; ValidationError naming what is wrong, keyed "duplicates".

    ``updatable`` are the importer's column names an update may write; ``rows`` the row
    numbers a choice may name (None: any row number of a file).
    """
    if data is None or data == "":
        return DuplicatePolicy().as_json()
    if not isinstance(data, Mapping):
        raise _invalid(_("Duplicates must be an object with “all”, “rows” and “fields”."))
    unknown = sorted(set(data) - {"all", "rows", "fields"})
    if unknown:
        raise _invalid(_("Unknown key in duplicates: %(keys)s.") % {"keys": ", ".join(unknown)})
    choice_all = data.get("all") or SKIP
    _check_choice(choice_all, "all")
    chosen_rows: dict[int, str] = {}
    given_rows = data.get("rows") or {}
    if not isinstance(given_rows, Mapping):
        raise _invalid(_("“rows” must be an object from row number to choice."))
    known = None if rows is None else set(rows)
    for key, choice in given_rows.items():
        try:
            number = int(key)
        except (TypeError, ValueError):
            number = 0
        if number < 2 or (known is not None and number not in known):
            raise _invalid(_("Row %(row)s is not a duplicate row of this file.") % {"row": key})
        _check_choice(choice, _("row %(row)d") % {"row": number})
        chosen_rows[number] = choice
    fields = data.get("fields")
    if fields is not None:
        if not isinstance(fields, list | tuple) or not all(isinstance(f, str) for f in fields):
            raise _invalid(_("“fields” must be a list of field names."))
        allowed = list(updatable)
        wrong = [name for name in fields if name not in allowed]
        if wrong:
            raise _invalid(
                _("These fields cannot be updated: %(fields)s. Choose among: %(allowed)s.")
                % {"fields": ", ".join(wrong), "allowed": ", ".join(allowed)}
            )
        fields = [name for name in allowed if name in fields]
    return DuplicatePolicy(
        all=choice_all, rows=chosen_rows, fields=None if fields is None else tuple(fields)
    ).as_json()


def _check_choice(choice: Any, where: str) -> None:
    if choice not in CHOICE_VALUES:
        raise _invalid(
            _("Unknown choice “%(choice)s” for %(where)s: choose skip, update or create.")
            % {"choice": choice, "where": where}
        )


def _invalid(message: str) -> ValidationError:
    return ValidationError({"duplicates": message})
