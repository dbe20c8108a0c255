"""The core app's models; Django loads an app's models from this package."""

from guanxi.core.models.access_log import AccessLogEntry
from guanxi.core.models.base import (
    BaseModel,
    CodeSequence,
    DictionaryEntry,
    DictionaryKind,
    LiveManager,
    LiveQuerySet,
    ScheduledRun,
)
from guanxi.core.models.company import CompanyProfile
from guanxi.core.models.divisions import Division, ProvinceRegion
from guanxi.core.models.idempotency import IdempotencyKey
from guanxi.core.models.imports import ImportJob, ImportProfile
from guanxi.core.models.list_views import SavedListView

__all__ = [
    "AccessLogEntry",
    "CompanyProfile",
    "Division",
    "ProvinceRegion",
    "LiveQuerySet",
    "LiveManager",
    "BaseModel",
    "DictionaryKind",
    "DictionaryEntry",
    "CodeSequence",
    "ScheduledRun",
    "IdempotencyKey",
    "SavedListView",
    "ImportJob",
    "ImportProfile",
]
