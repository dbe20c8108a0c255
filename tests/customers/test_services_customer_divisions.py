"""A customer's and a contact's 省/市/区县 through the services, and the sales region 大区
that follows the province."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.core.models import DictionaryEntry, Division
from guanxi.core.services.divisions import province_regions_update
from guanxi.customers.services import customers as services
from tests.customers.fixtures.customers import CustomerFactory


def division(code: str) -> Division:
    return Division.objects.get(pk=code)


def region(code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind="region", code=code)


def test_a_customer_in_shanxi_is_in_north_china(org):
    customer = services.customer_create(
        actor=org["manager1"],
        name="太原钢铁贸易",
        province=division("140000"),
        city=division("140100"),
        district=division("140105"),
    )
    customer.refresh_from_db()
    assert (customer.province_id, customer.city_id, customer.district_id) == (
        "140000",
        "140100",
        "140105",
    )
    assert customer.region == region("north")
    assert customer.divisions == "山西省 太原市 小店区"


def test_the_province_decides_the_region_over_one_given_with_it(org):
    customer = services.customer_create(
        actor=org["manager1"], name="广州贸易", province=division("440000"), region=region("east")
    )
    assert customer.region == region("south")


def test_a_district_alone_fills_city_province_and_region(org):
    customer = services.customer_create(
        actor=org["manager1"], name="小店客户", district=division("140105")
    )
    assert (customer.province_id, customer.city_id) == ("140000", "140100")
    assert customer.region == region("north")


def test_an_existing_customers_region_stays_until_its_province_changes(org):
    customer = CustomerFactory(
        owner=org["manager1"], province=division("140000"), region=region("east")
    )
    services.customer_update(actor=org["manager1"], customer=customer, name="新名字")
    assert customer.region == region("east")
    # The same province again is no change either.
    services.customer_update(actor=org["manager1"], customer=customer, province=division("140000"))
    customer.refresh_from_db()
    assert customer.region == region("east")
    services.customer_update(actor=org["manager1"], customer=customer, province=division("440000"))
    customer.refresh_from_db()
    assert customer.region == region("south")


def test_a_province_without_a_region_leaves_the_region_as_given(org):
    customer = services.customer_create(
        actor=org["manager1"],
        name="香港客户",
        province=division("810000"),
        region=region("overseas"),
    )
    assert customer.region == region("overseas")


def test_the_region_table_decides_for_later_changes_only(org):
    customer = services.customer_create(
        actor=org["manager1"], name="太原客户", province=division("140000")
    )
    province_regions_update(actor=org["admin"], regions={"140000": region("central")})
    customer.refresh_from_db()
    assert customer.region == region("north")
    other = services.customer_create(
        actor=org["manager1"], name="太原客户二", province=division("140000")
    )
    assert other.region == region("central")


def test_a_city_outside_the_province_is_refused_naming_the_city(org):
    with pytest.raises(ValidationError) as refused:
        services.customer_create(
            actor=org["manager1"],
            name="错位客户",
            province=division("130000"),
            city=division("140100"),
        )
    assert set(refused.value.message_dict) == {"city"}


def test_a_contact_gets_divisions_checked_too(org):
    customer = CustomerFactory(owner=org["manager1"])
    contact = services.contact_create(
        actor=org["manager1"], customer=customer, name="王芳", city=division("140100")
    )
    assert (contact.province_id, contact.city_id) == ("140000", "140100")
    with pytest.raises(ValidationError) as refused:
        services.contact_update(
            actor=org["manager1"],
            contact=contact,
            city=division("140100"),
            district=division("110105"),
        )
    assert set(refused.value.message_dict) == {"district"}


def test_a_merge_takes_the_duplicates_divisions_together_or_not_at_all(org):
    from guanxi.customers.services import merge as services_merge

    owner = org["manager1"]
    survivor = CustomerFactory(owner=owner, province=division("140000"))
    merged = CustomerFactory(
        owner=owner, province=division("130000"), city=division("130100"), district=None
    )
    services_merge.customer_merge(actor=owner, survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert (survivor.province_id, survivor.city_id) == ("140000", None)

    bare = CustomerFactory(owner=owner)
    other = CustomerFactory(owner=owner, province=division("130000"), city=division("130100"))
    services_merge.customer_merge(actor=owner, survivor=bare, merged=other)
    bare.refresh_from_db()
    assert (bare.province_id, bare.city_id) == ("130000", "130100")
