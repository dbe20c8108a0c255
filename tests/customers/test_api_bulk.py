"""The bulk API: reassign and tag the selected customers, all or nothing, within scope."""

from guanxi.customers.models import Customer


def owner_of(customer) -> str | None:
    owner = Customer.objects.get(pk=customer.pk).owner
    return owner.username if owner else None


# -- the API ---------------------------------------------------------------------------------

API_BULK = "/api/customers/bulk-reassign/"


def api_post(client, data):
    return client.post(API_BULK, data, content_type="application/json")


def test_api_bulk_reassign_moves_the_customers(customers, login, org):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    response = api_post(login("supervisor"), {"ids": chosen, "owner": org["manager2"].pk})
    assert response.status_code == 200
    assert response.json() == {"changed": 2, "owner": org["manager2"].pk}
    assert owner_of(customers["manager1"]) == owner_of(customers["supervisor"]) == "manager2"


def test_api_bulk_reassign_out_of_scope_id_is_404_and_changes_nothing(customers, login, org):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    response = api_post(login("supervisor"), {"ids": chosen, "owner": org["manager2"].pk})
    assert response.status_code == 404
    assert response.json()["error"]["code"]
    assert owner_of(customers["manager1"]) == "manager1"


def test_api_bulk_reassign_rights_and_input(customers, login, org, english):
    body = {"ids": [customers["manager1"].pk], "owner": org["manager2"].pk}
    assert api_post(login("exec"), body).status_code == 403
    refused = api_post(login("supervisor"), {**body, "owner": org["manager3"].pk})
    assert refused.status_code == 400
    assert "owner" in refused.json()["error"]["fields"]
    empty = api_post(login("supervisor"), {"ids": [], "owner": org["manager2"].pk})
    assert empty.status_code == 400
    assert "ids" in empty.json()["error"]["fields"]
    assert owner_of(customers["manager1"]) == "manager1"


# -- bulk add tag ------------------------------------------------------------------------------


def tags_of(customer) -> str:
    return Customer.objects.get(pk=customer.pk).tags


def test_api_bulk_tag_tags_all_or_nothing(customers, login, org, english):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    url = "/api/customers/bulk-tag/"
    response = login("supervisor").post(
        url, {"ids": chosen, "tag": "展会"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"changed": 2}
    assert tags_of(customers["manager1"]) == tags_of(customers["supervisor"]) == ",展会,"
    outside = [customers["manager2"].pk, customers["manager3"].pk]
    refused = login("supervisor").post(
        url, {"ids": outside, "tag": "重点"}, content_type="application/json"
    )
    assert refused.status_code == 404 and tags_of(customers["manager2"]) == ""
    assert (
        login("exec")
        .post(url, {"ids": chosen, "tag": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    blank = login("supervisor").post(
        url, {"ids": chosen, "tag": ""}, content_type="application/json"
    )
    assert blank.status_code == 400 and "tag" in blank.json()["error"]["fields"]
