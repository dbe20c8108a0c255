"""Issue #5's intake and survey in a real browser.

A visitor files a request on the public web form and sees its code → the supervisor finds it,
unmatched, on its page. Then a handled request: its account manager e-mails the satisfaction
survey (really sent to a loopback SMTP server), the requester opens the link, answers 4, and
the request is archived; the link does not work a second time.
"""

import re

from django.utils import translation

from guanxi.service.forms.intake import ServiceWebForm
from guanxi.service.models import ServiceRequest
from guanxi.service.services import handling as services_handling
from guanxi.service.services import requests as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory

LINK = re.compile(r"https?://\S+/service/survey/[\w-]+/")


def _sign_out(page):
    with page.expect_navigation():
        page.click(".usermenu form button.link")


def test_a_visitor_files_a_request_a_supervisor_sees_it_unmatched(page, sign_in, org, monkeypatch):
    # A person takes seconds to fill the form; the journey waits one, so ask for one.
    monkeypatch.setattr(ServiceWebForm, "min_fill_seconds", 1)
    page.goto("/service/web-form/")
    page.fill("#id_name", "陈静")
    page.fill("#id_email", "chenjing@example.org")
    page.select_option("#id_service_type", str(dictionary("service_type", "suggestion").pk))
    page.fill("#id_summary", "希望增加夜间客服")
    page.fill("#id_request", "晚上八点以后电话打不通，建议增加夜间值班。")
    page.wait_for_timeout(1100)
    with page.expect_navigation():
        page.click("[data-testid=service-web-form] button[type=submit]")
    code = page.locator("[data-testid=request-code]").inner_text().strip()
    service_request = ServiceRequest.objects.get()
    assert code == service_request.code
    assert service_request.customer is None and service_request.channel.code == "web"

    sign_in("supervisor")
    page.goto(f"/service/requests/{service_request.pk}/")
    assert code in page.locator("h1").inner_text()
    assert page.locator("[data-field=customer]").inner_text().strip() == "—"
    assert "陈静" in page.locator("[data-field=requester]").inner_text()
    # The acknowledgement with the code is in the request's thread.
    assert page.locator("[data-testid=service-message][data-direction=out]").count() == 1


def test_a_survey_answered_in_the_browser_archives_the_request(
    page, sign_in, org, smtp_server, settings, live_server
):
    settings.GUANXI = {**settings.GUANXI, "SITE_URL": live_server.url}
    customer = CustomerFactory(owner=org["manager1"])
    contact = ContactFactory(customer=customer, email="wang@client.example")
    service_request = services.service_request_create(
        actor=org["manager1"],
        customer=customer,
        contact=contact,
        service_type=dictionary("service_type", "complaint"),
        summary="发货延迟",
        request="订单晚到一周。",
        channel=dictionary("channel", "phone"),
    )
    services.service_request_assign(
        actor=org["supervisor"], service_request=service_request, assignee=org["manager1"]
    )
    services_handling.service_request_handle(
        actor=org["manager1"], service_request=service_request, handling="已补发并致歉。"
    )
    detail = f"/service/requests/{service_request.pk}/"

    sign_in("manager1")
    page.goto(detail)
    with page.expect_navigation():
        page.click("[data-testid=survey-send]")
    assert page.locator("[data-testid=survey-row]").count() == 1
    (mail,) = smtp_server.messages()
    assert mail["To"] == "wang@client.example"
    link = LINK.search(mail.get_body().get_content()).group(0)
    _sign_out(page)

    # The customer answers in the browser, without signing in.
    page.goto(link)
    page.check("input[name=satisfaction][value='4']")
    page.fill("textarea[name=comment]", "补发很快。")
    with page.expect_navigation():
        page.click("[data-testid=survey-form] button[type=submit]")
    page.locator("[data-testid=survey-thanks]").wait_for()
    service_request.refresh_from_db()
    assert service_request.status == ServiceRequest.Status.ARCHIVED
    assert service_request.satisfaction == 4
    page.goto(link)
    page.locator("[data-testid=survey-answered]").wait_for()

    sign_in("manager1")
    page.goto(detail)
    with translation.override("zh-hans"):
        archived = str(ServiceRequest.Status.ARCHIVED.label)  # 已归档
    assert page.locator("[data-testid=request-status]").inner_text().strip() == archived
    assert "4" in page.locator("[data-field=survey-satisfaction]").inner_text()
    assert page.locator("[data-testid=survey-send]").count() == 0
