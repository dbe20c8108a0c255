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


def _granted(role: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_each_app_grants_the_roles_its_own_rights(db):
    supervisor = _granted(roles.SUPERVISOR)
    manager = _granted(roles.ACCOUNT_MANAGER)
    assistant = _granted(roles.SALES_ASSISTANT)
    assert {
        "sales.manage_catalogue",
        "sales.override_credit_hold",
        "service.assign_servicerequest",
        "analytics.view_reports",
        "collaboration.add_comment",
    } <= supervisor
    assert {"customers.delete_customer", "sales.add_order", "service.add_servicerequest"} <= manager
    assert manager.isdisjoint({"sales.override_credit_hold", "service.assign_servicerequest"})
    assert "service.view_servicerequest" in assistant
    assert assistant.isdisjoint({"analytics.view_reports", "service.add_servicerequest"})


def test_executives_only_read_and_never_administer_accounts(db):
    executive = _granted(roles.EXECUTIVE)
    assert {
        "customers.view_customer",
        "sales.view_order",
        "service.view_servicerequest",
    } <= executive
    # Reading, and taking out what they read (an export), but never a write — except the
    # evaluation of the CRM itself (TCO plans, ROI assessments, KPI baselines), which is the
    # management's own work (evaluation.rules).
    writes = {key for key in executive if not key.split(".")[1].startswith(("view_", "export_"))}
    assert writes == {
        f"evaluation.{action}_{model}"
        for action in ("add", "change", "delete")
        for model in ("tcoplan", "roiassessment", "baseline")
    }
    assert not any(key.startswith("accounts.view_loginevent") for key in executive)


def test_export_is_granted_to_those_who_work_customers_but_not_to_assistants(db):
    for role in (roles.EXECUTIVE, roles.SUPERVISOR, roles.ACCOUNT_MANAGER):
        assert "customers.export_customer" in _granted(role)
    assert "customers.export_customer" not in _granted(roles.SALES_ASSISTANT)


def test_only_administrators_search_the_access_log(db):
    assert "core.search_access_log" in _granted(roles.ADMINISTRATOR)
    for role in (roles.EXECUTIVE, roles.SUPERVISOR, roles.ACCOUNT_MANAGER, roles.SALES_ASSISTANT):
        assert "core.search_access_log" not in _granted(role)


def test_the_role_page_lists_only_guanxi_rights(db):
    from guanxi.accounts.selectors.users import role_permission_choices

    labels = set(role_permission_choices().values_list("content_type__app_label", flat=True))
    assert {"customers", "sales", "service", "analytics", "collaboration", "core"} <= labels
    assert labels.isdisjoint({"auth", "contenttypes", "sessions", "admin"})
