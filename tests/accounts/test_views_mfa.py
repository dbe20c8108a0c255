"""Two-factor sign-in on the pages: the code step after the password, enrolment with a QR code
and recovery codes, roles that require it, and the profile's set up / new codes / remove."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from guanxi.accounts.models import LoginEvent, RoleSecurity
from guanxi.accounts.roles import ACCOUNT_MANAGER
from guanxi.accounts.selectors import security as selectors
from guanxi.accounts.selectors.security import SIGNIN_STATE_KEY
from guanxi.accounts.selectors.users import role_permission_choices
from tests.accounts.fixtures.mfa import code_for, enrolled_device

PASSWORD = "pw"
HOME = reverse("core:home")
VERIFY = reverse("accounts:mfa_verify")
ENROL = reverse("accounts:mfa_enrol")
PROFILE = reverse("accounts:profile")


@pytest.fixture
def mfa_roles(settings):
    """The production default: administrators and executives must use two-factor sign-in."""
    settings.GUANXI_MFA_REQUIRED_ROLES = ["administrator", "executive"]


def sign_in(username: str, next_url: str = "") -> tuple[Client, object]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client, client.post(reverse("accounts:login"), data)


def test_a_user_with_an_app_is_asked_for_the_code_before_any_page(org, english):
    device = enrolled_device(org["manager1"])
    client, response = sign_in("manager1", next_url=reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert client.get("/api/me/").status_code == 403

    response = client.post(VERIFY, {"code": code_for(device), "next": PROFILE})
    assert response.status_code == 302 and response["Location"] == PROFILE
    assert client.get(HOME).status_code == 200
    assert SIGNIN_STATE_KEY not in client.session


def test_a_wrong_code_is_refused_and_recorded(org, english):
    device = enrolled_device(org["manager1"])
    client, _response = sign_in("manager1")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 400
    assert "This code is not right" in response.content.decode()
    assert client.get(HOME)["Location"].startswith(VERIFY)
    assert LoginEvent.objects.filter(
        user=org["manager1"], kind=LoginEvent.Kind.FAILED_CODE
    ).exists()


def test_a_code_works_only_once(org, english):
    device = enrolled_device(org["manager1"])
    code = code_for(device)
    first, _response = sign_in("manager1")
    assert first.post(VERIFY, {"code": code}).status_code == 302

    second, _response = sign_in("manager1")
    assert second.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_signs_in_once(org, english):
    user = org["manager1"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    TOTPDevice.objects.filter(user=user).delete()
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post(ENROL, {"code": code_for(device)})
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page.content.decode())
    assert len(codes) == 10

    client, _response = sign_in("manager1")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    again, _response = sign_in("manager1")
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert selectors.recovery_codes_left(user) == 9


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_real_code(org, english):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org["manager1"])

    page = client.get(ENROL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="mfa-qr"' in html
    device = TOTPDevice.objects.get(user=org["manager1"], confirmed=False)
    secret = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', html)
    assert secret is not None
    # A reload shows the same secret: the phone that scanned it still matches.
    assert f">{secret.group(1)}<" in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user=org["manager1"]).count() == 1

    wrong = client.post(ENROL, {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert not selectors.has_confirmed_device(org["manager1"])

    done = client.post(ENROL, {"code": code_for(device)})
    assert done.status_code == 200
    assert 'data-testid="recovery-codes"' in done.content.decode()
    assert selectors.has_confirmed_device(org["manager1"])
    assert StaticToken.objects.filter(device__user=org["manager1"]).count() == 10


def test_a_role_that_requires_it_sends_a_user_without_an_app_to_enrolment(org, english, mfa_roles):
    client, response = sign_in("admin", next_url=PROFILE)

    assert response["Location"].startswith(ENROL)
    # No other page until it is set up; signing out still works.
    assert client.get(HOME)["Location"].startswith(ENROL)
    assert client.get(reverse("accounts:user_list"))["Location"].startswith(ENROL)
    assert client.get(ENROL).status_code == 200

    device = TOTPDevice.objects.get(user=org["admin"], confirmed=False)
    assert client.post(ENROL, {"code": code_for(device), "next": PROFILE}).status_code == 200
    assert client.get(HOME).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_by_default_only_administrators_and_executives_must_use_it(org, mfa_roles):
    assert selectors.mfa_required(org["admin"])
    assert selectors.mfa_required(org["exec"])
    assert not selectors.mfa_required(org["manager1"])


def test_the_test_suite_and_the_demo_default_requires_it_of_no_role(org):
    assert not selectors.mfa_required(org["admin"])


def test_an_administrator_requires_it_for_a_role_on_the_role_form(org, english, login):
    role = Group.objects.get(name=ACCOUNT_MANAGER)
    client = login("admin")
    page = client.get(reverse("accounts:role_edit", args=[role.pk]))
    assert 'name="mfa_required"' in page.content.decode()
    # What the role editor offers (audit-history and bookkeeping rights are kept, not shown).
    permissions = list(
        role.permissions.filter(pk__in=role_permission_choices()).values_list("pk", flat=True)
    )

    response = client.post(
        reverse("accounts:role_edit", args=[role.pk]),
        {"name": role.name, "permissions": permissions, "mfa_required": "on"},
    )

    assert response.status_code == 302
    assert RoleSecurity.objects.get(group=role).mfa_required is True
    assert selectors.mfa_required(org["manager1"])
    _client, signed = sign_in("manager1")
    assert signed["Location"].startswith(ENROL)


def test_an_administrator_can_lift_the_default_for_a_role(org, mfa_roles):
    role = Group.objects.get(name="executive")
    RoleSecurity.objects.create(group=role, mfa_required=False)
    assert not selectors.mfa_required(org["exec"])


def test_the_profile_shows_the_state_and_offers_new_codes_and_removal(org, english, login):
    client = login("manager1")
    assert "Set up" in client.get(PROFILE).content.decode()

    enrolled_device(org["manager1"])
    html = client.get(PROFILE).content.decode()
    assert "New recovery codes" in html and reverse("accounts:mfa_remove") in html

    renewed = client.post(reverse("accounts:mfa_recovery_codes"))
    assert renewed.status_code == 200
    assert selectors.recovery_codes_left(org["manager1"]) == 10

    removed = client.post(reverse("accounts:mfa_remove"))
    assert removed.status_code == 302
    assert not selectors.has_confirmed_device(org["manager1"])
    assert selectors.recovery_codes_left(org["manager1"]) == 0


def test_removal_is_refused_when_the_role_requires_it(org, english, mfa_roles):
    device = enrolled_device(org["admin"])
    client, _response = sign_in("admin")
    client.post(VERIFY, {"code": code_for(device)})

    assert reverse("accounts:mfa_remove") not in client.get(PROFILE).content.decode()
    response = client.post(reverse("accounts:mfa_remove"), follow=True)

    assert "cannot be removed" in response.content.decode()
    assert selectors.has_confirmed_device(org["admin"])


def test_django_admin_sign_in_cannot_skip_the_code(org, english):
    enrolled_device(org["admin"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/django-admin/login/", {"username": "admin", "password": PASSWORD})

    assert client.get("/django-admin/")["Location"].startswith(VERIFY)
