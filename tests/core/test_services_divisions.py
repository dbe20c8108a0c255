"""Administrative divisions 省/市/区县: loaded on migrate, the rule of which lies in which,
addresses read for their divisions, and the sales region 大区 of each province."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.addresses import AmbiguousAddress, address_divisions
from guanxi.core.models import DictionaryEntry, Division, ProvinceRegion
from guanxi.core.seed.divisions import divisions_load
from guanxi.core.selectors.divisions import division_children, province_region_get
from guanxi.core.services.divisions import divisions_resolve, province_regions_update


def division(code: str) -> Division:
    return Division.objects.get(pk=code)


def region(code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind="region", code=code)


def test_migrate_loads_the_divisions_with_their_levels_and_parents(db):
    shanxi, taiyuan, xiaodian = division("140000"), division("140100"), division("140105")
    assert (shanxi.name, shanxi.short_name, shanxi.level) == ("山西省", "山西", "province")
    assert (taiyuan.name, taiyuan.level, taiyuan.parent_id) == ("太原市", "city", "140000")
    assert (xiaodian.name, xiaodian.level, xiaodian.parent_id) == ("小店区", "district", "140100")
    assert Division.objects.filter(level="province").count() == 34
    assert Division.objects.filter(level="city").count() > 300
    assert Division.objects.filter(level="district").count() > 2800
    # Placeholders nobody lives in are left out; a municipality's city reads like it.
    assert not Division.objects.filter(level="district", name="市辖区").exists()
    assert division("110100").name == "北京市"
    assert division("150000").short_name == "内蒙古"


def test_loading_again_adds_nothing(db):
    assert divisions_load(Division) == 0


def test_children_of_a_province_and_a_city(db):
    assert "140100" in set(division_children(parent="140000").values_list("code", flat=True))
    assert set(division_children(parent="140100").values_list("level", flat=True)) == {"district"}
    assert not division_children(parent="").exists()


def test_every_province_but_hong_kong_macao_and_taiwan_has_its_usual_region(db):
    assert province_region_get(province=division("140000")) == region("north")
    assert province_region_get(province=division("440000")) == region("south")
    assert province_region_get(province=division("650000")) == region("northwest")
    assert province_region_get(province=division("210000")) == region("northeast")
    assert province_region_get(province=division("500000")) == region("southwest")
    unmapped = ProvinceRegion.objects.filter(region__isnull=True)
    assert set(unmapped.values_list("province_id", flat=True)) == {"710000", "810000", "820000"}


# --- which lies in which --------------------------------------------------------------------


def test_a_district_alone_brings_its_city_and_province(db):
    values = divisions_resolve({"district": division("140105")})
    assert (values["province"].code, values["city"].code) == ("140000", "140100")


def test_a_city_outside_the_province_is_an_error_on_the_city(db, english):
    with pytest.raises(ValidationError) as refused:
        divisions_resolve({"province": division("130000"), "city": division("140100")})
    assert set(refused.value.message_dict) == {"city"}
    assert "太原市" in refused.value.message_dict["city"][0]


def test_a_district_outside_the_city_is_an_error_on_the_district(db):
    with pytest.raises(ValidationError) as refused:
        divisions_resolve({"city": division("140100"), "district": division("110105")})
    assert set(refused.value.message_dict) == {"district"}


def test_a_wrong_level_is_an_error_on_the_field(db):
    with pytest.raises(ValidationError) as refused:
        divisions_resolve({"province": division("140100")})
    assert set(refused.value.message_dict) == {"province"}


def test_a_new_province_alone_clears_the_city_and_district_outside_it(db):
    class Current:
        province, city, district = division("140000"), division("140100"), division("140105")

    values = divisions_resolve({"province": division("130000")}, Current())
    assert values == {"province": division("130000"), "city": None, "district": None}


def test_a_new_city_alone_moves_the_province_with_it(db):
    class Current:
        province, city, district = division("140000"), division("140100"), division("140105")

    values = divisions_resolve({"city": division("130100")}, Current())
    assert (values["province"].code, values["city"].code, values["district"]) == (
        "130000",
        "130100",
        None,
    )


def test_a_write_naming_no_division_changes_none(db):
    assert divisions_resolve({"name": "x"}) == {}


# --- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "codes"),
    [
        ("山西省太原市小店区长风街1号", ("140000", "140100", "140105")),
        ("太原市小店区", ("140000", "140100", "140105")),
        ("北京市朝阳区建国路88号", ("110000", "110100", "110105")),
        ("吉林省吉林市船营区", ("220000", "220200", "220204")),
        ("内蒙古呼和浩特市", ("150000", "150100", None)),
        ("河北省", ("130000", None, None)),
        ("no place at all", (None, None, None)),
    ],
)
def test_an_address_names_its_divisions(address, codes):
    found = address_divisions(address)
    assert (found.province, found.city, found.district) == codes


def test_a_district_name_several_cities_share_is_ambiguous():
    with pytest.raises(AmbiguousAddress) as ambiguous:
        address_divisions("朝阳区建国路88号")
    assert ambiguous.value.names == ["北京市 朝阳区", "吉林省 长春市 朝阳区"]


# --- the sales region table -----------------------------------------------------------------


def test_an_administrator_changes_a_provinces_region(org):
    changed = province_regions_update(
        actor=org["admin"], regions={"140000": region("central"), "810000": region("south")}
    )
    assert changed == 2
    assert province_region_get(province=division("140000")) == region("central")
    assert province_region_get(province=division("810000")) == region("south")
    link = ProvinceRegion.objects.get(pk="140000")
    assert link.history.first().history_user == org["admin"]


def test_an_account_manager_may_not_change_the_regions(org):
    with pytest.raises(PermissionDenied):
        province_regions_update(actor=org["manager1"], regions={"140000": region("central")})


def test_the_load_command_restores_a_missing_division(db, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.LANGUAGE_CODE = "en"
    Division.objects.filter(pk="140105").delete()
    out = StringIO()
    call_command("divisions_load", stdout=out)
    assert out.getvalue().startswith("Divisions added: 1;")
    assert division("140105").parent_id == "140100"


def test_addresses_are_read_without_pkg_resources_too():
    """cpca loads its table through pkg_resources, which new setuptools no longer ship."""
    import subprocess
    import sys

    script = (
        "import sys; sys.modules['pkg_resources'] = None\n"
        "from guanxi.core.addresses import address_divisions\n"
        "print(address_divisions('山西省太原市小店区').district)\n"
    )
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "140105"
