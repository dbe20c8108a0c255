"""Leads sort by the pinyin of their names and are found by it (张伟 ← zhangwei, zw)."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from guanxi.core.pinyin import pinyin_sort_key
from guanxi.sales.models import Lead
from guanxi.sales.search import lead_search_text
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services import leads as services

pytestmark = pytest.mark.django_db


def _leads(org, names):
    return [services.lead_create(actor=org["manager1"], name=name) for name in names]


def test_the_lead_list_sorted_by_name_reads_yang_zhang_zhao(org, login):
    _leads(org, ["赵敏", "张伟", "杨过", "安娜"])
    client = login("manager1")
    page = client.get(reverse("sales:lead_list"), {"sort": "name"})
    assert [lead.name for lead in page.context["page"]] == ["安娜", "杨过", "张伟", "赵敏"]
    html = page.content.decode()
    assert 'data-sort="name"' in html and 'aria-sort="ascending"' in html
    backwards = client.get(reverse("sales:lead_list"), {"sort": "-name"})
    assert [lead.name for lead in backwards.context["page"]] == ["赵敏", "张伟", "杨过", "安娜"]


def test_searching_by_pinyin_or_initials_finds_the_lead(org, login):
    zhang, _other = _leads(org, ["张伟", "李娜"])
    for term in ("zhangwei", "zw", "ZhangWei", "张伟"):
        found = selectors.lead_list(actor=org["manager1"], search=term)
        assert list(found) == [zhang], term
    page = login("manager1").get(reverse("sales:lead_list"), {"q": "zw"})
    assert [lead.name for lead in page.context["page"]] == ["张伟"]


def test_the_services_keep_the_keys_with_the_name_and_company(org):
    (lead,) = _leads(org, ["赵敏"])
    assert lead.name_sort == pinyin_sort_key("赵敏")
    services.lead_update(
        actor=org["manager1"], lead=lead, expected_version=lead.version, name="杨过", company="华东"
    )
    fresh = Lead.objects.get(pk=lead.pk)
    assert fresh.name_sort == pinyin_sort_key("杨过")
    assert "|yangguo|" in fresh.search_text and "|hd|" in fresh.search_text


def test_the_migration_fills_existing_leads_in_batches(org, monkeypatch):
    migration = importlib.import_module(
        "guanxi.sales.migrations.0016_lead_name_sort_and_search_keys"
    )
    names = ["赵一", "张二", "杨三", "王四", "李五"]
    made = _leads(org, names)
    Lead.objects.filter(pk__in=[lead.pk for lead in made]).update(name_sort="", search_text="")
    monkeypatch.setattr(migration, "BATCH", 2)
    migration.fill_keys(apps, SimpleNamespace(connection=connection))
    stored = {
        name: (key, text)
        for name, key, text in Lead.objects.filter(pk__in=[lead.pk for lead in made]).values_list(
            "name", "name_sort", "search_text"
        )
    }
    assert stored == {n: (pinyin_sort_key(n), lead_search_text(name=n)) for n in names}
