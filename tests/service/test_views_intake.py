"""The public service request form 在线服务: no sign-in, CSRF, rate limit, honeypot
and fill time (shared with the lead form), the customer matched by e-mail or phone, else an
unmatched request supervisors see, the thank-you page with the code, the acknowledgement."""

import pytest
from django.core import mail
from django.test import Client

from guanxi.core.spam import fill_stamp
from guanxi.service.forms.intake import WEB_FORM_SALT
from guanxi.service.intake import requester_match
from guanxi.service.models import ServiceMessage, ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.views.intake import WEB_FORM_RATE
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

WEB_FORM = "/service/web-form/"


def _post(client, **fields):
    data = {
        "name": "李雷",
        "email": "lilei@example.com",
        "phone": "",
        "service_type": dictionary("service_type", "complaint").pk,
        "summary": "打印机卡纸",
        "request": "新买的打印机每天卡纸三次。",
        "started": fill_stamp(salt=WEB_FORM_SALT, seconds_ago=10),
        "website": "",
    }
    data.update(fields)
    return client.post(WEB_FORM, data)


def _code_shown(client, response) -> str:
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.context["code"]


def test_an_unmatched_visitor_files_a_request_and_sees_its_code(org):
    client = Client(enforce_csrf_checks=True)
    page = client.get(WEB_FORM)
    assert page.status_code == 200
    assert 'name="website"' in page.text and 'name="started"' in page.text
    assert "投诉" in page.text  # the types come from the dictionary
    response = _post(client, csrfmiddlewaretoken=client.cookies["csrftoken"].value)
    code = _code_shown(client, response)
    service_request = ServiceRequest.objects.get()
    assert code == service_request.code and code.startswith("FW")
    assert service_request.customer is None and service_request.contact is None
    assert (service_request.requester_name, service_request.requester_email) == (
        "李雷",
        "lilei@example.com",
    )
    assert service_request.channel.code == "web"
    assert service_request.service_type.code == "complaint"
    assert service_request.status == ServiceRequest.Status.NEW
    # Pending for supervisors, who link it; an account manager does not see it.
    assert selectors.service_request_list(actor=org["supervisor"]).filter(pk=service_request.pk)
    assert not selectors.service_request_list(actor=org["manager1"]).filter(pk=service_request.pk)
    page = Client().get(response["Location"])
    assert code in page.text


def test_the_requester_gets_an_acknowledgement_with_the_code_in_the_thread(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(Client())
    assert response.status_code == 302
    service_request = ServiceRequest.objects.get()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["lilei@example.com"]
    assert sent.subject.startswith(f"[{service_request.code}] ")
    assert service_request.code in sent.body
    recorded = ServiceMessage.objects.get(request=service_request)
    assert recorded.direction == "out" and recorded.message_id == sent.extra_headers["Message-ID"]
    assert sent.extra_headers["Auto-Submitted"] == "auto-replied"


def test_without_csrf_token_nothing_is_filed(org):
    response = Client(enforce_csrf_checks=True).post(WEB_FORM, {"name": "x"})
    assert response.status_code == 403
    assert not ServiceRequest.objects.exists()


def test_a_contacts_email_matches_the_customer_and_contact(org, customers):
    contact = ContactFactory(customer=customers["manager2"], email="Zhang.San@Example.com")
    client = Client()
    _code_shown(client, _post(client, email="zhang.san@example.com"))
    service_request = ServiceRequest.objects.get()
    assert service_request.customer == customers["manager2"]
    assert service_request.contact == contact
    # The customer's account manager sees it; the request names the contact.
    assert selectors.service_request_list(actor=org["manager2"]).filter(pk=service_request.pk)


def test_a_phone_matches_whatever_its_format(org):
    customer = CustomerFactory(phone="+86 138-0013-8000", email="a@firm.example")
    assert requester_match(phone="13800138000") == (customer, None)
    assert requester_match(phone="(0086) 138 0013 8000") == (customer, None)
    contact = ContactFactory(customer=customer, mobile="139 1111 2222", email="c@firm.example")
    assert requester_match(phone="+8613911112222") == (customer, contact)
    assert requester_match(email="A@FIRM.EXAMPLE") == (customer, None)
    assert requester_match(email="nobody@firm.example", phone="12345") == (None, None)


def test_an_ambiguous_address_leaves_the_request_unmatched(org):
    CustomerFactory(email="shared@example.com")
    CustomerFactory(email="shared@example.com")
    assert requester_match(email="shared@example.com") == (None, None)
    client = Client()
    _code_shown(client, _post(client, email="shared@example.com"))
    assert ServiceRequest.objects.get().customer is None


def test_validation_errors_are_shown_and_translated(org):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _post(english, email="", phone="")
    assert response.status_code == 400
    assert "Leave an e-mail address or a phone number." in response.text
    response = _post(Client(), summary="", email="bad")
    assert response.status_code == 400
    assert "必填" in response.text
    assert not ServiceRequest.objects.exists()


def test_only_a_filled_honeypot_is_dropped_silently(org):
    client = Client()
    response = _post(client, website="http://spam.example")
    assert response.status_code == 302
    assert client.get(response["Location"]).context["code"] == ""
    assert not ServiceRequest.objects.exists()


def test_web_form_never_thanks_for_a_submission_that_was_not_saved(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    # The lead form's stamp does not pass here.
    lead_stamp = fill_stamp(salt="guanxi.sales.lead-web-form", seconds_ago=10)
    for started in ("forged", "", fill_stamp(salt=WEB_FORM_SALT), lead_stamp):
        response = _post(client, started=started)
        assert response.status_code == 400
        assert "sent before it could be read" in response.text
    assert client.post(WEB_FORM, {}).status_code == 400
    assert not ServiceRequest.objects.exists()


def test_web_form_failed_validations_do_not_count_toward_the_address_limit(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(WEB_FORM_RATE + 2):
        assert _post(client, email="", phone="").status_code == 400
    assert _post(client).status_code == 302
    assert ServiceRequest.objects.count() == 1


def test_an_old_form_asks_to_fill_it_in_again(org):
    response = _post(Client(), started=fill_stamp(salt=WEB_FORM_SALT, seconds_ago=2 * 86400))
    assert response.status_code == 400
    assert 'data-testid="service-web-form-expired"' in response.text
    assert not ServiceRequest.objects.exists()


def test_the_rate_limit_answers_429_with_a_clear_page(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for index in range(WEB_FORM_RATE):
        assert _post(client, summary=f"问题{index}").status_code == 302
    refused = _post(client, summary="第六个")
    assert refused.status_code == 429
    assert "Too many submissions from your address" in refused.text
    assert ServiceRequest.objects.count() == WEB_FORM_RATE
    assert _post(Client(REMOTE_ADDR="10.0.0.9"), summary="别处").status_code == 302


def test_web_form_phone_1234_is_refused_naming_the_field_and_a_good_one_normalised(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = _post(client, phone="1234")
    assert response.status_code == 400
    assert "“1234” is not a valid phone number" in response.text
    assert not ServiceRequest.objects.exists()
    assert _post(client, phone="+86 138 0013 8000").status_code == 302
    assert ServiceRequest.objects.get().requester_phone == "+8613800138000"
