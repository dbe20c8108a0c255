"""The 省 → 市 → 区县 choosers of the customer and contact forms (htmx cascade), the detail
page, the list's province and city filters, and the settings page of the provinces' regions."""

import pytest
from django.urls import reverse

from guanxi.core.models import DictionaryEntry, Division, ProvinceRegion
from guanxi.customers.models import Contact, Customer
from tests.customers.fixtures.customers import CustomerFactory
from tests.customers.test_views_customers import customer_data, row_pks

LIST = reverse("customers:list")
CREATE = reverse("customers:create")
OPTIONS = reverse("core:division_options")
REGIONS = reverse("core:province_regions")


def division(code: str) -> Division:
    return Division.objects.get(pk=code)


def region(code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind="region", code=code)


def test_choosing_a_province_offers_its_cities_and_empties_the_districts(login):
    response = login("manager1").get(OPTIONS, {"province": "140000"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_city"' in html and '<option value="140100">太原市</option>' in html
    assert 'id="id_district"' in html and 'hx-swap-oob="true"' in html
    assert "小店区" not in html and "石家庄市" not in html


def test_choosing_a_city_offers_its_districts(login):
    html = login("manager1").get(OPTIONS, {"city": "140100"}).content.decode()
    assert 'id="id_district"' in html and '<option value="140105">小店区</option>' in html
    assert "太原市" not in html


def test_the_options_need_signing_in(client):
    assert client.get(OPTIONS, {"province": "140000"}).status_code == 302


def test_the_form_wires_the_cascade_with_labelled_choosers(login):
    html = login("manager1").get(CREATE).content.decode()
    assert f'hx-get="{OPTIONS}"' in html and 'hx-target="#id_city"' in html
    for name in ("province", "city", "district"):
        assert f'<label for="id_{name}"' in html
    assert '<option value="140000">山西省</option>' in html


def test_a_customer_created_in_the_form_keeps_its_divisions_and_gets_its_region(org, login):
    response = login("manager1").post(
        CREATE,
        customer_data(
            owner=org["manager1"].pk, province="140000", city="140100", district="140105"
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    customer = Customer.objects.get(name="上海新客户有限公司")
    assert (customer.province_id, customer.city_id, customer.district_id) == (
        "140000",
        "140100",
        "140105",
    )
    assert customer.region == region("north")
    detail = login("manager1").get(customer.get_absolute_url()).content.decode()
    assert "山西省 太原市 小店区" in detail


def test_a_city_of_another_province_is_an_error_on_the_city(org, login):
    response = login("manager1").post(
        CREATE, customer_data(owner=org["manager1"].pk, province="130000", city="140100")
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"city"}
    assert not Customer.objects.filter(name="上海新客户有限公司").exists()
    # The form comes back with the cities of the chosen province.
    cities = response.context["form"].fields["city"].queryset
    assert set(cities.values_list("parent_id", flat=True)) == {"130000"}


def test_the_edit_form_offers_the_cities_and_districts_of_the_customers_province(org, login):
    customer = CustomerFactory(
        owner=org["manager1"],
        province=division("140000"),
        city=division("140100"),
        district=division("140105"),
    )
    form = login("manager1").get(reverse("customers:edit", args=[customer.pk])).context["form"]
    assert set(form.fields["city"].queryset.values_list("parent_id", flat=True)) == {"140000"}
    assert set(form.fields["district"].queryset.values_list("parent_id", flat=True)) == {"140100"}


def test_a_contact_added_in_the_form_keeps_its_divisions(org, login):
    customer = CustomerFactory(owner=org["manager1"])
    response = login("manager1").post(
        reverse("customers:contact_create", args=[customer.pk]),
        {"name": "王芳", "gender": "", "province": "140000", "city": "140100"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(customer=customer, name="王芳")
    assert (contact.province_id, contact.city_id) == ("140000", "140100")


def test_the_list_filters_by_province_and_city_and_shows_them(org, login):
    taiyuan = CustomerFactory(
        owner=org["manager1"], province=division("140000"), city=division("140100")
    )
    datong = CustomerFactory(
        owner=org["manager1"], province=division("140000"), city=division("140200")
    )
    guangzhou = CustomerFactory(owner=org["manager1"], province=division("440000"))
    client = login("manager1")
    assert set(row_pks(client.get(LIST, {"province": "140000"}))) == {taiyuan.pk, datong.pk}
    response = client.get(LIST, {"province": "140000", "city": "140100"})
    assert row_pks(response) == [taiyuan.pk]
    assert "山西省 太原市" in response.content.decode()
    assert guangzhou.pk in row_pks(client.get(LIST))


# --- the settings page ----------------------------------------------------------------------


def test_administrators_find_the_regions_page_on_the_settings_hub(login):
    assert REGIONS in login("admin").get(reverse("core:settings")).content.decode()
    assert login("manager1").get(REGIONS).status_code == 403


def test_an_administrator_moves_a_province_to_another_region(login):
    client = login("admin")
    page = client.get(REGIONS)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["140000"] = region("central").pk
    response = client.post(REGIONS, data)
    assert response.status_code == 302
    assert ProvinceRegion.objects.get(pk="140000").region == region("central")
    assert ProvinceRegion.objects.get(pk="440000").region == region("south")


@pytest.mark.usefixtures("english")
def test_an_unknown_region_is_an_error_on_that_province(login):
    client = login("admin")
    response = client.post(REGIONS, {"140000": "999999"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"140000"}


@pytest.mark.usefixtures("english")
def test_the_export_names_province_city_and_district(org, login):
    from tests.core.fixtures.exports import csv_rows
    from tests.customers.fixtures.exports import grant_export_right

    grant_export_right(org["manager1"])
    CustomerFactory(
        owner=org["manager1"],
        province=division("140000"),
        city=division("140100"),
        district=division("140105"),
    )
    rows = csv_rows(login("manager1").get(reverse("customers:export"), {"format": "csv"}))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["Province"], record["City"], record["District"]) == (
        "山西省",
        "太原市",
        "小店区",
    )
