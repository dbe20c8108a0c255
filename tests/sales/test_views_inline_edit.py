"""Simple fields edited in place on the lead, opportunity and service lists (htmx), through
their services: allowed where the record's rule allows, refused (no editor, 403) elsewhere."""

import datetime

import pytest
from django.urls import reverse

from guanxi.sales.models import Lead, Opportunity
from guanxi.sales.services import leads as services_leads
from guanxi.sales.services import opportunities as services_opportunities
from guanxi.service.models import ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.service.fixtures.requests import new as new_request

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def opportunity(org):
    return services_opportunities.opportunity_create(
        actor=org["manager1"], prospect_name="恒通科技", summary="服务器", probability=30
    )


@pytest.fixture
def lead(org):
    return services_leads.lead_create(actor=org["manager1"], name="王五", source="manual")


def _cols(page: str) -> dict:
    return {
        "sales:opportunity_list": {"cols": ["probability", "expected_close_date"]},
        "sales:lead_list": {"cols": ["source"]},
        "service:request_list": {"cols": ["service_type"], "queue": "all"},
    }[page]


def test_the_opportunity_probability_and_close_date_are_saved_in_place(opportunity, login):
    client = login("manager1")
    page = client.get(reverse("sales:opportunity_list"), _cols("sales:opportunity_list"))
    html = page.content.decode()
    assert 'data-testid="inline-probability"' in html and 'data-testid="inline-edit"' in html
    url = reverse("sales:inline_opportunity_probability", args=[opportunity.pk])
    assert 'data-testid="inline-form"' in client.get(url, **HTMX).content.decode()
    saved = client.post(url, {"value": 75, "version": opportunity.version}, **HTMX)
    assert saved.status_code == 200 and "75.0%" in saved.content.decode()
    stored = Opportunity.objects.get(pk=opportunity.pk)
    assert stored.probability == 75 and stored.version == opportunity.version + 1
    url = reverse("sales:inline_opportunity_close_date", args=[opportunity.pk])
    saved = client.post(url, {"value": "2027-03-31", "version": stored.version}, **HTMX)
    assert saved.status_code == 200
    assert Opportunity.objects.get(pk=opportunity.pk).expected_close_date == datetime.date(
        2027, 3, 31
    )


def test_a_bad_probability_is_refused_naming_the_field(opportunity, login, english):
    url = reverse("sales:inline_opportunity_probability", args=[opportunity.pk])
    refused = login("manager1").post(url, {"value": 140, "version": opportunity.version}, **HTMX)
    assert refused.status_code == 422
    assert "Success probability:" in refused.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).probability == 30


def test_the_lead_source_is_saved_in_place(lead, login):
    client = login("manager1")
    html = client.get(reverse("sales:lead_list"), _cols("sales:lead_list")).content.decode()
    assert 'data-testid="inline-source"' in html and 'data-testid="inline-edit"' in html
    url = reverse("sales:inline_lead_source", args=[lead.pk])
    saved = client.post(url, {"value": "campaign", "version": lead.version}, **HTMX)
    assert saved.status_code == 200
    assert Lead.objects.get(pk=lead.pk).source == Lead.Source.CAMPAIGN


def test_the_service_type_is_saved_in_place(org, customers, login):
    service_request = new_request(org, customers)
    other = dictionary("service_type", "consultation")
    client = login("manager1")
    html = client.get(reverse("service:request_list"), _cols("service:request_list"))
    assert 'data-testid="inline-edit"' in html.content.decode()
    url = reverse("service:inline_service_type", args=[service_request.pk])
    saved = client.post(url, {"value": other.pk, "version": service_request.version}, **HTMX)
    assert saved.status_code == 200 and other.label in saved.content.decode()
    assert ServiceRequest.objects.get(pk=service_request.pk).service_type_id == other.pk


@pytest.mark.parametrize(
    ("page", "url_name", "value"),
    [
        ("sales:opportunity_list", "sales:inline_opportunity_probability", 90),
        ("sales:lead_list", "sales:inline_lead_source", "web"),
        ("service:request_list", "service:inline_service_type", None),
    ],
)
def test_a_reader_without_the_right_gets_no_editor_and_a_refused_post(
    org, customers, opportunity, lead, login, page, url_name, value
):
    service_request = new_request(org, customers)
    record = {
        "sales:opportunity_list": opportunity,
        "sales:lead_list": lead,
        "service:request_list": service_request,
    }[page]
    if value is None:
        value = dictionary("service_type", "consultation").pk
    reader = login("exec")  # sees every record, may change none
    html = reader.get(reverse(page), _cols(page)).content.decode()
    assert 'data-testid="inline-edit"' not in html
    url = reverse(url_name, args=[record.pk])
    assert reader.get(url, **HTMX).status_code == 403
    refused = reader.post(url, {"value": value, "version": record.version}, **HTMX)
    assert refused.status_code == 403
    assert type(record).objects.get(pk=record.pk).version == record.version


def test_an_assigned_opportunity_offers_no_editor_and_refuses_the_post(opportunity, org, login):
    services_opportunities.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    current = Opportunity.objects.get(pk=opportunity.pk)
    client = login("manager1")
    page = client.get(reverse("sales:opportunity_list"), _cols("sales:opportunity_list"))
    assert 'data-testid="inline-edit"' not in page.content.decode()
    url = reverse("sales:inline_opportunity_probability", args=[opportunity.pk])
    refused = client.post(url, {"value": 90, "version": current.version}, **HTMX)
    assert refused.status_code == 403
    assert Opportunity.objects.get(pk=opportunity.pk).probability == 30
