"""Records that belong to another record and follow it into the recycle bin and back.

A customer's contacts, orders, quotes, service requests… mean nothing without their customer:
when the customer goes to the bin they go with it (the same ``deleted_at``, so they vanish
from every list, search, board, queue, report and API like any deleted record), and restoring
the customer brings back exactly those that left with it — not a contact deleted on its own
the week before. Core names no domain model: the owning app declares the relation in its
``ready()`` with :func:`follow`.

``bin_changed`` is sent once the transaction that moved records into or out of the bin has
committed; receivers drop what they derived from the records (report caches, rollups).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignKey
from django.dispatch import Signal

if TYPE_CHECKING:  # apps import this module from their AppConfig, before models load
    from guanxi.core.models import BaseModel

# sender: the model of the record moved; kwargs: ``instance``, ``action`` ("deleted",
# "restored" or "purged") and ``followers`` (how many dependents moved with it).
bin_changed = Signal()


@dataclass(frozen=True)
class Dependent:
    """``model`` rows whose foreign key ``field`` names a parent follow that parent."""

    model: "type[BaseModel]"
    field: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


_BY_PARENT: dict[str, list[Dependent]] = {}


def follow(parent: "type[BaseModel]", *, field: str) -> list[Dependent]:
    """Make every business model with a foreign key called ``field`` to ``parent`` follow it.

    Found from the app registry, so a model added later by any app follows without wiring.
    Returns the dependents registered.
    """
    from django.apps import apps  # the registry is ready when apps call this from ready()

    from guanxi.core.models import BaseModel

    found = []
    for model in apps.get_models():
        if model is parent or not issubclass(model, BaseModel):
            continue
        try:
            relation = model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
        if isinstance(relation, ForeignKey) and relation.related_model is parent:
            found.append(Dependent(model=model, field=field))
    key = parent._meta.label_lower
    known = {(item.label, item.field) for item in _BY_PARENT.get(key, [])}
    _BY_PARENT.setdefault(key, []).extend(
        item for item in found if (item.label, item.field) not in known
    )
    return found


def dependents_of(model: "type[BaseModel]") -> list[Dependent]:
    """The relations whose rows follow a ``model`` record into the bin."""
    return list(_BY_PARENT.get(model._meta.label_lower, []))


def parents_of(model: "type[BaseModel]") -> list[Dependent]:
    """The relations through which ``model`` rows follow a parent (``field`` names it)."""
    label = model._meta.label_lower
    return [item for items in _BY_PARENT.values() for item in items if item.label == label]
