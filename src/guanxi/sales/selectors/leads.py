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
        rows = rows.filter(
            Q(name__icontains=term)
            | Q(company__icontains=term)
            | (Q(search_text__contains=key) if (key := normalise(term)) else Q(pk__in=[]))
            | Q(phone__icontains=term)
            | Q(email__icontains=term)
            # Phones are stored in E.164: a number typed in any format is found by its digits.
            | (Q(phone__contains=digits) if (digits := phone_search_term(term)) else Q(pk__in=[]))
        )
    if owner is not None:
        rows = rows.filter(owner=owner)
    return rows.order_by(*LEAD_SORTS.get(sort, LEAD_LIST_ORDERING))


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
