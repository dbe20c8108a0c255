"""The project's Chinese terms on the pages: service requests are 分配 (assigned), opportunities
指派; a person's name reads 姓名; an active contract 生效中.

The Chinese of new msgids is merged into the catalogue from the helpers' drafts; until it is,
``draft_terms`` adds the entries these pages need for the test (never replacing one)."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from guanxi.sales.models import Contract
from guanxi.sales.services import opportunities as services_opportunities
from tests.sales.fixtures.contracts import make_contract, move
from tests.service.fixtures.requests import assigned as assigned_request

pytestmark = pytest.mark.django_db

TERMS = {
    "service\x04Assigned to": "已分配给",
    "service\x04Assigned": "已分配",
    "person\x04name": "姓名",
    "contract\x04Active": "生效中",
}


@pytest.fixture
def draft_terms():
    with translation.override("zh-hans"):
        catalog = trans_real.translation("zh-hans")._catalog
        added = [key for key in TERMS if key not in catalog]
        for key in added:
            catalog[key] = TERMS[key]
        yield
        for key in added:
            for part in catalog._catalogs:
                part.pop(key, None)


def test_a_service_request_is_assigned_with_fen_pei(draft_terms, org, customers, login):
    service_request = assigned_request(org, customers)
    client = login("supervisor")
    queue = client.get(reverse("service:request_list"), {"queue": "all"}).content.decode()
    assert "已分配给" in queue and "已分配" in queue and "指派" not in queue
    detail = client.get(reverse("service:request_detail", args=[service_request.pk]))
    assert "已分配给" in detail.content.decode()


def test_opportunities_keep_zhi_pai(draft_terms, org, login):
    opportunity = services_opportunities.opportunity_create(
        actor=org["manager1"], prospect_name="恒通", summary="服务器", probability=50
    )
    services_opportunities.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    html = login("supervisor").get(reverse("sales:opportunity_list")).content.decode()
    assert "指派给" in html and "已分配给" not in html


def test_contacts_and_leads_are_named_xing_ming(draft_terms, customers, login):
    client = login("manager1")
    contact_form = client.get(reverse("customers:contact_create", args=[customers["manager1"].pk]))
    assert "姓名" in contact_form.content.decode()
    assert "姓名" in client.get(reverse("sales:lead_create")).content.decode()


def test_an_active_contract_reads_sheng_xiao_zhong(draft_terms, org, customers, login):
    contract = move(
        org["manager1"], make_contract(org["manager1"], customers["manager1"]), "active"
    )
    assert contract.status == Contract.Status.ACTIVE
    html = login("manager1").get(reverse("sales:contract_list")).content.decode()
    assert "生效中" in html
