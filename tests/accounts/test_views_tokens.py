"""API tokens on the profile page and on an administrator's user page."""

from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import ApiToken
from guanxi.accounts.services.tokens import token_issue


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_profile_lists_the_own_tokens_and_revokes_one(org):
    mine, key = token_issue(user=org["manager1"], name="ERP sync")
    token_issue(user=org["manager2"], name="someone else's")
    client = browser(org["manager1"])
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "ERP sync" in page and key[:8] in page
    assert key not in page and "someone else" not in page
    response = client.post(reverse("accounts:token_revoke", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None


def test_nobody_revokes_another_users_token_from_the_page(org):
    theirs, _key = token_issue(user=org["manager2"])
    response = browser(org["manager1"]).post(reverse("accounts:token_revoke", args=[theirs.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_an_administrator_revokes_a_users_token_from_their_page(org):
    theirs, _key = token_issue(user=org["manager2"], name="phone app")
    client = browser(org["admin"])
    page = client.get(reverse("accounts:user_detail", args=[org["manager2"].pk]))
    assert "phone app" in page.content.decode()
    response = client.post(reverse("accounts:token_revoke", args=[theirs.pk]))
    assert response["Location"] == reverse("accounts:user_detail", args=[org["manager2"].pk])
    revoked = ApiToken.objects.get(pk=theirs.pk)
    assert revoked.revoked_because == ApiToken.RevokedBecause.ADMINISTRATOR
