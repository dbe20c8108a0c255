"""Satisfaction surveys 满意度调查: staff e-mail a one-time link (really sent through a
loopback SMTP server), the requester's answer is the request's feedback (≥ 3 archives, < 3
returns it to the assignee), the link works once and expires, a wrong one is a 404."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from guanxi.collaboration.models import Notification
from guanxi.core.exceptions import BusinessRuleError
from guanxi.service import notifications, surveys
from guanxi.service.models import SatisfactionSurvey, ServiceRequest, ServiceRound
from guanxi.service.services import feedback as services_feedback
from tests.service.fixtures.surveys import handled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
Status = ServiceRequest.Status
LINK = re.compile(r"https?://\S+/service/survey/([\w-]+)/")


@pytest.fixture(autouse=True)
def _in_english():
    """Errors raised by the services outside a request are in the active language."""
    with translation.override("en"):
        yield


def send(login, service_request, username="manager1"):
    return login(username).post(f"/service/requests/{service_request.pk}/survey/")


def token_from(smtp_server, index=-1) -> str:
    body = smtp_server.messages()[index].get_body().get_content()
    return LINK.search(body).group(1)


def test_staff_send_the_survey_and_the_mail_carries_a_one_time_link(
    org, customers, login, smtp_server, settings
):
    settings.GUANXI = {**settings.GUANXI, "SITE_URL": "https://crm.example.com"}
    service_request = handled(org, customers)
    client = login("manager1")
    response = client.post(f"/service/requests/{service_request.pk}/survey/")
    assert response.status_code == 302
    (sent,) = smtp_server.messages()
    assert sent["To"] == "buyer@client.example"
    assert sent["Subject"].strip().startswith(f"[{service_request.code}] ")
    body = sent.get_body().get_content()
    assert "https://crm.example.com/service/survey/" in body
    token = token_from(smtp_server)
    survey = SatisfactionSurvey.objects.get()
    assert survey.token_hash == surveys.token_hash(token) and token not in survey.token_hash
    assert survey.sent_by == org["manager1"] and survey.email == "buyer@client.example"
    assert survey.expires_at - survey.sent_at == timedelta(days=14)
    # Recorded in the request's thread, shown with the survey on its page.
    assert service_request.messages.get().message_id == sent["Message-ID"]
    page = client.get(service_request.get_absolute_url())
    assert "Satisfaction survey sent to buyer@client.example." in page.text
    assert page.text.count('data-testid="survey-row"') == 1


def test_a_satisfied_answer_archives_the_request_once(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    send(login, service_request)
    link = f"/service/survey/{token_from(smtp_server)}/"
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    form = visitor.get(link)
    assert form.status_code == 200 and 'name="satisfaction"' in form.text
    assert service_request.code in form.text
    answer = visitor.post(
        link,
        {
            "satisfaction": "4",
            "comment": "师傅很专业。",
            "csrfmiddlewaretoken": visitor.cookies["csrftoken"].value,
        },
    )
    assert answer.status_code == 200 and 'data-testid="survey-thanks"' in answer.text
    service_request.refresh_from_db()
    assert service_request.status == Status.ARCHIVED and service_request.satisfaction == 4
    feedback = ServiceRound.objects.get(request=service_request)
    assert feedback.feedback_source == ServiceRound.FeedbackSource.SURVEY
    assert feedback.feedback_by is None and feedback.result == "师傅很专业。"
    # The answer counts in the satisfaction from service feedback, computed where it is shown;
    # the customer's own satisfaction field stays what a user entered.
    entered = customers["manager1"].satisfaction
    customers["manager1"].refresh_from_db()
    assert customers["manager1"].satisfaction == entered
    survey = SatisfactionSurvey.objects.get()
    assert (survey.satisfaction, survey.comment) == (4, "师傅很专业。")
    # The link works once.
    again = visitor.get(link)
    assert again.status_code == 410 and "already been answered" in again.text
    second = Client().post(link, {"satisfaction": "1"})
    assert second.status_code == 410
    service_request.refresh_from_db()
    assert service_request.satisfaction == 4
    # The answer shows on the request's page.
    page = login("supervisor").get(service_request.get_absolute_url())
    assert 'data-field="survey-satisfaction">4 ·' in page.text


def test_a_dissatisfied_answer_returns_the_request_to_its_assignee(
    org, customers, login, smtp_server
):
    service_request = handled(org, customers)
    send(login, service_request)
    response = Client().post(f"/service/survey/{token_from(smtp_server)}/", {"satisfaction": "2"})
    assert response.status_code == 200
    service_request.refresh_from_db()
    assert (service_request.status, service_request.rounds) == (Status.ASSIGNED, 2)
    first = ServiceRound.objects.get(request=service_request, number=1)
    assert first.satisfaction == 2 and first.result  # an empty comment still records a result
    assert Notification.objects.filter(
        recipient=org["manager1"],
        kind=notifications.REQUEST_RETURNED,
        params__code=service_request.code,
    ).exists()


def test_an_expired_link_shows_a_clear_page_and_records_nothing(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    send(login, service_request)
    link = f"/service/survey/{token_from(smtp_server)}/"
    SatisfactionSurvey.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = english.get(link)
    assert page.status_code == 410 and "This survey link has expired." in page.text
    assert english.post(link, {"satisfaction": "5"}).status_code == 410
    service_request.refresh_from_db()
    assert service_request.status == Status.HANDLED


def test_a_wrong_token_is_not_found(org):
    assert Client().get("/service/survey/not-a-real-token/").status_code == 404
    assert (
        Client().post("/service/survey/not-a-real-token/", {"satisfaction": "5"}).status_code == 404
    )


def test_a_bad_answer_is_refused_with_the_form_again(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    send(login, service_request)
    link = f"/service/survey/{token_from(smtp_server)}/"
    response = Client().post(link, {"satisfaction": "9"})
    assert response.status_code == 400
    service_request.refresh_from_db()
    assert service_request.status == Status.HANDLED
    assert Client().get(link).status_code == 200  # still usable


def test_a_new_survey_ends_the_earlier_link(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    send(login, service_request)
    first = token_from(smtp_server)
    send(login, service_request)
    second = token_from(smtp_server)
    assert Client().get(f"/service/survey/{first}/").status_code == 410
    assert Client().get(f"/service/survey/{second}/").status_code == 200


def test_feedback_recorded_by_staff_closes_the_link(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    send(login, service_request)
    services_feedback.service_request_feedback(
        actor=org["manager1"],
        service_request=service_request,
        result="电话回访满意",
        satisfaction=5,
    )
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/service/survey/{token_from(smtp_server)}/")
    assert page.status_code == 410 and "no longer waits for your answer" in page.text


def test_a_survey_waits_for_the_handling_and_needs_an_address(org, customers, smtp_server):
    customers["manager1"].email = ""
    customers["manager1"].save(update_fields=["email"])
    service_request = handled(org, customers, email="")
    with pytest.raises(BusinessRuleError) as error:
        surveys.survey_send(actor=org["manager1"], service_request=service_request)
    assert "no e-mail address" in str(error.value)
    services_feedback.service_request_feedback(
        actor=org["manager1"], service_request=service_request, result="ok", satisfaction=3
    )
    with pytest.raises(BusinessRuleError) as error:
        surveys.survey_send(actor=org["manager1"], service_request=service_request)
    assert "once the request is handled" in str(error.value)
    assert not SatisfactionSurvey.objects.exists() and smtp_server.received == []


def test_who_may_send(org, customers, login, smtp_server):
    service_request = handled(org, customers)
    assert send(login, service_request, "exec").status_code == 403
    assert send(login, service_request, "manager2").status_code == 404
    assert not SatisfactionSurvey.objects.exists()
    page = login("manager1").get(service_request.get_absolute_url())
    assert 'data-testid="survey-send"' in page.text
    assert (
        'data-testid="survey-send"'
        not in login("exec").get(service_request.get_absolute_url()).text
    )


def test_an_smtp_failure_records_nothing_and_says_so(org, customers, login, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    service_request = handled(org, customers)
    client = login("manager1")
    response = client.post(f"/service/requests/{service_request.pk}/survey/")
    assert response.status_code == 302
    assert not SatisfactionSurvey.objects.exists()
    page = client.get(service_request.get_absolute_url())
    assert "The survey could not be sent" in page.text


def test_the_automatic_survey_goes_once_per_handling(org, customers, smtp_server, settings):
    service_request = handled(org, customers)
    assert surveys.surveys_send_due() == 0  # off by default
    settings.GUANXI = {**settings.GUANXI, "SURVEY_AUTO": True}
    assert surveys.surveys_send_due() == 1
    assert surveys.surveys_send_due() == 0
    survey = SatisfactionSurvey.objects.get()
    assert survey.sent_by is None and survey.request == service_request
    assert len(smtp_server.received) == 1
