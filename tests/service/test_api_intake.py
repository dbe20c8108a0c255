"""The intake endpoints beside /api/service-requests/: send the survey, list the
surveys and the e-mail thread; scoped, in the OpenAPI schema, with a query budget."""

import uuid

import pytest

from guanxi.service.intake import request_mail_send
from guanxi.service.models import SatisfactionSurvey, ServiceMessage
from guanxi.service.services import feedback as services_feedback
from tests.service.fixtures.surveys import handled

pytestmark = pytest.mark.django_db


def url(service_request, what: str) -> str:
    return f"/api/service-requests/{service_request.pk}/{what}/"


def test_the_endpoints_are_in_the_schema(openapi_schema):
    # The schema's validity is checked once, in tests/core/test_api_schema.py.
    for path in ("survey", "surveys", "messages"):
        assert f"/api/service-requests/{{id}}/{path}/" in openapi_schema["paths"]


def test_post_survey_sends_it_and_answers_201(org, customers, api, smtp_server):
    service_request = handled(org, customers)
    response = api("manager1").post(url(service_request, "survey"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "buyer@client.example" and body["state"] == "open"
    assert body["sent_by"] == org["manager1"].pk and body["satisfaction"] is None
    assert len(smtp_server.received) == 1
    assert "/service/survey/" in smtp_server.messages()[0].get_body().get_content()
    listed = api("supervisor").get(url(service_request, "surveys")).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_post_survey_refusals(org, customers, api, smtp_server, settings):
    service_request = handled(org, customers)
    assert api("exec").post(url(service_request, "survey")).status_code == 403
    assert api("manager2").post(url(service_request, "survey")).status_code == 404
    assert api("manager1").post("/api/service-requests/abc/survey/").status_code == 404
    assert api().post(url(service_request, "survey")).status_code == 401
    api("manager1").post(url(service_request, "survey"))
    # Once the feedback is in, the request no longer takes a survey: 422 naming the status.
    SatisfactionSurvey.objects.all().delete()
    services_feedback.service_request_feedback(
        actor=org["manager1"], service_request=service_request, result="ok", satisfaction=5
    )
    refused = api("manager1", language="en").post(url(service_request, "survey"))
    assert refused.status_code == 422
    assert "status" in refused.json()["error"]["fields"]
    assert "handled" in refused.json()["error"]["message"]


def test_a_mail_server_failure_answers_503_and_records_nothing(org, customers, api, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    service_request = handled(org, customers)
    response = api("manager1").post(url(service_request, "survey"))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "mail_not_sent"
    assert not SatisfactionSurvey.objects.exists()


def _thread(service_request, count: int) -> None:
    for index in range(count):
        request_mail_send(
            service_request=service_request,
            to="buyer@client.example",
            subject=f"第{index}封",
            body="内容",
        )
        ServiceMessage.objects.create(
            request=service_request,
            direction="in",
            sender="buyer@client.example",
            subject=f"Re: 第{index}封",
            body="回复",
            message_id=f"<reply-{uuid.uuid4().hex}@client.example>",
        )


def test_get_messages_lists_the_thread_oldest_first_within_scope(org, customers, api):
    service_request = handled(org, customers)
    _thread(service_request, 2)
    response = api("manager1").get(url(service_request, "messages"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["direction"] for row in rows] == ["out", "in", "out", "in"]
    assert rows[0]["subject"].startswith(f"[{service_request.code}] ")
    assert response.json()["count"] == 4
    assert api("manager2").get(url(service_request, "messages")).status_code == 404
    assert api("manager1").get("/api/service-requests/999999/messages/").status_code == 404


def test_messages_and_surveys_query_budget(org, customers, api, django_assert_max_num_queries):
    service_request = handled(org, customers)
    _thread(service_request, 1)
    client = api("supervisor")
    client.get(url(service_request, "messages"))
    with django_assert_max_num_queries(12) as few:
        assert client.get(url(service_request, "messages")).status_code == 200
    _thread(service_request, 10)
    for index in range(5):
        SatisfactionSurvey.objects.create(
            request=service_request,
            token_hash=f"{index:064d}",
            email="buyer@client.example",
            sent_by=org["manager1"],
            expires_at=service_request.handled_at,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(service_request, "messages")).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(service_request, "surveys")).status_code == 200
