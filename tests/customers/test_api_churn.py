"""The churn and merge endpoints: transitions allowed and refused, errors in the API's shape."""

import pytest

from guanxi.customers.models import ChurnCase, Contact, Customer
from guanxi.customers.services import churn as services_churn
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


@pytest.fixture
def warned(org):
    customer = CustomerFactory(owner=org["manager1"])
    services_churn.churn_warn(customer=customer)
    return customer


def _url(customer, action):
    pk = customer if isinstance(customer, (int, str)) else customer.pk
    return f"/api/customers/{pk}/churn/{action}/"


def test_postpone_then_add_measures_then_confirm(api, warned):
    client = api("manager1")
    first = client.post(_url(warned, "postpone"), {"measures": "上门拜访"}, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "postponed"
    second = client.post(_url(warned, "postpone"), {"measures": "赠送服务"}, format="json")
    assert [m["text"] for m in second.json()["measures"]] == ["上门拜访", "赠送服务"]

    reason = dictionary("churn_reason", "demand")
    confirmed = client.post(
        _url(warned, "confirm"), {"reason": reason.pk, "details": "业务转型"}, format="json"
    )
    assert confirmed.status_code == 200
    body = confirmed.json()
    assert body["state"] == "confirmed" and body["reason_code"] == "demand"
    assert len(body["measures"]) == 2  # the measures stay with the case
    warned.refresh_from_db()
    assert warned.status == Customer.Status.CHURNED


def test_confirm_without_a_warning_is_refused(org, api, customers):
    org["manager1"].language = "en"
    org["manager1"].save(update_fields=["language"])
    customer = customers["manager1"]
    reason = dictionary("churn_reason", "price")
    response = api("manager1").post(_url(customer, "confirm"), {"reason": reason.pk}, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "business_rule"
    assert "churn warning" in response.json()["error"]["message"]
    postpone = api("manager1").post(_url(customer, "postpone"), {"measures": "x"}, format="json")
    assert postpone.status_code == 422


def test_bad_input_names_the_field(api, warned):
    client = api("manager1")
    empty = client.post(_url(warned, "postpone"), {"measures": ""}, format="json")
    assert empty.status_code == 400 and "measures" in empty.json()["error"]["fields"]
    blank = client.post(_url(warned, "postpone"), {"measures": "   "}, format="json")
    assert blank.status_code == 400 and "measures" in blank.json()["error"]["fields"]
    wrong_kind = dictionary("lost_reason", "price")
    bad = client.post(_url(warned, "confirm"), {"reason": wrong_kind.pk}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["error"]["fields"]
    missing = client.post(_url(warned, "confirm"), {}, format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    assert ChurnCase.objects.get(customer=warned).state == "warning"


def test_churn_rights_and_scope(api, warned):
    body = {"measures": "x"}
    assert api("exec").post(_url(warned, "postpone"), body, format="json").status_code == 403
    assert api("manager2").post(_url(warned, "postpone"), body, format="json").status_code == 404
    assert api("supervisor2").post(_url(warned, "postpone"), body, format="json").status_code == 404
    assert api("manager1").post(_url("abc", "postpone"), body, format="json").status_code == 404
    assert api("manager1").post(_url(2**70, "postpone"), body, format="json").status_code == 404
    assert api("supervisor").post(_url(warned, "postpone"), body, format="json").status_code == 200


# -- merge ------------------------------------------------------------------------------------


@pytest.fixture
def pair(org):
    survivor = CustomerFactory(owner=org["manager1"])
    merged = CustomerFactory(owner=org["manager1"])
    ContactFactory(customer=survivor, is_primary=True)
    ContactFactory(customer=merged, is_primary=True)
    return survivor, merged


def test_merge_endpoint(api, pair):
    survivor, merged = pair
    response = api("manager1").post(
        f"/api/customers/{survivor.pk}/merge/",
        {"merged": merged.pk, "version": survivor.version, "merged_version": merged.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == survivor.pk
    assert response["ETag"] == f'"{response.json()["version"]}"'
    assert Contact.objects.filter(customer=survivor).count() == 2
    assert not Customer.objects.filter(pk=merged.pk).exists()


def test_merge_endpoint_errors(api, pair, customers):
    survivor, merged = pair
    url = f"/api/customers/{survivor.pk}/merge/"
    client = api("manager1")
    missing = client.post(url, {}, format="json")
    assert missing.status_code == 400 and "merged" in missing.json()["error"]["fields"]
    itself = client.post(url, {"merged": survivor.pk}, format="json")
    assert itself.status_code == 400 and "merged" in itself.json()["error"]["fields"]
    other = client.post(url, {"merged": customers["manager2"].pk}, format="json")
    assert other.status_code == 404
    stale = client.post(url, {"merged": merged.pk, "version": survivor.version + 3}, format="json")
    assert stale.status_code == 409
    assert api("exec").post(url, {"merged": merged.pk}, format="json").status_code == 403
    assert api("manager2").post(url, {"merged": merged.pk}, format="json").status_code == 404
    assert Customer.objects.filter(pk=merged.pk).exists()


def test_endpoints_are_in_the_schema(openapi_schema):
    schema = openapi_schema
    paths = schema["paths"]
    assert "post" in paths["/api/customers/{id}/churn/postpone/"]
    assert "post" in paths["/api/customers/{id}/churn/confirm/"]
    merge = paths["/api/customers/{id}/merge/"]["post"]
    ref = merge["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert "merged" in schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
