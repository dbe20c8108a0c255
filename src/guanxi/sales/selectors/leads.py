"""Reads of leads 线索 and their routing rules, always within the actor's scope.

A lead belongs to its owner (``Lead.scope_fields``): an account manager sees their own, an
assistant those of the managers they support, a supervisor those of the team subtree.
Leads nobody owns yet (new, not routed) are seen by supervisors — so they can assign them —
and, like everything, by executives and administrators; account managers and assistants do not
see them.
"""

from django.db.models import Q, QuerySet

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.phones import phone_search_term
from guanxi.core.rules import leads_team
from guanxi.core.scoping import scope_q
from guanxi.customers.search.keys import normalise
from guanxi.sales.models import Lead, LeadRoutingRule

LEAD_LIST_ORDERING = ("-created_at", "-id")
# The list's sorts; names sort by their pinyin (杨 < 张 < 赵), the same on both databases.
LEAD_SORTS = {
    "created": LEAD_LIST_ORDERING,
    "name": ("name_sort", "id"),
    "-name": ("-name_sort", "-id"),
}
MAX_SEARCH_LENGTH = 100


def _visible(actor: User) -> QuerySet[Lead]:
    condition = scope_q(actor, Lead)
    rows: QuerySet[Lead] = Lead.objects.all()
    if condition is None:
        return rows
    if leads_team(actor):
        condition |= Q(owner__isnull=True)
    return rows.filter(condition)


def lead_list(
    *,
    actor: User,
    status: str = "",
    search: str = "",
    owner: User | int | None = None,
    sort: str = "created",
) -> QuerySet[Lead]:
    """Leads ``actor`` sees, newest first (or by ``sort``, a key of ``LEAD_SORTS``); ``status``
    keeps one status, ``search`` matches the name or company (also by pinyin and initials:
    ``zhangwei``, ``zw``), phone (any format) or e-mail (any case), ``owner`` (a user or id)
    one owner's."""
    rows = _visible(actor).select_related("region", "owner").defer("search_text")
    if status:
        rows = rows.filter(status=status)
    if term := (search or "").strip()[:MAX_SEARCH_LENGTH]:
        rows = rows.filter(lead_search_condition(term))
    if owner is not None:
        rows = rows.filter(owner=owner)
    return rows.order_by(*LEAD_SORTS.get(sort, LEAD_LIST_ORDERING))


def lead_search_condition(term: str) -> Q:
    """Leads whose name or company (their search keys, which hold both normalised, with pinyin
    and initials), phone or e-mail contain ``term``.

    Every part is a condition the trigram index ``lead_search_trgm`` (PostgreSQL) answers, so
    their OR is a bitmap OR of index scans rather than a read of every lead: the keys instead
    of ``name``/``company`` ``icontains``, and the phone (stored in E.164: digits and ``+``,
    which have no case) by ``contains``.
    """
    condition = Q(email__icontains=term) | Q(phone__contains=term)
    if key := normalise(term):
        condition |= Q(search_text__contains=key)
    # A number typed in any format (spaces, dashes, a national prefix) is found by its digits.
    if digits := phone_search_term(term):
        condition |= Q(phone__contains=digits)
    return condition


def lead_get(*, actor: User, pk: int | str) -> Lead:
    """The lead if ``actor`` sees it; ``Lead.DoesNotExist`` otherwise (a 404)."""
    return (
        _visible(actor)
        .select_related(
            "region",
            "owner",
            "created_by",
            "converted_opportunity",
            "converted_customer",
        )
        .get(pk=pk)
    )


def lead_assignee_choices(*, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may give a lead to (the customers app's rule for record owners)."""
    return assignable_owners(actor=actor).order_by("username")


def region_choices() -> QuerySet[DictionaryEntry]:
    regions: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        kind=DictionaryKind.REGION, is_active=True
    )
    return regions.order_by("sort_order", "code")


def routing_rule_list() -> QuerySet[LeadRoutingRule]:
    return LeadRoutingRule.objects.select_related("region", "team", "user", "last_assigned")
