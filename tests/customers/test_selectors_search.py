"""One customer search: name, pinyin, initials, code, phone, e-mail, contacts; width/case-free."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from guanxi.customers.search.keys import MAX_VARIANTS, _variants, name_keys, normalise
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services import customers as services
from tests.customers.fixtures.customers import CustomerFactory


def found(actor, term) -> set[int]:
    return set(customer_list(actor=actor, search=term).values_list("pk", flat=True))


# --- the keys ---------------------------------------------------------------------------------


def test_normalise_folds_width_case_and_spaces():
    assert normalise("ＡＢＣ　Ｄｅ ｆ１２") == "abcdef12"
    assert normalise("ZhangWei") == "zhangwei"
    assert normalise("a|b") == "ab"  # the key separator can never be searched for


def test_name_keys_hold_pinyin_and_initials():
    assert name_keys("张伟") == ("张伟", "zhangwei", "zw")


def test_every_reading_of_a_heteronym_is_a_key():
    keys = name_keys("曾乐")
    for reading in ("zengle", "cengle", "zengyue", "cengyue", "zl", "cy"):
        assert reading in keys


def test_heteronym_expansion_is_bounded_but_covers_each_alternative():
    readings = [["a", "b", "c"]] * 6  # 729 combinations
    variants = _variants(readings)
    assert len(variants) <= MAX_VARIANTS
    assert variants[0] == "aaaaaa"
    assert "baaaaa" in variants and "abaaaa" in variants


# --- the selector -----------------------------------------------------------------------------


@pytest.fixture
def zhang(org):
    customer = services.customer_create(
        actor=org["manager1"],
        name="北京恒通科技有限公司",
        phone="021-5555 0000",
        email="Info@HengTong.cn",
    )
    services.contact_create(actor=org["manager1"], customer=customer, name="张伟")
    return customer


@pytest.mark.parametrize(
    "term",
    [
        "恒通科技",  # name
        "hengtong",  # pinyin of the name
        "bjhtkj",  # initials of the name
        "ＨＥＮＧＴＯＮＧ",  # full-width, upper case
        "zhangwei",  # pinyin of a contact
        "zw",  # initials of a contact
        "张伟",  # contact name
        "ZHANG WEI",  # spaces and case
        "info@hengtong.cn",  # e-mail, other case
        "55550000",  # phone digits without the separators
        "021-5555",  # phone as typed
    ],
)
def test_one_search_finds_the_customer_by_any_key(org, zhang, term):
    assert zhang.pk in found(org["manager1"], term)


def test_search_by_code_in_any_width(org, zhang):
    code = zhang.code
    wide = "".join(chr(ord(char) + 0xFEE0) for char in code)  # full-width letters and digits
    assert found(org["manager1"], wide) == {zhang.pk}


def test_search_does_not_cross_keys(org, zhang):
    # The end of the name and the start of the code are different keys.
    assert zhang.pk not in found(org["manager1"], "公司" + zhang.code[:2])


def test_unrelated_terms_find_nothing(org, zhang):
    assert found(org["manager1"], "lisi") == set()


def test_search_follows_contact_changes(org, zhang):
    contact = zhang.contacts.get()
    services.contact_update(
        actor=org["manager1"], contact=contact, expected_version=contact.version, name="李娜"
    )
    assert zhang.pk in found(org["manager1"], "lina")
    assert zhang.pk not in found(org["manager1"], "zhangwei")
    contact.refresh_from_db()
    services.contact_delete(
        actor=org["manager1"], contact=contact, expected_version=contact.version
    )
    assert zhang.pk not in found(org["manager1"], "lina")


def test_search_follows_customer_edits(org, zhang):
    zhang.refresh_from_db()
    services.customer_update(actor=org["manager1"], customer=zhang, name="上海瑞德贸易有限公司")
    assert zhang.pk in found(org["manager1"], "ruide")
    assert zhang.pk not in found(org["manager1"], "恒通")
    assert zhang.pk in found(org["manager1"], "zw")  # the contact is still there


def test_search_stays_within_scope(org, zhang):
    assert found(org["manager2"], "zhangwei") == set()
    assert zhang.pk in found(org["exec"], "zhangwei")


def test_factory_customers_are_searchable_too(org):
    customer = CustomerFactory(owner=org["manager1"], name="杭州启明软件有限公司")
    assert customer.pk in found(org["manager1"], "qiming")


# --- pages and API ----------------------------------------------------------------------------


def row_pks(content: str) -> list[int]:
    import re

    return [int(pk) for pk in re.findall(r'data-testid="customer-row" data-pk="(\d+)"', content)]


def test_the_list_page_searches_by_pinyin(org, zhang, login):
    other = CustomerFactory(owner=org["manager1"], name="无关公司")
    response = login("manager1").get(reverse("customers:list"), {"q": "zw"})
    pks = row_pks(response.content.decode())
    assert zhang.pk in pks and other.pk not in pks


def test_the_api_searches_by_initials(org, zhang):
    client = APIClient()
    client.force_authenticate(org["manager1"])
    rows = client.get("/api/customers/", {"search": "bjhtkj"}).json()["results"]
    assert [row["id"] for row in rows] == [zhang.pk]
    assert "search_text" not in rows[0]


def test_searching_the_list_takes_a_constant_number_of_queries(
    org, login, django_assert_max_num_queries
):
    client = login("manager1")
    for index in range(3):
        services.customer_create(actor=org["manager1"], name=f"张伟商店{index}")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("customers:list"), {"q": "zw"})
    for index in range(20):
        services.customer_create(actor=org["manager1"], name=f"张伟工厂{index}")
    with django_assert_max_num_queries(20) as many:
        response = client.get(reverse("customers:list"), {"q": "zw"})
    assert len(row_pks(response.content.decode())) == 23
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_selector_sorts_search_results_as_asked(org):
    first = services.customer_create(actor=org["manager1"], name="A张伟")
    second = services.customer_create(actor=org["manager1"], name="B张伟")
    rows = selectors.customer_list(actor=org["manager1"], search="zhangwei", sort="-name")
    assert list(rows.values_list("pk", flat=True)) == [second.pk, first.pk]
