"""Customer names sort by pinyin, the same on SQLite and PostgreSQL (core.pinyin)."""

import pytest
from django.urls import reverse

from guanxi.core.pinyin import pinyin_sort_key
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services.customers import customer_create, customer_update
from tests.customers.fixtures.customers import CustomerFactory


def test_the_key_orders_surnames_by_their_reading_not_their_code_point():
    # By code point 张 (U+5F20) < 杨 (U+6768) < 赵 (U+8D75); by pinyin yang < zhang < zhao.
    assert sorted(["赵", "张", "杨"]) == ["张", "杨", "赵"]
    assert sorted(["赵", "张", "杨"], key=pinyin_sort_key) == ["杨", "张", "赵"]
    # zhan comes before zhang, and a shorter name before a longer one with its start.
    assert pinyin_sort_key("战") < pinyin_sort_key("张") < pinyin_sort_key("张伟")
    # Width and case do not matter; letters keep their place among readings.
    assert pinyin_sort_key("ＡＢＣ公司") == pinyin_sort_key("abc公司")
    assert set(pinyin_sort_key("杨 & 张 (北京)")) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


@pytest.mark.django_db
def test_the_customer_list_sorts_yang_zhang_zhao_on_this_database(org):
    for name in ["赵氏贸易", "张记五金", "杨家铺子", "安达物流"]:
        CustomerFactory(name=name, owner=org["manager1"])
    rows = customer_list(actor=org["exec"], sort="name")
    assert [c.name for c in rows] == ["安达物流", "杨家铺子", "张记五金", "赵氏贸易"]
    reverse_rows = customer_list(actor=org["exec"], sort="-name")
    assert [c.name for c in reverse_rows] == ["赵氏贸易", "张记五金", "杨家铺子", "安达物流"]


@pytest.mark.django_db
def test_the_page_sorted_by_name_pages_in_pinyin_order(org, login, settings):
    settings.GUANXI = {**settings.GUANXI, "PAGE_SIZE": 2}
    for name in ["赵一", "张二", "杨三", "王四", "李五"]:
        CustomerFactory(name=name, owner=org["manager1"])
    client = login("exec")
    names: list[str] = []
    params = {"sort": "name"}
    while True:
        response = client.get(reverse("customers:list"), params)
        names += [c.name for c in response.context["page"]]
        if not response.context["page"].has_next:
            break
        params = {"sort": "name", "cursor": response.context["page"].next_cursor}
    assert names == ["李五", "王四", "杨三", "张二", "赵一"]


@pytest.mark.django_db
def test_the_services_keep_the_key_with_the_name(org):
    customer = customer_create(actor=org["manager1"], name="赵氏贸易", phone="")
    assert customer.name_sort == pinyin_sort_key("赵氏贸易")
    customer = customer_update(
        actor=org["manager1"], customer=customer, expected_version=customer.version, name="杨氏贸易"
    )
    assert Customer.objects.get(pk=customer.pk).name_sort == pinyin_sort_key("杨氏贸易")


@pytest.mark.django_db
def test_the_migration_fills_existing_rows_in_batches(org, monkeypatch):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module(
        "guanxi.customers.migrations.0017_customer_name_pinyin_sort_key"
    )
    names = ["赵一", "张二", "杨三", "王四", "李五"]
    made = [CustomerFactory(name=name, owner=org["manager1"]) for name in names]
    Customer.objects.filter(pk__in=[c.pk for c in made]).update(name_sort="")
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches, and a last short one
    migration.fill_name_sort(apps, SimpleNamespace(connection=connection))
    stored = dict(
        Customer.objects.filter(pk__in=[c.pk for c in made]).values_list("name", "name_sort")
    )
    assert stored == {name: pinyin_sort_key(name) for name in names}
