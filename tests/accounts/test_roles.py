"""Built-in roles are seeded permission sets that administrators may edit for good."""

from django.contrib.auth.models import Group, Permission

from guanxi.accounts import roles
from guanxi.accounts.roles import sync_builtin_roles


def test_the_five_roles_exist_with_their_scope_permissions(db):
    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ROLE_LABELS) <= names
    assert (
        Group.objects.get(name=roles.EXECUTIVE)
        .permissions.filter(codename="view_all_records")
        .exists()
    )
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    assert supervisor.permissions.filter(codename="view_team_records").exists()
    manager = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    assert not manager.permissions.filter(
        codename__in=["view_team_records", "view_all_records"]
    ).exists()
    assistant = Group.objects.get(name=roles.SALES_ASSISTANT)
    assert not assistant.permissions.filter(codename="delete_customer").exists()


def test_a_removed_default_stays_removed_after_the_next_migrate(db):
    manager = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    delete = Permission.objects.get(codename="delete_customer")
    manager.permissions.remove(delete)
    sync_builtin_roles()
    assert not manager.permissions.filter(pk=delete.pk).exists()


def test_a_deleted_role_is_recreated_with_its_defaults(db):
    Group.objects.filter(name=roles.SALES_ASSISTANT).delete()
    sync_builtin_roles()
    assistant = Group.objects.get(name=roles.SALES_ASSISTANT)
    assert assistant.permissions.filter(codename="add_customer").exists()
