"""Reads of the administrative divisions and the sales region of each province (reference
data every signed-in user may read)."""

from django.db.models import QuerySet

from guanxi.core.models import DictionaryEntry, Division, ProvinceRegion

DIVISION_FIELDS = ("province", "city", "district")


def province_list() -> QuerySet[Division]:
    return Division.objects.filter(level=Division.Level.PROVINCE).order_by("code")


def division_filter_choices() -> QuerySet[Division]:
    """The provinces and cities (not the districts) in code order, one query: a list filter's
    choices."""
    return (
        Division.objects.exclude(level=Division.Level.DISTRICT)
        .order_by("code")
        .only("code", "name", "level", "parent_id")
    )


def division_children(*, parent: str | None) -> QuerySet[Division]:
    """The cities of a province or the districts of a city, by the parent's code (none: none)."""
    if not parent:
        return Division.objects.none()
    return Division.objects.filter(parent_id=parent).order_by("code")


def province_region_list() -> QuerySet[ProvinceRegion]:
    """Every province with its sales region, in code order (the settings page's table)."""
    return ProvinceRegion.objects.select_related("province", "region").order_by("province_id")


def province_region_get(*, province: Division) -> DictionaryEntry | None:
    """The sales region 大区 of ``province`` (None: not mapped, or the entry is retired)."""
    link = (
        ProvinceRegion.objects.select_related("region")
        .filter(province=province, region__deleted_at__isnull=True)
        .first()
    )
    return link.region if link is not None else None
