"""Field protection rules: how a value is masked, which rule wins, and who may change the rules."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.core.exceptions import ConflictError
from guanxi.customers import masking
from guanxi.customers.models import FieldRule
from guanxi.customers.services.field_rules import (
    field_rule_create,
    field_rule_delete,
    field_rule_update,
)
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


def add_rule(org, field: str, role: str, mode: str) -> FieldRule:
    return field_rule_create(
        actor=org["admin"], field=field, role=Group.objects.get(name=role), mode=mode
    )


def fresh(user):
    """The user as the next request loads it (the rules are kept per user object)."""
    return type(user).objects.get(pk=user.pk)


# --- masking a value ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "masked"),
    [
        ("customer.phone", "13812348000", "138****8000"),
        ("contact.mobile", "138 1234 8000", "138****8000"),
        ("contact.mobile", "+86 138-1234-8000", "138****8000"),
        ("customer.fax", "010-62345678", "010****5678"),
        ("contact.office_phone", "12345", "****45"),
        ("customer.email", "zhangwei@example.com", "z***@example.com"),
        ("contact.email", "li.na@公司.cn", "l***@公司.cn"),
        ("customer.tax_id", "91310000MA1FL4XQ7N", "****XQ7N"),
        ("customer.bank_account", "6222 0212 3456 7890", "****7890"),
        ("customer.business_licence_no", "310115000123456", "****3456"),
        ("customer.address", "上海市浦东新区世纪大道100号", "上海市浦东新****"),
        ("customer.address", "北京", "北****"),
        ("customer.phone", "", ""),
    ],
)
def test_mask_value_keeps_only_the_agreed_part(key, value, masked):
    assert masking.mask_value(key, value) == masked


# --- which rule applies ---------------------------------------------------------------------


def test_no_rule_means_the_field_shows_in_full(org):
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert masking.field_protection(org["manager1"]) == {}
    assert masking.protect(org["manager1"], customer, "phone") == "13812348000"


def test_rules_apply_to_the_chosen_role_only(org):
    add_rule(org, "customer.phone", "account_manager", "masked")
    customer = CustomerFactory(owner=org["manager1"], phone="13812348000")
    assert masking.protect(fresh(org["manager1"]), customer, "phone") == "138****8000"
    assert masking.protect(fresh(org["supervisor"]), customer, "phone") == "13812348000"
    # An administrator role without a rule sees everything.
    assert masking.protect(fresh(org["admin"]), customer, "phone") == "13812348000"


def test_hidden_field_is_none_and_masked_contact_field_is_masked(org):
    add_rule(org, "contact.email", "account_manager", "hidden")
    add_rule(org, "contact.mobile", "account_manager", "masked")
    contact = ContactFactory(mobile="13912345678", email="w@example.com")
    manager = fresh(org["manager1"])
    assert masking.protect(manager, contact, "email") is None
    assert masking.protect(manager, contact, "mobile") == "139****5678"
    assert masking.protect(manager, contact, "name") == contact.name


def test_the_strictest_rule_of_several_roles_wins(org):
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.phone", "sales_assistant", "hidden")
    add_rule(org, "customer.email", "sales_assistant", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    add_rule(org, "customer.tax_id", "sales_assistant", "masked")
    user = org["manager1"]
    user.groups.add(Group.objects.get(name="sales_assistant"))
    assert masking.field_protection(fresh(user)) == {
        "customer.phone": "hidden",
        "customer.email": "masked",
        "customer.tax_id": "hidden",
    }


def test_rules_are_read_once_per_user_object(org, django_assert_num_queries):
    add_rule(org, "customer.phone", "account_manager", "masked")
    manager = fresh(org["manager1"])
    customers = CustomerFactory.create_batch(3, owner=manager)
    with django_assert_num_queries(1):
        for customer in customers:
            masking.protect(manager, customer, "phone")
            masking.protect(manager, customer, "email")


def test_anonymous_users_have_no_rules(org):
    from django.contrib.auth.models import AnonymousUser

    assert masking.field_protection(AnonymousUser()) == {}


def test_protect_data_masks_and_leaves_out(org):
    add_rule(org, "customer.phone", "account_manager", "masked")
    add_rule(org, "customer.tax_id", "account_manager", "hidden")
    from guanxi.customers.models import Customer

    data = {"name": "甲", "phone": "13812348000", "tax_id": "91310000MA1FL4XQ7N"}
    shown = masking.protect_data(fresh(org["manager1"]), Customer, data)
    assert shown == {"name": "甲", "phone": "138****8000"}
    assert data["phone"] == "13812348000", "the input is not changed"


def test_a_protected_copy_cannot_be_saved(org):
    add_rule(org, "contact.mobile", "account_manager", "masked")
    contact = ContactFactory(mobile="13912345678")
    shown = masking.protected_copy(fresh(org["manager1"]), contact)
    assert shown.mobile == "139****5678" and contact.mobile == "13912345678"
    with pytest.raises(RuntimeError):
        shown.save()


# --- the rule services ----------------------------------------------------------------------


def test_only_role_managers_change_rules(org):
    role = Group.objects.get(name="account_manager")
    for username in ["exec", "supervisor", "manager1", "assistant"]:
        with pytest.raises(PermissionDenied):
            field_rule_create(actor=org[username], field="customer.phone", role=role, mode="masked")
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    with pytest.raises(PermissionDenied):
        field_rule_update(actor=org["manager1"], rule=rule, mode="hidden")
    with pytest.raises(PermissionDenied):
        field_rule_delete(actor=org["supervisor"], rule=rule)


def test_one_rule_per_field_and_role_until_it_is_lifted(org):
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    with pytest.raises(ValidationError) as error:
        add_rule(org, "customer.phone", "account_manager", "hidden")
    assert "role" in error.value.message_dict
    field_rule_delete(actor=org["admin"], rule=rule, expected_version=rule.version)
    assert FieldRule.all_objects.get(pk=rule.pk).is_deleted
    assert masking.field_protection(fresh(org["manager1"])) == {}
    again = add_rule(org, "customer.phone", "account_manager", "hidden")
    assert masking.field_protection(fresh(org["manager1"])) == {"customer.phone": "hidden"}
    assert again.pk != rule.pk


def test_unknown_field_or_mode_is_refused_on_the_field(org):
    role = Group.objects.get(name="account_manager")
    with pytest.raises(ValidationError) as error:
        field_rule_create(actor=org["admin"], field="customer.name", role=role, mode="masked")
    assert "field" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        field_rule_create(actor=org["admin"], field="customer.phone", role=role, mode="blurred")
    assert "mode" in error.value.message_dict


def test_changes_are_versioned_and_audited(org):
    rule = add_rule(org, "customer.phone", "account_manager", "masked")
    field_rule_update(actor=org["admin"], rule=rule, mode="hidden", expected_version=1)
    with pytest.raises(ConflictError):
        field_rule_update(actor=org["admin"], rule=rule, mode="masked", expected_version=1)
    history = list(rule.history.order_by("history_date"))
    assert [entry.mode for entry in history] == ["masked", "hidden"]
    assert {entry.history_user for entry in history} == {org["admin"]}
    assert masking.field_protection(fresh(org["manager1"])) == {"customer.phone": "hidden"}


def test_a_rule_reads_in_the_users_language(org):
    from django.utils import translation

    rule = field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    with translation.override("zh-hans"):
        assert "客户经理" in str(rule) and "account_manager" not in str(rule)
