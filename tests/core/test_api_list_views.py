"""``/api/list-views/``: the caller's views and their team's shared ones."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/list-views/"


def test_round_trip_save_share_list_and_delete(api):
    owner = api("manager1")
    created = owner.post(
        URL,
        {"list_key": "orders", "name": "本月", "query": "status=confirmed", "columns": ["status"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["columns"] == ["status"]
    assert created.json()["mine"] is True
    # Private: a teammate does not see it.
    assert api("manager2").get(URL, {"list": "orders"}).json()["results"] == []
    shared = owner.patch(f"{URL}{pk}/", {"shared_with_team": True}, format="json")
    assert shared.status_code == 200 and shared.json()["shared_with_team"]
    teammate = api("manager2").get(URL, {"list": "orders"}).json()["results"]
    assert [(v["name"], v["mine"], v["query"]) for v in teammate] == [
        ("本月", False, "status=confirmed")
    ]
    # Another team never sees it: absent from its list, 404 by id.
    assert api("manager3").get(URL).json()["results"] == []
    assert api("manager3").get(f"{URL}{pk}/").status_code == 404
    # A teammate may pick it but not change it.
    assert api("manager2").patch(f"{URL}{pk}/", {"name": "x"}, format="json").status_code == 403
    assert api("manager2").delete(f"{URL}{pk}/").status_code == 403
    assert owner.delete(f"{URL}{pk}/").status_code == 204
    assert owner.get(URL).json()["results"] == []


def test_bad_input_is_a_400_naming_the_field(api):
    response = api("manager1").post(
        URL, {"list_key": "customers", "name": "x", "columns": ["nope"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["columns"]


def test_the_list_costs_the_same_queries_for_more_views(api, django_assert_max_num_queries):
    client = api("manager2")
    owner = api("manager1")
    for index in range(2):
        owner.post(
            URL,
            {"list_key": "customers", "name": f"v{index}", "shared_with_team": True},
            format="json",
        )
    # The count of the page and the views with their owners (PostgreSQL: one more for the
    # request's bookkeeping), however many views there are.
    with django_assert_max_num_queries(3):
        assert len(client.get(URL).json()["results"]) == 2
    for index in range(2, 8):
        owner.post(
            URL,
            {"list_key": "customers", "name": f"v{index}", "shared_with_team": True},
            format="json",
        )
    with django_assert_max_num_queries(3):
        assert len(client.get(URL).json()["results"]) == 8
