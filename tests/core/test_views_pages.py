"""The core pages: home dashboard, dictionaries and the recycle bin, through the test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from guanxi.core.models import DictionaryEntry
from guanxi.core.services.records import (
    dictionary_entry_create,
    dictionary_entry_update,
    record_soft_delete,
)
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services.customers import customer_create, customer_delete
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


@pytest.fixture
def english(org):
    """``english("manager1")``: a client signed in as that user, who reads Guanxi in English."""

    def _client(username: str) -> Client:
        user = org[username]
        user.language = "en"
        user.save(update_fields=["language"])
        client = Client()
        client.force_login(user)
        return client

    return _client


def _counts(response) -> dict:
    """The customer figures of the home page's customer panel."""
    panels = {block.key: block.panel for block in response.context["home_blocks"]}
    return panels["customers"]["counts"] if "customers" in panels else panels["company"]


def _entry(kind: str, code: str) -> DictionaryEntry:
    return DictionaryEntry.objects.get(kind=kind, code=code)


# --- home -----------------------------------------------------------------------------------


def test_home_requires_sign_in(db):
    response = Client().get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_home_shows_role_team_and_scoped_counts_for_a_manager(english, customers):
    response = english("manager1").get(reverse("core:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Account manager" in page
    assert "华东组" in page
    assert _counts(response)["total"] == 1
    assert _counts(response)["owned"] == 1
    assert "You see your own records." in page
    keys = {shortcut["item"].key for shortcut in response.context["shortcuts"]}
    assert keys == {
        "customers",
        "interactions",
        "pool",
        "churn",
        "opportunities",
        "pipeline",
        "orders",
        "products",
        "targets",
        "leads",
        "quotes",
        "receivables",
        "service",
        "reports",
        "contracts",
        "kpis",
        "notifications",
    }
    assert 'data-testid="shortcut-dictionaries"' not in page


def test_home_for_a_supervisor_counts_the_team(english, customers):
    response = english("supervisor").get(reverse("core:home"))
    counts = _counts(response)
    assert counts["total"] == 3  # manager1, manager2 and the supervisor's own
    assert counts["owned"] == 1
    assert "your team and its sub-teams" in response.content.decode()


def test_home_for_the_administrator_offers_every_admin_page(english, customers):
    response = english("admin").get(reverse("core:home"))
    page = response.content.decode()
    assert _counts(response)["customers"] == len(customers)
    assert _counts(response)["pool"] == 1
    for key in ("users", "teams", "roles", "dictionaries", "recycle_bin"):
        assert f'data-testid="shortcut-{key}"' in page
    assert "Administrator" in page


def test_home_counts_churn_warnings_and_credit_holds(english, org):
    CustomerFactory(owner=org["manager1"], status=Customer.Status.CHURN_WARNING)
    CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    CustomerFactory(owner=org["manager2"], credit_status=Customer.CreditStatus.ON_HOLD)
    counts = _counts(english("manager1").get(reverse("core:home")))
    assert counts == {
        "total": 2,
        "owned": 2,
        "follow_ups": 0,
        "pool": 0,
        "churn": 0,
        "on_hold": 1,
    }


# --- dictionaries ---------------------------------------------------------------------------


def test_dictionary_list_groups_entries_by_kind(english):
    response = english("admin").get(reverse("core:dictionary_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="dictionary-customer_level"' in page
    assert "战略合作伙伴" in page and "Strategic partner" in page
    assert 'data-testid="entry-region-east"' in page
    levels = next(g for g in response.context["groups"] if g.kind == "customer_level")
    assert [e.code for e in levels.entries][:2] == ["ordinary", "key_prospect"]


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_dictionary_pages_are_refused_to_non_admins(login, username):
    client = login(username)
    entry = _entry("region", "east")
    assert client.get(reverse("core:dictionary_list")).status_code == 403
    assert client.get(reverse("core:dictionary_create")).status_code == 403
    assert client.get(reverse("core:dictionary_edit", args=[entry.pk])).status_code == 403
    response = client.post(
        reverse("core:dictionary_edit", args=[entry.pk]),
        {"code": "east", "name_zh": "改", "name_en": "x", "sort_order": 0, "version": 1},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.name_zh == "华东"


def test_dictionary_pages_send_anonymous_users_to_sign_in(db):
    response = Client().get(reverse("core:dictionary_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_dictionary_list_query_count(login, django_assert_max_num_queries):
    client = login("admin")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("core:dictionary_list")).status_code == 200


def test_create_form_preselects_the_kind(english):
    response = english("admin").get(reverse("core:dictionary_create") + "?kind=unit")
    assert response.context["form"].initial == {"kind": "unit"}


def test_admin_creates_an_entry(english, org):
    client = english("admin")
    response = client.post(
        reverse("core:dictionary_create"),
        {
            "kind": "unit",
            "code": "crate",
            "name_zh": "板条箱",
            "name_en": "Crate",
            "sort_order": 9,
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    entry = _entry("unit", "crate")
    assert entry.created_by == org["admin"]
    assert "was added" in response.content.decode()


def test_duplicate_code_is_a_field_error(english):
    client = english("admin")
    response = client.post(
        reverse("core:dictionary_create"),
        {
            "kind": "region",
            "code": "east",
            "name_zh": "华东二",
            "name_en": "East 2",
            "sort_order": 0,
        },
    )
    assert response.status_code == 200
    assert "already used" in " ".join(response.context["form"].errors["code"])
    assert DictionaryEntry.objects.filter(kind="region", code="east").count() == 1


def test_edit_shows_version_and_history(english, org):
    entry = dictionary_entry_create(
        actor=org["admin"], kind="unit", code="crate", name_zh="板条箱", name_en="Crate"
    )
    dictionary_entry_update(actor=org["admin"], entry=entry, expected_version=1, name_en="Crates")
    response = english("admin").get(reverse("core:dictionary_edit", args=[entry.pk]))
    page = response.content.decode()
    assert 'name="version" value="2"' in page
    assert 'data-testid="history"' in page
    assert "Crate</del> → <ins>Crates</ins>" in page


def test_admin_edits_an_entry(english, org):
    entry = _entry("region", "east")
    client = english("admin")
    response = client.post(
        reverse("core:dictionary_edit", args=[entry.pk]),
        {
            "code": "east",
            "name_zh": "华东地区",
            "name_en": "East China",
            "sort_order": 3,
            "is_active": "on",
            "version": entry.version,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.name_zh, entry.sort_order, entry.version) == ("华东地区", 3, 2)
    assert entry.updated_by == org["admin"]


def test_stale_edit_is_a_conflict_and_overwrites_nothing(english, org):
    entry = _entry("region", "east")
    client = english("admin")
    form = {
        "code": "east",
        "name_en": "East China",
        "sort_order": 0,
        "is_active": "on",
        "version": entry.version,
    }
    first = client.post(
        reverse("core:dictionary_edit", args=[entry.pk]), {**form, "name_zh": "第一次"}
    )
    assert first.status_code == 302
    second = client.post(
        reverse("core:dictionary_edit", args=[entry.pk]), {**form, "name_zh": "第二次"}
    )
    assert second.status_code == 409
    errors = second.context["form"].non_field_errors()
    assert any("changed by someone else" in error for error in errors)
    assert 'data-testid="form-errors"' in second.content.decode()
    entry.refresh_from_db()
    assert entry.name_zh == "第一次"
    assert entry.version == 2


def test_deactivate_retires_an_entry(english):
    entry = _entry("unit", "piece")
    client = english("admin")
    response = client.post(
        reverse("core:dictionary_deactivate", args=[entry.pk]),
        {"version": entry.version},
        follow=True,
    )
    assert "was deactivated" in response.content.decode()
    entry.refresh_from_db()
    assert not entry.is_active


def test_deactivate_with_a_stale_version_is_a_conflict(english):
    entry = _entry("region", "east")
    response = english("admin").post(
        reverse("core:dictionary_deactivate", args=[entry.pk]), {"version": entry.version + 5}
    )
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.is_active


def test_unknown_entry_is_404(login):
    assert login("admin").get(reverse("core:dictionary_edit", args=[999999])).status_code == 404


# --- recycle bin ----------------------------------------------------------------------------


@pytest.fixture
def binned(org, customers):
    """manager1's customer and manager2's contact, both in the recycle bin."""
    customer = customers["manager1"]
    customer_delete(actor=org["manager1"], customer=customer)
    contact = customers["manager2"].contacts.get()
    record_soft_delete(instance=contact, actor=org["manager2"])
    return {"customer": customer, "contact": contact}


def test_recycle_bin_lists_deleted_records_of_every_type(english, org, binned):
    response = english("admin").get(reverse("core:recycle_bin"))
    assert response.status_code == 200
    page = response.content.decode()
    customer, contact = binned["customer"], binned["contact"]
    assert f'data-testid="deleted-customers.customer-{customer.pk}"' in page
    assert f'data-testid="deleted-customers.contact-{contact.pk}"' in page
    assert customer.name in page and contact.name in page
    assert str(org["manager1"]) in page  # deleted by
    # The live customers are not in the bin.
    assert len(response.context["records"]) == 2


def test_recycle_bin_filters_by_type(english, binned):
    response = english("admin").get(reverse("core:recycle_bin") + "?type=customers.contact")
    assert [row.label for row in response.context["records"]] == ["customers.contact"]


def test_recycle_bin_is_empty_when_nothing_was_deleted(english, customers):
    response = english("admin").get(reverse("core:recycle_bin"))
    assert 'data-testid="recycle-bin-empty"' in response.content.decode()


def test_recycle_bin_paginates(login, org):
    for _ in range(30):
        record_soft_delete(instance=CustomerFactory(owner=org["manager1"]), actor=org["admin"])
    client = login("admin")
    first = client.get(reverse("core:recycle_bin"))
    second = client.get(reverse("core:recycle_bin") + "?page=2")
    assert len(first.context["records"]) == 25
    assert len(second.context["records"]) == 5
    shown = {r.pk for r in first.context["records"]} | {r.pk for r in second.context["records"]}
    assert len(shown) == 30


def test_recycle_bin_query_count_does_not_grow(login, org, django_assert_max_num_queries):
    for index in range(30):
        customer = CustomerFactory(owner=org["manager1"] if index % 2 else org["manager2"])
        contact = ContactFactory(customer=customer)
        record_soft_delete(instance=contact if index % 3 else customer, actor=org["admin"])
    client = login("admin")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:recycle_bin"))
    assert {row.label for row in response.context["records"]} == {
        "customers.customer",
        "customers.contact",
    }


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec", "assistant"])
def test_recycle_bin_is_refused_to_non_admins(login, binned, username):
    client = login(username)
    customer = binned["customer"]
    assert client.get(reverse("core:recycle_bin")).status_code == 403
    restore = reverse("core:recycle_restore", args=["customers.customer", customer.pk])
    purge = reverse("core:recycle_purge", args=["customers.customer", customer.pk])
    assert client.post(restore).status_code == 403
    assert client.get(purge).status_code == 403
    assert client.post(purge).status_code == 403
    assert Customer.all_objects.get(pk=customer.pk).is_deleted


def test_restore_brings_the_customer_back_into_lists(english, org, binned):
    customer = binned["customer"]
    assert not customer_list(actor=org["manager1"]).filter(pk=customer.pk).exists()
    response = english("admin").post(
        reverse("core:recycle_restore", args=["customers.customer", customer.pk]), follow=True
    )
    assert "was restored" in response.content.decode()
    assert customer_list(actor=org["manager1"]).filter(pk=customer.pk).exists()
    latest = Customer.objects.get(pk=customer.pk).history.first()
    assert latest.history_user == org["admin"]


def test_purge_asks_first_then_removes_for_good(english, org, binned):
    customer = binned["customer"]
    client = english("admin")
    url = reverse("core:recycle_purge", args=["customers.customer", customer.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert Customer.all_objects.filter(pk=customer.pk).exists()
    response = client.post(url, follow=True)
    assert "was deleted for good" in response.content.decode()
    assert not Customer.all_objects.filter(pk=customer.pk).exists()
    assert not customer_list(actor=org["admin"]).filter(pk=customer.pk).exists()
    assert not Contact.all_objects.filter(customer_id=customer.pk).exists()


def test_live_records_and_unknown_types_are_404(login, customers):
    client = login("admin")
    live = customers["manager1"]
    assert (
        client.post(
            reverse("core:recycle_restore", args=["customers.customer", live.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("core:recycle_purge", args=["customers.customer", live.pk])).status_code
        == 404
    )
    assert client.post(reverse("core:recycle_restore", args=["auth.group", 1])).status_code == 404
    assert Customer.objects.filter(pk=live.pk).exists()


def test_restore_that_would_clash_is_refused_with_a_message(english, org):
    entry = _entry("region", "overseas")
    record_soft_delete(instance=entry, actor=org["admin"])
    dictionary_entry_create(
        actor=org["admin"], kind="region", code="overseas", name_zh="海外", name_en="Overseas"
    )
    response = english("admin").post(
        reverse("core:recycle_restore", args=["core.dictionaryentry", entry.pk]), follow=True
    )
    assert "cannot be restored" in response.content.decode()
    assert DictionaryEntry.all_objects.get(pk=entry.pk).is_deleted


def test_purge_of_a_record_still_in_use_is_refused(english, org):
    level = _entry("customer_level", "major")
    customer_create(actor=org["manager1"], name="使用中的客户", level=level)
    record_soft_delete(instance=level, actor=org["admin"])
    response = english("admin").post(
        reverse("core:recycle_purge", args=["core.dictionaryentry", level.pk]), follow=True
    )
    assert "cannot be purged" in response.content.decode()
    assert DictionaryEntry.all_objects.filter(pk=level.pk).exists()


def test_each_home_figure_links_to_the_customers_behind_it(login, org):
    CustomerFactory(owner=org["manager1"], status=Customer.Status.CHURN_WARNING)
    CustomerFactory(owner=org["manager1"], credit_status=Customer.CreditStatus.ON_HOLD)
    CustomerFactory(owner=org["manager2"])
    client = login("supervisor")
    home = client.get("/").content.decode()
    for testid, expected in [("count-total", 3), ("count-hold", 1)]:
        href = re.search(rf'data-testid="{testid}" href="([^"]+)"', home).group(1)
        listing = client.get(href.replace("&amp;", "&"))
        assert listing.status_code == 200
        assert len(listing.context["page"].object_list) == expected, testid


@pytest.mark.parametrize(
    ("username", "testid", "expected"),
    [
        ("manager1", "count-mine", 2),
        ("admin", "company-pool", 1),
    ],
)
def test_own_and_pool_figures_link_to_their_lists(login, org, username, testid, expected):
    CustomerFactory(owner=org["manager1"])
    CustomerFactory(owner=org["manager1"])
    CustomerFactory(owner=None)
    client = login(username)
    home = client.get("/").content.decode()
    href = re.search(rf'data-testid="{testid}" href="([^"]+)"', home).group(1)
    assert len(client.get(href).context["page"].object_list) == expected
