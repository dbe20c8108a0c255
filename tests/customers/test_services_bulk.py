"""Reassigning customers' owners, one at a time (service) and in bulk (service, page)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from guanxi.core.exceptions import ConflictError
from guanxi.customers import reassign_hooks
from guanxi.customers.models import Customer
from guanxi.customers.services import customers as services

BULK = reverse("customers:bulk_reassign")


def owner_of(customer) -> str | None:
    owner = Customer.objects.get(pk=customer.pk).owner
    return owner.username if owner else None


# -- customer_reassign -----------------------------------------------------------------------


def test_reassign_moves_the_owner_and_logs_who_from_and_to(customers, org, english):
    customer = customers["manager1"]
    with translation.override("en"):
        services.customer_reassign(
            actor=org["supervisor"], customer=customer, owner=org["manager2"]
        )
    assert owner_of(customer) == "manager2"
    entry = Customer.history.filter(id=customer.pk).order_by("-history_date").first()
    assert entry.history_user == org["supervisor"]
    assert entry.history_change_reason == (
        f"Reassigned from {org['manager1']} to {org['manager2']}"
    )
    assert Customer.objects.get(pk=customer.pk).version == customer.version


def test_reassign_to_the_current_owner_changes_nothing(customers, org):
    customer = customers["manager1"]
    before = Customer.history.filter(id=customer.pk).count()
    services.customer_reassign(actor=org["supervisor"], customer=customer, owner=org["manager1"])
    assert Customer.history.filter(id=customer.pk).count() == before
    assert Customer.objects.get(pk=customer.pk).version == customer.version


def test_reassign_refuses_an_owner_the_actor_may_not_assign_to(customers, org):
    with pytest.raises(ValidationError) as refused:
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=org["manager3"]
        )
    assert "owner" in refused.value.message_dict
    assert owner_of(customers["manager1"]) == "manager1"


def test_reassign_to_nobody_is_refused(customers, org):
    with pytest.raises(ValidationError):
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=None
        )


def test_reassign_of_a_customer_outside_the_scope_does_not_exist(customers, org):
    with pytest.raises(Customer.DoesNotExist):
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager3"], owner=org["manager1"]
        )
    assert owner_of(customers["manager3"]) == "manager3"


def test_executives_may_not_reassign(customers, org):
    with pytest.raises(PermissionDenied):
        services.customer_reassign(
            actor=org["exec"], customer=customers["manager1"], owner=org["manager2"]
        )


def test_an_account_manager_cannot_give_a_customer_away(customers, org):
    with pytest.raises(ValidationError):
        services.customer_reassign(
            actor=org["manager1"], customer=customers["manager1"], owner=org["manager2"]
        )


def test_administrators_reassign_anything_including_pool_customers(customers, org):
    services.customer_reassign(
        actor=org["admin"], customer=customers["pool"], owner=org["manager3"]
    )
    assert owner_of(customers["pool"]) == "manager3"


def test_a_stale_version_is_a_conflict(customers, org):
    customer = customers["manager1"]
    with pytest.raises(ConflictError):
        services.customer_reassign(
            actor=org["supervisor"],
            customer=customer,
            owner=org["manager2"],
            expected_version=customer.version - 1,
        )
    assert owner_of(customer) == "manager1"


def test_reassign_hooks_move_open_work_in_the_same_transaction(customers, org):
    calls = []

    def move(*, actor, customer, previous, owner):
        calls.append((actor.username, customer.pk, previous.username, owner.username))

    def fail(**kwargs):
        raise RuntimeError("open work could not move")

    reassign_hooks.register(move)
    try:
        services.customer_reassign(
            actor=org["supervisor"], customer=customers["manager1"], owner=org["manager2"]
        )
        assert calls == [("supervisor", customers["manager1"].pk, "manager1", "manager2")]
        reassign_hooks.register(fail)
        with pytest.raises(RuntimeError):
            services.customer_reassign(
                actor=org["supervisor"], customer=customers["supervisor"], owner=org["manager2"]
            )
    finally:
        reassign_hooks.unregister(move)
        reassign_hooks.unregister(fail)
    # The failing hook undid the whole reassignment, the customer's new owner included.
    assert owner_of(customers["supervisor"]) == "supervisor"


# -- customers_bulk_reassign -----------------------------------------------------------------


def test_bulk_reassign_moves_every_selected_customer(customers, org):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk, customers["manager2"].pk]
    changed = services.customers_bulk_reassign(
        actor=org["supervisor"], customer_ids=chosen, owner=org["manager2"]
    )
    assert changed == 2  # manager2's own customer already had that owner
    assert {owner_of(Customer(pk=pk)) for pk in chosen} == {"manager2"}


def test_bulk_reassign_with_one_id_outside_the_scope_changes_nothing(customers, org):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    with pytest.raises(Customer.DoesNotExist):
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=chosen, owner=org["manager2"]
        )
    assert owner_of(customers["manager1"]) == "manager1"
    assert owner_of(customers["manager3"]) == "manager3"


def test_bulk_reassign_with_an_unknown_or_deleted_id_changes_nothing(customers, org):
    gone = customers["supervisor"]
    services.customer_delete(actor=org["admin"], customer=gone)
    for missing in (gone.pk, 999_999):
        with pytest.raises(Customer.DoesNotExist):
            services.customers_bulk_reassign(
                actor=org["supervisor"],
                customer_ids=[customers["manager1"].pk, missing],
                owner=org["manager2"],
            )
    assert owner_of(customers["manager1"]) == "manager1"


def test_bulk_reassign_needs_a_selection_and_an_owner(customers, org):
    with pytest.raises(ValidationError) as empty:
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=[], owner=org["manager2"]
        )
    assert "ids" in empty.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        services.customers_bulk_reassign(
            actor=org["supervisor"], customer_ids=[customers["manager1"].pk], owner=None
        )
    assert "owner" in nobody.value.message_dict


def test_bulk_reassign_refuses_executives(customers, org):
    with pytest.raises(PermissionDenied):
        services.customers_bulk_reassign(
            actor=org["exec"], customer_ids=[customers["manager1"].pk], owner=org["manager2"]
        )


# -- the bulk page action --------------------------------------------------------------------


def test_bulk_page_reassigns_and_returns_to_the_filtered_list(customers, login, org, english):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    response = login("supervisor").post(
        BULK,
        {"ids": chosen, "owner": org["manager2"].pk, "back": "status=active&evil=1&sort=name"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("customers:list") + "?status=active&sort=name"
    assert "2 customers were given to" in response.content.decode()
    assert owner_of(customers["manager1"]) == owner_of(customers["supervisor"]) == "manager2"


def test_bulk_page_answers_404_when_any_row_is_outside_the_scope(customers, login, org):
    chosen = [customers["manager1"].pk, customers["manager3"].pk]
    response = login("supervisor").post(BULK, {"ids": chosen, "owner": org["manager2"].pk})
    assert response.status_code == 404
    assert owner_of(customers["manager1"]) == "manager1"


@pytest.mark.parametrize(("username", "status"), [("exec", 403), ("supervisor", 302)])
def test_bulk_page_rights(customers, login, org, username, status):
    response = login(username).post(
        BULK, {"ids": [customers["manager1"].pk], "owner": org["manager2"].pk}
    )
    assert response.status_code == status


def test_bulk_page_only_takes_posts(customers, login):
    assert login("supervisor").get(BULK).status_code == 405


def test_bulk_page_explains_a_missing_owner_or_selection(customers, login, english):
    client = login("supervisor")
    no_owner = client.post(BULK, {"ids": [customers["manager1"].pk]}, follow=True)
    assert "Choose the account manager" in no_owner.content.decode()
    no_rows = client.post(BULK, {"owner": customers["manager1"].owner_id}, follow=True)
    assert "Select at least one customer." in no_rows.content.decode()
    garbled = client.post(BULK, {"ids": ["1;DROP"], "owner": 1}, follow=True)
    assert "not a list of customer numbers" in garbled.content.decode()
    assert owner_of(customers["manager1"]) == "manager1"


def test_bulk_page_refuses_an_owner_outside_the_choices(customers, login, org):
    response = login("supervisor").post(
        BULK, {"ids": [customers["manager1"].pk], "owner": org["manager3"].pk}, follow=True
    )
    assert response.status_code == 200
    assert owner_of(customers["manager1"]) == "manager1"


def test_bulk_export_of_the_selected_rows_by_post(customers, login, english):
    chosen = [customers["manager1"].pk, customers["supervisor"].pk]
    response = login("supervisor").post(
        reverse("customers:export"), {"ids": chosen, "format": "csv"}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert customers["manager1"].code in text and customers["supervisor"].code in text
    assert customers["manager2"].code not in text


def test_list_page_has_row_checkboxes_and_the_bulk_bar(customers, login, org, english):
    html = login("supervisor").get(reverse("customers:list")).content.decode()
    assert 'data-testid="customer-bulk"' in html
    assert 'data-testid="bulk-select-page"' in html
    assert f'name="ids" value="{customers["manager1"].pk}" form="customer-bulk"' in html
    assert f'<option value="{org["manager2"].pk}">' in html
    assert f'<option value="{org["manager3"].pk}">' not in html


def test_list_page_of_an_executive_has_export_but_no_reassign(customers, login):
    html = login("exec").get(reverse("customers:list")).content.decode()
    assert 'data-testid="bulk-export-csv"' in html
    assert 'data-testid="bulk-reassign"' not in html


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


def test_bulk_tag_adds_the_tag_to_every_selected_customer_once(customers, org):
    first, second = customers["manager1"], customers["manager2"]
    services.customer_update(actor=org["supervisor"], customer=first, tags=["vip"])
    changed = services.customers_bulk_add_tag(
        actor=org["supervisor"], customer_ids=[first.pk, second.pk], tag=" VIP "
    )
    assert changed == 1
    assert tags_of(first) == ",vip," and tags_of(second) == ",vip,"


def test_bulk_tag_keeps_existing_tags(customers, org):
    customer = customers["manager1"]
    services.customer_update(actor=org["manager1"], customer=customer, tags=["华东"])
    services.customers_bulk_add_tag(actor=org["manager1"], customer_ids=[customer.pk], tag="重点")
    assert tags_of(customer) == ",华东,重点,"


def test_bulk_tag_with_an_out_of_scope_id_changes_nothing(customers, org):
    own, foreign = customers["manager1"], customers["manager3"]
    with pytest.raises(Customer.DoesNotExist):
        services.customers_bulk_add_tag(
            actor=org["manager1"], customer_ids=[own.pk, foreign.pk], tag="vip"
        )
    assert tags_of(own) == "" and tags_of(foreign) == ""


def test_bulk_tag_refuses_an_empty_tag_and_executives(customers, org):
    customer = customers["manager1"]
    with pytest.raises(ValidationError) as error:
        services.customers_bulk_add_tag(actor=org["manager1"], customer_ids=[customer.pk], tag=" ")
    assert "tag" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.customers_bulk_add_tag(actor=org["exec"], customer_ids=[customer.pk], tag="x")


def test_bulk_tag_page_adds_the_tag_and_answers_404_outside_the_scope(customers, login):
    client = login("manager1")
    own, foreign = customers["manager1"], customers["manager2"]
    url = reverse("customers:bulk_tag")
    response = client.post(url, {"ids": [own.pk], "tag": "复购"})
    assert response.status_code == 302
    assert tags_of(own) == ",复购,"
    assert client.post(url, {"ids": [own.pk, foreign.pk], "tag": "x"}).status_code == 404
    assert tags_of(foreign) == ""
    assert login("exec").post(url, {"ids": [own.pk], "tag": "x"}).status_code == 403


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
