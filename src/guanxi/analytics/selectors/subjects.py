"""Which customers a model run covers, and their order history as a data frame.

A run covers the customers ``actor`` may see (every customer for a scheduled run), optionally
narrowed to one tag or one saved customer-list view (a segment). The history is read as one
streamed query, never row by row.
"""

from datetime import date
from typing import Any

import pandas as pd
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.http import QueryDict
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.analytics.selectors.reports import all_revenue_orders
from guanxi.core.models import SavedListView
from guanxi.core.scoping import scope_queryset
from guanxi.core.selectors.list_views import list_view_list
from guanxi.customers.models import Customer
from guanxi.customers.selectors.customers import tag_filter

CUSTOMER_LIST = "customers"
CHUNK = 20_000


def model_customers(
    *, actor: User | None, tag: str = "", segment: int | None = None
) -> QuerySet[Customer]:
    """The customers a run covers (not in the recycle bin). ``actor`` None: everyone.

    Raises ``ValidationError`` naming ``segment`` when it is no customer-list view the actor
    may use.
    """
    customers: QuerySet[Customer] = Customer.objects.all()
    if actor is not None:
        customers = scope_queryset(customers, actor)
    if tag:
        customers = customers.filter(tag_filter(tag))
    if segment is not None:
        customers = customers.filter(pk__in=segment_customers(actor=actor, segment=segment))
    return customers.order_by()


def segment_customers(*, actor: User | None, segment: int) -> QuerySet[Customer, Any]:
    """The customers a saved customer-list view (its filters and search) selects."""
    # Imported here: the customer list's filter form is the one reader of a view's query.
    from guanxi.customers.forms.customers import CustomerFilterForm
    from guanxi.customers.selectors.customers import customer_list

    views: QuerySet[SavedListView] = SavedListView.objects.filter(list_key=CUSTOMER_LIST)
    if actor is not None:
        views = list_view_list(actor=actor, list_key=CUSTOMER_LIST)
    view = views.filter(pk=segment).first()
    if view is None:
        raise ValidationError(
            {"segment": _("No saved customer list with this id is available to you.")}
        )
    # A scheduled run (no actor) reads the view as its owner would.
    owner = actor if actor is not None else view.owner
    form = CustomerFilterForm(QueryDict(view.query), actor=owner)  # type: ignore[no-untyped-call]
    search, filters = form.query()
    return customer_list(actor=owner, search=search, filters=filters).values("pk")


def subset_describe(*, tag: str = "", segment: int | None = None) -> dict[str, Any]:
    """The ``subset`` a ModelRun records."""
    subset: dict[str, Any] = {}
    if tag:
        subset["tag"] = tag
    if segment is not None:
        subset["segment"] = segment
    return subset


def order_days(
    customers: QuerySet[Customer], *, until: date, since: date | None = None
) -> pd.DataFrame:
    """Revenue per customer and order day, up to ``until`` (included): one row per customer
    and day with orders, columns ``customer_id``, ``day`` (datetime64) and ``amount``
    (float, yuan; money is only summed and rounded back to Decimal by the callers)."""
    orders = all_revenue_orders({"date_from": since, "date_to": until}).filter(
        customer__in=customers.values("pk")
    )
    rows = (
        orders.values_list("customer_id", "order_date")
        .annotate(amount=Sum("total"))
        .order_by("customer_id", "order_date")
        .iterator(chunk_size=CHUNK)
    )
    frame = pd.DataFrame.from_records(rows, columns=["customer_id", "day", "amount"])
    if frame.empty:
        frame = pd.DataFrame(
            {
                "customer_id": pd.Series(dtype="int64"),
                "day": pd.Series(dtype="datetime64[ns]"),
                "amount": pd.Series(dtype="float64"),
            }
        )
        return frame
    frame["day"] = pd.to_datetime(frame["day"])
    frame["amount"] = frame["amount"].astype("float64")
    return frame
