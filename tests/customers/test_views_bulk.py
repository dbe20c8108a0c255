"""The bulk actions of the customer list page: reassign, export and tag the selected rows."""

import pytest
from django.urls import reverse

from guanxi.customers.models import Customer

BULK = reverse("customers:bulk_reassign")


def owner_of(customer) -> str | None:
    owner = Customer.objects.get(pk=customer.pk).owner
    return owner.username if owner else None


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
    # The new owner is typed and chosen in a picker, not picked from a select of every user;
    # the form checks the choice against the supervisor's team (test_services_bulk).
    bar = html[html.index('data-testid="customer-bulk"') :]
    assert 'data-picker="user"' in bar and 'data-testid="bulk-owner"' in bar
    assert '<select name="owner"' not in bar


def test_list_page_of_an_executive_has_export_but_no_reassign(customers, login):
    html = login("exec").get(reverse("customers:list")).content.decode()
    assert 'data-testid="bulk-export-csv"' in html
    assert 'data-testid="bulk-reassign"' not in html


# -- bulk add tag ------------------------------------------------------------------------------


def tags_of(customer) -> str:
    return Customer.objects.get(pk=customer.pk).tags


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
