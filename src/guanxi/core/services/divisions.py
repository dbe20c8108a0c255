"""The rule for a record's 省 / 市 / 区县, shared by every record that has them: a city lies in
its province, a district in its city; a lower level given alone brings its upper levels, and
an upper level changed alone clears the lower ones that no longer lie in it."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.core.models import DictionaryEntry, DictionaryKind, Division, ProvinceRegion
from guanxi.core.rules import CHANGE_PROVINCE_REGION, require
from guanxi.core.selectors.divisions import DIVISION_FIELDS
from guanxi.core.services.records import Actor

_LEVELS = {
    "province": Division.Level.PROVINCE,
    "city": Division.Level.CITY,
    "district": Division.Level.DISTRICT,
}


def _within(lower: Division, upper: Division) -> bool:
    if upper.level == Division.Level.PROVINCE:
        return lower.code[:2] == upper.code[:2]
    return lower.parent_id == upper.code


def _ancestor(division: Division, level: str, known: dict[str, Division]) -> Division | None:
    code = division.code[:2] + "0000" if level == "province" else division.parent_id
    if level == "city" and division.parent_id and division.parent_id.endswith("0000"):
        return None  # a district straight under its province has no city
    if code is None:
        return None
    if code not in known:
        found = Division.objects.filter(pk=code).first()
        if found is None:
            return None
        known[code] = found
    return known[code]


def divisions_resolve(given: Mapping[str, Any], current: Any = None) -> dict[str, Any]:
    """The province, city and district to store, from those ``given`` in a write and the
    record's ``current`` ones; {} when the write names none. ``ValidationError`` on the field
    that does not fit, naming it."""
    named = [name for name in DIVISION_FIELDS if name in given]
    if not named:
        return {}
    values: dict[str, Division | None] = {
        name: given[name] if name in given else getattr(current, name, None)
        for name in DIVISION_FIELDS
    }
    errors: dict[str, str] = {}
    for name in named:
        value = values[name]
        if value is not None and value.level != _LEVELS[name]:
            errors[name] = _("“%(name)s” is not a %(level)s.") % {
                "name": value.name,
                "level": str(Division.Level(_LEVELS[name]).label).lower(),
            }
    if errors:
        raise ValidationError(errors)
    known: dict[str, Division] = {}
    for upper, lower in (("province", "city"), ("city", "district"), ("province", "district")):
        high, low = values[upper], values[lower]
        if high is None or low is None or _within(low, high):
            continue
        if lower in named and upper in named:
            errors[lower] = _("“%(lower)s” is not in “%(upper)s”.") % {
                "lower": low.name,
                "upper": high.name,
            }
        elif lower in named:
            values[upper] = _ancestor(low, upper, known)
        else:
            values[lower] = None
    if errors:
        raise ValidationError(errors)
    # A lower level alone brings the levels above it.
    for lower, upper in (("district", "city"), ("district", "province"), ("city", "province")):
        low = values[lower]
        if low is not None and values[upper] is None:
            values[upper] = _ancestor(low, upper, known)
    return values


@transaction.atomic
def province_regions_update(*, actor: Actor, regions: Mapping[str, DictionaryEntry | None]) -> int:
    """Set the sales region of the provinces ``regions`` names (code → entry or None);
    returns how many changed. Customers keep their region until their province changes."""
    require(actor, CHANGE_PROVINCE_REGION)
    changed = 0
    links = {
        link.province_id: link
        for link in ProvinceRegion.objects.select_for_update().filter(province_id__in=regions)
    }
    for code, region in regions.items():
        if region is not None and region.kind != DictionaryKind.REGION:
            raise ValidationError({code: _("Choose a sales region.")})
        link = links.get(code) or ProvinceRegion(province_id=code)
        if link.pk in links and link.region_id == (region.pk if region else None):
            continue
        link.region = region
        link._history_user = actor  # type: ignore[attr-defined]
        link.save()
        changed += 1
    return changed
