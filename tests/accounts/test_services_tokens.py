"""API tokens expire, can be listed and revoked, and end with the credentials they came from."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from guanxi.accounts import roles
from guanxi.accounts.models import ApiToken, User
from guanxi.accounts.services import users as user_services
from guanxi.accounts.services.tokens import token_issue
from tests.conftest import DEMO_PASSWORD


def calls_with(key: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def works(key: str) -> bool:
    return calls_with(key).get("/api/me/").status_code == 200


def test_each_token_request_issues_a_new_token(org):
    first = APIClient().post(
        "/api/auth/token/", {"username": "manager1", "password": DEMO_PASSWORD}, format="json"
    )
    second = APIClient().post(
        "/api/auth/token/",
        {"username": "manager1", "password": DEMO_PASSWORD, "name": "ERP sync"},
        format="json",
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] != second.json()["token"]
    assert works(first.json()["token"]) and works(second.json()["token"])
    assert ApiToken.objects.get(pk=second.json()["id"]).name == "ERP sync"


def test_a_token_expires_after_the_configured_days(org, settings):
    settings.GUANXI = {**settings.GUANXI, "API_TOKEN_DAYS": 30}
    token, key = token_issue(user=org["manager1"])
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert works(key)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = calls_with(key).get("/api/me/")
    assert response.status_code == 401


def test_changing_the_own_password_revokes_the_tokens(org):
    _token, key = token_issue(user=org["manager1"])
    browser = Client()
    browser.force_login(org["manager1"])
    response = browser.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    assert not works(key)
    assert ApiToken.objects.get().revoked_because == ApiToken.RevokedBecause.PASSWORD_CHANGED


def test_an_administrator_setting_a_password_revokes_the_tokens(org):
    _token, key = token_issue(user=org["manager2"])
    user_services.user_set_password(
        actor=org["admin"], user=org["manager2"], password="another-long-passphrase"
    )
    assert not works(key)


def test_a_password_changed_on_the_command_line_revokes_the_tokens(org):
    _token, key = token_issue(user=org["manager2"])
    user = User.objects.get(username="manager2")
    user.set_password("third-long-passphrase")
    user.save()  # what Django's admin and ``manage changepassword`` do
    assert not works(key)


def test_taking_a_role_away_revokes_the_tokens_but_adding_one_does_not(org):
    _token, key = token_issue(user=org["supervisor"])
    supervisor = User.objects.get(username="supervisor")
    supervisor.groups.add(Group.objects.get(name=roles.EXECUTIVE))
    assert works(key)
    supervisor.groups.remove(Group.objects.get(name=roles.EXECUTIVE))
    assert not works(key)
    _token, key = token_issue(user=org["supervisor"])
    Group.objects.get(name=roles.SUPERVISOR).user_set.remove(supervisor)
    assert not works(key)


def test_a_sign_in_does_not_revoke_tokens(org):
    _token, key = token_issue(user=org["manager1"])
    assert (
        Client()
        .post(reverse("accounts:login"), {"username": "manager1", "password": DEMO_PASSWORD})
        .status_code
        == 302
    )
    assert works(key)


def test_users_list_and_revoke_their_own_tokens_only(org):
    mine, key = token_issue(user=org["manager1"], name="laptop")
    theirs, their_key = token_issue(user=org["manager2"])
    client = calls_with(key)
    listed = client.get("/api/auth/tokens/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert listed[0]["name"] == "laptop" and listed[0]["prefix"] == key[:8]
    assert "digest" not in listed[0] and key not in str(listed)
    assert client.delete(f"/api/auth/tokens/{theirs.pk}/").status_code == 404
    assert works(their_key)
    assert client.delete(f"/api/auth/tokens/{mine.pk}/").status_code == 204
    assert not works(key)
    assert ApiToken.objects.get(pk=mine.pk).revoked_because == ApiToken.RevokedBecause.OWNER


def test_administrators_list_and_revoke_anyones_tokens(org):
    theirs, their_key = token_issue(user=org["manager2"])
    admin = APIClient()
    admin.force_authenticate(org["admin"])
    listed = admin.get("/api/auth/tokens/", {"user": org["manager2"].pk}).json()["results"]
    assert [row["id"] for row in listed] == [theirs.pk]
    assert admin.get("/api/auth/tokens/", {"user": "x"}).status_code == 400
    assert admin.delete(f"/api/auth/tokens/{theirs.pk}/").status_code == 204
    assert not works(their_key)
    revoked = ApiToken.objects.get(pk=theirs.pk)
    assert revoked.revoked_because == ApiToken.RevokedBecause.ADMINISTRATOR


def test_the_token_list_costs_the_same_queries_for_more_tokens(org, django_assert_max_num_queries):
    admin = APIClient()
    admin.force_authenticate(org["admin"])
    token_issue(user=org["manager1"])
    with django_assert_max_num_queries(5) as few:  # 4, and the planner's estimate on PostgreSQL
        admin.get("/api/auth/tokens/")
    for _n in range(5):
        token_issue(user=org["manager2"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(admin.get("/api/auth/tokens/").json()["results"]) == 6


# --- passwords set anywhere pass the validators ------------------------------------------


def test_the_api_refuses_a_short_password_for_a_new_user(org):
    admin = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    admin.force_authenticate(org["admin"])
    response = admin.post(
        "/api/users/", {"username": "newbie", "password": "short1!"}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert not User.objects.filter(username="newbie").exists()
    good = admin.post(
        "/api/users/", {"username": "newbie", "password": "long-enough-words"}, format="json"
    )
    assert good.status_code == 201


def test_a_password_like_the_user_name_is_refused(org):
    with pytest.raises(Exception) as refused:
        user_services.user_create(
            actor=org["admin"], username="zhangwei2026", password="zhangwei2026"
        )
    assert "password" in refused.value.message_dict


def test_createsuperuser_without_input_checks_the_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "12345")
    with translation.override("en"), pytest.raises(CommandError, match="(?i)password"):
        call_command(
            "createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.com"
        )
    assert not User.objects.filter(username="root2").exists()
