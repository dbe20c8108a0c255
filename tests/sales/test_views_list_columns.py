"""The column chooser and saved views on the lead, opportunity, quote, contract, service and
deal lists."""

from decimal import Decimal

import pytest
from django.urls import reverse

from guanxi.core import lists
from guanxi.core.models import SavedListView
from guanxi.sales.services import leads as services_leads
from guanxi.sales.services import opportunities as services_opportunities
from guanxi.sales.services import pipeline as services_pipeline
from tests.sales.fixtures.contracts import make_contract
from tests.sales.fixtures.quotes import make_quote
from tests.service.fixtures.requests import new as new_request

pytestmark = pytest.mark.django_db

# (list page, an optional column, the text of its header in English)
LISTS = [
    ("sales:lead_list", "company", "Company"),
    ("sales:opportunity_list", "summary", "Summary"),
    ("sales:quote_list", "valid_until", "Valid until"),
    ("sales:contract_list", "title", "Title"),
    ("service:request_list", "channel", "Channel"),
    ("sales:deal_list", "stage", "Stage"),
]


@pytest.fixture
def records(org, customers, products):
    manager = org["manager1"]
    services_leads.lead_create(actor=manager, name="王五", company="恒通")
    services_opportunities.opportunity_create(
        actor=manager, prospect_name="恒通", summary="服务器", probability=50
    )
    make_quote(manager, customers["manager1"], products)
    make_contract(manager, customers["manager1"])
    new_request(org, customers)
    services_pipeline.deal_create(
        actor=manager,
        customer=customers["manager1"],
        owner=manager,
        title="年度采购",
        amount=Decimal("10000.00"),
        stage=None,
    )


@pytest.mark.parametrize(("page", "column", "header"), LISTS)
def test_each_list_offers_the_column_chooser_and_hides_a_column(
    records, login, english, page, column, header
):
    client = login("exec")
    url = reverse(page)
    shown = client.get(url, {"queue": "all"} if page.startswith("service") else {})
    html = shown.content.decode()
    assert 'data-testid="column-chooser"' in html and 'data-testid="list-views"' in html
    assert f'data-column="{column}"' in html and f">{header}</th>" in html
    params = {
        "cols": [
            key
            for key in lists.registered(shown.context["listing"].key).column_keys
            if key != column
        ]
    }
    if page.startswith("service"):
        params["queue"] = "all"
    hidden = client.get(url, params).content.decode()
    assert f'<td data-column="{column}"' not in hidden and f">{header}</th>" not in hidden
    assert 'data-testid="column-chooser"' in hidden


@pytest.mark.parametrize(("page", "column", "header"), LISTS)
def test_a_view_saved_on_the_list_keeps_its_columns(records, org, login, page, column, header):
    client = login("manager1")
    listing = client.get(reverse(page)).context["listing"]
    response = client.post(
        reverse("core:list_view_save"),
        {
            "list_key": listing.key,
            "name": "简洁",
            "query": "",
            "columns": [column],
            "next": reverse(page),
        },
    )
    assert response.status_code == 302
    view = SavedListView.objects.get(owner=org["manager1"], list_key=listing.key)
    assert view.columns == [column]


def test_the_deal_list_filters_by_owner_with_a_picker(records, org, customers, login):
    client = login("supervisor")
    page = client.get(reverse("sales:deal_list"))
    assert 'data-picker="user"' in page.content.decode()
    assert len(page.context["page"]) == 1
    other = client.get(reverse("sales:deal_list"), {"owner": org["manager2"].pk})
    assert len(other.context["page"]) == 0
    mine = client.get(reverse("sales:deal_list"), {"owner": org["manager1"].pk})
    assert [deal.title for deal in mine.context["page"]] == ["年度采购"]


def test_the_deal_list_reads_in_a_fixed_number_of_queries(
    records, org, customers, login, django_assert_max_num_queries
):
    client = login("supervisor")
    url = reverse("sales:deal_list")
    client.get(url)
    # The session, the user, rights, scope, the stages to filter by, the count, the total, the
    # rows and the saved views: the same whatever the number of deals.
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for number in range(10):
        services_pipeline.deal_create(
            actor=org["manager1"],
            customer=customers["manager1"],
            owner=org["manager1"],
            title=f"采购{number}",
            amount=Decimal("100.00"),
            stage=None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
