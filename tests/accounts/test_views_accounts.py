"""The accounts pages: sign-in/out, own profile and language, and user/team/role administration."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts import roles
from guanxi.accounts.models import ApiToken, LoginEvent, Team, User
from guanxi.accounts.services import users as services
from guanxi.accounts.services.tokens import token_issue

DEMO_PASSWORD = "pw"  # the conftest org fixture's password


@pytest.fixture
def en(org):
    """The demo users read English, so assertions do not depend on the catalogue's state."""
    User.objects.update(language="en")
    for user in org.values():
        user.language = "en"
    return org


@pytest.fixture
def as_user(en):
    def _as(username: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(en[username])
        return client

    return _as


@pytest.fixture
def admin_client(as_user) -> Client:
    return as_user("admin")


def anonymous() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def sign_in(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


# --- sign-in, sign-out, own password and language ------------------------------------------


def test_login_page_stands_alone_with_standard_inputs_and_language_switcher(en):
    response = anonymous().get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert 'type="submit"' in html
    assert 'data-testid="language-switcher"' in html
    assert 'class="mainnav"' not in html
    assert reverse("accounts:profile") not in html


def test_login_page_speaks_chinese_by_default(org):
    html = Client().get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'name="username"' in html


def test_login_redirects_home_and_records_the_event(en):
    client = Client(REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="TestBrowser/1.0")
    response = sign_in(client, "manager1")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    event = LoginEvent.objects.get(user=en["manager1"], kind=LoginEvent.Kind.LOGIN)
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.session_key == client.session.session_key


def test_failed_login_shows_an_error_and_is_recorded(en):
    client = Client(REMOTE_ADDR="10.1.2.4", HTTP_ACCEPT_LANGUAGE="en")
    response = sign_in(client, "manager1", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = LoginEvent.objects.get(kind=LoginEvent.Kind.FAILED)
    assert event.username == "manager1"
    assert event.ip_address == "10.1.2.4"


def test_login_follows_a_safe_next(en):
    client = anonymous()
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/profile/",
        {"username": "manager1", "password": "pw", "next": "/accounts/profile/"},
    )
    assert response["Location"] == "/accounts/profile/"


def test_logout_is_post_only_and_ends_the_session(en):
    client = anonymous()
    sign_in(client, "manager1")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 302
    assert profile["Location"].startswith(reverse("accounts:login"))
    assert LoginEvent.objects.filter(user=en["manager1"], kind=LoginEvent.Kind.LOGOUT).exists()


def test_password_change_needs_the_old_password_and_keeps_the_user_signed_in(en):
    client = anonymous()
    sign_in(client, "manager1")
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {
            "old_password": "nope",
            "new_password1": "Tiger-lily-42",
            "new_password2": "Tiger-lily-42",
        },
    )
    assert "old_password" in wrong.context["form"].errors
    weak = client.post(
        url, {"old_password": "pw", "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert "new_password2" in weak.context["form"].errors
    response = client.post(
        url,
        {"old_password": "pw", "new_password1": "Tiger-lily-42", "new_password2": "Tiger-lily-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200
    en["manager1"].refresh_from_db()
    assert en["manager1"].check_password("Tiger-lily-42")


def test_set_language_saves_it_on_the_user_and_in_the_cookie(as_user, en):
    client = as_user("manager1")
    response = client.post(
        reverse("accounts:set_language"), {"language": "zh-hans", "next": "/accounts/profile/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert response.cookies["guanxi_language"].value == "zh-hans"
    en["manager1"].refresh_from_db()
    assert en["manager1"].language == "zh-hans"
    page = client.get(reverse("accounts:profile"))
    assert '<html lang="zh-hans">' in page.content.decode()


def test_set_language_for_an_anonymous_visitor_sets_only_the_cookie(en):
    client = anonymous()
    response = client.post(
        reverse("accounts:set_language"), {"language": "zh-hans", "next": reverse("accounts:login")}
    )
    assert response["Location"] == reverse("accounts:login")
    assert response.cookies["guanxi_language"].value == "zh-hans"
    page = client.get(reverse("accounts:login"))
    assert '<html lang="zh-hans">' in page.content.decode()
    assert User.objects.filter(language="zh-hans").count() == 0


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/x", ""])
def test_set_language_never_redirects_off_site(as_user, unsafe):
    response = as_user("manager1").post(
        reverse("accounts:set_language"), {"language": "en", "next": unsafe}
    )
    assert response["Location"] == reverse("core:home")


def test_set_language_refuses_an_unknown_language(as_user, en):
    client = as_user("manager1")
    response = client.post(
        reverse("accounts:set_language"),
        {"language": "xx", "next": "/accounts/profile/"},
        follow=True,
    )
    assert "Choose one of the offered languages." in response.content.decode()
    en["manager1"].refresh_from_db()
    assert en["manager1"].language == "en"


def test_set_language_is_post_only(as_user):
    assert as_user("manager1").get(reverse("accounts:set_language")).status_code == 405


def test_profile_shows_own_details_roles_team_and_login_history(en):
    client = Client(REMOTE_ADDR="192.0.2.77", HTTP_ACCEPT_LANGUAGE="en")
    sign_in(client, "manager1")
    response = client.get(reverse("accounts:profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "manager1" in html and "张伟" in html
    assert "Account manager" in html
    assert "华东组" in html
    assert "192.0.2.77" in html
    assert "Signed in" in html
    assert 'name="language"' in html


def test_profile_login_history_is_paginated_and_only_own(en, as_user):
    now = timezone.now()
    LoginEvent.objects.bulk_create(
        [
            LoginEvent(
                user=en["manager1"],
                username="manager1",
                kind=LoginEvent.Kind.LOGIN,
                at=now - timedelta(minutes=i),
                ip_address=f"198.51.100.{i}",
            )
            for i in range(30)
        ]
    )
    LoginEvent.objects.create(
        user=en["manager2"],
        username="manager2",
        kind=LoginEvent.Kind.LOGIN,
        ip_address="203.0.113.9",
    )
    client = as_user("manager1")
    first = client.get(reverse("accounts:profile")).content.decode()
    assert "198.51.100.0<" in first and "198.51.100.29<" not in first
    assert "203.0.113.9" not in first
    assert "?page=2" in first
    second = client.get(reverse("accounts:profile") + "?page=2").content.decode()
    assert "198.51.100.29<" in second


def test_profile_needs_a_signed_in_user(en):
    response = anonymous().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- who may administer ----------------------------------------------------------------------

ADMIN_PAGES = [
    ("accounts:user_list", False),
    ("accounts:user_create", False),
    ("accounts:user_detail", True),
    ("accounts:user_edit", True),
    ("accounts:user_set_password", True),
    ("accounts:team_list", False),
    ("accounts:team_create", False),
    ("accounts:team_edit", "team"),
    ("accounts:role_list", False),
    ("accounts:role_create", False),
    ("accounts:role_edit", "role"),
]


def _admin_url(name, needs, org):
    if needs is True:
        return reverse(name, args=[org["manager1"].pk])
    if needs == "team":
        return reverse(name, args=[org["manager1"].team_id])
    if needs == "role":
        return reverse(name, args=[Group.objects.get(name=roles.ACCOUNT_MANAGER).pk])
    return reverse(name)


@pytest.mark.parametrize(("name", "needs"), ADMIN_PAGES)
def test_administrators_open_every_admin_page(admin_client, en, name, needs):
    response = admin_client.get(_admin_url(name, needs, en))
    assert response.status_code == 200
    expected_nav = name.split(":")[1].split("_")[0] + "s"
    assert response.context["active_nav"] == expected_nav


@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1", "assistant"])
@pytest.mark.parametrize(("name", "needs"), ADMIN_PAGES)
def test_other_roles_are_refused_the_admin_pages(as_user, en, username, name, needs):
    assert as_user(username).get(_admin_url(name, needs, en)).status_code == 403


@pytest.mark.parametrize("name", ["accounts:user_deactivate", "accounts:user_reactivate"])
@pytest.mark.parametrize("username", ["exec", "supervisor", "manager1"])
def test_other_roles_cannot_deactivate_or_reactivate(as_user, en, username, name):
    target = en["manager2"]
    assert as_user(username).post(reverse(name, args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.is_active


def test_anonymous_visitors_are_sent_to_sign_in(en):
    response = anonymous().get(reverse("accounts:user_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_user_team_or_role_is_404(admin_client):
    assert admin_client.get(reverse("accounts:user_detail", args=[999999])).status_code == 404
    assert admin_client.get(reverse("accounts:team_edit", args=[999999])).status_code == 404
    assert admin_client.get(reverse("accounts:role_edit", args=[999999])).status_code == 404


# --- users -----------------------------------------------------------------------------------


def _usernames(response) -> list[str]:
    return [user.username for user in response.context["page"].object_list]


def test_user_list_searches_username_and_chinese_name(admin_client):
    url = reverse("accounts:user_list")
    assert _usernames(admin_client.get(url, {"q": "manager"})) == [
        "manager1",
        "manager2",
        "manager3",
    ]
    assert _usernames(admin_client.get(url, {"q": "张伟"})) == ["manager1"]
    page = admin_client.get(url, {"q": "张伟"}).content.decode()
    assert "Account manager" in page and "华东组" in page


def test_user_list_filters_by_team_subtree_role_and_state(admin_client, en):
    url = reverse("accounts:user_list")
    sales = Team.objects.get(name="销售部")
    east = en["manager1"].team
    assert _usernames(admin_client.get(url, {"team": east.pk})) == [
        "assistant",
        "manager1",
        "manager2",
        "supervisor",
    ]
    assert len(_usernames(admin_client.get(url, {"team": sales.pk}))) == 6
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    assert _usernames(admin_client.get(url, {"role": supervisor.pk})) == [
        "supervisor",
        "supervisor2",
    ]
    User.objects.filter(username="manager3").update(is_active=False)
    assert _usernames(admin_client.get(url, {"active": "no"})) == ["manager3"]
    assert "manager3" not in _usernames(admin_client.get(url, {"active": "yes"}))


def test_user_list_is_paginated_with_filters_kept(admin_client):
    for i in range(30):
        User.objects.create(username=f"bulk{i:02d}")
    response = admin_client.get(reverse("accounts:user_list"), {"q": "bulk"})
    assert len(response.context["page"].object_list) == 25
    assert "q=bulk&amp;page=2" in response.content.decode()
    second = admin_client.get(reverse("accounts:user_list"), {"q": "bulk", "page": 2})
    assert _usernames(second) == [f"bulk{i:02d}" for i in range(25, 30)]


def test_user_list_query_count_does_not_grow_with_users(
    admin_client, django_assert_max_num_queries
):
    manager = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    east = Team.objects.get(name="华东组")
    for i in range(40):
        user = User.objects.create(username=f"bulk{i:02d}", team=east)
        user.groups.add(manager)
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("accounts:user_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def _user_data(**overrides) -> dict:
    data = {
        "username": "newrep",
        "last_name": "孙",
        "first_name": "丽",
        "email": "sun@example.com",
        "phone": "13800138000",
        "language": "zh-hans",
        "team": "",
        "roles": [],
        "supports": [],
        "password1": "Plum-blossom-88",
        "password2": "Plum-blossom-88",
    }
    data.update(overrides)
    return data


def test_user_create_makes_an_assistant_supporting_chosen_managers(admin_client, en):
    assistant_role = Group.objects.get(name=roles.SALES_ASSISTANT)
    east = en["manager1"].team
    response = admin_client.post(
        reverse("accounts:user_create"),
        _user_data(
            team=east.pk,
            roles=[assistant_role.pk],
            supports=[en["manager1"].pk, en["manager2"].pk],
        ),
    )
    user = User.objects.get(username="newrep")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.team == east
    assert user.phone == "+8613800138000"  # stored in E.164
    assert list(user.groups.all()) == [assistant_role]
    assert set(user.supports.all()) == {en["manager1"], en["manager2"]}
    assert user.check_password("Plum-blossom-88")
    assert user.history.first().history_user == en["admin"]
    detail = admin_client.get(response["Location"]).content.decode()
    assert "Sales assistant" in detail and "张伟" in detail and "刘洋" in detail


def test_user_create_offers_only_account_managers_to_support(admin_client, en):
    form = admin_client.get(reverse("accounts:user_create")).context["form"]
    offered = set(form.fields["supports"].queryset.values_list("username", flat=True))
    assert offered == {"manager1", "manager2", "manager3"}


def test_user_create_names_the_duplicate_username_field(admin_client):
    response = admin_client.post(reverse("accounts:user_create"), _user_data(username="manager1"))
    assert response.status_code == 200
    assert (
        "A user with that username already exists." in response.context["form"].errors["username"]
    )
    assert User.objects.filter(username="manager1").count() == 1


def test_user_create_shows_the_duplicate_username_with_the_password_errors(admin_client):
    response = admin_client.post(
        reverse("accounts:user_create"),
        _user_data(username="manager1", password1="1", password2="1"),
    )
    errors = response.context["form"].errors
    assert "A user with that username already exists." in errors["username"]
    assert "password1" in errors


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc", "This password is too short."),
        ("password123", "This password is too common."),
        ("83749271", "This password is entirely numeric."),
        ("newrep-sun", "The password is too similar to the username."),
    ],
)
def test_user_create_applies_the_password_validators(admin_client, password, message):
    response = admin_client.post(
        reverse("accounts:user_create"), _user_data(password1=password, password2=password)
    )
    errors = response.context["form"].errors["password1"]
    assert any(message in error for error in errors)
    assert not User.objects.filter(username="newrep").exists()


def test_user_create_needs_matching_passwords(admin_client):
    response = admin_client.post(
        reverse("accounts:user_create"), _user_data(password2="Something-else-9")
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(username="newrep").exists()


def test_user_detail_shows_roles_team_supports_and_login_history(admin_client, en):
    LoginEvent.objects.create(
        user=en["assistant"],
        username="assistant",
        kind=LoginEvent.Kind.LOGIN,
        ip_address="203.0.113.5",
    )
    response = admin_client.get(reverse("accounts:user_detail", args=[en["assistant"].pk]))
    html = response.content.decode()
    assert "Sales assistant" in html
    assert "华东组" in html
    assert "张伟" in html  # supports manager1
    assert "203.0.113.5" in html
    assert reverse("accounts:user_deactivate", args=[en["assistant"].pk]) in html


def test_user_edit_changes_team_roles_and_supports(admin_client, en):
    target = en["manager3"]
    east = en["manager1"].team
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    url = reverse("accounts:user_edit", args=[target.pk])
    form = admin_client.get(url).context["form"]
    assert form.initial["username"] == "manager3"
    data = _user_data(
        username="manager3",
        last_name="杨",
        first_name="静",
        team=east.pk,
        roles=[supervisor.pk],
        language="en",
    )
    del data["password1"], data["password2"]
    response = admin_client.post(url, data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.team == east
    assert list(target.groups.values_list("name", flat=True)) == [roles.SUPERVISOR]
    assert target.email == "sun@example.com"
    assert target.check_password("pw")  # editing never touches the password


def test_user_detail_shows_the_audit_history_of_edits(admin_client, en):
    from guanxi.accounts.services.users import user_update

    north = en["manager3"].team
    user_update(actor=en["admin"], user=en["manager1"], team=north)
    response = admin_client.get(reverse("accounts:user_detail", args=[en["manager1"].pk]))
    html = response.content.decode()
    assert 'data-testid="history"' in html
    assert 'data-field="team"' in html
    assert "华北组" in html


def test_user_edit_keeps_and_changes_whom_an_assistant_supports(admin_client, en):
    url = reverse("accounts:user_edit", args=[en["assistant"].pk])
    form = admin_client.get(url).context["form"]
    assert [user.username for user in form.initial["supports"]] == ["manager1"]
    data = {
        "username": "assistant",
        "last_name": "周",
        "first_name": "敏",
        "email": "",
        "phone": "",
        "language": "en",
        "team": en["assistant"].team_id,
        "roles": [Group.objects.get(name=roles.SALES_ASSISTANT).pk],
        "supports": [en["manager2"].pk, en["manager3"].pk],
    }
    assert admin_client.post(url, data).status_code == 302
    assert set(en["assistant"].supports.values_list("username", flat=True)) == {
        "manager2",
        "manager3",
    }


def test_user_edit_names_the_duplicate_username_field(admin_client, en):
    data = _user_data(username="manager1")
    del data["password1"], data["password2"]
    response = admin_client.post(reverse("accounts:user_edit", args=[en["manager3"].pk]), data)
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    en["manager3"].refresh_from_db()
    assert en["manager3"].username == "manager3"


def test_deactivation_signs_the_user_out_and_removes_their_token(
    admin_client, en, django_capture_on_commit_callbacks
):
    victim = Client(HTTP_ACCEPT_LANGUAGE="en")
    sign_in(victim, "manager2")
    assert victim.get(reverse("accounts:profile")).status_code == 200
    _token, key = token_issue(user=en["manager2"])
    url = reverse("accounts:user_deactivate", args=[en["manager2"].pk])
    assert admin_client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    assert response.status_code == 302
    en["manager2"].refresh_from_db()
    assert not en["manager2"].is_active
    assert not ApiToken.objects.filter(user=en["manager2"], revoked_at__isnull=True).exists()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/me/").status_code == 401
    after = victim.get(reverse("accounts:profile"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("accounts:login"))
    assert sign_in(Client(), "manager2").status_code == 200  # cannot sign in again


def test_an_administrator_cannot_deactivate_themselves(admin_client, en):
    response = admin_client.post(
        reverse("accounts:user_deactivate", args=[en["admin"].pk]), follow=True
    )
    assert "You cannot deactivate yourself." in response.content.decode()
    en["admin"].refresh_from_db()
    assert en["admin"].is_active


def test_reactivation_lets_the_user_sign_in_again(admin_client, en):
    User.objects.filter(pk=en["manager2"].pk).update(is_active=False)
    response = admin_client.post(reverse("accounts:user_reactivate", args=[en["manager2"].pk]))
    assert response.status_code == 302
    assert sign_in(Client(), "manager2").status_code == 302


def test_admin_sets_a_new_password_checked_by_the_validators(admin_client, en):
    url = reverse("accounts:user_set_password", args=[en["manager1"].pk])
    weak = admin_client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert "new_password2" in weak.context["form"].errors
    mismatch = admin_client.post(
        url, {"new_password1": "Lotus-pond-77", "new_password2": "Lotus-pond-78"}
    )
    assert "new_password2" in mismatch.context["form"].errors
    en["manager1"].refresh_from_db()
    assert en["manager1"].check_password("pw")
    response = admin_client.post(
        url, {"new_password1": "Lotus-pond-77", "new_password2": "Lotus-pond-77"}
    )
    assert response.status_code == 302
    assert sign_in(Client(), "manager1", "Lotus-pond-77").status_code == 302


# --- teams -----------------------------------------------------------------------------------


def test_team_list_shows_the_tree_indented_with_member_counts(admin_client, en):
    response = admin_client.get(reverse("accounts:team_list"))
    teams = list(response.context["teams"])
    assert [team.name for team in teams] == ["销售部", "华东组", "华北组"]
    assert [team.member_count for team in teams] == [0, 4, 2]
    html = response.content.decode()
    assert 'class="tree-depth-0"' in html and 'class="tree-depth-1"' in html


def test_team_list_query_count_does_not_grow_with_teams(
    admin_client, django_assert_max_num_queries
):
    from guanxi.accounts.services.users import team_create

    admin = User.objects.get(username="admin")
    parent = Team.objects.get(name="华东组")
    for i in range(30):
        parent = team_create(actor=admin, name=f"组{i}", parent=parent if i % 2 else None)
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("accounts:team_list"))
    assert response.status_code == 200


def test_team_create_under_a_parent(admin_client):
    sales = Team.objects.get(name="销售部")
    response = admin_client.post(
        reverse("accounts:team_create"), {"name": "华南组", "parent": sales.pk}
    )
    assert response.status_code == 302
    team = Team.objects.get(name="华南组")
    assert team.parent == sales
    assert team.path == f"{sales.path}{team.pk}/"


def test_team_create_needs_a_name(admin_client):
    response = admin_client.post(reverse("accounts:team_create"), {"name": "", "parent": ""})
    assert "name" in response.context["form"].errors


def test_moving_a_team_moves_its_subtree(admin_client, en):
    from guanxi.accounts.services.users import team_create

    east = en["manager1"].team
    north = en["manager3"].team
    squad = team_create(actor=en["admin"], name="一小组", parent=east)
    url = reverse("accounts:team_edit", args=[east.pk])
    version = admin_client.get(url).context["form"].initial["version"]
    response = admin_client.post(url, {"name": "华东组", "parent": north.pk, "version": version})
    assert response.status_code == 302
    east.refresh_from_db()
    squad.refresh_from_db()
    assert east.path == f"{north.path}{east.pk}/"
    assert squad.path == f"{east.path}{squad.pk}/"


def test_team_edit_page_shows_the_team_history(admin_client, en):
    east = en["manager1"].team
    url = reverse("accounts:team_edit", args=[east.pk])
    version = admin_client.get(url).context["form"].initial["version"]
    admin_client.post(url, {"name": "华东一组", "parent": east.parent_id, "version": version})
    html = admin_client.get(url).content.decode()
    assert 'data-field="name"' in html
    assert "华东一组" in html and "华东组" in html


def test_a_team_cannot_move_under_its_own_subtree(admin_client, en):
    sales = Team.objects.get(name="销售部")
    east = en["manager1"].team
    response = admin_client.post(
        reverse("accounts:team_edit", args=[sales.pk]),
        {"name": "销售部", "parent": east.pk, "version": sales.version},
    )
    assert response.status_code == 200
    assert (
        "A team cannot be placed under itself or its own sub-team."
        in response.context["form"].errors["parent"]
    )
    sales.refresh_from_db()
    assert sales.parent is None


def test_a_stale_team_edit_is_a_conflict(admin_client, en):
    east = en["manager1"].team
    url = reverse("accounts:team_edit", args=[east.pk])
    version = admin_client.get(url).context["form"].initial["version"]
    assert (
        admin_client.post(
            url, {"name": "East", "parent": east.parent_id, "version": version}
        ).status_code
        == 302
    )
    stale = admin_client.post(url, {"name": "Ost", "parent": east.parent_id, "version": version})
    assert stale.status_code == 409
    east.refresh_from_db()
    assert east.name == "East"


# --- roles -----------------------------------------------------------------------------------


def test_role_list_shows_labels_and_member_counts(admin_client):
    response = admin_client.get(reverse("accounts:role_list"))
    by_name = {role.name: role for role in response.context["roles"]}
    assert by_name[roles.ACCOUNT_MANAGER].member_count == 3
    assert by_name[roles.SUPERVISOR].member_count == 2
    assert by_name[roles.ADMINISTRATOR].permission_count > 0
    html = response.content.decode()
    assert "Account manager" in html and "Sales supervisor" in html


def test_role_list_query_count_does_not_grow_with_roles(
    admin_client, django_assert_max_num_queries
):
    for i in range(20):
        Group.objects.create(name=f"role{i}")
    with django_assert_max_num_queries(6):
        response = admin_client.get(reverse("accounts:role_list"))
    assert response.status_code == 200


def test_role_create_with_permissions_grouped_by_module(admin_client):
    page = admin_client.get(reverse("accounts:role_create"))
    modules = [module for module, _perms in page.context["form"].permission_groups()]
    assert "Accounts" in modules and "Customers" in modules
    view_customer = Permission.objects.get(codename="view_customer")
    view_team = Permission.objects.get(codename="view_team_records")
    response = admin_client.post(
        reverse("accounts:role_create"),
        {
            "name": "auditor",
            "permissions": [view_customer.pk, view_team.pk],
        },
    )
    assert response.status_code == 302
    role = Group.objects.get(name="auditor")
    assert set(role.permissions.all()) == {view_customer, view_team}


def test_role_create_offers_no_audit_history_or_bookkeeping_rights(admin_client):
    form = admin_client.get(reverse("accounts:role_create")).context["form"]
    codenames = set(
        Permission.objects.filter(
            pk__in=[pk for pk, _label in form.fields["permissions"].choices]
        ).values_list("codename", flat=True)
    )
    assert not any("historical" in codename for codename in codenames)
    assert "view_customer" in codenames
    assert "view_loginevent" in codenames
    assert not codenames & {
        "add_loginevent",
        "delete_loginevent",
        "view_roledefaultgrant",
        "view_codesequence",
        "view_idempotencykey",
        "view_scheduledrun",
    }


def test_role_create_names_the_duplicate_name_field(admin_client):
    response = admin_client.post(
        reverse("accounts:role_create"), {"name": roles.SUPERVISOR, "permissions": []}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_role_edit_changes_permissions_and_keeps_a_builtin_name(admin_client):
    role = Group.objects.get(name=roles.ACCOUNT_MANAGER)
    url = reverse("accounts:role_edit", args=[role.pk])
    page = admin_client.get(url)
    checked = [
        pk
        for _module, perms in page.context["form"].permission_groups()
        for pk, _label, on in perms
        if on
    ]
    offered = {pk for pk, _label in page.context["form"].fields["permissions"].choices}
    held = set(role.permissions.values_list("pk", flat=True))
    assert set(checked) == held & offered
    history = held - offered  # e.g. reading the customers' history: kept, not shown
    assert history
    delete_customer = Permission.objects.get(codename="delete_customer")
    remaining = [pk for pk in checked if pk != delete_customer.pk]
    response = admin_client.post(url, {"name": "renamed", "permissions": remaining})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.name == roles.ACCOUNT_MANAGER
    assert not role.permissions.filter(pk=delete_customer.pk).exists()
    assert history <= set(role.permissions.values_list("pk", flat=True))
    assert not User.objects.get(username="manager1").has_perm("customers.delete_customer")


def test_role_edit_keeps_permissions_the_form_does_not_show(admin_client):
    role = Group.objects.get(name=roles.ADMINISTRATOR)
    change_group = Permission.objects.get(codename="change_group")
    assert role.permissions.filter(pk=change_group.pk).exists()
    view_customer = Permission.objects.get(codename="view_customer")
    manage_accounts = Permission.objects.get(codename="manage_accounts")
    url = reverse("accounts:role_edit", args=[role.pk])
    response = admin_client.post(
        url, {"name": role.name, "permissions": [view_customer.pk, manage_accounts.pk]}
    )
    assert response.status_code == 302
    assert role.permissions.filter(pk=change_group.pk).exists()
    assert not role.permissions.filter(codename="add_customer").exists()


# --- Django admin ----------------------------------------------------------------------------


def test_django_admin_lists_users_teams_and_a_read_only_login_history(admin_client, en):
    assert admin_client.get("/django-admin/accounts/user/").status_code == 200
    assert (
        admin_client.get(f"/django-admin/accounts/user/{en['assistant'].pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/django-admin/accounts/team/").status_code == 200
    assert admin_client.get("/django-admin/accounts/loginevent/").status_code == 200
    assert admin_client.get("/django-admin/accounts/loginevent/add/").status_code == 403


def test_role_edit_refuses_to_lock_the_administrator_out(admin_client):
    role = Group.objects.get(name=roles.ADMINISTRATOR)
    view_customer = Permission.objects.get(codename="view_customer")
    url = reverse("accounts:role_edit", args=[role.pk])
    response = admin_client.post(url, {"name": role.name, "permissions": [view_customer.pk]})
    assert response.status_code == 200
    assert "manage users, teams and roles" in str(response.context["form"].errors["permissions"])
    assert role.permissions.filter(codename="manage_accounts").exists()


def test_a_stale_user_form_answers_409_and_overwrites_nothing(admin_client, org):
    manager = User.objects.get(username="manager2")
    form = admin_client.get(reverse("accounts:user_edit", args=[manager.pk])).context["form"]
    data = {
        "username": manager.username,
        "last_name": "改",
        "first_name": "名",
        "language": manager.language,
        "version": form.initial["version"],
        "roles": [g.pk for g in manager.groups.all()],
    }
    services.user_update(actor=org["admin"], user=manager, phone="13800000001")
    response = admin_client.post(reverse("accounts:user_edit", args=[manager.pk]), data)
    assert response.status_code == 409
    manager.refresh_from_db()
    assert manager.last_name != "改" and manager.phone == "+8613800000001"
