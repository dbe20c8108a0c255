"""Repeated failed sign-ins lock out the (username, IP) pair, never the account itself.

Settings: 5 failures within the cool-off (15 minutes) pause that username from that address;
django-axes answers with the ``accounts/locked_out.html`` page and HTTP 429.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import LoginEvent

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


def client_from(ip: str) -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def attempt(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail_five_times(client: Client, username: str = "manager1") -> list:
    return [attempt(client, username, f"guess-{n}") for n in range(5)]


def test_the_configuration_is_five_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_still_allow_the_right_password(org):
    attacker = client_from(ATTACKER)
    for n in range(4):
        assert attempt(attacker, "manager1", f"guess-{n}").status_code == 200
    assert attempt(attacker, "manager1", "pw").status_code == 302


def test_five_failures_lock_that_address_out_for_that_user(org):
    attacker = client_from(ATTACKER)
    responses = fail_five_times(attacker)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    locked = attempt(attacker, "manager1", "pw")  # even the right password
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]
    html = locked.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "15 minutes" in html
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in attacker.session


def test_the_real_user_still_signs_in_from_another_address(org):
    fail_five_times(client_from(ATTACKER))
    office = client_from(OFFICE)
    response = attempt(office, "manager1", "pw")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert office.session["_auth_user_id"] == str(org["manager1"].pk)


def test_other_users_from_the_locked_address_are_not_affected(org):
    attacker = client_from(ATTACKER)
    fail_five_times(attacker)
    assert attempt(attacker, "manager2", "pw").status_code == 302


def test_the_lock_ends_after_the_cool_off(org):
    attacker = client_from(ATTACKER)
    fail_five_times(attacker)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16)
    )
    assert attempt(attacker, "manager1", "pw").status_code == 302


@pytest.mark.parametrize("username", ["manager1", "nobody"])
def test_every_failure_is_in_the_login_history(org, username):
    fail_five_times(client_from(ATTACKER), username)
    failures = LoginEvent.objects.filter(kind=LoginEvent.Kind.FAILED, username=username)
    assert failures.count() == 5
    assert set(failures.values_list("ip_address", flat=True)) == {ATTACKER}
