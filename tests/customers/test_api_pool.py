"""The customer pool over the API: list, claim, assign, release, and every error answer."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from guanxi.accounts import roles
from guanxi.accounts.models import User
from guanxi.customers.models import Customer, CustomerEvent, OwnershipCap
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

POOL = "/api/customers/pool/"


pytestmark = pytest.mark.usefixtures("english")


def claim(customer) -> str:
    return f"/api/customers/{customer.pk}/claim/"


def assign(customer) -> str:
    return f"/api/customers/{customer.pk}/assign/"


def release(customer) -> str:
    return f"/api/customers/{customer.pk}/release/"


def owner_of(customer):
    return Customer.objects.get(pk=customer.pk).owner


# -- list ------------------------------------------------------------------------------------


def test_every_rep_lists_the_whole_pool(customers, api):
    other = CustomerFactory(owner=None)
    response = api("manager3").get(POOL)
    assert response.status_code == 200
    assert {row["id"] for row in response.data["results"]} == {customers["pool"].pk, other.pk}
    row = next(r for r in response.data["results"] if r["id"] == other.pk)
    assert set(row) == {
        "id",
        "code",
        "name",
        "kind",
        "level",
        "region",
        "industry",
        "created_at",
        "version",
    }


def test_the_pool_list_filters_and_searches(customers, api):
    major = dictionary("customer_level", "major")
    wanted = CustomerFactory(owner=None, name="大连重工", level=major)
    client = api("manager1")
    assert [r["id"] for r in client.get(POOL, {"level": major.pk}).data["results"]] == [wanted.pk]
    assert [r["id"] for r in client.get(POOL, {"search": "大连"}).data["results"]] == [wanted.pk]
    response = client.get(POOL, {"level": "abc"})
    assert response.status_code == 400
    assert "level" in response.data["error"]["fields"]


def test_the_pool_list_queries_are_constant(org, api, django_assert_max_num_queries):
    major = dictionary("customer_level", "major")
    for _ in range(3):
        CustomerFactory(owner=None, level=major)
    client = api("manager1")
    client.get(POOL)  # the user's rights are loaded once and cached
    with django_assert_max_num_queries(8) as few:
        assert client.get(POOL).status_code == 200
    for _ in range(20):
        CustomerFactory(owner=None, level=major)
    with django_assert_max_num_queries(8) as many:
        assert client.get(POOL).status_code == 200
    assert len(many) == len(few)


def test_the_pool_list_needs_authentication_and_the_view_right(org):
    assert APIClient().get(POOL).status_code == 401
    client = APIClient()
    client.force_authenticate(User.objects.create_user("nobody"))
    assert client.get(POOL).status_code == 403


# -- claim -----------------------------------------------------------------------------------


def test_claim(customers, api, org):
    response = api("manager1").post(claim(customers["pool"]))
    assert response.status_code == 200
    assert response.data["owner"] == org["manager1"].pk
    assert response.data["owner_name"] == str(org["manager1"])
    assert response.data["owned_since"]
    assert owner_of(customers["pool"]) == org["manager1"]
    assert CustomerEvent.objects.get(customer=customers["pool"]).kind == "claimed"


def test_claim_of_an_owned_customer_in_scope_is_409(customers, api):
    response = api("supervisor").post(claim(customers["manager1"]))
    assert response.status_code == 409
    assert response.data["error"]["code"] == "conflict"


def test_claim_of_an_unreadable_customer_is_404(customers, api):
    for path in (
        claim(customers["manager2"]),
        "/api/customers/abc/claim/",
        "/api/customers/0/claim/",
    ):
        response = api("manager1").post(path)
        assert response.status_code == 404, path
        assert response.data["error"]["code"] == "not_found"


@pytest.mark.parametrize("username", ["exec", "assistant"])
def test_claim_without_the_right_is_403(customers, api, username):
    assert api(username).post(claim(customers["pool"])).status_code == 403
    assert owner_of(customers["pool"]) is None


def test_claim_over_the_cap_is_422(customers, api):
    OwnershipCap.objects.create(role=Group.objects.get(name=roles.ACCOUNT_MANAGER), max_owned=1)
    response = api("manager1").post(claim(customers["pool"]))
    assert response.status_code == 422
    assert response.data["error"]["code"] == "business_rule"
    assert "already owns 1 customer," in response.data["error"]["message"]


# -- assign ----------------------------------------------------------------------------------


def test_assign(customers, api, org):
    response = api("supervisor").post(
        assign(customers["pool"]), {"owner": org["manager2"].pk}, format="json"
    )
    assert response.status_code == 200
    assert response.data["owner"] == org["manager2"].pk


def test_assign_errors_name_the_owner_field(customers, api, org):
    client = api("supervisor")
    for body in ({}, {"owner": 999999}, {"owner": org["manager3"].pk}):
        response = client.post(assign(customers["pool"]), body, format="json")
        assert response.status_code == 400, body
        assert "owner" in response.data["error"]["fields"]
    assert owner_of(customers["pool"]) is None


def test_reps_cannot_assign(customers, api, org):
    response = api("manager1").post(
        assign(customers["pool"]), {"owner": org["manager1"].pk}, format="json"
    )
    assert response.status_code == 403


def test_assign_over_the_owners_cap_is_422_on_owner(customers, api, org):
    OwnershipCap.objects.create(role=Group.objects.get(name=roles.ACCOUNT_MANAGER), max_owned=1)
    response = api("supervisor").post(
        assign(customers["pool"]), {"owner": org["manager2"].pk}, format="json"
    )
    assert response.status_code == 422
    assert "owner" in response.data["error"]["fields"]


# -- release ---------------------------------------------------------------------------------


def test_release(customers, api):
    customer = customers["manager1"]
    response = api("manager1").post(release(customer), {"reason": "不再合作"}, format="json")
    assert response.status_code == 200
    assert response.data["owner"] is None
    assert CustomerEvent.objects.get(customer=customer).text == "不再合作"


def test_release_needs_a_reason(customers, api):
    response = api("manager1").post(release(customers["manager1"]), {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.data["error"]["fields"]
    response = api("manager1").post(
        release(customers["manager1"]), {"reason": "x" * 501}, format="json"
    )
    assert response.status_code == 400


def test_release_rights(customers, api):
    body = {"reason": "x"}
    assert (
        api("manager2").post(release(customers["manager1"]), body, format="json").status_code == 404
    )
    assert (
        api("assistant").post(release(customers["manager1"]), body, format="json").status_code
        == 403
    )
    assert api("exec").post(release(customers["manager1"]), body, format="json").status_code == 403
    assert api("manager1").post(release(customers["pool"]), body, format="json").status_code == 409
    assert (
        api("supervisor").post(release(customers["manager1"]), body, format="json").status_code
        == 200
    )


def test_pool_paths_do_not_fall_to_the_router(customers, api):
    # "pool" is no customer id: the pool list answers, not the customer detail's 404.
    assert api("manager1").get(POOL).status_code == 200
    assert api("manager1").post("/api/customers/pool/claim/").status_code == 404
