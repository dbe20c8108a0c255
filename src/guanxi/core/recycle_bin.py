"""The recycle bin 回收站: which models it holds, and restoring or purging their records.

Every concrete :class:`~guanxi.core.models.BaseModel` subclass takes part automatically, so a
new app's records land in the bin without extra wiring. A model that must never appear there
(for instance one whose deletes are managed elsewhere) opts out with :func:`exclude`.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from guanxi.core.dependents import parents_of
from guanxi.core.models import BaseModel
from guanxi.core.services.records import _require_recycle_bin_right, record_purge, record_restore

# The company profile is a setting, never deleted.
_EXCLUDED: set[str] = {"core.companyprofile"}


def exclude(label: str) -> None:
    """Keep the model ``app_label.model_name`` out of the recycle bin."""
    _EXCLUDED.add(label.lower())


def model_label(model: type[BaseModel]) -> str:
    return model._meta.label_lower


def recycle_bin_models() -> list[type[BaseModel]]:
    """The concrete business models whose soft-deleted rows the bin lists, in a stable order."""
    models = [
        model
        for model in apps.get_models()
        if issubclass(model, BaseModel) and model_label(model) not in _EXCLUDED
    ]
    return sorted(models, key=model_label)


def model_for_label(label: str) -> type[BaseModel] | None:
    """The bin model called ``label`` (``customers.customer``), or ``None`` if it is not one."""
    for model in recycle_bin_models():
        if model_label(model) == label.lower():
            return model
    return None


def _check_parents_live(instance: BaseModel) -> None:
    """A record that belongs to a record in the bin comes back only with it."""
    for relation in parents_of(type(instance)):
        parent = getattr(instance, relation.field)
        if parent is not None and parent.is_deleted:
            raise ValidationError(
                _(
                    "This record belongs to “%(parent)s”, which is in the recycle bin: "
                    "restore it and this record comes back with it."
                )
                % {"parent": parent}
            )


@transaction.atomic
def recycle_bin_restore(*, actor, instance: BaseModel) -> BaseModel:
    """Bring a record back, unless a live record took its unique place meanwhile."""
    _require_recycle_bin_right(actor)
    _check_parents_live(instance)
    instance.deleted_at = None
    try:
        # The constraints only look at live rows, so this asks: would the restored row clash?
        instance.validate_constraints()
    except ValidationError as clash:
        raise ValidationError(
            _("This record cannot be restored: %(reason)s") % {"reason": " ".join(clash.messages)}
        ) from clash
    return record_restore(instance=instance, actor=actor)


@transaction.atomic
def recycle_bin_purge(
    *, actor, instance: BaseModel, options: Collection[str] = (), reason: str = ""
) -> None:
    """Delete a record for good, unless other records still point at it.

    ``options`` are keys of purge options (:func:`register_purge_option`) the person chose;
    each that applies runs first, in the same transaction, with ``reason``.
    """
    chosen = [option for option in purge_options(actor, instance) if option.key in options]
    for option in chosen:
        option.run(actor=actor, instance=instance, reason=reason)
    if chosen:
        instance.refresh_from_db()  # the delete's history row records what the options left
    try:
        record_purge(instance=instance, actor=actor)
    except ProtectedError as protected:
        raise ValidationError(
            _("This record is still used by %(count)s other records and cannot be purged.")
            % {"count": len(protected.protected_objects)}
        ) from protected


# -- purge options: what an app offers to do with a record before it is purged ------------------


@dataclass(frozen=True)
class PurgeOption:
    """A choice on the purge page, e.g. the customers app's "anonymise personal data in history".

    ``applies(actor, instance)`` says whether the page offers it; ``run(actor=…, instance=…,
    reason=…)`` does it inside the purge's transaction (raising undoes the purge too).
    """

    key: str
    label: Any
    applies: Callable[[Any, BaseModel], bool]
    run: Callable[..., None]
    help_text: Any = ""


_PURGE_OPTIONS: dict[str, PurgeOption] = {}


def register_purge_option(option: PurgeOption) -> None:
    _PURGE_OPTIONS[option.key] = option


def purge_options(actor, instance: BaseModel) -> list[PurgeOption]:
    """The options the purge page offers ``actor`` for ``instance``."""
    return [option for option in _PURGE_OPTIONS.values() if option.applies(actor, instance)]
