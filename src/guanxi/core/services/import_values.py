"""The value-mapping step of an import: what each distinct value of a list column stands for.

After the column mapping, every mapped column whose cells name a dictionary entry, a user or
a choice is read once for its distinct values (see ``guanxi.core.imports.distinct``). Values
the import matches by itself are shown with their match; the user maps the others to an
entry, a user or a choice, to a new dictionary entry (created when the mapping is saved, by
those who may edit the dictionaries) or to "leave empty". The mapping is kept on the job and
applied by every later check and commit.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from guanxi.core.imports.distinct import (
    LEAVE_EMPTY,
    MAX_DISTINCT,
    NEW_ENTRY,
    ValueMatcher,
    count_values,
    is_mapped_kind,
    value_columns,
)
from guanxi.core.imports.mapping import fold
from guanxi.core.imports.registry import DICT, OWNER, Column, Importer
from guanxi.core.models import DictionaryEntry, DictionaryKind, ImportJob
from guanxi.core.rules import ADD_DICTIONARY_ENTRY
from guanxi.core.services.imports import (
    _RESET,
    _binary,
    _mapping,
    import_job_headers,
    importer_require,
)
from guanxi.core.services.records import dictionary_entry_create

State = ImportJob.State
EDITABLE = (State.UPLOADED, State.VALIDATED, State.FAILED)
MAX_TEXT = 200


@dataclass
class ValueRow:
    text: str
    count: int
    target: Any  # None: unmatched; "": leave empty; else an entry or user pk, a choice value
    target_label: str
    source: str  # "mapped" (chosen by a person or a profile), "auto" (matched) or ""


@dataclass
class ValueColumn:
    header: str
    column: Column
    values: list[ValueRow] = field(default_factory=list)
    others: int = 0
    truncated: bool = False

    @property
    def unmatched(self) -> int:
        return sum(1 for value in self.values if value.target is None)


def may_create_entries(actor: Any) -> bool:
    return bool(actor.has_perm(ADD_DICTIONARY_ENTRY))


def _counts(job: ImportJob, headers: list[str]) -> dict[str, Any]:
    """The distinct values of ``headers``, counted once and kept on the job."""
    cached = job.value_counts or {}
    counts: dict[str, Any] = cached.get("counts", {})
    if set(headers) <= set(counts):
        return counts
    with job.file.open("rb") as file:
        counts = count_values(_binary(file), job.file_name, headers)
    job.value_counts = {"counts": counts}
    ImportJob.objects.filter(pk=job.pk).update(value_counts=job.value_counts)
    return counts


def import_job_values(*, actor: Any, job: ImportJob) -> list[ValueColumn]:
    """Each list column of the job's mapping: its distinct values, counts and matches."""
    spec = importer_require(actor=actor, entity=job.entity)
    columns = value_columns(spec, job.mapping)
    counts = _counts(job, list(columns))
    matcher = ValueMatcher()
    result: list[ValueColumn] = []
    for header, column in columns.items():
        count = counts.get(header, {"values": [], "others": 0, "truncated": False})
        chosen = {
            fold(text): target for text, target in job.value_mapping.get(column.name, {}).items()
        }
        item = ValueColumn(
            header=header, column=column, others=count["others"], truncated=count["truncated"]
        )
        for text, rows in count["values"]:
            if fold(text) in chosen:
                target, source = chosen[fold(text)], "mapped"
            else:
                target = matcher.match(column, text)
                source = "" if target is None else "auto"
            item.values.append(ValueRow(text, rows, target, "", source))
        result.append(item)
    matcher.load_users(
        value.target for item in result if item.column.kind == OWNER for value in item.values
    )
    for item in result:
        for value in item.values:
            value.target_label = matcher.label(item.column, value.target)
    return result


def _refuse(message: str) -> ValidationError:
    return ValidationError({"mapping": message})


def _target_pk(column: Column, text: str, target: Any) -> int:
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    if isinstance(target, str) and target.strip().isdigit():
        return int(target)
    raise _refuse(
        _("“%(target)s” for “%(value)s” in “%(field)s” is not an id.")
        % {"target": target, "value": text, "field": column.name}
    )


def value_mapping_clean(
    spec: type[Importer], value_mapping: Any, *, actor: Any
) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Check a value mapping; returns it with ids as numbers, and the new entries asked for.

    Refused (on ``mapping``, naming it): a field that is no list column of the import, an
    entry of another dictionary or none, an unknown user or choice, a new entry asked by
    someone who may not add one or for a column that is no dictionary.
    """
    if not isinstance(value_mapping, dict):
        raise _refuse(_("The value mapping must be an object {field: {value: target}}."))
    columns = {column.name: column for column in spec.all_columns() if is_mapped_kind(column)}
    cleaned: dict[str, dict[str, Any]] = {}
    new: dict[str, list[str]] = {}
    wanted: dict[str, set[int]] = {}
    for name, targets in value_mapping.items():
        column = columns.get(name)
        if column is None:
            raise _refuse(_("“%(field)s” is no column whose values are mapped.") % {"field": name})
        if not isinstance(targets, dict):
            raise _refuse(_("The values of “%(field)s” must be an object.") % {"field": name})
        if len(targets) > MAX_DISTINCT:
            raise _refuse(
                _("At most %(count)d values of “%(field)s” can be mapped.")
                % {"count": MAX_DISTINCT, "field": name}
            )
        chosen: dict[str, Any] = {}
        for text, target in targets.items():
            text = str(text).strip()
            if not text or len(text) > MAX_TEXT:
                raise _refuse(
                    _("Values of “%(field)s” must have 1 to %(count)d characters.")
                    % {"field": name, "count": MAX_TEXT}
                )
            if target is None or target == LEAVE_EMPTY:
                chosen[text] = LEAVE_EMPTY
            elif target == NEW_ENTRY:
                if column.kind != DICT:
                    raise _refuse(
                        _("Only dictionary values can become new entries (“%(field)s”).")
                        % {"field": name}
                    )
                if not may_create_entries(actor):
                    raise _refuse(
                        _(
                            "You may not add entries to the dictionaries: "
                            "map “%(value)s” to an existing entry."
                        )
                        % {"value": text}
                    )
                new.setdefault(name, []).append(text)
            elif column.kind in (DICT, OWNER):
                chosen[text] = _target_pk(column, text, target)
                wanted.setdefault(name, set()).add(chosen[text])
            else:
                valid = (
                    {value for value, _label in column.choices.choices} if column.choices else set()
                )
                if target not in valid:
                    raise _refuse(
                        _("“%(target)s” is not a choice of “%(field)s”.")
                        % {"target": target, "field": name}
                    )
                chosen[text] = target
        cleaned[name] = chosen
    _check_targets(columns, wanted)
    return cleaned, new


def _check_targets(columns: dict[str, Column], wanted: dict[str, set[int]]) -> None:
    """Every entry or user id names one that exists (a query per column)."""
    for name, pks in wanted.items():
        column = columns[name]
        if column.kind == DICT:
            found = set(
                DictionaryEntry.objects.filter(kind=column.dictionary, pk__in=pks).values_list(
                    "pk", flat=True
                )
            )
            missing = sorted(pks - found)
            if missing:
                raise _refuse(
                    _("No entry %(id)s in the dictionary “%(dictionary)s” (“%(field)s”).")
                    % {
                        "id": missing[0],
                        "dictionary": DictionaryKind(column.dictionary or "").label,
                        "field": name,
                    }
                )
        else:
            users = get_user_model()._default_manager.filter(pk__in=pks)
            missing = sorted(pks - set(users.values_list("pk", flat=True)))
            if missing:
                raise _refuse(
                    _("No user %(id)s (“%(field)s”).") % {"id": missing[0], "field": name}
                )


def _new_code(text: str, taken: set[str]) -> str:
    base = slugify("-".join(lazy_pinyin(text))) or "entry"
    base = base[:56]
    code, number = base, 1
    while code in taken:
        number += 1
        code = f"{base}-{number}"
    taken.add(code)
    return code


def _english_name(text: str) -> str:
    if text.isascii():
        return text
    return " ".join(syllable.capitalize() for syllable in lazy_pinyin(text) if syllable.strip())


def _create_entries(
    actor: Any, spec: type[Importer], new: dict[str, list[str]]
) -> dict[str, dict[str, int]]:
    """The new entries asked for, created (an entry already spelled so is reused)."""
    columns = {column.name: column for column in spec.all_columns()}
    created: dict[str, dict[str, int]] = {}
    for name, texts in new.items():
        kind = columns[name].dictionary or ""
        directory_codes = set(
            DictionaryEntry.objects.filter(kind=kind).values_list("code", flat=True)
        )
        matcher = ValueMatcher()
        for text in texts:
            present = matcher.directory(kind).match(text)
            if present is not None:
                created.setdefault(name, {})[text] = present.pk
                continue
            entry = dictionary_entry_create(
                actor=actor,
                kind=kind,
                code=_new_code(text, directory_codes),
                name_zh=text[:100],
                name_en=_english_name(text)[:100],
            )
            matcher.directory(kind).keys[fold(text)] = entry
            created.setdefault(name, {})[text] = entry.pk
    return created


@transaction.atomic
def import_job_set_values(*, actor: Any, job: ImportJob, value_mapping: Any) -> ImportJob:
    """Keep ``value_mapping`` for the job (replacing the one it had); new entries are created.

    A checked job goes back to "uploaded": its check no longer tells what the import will do.
    """
    spec = importer_require(actor=actor, entity=job.entity)
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.state not in EDITABLE:
        raise ValidationError(
            {
                "state": _("This import cannot do that now (it is “%(state)s”).")
                % {"state": locked.get_state_display()}
            }
        )
    cleaned, new = value_mapping_clean(spec, value_mapping, actor=actor)
    for name, created in _create_entries(actor, spec, new).items():
        cleaned.setdefault(name, {}).update(created)
    ImportJob.objects.filter(pk=job.pk).update(
        value_mapping=cleaned, state=State.UPLOADED, **_RESET
    )
    job.refresh_from_db()
    return job


@transaction.atomic
def import_job_set_mapping(
    *, actor: Any, job: ImportJob, mapping: Any, options: dict[str, Any] | None = None
) -> ImportJob:
    """Keep a column mapping (and the importer's ``options``) without checking the file yet
    (before the value-mapping step)."""
    spec = importer_require(actor=actor, entity=job.entity)
    chosen_options = spec.options_clean(
        actor=actor, given=job.options if options is None else options
    )
    if job.state not in EDITABLE:
        raise ValidationError(
            {
                "state": _("This import cannot do that now (it is “%(state)s”).")
                % {"state": job.get_state_display()}
            }
        )
    chosen = _mapping(spec, mapping, import_job_headers(job=job))
    ImportJob.objects.filter(pk=job.pk).update(
        mapping=chosen, options=chosen_options, state=State.UPLOADED, **_RESET
    )
    job.refresh_from_db()
    return job
