"""Owner and assignee filters are autocomplete pickers (no plain select listing users), and
they still filter; an id outside the reader's choices is a filter error, not a 500."""

import pytest
from django.urls import reverse

from guanxi.sales.services import leads as services_leads
from guanxi.sales.services import opportunities as services_opportunities
from tests.sales.fixtures.orders import make_order
from tests.service.fixtures.requests import assigned as assigned_request
from tests.service.fixtures.requests import new as new_request

pytestmark = pytest.mark.django_db


def _is_picker(html: str, name: str) -> bool:
    return (
        'data-picker="user"' in html
        and f'type="hidden" name="{name}"' in html
        and f'<select name="{name}"' not in html
    )


def test_the_order_owner_filter_is_a_picker_and_filters(org, customers, products, login):
    mine = make_order(org["manager1"], customers["manager1"], products)
    theirs = make_order(org["manager2"], customers["manager2"], products)
    client = login("supervisor")
    page = client.get(reverse("sales:order_list"))
    assert _is_picker(page.content.decode(), "owner")
    filtered = client.get(reverse("sales:order_list"), {"owner": org["manager2"].pk})
    assert [o.pk for o in filtered.context["page"]] == [theirs.pk]
    # Without the script, the name typed in the box is searched on the server.
    typed = client.get(
        reverse("sales:order_list"), {"owner": "", "owner_text": str(org["manager1"])}
    )
    assert [o.pk for o in typed.context["page"]] == [mine.pk]


def test_the_customer_owner_filter_is_a_picker_and_the_pool_a_checkbox(customers, login):
    client = login("exec")
    page = client.get(reverse("customers:list"))
    assert _is_picker(page.content.decode(), "owner")
    owner = customers["manager2"].owner
    filtered = client.get(reverse("customers:list"), {"owner": owner.pk})
    assert {c.owner_id for c in filtered.context["page"]} == {owner.pk}
    for params in ({"pool": "on"}, {"owner": "pool"}):  # old links and saved views still work
        pool = client.get(reverse("customers:list"), params)
        assert [c.pk for c in pool.context["page"]] == [customers["pool"].pk]


def test_an_owner_outside_the_readers_choices_is_a_filter_error(customers, login, org):
    response = login("manager1").get(
        reverse("customers:list"), {"owner": customers["manager2"].owner_id}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner"]


def test_the_lead_owner_filter_is_a_picker_and_filters(org, login):
    mine = services_leads.lead_create(actor=org["manager1"], name="王五", owner=org["manager1"])
    services_leads.lead_create(actor=org["supervisor"], name="李四", owner=org["manager2"])
    client = login("supervisor")
    assert _is_picker(client.get(reverse("sales:lead_list")).content.decode(), "owner")
    filtered = client.get(reverse("sales:lead_list"), {"owner": org["manager1"].pk})
    assert [lead.pk for lead in filtered.context["page"]] == [mine.pk]


def test_the_opportunity_assignee_filter_is_a_picker_and_filters(org, login):
    values = {"prospect_name": "恒通", "summary": "服务器", "probability": 50}
    given = services_opportunities.opportunity_create(actor=org["manager1"], **values)
    services_opportunities.opportunity_create(actor=org["manager1"], **values)
    services_opportunities.opportunity_assign(
        actor=org["supervisor"], opportunity=given, assignee=org["manager1"]
    )
    client = login("supervisor")
    page = client.get(reverse("sales:opportunity_list"))
    assert _is_picker(page.content.decode(), "assigned_to")
    filtered = client.get(reverse("sales:opportunity_list"), {"assigned_to": org["manager1"].pk})
    assert [o.pk for o in filtered.context["page"]] == [given.pk]


def test_the_service_assignee_filter_is_a_picker_and_filters(org, customers, login):
    given = assigned_request(org, customers, assignee="manager1")
    new_request(org, customers)
    client = login("supervisor")
    url = reverse("service:request_list")
    assert _is_picker(client.get(url, {"queue": "all"}).content.decode(), "assigned_to")
    filtered = client.get(url, {"queue": "all", "assigned_to": org["manager1"].pk})
    assert [r.pk for r in filtered.context["page"]] == [given.pk]
