"""Sales opportunities 销售机会 and development plans 客户开发计划 through the services.

Every rule and transition, allowed and refused, and the scope of each role.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from guanxi.collaboration.models import Notification
from guanxi.core.exceptions import BusinessRuleError, ConflictError
from guanxi.core.models import DictionaryEntry
from guanxi.customers.dedup import DuplicateError
from guanxi.customers.models import Contact, Customer, CustomerEvent
from guanxi.customers.services import customers as customer_services
from guanxi.sales import rules
from guanxi.sales.models import Deal, Opportunity, PlanItem, PlanItemResult
from guanxi.sales.selectors import opportunities as selectors
from guanxi.sales.selectors import pipeline as pipeline_selectors
from guanxi.sales.services import opportunities as services
from tests.core.fixtures.dictionaries import dictionary
from tests.customers.fixtures.customers import CustomerFactory

TODAY = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English."""
    with translation.override("en"):
        yield


def new(org, creator="manager1", **fields) -> Opportunity:
    values = {
        "prospect_name": "杭州恒通科技有限公司",
        "probability": 60,
        "summary": "采购 200 台服务器",
        "contact": "王强",
        "contact_phone": "13912345678",
        "source": dictionary("source", "exhibition"),
    }
    values.update(fields)
    return services.opportunity_create(actor=org[creator], **values)


def assigned(org, assignee="manager1", creator="manager1", by="supervisor", **fields):
    opportunity = new(org, creator, **fields)
    return services.opportunity_assign(
        actor=org[by], opportunity=opportunity, assignee=org[assignee]
    )


def fresh(opportunity) -> Opportunity:
    return Opportunity.all_objects.get(pk=opportunity.pk)


def history_reasons(opportunity) -> list:
    rows = opportunity.history.order_by("history_id")
    return [(row.history_type, row.history_change_reason) for row in rows]


def field_messages(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


# --- create -----------------------------------------------------------------------------------


def test_a_manager_creates_an_unassigned_opportunity(org):
    opportunity = new(org, description="  有意向  ")
    assert opportunity.status == Opportunity.Status.UNASSIGNED
    assert opportunity.created_by == org["manager1"] and opportunity.created_at
    assert opportunity.assigned_to is None and opportunity.assigned_at is None
    assert opportunity.description == "有意向"
    assert opportunity.version == 1
    assert history_reasons(opportunity) == [("+", None)]


@pytest.mark.parametrize("username", ["supervisor", "assistant", "admin"])
def test_everyone_with_sales_rights_creates_one(org, username):
    assert new(org, username).created_by == org[username]


def test_an_executive_cannot_create_one(org):
    with pytest.raises(PermissionDenied):
        new(org, "exec")
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"prospect_name": ""}, "prospect_name"),
        ({"summary": "  "}, "summary"),
        ({"probability": 101}, "probability"),
        ({"probability": -1}, "probability"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"description": "长" * 4001}, "description"),
    ],
)
def test_bad_input_names_the_field(org, fields, field):
    with pytest.raises(ValidationError) as refused:
        new(org, **fields)
    assert field in refused.value.message_dict
    assert not Opportunity.objects.exists()


def test_the_source_comes_from_the_active_source_dictionary(org):
    with pytest.raises(ValidationError) as wrong_kind:
        new(org, source=dictionary("region", "east"))
    assert "source" in wrong_kind.value.message_dict
    retired = dictionary("source", "website")
    DictionaryEntry.objects.filter(pk=retired.pk).update(is_active=False)
    retired.refresh_from_db()
    with pytest.raises(ValidationError) as inactive:
        new(org, source=retired)
    assert "no longer in use" in field_messages(inactive.value, "source")[0]


def test_unknown_fields_are_refused(org):
    with pytest.raises(ValidationError):
        new(org, status="won")


def test_an_existing_customer_may_be_linked_if_the_creator_sees_it(org, customers):
    linked = new(org, customer=customers["manager1"], prospect_name="")
    assert linked.customer == customers["manager1"]
    assert linked.prospect_name == customers["manager1"].name
    with pytest.raises(ValidationError) as unseen:
        new(org, customer=customers["manager2"])
    assert "customer" in unseen.value.message_dict


# --- edit and delete: only while unassigned, by the creator or a supervisor ------------------


def test_the_creator_edits_while_unassigned(org):
    opportunity = new(org)
    saved = services.opportunity_update(
        actor=org["manager1"], opportunity=opportunity, expected_version=1, probability=80
    )
    assert saved.probability == 80 and saved.version == 2
    assert [kind for kind, _reason in history_reasons(saved)] == ["+", "~"]


def test_a_supervisor_edits_the_teams_unassigned_opportunity(org):
    opportunity = new(org)
    saved = services.opportunity_update(
        actor=org["supervisor"], opportunity=opportunity, summary="扩容"
    )
    assert saved.summary == "扩容" and saved.updated_by == org["supervisor"]


def test_someone_else_who_sees_it_may_not_edit_it(org):
    opportunity = new(org)  # the assistant supports manager1, so sees it
    with pytest.raises(PermissionDenied) as refused:
        services.opportunity_update(actor=org["assistant"], opportunity=opportunity, summary="x")
    assert "creator or a supervisor" in str(refused.value)
    assert fresh(opportunity).summary == "采购 200 台服务器"


def test_a_supervisor_of_another_team_does_not_even_see_it(org):
    opportunity = new(org)
    with pytest.raises(Opportunity.DoesNotExist):
        services.opportunity_update(actor=org["supervisor2"], opportunity=opportunity, summary="x")
    with pytest.raises(Opportunity.DoesNotExist):
        services.opportunity_delete(actor=org["supervisor2"], opportunity=opportunity)


def test_an_assigned_opportunity_can_no_longer_be_edited_or_deleted(org):
    opportunity = assigned(org)
    for actor in ("manager1", "supervisor", "admin"):
        with pytest.raises(BusinessRuleError) as refused:
            services.opportunity_update(actor=org[actor], opportunity=opportunity, summary="x")
        assert "Only an unassigned opportunity" in field_messages(refused.value, "status")[0]
        with pytest.raises(BusinessRuleError):
            services.opportunity_delete(actor=org[actor], opportunity=opportunity)
    assert fresh(opportunity).deleted_at is None


def test_a_stale_edit_is_a_conflict(org):
    opportunity = new(org)
    services.opportunity_update(actor=org["manager1"], opportunity=opportunity, probability=70)
    with pytest.raises(ConflictError):
        services.opportunity_update(
            actor=org["supervisor"], opportunity=opportunity, expected_version=1, probability=10
        )
    assert fresh(opportunity).probability == 70


def test_the_creator_deletes_while_unassigned(org):
    opportunity = new(org)
    services.opportunity_delete(actor=org["manager1"], opportunity=opportunity)
    assert fresh(opportunity).deleted_at is not None
    assert not selectors.opportunity_list(actor=org["admin"]).exists()
    with pytest.raises(Opportunity.DoesNotExist):
        services.opportunity_update(actor=org["manager1"], opportunity=opportunity, summary="x")


def test_a_stale_delete_is_a_conflict_and_an_assistant_has_no_delete_right(org):
    opportunity = new(org, "assistant")
    with pytest.raises(PermissionDenied):
        services.opportunity_delete(actor=org["assistant"], opportunity=opportunity)
    with pytest.raises(ConflictError):
        services.opportunity_delete(
            actor=org["supervisor"], opportunity=opportunity, expected_version=5
        )
    services.opportunity_delete(actor=org["supervisor"], opportunity=opportunity)
    assert fresh(opportunity).is_deleted


# --- assignment -------------------------------------------------------------------------------


def test_a_supervisor_assigns_to_a_manager_of_the_team(org):
    opportunity = new(org, "manager2")
    done = services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    row = fresh(opportunity)
    assert row.status == Opportunity.Status.ASSIGNED
    assert row.assigned_to == org["manager1"] and row.assigned_by == org["supervisor"]
    assert row.assigned_at is not None and done.version == 2
    assert history_reasons(row)[-1] == ("~", "Assigned to 张伟")
    note = Notification.objects.get(recipient=org["manager1"])
    assert note.url == f"/sales/opportunities/{row.pk}/"


def test_administrators_assign_to_anyone_who_works_on_opportunities(org):
    opportunity = new(org)
    services.opportunity_assign(
        actor=org["admin"], opportunity=opportunity, assignee=org["manager3"]
    )
    assert fresh(opportunity).assigned_to == org["manager3"]


@pytest.mark.parametrize("username", ["manager1", "assistant"])
def test_only_supervisors_assign(org, username):
    opportunity = new(org)
    with pytest.raises(PermissionDenied) as refused:
        services.opportunity_assign(
            actor=org[username], opportunity=opportunity, assignee=org["manager1"]
        )
    assert "Only supervisors" in str(refused.value)
    assert fresh(opportunity).status == Opportunity.Status.UNASSIGNED


def test_an_executive_has_no_right_to_assign(org):
    opportunity = new(org)
    with pytest.raises(PermissionDenied):
        services.opportunity_assign(
            actor=org["exec"], opportunity=opportunity, assignee=org["manager1"]
        )


def test_assigning_outside_the_team_or_to_nobody_is_refused(org):
    opportunity = new(org)
    with pytest.raises(ValidationError) as outside:
        services.opportunity_assign(
            actor=org["supervisor"], opportunity=opportunity, assignee=org["manager3"]
        )
    assert "assigned_to" in outside.value.message_dict
    with pytest.raises(ValidationError) as nobody:
        services.opportunity_assign(actor=org["supervisor"], opportunity=opportunity, assignee=None)
    assert "assigned_to" in nobody.value.message_dict
    with pytest.raises(ValidationError) as read_only:
        services.opportunity_assign(
            actor=org["admin"], opportunity=opportunity, assignee=org["exec"]
        )
    assert "assigned_to" in read_only.value.message_dict
    assert fresh(opportunity).status == Opportunity.Status.UNASSIGNED


def test_assigning_twice_is_refused_naming_the_assignee(org):
    opportunity = assigned(org)
    with pytest.raises(BusinessRuleError) as refused:
        services.opportunity_assign(
            actor=org["supervisor"], opportunity=opportunity, assignee=org["manager2"]
        )
    assert field_messages(refused.value, "assigned_to") == [
        "This opportunity is already assigned to 张伟."
    ]
    assert fresh(opportunity).assigned_to == org["manager1"]


def test_a_stale_assignment_is_a_conflict(org):
    opportunity = new(org)
    services.opportunity_update(actor=org["manager1"], opportunity=opportunity, probability=90)
    with pytest.raises(ConflictError):
        services.opportunity_assign(
            actor=org["supervisor"],
            opportunity=opportunity,
            assignee=org["manager1"],
            expected_version=1,
        )


def test_the_assignee_choices_follow_the_customers_rule(org):
    names = lambda actor: {u.username for u in selectors.opportunity_assignee_choices(actor=actor)}  # noqa: E731
    assert names(org["supervisor"]) == {"supervisor", "manager1", "manager2", "assistant"}
    assert names(org["supervisor2"]) == {"supervisor2", "manager3"}
    assert "exec" not in names(org["admin"]) and "manager3" in names(org["admin"])
    assert names(org["manager1"]) == {"manager1"}


# --- the development plan ---------------------------------------------------------------------


def test_the_assignee_writes_plan_items_and_records_results(org):
    opportunity = assigned(org, creator="manager2")
    later = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="上门演示"
    )
    first = services.plan_item_create(
        actor=org["manager1"],
        opportunity=opportunity,
        date=TODAY - datetime.timedelta(days=3),
        content="电话沟通需求",
    )
    items = list(selectors.plan_item_list(actor=org["manager1"], opportunity=opportunity))
    assert items == [first, later]
    assert first.created_by == org["manager1"]

    recorded = services.plan_item_record_result(
        actor=org["manager1"], item=first, result="  客户确认预算  "
    )
    assert recorded.result == "客户确认预算" and recorded.result_at is not None
    again = services.plan_item_record_result(actor=org["manager1"], item=first, result="预算翻倍")
    assert again.result == "预算翻倍" and again.version == 3
    assert [row.result for row in first.history.order_by("history_id")] == [
        "",
        "客户确认预算",
        "预算翻倍",
    ]


def test_planning_an_unassigned_opportunity_is_refused(org):
    opportunity = new(org)
    with pytest.raises(BusinessRuleError) as refused:
        services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=TODAY, content="拜访"
        )
    assert "Assign this opportunity first" in field_messages(refused.value, "status")[0]
    assert not PlanItem.objects.exists()


def test_a_sales_supervisor_writes_the_plan_of_an_opportunity_assigned_in_their_team(org):
    """对特定销售机会制定客户开发计划: the supervisor of the assignee's team plans too, and the
    plan shows who wrote each item and each result."""
    opportunity = assigned(org, creator="manager2")
    by_supervisor = services.plan_item_create(
        actor=org["supervisor"], opportunity=opportunity, date=TODAY, content="安排技术交流"
    )
    by_assignee = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="上门演示"
    )
    recorded = services.plan_item_record_result(
        actor=org["supervisor"], item=by_assignee, result="客户技术部认可方案"
    )
    items = list(selectors.plan_item_list(actor=org["manager1"], opportunity=opportunity))
    assert [(item.content, item.created_by) for item in items] == [
        ("安排技术交流", org["supervisor"]),
        ("上门演示", org["manager1"]),
    ]
    assert by_supervisor.created_by == org["supervisor"]
    assert recorded.result_by == org["supervisor"]
    assert [(r.text, r.created_by) for r in items[1].results.all()] == [
        ("客户技术部认可方案", org["supervisor"])
    ]
    assert rules.can_write_plan(org["supervisor"], opportunity)
    # Finishing stays the assignee's.
    assert not rules.can_develop_opportunity(org["supervisor"], opportunity)
    with pytest.raises(PermissionDenied):
        services.opportunity_succeed(actor=org["supervisor"], opportunity=opportunity)


@pytest.mark.parametrize("username", ["manager2", "admin", "assistant"])
def test_nobody_else_writes_the_plan(org, username):
    opportunity = assigned(org, creator="manager2")
    item = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="拜访"
    )
    with pytest.raises(PermissionDenied) as refused:
        services.plan_item_create(
            actor=org[username], opportunity=opportunity, date=TODAY, content="再访"
        )
    assert "Only 张伟" in str(refused.value)
    with pytest.raises(PermissionDenied):
        services.plan_item_record_result(actor=org[username], item=item, result="好")
    assert PlanItem.objects.count() == 1 and PlanItem.objects.get().result == ""
    assert not PlanItemResult.objects.exists()


def test_a_supervisor_of_another_team_does_not_write_the_plan(org):
    opportunity = assigned(org)
    assert not rules.can_write_plan(org["supervisor2"], opportunity)
    with pytest.raises(Opportunity.DoesNotExist):  # not even in their scope
        services.plan_item_create(
            actor=org["supervisor2"], opportunity=opportunity, date=TODAY, content="拜访"
        )


def test_recording_a_result_again_keeps_the_earlier_result_in_the_items_history(org):
    opportunity = assigned(org)
    item = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="电话沟通需求"
    )
    services.plan_item_record_result(actor=org["manager1"], item=item, result="客户确认预算")
    latest = services.plan_item_record_result(actor=org["supervisor"], item=item, result="预算翻倍")
    assert latest.result == "预算翻倍" and latest.result_by == org["supervisor"]
    (listed,) = selectors.plan_item_list(actor=org["manager1"], opportunity=opportunity)
    assert [(r.text, r.created_by) for r in listed.results.all()] == [
        ("客户确认预算", org["manager1"]),
        ("预算翻倍", org["supervisor"]),
    ]


def test_the_plan_list_takes_two_queries_however_many_items_and_results(
    org, django_assert_num_queries
):
    opportunity = assigned(org)
    for day in range(4):
        item = services.plan_item_create(
            actor=org["manager1"],
            opportunity=opportunity,
            date=TODAY + datetime.timedelta(days=day),
            content=f"第 {day} 步",
        )
        for text in ("初步", "跟进"):
            services.plan_item_record_result(actor=org["manager1"], item=item, result=text)
    actor = type(org["admin"]).objects.get(pk=org["admin"].pk)
    actor.has_perm("x")  # load the rights first
    with django_assert_num_queries(2):  # the items with their authors, then every result
        items = list(selectors.plan_item_list(actor=actor, opportunity=opportunity))
        authors = [
            (i.created_by, i.result_by, [r.created_by for r in i.results.all()]) for i in items
        ]
    assert len(items) == 4 and all(len(results) == 2 for _a, _b, results in authors)


def test_plan_input_names_the_field(org):
    opportunity = assigned(org)
    with pytest.raises(ValidationError) as no_content:
        services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=TODAY, content="  "
        )
    assert "content" in no_content.value.message_dict
    with pytest.raises(ValidationError) as no_date:
        services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=None, content="拜访"
        )
    assert "date" in no_date.value.message_dict
    item = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="拜访"
    )
    with pytest.raises(ValidationError) as no_result:
        services.plan_item_record_result(actor=org["manager1"], item=item, result="")
    assert "result" in no_result.value.message_dict
    with pytest.raises(ConflictError):
        services.plan_item_record_result(
            actor=org["manager1"], item=item, result="好", expected_version=7
        )


def test_a_closed_opportunitys_plan_is_fixed(org):
    opportunity = assigned(org)
    item = services.plan_item_create(
        actor=org["manager1"], opportunity=opportunity, date=TODAY, content="拜访"
    )
    services.opportunity_terminate(
        actor=org["manager1"], opportunity=opportunity, reason=dictionary("lost_reason", "price")
    )
    with pytest.raises(BusinessRuleError) as refused:
        services.plan_item_create(
            actor=org["manager1"], opportunity=opportunity, date=TODAY, content="再访"
        )
    assert "closed" in field_messages(refused.value, "status")[0]
    with pytest.raises(BusinessRuleError):
        services.plan_item_record_result(actor=org["manager1"], item=item, result="好")


# --- development succeeded 开发成功 -------------------------------------------------------------


def test_success_creates_the_customer_and_its_primary_contact(org):
    opportunity = assigned(org, creator="supervisor")
    won = services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    customer = won.customer
    assert won.status == Opportunity.Status.WON and won.closed_at is not None
    assert customer.name == "杭州恒通科技有限公司"
    assert customer.owner == org["manager1"] and customer.created_by == org["manager1"]
    assert customer.source == dictionary("source", "exhibition")
    assert customer.phone == "+8613912345678"
    assert customer.code.startswith("KH") and customer.last_won_at is None  # (in memory)
    assert Customer.objects.get(pk=customer.pk).last_won_at is not None
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.mobile, contact.is_primary) == ("王强", "+8613912345678", True)
    event = CustomerEvent.objects.get(customer=customer, kind=CustomerEvent.Kind.CREATED)
    assert event.data == {"opportunity": opportunity.pk} and event.actor == org["manager1"]
    assert "采购 200 台服务器" in event.text
    assert history_reasons(won)[-1] == ("~", "Development succeeded")


def test_an_office_number_becomes_the_contacts_office_phone(org):
    opportunity = assigned(org, contact_phone="0571-88886666")
    won = services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    contact = Contact.objects.get(customer=won.customer)
    assert contact.office_phone == "+8657188886666" and contact.mobile == ""


def test_without_a_contact_name_no_contact_is_created(org):
    opportunity = assigned(org, contact="")
    won = services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert not Contact.objects.filter(customer=won.customer).exists()


def test_likely_duplicates_refuse_success_until_confirmed(org):
    existing = CustomerFactory(owner=org["manager2"], name="杭州恒通科技")
    opportunity = assigned(org)
    customers_before = Customer.objects.count()
    with pytest.raises(DuplicateError) as refused:
        services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    # manager1 does not see manager2's customer: it is counted, not named.
    assert refused.value.duplicates.visible == []
    assert refused.value.duplicates.hidden_count == 1
    assert Customer.objects.count() == customers_before
    assert fresh(opportunity).status == Opportunity.Status.ASSIGNED
    assert not Contact.objects.filter(name="王强").exists()

    won = services.opportunity_succeed(
        actor=org["manager1"], opportunity=opportunity, confirm_duplicate=True
    )
    assert won.customer != existing and won.customer.owner == org["manager1"]


def test_duplicates_in_scope_are_named(org):
    mine = CustomerFactory(owner=org["manager1"], phone="139-1234-5678", name="别的名字")
    opportunity = assigned(org)
    with pytest.raises(DuplicateError) as refused:
        services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert refused.value.duplicates.visible == [mine]


def test_success_with_a_linked_customer_creates_no_other(org, customers):
    opportunity = assigned(org, customer=customers["manager1"])
    before = Customer.objects.count()
    won = services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert won.customer == customers["manager1"] and Customer.objects.count() == before
    assert Customer.objects.get(pk=customers["manager1"].pk).last_won_at is not None


def test_succeeding_is_for_the_assignee_of_an_open_opportunity(org):
    unassigned = new(org)
    with pytest.raises(BusinessRuleError):
        services.opportunity_succeed(actor=org["manager1"], opportunity=unassigned)
    opportunity = assigned(org)
    with pytest.raises(PermissionDenied):
        services.opportunity_succeed(actor=org["supervisor"], opportunity=opportunity)
    with pytest.raises(ConflictError):
        services.opportunity_succeed(
            actor=org["manager1"], opportunity=opportunity, expected_version=1
        )
    services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    with pytest.raises(BusinessRuleError) as twice:
        services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert "closed (Development succeeded)" in field_messages(twice.value, "status")[0]
    with pytest.raises(BusinessRuleError):
        services.opportunity_terminate(
            actor=org["manager1"],
            opportunity=opportunity,
            reason=dictionary("lost_reason", "price"),
        )
    with pytest.raises(BusinessRuleError):
        services.opportunity_assign(
            actor=org["supervisor"], opportunity=opportunity, assignee=org["manager2"]
        )
    assert Customer.objects.filter(name="杭州恒通科技有限公司").count() == 1


def test_a_failing_customer_write_leaves_the_opportunity_open(org, monkeypatch):
    opportunity = assigned(org)

    def broken(**kwargs):
        raise ValidationError({"name": "boom"})

    monkeypatch.setattr(customer_services, "contact_create", broken)
    with pytest.raises(ValidationError):
        services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert fresh(opportunity).status == Opportunity.Status.ASSIGNED
    assert not Customer.objects.filter(name="杭州恒通科技有限公司").exists()


def test_success_may_open_a_deal_carrying_the_amount_linked_to_the_opportunity(org):
    close = datetime.date(2026, 9, 30)
    opportunity = assigned(org, expected_amount="120000", expected_close_date=close)
    won = services.opportunity_succeed(
        actor=org["manager1"], opportunity=opportunity, open_deal=True
    )
    deal = Deal.objects.select_related("stage", "opportunity").get(opportunity=won)
    assert deal.customer == won.customer and deal.owner == org["manager1"]
    assert deal.amount == Decimal("120000.00") and deal.expected_close_date == close
    assert deal.title == "采购 200 台服务器" and deal.opportunity == won
    assert deal.stage.name_en == "Initial contact" and deal.probability == deal.stage.probability
    assert selectors.opportunity_deal(actor=org["manager1"], opportunity=won) == deal


def test_success_opens_no_deal_unless_asked(org):
    opportunity = assigned(org, expected_amount="5000")
    services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    assert not Deal.objects.exists()


def test_a_failing_deal_write_leaves_nothing_written(org, monkeypatch):
    opportunity = assigned(org, expected_amount="5000")
    # No stage to open the deal in: the customer and the won status are written by then.
    monkeypatch.setattr(services.services_pipeline, "default_stage", lambda: None)
    with pytest.raises(ValidationError):
        services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity, open_deal=True)
    assert fresh(opportunity).status == Opportunity.Status.ASSIGNED
    assert not Customer.objects.filter(name="杭州恒通科技有限公司").exists()
    assert not Deal.objects.exists()


def test_the_expected_amount_is_zero_or_more_and_named_on_error(org):
    for bad in ("-1", "abc", "1000000000000"):
        with pytest.raises(ValidationError) as refused:
            new(org, expected_amount=bad)
        assert "expected_amount" in refused.value.message_dict
    opportunity = new(org, expected_amount="1234.5", expected_close_date=TODAY)
    assert fresh(opportunity).expected_amount == Decimal("1234.50")
    assert fresh(opportunity).expected_close_date == TODAY
    assert not Opportunity.objects.filter(expected_amount__lt=0).exists()


# --- development terminated 终止开发 ------------------------------------------------------------


def test_termination_records_the_lost_reason(org):
    opportunity = assigned(org)
    reason = dictionary("lost_reason", "competitor")
    lost = services.opportunity_terminate(
        actor=org["manager1"], opportunity=opportunity, reason=reason, details=" 对手降价 "
    )
    row = fresh(lost)
    assert row.status == Opportunity.Status.LOST and row.closed_at is not None
    assert row.lost_reason == reason and row.lost_details == "对手降价"
    assert history_reasons(row)[-1] == ("~", "Development terminated")
    assert row.customer is None


def test_termination_needs_a_lost_reason_from_its_dictionary(org):
    opportunity = assigned(org)
    for reason in (None, dictionary("churn_reason", "price")):
        with pytest.raises(ValidationError) as refused:
            services.opportunity_terminate(
                actor=org["manager1"], opportunity=opportunity, reason=reason
            )
        assert "reason" in refused.value.message_dict
    assert fresh(opportunity).status == Opportunity.Status.ASSIGNED


def test_terminating_is_for_the_assignee_of_an_open_opportunity(org):
    reason = dictionary("lost_reason", "price")
    with pytest.raises(BusinessRuleError):
        services.opportunity_terminate(actor=org["manager1"], opportunity=new(org), reason=reason)
    opportunity = assigned(org)
    with pytest.raises(PermissionDenied):
        services.opportunity_terminate(
            actor=org["supervisor"], opportunity=opportunity, reason=reason
        )
    with pytest.raises(Opportunity.DoesNotExist):  # manager2 does not see it at all
        services.opportunity_terminate(
            actor=org["manager2"], opportunity=opportunity, reason=reason
        )
    services.opportunity_terminate(actor=org["manager1"], opportunity=opportunity, reason=reason)
    with pytest.raises(BusinessRuleError):
        services.opportunity_terminate(
            actor=org["manager1"], opportunity=opportunity, reason=reason
        )


def test_every_transition_is_in_the_history(org):
    opportunity = new(org)
    services.opportunity_update(actor=org["manager1"], opportunity=opportunity, probability=70)
    services.opportunity_assign(
        actor=org["supervisor"], opportunity=opportunity, assignee=org["manager1"]
    )
    services.opportunity_succeed(actor=org["manager1"], opportunity=opportunity)
    rows = list(fresh(opportunity).history.order_by("history_id"))
    assert [(row.status, row.history_user.username) for row in rows] == [
        ("unassigned", "manager1"),
        ("unassigned", "manager1"),
        ("assigned", "supervisor"),
        ("won", "manager1"),
    ]


# --- a customer changing hands takes its open opportunities along ---------------------------


def test_reassigning_the_customer_moves_its_open_opportunities(org, customers):
    customer = customers["manager1"]
    open_one = assigned(org, customer=customer)
    other = assigned(org, assignee="manager2", customer=customer)
    customer_services.customer_reassign(
        actor=org["supervisor"], customer=customer, owner=org["manager2"]
    )
    assert fresh(open_one).assigned_to == org["manager2"]
    assert history_reasons(fresh(open_one))[-1][1] == "Moved with the customer to 刘洋"
    assert fresh(other).version == 2  # it was manager2's already: untouched


# --- scope per role ---------------------------------------------------------------------------

VISIBLE = {
    "admin": {"a", "b", "c", "d", "e"},
    "exec": {"a", "b", "c", "d", "e"},
    "supervisor": {"a", "b", "d", "e"},
    "supervisor2": {"c"},
    "manager1": {"a", "d"},
    "manager2": {"b"},
    "manager3": {"c"},
    "assistant": {"a", "d", "e"},
}


@pytest.fixture
def spread(org):
    """a: manager1's own; b: the supervisor's, given to manager2; c: manager3's (north);
    d: the supervisor's, given to manager1; e: entered by the assistant."""
    return {
        "a": new(org, "manager1", prospect_name="A"),
        "b": assigned(org, "manager2", creator="supervisor", prospect_name="B"),
        "c": new(org, "manager3", prospect_name="C"),
        "d": assigned(org, "manager1", creator="supervisor", prospect_name="D"),
        "e": new(org, "assistant", prospect_name="E"),
    }


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_each_role_sees_exactly_its_scope(org, spread, username):
    shown = {row.prospect_name.lower() for row in selectors.opportunity_list(actor=org[username])}
    assert shown == VISIBLE[username]
    for key, opportunity in spread.items():
        if key in VISIBLE[username]:
            assert selectors.opportunity_get(actor=org[username], pk=opportunity.pk)
        else:
            with pytest.raises(Opportunity.DoesNotExist):
                selectors.opportunity_get(actor=org[username], pk=opportunity.pk)


def test_list_filters(org, spread):
    supervisor = org["supervisor"]
    assigned_rows = selectors.opportunity_list(actor=supervisor, status="assigned")
    assert {row.prospect_name for row in assigned_rows} == {"B", "D"}
    assert [
        row.prospect_name for row in selectors.opportunity_list(actor=supervisor, search="e")
    ] == ["E"]
    mine = selectors.opportunity_list(actor=org["manager1"], mine=True)
    assert {row.prospect_name for row in mine} == {"A", "D"}
    assert {
        row.prospect_name for row in selectors.opportunity_list(actor=supervisor, mine=True)
    } == {
        "B",
        "D",
    }
    by_assignee = selectors.opportunity_list(actor=supervisor, assigned_to=org["manager2"])
    assert [row.prospect_name for row in by_assignee] == ["B"]


def test_plan_items_share_their_opportunitys_scope(org, spread):
    services.plan_item_create(
        actor=org["manager1"], opportunity=spread["d"], date=TODAY, content="拜访"
    )
    assert selectors.plan_item_list(actor=org["assistant"], opportunity=spread["d"]).count() == 1
    assert selectors.plan_item_list(actor=org["manager2"], opportunity=spread["d"]).count() == 0


# --- the seeder -------------------------------------------------------------------------------


def test_the_seeder_makes_one_opportunity_per_ten_customers_with_plans(org):
    from guanxi.accounts.seed.organisation import seed
    from guanxi.core.seeding import registered_seeders

    assert "opportunities" in [name for name, _fn in registered_seeders()]
    managers = [org["manager1"], org["manager2"], org["manager3"]]
    report = seed(customers=300, seed=4, owners=managers)
    assert report.counts["opportunities"] == Opportunity.objects.count() == 30
    assert report.counts["plan_items"] == PlanItem.objects.count() > 0
    statuses = set(Opportunity.objects.values_list("status", flat=True))
    assert {"unassigned", "assigned"} <= statuses
    for opportunity in Opportunity.objects.select_related("customer"):
        assert opportunity.created_by in managers and 0 <= opportunity.probability <= 100
        if opportunity.status == "unassigned":
            assert opportunity.assigned_to is None and not opportunity.plan_items.exists()
            continue
        assert opportunity.assigned_to in managers and opportunity.plan_items.exists()
        for item in opportunity.plan_items.all():
            assert item.date >= opportunity.assigned_at.date() - datetime.timedelta(days=1)
            assert bool(item.result) == (item.result_at is not None)
        if opportunity.status == "won":
            assert opportunity.closed_at is not None
            if opportunity.customer is not None:
                assert opportunity.customer.owner_id == opportunity.assigned_to_id
                assert opportunity.prospect_name == opportunity.customer.name
        if opportunity.status == "lost":
            assert opportunity.lost_reason.kind == "lost_reason"
    assert Opportunity.objects.filter(status="won", customer__isnull=False).exists()
    # The seeded rows are ordinary records: the scope and the list see them.
    assert selectors.opportunity_list(actor=org["admin"]).count() == 30
    # Some carry an expected amount and close date, so the forecast shows the open ones; each
    # seeded result is the item's recorded result.
    assert Opportunity.objects.filter(expected_amount__gt=0, expected_close_date__isnull=False)
    forecast = pipeline_selectors.forecast_rows(actor=org["admin"])
    assert any(row["kind"] == "opportunity" for row in forecast)
    done = PlanItem.objects.exclude(result="")
    assert PlanItemResult.objects.count() == done.count() > 0
    assert not done.filter(result_by__isnull=True).exists()
    again = seed(customers=300, seed=4, owners=managers)
    assert again.counts["opportunities"] == 30
