"""POST /api/auth/token/ asks users with an authenticator app for its code (``otp``) and
refuses users whose role requires two-factor sign-in but who have not set it up."""

import pytest
from rest_framework.test import APIClient

from guanxi.accounts.models import LoginEvent
from tests.accounts.fixtures.mfa import code_for, enrolled_device

URL = "/api/auth/token/"


def token(data: dict, **extra):
    return APIClient(HTTP_ACCEPT_LANGUAGE="en", **extra).post(URL, data, format="json")


def test_the_code_is_required_once_an_app_is_set_up(org):
    enrolled_device(org["manager1"])

    response = token({"username": "manager1", "password": "pw"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["otp"]


def test_a_wrong_code_is_401_and_recorded(org):
    device = enrolled_device(org["manager1"])
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = token({"username": "manager1", "password": "pw", "otp": wrong})

    assert response.status_code == 401
    assert LoginEvent.objects.filter(kind=LoginEvent.Kind.FAILED_CODE).exists()


def test_the_right_code_issues_a_token_and_works_once(org):
    device = enrolled_device(org["manager1"])
    code = code_for(device)

    response = token({"username": "manager1", "password": "pw", "otp": code})
    assert response.status_code == 201
    assert response.json()["token"]

    assert token({"username": "manager1", "password": "pw", "otp": code}).status_code == 401


def test_a_user_without_an_app_needs_no_code(org):
    assert token({"username": "manager1", "password": "pw"}).status_code == 201


def test_a_role_that_requires_it_refuses_a_token_until_set_up_in_the_browser(org, settings):
    settings.GUANXI_MFA_REQUIRED_ROLES = ["administrator", "executive"]

    response = token({"username": "admin", "password": "pw"})

    assert response.status_code == 403
    assert "browser" in response.json()["error"]["message"]
    device = enrolled_device(org["admin"])
    issued = token({"username": "admin", "password": "pw", "otp": code_for(device)})
    assert issued.status_code == 201


@pytest.mark.parametrize("otp", ["", "   "])
def test_a_blank_code_names_the_otp_field(org, otp):
    enrolled_device(org["manager1"])

    response = token({"username": "manager1", "password": "pw", "otp": otp})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["otp"]
