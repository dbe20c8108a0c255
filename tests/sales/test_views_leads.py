"""Lead pages 线索: the public web form (CSRF, rate limit, honeypot, fill time, validation),
the list (scope, filters, query budget), the detail's actions and the routing rules page."""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from guanxi.accounts.models import User
from guanxi.sales.forms.leads import WEB_FORM_SALT
from guanxi.sales.models import Lead, LeadRoutingRule
from guanxi.sales.services import leads as services
from guanxi.sales.views.leads import WEB_FORM_RATE

pytestmark = pytest.mark.django_db

WEB_FORM = "/sales/leads/web-form/"


def _stamp(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=WEB_FORM_SALT)


def _post(client, **fields):
    data = {"name": "王五", "phone": "13800000000", "started": _stamp(), "website": ""}
    data.update(fields)
    return client.post(WEB_FORM, data)


def test_web_form_needs_no_sign_in_and_creates_a_routed_lead(org):
    LeadRoutingRule.objects.create(user=org["manager3"])
    client = Client(enforce_csrf_checks=True)
    page = client.get(WEB_FORM)
    assert page.status_code == 200
    assert 'name="website"' in page.text and 'name="started"' in page.text
    token = client.cookies["csrftoken"].value
    response = client.post(
        WEB_FORM,
        {
            "name": "王五",
            "company": "五星公司",
            "email": "w@example.com",
            "started": _stamp(),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    lead = Lead.objects.get()
    assert (lead.source, lead.owner, lead.status) == ("web", org["manager3"], "assigned")
    assert lead.score == 20 + 15 + 20
    assert Client().get(response["Location"]).status_code == 200


def test_web_form_without_csrf_token_is_refused(org):
    response = Client(enforce_csrf_checks=True).post(
        WEB_FORM, {"name": "王五", "phone": "13800000000", "started": _stamp()}
    )
    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_web_form_validates_with_translated_errors(org):
    response = _post(Client(), name="", phone="", email="bad")
    assert response.status_code == 400
    assert "这个字段是必填项" in response.text or "必填" in response.text
    assert not Lead.objects.exists()
    with_english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _post(with_english, phone="", email="")
    assert response.status_code == 400
    assert "Leave a phone number or an e-mail address." in response.text


def test_honeypot_submission_is_dropped_but_answered_like_success(org):
    response = _post(Client(), website="http://spam.example")
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert not Lead.objects.exists()


def test_web_form_never_thanks_for_a_submission_that_was_not_saved(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for started in (_stamp(seconds_ago=0), "forged", ""):
        response = _post(client, started=started)
        assert response.status_code == 400
        assert "sent before it could be read" in response.text
    empty = client.post(WEB_FORM, {})
    assert empty.status_code == 400 and "?sent=1" not in empty.text
    assert not Lead.objects.exists()
    # The page comes back with a fresh stamp: sending it again a moment later goes through.
    stamp = _post(client, started="forged").context["form"].data["started"]
    assert signing.loads(stamp, salt=WEB_FORM_SALT) > time.time() - 60


def test_web_form_rate_limit_per_address(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for i in range(WEB_FORM_RATE):
        assert _post(client, name=f"客户{i}").status_code == 302
    refused = _post(client, name="第六个")
    assert refused.status_code == 429
    assert "Too many submissions from your address" in refused.text
    assert Lead.objects.count() == WEB_FORM_RATE
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _post(other, name="别处").status_code == 302


def test_web_form_failed_validations_do_not_count_toward_the_address_limit(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(WEB_FORM_RATE + 2):
        assert _post(client, phone="", email="").status_code == 400
        assert _post(client, started=_stamp(seconds_ago=0)).status_code == 400
    assert _post(client, name="终于填对了").status_code == 302
    assert Lead.objects.count() == 1


def _lead(org, owner="manager1", **fields):
    fields.setdefault("name", "王五")
    return services.lead_create(actor=org["admin"], owner=org[owner] if owner else None, **fields)


def test_list_shows_the_users_scope_and_filters(org, login):
    mine = _lead(org, company="五星公司")
    theirs = _lead(org, owner="manager3", name="赵六")
    done = _lead(org, name="钱七")
    services.lead_disqualify(actor=org["manager1"], lead=done, reason="无效")
    page = login("manager1").get("/sales/leads/")
    assert page.status_code == 200
    assert f'data-pk="{mine.pk}"' in page.text and f'data-pk="{theirs.pk}"' not in page.text
    filtered = login("manager1").get("/sales/leads/?status=disqualified")
    assert f'data-pk="{done.pk}"' in filtered.text and f'data-pk="{mine.pk}"' not in filtered.text
    found = login("manager1").get("/sales/leads/?q=五星")
    assert f'data-pk="{mine.pk}"' in found.text and f'data-pk="{done.pk}"' not in found.text
    assert login("manager1").get(f"/sales/leads/{theirs.pk}/").status_code == 404


def test_list_query_budget(org, login, django_assert_max_num_queries):
    client = login("supervisor")
    for i in range(3):
        _lead(org, name=f"客户{i}")
    client.get("/sales/leads/")
    with django_assert_max_num_queries(12) as few:
        client.get("/sales/leads/")
    for i in range(25):
        _lead(org, owner="manager2" if i % 2 else None, name=f"更多{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/sales/leads/").status_code == 200


def test_detail_convert_to_opportunity_then_refused(org, login):
    lead = _lead(org, company="五星公司")
    client = login("manager1")
    page = client.get(f"/sales/leads/{lead.pk}/")
    assert 'data-testid="lead-convert"' in page.text
    response = client.post(
        f"/sales/leads/{lead.pk}/convert/",
        {"to": "opportunity", "probability": 30, "version": lead.version},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "converted" and lead.converted_opportunity.probability == 30
    again = client.post(
        f"/sales/leads/{lead.pk}/convert/",
        {"to": "customer", "probability": 30, "version": lead.version},
    )
    assert again.status_code == 422  # a converted lead cannot be converted again
    assert "不能再更改" in again.text or "can no longer change" in again.text


def test_detail_convert_to_customer_and_disqualify(org, login):
    lead = _lead(org, company="新客户有限公司")
    client = login("manager1")
    client.post(
        f"/sales/leads/{lead.pk}/convert/",
        {"to": "customer", "probability": 20, "version": lead.version},
    )
    lead.refresh_from_db()
    assert lead.converted_customer.name == "新客户有限公司"
    other = _lead(org)
    User.objects.filter(pk=org["manager1"].pk).update(language="en")
    refused = client.post(f"/sales/leads/{other.pk}/disqualify/", {"version": other.version})
    assert refused.status_code == 400
    client.post(f"/sales/leads/{other.pk}/disqualify/", {"reason": "假号码", "version": 1})
    other.refresh_from_db()
    assert other.status == "disqualified"


def test_supervisor_assigns_an_unowned_lead_on_the_page(org, login):
    lead = _lead(org, owner=None)
    client = login("supervisor")
    assert 'data-testid="lead-assign"' in client.get(f"/sales/leads/{lead.pk}/").text
    client.post(
        f"/sales/leads/{lead.pk}/assign/", {"owner": org["manager2"].pk, "version": lead.version}
    )
    lead.refresh_from_db()
    assert lead.owner == org["manager2"]


def test_routing_rules_page_for_administrators_only(org, login):
    assert login("supervisor").get("/sales/leads/routing/").status_code == 403
    client = login("admin")
    assert client.get("/sales/leads/routing/").status_code == 200
    response = client.post("/sales/leads/routing/", {"team": org["manager1"].team_id})
    assert response.status_code == 302
    rule = LeadRoutingRule.objects.get()
    assert rule.region is None and rule.team == org["manager1"].team
    refused = client.post(
        "/sales/leads/routing/", {"team": org["manager1"].team_id, "user": org["manager3"].pk}
    )
    assert refused.status_code == 400
    client.post(reverse("sales:lead_routing_delete", args=[rule.pk]))
    assert not LeadRoutingRule.objects.exists()


def test_navigation_has_leads(org, login):
    assert "/sales/leads/" in login("manager1").get("/").text


def test_edit_page_rescores_and_detects_conflicts(org, login):
    lead = _lead(org, source="import")
    client = login("manager1")
    assert client.get(f"/sales/leads/{lead.pk}/edit/").status_code == 200
    data = {"name": "王五", "phone": "13800000000", "source": "import", "version": lead.version}
    assert client.post(f"/sales/leads/{lead.pk}/edit/", data).status_code == 302
    lead.refresh_from_db()
    assert lead.score == 25
    stale = client.post(f"/sales/leads/{lead.pk}/edit/", {**data, "name": "旧", "version": 1})
    assert stale.status_code == 409
    assert login("manager2").get(f"/sales/leads/{lead.pk}/edit/").status_code == 404
    assert login("exec").get(f"/sales/leads/{lead.pk}/edit/").status_code == 403


def test_web_form_phone_1234_is_refused_naming_the_field_and_a_good_one_normalised(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _post(client, phone="1234")
    assert response.status_code == 400
    assert "“1234” is not a valid phone number" in response.text
    assert not Lead.objects.exists()
    assert _post(client, phone="010-1234 5678 转 8").status_code == 302
    assert Lead.objects.get().phone == "+861012345678;ext=8"
