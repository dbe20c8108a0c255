"""The customers' and contacts' part of the global search (core.search): pinyin, scope, masks."""

import pytest
from django.contrib.auth.models import Group

from guanxi.core.search import SearchQuery, global_search
from guanxi.customers.selectors.search import contact_hits, customer_hits
from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

PHONE = "+8613812348000"


def query(actor, term, limit=5) -> SearchQuery:
    return SearchQuery(actor=actor, term=term, limit=limit)


def titles(hits) -> list[str]:
    return [hit.title for hit in hits]


@pytest.fixture
def zhang(org):
    """A customer named after 张伟 (manager1's), and a contact 张伟 at another of his customers."""
    customer = CustomerFactory(owner=org["manager1"], name="张伟贸易", phone=PHONE)
    other = CustomerFactory(owner=org["manager1"], name="东方机械")
    contact = ContactFactory(customer=other, name="张伟", title="采购经理", mobile="+8613700001111")
    return customer, contact


@pytest.mark.parametrize("term", ["张伟", "zhangwei", "zw", "ZhangWei", "ｚｈａｎｇｗｅｉ"])
def test_pinyin_and_initials_find_the_customer_and_the_contact(org, zhang, term):
    customer, contact = zhang
    found = customer_hits(query(org["manager1"], term))
    assert customer.pk in [hit.id for hit in found]
    contacts = contact_hits(query(org["manager1"], term))
    assert [(hit.id, hit.title) for hit in contacts] == [(contact.pk, "张伟")]
    assert contacts[0].subtitle.startswith("东方机械 · 采购经理")
    assert contacts[0].url.endswith(f"/customers/{contact.customer_id}/#contact-{contact.pk}")


def test_a_contact_is_found_by_its_own_name_not_by_its_customers(org, zhang):
    _customer, contact = zhang
    # 东方机械 finds the customer of 张伟, but no contact is named so.
    assert contact_hits(query(org["manager1"], "东方机械")) == []
    assert titles(customer_hits(query(org["manager1"], "dfjx"))) == ["东方机械"]


def test_hits_carry_what_the_dropdown_shows(org, zhang):
    customer, _contact = zhang
    [hit] = customer_hits(query(org["manager1"], "张伟贸易"))
    assert (hit.kind, hit.kind_label, hit.title) == ("customer", "客户", "张伟贸易")
    assert hit.url == f"/customers/{customer.pk}/"
    assert hit.subtitle == f"{customer.code} · 138 1234 8000 · 张伟"


def test_another_teams_customer_is_not_found_by_a_manager(org):
    CustomerFactory(owner=org["manager3"], name="北方张伟五金")
    ContactFactory(customer=CustomerFactory(owner=org["manager3"], name="北方重工"), name="张伟")
    assert customer_hits(query(org["manager1"], "北方张伟")) == []
    assert contact_hits(query(org["manager1"], "zhangwei")) == []
    assert titles(customer_hits(query(org["supervisor2"], "北方张伟"))) == ["北方张伟五金"]
    assert titles(contact_hits(query(org["supervisor2"], "zhangwei"))) == ["张伟"]


@pytest.mark.parametrize("mode", ["masked", "hidden"])
def test_a_protected_phone_finds_nothing_and_shows_as_the_reader_sees_it(org, zhang, mode):
    customer, _contact = zhang
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode=mode,
    )
    reader = org["manager1"]
    for term in ["13812348000", "1381234", "8000", "138 1234 8000"]:
        outcome = global_search(actor=reader, term=term)
        assert outcome.empty, (term, outcome.groups)
    assert global_search(actor=org["supervisor"], term="13812348000").groups[0].hits[0].id == (
        customer.pk
    )
    [hit] = customer_hits(query(reader, "张伟贸易"))
    shown = "138****8000" if mode == "masked" else ""
    assert hit.subtitle == " · ".join(part for part in [customer.code, shown, "张伟"] if part)
    assert "1234" not in hit.subtitle


def test_a_protected_contact_mobile_is_masked_in_the_subtitle(org, zhang):
    field_rule_create(
        actor=org["admin"],
        field="contact.mobile",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    [hit] = contact_hits(query(org["manager1"], "zhangwei"))
    assert hit.subtitle == "东方机械 · 采购经理 · 137****1111"


def test_at_most_the_limit_and_one_more(org):
    for index in range(8):
        CustomerFactory(owner=org["manager1"], name=f"星河科技{index}号")
    assert len(customer_hits(query(org["manager1"], "星河科技", limit=5))) == 6
    [group] = global_search(actor=org["manager1"], term="xhkj").groups
    assert (group.kind, len(group.hits), group.more) == ("customer", 5, True)
    assert group.list_url == "/customers/?q=xhkj"
