"""Field protection in the pages: customer list (incl. search), detail, edit form, rule admin."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.customers.models import Customer, FieldRule
from guanxi.customers.services.customers import customer_update
from guanxi.customers.services.field_rules import field_rule_create
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

LIST = reverse("customers:list")
RULES = reverse("customers:field_rule_list")
PHONE = "13812348000"
# How pages show it (core.phones: the national format).
SHOWN = "138 1234 8000"


def add_rule(org, field: str, role: str, mode: str) -> FieldRule:
    return field_rule_create(
        actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode
    )


@pytest.fixture
def customer(org):
    customer = CustomerFactory(
        owner=org["manager1"],
        name="甲乙科技",
        phone=PHONE,
        email="zhangwei@example.com",
        address="上海市浦东新区世纪大道100号",
        tax_id="91310000MA1FL4XQ7N",
        bank_account="6222021234567894",
    )
    ContactFactory(
        customer=customer,
        is_primary=True,
        name="王芳",
        mobile="13912345678",
        office_phone="021-51234567",
        email="wangfang@example.com",
    )
    return customer


def _page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _table(page: str) -> str:
    """The result rows only (the search box rightly echoes what the user typed)."""
    return "".join(re.findall(r"<tbody>.*?</tbody>", page, re.DOTALL))


# --- list and search ------------------------------------------------------------------------


def test_list_shows_the_phone_masked_for_the_role_and_in_full_for_others(org, login, customer):
    add_rule(org, "customer.phone", "account_manager", "masked")
    assert "138****8000" in _page(login("manager1"), LIST)
    assert SHOWN not in _page(login("manager1"), LIST)
    assert SHOWN in _page(login("supervisor"), LIST)


def test_searching_by_a_masked_phone_does_not_find_the_customer(org, login, customer):
    add_rule(org, "customer.phone", "account_manager", "masked")
    client = login("manager1")
    assert "甲乙科技" not in _table(_page(client, LIST, q=PHONE))
    partial = _table(client.get(LIST, {"q": PHONE}, HTTP_HX_REQUEST="true").content.decode())
    assert "甲乙科技" not in partial
    rows = _table(_page(client, LIST, q="甲乙"))
    assert "甲乙科技" in rows and "138****8000" in rows and SHOWN not in rows
    assert "甲乙科技" in _table(_page(login("supervisor"), LIST, q=PHONE))


def test_a_hidden_phone_leaves_out_the_column(org, login, customer):
    add_rule(org, "customer.phone", "account_manager", "hidden")
    assert "甲乙科技" not in _table(_page(login("manager1"), LIST, q=PHONE))
    page = _page(login("manager1"), LIST, q="甲乙")
    assert "甲乙科技" in _table(page)
    assert SHOWN not in _table(page) and "138****8000" not in page
    assert 'data-field="phone"' not in page
    assert 'data-field="phone"' in _page(login("supervisor"), LIST)


def test_list_query_count_is_the_same_with_rules_and_does_not_grow(
    org, login, django_assert_max_num_queries
):
    CustomerFactory.create_batch(3, owner=org["manager1"])
    client = login("manager1")
    with django_assert_max_num_queries(50) as without_rules:
        client.get(LIST)
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.email", "account_manager", "hidden")
    with django_assert_max_num_queries(50) as few:
        client.get(LIST)
    CustomerFactory.create_batch(27, owner=org["manager1"])
    with django_assert_max_num_queries(50) as many:
        assert client.get(LIST).content.decode().count("****") >= 25
    assert len(without_rules) == len(few) == len(many)
    rule_queries = [q for q in many.captured_queries if "customers_fieldrule" in q["sql"]]
    assert len(rule_queries) == 1, "the rules are loaded once per request"


# --- detail ---------------------------------------------------------------------------------


def test_detail_masks_customer_and_contact_fields(org, login, customer):
    for field in ["customer.phone", "customer.email", "customer.address", "customer.tax_id"]:
        add_rule(org, field, "account_manager", "masked")
    add_rule(org, "contact.mobile", "account_manager", "masked")
    add_rule(org, "contact.email", "account_manager", "masked")
    page = _page(login("manager1"), reverse("customers:detail", args=[customer.pk]))
    for shown in ["138****8000", "z***@example.com", "上海市浦东新****", "****XQ7N"]:
        assert shown in page
    assert "139****5678" in page and "w***@example.com" in page
    for secret in [
        PHONE,
        SHOWN,
        "139 1234 5678",
        "zhangwei@",
        "世纪大道",
        "91310000MA1FL4XQ7N",
        "13912345678",
        "wangfang@",
    ]:
        assert secret not in page, secret
    assert "mailto:" not in page, "a masked address is no link"
    # Not protected for this role: shown as stored.
    assert "6222021234567894" in page and "021 5123 4567" in page


def test_detail_leaves_out_hidden_fields_with_their_labels(org, login, customer):
    add_rule(org, "customer.bank_account", "account_manager", "hidden")
    add_rule(org, "contact.office_phone", "account_manager", "hidden")
    page = _page(login("manager1"), reverse("customers:detail", args=[customer.pk]))
    assert "6222021234567894" not in page and 'data-field="bank_account"' not in page
    assert "021 5123 4567" not in page and 'data-field="office_phone"' not in page
    admin_page = _page(login("admin"), reverse("customers:detail", args=[customer.pk]))
    assert "6222021234567894" in admin_page and "021 5123 4567" in admin_page


def test_detail_history_does_not_reveal_protected_values(org, login, customer):
    customer_update(actor=org["admin"], customer=customer, phone="13900001111", tax_id="")
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    page = _page(login("manager1"), reverse("customers:detail", args=[customer.pk]))
    assert "13900001111" not in page and "139 0000 1111" not in page
    assert "+8613900001111" not in page and SHOWN not in page
    assert "139****1111" in page
    assert "91310000MA1FL4XQ7N" not in page


# --- edit form ------------------------------------------------------------------------------


def test_edit_form_leaves_out_protected_fields_and_saving_keeps_them(org, login, customer):
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    client = login("manager1")
    url = reverse("customers:edit", args=[customer.pk])
    form = _page(client, url)
    assert 'name="phone"' not in form and 'name="tax_id"' not in form
    assert PHONE not in form and "91310000MA1FL4XQ7N" not in form
    assert 'data-testid="protected-fields"' in form
    data = {
        "name": "甲乙科技（新）",
        "kind": "company",
        "owner": org["manager1"].pk,
        "credit_status": "normal",
        "version": customer.version,
        # What a tampered form might send: the mask and an empty tax id.
        "phone": "138****8000",
        "tax_id": "",
        "email": "zhangwei@example.com",
        "address": customer.address,
        "bank_account": customer.bank_account,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.name == "甲乙科技（新）"
    assert customer.phone == PHONE and customer.tax_id == "91310000MA1FL4XQ7N"


def test_edit_form_keeps_every_field_for_unprotected_roles(org, login, customer):
    add_rule(org, "customer.phone", "account_manager", "masked")
    form = _page(login("supervisor"), reverse("customers:edit", args=[customer.pk]))
    assert 'name="phone"' in form and PHONE in form


# --- rule administration ---------------------------------------------------------------------


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
def test_rule_pages_need_the_right_to_manage_roles(org, login, username):
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    client = login(username)
    for url in [
        RULES,
        reverse("customers:field_rule_create"),
        reverse("customers:field_rule_edit", args=[rule.pk]),
        reverse("customers:field_rule_delete", args=[rule.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    response = client.post(
        reverse("customers:field_rule_create"),
        {"field": "customer.email", "role": rule.role_id, "mode": "hidden"},
    )
    assert response.status_code == 403
    assert not FieldRule.objects.filter(field="customer.email").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(RULES)
    assert response.status_code == 302 and "login" in response["Location"]


def test_admin_adds_changes_and_lifts_a_rule(org, login, customer):
    client = login("admin")
    assert 'data-testid="field-rule-empty"' in _page(client, RULES)
    role = Group.objects.get(name="account_manager")
    response = client.post(
        reverse("customers:field_rule_create"),
        {"field": "customer.phone", "role": role.pk, "mode": "masked"},
    )
    assert response.status_code == 302 and response["Location"] == RULES
    rule = FieldRule.objects.get()
    assert (rule.field, rule.role, rule.mode) == ("customer.phone", role, "masked")
    listing = _page(client, RULES)
    assert 'data-field="customer.phone"' in listing and 'data-mode="masked"' in listing
    assert "138****8000" in _page(login("manager1"), LIST)

    edit = reverse("customers:field_rule_edit", args=[rule.pk])
    assert _page(client, edit).count('type="radio"') == 2
    response = client.post(edit, {"mode": "hidden", "version": rule.version})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.mode == "hidden" and rule.version == 2
    assert "138****8000" not in _page(login("manager1"), LIST)

    delete = reverse("customers:field_rule_delete", args=[rule.pk])
    assert client.post(delete, {"version": 2}).status_code == 302
    assert not FieldRule.objects.exists()
    assert SHOWN in _page(login("manager1"), LIST)


def test_a_second_rule_for_the_same_field_and_role_is_refused_on_the_form(org, login):
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    User.objects.filter(pk=org["admin"].pk).update(language="en")
    response = login("admin").post(
        reverse("customers:field_rule_create"),
        {"field": "customer.phone", "role": rule.role_id, "mode": "hidden"},
    )
    assert response.status_code == 200
    assert "already has a rule" in response.content.decode()
    assert FieldRule.objects.count() == 1


def test_a_stale_edit_is_a_conflict(org, login):
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    client = login("admin")
    edit = reverse("customers:field_rule_edit", args=[rule.pk])
    assert client.post(edit, {"mode": "hidden", "version": 1}).status_code == 302
    response = client.post(edit, {"mode": "masked", "version": 1})
    assert response.status_code == 409
    rule.refresh_from_db()
    assert rule.mode == "hidden"


def test_unknown_rule_is_404(org, login):
    assert login("admin").get(reverse("customers:field_rule_edit", args=[999])).status_code == 404


def test_the_navigation_offers_the_page_to_administrators_only(org, login):
    assert RULES in _page(login("admin"), reverse("core:home"))
    assert RULES not in _page(login("manager1"), reverse("core:home"))


def test_customer_still_saves_for_a_masked_role(org, login):
    """Creating is not overwriting: a masked role may still type a new customer's phone."""
    add_rule(org, "customer.phone", "account_manager", "masked")
    response = login("manager1").post(
        reverse("customers:create"),
        {
            "name": "新客户",
            "kind": "company",
            "owner": org["manager1"].pk,
            "credit_status": "normal",
            "phone": "13700001234",
        },
    )
    assert response.status_code == 302
    assert Customer.objects.get(name="新客户").phone == "+8613700001234"
