"""The customer panel of the home page: the follow-ups due, the churn warnings to handle and the
pool customers one may claim, within the reader's scope (an account manager's own, a
supervisor's team's). Counts come from aggregate queries, lists are a few rows each, so the
panel costs the same handful of queries whatever the number of customers.
"""

from typing import Any

from django.db.models import Count, Q

from guanxi.accounts.models import User
from guanxi.core.home import OWN
from guanxi.customers import rules
from guanxi.customers.models import ChurnCase, Customer
from guanxi.customers.search.keys import SEARCH_COLUMNS
from guanxi.customers.selectors.churn import churn_case_list
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.selectors.pool import follow_up_due_condition, pool_customers

# Rows listed per section; the counts say how many there are in all.
HOME_ROWS = 5


def customer_home_panel(*, actor: User, audience: str) -> dict[str, Any] | None:
    """Counts and the first rows of the reader's follow-ups, churn warnings and claimable pool
    customers; None for a reader without customers (the panel is then left out)."""
    if not actor.has_perm(rules.VIEW_CUSTOMER):
        return None
    customers = customer_list(actor=actor).order_by()
    counts: dict[str, int] = customers.aggregate(
        total=Count("pk"),
        owned=Count("pk", filter=Q(owner=actor)),
        follow_ups=Count("pk", filter=follow_up_due_condition()),
        on_hold=Count("pk", filter=Q(credit_status=Customer.CreditStatus.ON_HOLD)),
    )
    follow_ups = []
    if counts["follow_ups"]:
        follow_ups = list(
            customers.filter(follow_up_due_condition())
            .select_related(None)
            .select_related("owner")
            .order_by("recall_notice_at", "pk")[:HOME_ROWS]
        )
    churn: list[ChurnCase] = []
    churn_count = 0
    if actor.has_perm(rules.VIEW_CHURNCASE):
        cases = churn_case_list(actor=actor).prefetch_related(None)
        churn_count = cases.order_by().count()
        if churn_count:
            churn = list(cases.select_related("customer", "owner").order_by("warned_at", "pk")[:5])
    claims = bool(rules.can_claim(actor) or actor.has_perm(rules.ASSIGN_FROM_POOL))
    pool: list[Customer] = []
    pool_count = 0
    if claims:
        in_pool = pool_customers(actor=actor).defer(*SEARCH_COLUMNS)
        pool_count = in_pool.order_by().count()
        if pool_count:
            pool = list(
                in_pool.select_related("level", "region").order_by("-created_at", "-id")[:HOME_ROWS]
            )
    return {
        "mine": audience == OWN,
        "counts": {**counts, "churn": churn_count, "pool": pool_count},
        "follow_ups": follow_ups,
        "churn": churn,
        "pool": pool,
        "claims": claims,
        "sees_churn": actor.has_perm(rules.VIEW_CHURNCASE),
    }
