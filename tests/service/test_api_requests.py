"""/api/service-requests/: scoped CRUD, the flow as actions (assign, handle,
feedback), the rounds as history, every transition allowed and refused with the API's error
shape, status read-only, versions, and a constant number of queries per list page."""

import pytest

from guanxi.service.models import ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.service.fixtures.requests import archived, assigned, fresh, handled, new

LIST = "/api/service-requests/"
Status = ServiceRequest.Status


def url(service_request, action="") -> str:
    pk = service_request if isinstance(service_request, int | str) else service_request.pk
    return f"{LIST}{pk}/{action + '/' if action else ''}"


def error(response) -> dict:
    return response.json()["error"]


pytestmark = pytest.mark.usefixtures("english")


def payload(customer, **fields) -> dict:
    body = {
        "customer": customer.pk,
        "service_type": dictionary("service_type", "suggestion").pk,
        "channel": dictionary("channel", "web").pk,
        "summary": "希望增加微信通知",
        "request": "建议订单发货时通过微信通知我们的采购人员。",
    }
    body.update(fields)
    return body


# -- reads and scope ---------------------------------------------------------------------------

VISIBLE = {
    "admin": {"A", "B", "C"},
    "exec": {"A", "B", "C"},
    "supervisor": {"A", "B"},
    "supervisor2": {"C"},
    "manager1": {"A"},
    "manager2": {"B"},
    "manager3": {"C"},
    "assistant": {"A"},
}


@pytest.fixture
def spread(org, customers):
    return {
        "A": new(org, customers, summary="A"),
        "B": assigned(org, customers, assignee="manager2", customer="manager2", creator="manager2"),
        "C": new(org, customers, creator="manager3", customer="manager3", summary="C"),
    }


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_lists_and_reads_exactly_its_scope(api, spread, username):
    client = api(username)
    listed = {row["id"] for row in client.get(LIST).json()["results"]}
    assert listed == {spread[key].pk for key in VISIBLE[username]}
    for key, service_request in spread.items():
        expected = 200 if key in VISIBLE[username] else 404
        assert client.get(url(service_request)).status_code == expected
        assert client.get(url(service_request, "history")).status_code == expected


def test_a_row_carries_the_sla_and_the_etag(api, org, customers):
    service_request = new(org, customers)
    response = api("manager1").get(url(service_request))
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["status"] == "new"
    assert body["code"] == service_request.code
    assert body["sla"]["overdue"] is False
    assert body["sla"]["first_response"]["state"] == "running"
    assert body["sla"]["first_response"]["target_hours"] == 2.0
    assert body["sla"]["resolution"]["target_hours"] == 48.0


def test_filters(api, org, customers):
    from datetime import timedelta

    from django.utils import timezone

    plain = new(org, customers)
    mine = assigned(org, customers)
    late = new(
        org,
        customers,
        service_type=dictionary("service_type", "consultation"),
        channel=dictionary("channel", "email"),
    )
    past = timezone.now() - timedelta(hours=1)
    ServiceRequest.all_objects.filter(pk=late.pk).update(response_due_at=past)
    client = api("supervisor")

    def ids(**params):
        return {row["id"] for row in client.get(LIST, params).json()["results"]}

    assert ids(status="assigned") == {mine.pk}
    assert ids(assigned_to=org["manager1"].pk) == {mine.pk}
    assert ids(service_type=dictionary("service_type", "consultation").pk) == {late.pk}
    assert ids(channel=dictionary("channel", "phone").pk) == {plain.pk, mine.pk}
    assert ids(overdue="true") == {late.pk}
    assert ids(overdue="false") == {plain.pk, mine.pk}
    assert ids(search=late.code) == {late.pk}
    bad = client.get(LIST, {"status": "closed"})
    assert bad.status_code == 400 and "status" in error(bad)["fields"]


def test_the_list_query_count_does_not_grow(api, org, customers, django_assert_max_num_queries):
    client = api("supervisor")
    new(org, customers)
    client.get(LIST)
    with django_assert_max_num_queries(10) as few:
        assert len(client.get(LIST).json()["results"]) == 1
    for _ in range(6):
        archived(org, customers)
        assigned(org, customers, assignee="manager2", customer="manager2", creator="manager2")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(LIST).json()["results"]) == 13


# -- create, update, delete --------------------------------------------------------------------


def test_a_manager_creates_a_request(api, org, customers):
    response = api("manager1").post(LIST, payload(customers["manager1"]), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "new"
    assert body["created_by"] == org["manager1"].pk
    assert body["code"].startswith("FW")


def test_create_names_the_bad_fields(api, org, customers):
    body = payload(customers["manager1"], summary="", service_type=dictionary("channel", "web").pk)
    response = api("manager1").post(LIST, body, format="json")
    assert response.status_code == 400
    assert {"summary", "service_type"} <= set(error(response)["fields"])
    assert not ServiceRequest.objects.exists()


def test_a_customer_out_of_scope_does_not_exist_for_the_caller(api, org, customers):
    response = api("manager1").post(LIST, payload(customers["manager3"]), format="json")
    assert response.status_code == 400
    assert "customer" in error(response)["fields"]


def test_a_contact_of_another_customer_is_refused(api, org, customers):
    other = customers["manager2"].contacts.first()
    response = api("supervisor").post(
        LIST, payload(customers["manager1"], contact=other.pk), format="json"
    )
    assert response.status_code == 400
    assert "contact" in error(response)["fields"]


@pytest.mark.parametrize("username", ["exec", "assistant"])
def test_readers_cannot_create(api, org, customers, username):
    response = api(username).post(LIST, payload(customers["manager1"]), format="json")
    assert response.status_code == 403


def test_status_is_read_only(api, org, customers):
    service_request = new(org, customers)
    response = api("manager1").patch(
        url(service_request), {"status": "archived", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert fresh(service_request).status == Status.NEW


def test_update_needs_a_version_and_refuses_a_stale_one(api, org, customers):
    service_request = new(org, customers)
    client = api("manager1")
    missing = client.patch(url(service_request), {"summary": "新摘要"}, format="json")
    assert missing.status_code == 428
    done = client.patch(url(service_request), {"summary": "新摘要", "version": 1}, format="json")
    assert done.status_code == 200 and done.json()["version"] == 2
    stale = client.patch(url(service_request), {"summary": "再改", "version": 1}, format="json")
    assert stale.status_code == 409 and error(stale)["current_version"] == 2
    wrong = client.patch(
        url(service_request), {"summary": "再改"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert wrong.status_code == 412
    assert fresh(service_request).summary == "新摘要"


def test_a_handled_request_cannot_be_edited_nor_any_but_new_deleted(api, org, customers):
    service_request = handled(org, customers)
    client = api("manager1")
    edit = client.patch(
        url(service_request), {"summary": "x", "version": service_request.version}, format="json"
    )
    assert edit.status_code == 422 and "status" in error(edit)["fields"]
    assert client.delete(url(service_request)).status_code == 422
    assert fresh(service_request).deleted_at is None


def test_a_new_request_is_deleted(api, org, customers):
    service_request = new(org, customers)
    assert api("manager1").delete(url(service_request)).status_code == 204
    assert fresh(service_request).deleted_at is not None
    assert api("manager1").get(url(service_request)).status_code == 404


# -- the flow ----------------------------------------------------------------------------------


def test_the_full_flow_through_the_api(api, org, customers):
    service_request = new(org, customers)
    supervisor, manager = api("supervisor"), api("manager1")
    assign = supervisor.post(
        url(service_request, "assign"), {"assigned_to": org["manager1"].pk}, format="json"
    )
    assert assign.status_code == 200, assign.json()
    assert assign.json()["status"] == "assigned"
    assert assign.json()["assigned_to_name"] == str(org["manager1"])
    handle = manager.post(url(service_request, "handle"), {"handling": "远程排查"}, format="json")
    assert handle.status_code == 200 and handle.json()["status"] == "handled"
    back = manager.post(
        url(service_request, "feedback"), {"result": "未解决", "satisfaction": 2}, format="json"
    )
    assert back.status_code == 200
    assert back.json()["status"] == "assigned" and back.json()["rounds"] == 2
    manager.post(url(service_request, "handle"), {"handling": "上门更换"}, format="json")
    done = manager.post(
        url(service_request, "feedback"), {"result": "已解决", "satisfaction": 4}, format="json"
    )
    assert done.json()["status"] == "archived"
    assert done.json()["satisfaction"] == 4
    history = manager.get(url(service_request, "history")).json()
    assert [row["number"] for row in history] == [1, 2]
    assert [row["handling"] for row in history] == ["远程排查", "上门更换"]
    assert [row["satisfaction"] for row in history] == [2, 4]


def test_only_supervisors_assign(api, org, customers):
    service_request = new(org, customers)
    response = api("manager1").post(
        url(service_request, "assign"), {"assigned_to": org["manager1"].pk}, format="json"
    )
    assert response.status_code == 403


def test_assigning_outside_the_team_names_the_field(api, org, customers):
    service_request = new(org, customers)
    response = api("supervisor").post(
        url(service_request, "assign"), {"assigned_to": org["manager3"].pk}, format="json"
    )
    assert response.status_code == 400
    assert "assigned_to" in error(response)["fields"]
    missing = api("supervisor").post(url(service_request, "assign"), {}, format="json")
    assert missing.status_code == 400 and "assigned_to" in error(missing)["fields"]


def test_a_supervisor_cannot_assign_a_request_out_of_scope(api, org, customers):
    north = new(org, customers, creator="manager3", customer="manager3")
    response = api("supervisor").post(
        url(north, "assign"), {"assigned_to": org["manager1"].pk}, format="json"
    )
    assert response.status_code == 404


def test_a_stale_assign_is_a_conflict_and_a_wrong_if_match_a_failed_precondition(
    api, org, customers
):
    service_request = new(org, customers)
    client = api("supervisor")
    body = {"assigned_to": org["manager1"].pk, "version": 7}
    stale = client.post(url(service_request, "assign"), body, format="json")
    assert stale.status_code == 409
    body.pop("version")
    wrong = client.post(url(service_request, "assign"), body, format="json", HTTP_IF_MATCH='"7"')
    assert wrong.status_code == 412
    assert fresh(service_request).status == Status.NEW


def test_only_the_assignee_handles(api, org, customers):
    service_request = assigned(org, customers, assignee="manager1")
    response = api("supervisor").post(
        url(service_request, "handle"), {"handling": "x"}, format="json"
    )
    assert response.status_code == 403
    assert fresh(service_request).status == Status.ASSIGNED


def test_handling_a_new_request_is_refused_with_the_reason(api, org, customers):
    service_request = new(org, customers)
    response = api("manager1").post(
        url(service_request, "handle"), {"handling": "x"}, format="json"
    )
    assert response.status_code == 422
    assert error(response)["fields"]["status"] == [
        "Only an assigned request can be handled; this one is new."
    ]


def test_handling_needs_text(api, org, customers):
    service_request = assigned(org, customers)
    response = api("manager1").post(url(service_request, "handle"), {"handling": ""}, format="json")
    assert response.status_code == 400 and "handling" in error(response)["fields"]


@pytest.mark.parametrize("satisfaction", [0, 6, "x", None])
def test_feedback_satisfaction_is_one_to_five(api, org, customers, satisfaction):
    service_request = handled(org, customers)
    response = api("manager1").post(
        url(service_request, "feedback"),
        {"result": "好", "satisfaction": satisfaction},
        format="json",
    )
    assert response.status_code == 400 and "satisfaction" in error(response)["fields"]
    assert fresh(service_request).status == Status.HANDLED


def test_feedback_before_handling_is_refused(api, org, customers):
    service_request = assigned(org, customers)
    response = api("manager1").post(
        url(service_request, "feedback"), {"result": "好", "satisfaction": 5}, format="json"
    )
    assert response.status_code == 422


def test_executives_cannot_give_feedback(api, org, customers):
    service_request = handled(org, customers)
    response = api("exec").post(
        url(service_request, "feedback"), {"result": "好", "satisfaction": 5}, format="json"
    )
    assert response.status_code == 403


def test_an_archived_request_refuses_every_change(api, org, customers):
    done = archived(org, customers)
    supervisor, manager = api("supervisor"), api("manager1")
    answers = [
        supervisor.post(url(done, "assign"), {"assigned_to": org["manager2"].pk}, format="json"),
        manager.post(url(done, "handle"), {"handling": "x"}, format="json"),
        manager.post(url(done, "feedback"), {"result": "x", "satisfaction": 1}, format="json"),
        manager.patch(url(done), {"summary": "x", "version": done.version}, format="json"),
        manager.delete(url(done)),
    ]
    for response in answers:
        assert response.status_code == 422
        assert "archived" in error(response)["fields"]["status"][0]
    assert fresh(done).version == done.version


def test_the_endpoints_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    for path in (
        "/api/service-requests/",
        "/api/service-requests/{id}/",
        "/api/service-requests/{id}/assign/",
        "/api/service-requests/{id}/handle/",
        "/api/service-requests/{id}/feedback/",
        "/api/service-requests/{id}/history/",
    ):
        assert path in schema["paths"], path
