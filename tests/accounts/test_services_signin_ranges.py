"""Sign-in address ranges: a CIDR list per role and per user (the user's replaces the roles'),
checked on the sign-in page and the token endpoint, refusals in the login history; the role and
user forms and the API edit them; ``break_glass`` lets a locked-out administrator back in."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from guanxi.accounts.models import LoginEvent, RoleSecurity, User
from guanxi.accounts.networks import address_in, normalise_networks, parse_networks
from guanxi.accounts.roles import ACCOUNT_MANAGER, ADMINISTRATOR
from guanxi.accounts.selectors import security as selectors
from guanxi.accounts.selectors.users import role_permission_choices
from guanxi.accounts.services import users as services
from tests.accounts.fixtures.mfa import enrolled_device

OFFICE = "198.51.100.10"
HOME_WIFI = "203.0.113.7"


def restrict_role(name: str, ranges: str) -> None:
    RoleSecurity.objects.update_or_create(
        group=Group.objects.get(name=name), defaults={"allowed_networks": ranges}
    )


def page_sign_in(address: str, username: str = "manager1"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    return client.post(reverse("accounts:login"), {"username": username, "password": "pw"})


def test_ranges_parse_one_per_line_and_name_the_bad_ones():
    assert normalise_networks("10.0.0.0/8\n\n 192.168.1.7/24 \n10.0.0.0/8") == (
        "10.0.0.0/8\n192.168.1.0/24"
    )
    assert address_in("10.2.3.4", parse_networks("10.0.0.0/8"))
    assert address_in("::ffff:10.2.3.4", parse_networks("10.0.0.0/8"))
    assert not address_in("11.0.0.1", parse_networks("10.0.0.0/8"))
    assert not address_in("", parse_networks("10.0.0.0/8"))
    with pytest.raises(ValidationError, match="office"):
        parse_networks("10.0.0.0/8\noffice")


def test_a_role_range_refuses_a_sign_in_from_elsewhere_and_records_it(org, english):
    restrict_role(ACCOUNT_MANAGER, "198.51.100.0/24")

    refused = page_sign_in(HOME_WIFI)

    assert refused.status_code == 200
    assert "You cannot sign in from this network address" in refused.content.decode()
    assert "_auth_user_id" not in refused.wsgi_request.session
    event = LoginEvent.objects.get(kind=LoginEvent.Kind.REFUSED_ADDRESS)
    assert (event.username, event.ip_address) == ("manager1", HOME_WIFI)
    assert page_sign_in(OFFICE).status_code == 302


def test_the_users_own_list_replaces_the_roles(org):
    restrict_role(ACCOUNT_MANAGER, "198.51.100.0/24")
    User.objects.filter(pk=org["manager1"].pk).update(allowed_networks="203.0.113.0/24")
    user = User.objects.get(pk=org["manager1"].pk)

    assert selectors.address_allowed(user, HOME_WIFI)
    assert not selectors.address_allowed(user, OFFICE)


def test_a_role_without_ranges_leaves_its_members_unrestricted(org):
    user = org["assistant"]
    user.groups.add(Group.objects.get(name=ACCOUNT_MANAGER))
    restrict_role(ACCOUNT_MANAGER, "198.51.100.0/24")

    assert selectors.address_allowed(user, HOME_WIFI)


def test_the_token_endpoint_checks_the_ranges_too(org, english):
    restrict_role(ACCOUNT_MANAGER, "198.51.100.0/24")

    refused = APIClient(REMOTE_ADDR=HOME_WIFI, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/auth/token/", {"username": "manager1", "password": "pw"}, format="json"
    )
    allowed = APIClient(REMOTE_ADDR=OFFICE).post(
        "/api/auth/token/", {"username": "manager1", "password": "pw"}, format="json"
    )

    assert refused.status_code == 403
    assert "network address" in refused.json()["error"]["message"]
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.REFUSED_ADDRESS).count() == 1
    assert allowed.status_code == 201


def test_the_ranges_use_the_address_behind_a_trusted_proxy(org, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    restrict_role(ACCOUNT_MANAGER, "198.51.100.0/24")
    client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=OFFICE)

    response = client.post(reverse("accounts:login"), {"username": "manager1", "password": "pw"})

    assert response.status_code == 302


def test_a_session_signed_in_elsewhere_from_outside_the_ranges_is_ended(org, english):
    restrict_role(ADMINISTRATOR, "198.51.100.0/24")
    client = Client(REMOTE_ADDR=HOME_WIFI, HTTP_ACCEPT_LANGUAGE="en")
    client.post("/django-admin/login/", {"username": "admin", "password": "pw"})

    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_role_form_edits_the_ranges_and_names_a_bad_line(org, english, login):
    role = Group.objects.get(name=ACCOUNT_MANAGER)
    url = reverse("accounts:role_edit", args=[role.pk])
    client = login("admin")
    # What the role editor offers (audit-history and bookkeeping rights are kept, not shown).
    permissions = list(
        role.permissions.filter(pk__in=role_permission_choices()).values_list("pk", flat=True)
    )

    bad = client.post(
        url, {"name": role.name, "permissions": permissions, "allowed_networks": "10.0.0.0/8\nx"}
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["allowed_networks"]
    assert not RoleSecurity.objects.filter(group=role).exists()

    good = client.post(
        url, {"name": role.name, "permissions": permissions, "allowed_networks": "10.1.2.3/8"}
    )
    assert good.status_code == 302
    assert RoleSecurity.objects.get(group=role).allowed_networks == "10.0.0.0/8"


def test_the_user_form_edits_the_ranges_and_names_a_bad_line(org, english, login):
    user = org["manager1"]
    url = reverse("accounts:user_edit", args=[user.pk])
    client = login("admin")
    page = client.get(url)
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["team"] = user.team_id
    data["roles"] = [g.pk for g in data["roles"]]
    data["supports"] = []

    bad = client.post(url, data | {"allowed_networks": "300.1.1.1"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["allowed_networks"]

    good = client.post(url, data | {"allowed_networks": "198.51.100.0/24"})
    assert good.status_code == 302, good.content[:300]
    assert User.objects.get(pk=user.pk).allowed_networks == "198.51.100.0/24"


def test_the_api_edits_a_users_ranges_and_names_the_field(org, api):
    client = api("admin", language="en")
    url = f"/api/users/{org['manager1'].pk}/"

    bad = client.patch(
        url, {"allowed_networks": "10.0.0.0/33", "version": org["manager1"].version}, format="json"
    )
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["allowed_networks"]

    good = client.patch(
        url,
        {"allowed_networks": "10.0.0.0/8\n192.168.0.0/16", "version": org["manager1"].version},
        format="json",
    )
    assert good.status_code == 200
    assert good.json()["allowed_networks"] == "10.0.0.0/8\n192.168.0.0/16"


def test_the_service_names_the_field_of_a_bad_range(org):
    with pytest.raises(ValidationError) as error:
        services.user_update(actor=org["admin"], user=org["manager1"], allowed_networks="nope")
    assert "allowed_networks" in error.value.message_dict


def test_break_glass_lets_a_locked_out_administrator_in_again(org, english):
    restrict_role(ADMINISTRATOR, "198.51.100.0/24")
    enrolled_device(org["admin"])
    assert page_sign_in(HOME_WIFI, "admin").status_code == 200

    call_command("break_glass", "admin", "--remove-two-factor")

    assert page_sign_in(HOME_WIFI, "admin").status_code == 302
    assert not TOTPDevice.objects.filter(user=org["admin"]).exists()
    history = User.history.filter(id=org["admin"].pk).latest("history_date")
    assert history.allowed_networks == "0.0.0.0/0\n::/0"


def test_break_glass_can_allow_one_range_only(org):
    call_command("break_glass", "admin", "--from", "203.0.113.0/24")

    assert User.objects.get(pk=org["admin"].pk).allowed_networks == "203.0.113.0/24"


def _signed_in(username: str, address: str = OFFICE) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    assert (
        client.post(reverse("accounts:login"), {"username": username, "password": "pw"}).status_code
        == 302
    )
    return client


def _run_queued_session_ends() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    from guanxi.accounts.tasks import end_user_sessions

    queued = DBTaskResult.objects.filter(task_path="guanxi.accounts.tasks.end_user_sessions")
    ended = []
    for job in queued:
        end_user_sessions.call(**job.args_kwargs["kwargs"])
        ended.append(User.objects.get(pk=job.args_kwargs["kwargs"]["user_id"]).username)
    return sorted(ended)


def test_stricter_role_ranges_end_the_open_sessions_of_its_members(
    org, english, django_capture_on_commit_callbacks
):
    from guanxi.accounts.models import ApiToken
    from guanxi.accounts.services.tokens import token_issue

    manager = _signed_in("manager1", HOME_WIFI)
    token, _plain = token_issue(user=org["manager1"])
    role = Group.objects.get(name=ACCOUNT_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        services.role_save(
            actor=org["admin"],
            role=role,
            name=role.name,
            permissions=role.permissions.all(),
            allowed_networks="198.51.100.0/24",
        )
    ended = _run_queued_session_ends()

    assert "manager1" in ended and "admin" not in ended
    assert manager.get(reverse("core:home")).status_code == 302  # signed out
    token.refresh_from_db()
    assert token.revoked_because == ApiToken.RevokedBecause.SIGN_IN_RULES
    refused = page_sign_in(HOME_WIFI)
    assert "You cannot sign in from this network address" in refused.content.decode()


def test_unchanged_rules_leave_sessions_alone(org, english, django_capture_on_commit_callbacks):
    manager = _signed_in("manager1")
    role = Group.objects.get(name=ACCOUNT_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        services.role_save(
            actor=org["admin"], role=role, name=role.name, permissions=role.permissions.all()
        )
        services.role_save(
            actor=org["admin"],
            role=role,
            name=role.name,
            permissions=role.permissions.all(),
            mfa_required=False,
        )
    assert _run_queued_session_ends() == []
    assert manager.get(reverse("core:home")).status_code == 200


def test_a_user_given_ranges_or_a_new_role_is_signed_out_everywhere(
    org, english, django_capture_on_commit_callbacks
):
    _signed_in("manager2")
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(
            actor=org["admin"], user=org["manager2"], allowed_networks="198.51.100.0/24"
        )
        services.user_update(
            actor=org["admin"],
            user=org["manager3"],
            roles=[*org["manager3"].groups.all(), Group.objects.get(name=ADMINISTRATOR)],
        )
    assert _run_queued_session_ends() == ["manager2", "manager3"]
