"""Reads of sales opportunities 销售机会 and their plan items, always within the actor's scope.

An opportunity belongs to its creator and to its assignee (``Opportunity.scope_fields``): a
user sees those they created or were given, a supervisor those of the team, a sales assistant
those of the managers they support, executives and administrators all of them.
"""

from django.contrib.auth.models import Permission
from django.db.models import Prefetch, Q, QuerySet

from guanxi.accounts.models import User
from guanxi.accounts.selectors.users import assignable_owners
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.core.scoping import scope_queryset
from guanxi.sales import rules
from guanxi.sales.models import Deal, Opportunity, PlanItem, PlanItemResult
from guanxi.sales.selectors.pipeline import deal_list

# Newest first; ends in the id so keyset pages have a total order.
OPPORTUNITY_LIST_ORDERING = ("-created_at", "-id")
MAX_SEARCH_LENGTH = 100


def opportunity_list(
    *,
    actor: User,
    status: str = "",
    search: str = "",
    mine: bool = False,
    assigned_to: User | int | None = None,
) -> QuerySet[Opportunity]:
    """Opportunities ``actor`` sees, newest first, with what a list row shows loaded.

    ``status`` keeps one status, ``search`` the prospect names containing it (any case),
    ``mine`` those the actor created or was assigned, ``assigned_to`` (a user or id) one
    assignee's.
    """
    rows = scope_queryset(Opportunity.objects.all(), actor).select_related(
        "source", "assigned_to", "created_by", "customer", "deal"
    )
    if status:
        rows = rows.filter(status=status)
    if term := (search or "").strip()[:MAX_SEARCH_LENGTH]:
        rows = rows.filter(opportunity_search_condition(term))
    if mine:
        rows = rows.filter(mine_condition(actor))
    if assigned_to is not None:
        rows = rows.filter(assigned_to=assigned_to)
    return rows.order_by(*OPPORTUNITY_LIST_ORDERING)


def opportunity_search_condition(term: str) -> Q:
    """Opportunities whose prospect name contains ``term`` (any case)."""
    return Q(prospect_name__icontains=term)


def mine_condition(actor: User) -> Q:
    """ "Mine": the opportunities ``actor`` created or was assigned."""
    return Q(created_by=actor) | Q(assigned_to=actor)


def opportunity_get(*, actor: User, pk: int | str) -> Opportunity:
    """The opportunity if ``actor`` sees it; ``Opportunity.DoesNotExist`` otherwise (a 404)."""
    found: Opportunity = (
        scope_queryset(Opportunity.objects.all(), actor)
        .select_related(
            "source",
            "customer",
            "assigned_to",
            "assigned_by",
            "created_by",
            "lost_reason",
            "deal",
        )
        .get(pk=pk)
    )
    return found


def opportunity_in_scope(*, actor: User, opportunity: Opportunity) -> bool:
    return scope_queryset(Opportunity.objects.filter(pk=opportunity.pk), actor).exists()


def opportunity_deal(*, actor: User, opportunity: Opportunity) -> Deal | None:
    """The deal the won ``opportunity`` continues as, if ``actor`` sees it."""
    deal: Deal | None = deal_list(actor=actor).filter(opportunity=opportunity).first()
    return deal


def plan_item_list(*, actor: User, opportunity: Opportunity) -> QuerySet[PlanItem]:
    """The plan items of ``opportunity`` in date order, if the actor sees it (else none), with
    who wrote each and every result recorded (``item.results``, oldest first, with their
    authors): two queries however long the plan."""
    results = PlanItemResult.objects.select_related("created_by").order_by("created_at", "id")
    items = scope_queryset(PlanItem.objects.filter(opportunity=opportunity), actor)
    return (
        items.select_related("created_by", "result_by")
        .prefetch_related(Prefetch("results", queryset=results))
        .order_by("date", "id")
    )


def plan_item_get(*, actor: User, opportunity: Opportunity, pk: int | str) -> PlanItem:
    """One plan item of ``opportunity``; ``PlanItem.DoesNotExist`` if it is not one of its."""
    return plan_item_list(actor=actor, opportunity=opportunity).get(pk=pk)


def opportunity_assignee_choices(*, actor: User) -> QuerySet[User]:
    """Whom ``actor`` may assign an opportunity to.

    The customers app's rule for who may be given records (``assignable_owners``: a supervisor
    their team subtree, an administrator anyone), narrowed to users who may work on
    opportunities, so an assignment never lands with someone who could not develop it.
    """
    app_label, codename = rules.CHANGE_OPPORTUNITY.split(".")
    workers = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    allowed = Q(is_superuser=True) | Q(groups__permissions__in=workers)
    allowed |= Q(user_permissions__in=workers)
    able = User.objects.filter(allowed).values("pk")
    return assignable_owners(actor=actor).filter(pk__in=able).order_by("username")


def opportunity_source_choices(
    *, current: DictionaryEntry | None = None
) -> QuerySet[DictionaryEntry]:
    """Active sources 机会来源 (the customers' source dictionary), plus the one already chosen."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    sources: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        condition, kind=DictionaryKind.SOURCE
    )
    return sources.order_by("sort_order", "code")


def lost_reason_choices() -> QuerySet[DictionaryEntry]:
    """Active lost reasons 失败原因 to terminate a development with."""
    reasons: QuerySet[DictionaryEntry] = DictionaryEntry.objects.filter(
        kind=DictionaryKind.LOST_REASON, is_active=True
    )
    return reasons.order_by("sort_order", "code")


def opportunities_open() -> QuerySet[Opportunity]:
    """Every live opportunity not won or lost, unscoped: registered with
    ``customers.churn_open_work`` (a customer being developed is not churning)."""
    return Opportunity.objects.exclude(status__in=Opportunity.CLOSED_STATUSES)
