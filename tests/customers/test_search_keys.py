"""Customer search at scale: two-character terms as whole keys, pinyin, initials, heteronyms.

Runs on SQLite and on PostgreSQL (GUANXI_TEST_DATABASE_URL), where the same patterns are the
ones the trigram index answers.
"""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from guanxi.customers.models import Customer
from guanxi.customers.search.keys import (
    SEPARATOR,
    customer_search_text,
    name_keys,
    name_matches,
    name_pairs,
    search_pattern,
)
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services import customers as services


def found(actor, term) -> set[int]:
    return set(customer_list(actor=actor, search=term).values_list("pk", flat=True))


# --- keys and patterns ------------------------------------------------------------------------


def test_two_character_terms_are_whole_keys_and_longer_ones_substrings():
    assert search_pattern("张伟") == "|张伟|"
    assert search_pattern(" ＺＷ ") == "|zw"  # width, case and spaces fold first
    assert search_pattern("13") == "|13|"  # two digits: a whole key, not every phone
    assert search_pattern("zhangwei") == "zhangwei"
    assert search_pattern("张") == "张"
    assert search_pattern("  ") == ""


def test_name_pairs_cover_the_chinese_name_only():
    assert name_pairs("张伟明") == ("张伟", "伟明")
    assert name_pairs("A") == ()
    assert name_pairs("ABC") == (), "latin names are found by 3+ letters"


def test_heteronyms_keep_the_readings_words_and_surnames_use():
    assert {"zhang", "chang"} <= set(name_keys("长"))
    assert {"dan", "shan"} <= set(name_keys("单"))
    assert "ou" in name_keys("区"), "the surname reading of 区"
    assert "kang" not in name_keys("杭"), "a dictionary-only reading nobody types"


def test_keys_are_enclosed_in_separators():
    text = customer_search_text(name="张伟", code="KH1")
    assert text.startswith(SEPARATOR) and text.endswith(SEPARATOR)
    assert "|张伟|" in text and "|zw|" in text and "|kh1|" in text
    assert customer_search_text(name="", code="") == ""


def test_name_matches_follows_the_same_rule():
    assert name_matches("张伟明", "张伟")
    assert name_matches("张伟明", "zw")
    assert name_matches("张伟明", "ZhangWei")
    assert not name_matches("张伟明", "张明")  # not adjacent
    assert not name_matches("张伟明", "")


# --- the selector on both databases ----------------------------------------------------------


@pytest.fixture
def shop(org):
    customer = services.customer_create(
        actor=org["manager1"], name="重庆长城科技有限公司", phone="138 0013 8000"
    )
    services.contact_create(actor=org["manager1"], customer=customer, name="张伟明")
    services.contact_create(actor=org["manager1"], customer=customer, name="曾乐")
    return customer


@pytest.mark.parametrize(
    "term",
    [
        "科技",  # two characters inside the name
        "长城",
        "张伟",  # two characters at the start of a contact's name
        "伟明",  # ... and at its end
        "曾乐",  # a whole two-character contact name
        "zw",  # initials of two adjacent characters of a contact
        "ZW",
        "ｚｗ",  # full width
        "cq",  # two initials at the start of the company name
        "cqcc",
        "kjyx",  # 3+ initials also inside the name
        "zhangweiming",
        "ZhangWeiMing",
        "zwm",
        # Heteronyms: 重 chong/zhong, 长 chang/zhang, 曾 zeng/ceng, 乐 le/yue; every reading finds.
        "chongqing",
        "zhongqing",
        "changcheng",
        "zhangcheng",
        "cengyue",
        "zengle",
        "cq",
        "zq",
        "cy",
        "长城科技",  # 3+ characters
        "13800138000",  # phone digits
        "138 0013",  # phone as typed
        "+86 138-0013-8000",  # the number in any format
        "0086 13800138000",
    ],
)
def test_the_customer_is_found_by(org, shop, term):
    assert shop.pk in found(org["manager1"], term)


@pytest.mark.parametrize(
    "term",
    [
        "张明",  # the two characters are not adjacent in any name
        "司1",  # across the end of the name and the start of the code
        "技z",
        "jk",  # initials in the wrong order (科技 is kj)
        "kj",  # two initials match the start of a name only
    ],
)
def test_the_customer_is_not_found_by(org, shop, term):
    assert shop.pk not in found(org["manager1"], term)


def test_two_character_search_stays_within_scope(org, shop):
    assert found(org["manager2"], "张伟") == set()
    assert shop.pk in found(org["exec"], "张伟")


def test_two_character_search_follows_contact_changes(org, shop):
    contact = shop.contacts.get(name="张伟明")
    services.contact_update(
        actor=org["manager1"], contact=contact, expected_version=contact.version, name="李娜"
    )
    assert shop.pk in found(org["manager1"], "李娜")
    assert shop.pk in found(org["manager1"], "ln")
    assert shop.pk not in found(org["manager1"], "伟明")


def test_a_two_character_name_is_found_whole(org):
    customer = services.customer_create(actor=org["manager1"], name="小米", kind="person")
    assert found(org["manager1"], "小米") == {customer.pk}
    assert found(org["manager1"], "xm") == {customer.pk}


# --- the data migration and the seeder ---------------------------------------------------------


def test_the_migration_rewrites_old_keys(org, shop):
    Customer.all_objects.filter(pk=shop.pk).update(search_text="重庆长城科技有限公司")
    assert shop.pk not in found(org["manager1"], "张伟")
    migration = importlib.import_module("guanxi.customers.migrations.0004_search_name_pairs")
    migration.rewrite_keys(apps, None)
    assert shop.pk in found(org["manager1"], "张伟")
    assert shop.pk in found(org["manager1"], "zhangweiming")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
def test_seeding_many_customers_rebuilds_the_trigram_index(org, monkeypatch):
    from guanxi.accounts.seed.organisation import seed
    from guanxi.customers.search.index import TRIGRAM_INDEX
    from guanxi.customers.seed import customers as customer_seed

    monkeypatch.setattr(customer_seed, "REBUILD_INDEX_FROM", 10)
    seed(customers=12, owners=[org["manager1"]], batch_size=5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [TRIGRAM_INDEX])
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
    seeded = Customer.objects.all()
    assert len(found(org["admin"], "kh20")) == seeded.count() == 12
    limited = {customer.pk for customer in seeded if "有限" in customer.name}
    assert found(org["admin"], "youxian") == limited


# --- SQLite: the FTS5 trigram table ------------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 search table exists on SQLite only"
)


@sqlite_only
def test_sqlite_answers_long_terms_from_the_fts_table(org, shop):
    rows = customer_list(actor=org["manager1"], search="zhangwei")
    assert "customers_customer_search MATCH" in str(rows.query)
    assert list(rows) == [shop]
    short = customer_list(actor=org["manager1"], search="张")
    assert "MATCH" not in str(short.query)  # one character: a plain LIKE


@sqlite_only
def test_the_fts_table_follows_every_kind_of_write(org, shop):
    Customer.all_objects.filter(pk=shop.pk).update(search_text="|lisi|")  # no service, no signal
    assert found(org["manager1"], "lisi") == {shop.pk}
    assert found(org["manager1"], "zhangwei") == set()
    Customer.all_objects.filter(pk=shop.pk).delete()
    assert found(org["exec"], "lisi") == set()


@sqlite_only
def test_lost_triggers_are_restored_after_migrate(org, shop):
    from guanxi.customers.search.sqlite import _TRIGGER_NAMES, fts_ensure

    with connection.cursor() as cursor:
        for name in _TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER {name}")  # as Django's table rebuild does
    Customer.all_objects.filter(pk=shop.pk).update(search_text="|wangwu|")
    assert found(org["manager1"], "wangwu") == set()  # the index is stale
    assert fts_ensure(connection) is True
    assert found(org["manager1"], "wangwu") == {shop.pk}
    assert fts_ensure(connection) is False  # nothing missing any more


@pytest.mark.parametrize("term", ['a"b', "a'b", "OR", "a*b", "(x)", "NEAR"])
def test_odd_terms_are_searched_literally(org, term):
    customer = services.customer_create(actor=org["manager1"], name=f"商店{term}商店")
    assert found(org["manager1"], f"店{term}商") == {customer.pk}


@pytest.mark.parametrize("rebuild_from", [1, 10**9])
def test_rewriting_the_keys_restores_the_search(org, shop, monkeypatch, rebuild_from):
    from guanxi.customers.models import Contact
    from guanxi.customers.search import index as search_index

    monkeypatch.setattr(search_index, "REBUILD_INDEX_FROM", rebuild_from)
    Customer.objects.filter(pk=shop.pk).update(search_text="")
    assert found(org["manager1"], "zhangweiming") == set()
    search_index.search_text_rewrite(Customer, Contact)
    assert found(org["manager1"], "zhangweiming") == {shop.pk}
    assert found(org["manager1"], "长城科技") == {shop.pk}
