"""Loads the administrative divisions (GB/T 2260) from the ``cpca`` package's code table, and
seeds the sales region 大区 of each province.

Both take the models as arguments so the data migration can pass its historical models.
"""

import csv
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROVINCE, CITY, DISTRICT = "province", "city", "district"
# The four municipalities 直辖市: their city level is a placeholder (市辖区, 县) in the table.
MUNICIPALITIES = ("110000", "120000", "310000", "500000")
_SUFFIX = re.compile(r"([省市]|特别行政区|自治区)$")
_SHORT_NAMES = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "新疆维吾尔自治区": "新疆",
    "宁夏回族自治区": "宁夏",
}
# The usual split of the provinces into sales regions, by the seeded REGION entries' codes.
# Hong Kong, Macao and Taiwan have no seeded region of their own: left for administrators.
SEED_REGIONS: dict[str, tuple[str, ...]] = {
    "north": ("11", "12", "13", "14", "15"),
    "northeast": ("21", "22", "23"),
    "east": ("31", "32", "33", "34", "35", "36", "37"),
    "central": ("41", "42", "43"),
    "south": ("44", "45", "46"),
    "southwest": ("50", "51", "52", "53", "54"),
    "northwest": ("61", "62", "63", "64", "65"),
}


def source_table() -> Path:
    """The division code table shipped in the ``cpca`` package (found without importing it,
    which would build its address matcher)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or spec.origin is None:
        raise RuntimeError("The cpca package (administrative divisions) is not installed.")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    return CITY if code.endswith("00") else DISTRICT


def short_name(name: str) -> str:
    return _SHORT_NAMES.get(name) or _SUFFIX.sub("", name) or name


def division_rows() -> Iterator[dict[str, Any]]:
    """Each division as field values (code, name, short_name, level, parent_id), parents first."""
    with source_table().open(encoding="utf-8") as handle:
        raw = {row["adcode"][:6]: row["name"].strip() for row in csv.DictReader(handle)}
    # A district-level 市辖区 is a statistical placeholder nobody lives in: left out.
    names = {
        code: name
        for code, name in raw.items()
        if not (level_of(code) == DISTRICT and name == "市辖区")
    }
    for code, name in names.items():
        province = code[:2] + "0000"
        if level_of(code) == CITY and province in MUNICIPALITIES:
            # 北京市 › 市辖区 reads 北京市 › 北京市, as address pickers show it; Chongqing's
            # counties (500200 县) read 重庆市（县）.
            name = names[province] if name == "市辖区" else f"{names[province]}（{name}）"
        names[code] = name
    ordered = sorted(
        names, key=lambda code: ({PROVINCE: 0, CITY: 1, DISTRICT: 2}[level_of(code)], code)
    )
    for code in ordered:
        level = level_of(code)
        parent = None
        if level == CITY:
            parent = code[:2] + "0000"
        elif level == DISTRICT:
            city = code[:4] + "00"
            parent = city if city in names else code[:2] + "0000"
        name = names[code]
        yield {
            "code": code,
            "name": name,
            "short_name": short_name(name) if level != DISTRICT else name,
            "level": level,
            "parent_id": parent if parent in names else None,
        }


def divisions_load(division_model: Any) -> int:
    """Add the divisions missing from the table and rename changed ones; returns how many
    were added. Fast on a fresh database: one bulk insert."""
    present = dict(division_model.objects.values_list("code", "name"))
    new = []
    for row in division_rows():
        if row["code"] not in present:
            new.append(division_model(**row))
        elif present[row["code"]] != row["name"]:
            division_model.objects.filter(code=row["code"]).update(
                name=row["name"], short_name=row["short_name"]
            )
    division_model.objects.bulk_create(new, batch_size=500)
    return len(new)


def province_regions_seed(division_model: Any, link_model: Any, entry_model: Any) -> None:
    """Give each province without a sales region row its usual region (SEED_REGIONS)."""
    entries = {
        entry.code: entry
        for entry in entry_model.objects.filter(
            kind="region", code__in=SEED_REGIONS, deleted_at__isnull=True
        )
    }
    by_prefix = {
        prefix: entries.get(code) for code, prefixes in SEED_REGIONS.items() for prefix in prefixes
    }
    present = set(link_model.objects.values_list("province_id", flat=True))
    link_model.objects.bulk_create(
        [
            link_model(province_id=code, region=by_prefix.get(code[:2]))
            for code in division_model.objects.filter(level=PROVINCE).values_list("code", flat=True)
            if code not in present
        ]
    )
