"""Service requests 客户服务 through the services: every transition, allowed and
refused, the rounds kept as history, SLA due times, and who may see what."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.customers.models import Customer
from guanxi.service.models import ServiceLevelTarget, ServiceRequest, ServiceRound
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import feedback as services_feedback
from guanxi.service.services import handling as services_handling
from guanxi.service.services import requests as services
from tests.collaboration.fixtures.notifications import titles
from tests.core.fixtures.dictionaries import dictionary
from tests.service.fixtures.requests import assigned, fresh, handled, new

Status = ServiceRequest.Status


@pytest.fixture(autouse=True)
def _english(org):
    """Messages are matched in English, notifications too (they use the recipient's language)."""
    for user in org.values():
        user.language = "en"
        user.save(update_fields=["language"])
    with translation.override("en"):
        yield


def message_of(error) -> str:
    return " ".join(str(m) for messages in error.value.message_dict.values() for m in messages)


# -- create ---------------------------------------------------------------------------------


def test_a_new_request_has_a_code_status_new_and_sla_due_times(org, customers):
    before = timezone.now()
    service_request = new(org, customers)
    assert service_request.status == Status.NEW
    assert service_request.code.startswith(f"FW{timezone.localdate().year}")
    assert service_request.created_by == org["manager1"]
    # A complaint promises a first response within 2 hours and resolution within 48.
    assert before + timedelta(hours=2) <= service_request.response_due_at
    assert service_request.response_due_at <= timezone.now() + timedelta(hours=2)
    assert service_request.resolution_due_at - service_request.response_due_at == timedelta(
        hours=46
    )


def test_the_types_sla_target_setting_decides_the_due_times(org, customers):
    consultation = dictionary("service_type", "consultation")
    ServiceLevelTarget.objects.create(
        service_type=consultation, first_response_hours=1, resolution_hours=5
    )
    service_request = new(org, customers, service_type=consultation)
    span = service_request.resolution_due_at - service_request.created_at
    assert span == timedelta(hours=5)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("summary", "  ", "Summarise the request."),
        ("request", "", "Describe the request."),
        ("service_type", None, "Choose the service type."),
        ("channel", None, "Choose the channel."),
    ],
)
def test_create_refuses_missing_fields_naming_them(org, customers, field, value, message):
    with pytest.raises(ValidationError) as error:
        new(org, customers, **{field: value})
    assert error.value.message_dict[field] == [message]
    assert not ServiceRequest.objects.exists()


def test_create_refuses_a_value_of_the_wrong_dictionary(org, customers):
    with pytest.raises(ValidationError) as error:
        new(org, customers, service_type=dictionary("channel", "web"))
    assert "service_type" in error.value.message_dict


def test_create_refuses_a_customer_outside_the_actors_scope(org, customers):
    with pytest.raises(ValidationError) as error:
        new(org, customers, creator="manager1", customer="manager3")
    assert "customer" in error.value.message_dict


def test_create_refuses_a_contact_of_another_customer(org, customers):
    other_contact = customers["manager2"].contacts.first()
    with pytest.raises(ValidationError) as error:
        new(org, customers, contact=other_contact)
    assert "contact" in error.value.message_dict


def test_executives_and_assistants_cannot_create(org, customers):
    for username in ("exec", "assistant"):
        with pytest.raises(PermissionDenied):
            new(org, customers, creator=username)


def test_a_request_received_without_a_customer_needs_a_way_to_reply(org):
    with pytest.raises(ValidationError) as error:
        services.service_request_receive(
            service_type=dictionary("service_type", "consultation"),
            summary="询价",
            request="请问贵司的服务器报价？",
            channel=dictionary("channel", "web"),
            requester_name="李雷",
        )
    assert "requester_email" in error.value.message_dict
    received = services.service_request_receive(
        service_type=dictionary("service_type", "consultation"),
        summary="询价",
        request="请问贵司的服务器报价？",
        channel=dictionary("channel", "web"),
        requester_name="李雷",
        requester_email="lilei@example.cn",
    )
    assert received.customer is None and received.created_by is None
    assert received.status == Status.NEW


def test_a_requesters_phone_is_checked_and_stored_normalised_on_every_path(org):
    def receive(phone):
        return services.service_request_receive(
            service_type=dictionary("service_type", "consultation"),
            summary="报修",
            request="打印机无法开机。",
            channel=dictionary("channel", "phone"),
            requester_name="王芳",
            requester_phone=phone,
        )

    with pytest.raises(ValidationError) as error:
        receive("1234")
    assert "requester_phone" in error.value.message_dict
    assert ServiceRequest.objects.filter(summary="报修").count() == 0
    assert receive("138-0013-8000").requester_phone == "+8613800138000"


# -- assign ---------------------------------------------------------------------------------


def test_a_supervisor_assigns_to_their_team_and_the_assignee_is_notified(org, customers):
    service_request = assigned(org, customers, assignee="manager2")
    service_request = fresh(service_request)
    assert service_request.status == Status.ASSIGNED
    assert service_request.assigned_to == org["manager2"]
    assert service_request.assigned_at is not None
    (first,) = service_request.round_set.all()
    assert (first.number, first.assigned_to, first.assigned_by) == (
        1,
        org["manager2"],
        org["supervisor"],
    )
    assert any(service_request.code in title for title in titles(org["manager2"]))


def test_only_supervisors_assign(org, customers):
    service_request = new(org, customers)
    with pytest.raises(PermissionDenied):
        services.service_request_assign(
            actor=org["manager1"], service_request=service_request, assignee=org["manager1"]
        )
    assert fresh(service_request).status == Status.NEW


def test_a_supervisor_cannot_assign_outside_their_team(org, customers):
    service_request = new(org, customers)
    with pytest.raises(ValidationError) as error:
        services.service_request_assign(
            actor=org["supervisor"], service_request=service_request, assignee=org["manager3"]
        )
    assert "assigned_to" in error.value.message_dict
    assert fresh(service_request).status == Status.NEW


def test_reassigning_before_handling_moves_the_open_round(org, customers):
    service_request = assigned(org, customers, assignee="manager1")
    services.service_request_assign(
        actor=org["supervisor"], service_request=service_request, assignee=org["manager2"]
    )
    service_request = fresh(service_request)
    assert service_request.assigned_to == org["manager2"]
    assert [r.assigned_to for r in service_request.round_set.all()] == [org["manager2"]]


def test_a_handled_request_cannot_be_assigned(org, customers):
    service_request = handled(org, customers)
    with pytest.raises(BusinessRuleError) as error:
        services.service_request_assign(
            actor=org["supervisor"], service_request=service_request, assignee=org["manager2"]
        )
    assert "handled request cannot be assigned" in message_of(error)


def test_a_stale_version_is_a_conflict(org, customers):
    service_request = new(org, customers)
    with pytest.raises(ConflictError):
        services.service_request_assign(
            actor=org["supervisor"],
            service_request=service_request,
            assignee=org["manager1"],
            expected_version=service_request.version - 1,
        )
    assert fresh(service_request).status == Status.NEW


# -- handle ---------------------------------------------------------------------------------


def test_the_assignee_handles_and_the_first_response_is_measured(org, customers):
    service_request = handled(org, customers, assignee="manager2")
    service_request = fresh(service_request)
    assert service_request.status == Status.HANDLED
    assert service_request.first_response_at == service_request.handled_at
    (first,) = service_request.round_set.all()
    assert first.handling == "已上门更换风扇。" and first.handled_by == org["manager2"]
    # The customer's manager, who filed it, is asked to collect the feedback.
    assert any("feedback wanted" in title for title in titles(org["manager1"]))


def test_only_the_assignee_handles(org, customers):
    service_request = assigned(org, customers, assignee="manager2")
    for username in ("manager1", "supervisor"):
        with pytest.raises(PermissionDenied):
            services_handling.service_request_handle(
                actor=org[username], service_request=service_request, handling="处理"
            )
    assert fresh(service_request).status == Status.ASSIGNED


def test_a_new_request_cannot_be_handled(org, customers):
    service_request = new(org, customers)
    with pytest.raises(BusinessRuleError) as error:
        services_handling.service_request_handle(
            actor=org["manager1"], service_request=service_request, handling="处理"
        )
    assert "Only an assigned request can be handled" in message_of(error)


def test_handling_needs_a_description(org, customers):
    service_request = assigned(org, customers)
    with pytest.raises(ValidationError) as error:
        services_handling.service_request_handle(
            actor=org["manager1"], service_request=service_request, handling=" "
        )
    assert error.value.message_dict["handling"] == ["Describe the handling."]


# -- feedback -------------------------------------------------------------------------------


@pytest.mark.parametrize("satisfaction", [3, 4, 5])
def test_feedback_of_three_or_more_archives(org, customers, satisfaction):
    service_request = handled(org, customers)
    services_feedback.service_request_feedback(
        actor=org["manager1"],
        service_request=service_request,
        result="客户确认噪音消失",
        satisfaction=satisfaction,
    )
    service_request = fresh(service_request)
    assert service_request.status == Status.ARCHIVED
    assert service_request.archived_at is not None
    assert service_request.satisfaction == satisfaction


@pytest.mark.parametrize("satisfaction", [1, 2])
def test_feedback_below_three_opens_another_round_with_the_assignee(org, customers, satisfaction):
    service_request = handled(org, customers, assignee="manager2")
    services_feedback.service_request_feedback(
        actor=org["manager1"],
        service_request=service_request,
        result="噪音仍然存在",
        satisfaction=satisfaction,
    )
    service_request = fresh(service_request)
    assert service_request.status == Status.ASSIGNED
    assert service_request.assigned_to == org["manager2"]
    first, second = service_request.round_set.all()
    assert (first.satisfaction, first.result, first.handling) == (
        satisfaction,
        "噪音仍然存在",
        "已上门更换风扇。",
    )
    assert (second.number, second.assigned_to, second.handled_at) == (2, org["manager2"], None)
    assert any("returned" in title for title in titles(org["manager2"]))


def test_two_rounds_keep_every_handling_and_feedback(org, customers):
    service_request = handled(org, customers)
    services_feedback.service_request_feedback(
        actor=org["supervisor"], service_request=service_request, result="未解决", satisfaction=2
    )
    services_handling.service_request_handle(
        actor=org["manager1"], service_request=fresh(service_request), handling="更换整机"
    )
    services_feedback.service_request_feedback(
        actor=org["supervisor"],
        service_request=fresh(service_request),
        result="已解决",
        satisfaction=4,
    )
    service_request = fresh(service_request)
    assert service_request.status == Status.ARCHIVED
    rounds = list(
        selectors.service_round_list(actor=org["manager1"], service_request=service_request)
    )
    assert [(r.number, r.handling, r.satisfaction) for r in rounds] == [
        (1, "已上门更换风扇。", 2),
        (2, "更换整机", 4),
    ]
    # The first response stays the first handling's time, not the second's.
    assert service_request.first_response_at == rounds[0].handled_at


@pytest.mark.parametrize("satisfaction", [0, 6, "3.5", "", None, "abc"])
def test_satisfaction_must_be_one_to_five(org, customers, satisfaction):
    service_request = handled(org, customers)
    with pytest.raises(ValidationError) as error:
        services_feedback.service_request_feedback(
            actor=org["manager1"],
            service_request=service_request,
            result="结果",
            satisfaction=satisfaction,
        )
    assert error.value.message_dict["satisfaction"] == [
        "Satisfaction is a whole number from 1 to 5."
    ]
    assert fresh(service_request).status == Status.HANDLED
    assert not ServiceRound.objects.filter(satisfaction__isnull=False).exists()


def test_feedback_needs_the_result(org, customers):
    service_request = handled(org, customers)
    with pytest.raises(ValidationError) as error:
        services_feedback.service_request_feedback(
            actor=org["manager1"], service_request=service_request, result="", satisfaction=4
        )
    assert error.value.message_dict["result"] == ["Describe the result."]


def test_feedback_before_handling_is_refused(org, customers):
    service_request = assigned(org, customers)
    with pytest.raises(BusinessRuleError) as error:
        services_feedback.service_request_feedback(
            actor=org["manager1"], service_request=service_request, result="好", satisfaction=5
        )
    assert "Feedback comes after the handling" in message_of(error)


def test_a_survey_answer_is_recorded_without_a_user(org, customers):
    service_request = handled(org, customers)
    services_feedback.service_request_feedback(
        actor=None,
        service_request=service_request,
        result="满意",
        satisfaction=5,
        source=ServiceRound.FeedbackSource.SURVEY,
    )
    (first,) = fresh(service_request).round_set.all()
    assert (first.feedback_source, first.feedback_by) == ("survey", None)


# -- archived is read-only --------------------------------------------------------------------


def archived(org, customers) -> ServiceRequest:
    service_request = handled(org, customers)
    return services_feedback.service_request_feedback(
        actor=org["manager1"], service_request=service_request, result="好", satisfaction=4
    )


def test_an_archived_request_refuses_every_change(org, customers):
    service_request = archived(org, customers)
    attempts = [
        lambda: services.service_request_assign(
            actor=org["supervisor"], service_request=service_request, assignee=org["manager2"]
        ),
        lambda: services_handling.service_request_handle(
            actor=org["manager1"], service_request=service_request, handling="再次处理"
        ),
        lambda: services_feedback.service_request_feedback(
            actor=org["manager1"], service_request=service_request, result="x", satisfaction=1
        ),
        lambda: services.service_request_update(
            actor=org["manager1"], service_request=service_request, summary="改"
        ),
        lambda: services.service_request_delete(
            actor=org["supervisor"], service_request=service_request
        ),
    ]
    for attempt in attempts:
        with pytest.raises(BusinessRuleError) as error:
            attempt()
        assert "archived and can no longer change" in message_of(error)
    assert fresh(service_request).version == service_request.version


# -- edit and delete ------------------------------------------------------------------------------


def test_editing_the_type_moves_the_due_times_from_the_creation(org, customers):
    service_request = new(org, customers)
    updated = services.service_request_update(
        actor=org["manager1"],
        service_request=service_request,
        service_type=dictionary("service_type", "suggestion"),
        summary="建议增加静音模式",
    )
    assert updated.summary == "建议增加静音模式"
    assert updated.resolution_due_at - updated.created_at == timedelta(hours=72)


def test_a_supervisor_links_an_unmatched_request_to_a_customer(org, customers):
    received = services.service_request_receive(
        service_type=dictionary("service_type", "consultation"),
        summary="询价",
        request="报价？",
        channel=dictionary("channel", "email"),
        requester_email="someone@example.cn",
    )
    services.service_request_update(
        actor=org["supervisor"], service_request=received, customer=customers["manager1"]
    )
    assert fresh(received).customer == customers["manager1"]


def test_only_new_requests_can_be_deleted(org, customers):
    service_request = assigned(org, customers)
    with pytest.raises(BusinessRuleError):
        services.service_request_delete(actor=org["supervisor"], service_request=service_request)
    fresh_one = new(org, customers)
    services.service_request_delete(actor=org["manager1"], service_request=fresh_one)
    assert fresh(fresh_one).is_deleted
    assert not ServiceRequest.objects.filter(pk=fresh_one.pk).exists()


# -- scope -------------------------------------------------------------------------------------


def visible(org, username) -> set[int]:
    return set(selectors.service_request_list(actor=org[username]).values_list("pk", flat=True))


def test_each_role_sees_its_scope(org, customers):
    own = new(org, customers)  # manager1's customer
    north = new(org, customers, creator="manager3", customer="manager3")
    handled_by_manager2 = assigned(org, customers, assignee="manager2")
    unmatched = services.service_request_receive(
        service_type=dictionary("service_type", "consultation"),
        summary="询价",
        request="报价？",
        channel=dictionary("channel", "web"),
        requester_email="x@example.cn",
    )
    assert visible(org, "manager1") == {own.pk, handled_by_manager2.pk}
    assert visible(org, "manager2") == {handled_by_manager2.pk}
    assert visible(org, "manager3") == {north.pk}
    # Supervisors see their team's requests and the unmatched ones waiting for assignment.
    assert visible(org, "supervisor") == {own.pk, handled_by_manager2.pk, unmatched.pk}
    assert visible(org, "supervisor2") == {north.pk, unmatched.pk}
    assert visible(org, "exec") == {own.pk, north.pk, handled_by_manager2.pk, unmatched.pk}
    assert visible(org, "assistant") == {own.pk, handled_by_manager2.pk}


def test_a_request_out_of_scope_is_absent_to_the_services(org, customers):
    north = new(org, customers, creator="manager3", customer="manager3")
    with pytest.raises(ServiceRequest.DoesNotExist):
        services.service_request_assign(
            actor=org["supervisor"], service_request=north, assignee=org["manager1"]
        )


def test_feedback_never_overwrites_the_satisfaction_a_user_entered(org, customers):
    customer = customers["manager1"]
    Customer.objects.filter(pk=customer.pk).update(satisfaction=5)
    before = Customer.history.filter(id=customer.pk).count()
    for score in (1, 2):
        services_feedback.service_request_feedback(
            actor=org["manager1"],
            service_request=handled(org, customers),
            result="不满意",
            satisfaction=score,
        )
    customer.refresh_from_db()
    assert customer.satisfaction == 5
    assert Customer.history.filter(id=customer.pk).count() == before


def test_editing_uses_no_new_code(org, customers):
    first = new(org, customers)
    services.service_request_update(
        actor=org["manager1"], service_request=first, summary="设备噪音过大（补充）"
    )
    second = new(org, customers)
    assert int(second.code[-6:]) == int(first.code[-6:]) + 1
    assert fresh(first).code == first.code


def test_supervisors_see_unassigned_requests_of_pool_customers(org, customers):
    pool_request = services.service_request_receive(
        service_type=dictionary("service_type", "complaint"),
        summary="无人跟进",
        request="我们的设备坏了。",
        channel=dictionary("channel", "email"),
        customer=customers["pool"],
        requester_email="pool@example.cn",
    )
    assert pool_request.pk in visible(org, "supervisor")
    assert pool_request.pk in visible(org, "supervisor2")
    assert pool_request.pk not in visible(org, "manager1")
    services.service_request_assign(
        actor=org["supervisor"], service_request=pool_request, assignee=org["manager1"]
    )
    # Once assigned it belongs to the assignee's side of the organisation.
    assert pool_request.pk in visible(org, "manager1")
    assert pool_request.pk not in visible(org, "supervisor2")
