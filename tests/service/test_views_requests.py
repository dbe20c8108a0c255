"""The service pages: the queues with their tabs and filters, create / edit /
delete, the request page with the assign / handle / feedback forms, SLA settings; scope
(out of scope → 404), rights (→ 403), conflicts (→ 409) and archived requests read-only."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.service.models import ServiceLevelTarget, ServiceRequest
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory
from tests.service.fixtures.requests import archived, assigned, fresh, handled, new

LIST = reverse("service:request_list")
CREATE = reverse("service:request_create")
SLA = reverse("service:sla_settings")
Status = ServiceRequest.Status


pytestmark = pytest.mark.usefixtures("english")


def url(service_request, name="request_detail") -> str:
    return reverse(f"service:{name}", args=[service_request.pk])


def row_pks(response) -> list[int]:
    html = response.content.decode()
    return [int(pk) for pk in re.findall(r'data-testid="service-row" data-pk="(\d+)"', html)]


def form_data(customer, **overrides) -> dict:
    data = {
        "customer": customer.pk,
        "service_type": str(dictionary("service_type", "consultation").pk),
        "channel": str(dictionary("channel", "email").pk),
        "summary": "发票抬头如何修改",
        "request": "请告知修改发票抬头的流程。",
        "contact": "",
    }
    data.update(overrides)
    return data


def make_overdue(service_request, hours=3):
    """Move the request's promise ``hours`` into the past (as if it came in long ago)."""
    past = timezone.now() - timedelta(hours=hours)
    ServiceRequest.all_objects.filter(pk=service_request.pk).update(
        response_due_at=past, resolution_due_at=past
    )


# -- queues ------------------------------------------------------------------------------------


def test_sign_in_is_required(client):
    response = client.get(LIST)
    assert response.status_code == 302


def test_a_manager_sees_to_handle_overdue_and_all_but_not_unassigned(login, org, customers):
    response = login("manager1").get(LIST)
    assert response.status_code == 200
    assert [key for key, _label in response.context["queues"]] == ["mine", "overdue", "all"]
    assert response.context["queue"] == "mine"


def test_to_handle_lists_only_what_waits_for_my_handling(login, org, customers):
    mine = assigned(org, customers, assignee="manager1")
    assigned(org, customers, assignee="manager2", customer="manager2", creator="manager2")
    handled(org, customers, assignee="manager1")  # waiting for feedback, not for me
    new(org, customers)
    response = login("manager1").get(LIST, {"queue": "mine"})
    assert row_pks(response) == [mine.pk]


def test_a_supervisor_sees_the_unassigned_queue(login, org, customers):
    waiting = new(org, customers, customer="manager2", creator="manager2")
    assigned(org, customers)
    response = login("supervisor").get(LIST, {"queue": "unassigned"})
    assert [key for key, _label in response.context["queues"]] == [
        "mine",
        "unassigned",
        "overdue",
        "all",
    ]
    assert row_pks(response) == [waiting.pk]


def test_a_manager_asking_for_the_unassigned_queue_gets_their_first_queue(login, org, customers):
    new(org, customers)
    response = login("manager1").get(LIST, {"queue": "unassigned"})
    assert response.context["queue"] == "mine"


def test_the_overdue_queue_highlights_open_requests_past_their_sla(login, org, customers):
    late = assigned(org, customers)
    make_overdue(late)
    done = archived(org, customers)
    make_overdue(done)  # archived: no longer overdue whatever its promise was
    new(org, customers)  # within its promise
    response = login("supervisor").get(LIST, {"queue": "overdue"})
    assert row_pks(response) == [late.pk]
    assert 'class="row-overdue" data-overdue="1"' in response.content.decode()


def test_a_late_first_response_alone_makes_a_request_overdue(login, org, customers):
    late = new(org, customers)
    ServiceRequest.all_objects.filter(pk=late.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=5)
    )
    answered = handled(org, customers)
    ServiceRequest.all_objects.filter(pk=answered.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=5)
    )
    response = login("supervisor").get(LIST, {"queue": "overdue"})
    assert row_pks(response) == [late.pk]


def test_all_is_scoped(login, org, customers):
    east = new(org, customers)
    north = new(org, customers, creator="manager3", customer="manager3")
    assert row_pks(login("manager1").get(LIST, {"queue": "all"})) == [east.pk]
    assert row_pks(login("supervisor2").get(LIST, {"queue": "all"})) == [north.pk]
    assert set(row_pks(login("exec").get(LIST, {"queue": "all"}))) == {east.pk, north.pk}


def test_filters_status_type_channel_and_customer_search(login, org, customers):
    complaint = new(org, customers)
    consultation = new(
        org,
        customers,
        customer="manager2",
        creator="manager2",
        service_type=dictionary("service_type", "consultation"),
        channel=dictionary("channel", "web"),
    )
    client = login("supervisor")
    by_type = {"queue": "all", "service_type": dictionary("service_type", "consultation").pk}
    assert row_pks(client.get(LIST, by_type)) == [consultation.pk]
    by_channel = {"queue": "all", "channel": dictionary("channel", "phone").pk}
    assert row_pks(client.get(LIST, by_channel)) == [complaint.pk]
    assert row_pks(client.get(LIST, {"queue": "all", "status": "assigned"})) == []
    name = customers["manager2"].name
    assert row_pks(client.get(LIST, {"queue": "all", "q": name})) == [consultation.pk]
    code = customers["manager1"].code
    assert row_pks(client.get(LIST, {"queue": "all", "q": code})) == [complaint.pk]


def test_a_bad_filter_is_reported_not_applied(login, org, customers):
    new(org, customers)
    response = login("manager1").get(LIST, {"queue": "all", "status": "bogus"})
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' in response.content.decode()
    assert len(row_pks(response)) == 1


def test_the_htmx_filter_answers_the_table_only(login, org, customers):
    new(org, customers)
    response = login("manager1").get(
        LIST, {"queue": "all"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="service-table"
    )
    html = response.content.decode()
    assert 'data-testid="service-table"' in html
    assert "<html" not in html


def test_the_list_pages_by_keyset(login, org, customers, settings):
    settings.GUANXI = {**settings.GUANXI, "PAGE_SIZE": 2}
    made = [new(org, customers).pk for _ in range(3)]
    client = login("manager1")
    first = client.get(LIST, {"queue": "all"})
    assert row_pks(first) == made[::-1][:2]
    second = client.get(LIST, {"queue": "all", "cursor": first.context["page"].next_cursor})
    assert row_pks(second) == [made[0]]


def test_the_queue_query_count_does_not_grow_with_rows(
    login, org, customers, django_assert_max_num_queries
):
    client = login("supervisor")
    client.get(LIST, {"queue": "all"})  # warm the session and caches
    for index in range(3):
        owner = "manager2" if index % 2 else "manager1"
        new(org, customers, customer=owner, creator=owner)
        make_overdue(assigned(org, customers))
    # Two of them are every list's: the count of matching rows and the saved views menu.
    with django_assert_max_num_queries(14) as few:
        first = client.get(LIST, {"queue": "all"})
    assert len(row_pks(first)) == 6
    for _index in range(8):
        archived(org, customers)
        handled(org, customers)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST, {"queue": "all"})
    assert len(row_pks(response)) == 22


# -- create ------------------------------------------------------------------------------------


def test_a_manager_creates_a_request(login, org, customers):
    customer = customers["manager1"]
    response = login("manager1").post(CREATE, form_data(customer))
    created = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response.url == url(created)
    assert created.customer == customer
    assert created.status == Status.NEW
    assert created.created_by == org["manager1"]


def test_create_from_the_360_page_preselects_the_customer(login, org, customers):
    customer = customers["manager1"]
    client = login("manager1")
    detail = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert f"{CREATE}?customer={customer.pk}" in detail
    page = client.get(CREATE, {"customer": customer.pk})
    assert page.context["form"].initial["customer"] == customer.pk
    contact = customer.contacts.first()
    response = client.post(
        f"{CREATE}?customer={customer.pk}", form_data(customer, contact=str(contact.pk))
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().contact == contact


def test_create_shows_field_errors(login, org, customers):
    data = form_data(customers["manager1"], summary="")
    data.update(customer="", customer_text="KH0000")
    response = login("manager1").post(CREATE, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "summary" in errors
    assert "customer" in errors
    assert not ServiceRequest.objects.exists()


def test_a_customer_out_of_scope_cannot_be_chosen(login, org, customers):
    response = login("manager1").post(CREATE, form_data(customers["manager3"]))
    assert "customer" in response.context["form"].errors
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("username", ["exec", "assistant"])
def test_readers_cannot_create(login, org, customers, username):
    assert login(username).get(CREATE).status_code == 403


# -- edit and delete ---------------------------------------------------------------------------


def test_edit_saves_and_a_stale_version_is_a_conflict(login, org, customers):
    service_request = new(org, customers)
    client = login("manager1")
    data = form_data(customers["manager1"], summary="改为咨询", version=service_request.version)
    assert client.post(url(service_request, "request_edit"), data).status_code == 302
    assert fresh(service_request).summary == "改为咨询"
    stale = client.post(url(service_request, "request_edit"), data)  # the old version again
    assert stale.status_code == 409
    assert "Someone else changed" in stale.content.decode()


def test_an_archived_request_cannot_be_edited_or_deleted(login, org, customers):
    done = archived(org, customers)
    client = login("manager1")
    response = client.get(url(done, "request_edit"), follow=True)
    assert "archived and can no longer change" in response.content.decode()
    response = client.post(url(done, "request_delete"), {"version": done.version})
    assert response.status_code == 302
    assert fresh(done).deleted_at is None


def test_a_new_request_is_deleted(login, org, customers):
    service_request = new(org, customers)
    client = login("manager1")
    assert client.get(url(service_request, "request_delete")).status_code == 200
    response = client.post(url(service_request, "request_delete"), {"version": "1"})
    assert response.status_code == 302
    assert fresh(service_request).deleted_at is not None


def test_an_assigned_request_is_not_deleted(login, org, customers):
    service_request = assigned(org, customers)
    response = login("manager1").post(
        url(service_request, "request_delete"), {"version": service_request.version}
    )
    assert response.status_code == 302
    assert fresh(service_request).deleted_at is None


def test_a_stale_delete_is_a_conflict(login, org, customers):
    service_request = new(org, customers)
    response = login("manager1").post(url(service_request, "request_delete"), {"version": "7"})
    assert response.status_code == 409
    assert fresh(service_request).deleted_at is None


def test_pages_of_a_request_out_of_scope_are_404(login, org, customers):
    north = new(org, customers, creator="manager3", customer="manager3")
    client = login("manager1")
    for name in ("request_detail", "request_edit", "request_delete"):
        assert client.get(url(north, name)).status_code == 404
    for name in ("request_handle", "request_feedback"):
        assert client.post(url(north, name), {}).status_code == 404
    assert login("supervisor").post(url(north, "request_assign"), {}).status_code == 404


def test_rights_are_checked_before_anything(login, org, customers):
    service_request = new(org, customers)
    assistant = login("assistant")
    assert assistant.get(url(service_request)).status_code == 200  # supports manager1: reads
    assert assistant.get(url(service_request, "request_edit")).status_code == 403
    assert assistant.post(url(service_request, "request_delete")).status_code == 403
    assert login("manager1").post(url(service_request, "request_assign"), {}).status_code == 403
    assert login("exec").post(url(service_request, "request_handle"), {}).status_code == 403


# -- the flow on the request page --------------------------------------------------------------


def test_the_page_offers_only_the_forms_the_rules_allow(login, org, customers):
    service_request = new(org, customers)
    manager = login("manager1").get(url(service_request)).content.decode()
    assert 'data-testid="service-assign-form"' not in manager
    assert 'data-testid="service-edit"' in manager
    assert 'data-testid="service-delete"' in manager
    supervisor = login("supervisor").get(url(service_request)).content.decode()
    assert 'data-testid="service-assign-form"' in supervisor
    assert 'data-testid="service-handle-form"' not in supervisor


def test_assign_handle_feedback_through_the_page(login, org, customers):
    service_request = new(org, customers)
    supervisor, manager = login("supervisor"), login("manager1")
    response = supervisor.post(
        url(service_request, "request_assign"),
        {"assigned_to": org["manager1"].pk, "version": service_request.version},
    )
    assert response.status_code == 302
    service_request = fresh(service_request)
    assert service_request.status == Status.ASSIGNED
    page = manager.get(url(service_request)).content.decode()
    assert 'data-testid="service-handle-form"' in page
    manager.post(
        url(service_request, "request_handle"),
        {"handling": "电话指导客户重启设备。", "version": service_request.version},
    )
    service_request = fresh(service_request)
    assert service_request.status == Status.HANDLED
    manager.post(
        url(service_request, "request_feedback"),
        {"result": "仍有噪音", "satisfaction": "2", "version": service_request.version},
    )
    service_request = fresh(service_request)
    assert service_request.status == Status.ASSIGNED
    assert service_request.rounds == 2
    page = manager.get(url(service_request)).content.decode()
    assert 'data-testid="round-1"' in page
    assert 'data-testid="round-2"' in page
    assert "电话指导客户重启设备。" in page


def test_a_handle_by_someone_else_is_refused_with_403(login, org, customers):
    service_request = assigned(org, customers, assignee="manager1")
    response = login("manager2").post(
        url(service_request, "request_handle"),
        {"handling": "x", "version": service_request.version},
    )
    assert response.status_code in (403, 404)
    assert fresh(service_request).status == Status.ASSIGNED


def test_an_assignment_outside_the_team_shows_on_the_form(login, org, customers):
    service_request = new(org, customers)
    response = login("supervisor").post(
        url(service_request, "request_assign"),
        {"assigned_to": org["manager3"].pk, "version": service_request.version},
    )
    assert response.status_code == 200
    assert "assigned_to" in response.context["assign_form"].errors


def test_a_stale_feedback_is_a_conflict_shown_in_place(login, org, customers):
    service_request = handled(org, customers)
    response = login("manager1").post(
        url(service_request, "request_feedback"),
        {"result": "好", "satisfaction": "4", "version": service_request.version - 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert 'data-testid="service-feedback-form"' in response.content.decode()
    assert fresh(service_request).status == Status.HANDLED


def test_an_archived_request_is_read_only(login, org, customers):
    done = archived(org, customers)
    for username in ("manager1", "supervisor", "admin"):
        page = login(username).get(url(done)).content.decode()
        assert 'data-testid="read-only"' in page
        for form in ("assign", "handle", "feedback"):
            assert f'data-testid="service-{form}-form"' not in page
        assert 'data-testid="service-edit"' not in page
    response = login("manager1").post(
        url(done, "request_feedback"), {"result": "x", "satisfaction": "5", "version": done.version}
    )
    assert "archived and can no longer change" in response.content.decode()


def test_the_page_shows_the_sla_measures(login, org, customers):
    done = archived(org, customers)
    page = login("manager1").get(url(done)).content.decode()
    assert 'data-sla="first_response" data-state="met"' in page
    assert 'data-sla="resolution" data-state="met"' in page
    late = new(org, customers)
    make_overdue(late)
    page = login("manager1").get(url(late)).content.decode()
    assert 'data-sla="first_response" data-state="overdue"' in page
    assert 'data-testid="overdue"' in page


# -- SLA settings ------------------------------------------------------------------------------


def test_only_administrators_edit_the_service_levels(login, org):
    assert login("supervisor").get(SLA).status_code == 403
    assert login("admin").get(SLA).status_code == 200


def test_the_administrator_sets_the_hours_per_type(login, org):
    complaint = dictionary("service_type", "complaint")
    client = login("admin")
    page = client.get(SLA)
    data = {}
    for _service_type, _target, form in page.context["rows"]:
        data[f"{form.prefix}-first_response_hours"] = form.initial["first_response_hours"]
        data[f"{form.prefix}-resolution_hours"] = form.initial["resolution_hours"]
    data[f"type{complaint.pk}-first_response_hours"] = "1"
    data[f"type{complaint.pk}-resolution_hours"] = "12"
    assert client.post(SLA, data).status_code == 302
    target = ServiceLevelTarget.objects.get(service_type=complaint)
    assert (target.first_response_hours, target.resolution_hours) == (1, 12)
    data[f"type{complaint.pk}-resolution_hours"] = "0"
    response = client.post(SLA, data)
    assert response.status_code == 200
    assert ServiceLevelTarget.objects.get(service_type=complaint).resolution_hours == 12


def test_a_resolution_before_the_first_response_is_refused(login, org):
    complaint = dictionary("service_type", "complaint")
    client = login("admin")
    data = {}
    for _service_type, _target, form in client.get(SLA).context["rows"]:
        data[f"{form.prefix}-first_response_hours"] = form.initial["first_response_hours"]
        data[f"{form.prefix}-resolution_hours"] = form.initial["resolution_hours"]
    data[f"type{complaint.pk}-first_response_hours"] = "10"
    data[f"type{complaint.pk}-resolution_hours"] = "5"
    response = client.post(SLA, data)
    assert "before the first response" in response.content.decode()
    assert not ServiceLevelTarget.objects.exists()


def test_out_of_scope_customer_preselection_is_ignored(login, org, customers):
    north = CustomerFactory(owner=org["manager3"])
    response = login("manager1").get(CREATE, {"customer": north.pk})
    assert response.context["customer"] is None


def test_feedback_satisfaction_has_no_default_the_user_must_choose_1_to_5(login, org, customers):
    service_request = handled(org, customers, assignee="manager1")
    manager = login("manager1")
    page = manager.get(url(service_request)).content.decode()
    form = page[page.index('data-testid="service-feedback-form"') :]
    select = form[form.index('name="satisfaction"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="(\d?)" selected', select) == [""]
    response = manager.post(
        url(service_request, "request_feedback"),
        {"result": "已解决", "satisfaction": "", "version": service_request.version},
    )
    assert response.status_code in (200, 400)
    assert "Choose the customer" in response.content.decode()
    assert fresh(service_request).status == service_request.status
