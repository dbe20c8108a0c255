"""Import profiles 导入方案: a column mapping and a value mapping saved, then applied again.

A profile is saved from a job after its mapping ("save as profile") or written through the
API; it maps folded headers to fields, so a header spelled with other case or spaces still
matches. At upload, a profile is chosen by id, a built-in preset by key, or ``auto``: the
profile or preset that knows most of the file's headers (at least two, and half of them).
Columns a profile does not know are guessed from their headers as usual. Only the owner (or
an administrator) changes or deletes a profile; a shared one is offered to everyone.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.imports import mapping as mapping_module
from guanxi.core.imports.distinct import is_mapped_kind
from guanxi.core.imports.mapping import fold
from guanxi.core.imports.presets import preset_get, presets_for
from guanxi.core.imports.registry import DICT, Importer
from guanxi.core.imports.values import DictionaryDirectory
from guanxi.core.models import ImportJob, ImportProfile
from guanxi.core.selectors import import_profiles as selectors
from guanxi.core.selectors.imports import sees_all_imports
from guanxi.core.services.import_values import value_mapping_clean
from guanxi.core.services.imports import importer_require

AUTO = "auto"
MAX_NAME = 80
MIN_HEADERS_KNOWN = 2


@dataclass
class AppliedProfile:
    """A profile or preset as applied: its name, folded headers to fields, value mapping."""

    key: str
    name: str
    columns: dict[str, str]
    value_mapping: dict[str, dict[str, Any]]
    preset: bool = False


def _from_model(profile: ImportProfile) -> AppliedProfile:
    return AppliedProfile(str(profile.pk), profile.name, profile.columns, profile.value_mapping)


def _from_preset(spec: type[Importer], key: str) -> AppliedProfile | None:
    preset = preset_get(key)
    part = preset.for_entity(spec.entity) if preset is not None else None
    if preset is None or part is None:
        return None
    columns = {fold(header): name for header, name in part.columns.items()}
    return AppliedProfile(key, str(preset.name), columns, part.values, preset=True)


def _resolve(spec: type[Importer], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A preset's values with dictionary entries named by code or name turned into ids;
    entries this installation lacks are left out (the user maps those values)."""
    columns = {column.name: column for column in spec.all_columns()}
    resolved: dict[str, dict[str, Any]] = {}
    for name, targets in values.items():
        column = columns[name]
        if column.kind != DICT:
            resolved[name] = dict(targets)
            continue
        directory = DictionaryDirectory(column.dictionary or "")
        found = {text: directory.match(str(target)) for text, target in targets.items()}
        resolved[name] = {text: entry.pk for text, entry in found.items() if entry is not None}
    return resolved


def profile_candidates(*, actor: Any, spec: type[Importer]) -> list[AppliedProfile]:
    """The profiles (own and shared, then the presets) ``actor`` may apply to ``spec``."""
    saved = selectors.import_profile_list(actor=actor, entity=spec.entity)
    found = [_from_model(profile) for profile in saved]
    for preset in presets_for(spec.entity):
        applied = _from_preset(spec, preset.key)
        if applied is not None:
            found.append(applied)
    return found


def profile_matching(
    *, actor: Any, spec: type[Importer], headers: list[str]
) -> AppliedProfile | None:
    """The profile knowing most of ``headers`` (at least two and half of them) and mapping
    one of them otherwise than the headers alone would, if any."""
    filled = [header for header in headers if fold(header)]
    guessed = mapping_module.guess_mapping(filled, spec.field_table())
    best, best_score = None, (0, 0)
    for candidate in profile_candidates(actor=actor, spec=spec):
        fields = {header: candidate.columns.get(fold(header)) for header in filled}
        known = sum(1 for name in fields.values() if name)
        adds = sum(1 for h, name in fields.items() if name and guessed.get(h) != name)
        if adds and (known, adds) > best_score:
            best, best_score = candidate, (known, adds)
    if best is None or best_score[0] < max(MIN_HEADERS_KNOWN, (len(filled) + 1) // 2):
        return None
    return best


def profile_choose(
    *, actor: Any, spec: type[Importer], key: str, headers: list[str]
) -> AppliedProfile | None:
    """The profile ``key`` names (an id, a preset key, ``auto``, or "" for none)."""
    key = (key or "").strip()
    if not key:
        return None
    if key == AUTO:
        return profile_matching(actor=actor, spec=spec, headers=headers)
    if key.isdigit():
        try:
            profile = selectors.import_profile_get(actor=actor, pk=int(key))
        except ImportProfile.DoesNotExist:
            profile = None
        if profile is not None and profile.entity == spec.entity:
            return _from_model(profile)
    else:
        applied = _from_preset(spec, key)
        if applied is not None:
            return applied
    raise ValidationError(
        {
            "profile": _("There is no import profile “%(profile)s” for this import.")
            % {"profile": key}
        }
    )


def profile_apply(
    spec: type[Importer], profile: AppliedProfile, headers: list[str]
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """``(column mapping, value mapping)`` of ``headers`` by ``profile``, the rest guessed."""
    names = {column.name for column in spec.all_columns()}
    mapping: dict[str, str] = {}
    for header in headers:
        name = profile.columns.get(fold(header))
        name = spec.aliases.get(name, name) if name else name
        if header and name in names and name not in mapping.values():
            mapping[header] = name
    rest = [header for header in headers if header not in mapping]
    for header, name in mapping_module.guess_mapping(rest, spec.field_table()).items():
        if name not in mapping.values():
            mapping[header] = name
    used = set(mapping.values())
    values = {name: dict(t) for name, t in profile.value_mapping.items() if name in used}
    return mapping, _resolve(spec, values) if profile.preset else values


# -- writing profiles -----------------------------------------------------------------------


def _name(given: Any) -> str:
    name = str(given or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the profile a name.")})
    if len(name) > MAX_NAME or "\x00" in name:
        raise ValidationError(
            {"name": _("Use at most %(count)d characters for the name.") % {"count": MAX_NAME}}
        )
    return name


def _columns(spec: type[Importer], columns: Any) -> dict[str, str]:
    if not isinstance(columns, dict):
        raise ValidationError({"columns": _("The column mapping must be an object.")})
    names = {column.name for column in spec.all_columns()}
    cleaned: dict[str, str] = {}
    for header, name in columns.items():
        if not name:
            continue
        if name not in names:
            raise ValidationError(
                {"columns": _("“%(field)s” is not a field of this import.") % {"field": name}}
            )
        if fold(header):
            cleaned[fold(header)] = str(name)
    return cleaned


def _require_owner(actor: Any, profile: ImportProfile) -> None:
    if profile.created_by_id != actor.pk and not sees_all_imports(actor):
        raise PermissionDenied(_("Only the person who saved this profile may change it."))


def _values(spec: type[Importer], value_mapping: Any, actor: Any) -> dict[str, Any]:
    cleaned, new = value_mapping_clean(spec, value_mapping, actor=actor)
    if new:
        raise ValidationError(
            {"value_mapping": _("A profile maps values to existing entries only.")}
        )
    return cleaned


@transaction.atomic
def import_profile_create(
    *,
    actor: Any,
    entity: str,
    name: str,
    columns: Any,
    value_mapping: Any = None,
    shared: bool = False,
) -> ImportProfile:
    """Save a profile (replacing the actor's own profile of that name for the entity)."""
    spec = importer_require(actor=actor, entity=entity)
    name = _name(name)
    cleaned_columns = _columns(spec, columns)
    cleaned_values = _values(spec, value_mapping or {}, actor)
    profile, _created = ImportProfile.objects.select_for_update().get_or_create(
        created_by=actor, entity=spec.entity, name=name
    )
    profile.columns = cleaned_columns
    profile.value_mapping = cleaned_values
    profile.shared = bool(shared)
    profile.save()
    return profile


def import_profile_save_from_job(
    *, actor: Any, job: ImportJob, name: str, shared: bool = False
) -> ImportProfile:
    """ "Save as profile": the job's column mapping (by folded header) and value mapping."""
    spec = importer_require(actor=actor, entity=job.entity)
    values = {
        field: targets
        for field, targets in job.value_mapping.items()
        if any(c.name == field and is_mapped_kind(c) for c in spec.all_columns())
    }
    return import_profile_create(
        actor=actor,
        entity=job.entity,
        name=name,
        columns=job.mapping,
        value_mapping=values,
        shared=shared,
    )


@transaction.atomic
def import_profile_update(*, actor: Any, profile: ImportProfile, **fields: Any) -> ImportProfile:
    """Rename, share or unshare a profile, or change its mappings (owner or administrator)."""
    _require_owner(actor, profile)
    spec = importer_require(actor=actor, entity=profile.entity)
    if "name" in fields:
        profile.name = _name(fields["name"])
        taken = ImportProfile.objects.filter(
            created_by_id=profile.created_by_id, entity=profile.entity, name=profile.name
        ).exclude(pk=profile.pk)
        if taken.exists():
            raise ValidationError({"name": _("You have a profile of this name already.")})
    if "shared" in fields:
        profile.shared = bool(fields["shared"])
    if "columns" in fields:
        profile.columns = _columns(spec, fields["columns"])
    if "value_mapping" in fields:
        profile.value_mapping = _values(spec, fields["value_mapping"], actor)
    profile.save()
    return profile


@transaction.atomic
def import_profile_delete(*, actor: Any, profile: ImportProfile) -> None:
    _require_owner(actor, profile)
    profile.delete()
