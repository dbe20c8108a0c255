"""Account rules that hold for every entry point (pages, API, imports) live in the services."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from guanxi.accounts.models import User
from guanxi.accounts.services import users as services


def role(name):
    return Group.objects.get(name=name)


def test_a_built_in_role_keeps_its_name(org):
    executive = role("executive")
    with pytest.raises(ValidationError) as error:
        services.role_save(
            actor=org["admin"],
            role=executive,
            name="bosses",
            permissions=executive.permissions.all(),
        )
    assert "name" in error.value.message_dict
    assert Group.objects.filter(name="executive").exists()


def test_a_custom_role_can_be_renamed(org):
    custom = services.role_save(actor=org["admin"], role=None, name="auditor", permissions=[])
    services.role_save(actor=org["admin"], role=custom, name="internal auditor", permissions=[])
    assert Group.objects.filter(name="internal auditor").exists()


def test_administrator_cannot_remove_own_account_rights_from_their_role(org):
    administrator = role("administrator")
    kept = administrator.permissions.exclude(codename="manage_accounts")
    with pytest.raises(ValidationError) as error:
        services.role_save(
            actor=org["admin"], role=administrator, name="administrator", permissions=kept
        )
    assert "permissions" in error.value.message_dict
    assert administrator.permissions.filter(codename="manage_accounts").exists()


def test_administrator_cannot_drop_own_administrator_role(org):
    admin = org["admin"]
    with pytest.raises(ValidationError):
        services.user_update(actor=admin, user=admin, roles=[role("account_manager")])
    assert User.objects.get(pk=admin.pk).groups.filter(name="administrator").exists()


def test_only_sales_assistants_support_account_managers(org):
    with pytest.raises(ValidationError) as error:
        services.user_update(actor=org["admin"], user=org["manager2"], supports=[org["manager1"]])
    assert "supports" in error.value.message_dict
    assert not org["manager2"].supports.exists()


def test_an_assistant_supports_account_managers_only(org):
    with pytest.raises(ValidationError) as error:
        services.user_update(
            actor=org["admin"], user=org["assistant"], supports=[org["supervisor"]]
        )
    assert "supports" in error.value.message_dict
    assert list(org["assistant"].supports.all()) == [org["manager1"]]


def test_an_assistant_can_take_on_another_account_manager(org):
    services.user_update(
        actor=org["admin"], user=org["assistant"], supports=[org["manager1"], org["manager2"]]
    )
    assert set(org["assistant"].supports.all()) == {org["manager1"], org["manager2"]}


def test_new_user_with_supports_needs_the_assistant_role(org):
    with pytest.raises(ValidationError):
        services.user_create(
            actor=org["admin"],
            username="helper",
            password="Lamp-Stone-42",
            roles=[role("account_manager")],
            supports=[org["manager1"]],
        )
    assert not User.objects.filter(username="helper").exists()


def test_a_stale_user_edit_is_refused_and_changes_nothing(org):
    from guanxi.core.exceptions import ConflictError

    manager = User.objects.get(username="manager2")
    read_version = manager.version
    services.user_update(actor=org["admin"], user=manager, phone="13800000001")
    with pytest.raises(ConflictError):
        services.user_update(
            actor=org["admin"],
            user=User.objects.get(pk=manager.pk),
            phone="13900000002",
            expected_version=read_version,
        )
    assert User.objects.get(pk=manager.pk).phone == "+8613800000001"


def test_api_tokens_are_refused_to_deactivated_users(org):
    from django.core.exceptions import PermissionDenied

    from guanxi.accounts.services.tokens import token_issue

    services.user_deactivate(actor=org["admin"], user=org["manager2"])
    with pytest.raises(PermissionDenied):
        token_issue(user=User.objects.get(username="manager2"))
