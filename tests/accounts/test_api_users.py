"""Token sign-in (with the axes lockout), the current user, users and teams over the API."""

import pytest
from rest_framework.test import APIClient

from guanxi.accounts.models import ApiToken, Team, User
from guanxi.accounts.services.tokens import token_issue


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _token(client: APIClient, username: str, password: str):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


# --- token ------------------------------------------------------------------------------


def test_token_for_good_credentials_authenticates_later_calls(org):
    response = _token(APIClient(), "manager1", "pw")
    assert response.status_code == 201
    token = response.json()["token"]
    stored = ApiToken.objects.get(pk=response.json()["id"])
    assert stored.user == org["manager1"] and stored.digest != token  # only a digest is kept
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200 and me.json()["username"] == "manager1"


def test_wrong_password_is_401_in_the_error_format(org):
    response = _token(APIClient(), "manager1", "wrong")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert "token" not in response.json()


def test_missing_fields_are_named(org):
    response = APIClient().post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"username", "password"}


def test_bad_token_is_refused(org):
    client = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get("/api/me/").status_code == 401


def test_lockout_after_five_failures_applies_per_user_and_address(org):
    attacker = APIClient(REMOTE_ADDR="10.0.0.66")
    for _attempt in range(4):
        assert _token(attacker, "manager1", "wrong").status_code == 401
    # The fifth failure is the one that locks, so it may already answer 429.
    assert _token(attacker, "manager1", "wrong").status_code in {401, 429}
    locked = _token(attacker, "manager1", "pw")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "throttled"
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    assert "token" not in locked.json()
    # The real user, from their own address, is not locked out by the attacker.
    assert _token(APIClient(REMOTE_ADDR="10.0.0.7"), "manager1", "pw").status_code == 201


def test_deactivated_users_token_stops_working(org):
    _token_record, key = token_issue(user=org["manager2"])
    User.objects.filter(pk=org["manager2"].pk).update(is_active=False)
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/me/").status_code == 401


# --- me ---------------------------------------------------------------------------------


def test_me_describes_the_assistant(org):
    assistant = org["assistant"]
    body = api_as(assistant).get("/api/me/").json()
    assert body["id"] == assistant.pk
    assert body["username"] == "assistant"
    assert body["name"] == "周敏"
    assert body["email"] == "assistant@demo.guanxi.local"
    assert body["language"] == "zh-hans"
    assert body["roles"] == [{"name": "sales_assistant", "label": "销售内勤"}]
    team = assistant.team
    assert body["team"] == {"id": team.pk, "name": team.name, "path": team.path}
    assert [s["username"] for s in body["supports"]] == ["manager1"]


def test_me_role_labels_follow_the_users_language(org):
    admin = org["admin"]
    admin.language = "en"
    admin.save(update_fields=["language"])
    body = api_as(admin).get("/api/me/").json()
    assert body["roles"] == [{"name": "administrator", "label": "Administrator"}]
    assert body["team"] is None and body["supports"] == []


def test_me_requires_authentication(db):
    assert APIClient().get("/api/me/").status_code == 401


# --- users ------------------------------------------------------------------------------


def _usernames(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["username"] for row in response.json()["results"]}


def test_admin_and_executive_list_every_user(org):
    for username in ["admin", "exec"]:
        assert _usernames(api_as(org[username]).get("/api/users/")) == set(org)


def test_others_list_only_the_users_in_their_scope(org):
    assert _usernames(api_as(org["manager1"]).get("/api/users/")) == {"manager1"}
    assert _usernames(api_as(org["assistant"]).get("/api/users/")) == {"assistant", "manager1"}
    assert _usernames(api_as(org["supervisor"]).get("/api/users/")) == {
        "supervisor",
        "manager1",
        "manager2",
        "assistant",
    }


def test_user_outside_scope_is_404(org):
    client = api_as(org["manager1"])
    assert client.get(f"/api/users/{org['manager2'].pk}/").status_code == 404
    assert client.get(f"/api/users/{org['manager1'].pk}/").status_code == 200


def test_admin_creates_a_user_with_role_and_team(org):
    team = org["manager1"].team
    response = api_as(org["admin"]).post(
        "/api/users/",
        {
            "username": "newrep",
            "password": "S3cure-pass-word",
            "last_name": "孙",
            "first_name": "丽",
            "team": team.pk,
            "roles": ["account_manager"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "password" not in body
    assert body["name"] == "孙丽" and body["roles"] == ["account_manager"]
    user = User.objects.get(username="newrep")
    assert user.check_password("S3cure-pass-word") and user.team == team


def test_admin_user_create_reports_field_errors(org):
    response = api_as(org["admin"]).post(
        "/api/users/", {"username": "manager1", "password": "x", "roles": ["nope"]}, format="json"
    )
    assert response.status_code == 400
    assert {"username", "roles"} <= set(response.json()["error"]["fields"])


def test_admin_updates_and_deactivates_a_user(org):
    client = api_as(org["admin"])
    url = f"/api/users/{org['manager2'].pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"phone": "13800000000"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["phone"] == "+8613800000000"
    stale = client.patch(url, {"phone": "13900000000"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert client.patch(url, {"phone": "1"}, format="json").status_code == 428
    assert User.objects.get(pk=org["manager2"].pk).phone == "+8613800000000"
    assert client.delete(url).status_code == 204
    assert not User.objects.get(pk=org["manager2"].pk).is_active


def test_admin_cannot_deactivate_themselves(org):
    response = api_as(org["admin"]).delete(f"/api/users/{org['admin'].pk}/")
    assert response.status_code == 400
    assert "is_active" in response.json()["error"]["fields"]


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
def test_only_administrators_write_users(org, username):
    client = api_as(org[username])
    own = f"/api/users/{org[username].pk}/"
    assert client.post("/api/users/", {"username": "x", "password": "y"}).status_code == 403
    assert client.patch(own, {"phone": "1"}, format="json").status_code == 403
    assert client.delete(own).status_code == 403


def test_user_list_queries_do_not_grow_with_rows(org, django_assert_max_num_queries):
    for index in range(30):
        user = User.objects.create_user(username=f"bulk{index}", password="pw")
        user.groups.set(org["manager1"].groups.all())
        user.supports.set([org["manager1"]])
    client = api_as(org["admin"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/users/", {"page_size": 50})
    assert response.json()["count"] == 38


# --- teams ------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["assistant", "manager1", "exec"])
def test_everyone_reads_the_team_tree(org, username):
    response = api_as(org[username]).get("/api/teams/")
    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == {"销售部", "华东组", "华北组"}


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1"])
def test_only_administrators_write_teams(org, username):
    client = api_as(org[username])
    team = org["manager1"].team
    assert client.post("/api/teams/", {"name": "新组"}, format="json").status_code == 403
    response = client.patch(
        f"/api/teams/{team.pk}/", {"name": "改名"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 403


def test_admin_creates_and_moves_a_team(org):
    client = api_as(org["admin"])
    east = org["manager1"].team
    payload = {"name": "华南组", "parent": east.parent_id}
    created = client.post("/api/teams/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["path"] == f"{east.parent.path}{body['id']}/"
    moved = client.patch(
        f"/api/teams/{body['id']}/",
        {"parent": east.pk},
        format="json",
        HTTP_IF_MATCH=created.headers["ETag"],
    )
    assert moved.status_code == 200, moved.json()
    assert Team.objects.get(pk=body["id"]).path == f"{east.path}{body['id']}/"


def test_team_cannot_move_under_itself(org):
    east = org["manager1"].team
    response = api_as(org["admin"]).patch(
        f"/api/teams/{east.parent_id}/", {"parent": east.pk, "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_teams_have_no_delete(org):
    team = org["manager1"].team
    assert api_as(org["admin"]).delete(f"/api/teams/{team.pk}/").status_code == 405


def test_admin_reactivates_a_user(org):
    client = api_as(org["admin"])
    url = f"/api/users/{org['manager2'].pk}/"
    assert client.delete(url).status_code == 204
    response = client.post(f"{url}reactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is True
    assert User.objects.get(pk=org["manager2"].pk).is_active
    assert api_as(org["supervisor"]).post(f"{url}reactivate/").status_code == 403


def test_team_list_queries_do_not_grow_with_rows(org, django_assert_max_num_queries):
    from guanxi.accounts.services.users import team_create

    parent = Team.objects.get(name="销售部")
    for index in range(30):
        team_create(actor=org["admin"], name=f"第{index}组", parent=parent)
    client = api_as(org["manager1"])
    with django_assert_max_num_queries(6):
        response = client.get("/api/teams/", {"page_size": 50})
    assert response.json()["count"] == Team.objects.count() == 33
