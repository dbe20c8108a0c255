"""Leads 线索: scoring, routing (round-robin and by region), conversion, disqualification, scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from guanxi.core.exceptions import BusinessRuleError
from guanxi.customers.dedup import DuplicateError
from guanxi.customers.models import Customer
from guanxi.sales.models import Lead, LeadRoutingRule, Opportunity
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services import leads as services
from guanxi.sales.services import opportunities as services_opportunities
from tests.core.fixtures.dictionaries import dictionary

pytestmark = pytest.mark.django_db


def _east_rule(org):
    return LeadRoutingRule.objects.create(team=org["manager1"].team)


def test_score_counts_filled_fields_and_source(org):
    bare = services.lead_create(actor=org["manager1"], name="王五", source="import")
    assert bare.score == 5
    full = services.lead_create(
        actor=org["manager1"],
        name="王五",
        company="五星公司",
        phone="13800000000",
        email="w@example.com",
        region=dictionary("region", "east"),
        notes="想要报价",
        source="campaign",
    )
    assert full.score == 95  # 20 + 20 + 15 + 10 + 5 + 25
    updated = services.lead_update(actor=org["manager1"], lead=bare, company="某公司")
    assert updated.score == 25


def test_without_rules_a_lead_stays_new_and_unowned(org):
    lead = services.lead_create_from_web(name="李四", phone="13900000000")
    assert lead.status == Lead.Status.NEW and lead.owner is None
    assert lead.source == Lead.Source.WEB


def test_round_robin_takes_turns_among_the_teams_account_managers(org):
    _east_rule(org)
    owners = [services.lead_create_from_web(name=f"客户{i}").owner for i in range(5)]
    first, second = sorted([org["manager1"], org["manager2"]], key=lambda u: u.pk)
    # Only account managers: the east team's supervisor and assistant are not given leads.
    assert owners == [first, second, first, second, first]
    assert all(lead.status == Lead.Status.ASSIGNED for lead in Lead.objects.all())
    assert LeadRoutingRule.objects.get().last_assigned == first


def test_round_robin_skips_inactive_managers(org):
    _east_rule(org)
    org["manager1"].is_active = False
    org["manager1"].save()
    owners = {services.lead_create_from_web(name=f"客户{i}").owner for i in range(3)}
    assert owners == {org["manager2"]}


def test_region_rule_wins_over_the_default(org):
    _east_rule(org)
    north = dictionary("region", "north")
    LeadRoutingRule.objects.create(region=north, user=org["manager3"])
    assert services.lead_create_from_web(name="北方客户", region=north).owner == org["manager3"]
    south = dictionary("region", "south")
    assert services.lead_create_from_web(name="南方客户", region=south).owner in {
        org["manager1"],
        org["manager2"],
    }


def test_routing_rules_only_by_administrators(org):
    with pytest.raises(PermissionDenied):
        services.routing_rule_save(
            actor=org["supervisor"], region=None, team=org["manager1"].team, user=None
        )
    rule = services.routing_rule_save(
        actor=org["admin"], region=None, team=org["manager1"].team, user=None
    )
    with pytest.raises(ValidationError) as error:
        services.routing_rule_save(actor=org["admin"], region=None, team=None, user=org["manager3"])
    assert "region" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.routing_rule_save(actor=org["admin"], rule=rule, region=None, team=None, user=None)


def test_scope_per_role(org):
    _east_rule(org)
    owned = services.lead_create_from_web(name="甲")
    LeadRoutingRule.objects.all().delete()
    unowned = services.lead_create_from_web(name="乙")
    owner = owned.owner.username
    other = "manager2" if owner == "manager1" else "manager1"

    def visible(username):
        return set(selectors.lead_list(actor=org[username]))

    assert visible(owner) == {owned}
    assert visible(other) == set()
    assert visible("manager3") == set()
    assert visible("supervisor") == {owned, unowned}
    assert visible("supervisor2") == {unowned}
    assert visible("admin") == {owned, unowned}
    assert visible("exec") == {owned, unowned}
    assert unowned not in visible("assistant")


def test_convert_to_opportunity(org):
    lead = services.lead_create(
        actor=org["manager1"],
        owner=org["manager1"],
        name="王五",
        company="五星公司",
        phone="13800000000",
    )
    converted = services.lead_convert(actor=org["manager1"], lead=lead, to="opportunity")
    assert converted.status == Lead.Status.CONVERTED
    opportunity = converted.converted_opportunity
    assert opportunity.prospect_name == "五星公司" and opportunity.contact == "王五"
    assert opportunity.status == Opportunity.Status.UNASSIGNED
    with pytest.raises(BusinessRuleError):
        services.lead_convert(actor=org["manager1"], lead=converted, to="customer")
    assert Opportunity.objects.count() == 1


def test_a_failure_after_the_nested_opportunity_write_leaves_nothing_written(org, monkeypatch):
    lead = services.lead_create(actor=org["manager1"], owner=org["manager1"], name="王五")

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    # The opportunity is written inside the conversion's transaction; then the lead's write fails.
    monkeypatch.setattr(services, "record_update", broken)
    with pytest.raises(RuntimeError):
        services.lead_convert(actor=org["manager1"], lead=lead, to="opportunity")
    assert not Opportunity.all_objects.exists()
    lead.refresh_from_db()
    assert lead.status != Lead.Status.CONVERTED and lead.converted_opportunity is None


def test_the_opportunity_of_a_converted_lead_is_written_without_a_savepoint_of_its_own(org):
    def savepoints(write) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as done:
            write(
                actor=org["manager1"],
                given={"prospect_name": "甲", "summary": "s", "probability": 10},
            )
        return sum(query["sql"].upper().startswith("SAVEPOINT") for query in done.captured_queries)

    def public(*, actor, given):
        return services_opportunities.opportunity_create(actor=actor, **given)

    nested = services_opportunities.opportunity_create_within
    savepoints(nested)  # rights loaded first, so both measured writes do the same work
    assert savepoints(nested) == savepoints(public) - 1


def test_convert_to_customer_with_duplicate_check(org, customers):
    lead = services.lead_create(
        actor=org["manager1"], owner=org["manager1"], name="王五", company="五星科技有限公司"
    )
    converted = services.lead_convert(actor=org["manager1"], lead=lead, to="customer")
    customer = converted.converted_customer
    assert customer.name == "五星科技有限公司" and customer.owner == org["manager1"]
    assert customer.contacts.get().name == "王五"
    assert customer.events.filter(data__lead=lead.pk).exists()  # on the customer's timeline
    again = services.lead_create(
        actor=org["manager1"], owner=org["manager1"], name="赵六", company="五星科技有限公司"
    )
    with pytest.raises(DuplicateError):
        services.lead_convert(actor=org["manager1"], lead=again, to="customer")
    again.refresh_from_db()
    assert again.status == Lead.Status.ASSIGNED  # nothing half-written
    assert Customer.objects.filter(name="五星科技有限公司").count() == 1


def test_only_owner_or_supervisor_converts_or_disqualifies(org):
    lead = services.lead_create(actor=org["manager1"], owner=org["manager1"], name="王五")
    with pytest.raises(Lead.DoesNotExist):
        services.lead_convert(actor=org["manager2"], lead=lead, to="opportunity")
    with pytest.raises(PermissionDenied):
        services.lead_disqualify(actor=org["exec"], lead=lead, reason="无意向")
    with pytest.raises(ValidationError):
        services.lead_disqualify(actor=org["supervisor"], lead=lead, reason=" ")
    done = services.lead_disqualify(actor=org["supervisor"], lead=lead, reason="无意向")
    assert done.status == Lead.Status.DISQUALIFIED and done.disqualify_reason == "无意向"
    with pytest.raises(BusinessRuleError):
        services.lead_convert(actor=org["manager1"], lead=done, to="opportunity")


def test_supervisor_assigns_an_unowned_lead(org):
    lead = services.lead_create_from_web(name="乙")
    with pytest.raises(Lead.DoesNotExist):
        services.lead_assign(actor=org["manager1"], lead=lead, owner=org["manager1"])
    with pytest.raises(ValidationError):
        services.lead_assign(actor=org["supervisor"], lead=lead, owner=org["manager3"])
    done = services.lead_assign(actor=org["supervisor"], lead=lead, owner=org["manager2"])
    assert done.owner == org["manager2"] and done.status == Lead.Status.ASSIGNED


def test_bad_input_names_the_field(org):
    with pytest.raises(ValidationError) as error:
        services.lead_create_from_web(name="", email="not-an-email")
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.lead_create_from_web(name="x", email="not-an-email")
    assert "email" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.lead_create_from_web(name="x", region=dictionary("source", "website"))
    assert "region" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_round_robin_is_fair_when_leads_arrive_at_once(org):
    """The rule row is locked while a lead is routed, so simultaneous leads take turns."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row lock matters on PostgreSQL")
    _east_rule(org)
    start = threading.Barrier(6)
    errors = []

    def arrive(index):
        try:
            start.wait()
            services.lead_create_from_web(name=f"并发{index}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=arrive, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    owners = list(Lead.objects.values_list("owner__username", flat=True))
    assert sorted(owners) == ["manager1"] * 3 + ["manager2"] * 3


def test_lead_phone_is_stored_normalised_and_searchable_by_any_format(org):
    with pytest.raises(ValidationError) as caught:
        services.lead_create(actor=org["manager1"], name="王五", phone="1234")
    assert "phone" in caught.value.message_dict
    lead = services.lead_create(actor=org["manager1"], name="王五", phone="138 0013 8000")
    assert lead.phone == "+8613800138000"
    for typed in ("13800138000", "+86 138-0013-8000", "0013 8000"):
        assert list(selectors.lead_list(actor=org["manager1"], search=typed)) == [lead], typed
