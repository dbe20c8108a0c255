"""A lost opportunity brought in from another system (``services.opportunity_history``): a
supervisor's right, on an assigned opportunity only, with a lost reason and a past date."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.sales.models import Opportunity
from guanxi.sales.services import opportunities as services
from guanxi.sales.services.opportunity_history import opportunity_history_record
from tests.core.fixtures.dictionaries import dictionary


@pytest.fixture
def opportunity(org):
    created = services.opportunity_create(
        actor=org["supervisor"], prospect_name="远山茶庄", summary="礼盒", probability=30
    )
    return services.opportunity_assign(
        actor=org["supervisor"], opportunity=created, assignee=org["manager1"]
    )


def test_a_supervisor_records_the_loss_with_reason_and_date(org, opportunity):
    closed_at = timezone.now() - timedelta(days=100)
    opportunity_history_record(
        actor=org["supervisor"],
        opportunity=opportunity,
        reason=dictionary("lost_reason", "price"),
        details="预算不足",
        closed_at=closed_at,
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.LOST and opportunity.closed_at == closed_at
    assert (opportunity.lost_reason.code, opportunity.lost_details) == ("price", "预算不足")


def test_refused_without_reason_in_the_future_for_managers_and_when_unassigned(org, opportunity):
    reason = dictionary("lost_reason", "price")
    with pytest.raises(ValidationError) as refused:
        opportunity_history_record(actor=org["supervisor"], opportunity=opportunity, reason=None)
    assert "lost_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        opportunity_history_record(
            actor=org["supervisor"],
            opportunity=opportunity,
            reason=reason,
            closed_at=timezone.now() + timedelta(days=1),
        )
    assert "closed_at" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        opportunity_history_record(actor=org["manager1"], opportunity=opportunity, reason=reason)
    unassigned = services.opportunity_create(
        actor=org["supervisor"], prospect_name="近水", summary="散茶", probability=10
    )
    with pytest.raises(ValidationError) as refused:
        opportunity_history_record(actor=org["supervisor"], opportunity=unassigned, reason=reason)
    assert "status" in refused.value.message_dict
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.ASSIGNED
