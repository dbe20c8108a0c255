"""Built-in import profiles: the standard exports of other CRMs, read-only, defined in code.

One module per source system. A preset maps, per entity, the headers of that system's export
to the fields of Guanxi's importers and the common values of its list columns to entries
(by code or name: used only when this installation has such an entry), choices or users. A
preset is offered for an entity only when an importer of that entity is registered, and its
fields not known to that importer are left out, so a preset never maps to a missing field.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from guanxi.core.imports.mapping import fold
from guanxi.core.imports.registry import importers


@dataclass(frozen=True)
class EntityPreset:
    """Headers (as the source system writes them) to fields, and values to targets."""

    columns: dict[str, str]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    key: str
    name: Promise | str
    description: Promise | str
    entities: dict[str, EntityPreset]

    def for_entity(self, entity: str) -> EntityPreset | None:
        """This preset's part for ``entity``, narrowed to the fields its importer has."""
        spec = importers().get(entity)
        part = self.entities.get(entity)
        if spec is None or part is None:
            return None
        names = {column.name for column in spec.all_columns()}
        return EntityPreset(
            columns={h: name for h, name in part.columns.items() if name in names},
            values={name: targets for name, targets in part.values.items() if name in names},
        )

    def folded_columns(self, entity: str) -> dict[str, str]:
        part = self.for_entity(entity)
        return {fold(header): name for header, name in (part.columns if part else {}).items()}


def _all() -> dict[str, Preset]:
    from guanxi.core.imports.presets import fxiaoke, generic, hubspot, salesforce, xiaoshouyi, zoho

    presets = (
        generic.PRESET,
        salesforce.PRESET,
        hubspot.PRESET,
        zoho.PRESET,
        fxiaoke.PRESET,
        xiaoshouyi.PRESET,
    )
    return {preset.key: preset for preset in presets}


def presets_for(entity: str) -> list[Preset]:
    """The presets offered for ``entity`` (those with a part for it and its importer)."""
    return [preset for preset in _all().values() if preset.for_entity(entity) is not None]


def preset_get(key: str) -> Preset | None:
    return _all().get(key)
