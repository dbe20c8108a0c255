"""The customer figures of the home page, within the reader's scope."""

from django.db.models import Count, Q

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list
from guanxi.customers.selectors.pool import pool_customers


def customer_home_counts(*, actor: User) -> dict[str, int]:
    """Customer figures within the actor's scope, in one aggregate query; the pool count is
    what the pool page lists for the actor (the pool is readable beyond one's scope)."""
    counts: dict[str, int] = (
        customer_list(actor=actor)
        .order_by()
        .aggregate(
            total=Count("pk"),
            mine=Count("pk", filter=Q(owner=actor)),
            churn_warning=Count("pk", filter=Q(status=Customer.Status.CHURN_WARNING)),
            on_hold=Count("pk", filter=Q(credit_status=Customer.CreditStatus.ON_HOLD)),
        )
    )
    counts["pool"] = pool_customers(actor=actor).order_by().count()
    return counts
