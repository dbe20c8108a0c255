"""Who may do what in sales: every permission name of the app and every rule, written once.

Services refuse with ``guanxi.core.rules.require(actor, <predicate verdict or permission>,
message)``; pages ask the same predicates to show or hide their buttons, and the object
permissions registered at the bottom let views check one record with ``user.has_perm``.
Django answers ``has_perm`` with True for every active superuser, so only rules that hold for
every active superuser are registered as object permissions; the others (developing an
opportunity is its assignee's alone) are asked as predicates.
"""

from collections.abc import Callable
from typing import Any

import rules

from guanxi.accounts.models import User
from guanxi.accounts.roles import ACCOUNT_MANAGER, EXECUTIVE, SALES_ASSISTANT, SUPERVISOR
from guanxi.core.rules import is_active, leads_own_team, leads_team, sees_everything, supervises
from guanxi.core.scoping import visible_user_ids
from guanxi.sales.models import Lead, Opportunity, Target

# -- the app's model rights ----------------------------------------------------------------------

VIEW_OPPORTUNITY = "sales.view_opportunity"
ADD_OPPORTUNITY = "sales.add_opportunity"
CHANGE_OPPORTUNITY = "sales.change_opportunity"
DELETE_OPPORTUNITY = "sales.delete_opportunity"
ADD_PLANITEM = "sales.add_planitem"
CHANGE_PLANITEM = "sales.change_planitem"

VIEW_DEAL = "sales.view_deal"
ADD_DEAL = "sales.add_deal"
CHANGE_DEAL = "sales.change_deal"
DELETE_DEAL = "sales.delete_deal"
# Pipeline stages are settings: whoever edits the dictionaries edits them.
CHANGE_DICTIONARY = "core.change_dictionaryentry"

VIEW_PRODUCT = "sales.view_product"
VIEW_PRODUCTCATEGORY = "sales.view_productcategory"
VIEW_WAREHOUSE = "sales.view_warehouse"
VIEW_INVENTORYITEM = "sales.view_inventoryitem"
MANAGE_CATALOGUE = "sales.manage_catalogue"

VIEW_ORDER = "sales.view_order"
ADD_ORDER = "sales.add_order"
CHANGE_ORDER = "sales.change_order"
OVERRIDE_CREDIT_HOLD = "sales.override_credit_hold"

VIEW_QUOTE = "sales.view_quote"
ADD_QUOTE = "sales.add_quote"
CHANGE_QUOTE = "sales.change_quote"

VIEW_CONTRACT = "sales.view_contract"
ADD_CONTRACT = "sales.add_contract"
CHANGE_CONTRACT = "sales.change_contract"
VIEW_RECEIVABLE = "sales.view_receivable"
ADD_RECEIVABLE = "sales.add_receivable"
ADD_PAYMENT = "sales.add_payment"

VIEW_LEAD = "sales.view_lead"
ADD_LEAD = "sales.add_lead"
CHANGE_LEAD = "sales.change_lead"
DELETE_LEAD = "sales.delete_lead"
MANAGE_LEAD_ROUTING = "sales.manage_lead_routing"

VIEW_TARGET = "sales.view_target"
ADD_TARGET = "sales.add_target"
CHANGE_TARGET = "sales.change_target"
DELETE_TARGET = "sales.delete_target"

# Rules registered as permissions (see the bottom of the module).
SET_TARGETS = "sales.set_targets"
MANAGE_TARGET = "sales.manage_target"
MANAGE_STAGES = "sales.manage_stages"


def predicate(test: Callable[..., bool]) -> Any:
    """``rules.predicate`` for typed code (django-rules itself carries no annotations)."""
    return rules.predicate(test)  # type: ignore[no-untyped-call]


def _register(name: str, rule: Any) -> None:
    rules.add_perm(name, rule)  # type: ignore[no-untyped-call]


def _holds(permission: str) -> Any:
    """A predicate: the user holds ``permission`` (any backend)."""

    def holds(user: Any) -> bool:
        return bool(user.has_perm(permission))

    holds.__name__ = f"holds:{permission}"
    return predicate(holds)


# -- opportunities 销售机会 --------------------------------------------------------------------


@predicate
def can_edit_opportunity(user: User, opportunity: Opportunity) -> bool:
    """Edit or delete: while unassigned, by its creator or a supervisor."""
    return bool(
        opportunity.is_unassigned and (opportunity.created_by_id == user.pk or supervises(user))
    )


@predicate
def can_assign_opportunity(user: User, opportunity: Opportunity) -> bool:
    """Assign it: a supervisor holding the change right, while it is unassigned."""
    return bool(
        opportunity.is_unassigned and user.has_perm(CHANGE_OPPORTUNITY) and supervises(user)
    )


@predicate
def can_develop_opportunity(user: User, opportunity: Opportunity) -> bool:
    """Succeed or terminate: the assignee, while it is open."""
    return bool(opportunity.is_open and opportunity.assigned_to_id == user.pk)


@predicate
def can_write_plan(user: User, opportunity: Opportunity) -> bool:
    """Write the development plan and record its results, while it is open: the assignee, or
    a supervisor of the team the assignee works in (对特定销售机会制定客户开发计划)."""
    if not opportunity.is_open:
        return False
    if opportunity.assigned_to_id == user.pk:
        return True
    return bool(leads_own_team(user) and opportunity.assigned_to_id in visible_user_ids(user))


# -- the pipeline 销售漏斗 ----------------------------------------------------------------------

manages_stages = is_active & _holds(CHANGE_DICTIONARY)


@predicate
def can_give_deal_to(user: User, owner: User | None) -> bool:
    """``owner`` may own deals ``user`` enters or changes: active, and in ``user``'s scope."""
    return bool(
        owner is not None
        and owner.is_active
        and (sees_everything(user) or owner.pk in visible_user_ids(user))
    )


# -- leads 线索 -------------------------------------------------------------------------------

# Supervisors and administrators (and executives, read-only) see leads nobody owns yet; a
# creator who is none of them keeps a lead no rule routes.
sees_unassigned_leads = sees_everything | leads_team


@predicate
def can_work_lead(user: User, lead: Lead) -> bool:
    """Edit, convert or disqualify: the owner or a supervisor, while the lead is open."""
    return bool(
        not lead.is_closed
        and user.has_perm(CHANGE_LEAD)
        and (lead.owner_id == user.pk or sees_unassigned_leads(user))
    )


@predicate
def can_assign_lead(user: User, lead: Lead) -> bool:
    """Give it to an account manager: a supervisor holding the change right, while open."""
    return bool(not lead.is_closed and user.has_perm(CHANGE_LEAD) and supervises(user))


# -- targets 销售目标 ---------------------------------------------------------------------------

# Administrators and supervisors of a team set targets; executives see everything but hold
# no add right.
can_set_targets = is_active & _holds(ADD_TARGET) & (sees_everything | leads_own_team)


@predicate
def can_manage_target(user: User, target: Target) -> bool:
    """Edit or delete ``target``: its subject is one ``user`` sets targets for (never oneself)."""
    if not can_set_targets(user):
        return False
    if sees_everything(user):
        return True
    own_team = user.team  # a supervisor setting targets has one (``leads_own_team``)
    if own_team is None:
        return False
    rep = target.user
    if rep is not None:
        return (
            rep.pk != user.pk and rep.team is not None and rep.team.path.startswith(own_team.path)
        )
    return target.team is not None and target.team.path.startswith(own_team.path)


# -- the permissions pages and the API ask about --------------------------------------------------

_register(SET_TARGETS, can_set_targets)
_register(MANAGE_TARGET, can_manage_target)
_register(MANAGE_STAGES, manages_stages)


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Supervisors also maintain the catalogue and may take an order from a customer on credit hold;
# account managers and assistants sell from the catalogue and cannot override a hold.
_SALES_WORK = ["sales.view_*", "sales.add_*", "sales.change_*"]
ROLE_GRANTS = {
    EXECUTIVE: ["sales.view_*"],
    SUPERVISOR: [*_SALES_WORK, "sales.delete_*", MANAGE_CATALOGUE, OVERRIDE_CREDIT_HOLD],
    ACCOUNT_MANAGER: [*_SALES_WORK, "sales.delete_*"],
    SALES_ASSISTANT: _SALES_WORK,
}
