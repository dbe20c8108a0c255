"""Contacts sort by the pinyin of their names (杨 < 张 < 赵), kept by the services (core.pinyin)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from guanxi.core.pinyin import pinyin_sort_key
from guanxi.customers.models import Contact
from guanxi.customers.services.customers import contact_create, contact_update
from tests.customers.fixtures.customers import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_contacts_list_of_a_customer_reads_yang_zhang_zhao(login, org):
    customer = CustomerFactory(owner=org["manager1"])
    for name in ["赵敏", "张无忌", "杨过"]:
        contact_create(actor=org["manager1"], customer=customer, name=name)
    page = login("manager1").get(reverse("customers:detail", args=[customer.pk]))
    names = [c.name for c in page.context["contacts"] if not c.is_primary]
    primary = [c.name for c in page.context["contacts"] if c.is_primary]
    # The first contact became the primary one and leads; the others follow in pinyin order.
    assert primary == ["赵敏"] and names == ["杨过", "张无忌"]
    html = page.content.decode().split('data-testid="customer-contacts"', 1)[1]
    assert html.index("杨过") < html.index("张无忌")


def test_the_services_keep_the_key_with_the_name(customers, org):
    contact = contact_create(actor=org["manager1"], customer=customers["manager1"], name="赵敏")
    assert Contact.objects.get(pk=contact.pk).name_sort == pinyin_sort_key("赵敏")
    contact_update(
        actor=org["manager1"], contact=contact, expected_version=contact.version, name="杨过"
    )
    assert Contact.objects.get(pk=contact.pk).name_sort == pinyin_sort_key("杨过")
    ordered = Contact.objects.filter(customer=customers["manager1"], is_primary=False)
    assert list(ordered.order_by("name_sort").values_list("name", flat=True)) == sorted(
        ordered.values_list("name", flat=True), key=pinyin_sort_key
    )


def test_the_migration_fills_existing_contacts_in_batches(customers, org, monkeypatch):
    migration = importlib.import_module(
        "guanxi.customers.migrations.0019_contact_name_pinyin_sort_key"
    )
    names = ["赵一", "张二", "杨三", "王四", "李五"]
    made = [
        contact_create(actor=org["manager1"], customer=customers["manager1"], name=n) for n in names
    ]
    Contact.objects.filter(pk__in=[c.pk for c in made]).update(name_sort="")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.fill_name_sort(apps, SimpleNamespace(connection=connection))
    stored = dict(
        Contact.objects.filter(pk__in=[c.pk for c in made]).values_list("name", "name_sort")
    )
    assert stored == {name: pinyin_sort_key(name) for name in names}


def test_the_contacts_list_reads_yang_zhang_zhao_and_has_the_column_chooser(login, org):
    customer = CustomerFactory(owner=org["manager1"])
    for name in ["赵敏", "张无忌", "杨过"]:
        contact_create(actor=org["manager1"], customer=customer, name=name)
    client = login("manager1")
    page = client.get(reverse("customers:contact_list"), {"q": customer.name})
    assert [c.name for c in page.context["page"]] == ["杨过", "张无忌", "赵敏"]
    html = page.content.decode()
    assert 'data-testid="column-chooser"' in html and 'data-testid="list-views"' in html
    assert '<td data-label="手机" data-column="mobile"' in html
    backwards = client.get(reverse("customers:contact_list"), {"q": customer.name, "sort": "-name"})
    assert [c.name for c in backwards.context["page"]] == ["赵敏", "张无忌", "杨过"]
    hidden = client.get(reverse("customers:contact_list"), {"q": customer.name, "cols": ["title"]})
    assert '<td data-label="手机" data-column="mobile"' not in hidden.content.decode()
    assert 'data-column="title"' in hidden.content.decode()


def test_the_contacts_list_shows_only_contacts_in_scope(login, org):
    mine = CustomerFactory(owner=org["manager1"])
    theirs = CustomerFactory(owner=org["manager3"])
    contact_create(actor=org["manager1"], customer=mine, name="杨过")
    contact_create(actor=org["manager3"], customer=theirs, name="赵敏")
    names = {
        c.name for c in login("manager1").get(reverse("customers:contact_list")).context["page"]
    }
    assert "杨过" in names and "赵敏" not in names


def test_the_contacts_list_reads_in_a_fixed_number_of_queries(
    login, org, django_assert_max_num_queries
):
    customer = CustomerFactory(owner=org["manager1"])
    for name in ["赵敏", "张无忌"]:
        contact_create(actor=org["manager1"], customer=customer, name=name)
    client = login("manager1")
    url = reverse("customers:contact_list")
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for number in range(20):
        contact_create(actor=org["manager1"], customer=customer, name=f"杨{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
