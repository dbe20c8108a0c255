"""Who may do what in customer service 客户服务: every permission name of the app and every
rule, written once.

Services refuse with ``guanxi.core.rules.require(actor, <predicate verdict or permission>,
message)``; pages, templates and the API ask the same predicates to show their buttons and
forms. Django answers ``has_perm`` with True for every active superuser, so a rule that does
not hold for every active superuser cannot be an object permission. Every rule about one
request here depends on its status (an archived request is read-only, also for superusers),
so none is registered: they are asked as predicates.
"""

from typing import Any

from guanxi.accounts.roles import ACCOUNT_MANAGER, EXECUTIVE, SALES_ASSISTANT, SUPERVISOR
from guanxi.core.rules import predicate
from guanxi.service.models import ServiceRequest

Status = ServiceRequest.Status

# -- the app's model rights ----------------------------------------------------------------------

VIEW_SERVICEREQUEST = "service.view_servicerequest"
ADD_SERVICEREQUEST = "service.add_servicerequest"
CHANGE_SERVICEREQUEST = "service.change_servicerequest"
DELETE_SERVICEREQUEST = "service.delete_servicerequest"
ASSIGN_SERVICEREQUEST = "service.assign_servicerequest"
CHANGE_SERVICELEVELTARGET = "service.change_serviceleveltarget"


def _holds(permission: str) -> Any:
    """A predicate: the user holds ``permission`` (any backend)."""

    def holds(user: Any) -> bool:
        return bool(user.has_perm(permission))

    holds.__name__ = f"holds:{permission}"
    return predicate(holds)


# -- who works on requests -------------------------------------------------------------------------

# Handles requests: the right to change them (the "to handle" queue, the assignee choices).
handles_requests = _holds(CHANGE_SERVICEREQUEST)

# Assigns requests (supervisors): the "unassigned" queue, and sees the requests that belong
# to no one yet (nobody assigned and no account manager), so none falls through.
assigns_requests = _holds(ASSIGN_SERVICEREQUEST)

# Sets the service levels (SLA hours) of the service types.
sets_service_levels = _holds(CHANGE_SERVICELEVELTARGET)


# -- where a request stands ------------------------------------------------------------------------


@predicate
def is_new_request(user: Any, service_request: ServiceRequest) -> bool:
    return service_request.status == Status.NEW


@predicate
def is_assigned_request(user: Any, service_request: ServiceRequest) -> bool:
    return service_request.status == Status.ASSIGNED


@predicate
def is_handled_request(user: Any, service_request: ServiceRequest) -> bool:
    return service_request.status == Status.HANDLED


@predicate
def is_assignee(user: Any, service_request: ServiceRequest) -> bool:
    """The user the request is assigned to: the one who records its handling."""
    return bool(service_request.assigned_to_id == user.pk)


# -- what a user may do with one request -----------------------------------------------------------

# Correct the request (type, summary, text, channel, customer): while new or assigned.
can_edit_request = (is_new_request | is_assigned_request) & handles_requests

# Assign it, or reassign it before anyone handled it: supervisors.
can_assign_request = (is_new_request | is_assigned_request) & assigns_requests

# Record the handling 服务处理: its assignee, while it is assigned.
can_handle_request = is_assigned_request & is_assignee

# Record the feedback 服务反馈 once it is handled.
can_give_feedback = is_handled_request & handles_requests

# Move it to the recycle bin: only while new (later ones are history).
can_delete_request = is_new_request & _holds(DELETE_SERVICEREQUEST)

# E-mail the satisfaction survey 满意度调查 of a handled request.
can_send_survey = is_handled_request & handles_requests


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Account managers and supervisors create requests, record handling and feedback and delete new
# ones filed by mistake; supervisors assign them; assistants and executives read them.
_SERVICE_WORK = ["service.view_*", ADD_SERVICEREQUEST, CHANGE_SERVICEREQUEST, DELETE_SERVICEREQUEST]
ROLE_GRANTS = {
    EXECUTIVE: ["service.view_*"],
    SUPERVISOR: [*_SERVICE_WORK, ASSIGN_SERVICEREQUEST],
    ACCOUNT_MANAGER: _SERVICE_WORK,
    SALES_ASSISTANT: ["service.view_*"],
}
