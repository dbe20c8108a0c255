"""The customer figures of the home page, within the reader's scope."""

from django.db.models import Count, Q

from guanxi.accounts.models import User
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import customer_list


def customer_home_counts(*, actor: User) -> dict[str, int]:
    """Customer figures within the actor's scope, in one aggregate query."""
    counts: dict[str, int] = (
        customer_list(actor=actor)
        .order_by()
        .aggregate(
            total=Count("pk"),
            mine=Count("pk", filter=Q(owner=actor)),
            pool=Count("pk", filter=Q(owner__isnull=True)),
            churn_warning=Count("pk", filter=Q(status=Customer.Status.CHURN_WARNING)),
            on_hold=Count("pk", filter=Q(credit_status=Customer.CreditStatus.ON_HOLD)),
        )
    )
    return counts
