"""Who may do what with customers, contacts, interactions, documents, churn and the pool.

Every right of the app is named here once (services, selectors, views, the API and template
tags use these constants), and every rule that is more than one right is a django-rules
predicate composed from :mod:`guanxi.core.rules`. A rule that holds for every superuser is
also registered as a permission (``user.has_perm(MANAGE_POOL_SETTINGS)``); the others stay
predicates (``can_claim(user)``, ``can_release(user, customer)``), because ``has_perm`` says
yes to every active superuser, and a superuser claims nothing and releases no pool customer.
"""

from typing import Any

from django.contrib.auth import get_user_model

from guanxi.accounts.roles import (
    ACCOUNT_MANAGER,
    ADMINISTRATOR,
    EXECUTIVE,
    SALES_ASSISTANT,
    SUPERVISOR,
)
from guanxi.core.rules import (
    MANAGE_ACCOUNTS,
    add_perm,
    is_active,
    is_sales_assistant,
    is_superuser,
    leads_own_team,
    manages_accounts,
    predicate,
    sees_everything,
    supervises,
)
from guanxi.core.scoping import can_see

# -- the model rights of the app --------------------------------------------------------------
VIEW_CUSTOMER = "customers.view_customer"
ADD_CUSTOMER = "customers.add_customer"
CHANGE_CUSTOMER = "customers.change_customer"
DELETE_CUSTOMER = "customers.delete_customer"
VIEW_CONTACT = "customers.view_contact"
ADD_CONTACT = "customers.add_contact"
CHANGE_CONTACT = "customers.change_contact"
DELETE_CONTACT = "customers.delete_contact"
VIEW_INTERACTION = "customers.view_interaction"
ADD_INTERACTION = "customers.add_interaction"
CHANGE_INTERACTION = "customers.change_interaction"
DELETE_INTERACTION = "customers.delete_interaction"
VIEW_DOCUMENT = "customers.view_document"
ADD_DOCUMENT = "customers.add_document"
CHANGE_DOCUMENT = "customers.change_document"
DELETE_DOCUMENT = "customers.delete_document"
VIEW_CHURNCASE = "customers.view_churncase"
CHANGE_CHURNCASE = "customers.change_churncase"
# Downloading customers (CSV/xlsx) or a customer's contacts (vCards): not implied by reading.
EXPORT_CUSTOMERS = "customers.export_customer"
# A person's rights under PIPL/GDPR: everything held about them (subject-access export), and
# erasing their personal data (anonymisation). Administrators' only by default.
EXPORT_PERSONAL_DATA = "customers.export_personal_data"
ANONYMISE_PERSONAL_DATA = "customers.anonymise_personal_data"

# Importing customers creates them: the same right as adding one.
IMPORT_CUSTOMERS = ADD_CUSTOMER
# Field protection is per role, so it belongs to those who manage roles.
MANAGE_FIELD_RULES = MANAGE_ACCOUNTS

# -- rule permissions (rules.add_perm below) --------------------------------------------------
ASSIGN_FROM_POOL = "customers.assign_from_pool"
MANAGE_POOL_SETTINGS = "customers.manage_pool_settings"
SET_CREDIT_HOLD = "customers.set_credit_hold"


# -- predicates -------------------------------------------------------------------------------


@predicate
def changes_customers(user: Any) -> bool:
    """Holds the right to change customers (every pool move needs it)."""
    return bool(user.has_perm(CHANGE_CUSTOMER))


@predicate
def views_customers(user: Any) -> bool:
    """Holds the right to view customers."""
    return bool(user.has_perm(VIEW_CUSTOMER))


# A signed-in, active user with the view right reads the pool, whatever their normal scope.
reads_pool = is_active & views_customers

# Account managers (and supervisors, who own customers too) claim pool customers for
# themselves; executives and administrators see everything and own nothing, nor do assistants.
can_claim = is_active & changes_customers & ~sees_everything & ~is_sales_assistant

# Supervisors and administrators give pool customers to the people they manage.
can_assign = changes_customers & (supervises | manages_accounts)

# Pool policies and ownership caps are administration, like users and roles.
can_manage_pool_settings = manages_accounts


@predicate
def is_owned(user: Any, customer: Any) -> bool:
    """The customer has an account manager (it is not in the pool)."""
    return customer.owner_id is not None


@predicate
def owns(user: Any, customer: Any) -> bool:
    """The user is the customer's account manager."""
    return bool(customer.owner_id == user.pk)


@predicate
def sees_customer(user: Any, customer: Any) -> bool:
    """The customer is in the user's own scope (not merely readable as a pool row)."""
    return can_see(user, customer)


# The owner, or a supervisor/administrator who sees the owner's customer, puts it back.
can_release = is_owned & changes_customers & (owns | (can_assign & sees_customer))


@predicate
def leads_owners_team(user: Any, customer: Any) -> bool:
    """The user supervises a team whose subtree holds the customer's account manager."""
    if customer.owner_id is None or not leads_own_team(user):
        return False
    return bool(
        get_user_model()
        .objects.filter(pk=customer.owner_id, team__path__startswith=user.team.path)
        .exists()
    )


# Credit control 信用冻结: a hold (or lifting it) is finance's call, taken by administrators or
# by the supervisor of the owner's team; account managers see the hold but cannot change it.
may_set_credit_hold = is_active & changes_customers & (manages_accounts | leads_owners_team)

# Everyone's import jobs are visible to superusers and administrators; others see their own.
sees_all_imports = is_superuser | manages_accounts


add_perm(ASSIGN_FROM_POOL, can_assign)
add_perm(MANAGE_POOL_SETTINGS, can_manage_pool_settings)
add_perm(SET_CREDIT_HOLD, may_set_credit_hold)


@predicate
def is_personal_record(user: Any, record: Any) -> bool:
    """The record describes one person: a contact, or a customer of the person kind."""
    kind = getattr(record, "kind", None)
    if kind is None:  # a contact
        return True
    return bool(kind == "person")


@predicate
def is_anonymised(user: Any, record: Any) -> bool:
    """The person's data was already replaced by placeholders (for good)."""
    return getattr(record, "anonymised_at", None) is not None


@predicate
def holds_personal_data_export(user: Any) -> bool:
    return bool(user.has_perm(EXPORT_PERSONAL_DATA))


@predicate
def holds_personal_data_anonymise(user: Any) -> bool:
    return bool(user.has_perm(ANONYMISE_PERSONAL_DATA))


# A company has no personal data of its own: its contacts are the people to export or erase.
may_export_personal_data = is_active & holds_personal_data_export & is_personal_record
may_anonymise_personal_data = (
    is_active & holds_personal_data_anonymise & is_personal_record & ~is_anonymised
)


# -- what the built-in roles hold by default (registered from the app's ready()) ---------------
# Account managers and supervisors work the customers they see; assistants enter and edit for
# the managers they support but delete nothing; executives read.
_CUSTOMER_WORK = ["customers.view_*", "customers.add_*", "customers.change_*"]
# Executives, supervisors and account managers export what they see; assistants, who enter
# data for others, do not take the customer list away.
ROLE_GRANTS = {
    EXECUTIVE: ["customers.view_*", EXPORT_CUSTOMERS],
    SUPERVISOR: [*_CUSTOMER_WORK, "customers.delete_*", EXPORT_CUSTOMERS],
    ACCOUNT_MANAGER: [*_CUSTOMER_WORK, "customers.delete_*", EXPORT_CUSTOMERS],
    SALES_ASSISTANT: _CUSTOMER_WORK,
    # Administrators hold every right; named here so the personal-data rights stay theirs.
    ADMINISTRATOR: [EXPORT_PERSONAL_DATA, ANONYMISE_PERSONAL_DATA],
}
