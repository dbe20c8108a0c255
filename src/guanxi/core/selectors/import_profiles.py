"""Reads of import profiles: the reader's own and those shared with everyone."""

from typing import Any

from django.db.models import Q, QuerySet

from guanxi.core.models import ImportProfile


def import_profile_list(*, actor: Any, entity: str | None = None) -> QuerySet[ImportProfile]:
    """The profiles ``actor`` may apply (own and shared), of one entity or of all."""
    profiles = ImportProfile.objects.filter(Q(created_by_id=actor.pk) | Q(shared=True))
    if entity is not None:
        profiles = profiles.filter(entity=entity)
    return profiles.select_related("created_by").order_by("entity", "name", "id")


def import_profile_get(*, actor: Any, pk: Any) -> ImportProfile:
    """One profile ``actor`` may apply; ``ImportProfile.DoesNotExist`` otherwise (a 404)."""
    return import_profile_list(actor=actor).get(pk=pk)
