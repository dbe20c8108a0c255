"""GET /api/customers/{id}/timeline/: scope, paging, kind filter, errors, schema."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from guanxi.accounts.models import User
from tests.customers.fixtures.timeline import ago, comment, document, event, interaction


@pytest.fixture
def customer(customers):
    return customers["manager1"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(customer) -> str:
    return f"/api/customers/{customer.pk}/timeline/"


def test_the_timeline_answers_entries_newest_first(org, customer):
    visit = interaction(customer, when=ago(hours=1), summary="上门拜访")
    document(customer, interaction=visit, title="纪要")
    event(customer, when=ago(hours=2), actor=org["supervisor"])
    comment(customer, when=ago(minutes=5), body="好")
    body = api(org["manager1"]).get(url(customer)).json()
    assert [row["kind"] for row in body["results"]] == ["comment", "interaction", "event"]
    assert body["next_before"] is None
    visit_row = body["results"][1]
    assert visit_row["id"] == visit.pk and visit_row["title"] == "上门拜访"
    assert visit_row["subtype"] == "visit"
    assert [link["title"] for link in visit_row["links"]] == ["纪要"]
    assert body["results"][2]["actor"] == {
        "id": org["supervisor"].pk,
        "name": str(org["supervisor"]),
    }
    assert body["results"][0]["deletable"] is True


def test_paging_with_next_before(org, customer):
    for hour in range(7):
        interaction(customer, when=ago(hours=hour + 1))
    client = api(org["manager1"])
    first = client.get(url(customer), {"limit": 5}).json()
    assert len(first["results"]) == 5 and first["next_before"]
    second = client.get(url(customer), {"limit": 5, "before": first["next_before"]}).json()
    assert len(second["results"]) == 2 and second["next_before"] is None
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(set(ids)) == 7


def test_filter_by_repeated_kind(org, customer):
    interaction(customer)
    event(customer)
    comment(customer)
    body = api(org["manager1"]).get(url(customer) + "?kind=event&kind=comment").json()
    assert sorted(row["kind"] for row in body["results"]) == ["comment", "event"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=no_such_kind", "kind"),
        ("before=junk", "before"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
    ],
)
def test_bad_input_is_400_naming_the_field(org, customer, query, field):
    response = api(org["manager1"]).get(f"{url(customer)}?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_scope_and_rights(org, customer, customers):
    assert api(org["manager2"]).get(url(customer)).status_code == 404
    assert api(org["supervisor"]).get(url(customer)).status_code == 200
    assert api(org["exec"]).get(url(customers["pool"])).status_code == 200
    assert api(org["manager1"]).get("/api/customers/abc/timeline/").status_code == 404
    assert api(org["manager1"]).get(f"/api/customers/{2**64}/timeline/").status_code == 404
    assert APIClient().get(url(customer)).status_code == 401
    nobody = User.objects.create_user(username="nobody", password="x")
    assert api(nobody).get(url(customer)).status_code == 403
    nobody.groups.add(Group.objects.get(name="account_manager"))
    nobody = User.objects.get(pk=nobody.pk)
    assert api(nobody).get(url(customer)).status_code == 404  # rights, but not in scope


def test_the_query_count_does_not_grow(org, customer, django_assert_max_num_queries):
    for hour in range(30):
        visit = interaction(customer, when=ago(hours=hour + 1))
        document(customer, interaction=visit)
        comment(customer, when=ago(hours=hour + 1), by=org["supervisor"])
    client = api(org["manager1"])
    # 10 sources, attachments, auth, rights, customer.
    with django_assert_max_num_queries(15):
        assert client.get(url(customer), {"limit": 100}).status_code == 200


def test_the_endpoints_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    assert "/api/customers/{id}/timeline/" in schema["paths"]
    assert "/api/notifications/" in schema["paths"]
    assert "post" in schema["paths"]["/api/notifications/read/"]
