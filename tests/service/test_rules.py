"""The service app's permission predicates (guanxi.service.rules): what each role may do with a
request in each status. Pages, the API and the services ask these same predicates."""

import pytest

from guanxi.service import rules
from tests.service.fixtures.requests import archived, assigned, handled, new


@pytest.fixture
def requests_by_status(org, customers):
    return {
        "new": new(org, customers),
        "assigned": assigned(org, customers, assignee="manager1"),
        "handled": handled(org, customers, assignee="manager1"),
        "archived": archived(org, customers, assignee="manager1"),
    }


def _allowed(rule, user, requests_by_status) -> set[str]:
    return {status for status, row in requests_by_status.items() if rule(user, row)}


def test_who_may_do_what_in_each_status(org, requests_by_status):
    manager, supervisor, assistant = org["manager1"], org["supervisor"], org["assistant"]
    assert _allowed(rules.can_edit_request, manager, requests_by_status) == {"new", "assigned"}
    assert _allowed(rules.can_delete_request, manager, requests_by_status) == {"new"}
    assert _allowed(rules.can_assign_request, manager, requests_by_status) == set()
    assert _allowed(rules.can_assign_request, supervisor, requests_by_status) == {
        "new",
        "assigned",
    }
    assert _allowed(rules.can_handle_request, manager, requests_by_status) == {"assigned"}
    assert _allowed(rules.can_handle_request, supervisor, requests_by_status) == set()
    assert _allowed(rules.can_give_feedback, manager, requests_by_status) == {"handled"}
    assert _allowed(rules.can_send_survey, manager, requests_by_status) == {"handled"}
    for rule in (rules.can_edit_request, rules.can_give_feedback, rules.can_send_survey):
        assert _allowed(rule, assistant, requests_by_status) == set()


def test_an_archived_request_is_read_only_for_administrators_too(org, requests_by_status):
    done = requests_by_status["archived"]
    for rule in (
        rules.can_edit_request,
        rules.can_delete_request,
        rules.can_assign_request,
        rules.can_give_feedback,
        rules.can_send_survey,
    ):
        assert not rule(org["admin"], done)


def test_queues_follow_the_rights(org):
    assert rules.handles_requests(org["manager1"]) and not rules.assigns_requests(org["manager1"])
    assert rules.assigns_requests(org["supervisor"])
    assert not rules.handles_requests(org["exec"])
