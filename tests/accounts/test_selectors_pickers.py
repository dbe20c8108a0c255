"""The user picker behind ``GET /pick/user/``: names, logins and pinyin, within the reader's
view of the organisation, active users only."""

from django.urls import reverse


def labels(client, q: str) -> list[str]:
    response = client.get(reverse("core:pick", args=["user"]), {"q": q})
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def test_users_are_found_by_name_login_and_pinyin(login, org):
    client = login("admin")
    for term in ("张伟", "manager1", "zhangwei", "zw"):
        assert "张伟" in labels(client, term), term
    assert labels(client, "yj") == ["杨静"]
    row = client.get(reverse("core:pick", args=["user"]), {"q": "杨静"}).json()["results"][0]
    assert row["id"] == org["manager3"].pk and row["detail"].startswith("manager3 · ")


def test_a_supervisor_is_offered_the_own_team_only_and_nobody_who_left(login, org):
    client = login("supervisor")
    assert labels(client, "zw") == ["张伟"]
    assert labels(client, "杨静") == [], "another team's manager"
    org["manager1"].is_active = False
    org["manager1"].save(update_fields=["is_active"])
    assert labels(client, "zw") == []


def test_the_user_picker_reads_a_fixed_number_of_queries(login, org, django_assert_max_num_queries):
    client = login("admin")
    with django_assert_max_num_queries(8):
        assert labels(client, "a")
