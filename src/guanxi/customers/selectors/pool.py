"""Reads of the customer pool 公海: the pool list, what a user may look at, recall candidates.

The one rule of the pool's visibility lives here: a customer without an owner is readable by
everyone who holds the customer view right, whatever their normal scope (reps must see what
they may claim). Writes still need the customer in scope (``selectors.customer_get``),
so a pool customer is read-only until someone claims it.

A customer's card is the customer and its contacts: whoever may read the customer reads its
contacts (:func:`contact_readable`), protected fields masked as everywhere else. The pool page,
the home page's pool count, the 360 page's contacts panel and its contact figure all read
through these selectors, so they cannot disagree.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.compiled import compiled_objects, reader_shape
from guanxi.core.scoping import can_see, scope_q
from guanxi.customers import rules
from guanxi.customers.models import Contact, Customer, OwnershipCap, PoolPolicy
from guanxi.customers.search.keys import SEARCH_COLUMNS, normalise
from guanxi.customers.selectors.customers import customer_search_term_condition

# Newest first: the order of the partial index ``customer_pool_recent`` (owner NULL, live).
POOL_ORDERING = ("-created_at", "-id")
POOL_FILTERS = ("level", "region", "industry")


def customer_readable(*, actor: User) -> QuerySet[Customer]:
    """Customers ``actor`` may look at: their scope, plus the pool with the view right."""
    customers: QuerySet[Customer] = Customer.objects.all()
    if not rules.reads_pool(actor):
        return customers.none()
    condition = scope_q(actor, Customer)
    if condition is None:
        return customers
    return customers.filter(condition | Q(owner__isnull=True))


def contact_readable(*, actor: User, customer: Customer | None = None) -> QuerySet[Contact]:
    """Contacts ``actor`` may read: those of the customers :func:`customer_readable` gives."""
    contacts: QuerySet[Contact] = Contact.objects.select_related(
        "customer", "province", "city", "district"
    )
    condition = scope_q(actor, Contact)
    if rules.reads_pool(actor) and condition is not None:
        condition |= Q(customer__owner__isnull=True)
    if condition is not None:
        contacts = contacts.filter(condition)
    if customer is not None:
        contacts = contacts.filter(customer=customer)
    return contacts


def customer_contacts(*, actor: User, customer: Customer) -> list[Contact]:
    """The contacts of ``customer`` that ``actor`` reads (the 360 page's panel), in their
    default order; the query is compiled once per reader (core.compiled)."""

    def build(record_id: int) -> tuple[QuerySet[Contact], None]:
        same = Customer(pk=record_id)
        return contact_readable(actor=actor, customer=same), None

    found = compiled_objects(("customer_contacts", reader_shape(actor)), build, customer.pk)
    if found is None:
        return list(contact_readable(actor=actor, customer=customer))
    contacts = [contact for contact in found if isinstance(contact, Contact)]
    for contact in contacts:
        contact.customer = customer
    return contacts


def pool_customers(*, actor: User) -> QuerySet[Customer]:
    """The pool customers ``actor`` sees: every customer without an owner, to a pool reader."""
    customers: QuerySet[Customer] = Customer.objects.all()
    if not rules.reads_pool(actor):
        return customers.none()
    return customers.filter(owner__isnull=True)


# What the 360 page reads with a customer (its panels and profile).
_DETAIL_RELATED = (
    "owner",
    "level",
    "region",
    "industry",
    "source",
    "created_by",
    "on_behalf_of",
    "credit_hold_by",
    # The models' stored results (analytics), read by the 360 page's panels.
    "score",
)


def customer_get_readable(*, actor: User, pk: Any) -> Customer:
    """A customer for the detail page: in scope or in the pool; ``DoesNotExist`` otherwise.

    Its query (ten tables) is compiled once per reader (core.compiled): planning it took
    longer than running it.
    """

    def build(record_id: int) -> tuple[QuerySet[Customer], None]:
        readable = customer_readable(actor=actor).select_related(*_DETAIL_RELATED)
        return readable.filter(pk=record_id).order_by(), None

    if isinstance(pk, int) or (isinstance(pk, str) and pk.isdigit()):
        found = compiled_objects(("customer_readable", reader_shape(actor)), build, int(pk))
        if found is not None:
            if not found:
                raise Customer.DoesNotExist
            customer = found[0]
            assert isinstance(customer, Customer)
            return customer
    return customer_readable(actor=actor).select_related(*_DETAIL_RELATED).get(pk=pk)


def pool_list(
    *, actor: User, search: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Customer]:
    """Customers in the pool, newest first; ``filters`` may hold level, region, industry."""
    customers = (
        pool_customers(actor=actor)
        .select_related("level", "region", "industry")
        .defer(*SEARCH_COLUMNS)
    )
    if normalise(search):
        customers = customers.filter(customer_search_term_condition(actor=actor, search=search))
    for name, value in (filters or {}).items():
        if name in POOL_FILTERS and value is not None:
            customers = customers.filter(**{name: value})
    return customers.order_by(*POOL_ORDERING)


def pool_owner_choices(*, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may give a pool customer to (the assign select of the pool page)."""
    return assignable_owners(actor=actor).order_by("username")


# -- recall: which owned customers go back to the pool, and who hears of it first ------------


def follow_up_reference() -> Greatest:
    """Since when the owner has not followed up: the later of "owned since" and the last follow-up.

    Greatest() is NULL on SQLite as soon as one side is, so each side falls back to the other
    (and to the creation time for rows older than ``owned_since``).
    """
    return Greatest(
        Coalesce("owned_since", "last_follow_up_at", "created_at"),
        Coalesce("last_follow_up_at", "owned_since", "created_at"),
    )


def follow_up_due_condition() -> Q:
    """Owned customers whose owner was told they go back to the pool soon and has not followed
    them up since: the recall notice is newer than the last follow-up (or the taking over)."""
    return Q(owner__isnull=False, recall_notice_at__gte=follow_up_reference())


def won_reference() -> Greatest:
    """Since when the owner has won nothing: the later of "owned since" and the last win."""
    return Greatest(
        Coalesce("owned_since", "last_won_at", "created_at"),
        Coalesce("last_won_at", "owned_since", "created_at"),
    )


@dataclass(frozen=True)
class _Rule:
    reference: str  # annotation name
    days: int


def _rules(policy: PoolPolicy) -> list[_Rule]:
    found = []
    if policy.follow_up_days:
        found.append(_Rule("follow_up_since", policy.follow_up_days))
    if policy.won_days:
        found.append(_Rule("won_since", policy.won_days))
    return found


def policy_customers(policy: PoolPolicy) -> QuerySet[Customer]:
    """Owned customers that ``policy`` governs, with both references annotated.

    A level's own policy governs that level; the default one every level without its own row,
    and customers without a level.
    """
    customers: QuerySet[Customer] = Customer.objects.filter(owner__isnull=False)
    if policy.level_id is not None:
        customers = customers.filter(level_id=policy.level_id)
    else:
        own = PoolPolicy.objects.filter(level__isnull=False).values("level_id")
        customers = customers.exclude(level_id__in=own)
    return customers.annotate(follow_up_since=follow_up_reference(), won_since=won_reference())


def notice_deadline(policy: PoolPolicy, now: datetime) -> datetime:
    """Notices sent before this moment have given the owner their full ``notice_days``.

    Counted in calendar days, so a job that runs a few seconds later than yesterday still
    recalls on the day the notice promised.
    """
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=policy.notice_days - 1)


def recall_candidates(policy: PoolPolicy, *, now: datetime | None = None) -> QuerySet[Customer]:
    """Customers ``policy`` returns to the pool now: a rule's days are over and, unless the
    policy gives no notice, the owner was told about it at least ``notice_days`` ago."""
    now = now or timezone.now()
    due = Q(pk__in=[])
    for rule in _rules(policy):
        condition = Q(**{f"{rule.reference}__lt": now - timedelta(days=rule.days)})
        if policy.notice_days:
            condition &= Q(
                recall_notice_at__gte=F(rule.reference),
                recall_notice_at__lt=notice_deadline(policy, now),
            )
        due |= condition
    return policy_customers(policy).filter(due)


def notice_candidates(policy: PoolPolicy, *, now: datetime | None = None) -> QuerySet[Customer]:
    """Owned customers due for recall within ``notice_days`` whose owner was not told yet.

    A notice sent before the latest follow-up (or win) belongs to an earlier period, so the
    owner is told again when the customer is about to be recalled anew.
    """
    now = now or timezone.now()
    if not policy.notice_days:
        none: QuerySet[Customer] = Customer.objects.none()
        return none
    due = Q(pk__in=[])
    for rule in _rules(policy):
        soon = now - timedelta(days=max(rule.days - policy.notice_days, 0))
        due |= Q(**{f"{rule.reference}__lt": soon}) & (
            Q(recall_notice_at__isnull=True) | Q(recall_notice_at__lt=F(rule.reference))
        )
    return policy_customers(policy).filter(due)


def recall_date(policy: PoolPolicy, customer: Customer, *, now: datetime) -> datetime:
    """When an annotated candidate of ``policy`` goes back to the pool (for the notice)."""
    due = [getattr(customer, rule.reference) + timedelta(days=rule.days) for rule in _rules(policy)]
    earliest = min(due) if due else now
    return max(earliest, now + timedelta(days=policy.notice_days))


def pool_policies() -> QuerySet[PoolPolicy]:
    """Every recall policy, the default one first."""
    policies: QuerySet[PoolPolicy] = PoolPolicy.objects.select_related("level")
    return policies.order_by(Coalesce("level__sort_order", -1), "id")


def ownership_caps() -> QuerySet[OwnershipCap]:
    """Every ownership cap, by role name."""
    caps: QuerySet[OwnershipCap] = OwnershipCap.objects.select_related("role")
    return caps.order_by("role__name")


def customer_in_scope(*, actor: User, customer: Customer) -> bool:
    """Whether ``customer`` is in ``actor``'s own scope (so not merely readable as a pool row)."""
    return can_see(actor, customer)
