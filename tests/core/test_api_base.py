"""The API's shared behaviour: error format, pagination, ordering, throttling, locking, language."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from guanxi.core.api.errors import exception_handler
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.customers.models import Customer
from tests.customers.fixtures.customers import CustomerFactory


def _set_language(user, language):
    user.language = language
    user.save(update_fields=["language"])


def test_validation_error_names_the_field(org, api):
    _set_language(org["manager1"], "en")
    response = api("manager1").post("/api/customers/", {"email": "nope"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"]
    assert error["fields"]["name"] == ["This field is required."]
    assert error["fields"]["email"] == ["Enter a valid email address."]


def test_errors_speak_the_users_language(org, api):
    _set_language(org["manager1"], "zh-hans")
    client = api("manager1")
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")  # the user's own language wins over it
    response = client.post("/api/customers/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["name"] == ["该字段是必填项。"]


def test_anonymous_errors_follow_accept_language(db):
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/customers/")
    assert english.status_code == 401
    assert english.json()["error"]["code"] == "not_authenticated"
    assert "credentials were not provided" in english.json()["error"]["message"]
    assert english.headers["WWW-Authenticate"].startswith("Token")
    chinese = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/api/customers/")
    assert chinese.json()["error"]["message"] == "身份认证信息未提供。"


def test_not_found_has_the_error_format(org, api):
    response = api("admin").get("/api/customers/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("raw", ["abc", "0", "-3", "99999999999999999999999"])
def test_malformed_ids_are_not_found(org, api, raw):
    assert api("admin").get(f"/api/customers/{raw}/").status_code == 404


def test_pagination_shape_and_page_size_cap(org, api):
    CustomerFactory.create_batch(30, owner=org["manager1"])
    client = api("manager1")
    page = client.get("/api/customers/", {"page_size": 10}).json()
    assert set(page) == {"count", "count_is_exact", "next", "previous", "results"}
    assert page["count"] == 30 and page["count_is_exact"] and len(page["results"]) == 10
    assert page["previous"] is None and "page=2" in page["next"]
    capped = client.get("/api/customers/", {"page_size": 100000}).json()
    assert len(capped["results"]) == 30  # capped at 200, all 30 fit
    assert client.get("/api/customers/", {"page": 99}).status_code == 404


def test_long_lists_are_estimated_on_postgresql_and_their_pages_stay_exact(org, api, monkeypatch):
    from guanxi.core.api import pagination

    monkeypatch.setattr(pagination, "EXACT_COUNT_LIMIT", 3)
    CustomerFactory.create_batch(6, owner=org["manager1"])
    client = api("manager1")
    page = client.get("/api/customers/", {"page_size": 4}).json()
    if connection.vendor == "postgresql":
        assert page["count"] >= 4 and page["count_is_exact"] is False
    else:
        assert page["count"] == 6 and page["count_is_exact"] is True
    second = client.get("/api/customers/", {"page_size": 4, "page": 2}).json()
    ids = [row["id"] for row in page["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 6
    assert page["next"] and second["next"] is None and second["previous"]
    assert client.get("/api/customers/", {"page_size": 4, "page": 3}).status_code == 404


def test_ordering_by_allowed_field(org, api):
    for name in ["丙公司", "甲公司", "乙公司"]:
        CustomerFactory(owner=org["manager1"], name=name)
    names = [
        c["name"]
        for c in api("manager1").get("/api/customers/", {"ordering": "-name"}).json()["results"]
    ]
    assert names == sorted(names, reverse=True)


def test_unknown_ordering_field_is_refused_naming_the_parameter(org, api):
    response = api("manager1").get("/api/customers/", {"ordering": "password"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["ordering"]
    assert "password" in error["fields"]["ordering"][0]


def test_invalid_filter_value_is_a_field_error(org, api):
    response = api("manager1").get("/api/customers/", {"owner": "x"})
    assert response.status_code == 400
    assert "owner" in response.json()["error"]["fields"]


def test_throttled_requests_get_429_with_retry_after(org, api):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        client = api("manager1")
        assert client.get("/api/me/").status_code == 200
        assert client.get("/api/me/").status_code == 200
        response = client.get("/api/me/")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response.headers["Retry-After"]) <= 60


# --- optimistic locking -----------------------------------------------------------------


@pytest.fixture
def own_customer(org):
    return CustomerFactory(owner=org["manager1"], name="原名")


def test_detail_carries_etag_and_version(org, api, own_customer):
    response = api("manager1").get(f"/api/customers/{own_customer.pk}/")
    assert response.headers["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_patch_with_matching_if_match_saves_and_bumps_the_etag(org, api, own_customer):
    response = api("manager1").patch(
        f"/api/customers/{own_customer.pk}/", {"name": "新名"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.json()
    assert response.headers["ETag"] == '"2"'
    assert response.json()["version"] == 2
    own_customer.refresh_from_db()
    assert own_customer.name == "新名" and own_customer.version == 2


def test_stale_if_match_is_412_and_writes_nothing(org, api, own_customer):
    response = api("manager1").patch(
        f"/api/customers/{own_customer.pk}/", {"name": "新名"}, format="json", HTTP_IF_MATCH='"7"'
    )
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "precondition_failed"
    own_customer.refresh_from_db()
    assert own_customer.name == "原名" and own_customer.version == 1


def test_stale_body_version_is_409_and_writes_nothing(org, api, own_customer):
    Customer.objects.filter(pk=own_customer.pk).update(version=3)
    response = api("manager1").put(
        f"/api/customers/{own_customer.pk}/", {"name": "新名", "version": 2}, format="json"
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["current_version"] == 3
    own_customer.refresh_from_db()
    assert own_customer.name == "原名"


def test_current_body_version_saves(org, api, own_customer):
    response = api("manager1").put(
        f"/api/customers/{own_customer.pk}/", {"name": "新名", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_update_without_any_precondition_is_428(org, api, own_customer):
    response = api("manager1").patch(
        f"/api/customers/{own_customer.pk}/", {"name": "新名"}, format="json"
    )
    assert response.status_code == 428
    assert response.json()["error"]["code"] == "precondition_required"
    own_customer.refresh_from_db()
    assert own_customer.name == "原名"


def test_delete_with_stale_if_match_is_412(org, api, own_customer):
    client = api("manager1")
    url = f"/api/customers/{own_customer.pk}/"
    assert client.delete(url, HTTP_IF_MATCH='"5"').status_code == 412
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 204
    assert Customer.all_objects.get(pk=own_customer.pk).is_deleted


def test_unknown_api_path_is_a_json_404(db):
    response = APIClient().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_missing_trailing_slash_still_redirects(org, api):
    response = api("manager1").get("/api/customers")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/api/customers/")


# --- service exceptions → HTTP ----------------------------------------------------------


def _handled(exc):
    response = exception_handler(exc, {})
    return response.status_code, response.data["error"]


def test_service_exceptions_map_to_status_codes(db):
    status, error = _handled(DjangoValidationError({"owner": ["Not yours."]}))
    assert status == 400 and error["fields"] == {"owner": ["Not yours."]}
    status, error = _handled(DjangoValidationError("Whole form is wrong."))
    assert status == 400 and error["message"] == "Whole form is wrong."
    status, error = _handled(PermissionDenied("No."))
    assert status == 403 and error == {"code": "permission_denied", "message": "No."}
    status, error = _handled(ConflictError(current_version=4))
    assert status == 409 and error["code"] == "conflict" and error["current_version"] == 4
    status, error = _handled(BusinessRuleError({"status": ["Cannot reopen."]}))
    assert status == 422 and error["code"] == "business_rule"
    assert error["message"] == "Cannot reopen." and error["fields"] == {
        "status": ["Cannot reopen."]
    }
    assert _handled(Customer.DoesNotExist())[0] == 404


def test_unexpected_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None
