"""/api/targets/ 销售目标: scoped reads, writes through the services, errors in the API's shape."""

import datetime
from decimal import Decimal

import pytest

from guanxi.sales.models import Target
from tests.sales.fixtures.targets import make_target

D = datetime.date


# -- API ---------------------------------------------------------------------------------------

URL = "/api/targets/"


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_api_lists_targets_with_achieved_and_rate(org, api, sales, targets):
    response = api("manager1").get(URL)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == targets["m1"].pk
    assert (row["achieved"], row["rate"], row["period_end"]) == ("541.80", "0.5418", "2026-05-31")
    assert row["subject_name"] == str(org["manager1"])


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("manager1", {"m1"}),
        ("supervisor", {"m1", "m2", "sup", "east"}),
        ("exec", {"m1", "m2", "m3", "sup", "east", "north", "sales"}),
    ],
)
def test_api_scope_per_role(org, api, targets, username, visible):
    assert _ids(api(username).get(URL)) == {targets[name].pk for name in visible}


def test_api_filters_subject_and_period(org, api, targets):
    client = api("admin")
    east = org["manager1"].team
    assert _ids(client.get(URL, {"user": org["manager2"].pk})) == {targets["m2"].pk}
    assert _ids(client.get(URL, {"team": east.pk})) == {targets["east"].pk}
    yearly = make_target(org["admin"], user=org["manager1"], period_kind="year")
    assert _ids(client.get(URL, {"period_kind": "year"})) == {yearly.pk}
    assert _ids(client.get(URL, {"year": 2025})) == set()
    assert client.get(URL, {"period_kind": "week"}).status_code == 400


def test_api_create_update_delete(org, api):
    client = api("supervisor")
    created = client.post(
        URL,
        {
            "user": org["manager2"].pk,
            "period_kind": "quarter",
            "period_start": "2026-11-11",
            "amount": "9000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["period_start"], body["period_end"], body["achieved"], body["rate"]) == (
        "2026-10-01",
        "2026-12-31",
        "0.00",
        "0.0000",
    )
    detail = f"{URL}{body['id']}/"
    changed = client.patch(detail, {"amount": "0", "version": 1}, format="json")
    assert changed.status_code == 200
    assert changed.json()["rate"] is None
    stale = client.patch(detail, {"amount": "5", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.delete(detail).status_code == 204
    assert client.get(detail).status_code == 404


def test_api_duplicate_is_a_field_error(org, api):
    make_target(org["supervisor"], user=org["manager2"])
    response = api("supervisor").post(
        URL,
        {
            "user": org["manager2"].pk,
            "period_kind": "month",
            "period_start": "2026-05-09",
            "amount": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "period_start" in str(response.json())


@pytest.mark.parametrize("username", ["manager1", "assistant", "exec"])
def test_api_forbids_writes_to_reps_assistants_and_executives(org, api, targets, username):
    client = api(username)
    payload = {
        "user": org["manager1"].pk,
        "period_kind": "year",
        "period_start": "2026-01-01",
        "amount": "1",
    }
    assert client.post(URL, payload, format="json").status_code == 403
    detail = f"{URL}{targets['m1'].pk}/"
    patch = client.patch(detail, {"amount": "2", "version": 1}, format="json")
    assert patch.status_code == 403
    assert client.delete(detail).status_code == 403
    assert Target.objects.get(pk=targets["m1"].pk).amount == Decimal("1000.00")


def test_api_supervisor_cannot_touch_other_teams(org, api, targets):
    client = api("supervisor")
    north = f"{URL}{targets['m3'].pk}/"
    assert client.patch(north, {"amount": "2", "version": 1}, format="json").status_code == 404
    own = f"{URL}{targets['sup'].pk}/"
    assert client.patch(own, {"amount": "2", "version": 1}, format="json").status_code == 403
    refused = client.post(
        URL,
        {
            "team": org["manager3"].team_id,
            "period_kind": "year",
            "period_start": "2026-01-01",
            "amount": "1",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert "team" in str(refused.json())


def test_api_list_query_count_does_not_grow(org, api, sales, django_assert_max_num_queries):
    admin = org["admin"]
    for month in range(1, 13):
        make_target(admin, user=org["manager1"], period_start=D(2026, month, 1))
        make_target(
            admin,
            team=org["manager1"].team,
            period_start=D(2026, month, 1),
            category=sales["tools"],
        )
    client = api("supervisor")
    client.get(URL)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.json()["results"]) == 24
