"""The leads API 线索: scope per role, filters, create (scored and routed), convert both ways,
double conversion refused, disqualify, forbidden cases and the list's query budget."""

import pytest

from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.services import leads as services

pytestmark = pytest.mark.django_db


def _lead(org, owner="manager1", **fields):
    fields.setdefault("name", "王五")
    return services.lead_create(actor=org["admin"], owner=org[owner] if owner else None, **fields)


def _ids(response):
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def test_scope_per_role_and_filters(org, api):
    mine = _lead(org)
    north = _lead(org, owner="manager3")
    unowned = _lead(org, owner=None)
    assert _ids(api("manager1").get("/api/leads/")) == {mine.pk}
    assert _ids(api("assistant").get("/api/leads/")) == {mine.pk}
    assert _ids(api("supervisor").get("/api/leads/")) == {mine.pk, unowned.pk}
    assert _ids(api("exec").get("/api/leads/")) == {mine.pk, north.pk, unowned.pk}
    admin = api("admin")
    assert _ids(admin.get("/api/leads/", {"owner": org["manager3"].pk})) == {north.pk}
    assert _ids(admin.get("/api/leads/", {"status": "new"})) == {unowned.pk}
    assert _ids(admin.get("/api/leads/", {"search": "王"})) == {mine.pk, north.pk, unowned.pk}
    assert api("manager1").get(f"/api/leads/{north.pk}/").status_code == 404
    assert api().get("/api/leads/").status_code in (401, 403)


def test_create_is_scored_and_routed(org, api):
    LeadRoutingRule.objects.create(user=org["manager2"])
    response = api("supervisor").post(
        "/api/leads/",
        {"name": "王五", "company": "五星公司", "phone": "13800000000", "source": "campaign"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["score"] == 65 and body["owner"] == org["manager2"].pk
    assert body["status"] == "assigned"


def test_create_refuses_bad_input_and_executives(org, api):
    bad = api("manager1").post("/api/leads/", {"name": "", "email": "x"}, format="json")
    assert bad.status_code == 400
    assert api("exec").post("/api/leads/", {"name": "王五"}, format="json").status_code == 403


def test_convert_to_opportunity_once(org, api):
    lead = _lead(org, company="五星公司")
    client = api("manager1")
    response = client.post(
        f"/api/leads/{lead.pk}/convert/", {"to": "opportunity", "probability": 40}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "converted" and body["converted_opportunity"]
    again = client.post(f"/api/leads/{lead.pk}/convert/", {"to": "customer"}, format="json")
    assert again.status_code == 422


def test_convert_to_customer_with_duplicates(org, api, customers):
    client = api("manager1")
    lead = _lead(org, company="全新科技有限公司")
    response = client.post(f"/api/leads/{lead.pk}/convert/", {"to": "customer"}, format="json")
    assert response.status_code == 200
    assert response.json()["converted_customer"]
    twin = _lead(org, company="全新科技有限公司")
    refused = client.post(f"/api/leads/{twin.pk}/convert/", {"to": "customer"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "duplicate"
    confirmed = client.post(
        f"/api/leads/{twin.pk}/convert/",
        {"to": "customer", "confirm_duplicate": True},
        format="json",
    )
    assert confirmed.status_code == 200


def test_forbidden_cases(org, api):
    lead = _lead(org)
    # Another manager does not see it; the executive sees it but may not write.
    assert (
        api("manager2").post(f"/api/leads/{lead.pk}/disqualify/", {"reason": "x"}).status_code
        == 404
    )
    assert (
        api("exec")
        .post(f"/api/leads/{lead.pk}/disqualify/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api("manager1")
        .post(f"/api/leads/{lead.pk}/assign/", {"owner": org["manager2"].pk}, format="json")
        .status_code
        == 403
    )
    bad = api("manager1").post(f"/api/leads/{lead.pk}/convert/", {"to": "x"}, format="json")
    assert bad.status_code == 400


def test_disqualify_then_no_more_changes(org, api):
    lead = _lead(org)
    client = api("manager1")
    response = client.post(f"/api/leads/{lead.pk}/disqualify/", {"reason": "空号"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "disqualified"
    patch = client.patch(f"/api/leads/{lead.pk}/", {"name": "新名字", "version": 2}, format="json")
    assert patch.status_code == 422
    assert Lead.objects.get(pk=lead.pk).name == "王五"


def test_update_rescores_and_delete(org, api):
    lead = _lead(org, source="import")
    client = api("manager1")
    response = client.patch(
        f"/api/leads/{lead.pk}/", {"phone": "13800000000", "version": lead.version}, format="json"
    )
    assert response.status_code == 200 and response.json()["score"] == 25
    gone = client.delete(f"/api/leads/{lead.pk}/")
    assert gone.status_code == 204
    assert not Lead.objects.filter(pk=lead.pk).exists()


def test_list_query_budget(org, api, django_assert_max_num_queries):
    client = api("supervisor")
    for i in range(3):
        _lead(org, name=f"客户{i}")
    client.get("/api/leads/")
    with django_assert_max_num_queries(12) as few:
        client.get("/api/leads/")
    for i in range(25):
        _lead(org, owner="manager2" if i % 2 else None, name=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/leads/").json()["results"]) > 3


def test_a_refused_conversion_keeps_the_notice_about_a_withheld_duplicate(org, api):
    from django.contrib.auth.models import Group

    from guanxi.collaboration.models import Notification
    from guanxi.customers.notifications import POSSIBLE_DUPLICATE
    from guanxi.customers.services.customers import customer_create
    from guanxi.customers.services.field_rules import field_rule_create

    existing = customer_create(
        actor=org["supervisor"],
        owner=org["manager2"],
        name="上海恒通科技有限公司",
        phone="13812348000",
    )
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="hidden",
    )
    lead = _lead(org, company="恒通（上海）", phone="13812348000")
    refused = api("manager1").post(
        f"/api/leads/{lead.pk}/convert/", {"to": "customer"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["candidates"] == []  # not named to the reader
    (notice,) = Notification.objects.filter(recipient=org["manager2"], kind=POSSIBLE_DUPLICATE)
    assert notice.url.endswith(f"/{existing.pk}/")
    assert Lead.objects.get(pk=lead.pk).status != Lead.Status.CONVERTED
