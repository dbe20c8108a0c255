"""Cell texts naming dictionary entries, and values a user mapped by hand."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.core.imports.engine import FilePass
from guanxi.core.imports.values import DictionaryDirectory
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.models import Contact
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def east():
    return DictionaryEntry.objects.create(
        kind=DictionaryKind.REGION, code="east-china", name_zh="华东", name_en="East China"
    )


@pytest.mark.parametrize(
    "text", ["华东", "east-china", "East China", "EAST  china", "huadong", "HD"]
)
def test_an_entry_is_found_by_code_name_or_pinyin(east, text):
    assert DictionaryDirectory(DictionaryKind.REGION).find(text) == east


def test_an_unknown_value_is_refused_naming_the_dictionary(east):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        DictionaryDirectory(DictionaryKind.REGION).find("山西省")
    assert "“山西省” is not in the dictionary “Region”" in refused.value.messages[0]


def test_a_spelled_name_wins_over_another_entrys_pinyin(east):
    pinyin_named = DictionaryEntry.objects.create(
        kind=DictionaryKind.REGION, code="hd", name_zh="河东", name_en="Hedong"
    )
    directory = DictionaryDirectory(DictionaryKind.REGION)
    assert directory.find("hd") == pinyin_named  # its code, not 华东's initials
    assert directory.find("hedong") == pinyin_named


def test_mapped_values_replace_and_empty_cells(org):
    manager = org["manager1"]
    customer = CustomerFactory(owner=manager, name="映射客户")
    csv = f"客户编号,姓名,性别\n{customer.code},王芳,女士\n{customer.code},李雷,不详\n"
    file_pass = FilePass(
        entity="contacts",
        actor=manager,
        mapping={"客户编号": "customer", "姓名": "name", "性别": "gender"},
        value_mapping={"gender": {"女士": Contact.Gender.FEMALE, "不详": ""}},
    )
    result = file_pass.run(io.BytesIO(csv.encode()), "contacts.csv", dry_run=False)
    assert result.counts["created"] == 2, result.report
    genders = dict(Contact.objects.filter(customer=customer).values_list("name", "gender"))
    assert genders["王芳"] == Contact.Gender.FEMALE
    assert genders["李雷"] == Contact._meta.get_field("gender").get_default()
