"""Merging two customers 合并客户: every related record moves, all or nothing, within rights."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.collaboration.models import Comment
from guanxi.core.exceptions import ConflictError
from guanxi.customers.models import (
    ChurnCase,
    Contact,
    Customer,
    CustomerEvent,
    Document,
    Interaction,
)
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.services import churn as services_churn
from guanxi.customers.services import credit as services_credit
from guanxi.customers.services import merge as services_merge
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory


@pytest.fixture
def pair(org):
    """Two customers of manager1, each with a primary contact and related records."""
    owner = org["manager1"]
    survivor = CustomerFactory(owner=owner, name="上海华东机械有限公司", tags=",vip,", address="")
    merged = CustomerFactory(
        owner=owner, name="华东机械", tags=",华东,vip,", address="上海市浦东新区1号", tax_id=""
    )
    survivor_primary = ContactFactory(customer=survivor, is_primary=True, name="张伟")
    merged_primary = ContactFactory(customer=merged, is_primary=True, name="欧阳娜娜")
    other = ContactFactory(customer=merged, name="李雷")
    interaction = Interaction.objects.create(customer=merged, contact=other, summary="拜访")
    document = Document.objects.create(customer=merged, title="合同", interaction=interaction)
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=merged.pk,
        body="老客户",
    )
    CustomerEvent.objects.create(customer=merged, kind=CustomerEvent.Kind.CREATED)
    return {
        "survivor": survivor,
        "merged": merged,
        "survivor_primary": survivor_primary,
        "merged_primary": merged_primary,
        "other": other,
        "interaction": interaction,
        "document": document,
        "comment": comment,
    }


def _snapshot(pair) -> dict:
    survivor, merged = pair["survivor"], pair["merged"]
    return {
        "survivor": Customer.all_objects.filter(pk=survivor.pk).values().get(),
        "merged": Customer.all_objects.filter(pk=merged.pk).values().get(),
        "contacts": sorted(Contact.all_objects.values_list("pk", "customer_id", "is_primary")),
        "interactions": sorted(Interaction.all_objects.values_list("pk", "customer_id")),
        "documents": sorted(Document.all_objects.values_list("pk", "customer_id")),
        "comments": sorted(Comment.all_objects.values_list("pk", "object_id")),
        "events": sorted(CustomerEvent.objects.values_list("pk", "customer_id")),
        "cases": sorted(ChurnCase.objects.values_list("pk", "customer_id", "state")),
    }


def test_merge_moves_every_related_record(org, pair):
    survivor, merged = pair["survivor"], pair["merged"]
    result = services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=merged)

    assert result.pk == survivor.pk
    assert set(survivor.contacts.values_list("pk", flat=True)) == {
        pair["survivor_primary"].pk,
        pair["merged_primary"].pk,
        pair["other"].pk,
    }
    # One primary contact: the survivor's.
    assert list(Contact.objects.filter(customer=survivor, is_primary=True)) == [
        pair["survivor_primary"]
    ]
    assert Interaction.objects.get(pk=pair["interaction"].pk).customer_id == survivor.pk
    assert Document.objects.get(pk=pair["document"].pk).customer_id == survivor.pk
    assert Comment.objects.get(pk=pair["comment"].pk).object_id == survivor.pk
    assert CustomerEvent.objects.filter(customer=survivor, kind=CustomerEvent.Kind.CREATED).exists()


def test_merge_fills_fields_unites_tags_and_notes_the_merge(org, pair):
    survivor, merged = pair["survivor"], pair["merged"]
    services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=merged)
    survivor.refresh_from_db()

    assert survivor.name == "上海华东机械有限公司"  # the survivor's own values stay
    assert survivor.address == "上海市浦东新区1号"  # its empty field was filled
    assert survivor.tag_list == ["vip", "华东"]
    # The moved contacts' names find the survivor.
    assert customer_list(actor=org["manager1"], search="欧阳娜娜").filter(pk=survivor.pk).exists()

    gone = Customer.all_objects.get(pk=merged.pk)
    assert gone.is_deleted and gone.deleted_by == org["manager1"]
    assert not Customer.objects.filter(pk=merged.pk).exists()
    assert merged.code in survivor.history.first().history_change_reason
    assert survivor.code in gone.history.first().history_change_reason
    into = CustomerEvent.objects.get(customer=survivor, kind=CustomerEvent.Kind.MERGED)
    assert into.data["merged_code"] == merged.code and into.actor == org["manager1"]
    assert into.data["moved"]["customers.contact"] == 2
    out = CustomerEvent.objects.get(customer_id=merged.pk, kind=CustomerEvent.Kind.MERGED)
    assert out.data["survivor_id"] == survivor.pk


def test_merged_primary_stays_primary_when_the_survivor_has_none(org):
    survivor = CustomerFactory(owner=org["manager1"])
    merged = CustomerFactory(owner=org["manager1"])
    primary = ContactFactory(customer=merged, is_primary=True)
    services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=merged)
    primary.refresh_from_db()
    assert primary.customer_id == survivor.pk and primary.is_primary


def test_open_churn_cases_respect_one_open_case_per_customer(org, pair):
    survivor, merged = pair["survivor"], pair["merged"]
    survivor_case = services_churn.churn_warn(customer=survivor)
    merged_case = services_churn.churn_warn(customer=merged)
    services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=merged)

    survivor_case.refresh_from_db()
    merged_case.refresh_from_db()
    assert survivor_case.state == ChurnCase.State.WARNING
    assert merged_case.state == ChurnCase.State.CLEARED  # kept as history, on the survivor
    assert merged_case.customer_id == survivor.pk


def test_a_failure_midway_leaves_both_customers_untouched(org, pair, monkeypatch):
    before = _snapshot(pair)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    # Contacts, churn cases and every related row have moved when this step runs.
    monkeypatch.setattr(services_merge, "_merge_fields", broken)
    with pytest.raises(RuntimeError):
        services_merge.customer_merge(
            actor=org["manager1"], survivor=pair["survivor"], merged=pair["merged"]
        )
    assert _snapshot(pair) == before


def test_a_failure_in_the_last_step_also_rolls_back(org, pair, monkeypatch):
    before = _snapshot(pair)

    def failing_event(**kwargs):
        # The duplicate's MERGED event, after everything else was written.
        raise RuntimeError("boom")

    monkeypatch.setattr(services_merge.events, "customer_merged_away_event", failing_event)
    with pytest.raises(RuntimeError):
        services_merge.customer_merge(
            actor=org["manager1"], survivor=pair["survivor"], merged=pair["merged"]
        )
    assert _snapshot(pair) == before


def test_merge_rights_and_scope(org, pair, customers):
    survivor, merged = pair["survivor"], pair["merged"]
    with pytest.raises(PermissionDenied):
        services_merge.customer_merge(actor=org["exec"], survivor=survivor, merged=merged)
    # manager2 sees neither; manager1 does not see manager2's customer.
    with pytest.raises(Customer.DoesNotExist):
        services_merge.customer_merge(actor=org["manager2"], survivor=survivor, merged=merged)
    with pytest.raises(Customer.DoesNotExist):
        services_merge.customer_merge(
            actor=org["manager1"], survivor=survivor, merged=customers["manager2"]
        )
    with pytest.raises(ValidationError) as error:
        services_merge.customer_merge(actor=org["manager1"], survivor=survivor, merged=survivor)
    assert "merged" in error.value.message_dict
    assert Customer.objects.filter(pk=merged.pk).exists()
    # The team's supervisor sees both and may merge customers of two reps.
    services_merge.customer_merge(
        actor=org["supervisor"], survivor=customers["manager2"], merged=merged
    )
    assert Contact.objects.filter(customer=customers["manager2"]).count() == 3


def test_stale_versions_are_a_conflict(org, pair):
    survivor, merged = pair["survivor"], pair["merged"]
    with pytest.raises(ConflictError):
        services_merge.customer_merge(
            actor=org["manager1"],
            survivor=survivor,
            merged=merged,
            survivor_version=survivor.version,
            merged_version=merged.version + 1,
        )
    assert Contact.objects.filter(customer=merged).count() == 2


def test_the_walk_covers_every_customer_relation():
    """A new app's foreign key to Customer is moved too: nothing is special-cased but history."""
    walked = {
        relation.related_model._meta.label_lower
        for relation in Customer._meta.related_objects
        if not services_merge._is_history(relation.related_model)
    }
    assert {
        "customers.contact",
        "customers.interaction",
        "customers.document",
        "customers.customerevent",
        "customers.churncase",
    } <= walked


def test_merging_a_customer_on_credit_hold_away_does_not_lift_the_hold(org, pair):
    survivor, merged = pair["survivor"], pair["merged"]
    services_credit.customer_credit_hold_set(
        actor=org["supervisor"], customer=merged, on_hold=True, reason="逾期未付"
    )
    services_merge.customer_merge(
        actor=org["manager1"],
        survivor=Customer.objects.get(pk=survivor.pk),
        merged=Customer.objects.get(pk=merged.pk),
    )
    kept = Customer.objects.get(pk=survivor.pk)
    assert kept.on_credit_hold
    assert (kept.credit_hold_reason, kept.credit_hold_by) == ("逾期未付", org["supervisor"])
