"""/api/opportunities/: scoped CRUD, the transitions as actions, errors in the API's shape."""

import pytest

from guanxi.customers.models import Contact, Customer
from guanxi.sales.models import Opportunity, PlanItem
from guanxi.sales.services import opportunities as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

LIST = "/api/opportunities/"


def url(opportunity, action="") -> str:
    pk = opportunity if isinstance(opportunity, (int, str)) else opportunity.pk
    return f"{LIST}{pk}/{action + '/' if action else ''}"


def payload(**fields) -> dict:
    body = {
        "prospect_name": "苏州瑞德电子有限公司",
        "probability": 40,
        "summary": "年度耗材采购",
        "contact": "陈静",
        "contact_phone": "13600001111",
        "source": dictionary("source", "referral").pk,
    }
    body.update(fields)
    return body


def new(org, creator="manager1", **fields) -> Opportunity:
    values = {"prospect_name": "苏州瑞德电子有限公司", "probability": 40, "summary": "年度耗材采购"}
    values.update(fields)
    return services.opportunity_create(actor=org[creator], **values)


def assigned(org, assignee="manager1", creator="manager1", **fields) -> Opportunity:
    return services.opportunity_assign(
        actor=org["supervisor"], opportunity=new(org, creator, **fields), assignee=org[assignee]
    )


def error(response) -> dict:
    return response.json()["error"]


# --- reads ------------------------------------------------------------------------------------

VISIBLE = {
    "admin": {"A", "B", "C", "D", "E"},
    "exec": {"A", "B", "C", "D", "E"},
    "supervisor": {"A", "B", "D", "E"},
    "supervisor2": {"C"},
    "manager1": {"A", "D"},
    "manager2": {"B"},
    "manager3": {"C"},
    "assistant": {"A", "D", "E"},
}


@pytest.fixture
def spread(org):
    return {
        "A": new(org, "manager1", prospect_name="A"),
        "B": assigned(org, "manager2", creator="supervisor", prospect_name="B"),
        "C": new(org, "manager3", prospect_name="C"),
        "D": assigned(org, "manager1", creator="supervisor", prospect_name="D"),
        "E": new(org, "assistant", prospect_name="E"),
    }


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_lists_and_reads_exactly_its_scope(api, spread, username):
    client = api(username)
    rows = client.get(LIST, {"page_size": 50}).json()["results"]
    assert {row["prospect_name"] for row in rows} == VISIBLE[username]
    for name, opportunity in spread.items():
        response = client.get(url(opportunity))
        assert response.status_code == (200 if name in VISIBLE[username] else 404), name
        if response.status_code == 200:
            assert response["ETag"] == f'"{opportunity.version}"'


def test_list_filters(org, api, spread):
    client = api("supervisor")

    def names(**params):
        return {row["prospect_name"] for row in client.get(LIST, params).json()["results"]}

    assert names(status="assigned") == {"B", "D"}
    assert names(status="unassigned") == {"A", "E"}
    assert names(assigned_to=org["manager2"].pk) == {"B"}
    assert names(mine="true") == {"B", "D"}
    assert names(search="e") == {"E"}
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400
    bad = client.get(LIST, {"ordering": "secret"})
    assert bad.status_code == 400 and "ordering" in error(bad)["fields"]


def test_a_row_carries_the_fields_of_spec_3(api, org, spread):
    row = api("manager1").get(url(spread["D"])).json()
    assert row["status"] == "assigned"
    assert row["assigned_to"] == org["manager1"].pk and row["assigned_to_name"] == "张伟"
    assert row["assigned_by"] == org["supervisor"].pk and row["assigned_at"]
    assert row["created_by"] == org["supervisor"].pk and row["created_at"]
    for field in ("source", "probability", "summary", "contact", "contact_phone", "description"):
        assert field in row


@pytest.mark.parametrize("username", ["admin", "supervisor", "manager1", "exec"])
def test_the_list_needs_a_constant_number_of_queries(
    org, api, username, django_assert_max_num_queries
):
    for index in range(30):
        opportunity = new(org, prospect_name=f"P{index}", source=dictionary("source", "website"))
        if index % 2:
            services.opportunity_assign(
                actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
            )
    client = api(username)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"page_size": 50})
    assert response.json()["count"] == 30
    assert all("deal" in row and "expected_amount" in row for row in response.json()["results"])


# --- create, update, delete -------------------------------------------------------------------


def test_a_manager_creates_one(api, org):
    response = api("manager1").post(LIST, payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "unassigned" and body["created_by"] == org["manager1"].pk
    assert body["version"] == 1 and response["ETag"] == '"1"'


def test_create_with_an_existing_customer_takes_its_name(api, customers):
    response = api("manager1").post(
        LIST,
        payload(prospect_name="", customer=customers["manager1"].pk),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["prospect_name"] == customers["manager1"].name
    unseen = api("manager1").post(LIST, payload(customer=customers["manager2"].pk), format="json")
    assert unseen.status_code == 400 and "customer" in error(unseen)["fields"]


def test_bad_input_names_the_field(api, english):
    client = api("manager1")
    for body, field in [
        (payload(probability=101), "probability"),
        (payload(summary=""), "summary"),
        (payload(prospect_name=""), "prospect_name"),
        (payload(contact_phone="call me"), "contact_phone"),
        (payload(source=dictionary("region", "east").pk), "source"),
    ]:
        response = client.post(LIST, body, format="json")
        assert response.status_code == 400, (field, response.content)
        assert error(response)["code"] == "validation_error"
        assert field in error(response)["fields"], field
    assert not Opportunity.objects.exists()


def test_an_executive_cannot_write(api, org):
    client = api("exec")
    assert client.post(LIST, payload(), format="json").status_code == 403
    opportunity = new(org)
    assert (
        client.patch(url(opportunity), {"summary": "x", "version": 1}, format="json").status_code
        == 403
    )
    assert client.delete(url(opportunity)).status_code == 403
    assert (
        client.post(url(opportunity, "assign"), {"assigned_to": 1}, format="json").status_code
        == 403
    )


def test_update_while_unassigned(api, org):
    opportunity = new(org)
    client = api("manager1")
    missing = client.patch(url(opportunity), {"probability": 90}, format="json")
    assert missing.status_code == 428
    ok = client.patch(url(opportunity), {"probability": 90}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200 and ok.json()["probability"] == 90 and ok["ETag"] == '"2"'
    stale = client.patch(url(opportunity), {"probability": 10, "version": 1}, format="json")
    assert stale.status_code == 409 and error(stale)["current_version"] == 2
    precondition = client.patch(
        url(opportunity), {"probability": 10}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert precondition.status_code == 412
    by_supervisor = api("supervisor").put(
        url(opportunity), {**payload(), "version": 2}, format="json"
    )
    assert by_supervisor.status_code == 200, by_supervisor.content


def test_someone_who_sees_it_but_did_not_create_it_cannot_edit(api, org, english):
    opportunity = new(org)
    response = api("assistant").patch(
        url(opportunity), {"summary": "x", "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert "creator or a supervisor" in error(response)["message"]


def test_an_assigned_opportunity_cannot_be_edited_or_deleted(api, org, english):
    opportunity = assigned(org)
    client = api("supervisor")
    edit = client.patch(url(opportunity), {"summary": "x", "version": 2}, format="json")
    assert edit.status_code == 422
    assert error(edit)["code"] == "business_rule"
    assert "Only an unassigned opportunity" in error(edit)["message"]
    assert "status" in error(edit)["fields"]
    assert client.delete(url(opportunity)).status_code == 422
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()


def test_delete_while_unassigned(api, org):
    opportunity = new(org)
    assert api("manager2").delete(url(opportunity)).status_code == 404
    assert api("manager1").delete(url(opportunity), HTTP_IF_MATCH='"5"').status_code == 412
    assert api("manager1").delete(url(opportunity)).status_code == 204
    assert api("manager1").get(url(opportunity)).status_code == 404
    assert Opportunity.all_objects.get(pk=opportunity.pk).is_deleted


# --- assignment -------------------------------------------------------------------------------


def test_a_supervisor_assigns(api, org):
    opportunity = new(org, "manager2")
    response = api("supervisor").post(
        url(opportunity, "assign"), {"assigned_to": org["manager1"].pk}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "assigned" and body["assigned_to"] == org["manager1"].pk
    assert body["assigned_at"] and body["assigned_by"] == org["supervisor"].pk
    assert response["ETag"] == '"2"'


def test_assignment_errors(api, org, english):
    opportunity = new(org)
    target = url(opportunity, "assign")
    by_manager = api("manager1").post(target, {"assigned_to": org["manager1"].pk}, format="json")
    assert by_manager.status_code == 403 and "Only supervisors" in error(by_manager)["message"]
    outside = api("supervisor").post(target, {"assigned_to": org["manager3"].pk}, format="json")
    assert outside.status_code == 400 and "assigned_to" in error(outside)["fields"]
    missing = api("supervisor").post(target, {}, format="json")
    assert missing.status_code == 400 and "assigned_to" in error(missing)["fields"]
    unknown = api("supervisor").post(target, {"assigned_to": 999999}, format="json")
    assert unknown.status_code == 400
    unseen = api("supervisor2").post(target, {"assigned_to": org["manager3"].pk}, format="json")
    assert unseen.status_code == 404
    stale = api("supervisor").post(
        target, {"assigned_to": org["manager1"].pk, "version": 7}, format="json"
    )
    assert stale.status_code == 409
    if_match = api("supervisor").post(
        target, {"assigned_to": org["manager1"].pk}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert if_match.status_code == 412

    first = api("supervisor").post(target, {"assigned_to": org["manager1"].pk}, format="json")
    assert first.status_code == 200
    twice = api("supervisor").post(target, {"assigned_to": org["manager2"].pk}, format="json")
    assert twice.status_code == 422 and error(twice)["code"] == "business_rule"
    assert error(twice)["fields"] == {
        "assigned_to": ["This opportunity is already assigned to 张伟."]
    }


# --- the development plan ---------------------------------------------------------------------


def test_the_assignee_plans_and_records_results(api, org):
    opportunity = assigned(org, creator="supervisor")
    client = api("manager1")
    items = url(opportunity, "plan-items")
    second = client.post(items, {"date": "2026-03-10", "content": "上门演示"}, format="json")
    first = client.post(items, {"date": "2026-03-02", "content": "电话沟通"}, format="json")
    assert second.status_code == 201 and first.status_code == 201, second.content
    listed = client.get(items).json()
    assert [row["content"] for row in listed] == ["电话沟通", "上门演示"]
    assert api("assistant").get(items).json() == listed  # supports manager1

    result_url = f"{items}{first.json()['id']}/result/"
    recorded = client.post(result_url, {"result": "确认预算 50 万"}, format="json")
    assert recorded.status_code == 200, recorded.content
    assert recorded.json()["result"] == "确认预算 50 万" and recorded.json()["result_at"]
    stale = client.post(result_url, {"result": "改", "version": 1}, format="json")
    assert stale.status_code == 409


def test_a_supervisor_of_the_team_plans_through_the_api_and_every_result_is_listed(
    api, org, django_assert_max_num_queries
):
    opportunity = assigned(org)
    items = url(opportunity, "plan-items")
    created = api("supervisor").post(
        items, {"date": "2026-03-02", "content": "技术交流"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["created_by"] == org["supervisor"].pk
    result_url = f"{items}{created.json()['id']}/result/"
    api("manager1").post(result_url, {"result": "初步认可"}, format="json")
    again = api("supervisor").post(result_url, {"result": "正式认可"}, format="json")
    assert again.status_code == 200 and again.json()["result_by"] == org["supervisor"].pk
    for day in range(3, 9):
        item = services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=f"2026-03-0{day}", content="拜访"
        )
        services.plan_item_record_result(actor=org["manager1"], item=item, result="好")
    client = api("manager1")
    with django_assert_max_num_queries(8):
        listed = client.get(items).json()
    assert [(r["text"], r["created_by"]) for r in listed[0]["results"]] == [
        ("初步认可", org["manager1"].pk),
        ("正式认可", org["supervisor"].pk),
    ]
    north = api("supervisor2").post(items, {"date": "2026-03-02", "content": "x"}, format="json")
    assert north.status_code == 404


def test_success_may_open_the_deal_carrying_the_expected_amount(api, org):
    opportunity = assigned(org, expected_amount="64000.50", expected_close_date="2026-11-30")
    row = api("manager1").get(url(opportunity)).json()
    assert (row["expected_amount"], row["expected_close_date"], row["deal"]) == (
        "64000.50",
        "2026-11-30",
        None,
    )
    response = api("manager1").post(url(opportunity, "succeed"), {"open_deal": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    deal = api("manager1").get(f"/api/deals/{body['deal']}/").json()
    assert deal["amount"] == "64000.50" and deal["opportunity"] == opportunity.pk
    assert deal["customer"] == body["customer"] and deal["expected_close_date"] == "2026-11-30"
    assert body["opportunity"]["deal"] == body["deal"]
    assert api("manager1").get(url(opportunity)).json()["deal"] == body["deal"]


def test_a_negative_expected_amount_names_the_field(api, english):
    response = api("manager1").post(LIST, payload(expected_amount="-5"), format="json")
    assert response.status_code == 400
    assert "expected_amount" in str(response.json())


def test_plan_errors(api, org, english):
    unassigned = new(org)
    early = api("manager1").post(
        url(unassigned, "plan-items"), {"date": "2026-03-02", "content": "拜访"}, format="json"
    )
    assert early.status_code == 422 and "Assign this opportunity first" in error(early)["message"]

    opportunity = assigned(org, creator="manager2")
    items = url(opportunity, "plan-items")
    not_assignee = api("manager2").post(
        items, {"date": "2026-03-02", "content": "拜访"}, format="json"
    )
    assert not_assignee.status_code == 403 and "Only 张伟" in error(not_assignee)["message"]
    bad_date = api("manager1").post(items, {"date": "soon", "content": "拜访"}, format="json")
    assert bad_date.status_code == 400 and "date" in error(bad_date)["fields"]
    blank = api("manager1").post(items, {"date": "2026-03-02", "content": "   "}, format="json")
    assert blank.status_code == 400 and "content" in error(blank)["fields"]
    assert api("manager3").get(items).status_code == 404
    assert not PlanItem.objects.exists()

    item = api("manager1").post(items, {"date": "2026-03-02", "content": "拜访"}, format="json")
    item_id = item.json()["id"]
    other = assigned(org)
    assert (
        api("manager1")
        .post(f"{url(other, 'plan-items')}{item_id}/result/", {"result": "x"}, format="json")
        .status_code
        == 404
    )
    for garbage in ("abc", "0", str(2**70)):
        response = api("manager1").post(f"{items}{garbage}/result/", {"result": "x"}, format="json")
        assert response.status_code == 404, garbage
    empty = api("manager1").post(f"{items}{item_id}/result/", {"result": ""}, format="json")
    assert empty.status_code == 400 and "result" in error(empty)["fields"]
    by_creator = api("manager2").post(f"{items}{item_id}/result/", {"result": "好"}, format="json")
    assert by_creator.status_code == 403


# --- finishing --------------------------------------------------------------------------------


def test_success_answers_the_created_customer(api, org):
    opportunity = assigned(org, contact="陈静", contact_phone="13600001111")
    response = api("manager1").post(url(opportunity, "succeed"), {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    customer = Customer.objects.get(pk=body["customer"])
    assert body["opportunity"]["status"] == "won"
    assert body["opportunity"]["customer"] == customer.pk
    assert customer.name == "苏州瑞德电子有限公司" and customer.owner == org["manager1"]
    assert Contact.objects.get(customer=customer, is_primary=True).name == "陈静"
    assert api("manager1").get(f"/api/customers/{customer.pk}/").status_code == 200

    twice = api("manager1").post(url(opportunity, "succeed"), {}, format="json")
    assert twice.status_code == 422


def test_success_with_duplicates_answers_409_until_confirmed(api, org):
    mine = CustomerFactory(owner=org["manager1"], name="苏州瑞德电子")
    CustomerFactory(owner=org["manager3"], name="苏州瑞德电子股份有限公司")
    opportunity = assigned(org)
    refused = api("manager1").post(url(opportunity, "succeed"), {}, format="json")
    assert refused.status_code == 409
    assert error(refused)["code"] == "duplicate"
    assert error(refused)["candidates"] == [mine.pk]
    assert error(refused)["hidden_candidates"] == 1
    assert Opportunity.objects.get(pk=opportunity.pk).status == "assigned"

    confirmed = api("manager1").post(
        url(opportunity, "succeed"), {"confirm_duplicate": True}, format="json"
    )
    assert confirmed.status_code == 200
    assert confirmed.json()["customer"] not in (mine.pk,)


def test_success_errors(api, org):
    assert api("manager1").post(url(new(org), "succeed"), {}, format="json").status_code == 422
    opportunity = assigned(org)
    assert api("supervisor").post(url(opportunity, "succeed"), {}, format="json").status_code == 403
    assert api("manager2").post(url(opportunity, "succeed"), {}, format="json").status_code == 404
    stale = api("manager1").post(url(opportunity, "succeed"), {"version": 1}, format="json")
    assert stale.status_code == 409 and error(stale)["code"] == "conflict"
    assert api("exec").post(url(opportunity, "succeed"), {}, format="json").status_code == 403


def test_termination(api, org, english):
    opportunity = assigned(org)
    target = url(opportunity, "terminate")
    missing = api("manager1").post(target, {}, format="json")
    assert missing.status_code == 400 and "reason" in error(missing)["fields"]
    wrong_kind = api("manager1").post(
        target, {"reason": dictionary("churn_reason", "price").pk}, format="json"
    )
    assert wrong_kind.status_code == 400 and "reason" in error(wrong_kind)["fields"]
    reason = dictionary("lost_reason", "no_budget")
    not_assignee = api("supervisor").post(target, {"reason": reason.pk}, format="json")
    assert not_assignee.status_code == 403

    response = api("manager1").post(
        target, {"reason": reason.pk, "details": "预算冻结"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "lost" and body["lost_reason"] == reason.pk
    assert body["lost_details"] == "预算冻结" and body["closed_at"]
    again = api("manager1").post(target, {"reason": reason.pk}, format="json")
    assert again.status_code == 422 and "closed" in error(again)["message"]
    plan = api("manager1").post(
        url(opportunity, "plan-items"), {"date": "2026-03-02", "content": "x"}, format="json"
    )
    assert plan.status_code == 422


def test_the_endpoints_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/opportunities/"])
    assert {"get", "put", "patch", "delete"} <= set(paths["/api/opportunities/{id}/"])
    assert "post" in paths["/api/opportunities/{id}/assign/"]
    assert {"get", "post"} <= set(paths["/api/opportunities/{id}/plan-items/"])
    assert "post" in paths["/api/opportunities/{id}/plan-items/{item_id}/result/"]
    assert "409" in paths["/api/opportunities/{id}/succeed/"]["post"]["responses"]
    assert "post" in paths["/api/opportunities/{id}/terminate/"]
    filters = {p["name"] for p in paths["/api/opportunities/"]["get"]["parameters"]}
    assert {"status", "assigned_to", "mine", "search"} <= filters
