"""省 / 市 / 区县 columns of an import, and the address they may be read from.

An importer lists ``DIVISION_COLUMNS`` (and ``ADDRESS_COLUMN`` when its entity has no address
column of its own) and calls :func:`divisions_fill` in ``prepare()``: each row's province,
city and district become Division records in ``row.values``, ready for the services. They come
from the columns, by name (山西省, 山西, 太原市, 太原, 小店区) or code (140000); when the row
leaves all three empty, from its address (core.addresses). A name no division has, one that
several share, or one outside the division above it is an error on its column.
"""

import unicodedata

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.core.addresses import AmbiguousAddress, address_divisions
from guanxi.core.imports.registry import Column, ImportRow
from guanxi.core.models import Division
from guanxi.core.selectors.divisions import DIVISION_FIELDS

PROVINCE_COLUMN = Column(
    "province",
    gettext_lazy("Province"),
    synonyms=("省份", "省", "所在省", "省/直辖市", "province", "state"),
    max_length=50,
)
CITY_COLUMN = Column(
    "city",
    gettext_lazy("City"),
    synonyms=("城市", "市", "所在城市", "地级市", "city"),
    max_length=50,
)
DISTRICT_COLUMN = Column(
    "district",
    gettext_lazy("District"),
    synonyms=("区县", "区/县", "区", "县", "所在区县", "district", "county"),
    max_length=50,
)
DIVISION_COLUMNS = (PROVINCE_COLUMN, CITY_COLUMN, DISTRICT_COLUMN)
# For an entity without an address of its own (contacts): read only for its divisions.
ADDRESS_COLUMN = Column(
    "address",
    gettext_lazy("Address"),
    synonyms=("地址", "详细地址", "通讯地址", "联系地址", "所在地", "address"),
    max_length=300,
)

_LEVELS = dict(zip(DIVISION_FIELDS, Division.Level, strict=True))


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


class DivisionDirectory:
    """Every division by code and by name or short name within its level (one query)."""

    def __init__(self) -> None:
        self.by_code: dict[str, Division] = {}
        self.by_name: dict[tuple[str, str], list[Division]] = {}
        for division in Division.objects.all():
            self.by_code[division.code] = division
            for name in {division.name, division.short_name}:
                self.by_name.setdefault((division.level, name), []).append(division)

    def named(self, level: str, text: str) -> list[Division]:
        text = _fold(text)
        found = self.by_code.get(text)
        if found is not None:
            return [found] if found.level == level else []
        return list(self.by_name.get((level, text), []))

    def province_of(self, division: Division) -> Division | None:
        return self.by_code.get(division.code[:2] + "0000")


def _within(division: Division, upper: Division | None) -> bool:
    if upper is None:
        return True
    if upper.level == Division.Level.PROVINCE:
        return division.code[:2] == upper.code[:2]
    return division.parent_id == upper.code


def _from_columns(row: ImportRow, directory: DivisionDirectory) -> dict[str, Division]:
    found: dict[str, Division] = {}
    for name in DIVISION_FIELDS:
        text = row.values.get(name)
        if not text:
            continue
        above = found.get("city") if name == "district" else None
        above = above or found.get("province")
        named = directory.named(_LEVELS[name], text)
        inside = [division for division in named if _within(division, above)]
        if len(inside) == 1:
            found[name] = inside[0]
        elif inside:
            row.error(
                name,
                _("Several places are called “%(value)s”: fill in the column above it too.")
                % {"value": text},
                "ambiguous",
            )
            return {}
        elif named and above is not None:
            row.error(
                name, _("“%(value)s” is not in “%(upper)s”.") % {"value": text, "upper": above}
            )
            return {}
        else:
            row.error(
                name,
                _("No %(level)s is called “%(value)s”.")
                % {"level": str(_LEVELS[name].label).lower(), "value": text},
                "unknown",
            )
            return {}
    district = found.get("district")
    if district is not None and "city" not in found and district.parent_id:
        parent = directory.by_code.get(district.parent_id)
        if parent is not None and parent.level == Division.Level.CITY:
            found["city"] = parent
    lowest = found.get("district") or found.get("city")
    if lowest is not None and "province" not in found:
        province = directory.province_of(lowest)
        if province is not None:
            found["province"] = province
    return found


def _from_address(
    row: ImportRow, directory: DivisionDirectory, address_field: str
) -> dict[str, Division]:
    try:
        codes = address_divisions(str(row.values.get(address_field) or ""))
    except AmbiguousAddress as ambiguous:
        row.error(
            address_field,
            _(
                "The address could be in several places (%(places)s): fill in the province "
                "and city columns."
            )
            % {"places": "; ".join(ambiguous.names)},
            "ambiguous",
        )
        return {}
    found = {}
    for name in DIVISION_FIELDS:
        division = directory.by_code.get(getattr(codes, name) or "")
        if division is not None:
            found[name] = division
    return found


def divisions_fill(
    rows: list[ImportRow],
    *,
    address_field: str = "address",
    directory: DivisionDirectory | None = None,
) -> None:
    """Replace each row's province/city/district texts by Division records, or find them in
    its ``address_field`` when the row gives none; a row left without any keeps none (an
    update leaves the record's divisions as they are)."""
    wanted = [
        row
        for row in rows
        if not row.failed
        and (any(row.values.get(name) for name in DIVISION_FIELDS) or row.values.get(address_field))
    ]
    if not wanted:
        return
    directory = directory or DivisionDirectory()
    for row in wanted:
        given = any(row.values.get(name) for name in DIVISION_FIELDS)
        if given:
            found = _from_columns(row, directory)
        else:
            found = _from_address(row, directory, address_field)
        for name in DIVISION_FIELDS:
            row.values.pop(name, None)
        row.values.update(found)
