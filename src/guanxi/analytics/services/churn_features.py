"""What the churn model learns from: per-customer facts as of a day, and who churned after.

The feature window (no leak of the outcome into the features):

- ``today`` T, the horizon H (``HORIZON_DAYS``, 180) and the cutoff C = T − H.
- Training population: the customers who existed before C and had not churned by C.
- Label: the customer churned in [C, T] — a churn confirmed 确定流失 then (a churn case closed
  as confirmed, or since won back), or, for a customer whose status is churned without such a
  case (imported history), the day recorded for it.
- Features: read from records dated before C only (orders by order date, interactions by
  when they happened, service requests by when they were made, feedback by when it was given,
  receivables by when they were opened and payments by the day paid); tenure is C − created.
- Scoring: the very same facts as of T for every current customer (not churned), and the
  model's probability reads as "churns within the next H days".

The customer's own fields (level, region, industry, source, credit, satisfaction, kind, tags)
are read as they are now: the history of each field is not kept per day, so a field an owner
changes *because* the customer left would leak. The status is never a feature.

Each fact is one set-based query over the covered customers (a ``GROUP BY`` per source,
never a query per customer): customers, orders, interactions, service requests, feedback,
receivables and payments — seven in all.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from guanxi.analytics.selectors.reports import all_revenue_orders
from guanxi.customers.models import ChurnCase, Customer, Interaction
from guanxi.sales.models import Payment, Receivable
from guanxi.service.models import ServiceRequest, ServiceRound

HORIZON_DAYS = 180
YEAR = 365
COMPLAINT = "complaint"
CHURNED_STATES = (ChurnCase.State.CONFIRMED, ChurnCase.State.WON_BACK)
CUSTOMER_COLUMNS = [
    "customer_id",
    "created_at",
    "kind",
    "level",
    "region",
    "industry",
    "source",
    "credit",
    "satisfaction",
    "tags",
]


def start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the company's time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def churn_facts(customers: QuerySet[Customer], *, as_of: date) -> pd.DataFrame:
    """One row per customer of ``customers`` (index ``customer_id``) with the facts known
    before ``as_of`` (the day itself excluded): see ``intelligence.churn.feature_matrix``."""
    moment = start_of(as_of)
    ids = customers.values("pk")
    rows = customers.values_list(
        "pk",
        "created_at",
        "kind",
        "level_id",
        "region_id",
        "industry_id",
        "source_id",
        "credit",
        "satisfaction",
        "tags",
    ).iterator(chunk_size=20_000)
    facts = pd.DataFrame.from_records(rows, columns=CUSTOMER_COLUMNS).set_index("customer_id")
    if facts.empty:
        return _empty()
    created = pd.to_datetime(facts.pop("created_at"), utc=True)
    facts["tenure_days"] = (pd.Timestamp(moment).tz_convert("UTC") - created).dt.days.clip(lower=0)
    for column in ("credit", "satisfaction"):
        facts[column] = facts[column].astype("float64")
    facts = facts.join(_orders(ids, as_of), how="left")
    facts = facts.join(_interactions(ids, moment), how="left")
    facts = facts.join(_service(ids, moment), how="left")
    facts = facts.join(_receivables(ids, moment, as_of), how="left")
    counts = [
        "orders_365",
        "orders_90",
        "orders_prev_90",
        "revenue_365",
        "revenue_90",
        "revenue_prev_90",
        "interactions_30",
        "interactions_90",
        "service_requests_365",
        "complaints_365",
        "open_receivables",
    ]
    facts[counts] = facts[counts].fillna(0).astype("float64")
    return facts


def _empty() -> pd.DataFrame:
    columns = [c for c in CUSTOMER_COLUMNS if c not in ("customer_id", "created_at")]
    return pd.DataFrame(columns=[*columns, "tenure_days"], index=pd.Index([], name="customer_id"))


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=["customer_id", *columns])
    return frame.set_index("customer_id")


def _orders(ids: QuerySet[Any], as_of: date) -> pd.DataFrame:
    """RFM over the year before ``as_of`` and the two 90-day halves of the trend."""
    day_90, day_180 = as_of - timedelta(days=90), as_of - timedelta(days=180)
    year = Q(order_date__gte=as_of - timedelta(days=YEAR))
    last, prev = Q(order_date__gte=day_90), Q(order_date__gte=day_180, order_date__lt=day_90)
    orders = (
        all_revenue_orders({"date_to": as_of - timedelta(days=1)})
        .filter(customer__in=ids)
        .values("customer_id")
        .annotate(
            last_order=Max("order_date"),
            orders_365=Count("pk", filter=year),
            revenue_365=Sum("total", filter=year),
            orders_90=Count("pk", filter=last),
            orders_prev_90=Count("pk", filter=prev),
            revenue_90=Sum("total", filter=last),
            revenue_prev_90=Sum("total", filter=prev),
        )
        .values_list(
            "customer_id",
            "last_order",
            "orders_365",
            "revenue_365",
            "orders_90",
            "orders_prev_90",
            "revenue_90",
            "revenue_prev_90",
        )
    )
    columns = [
        "last_order",
        "orders_365",
        "revenue_365",
        "orders_90",
        "orders_prev_90",
        "revenue_90",
        "revenue_prev_90",
    ]
    frame = _frame(orders, columns)
    for column in columns[1:]:
        frame[column] = frame[column].astype("float64")
    last_order = pd.to_datetime(frame.pop("last_order"))
    frame["recency_days"] = (pd.Timestamp(as_of) - last_order).dt.days.astype("float64")
    return frame


def _interactions(ids: QuerySet[Any], moment: datetime) -> pd.DataFrame:
    rows = (
        Interaction.objects.filter(customer__in=ids, occurred_at__lt=moment)
        .values("customer_id")
        .annotate(
            interactions_30=Count("pk", filter=Q(occurred_at__gte=moment - timedelta(days=30))),
            interactions_90=Count("pk", filter=Q(occurred_at__gte=moment - timedelta(days=90))),
            last_contact=Max("occurred_at"),
        )
        .values_list("customer_id", "interactions_30", "interactions_90", "last_contact")
        .order_by()
    )
    frame = _frame(rows, ["interactions_30", "interactions_90", "last_contact"])
    last = pd.to_datetime(frame.pop("last_contact"), utc=True)
    frame["days_since_contact"] = (pd.Timestamp(moment).tz_convert("UTC") - last).dt.days
    return frame.astype("float64")


def _service(ids: QuerySet[Any], moment: datetime) -> pd.DataFrame:
    since = moment - timedelta(days=YEAR)
    requests = (
        ServiceRequest.objects.filter(
            customer__in=ids, created_at__lt=moment, created_at__gte=since
        )
        .values("customer_id")
        .annotate(
            service_requests_365=Count("pk"),
            complaints_365=Count("pk", filter=Q(service_type__code=COMPLAINT)),
        )
        .values_list("customer_id", "service_requests_365", "complaints_365")
        .order_by()
    )
    # Feedback counts from the day it was given: a rating given after the cutoff is unknown.
    feedback = (
        ServiceRound.objects.filter(
            request__customer__in=ids,
            request__deleted_at__isnull=True,
            feedback_at__lt=moment,
            satisfaction__isnull=False,
        )
        .values("request__customer_id")
        .annotate(service_satisfaction=Avg("satisfaction"))
        .values_list("request__customer_id", "service_satisfaction")
        .order_by()
    )
    frame = _frame(requests, ["service_requests_365", "complaints_365"])
    return frame.join(_frame(feedback, ["service_satisfaction"]), how="outer").astype("float64")


def _receivables(ids: QuerySet[Any], moment: datetime, as_of: date) -> pd.DataFrame:
    """What the customer owed at ``moment``: receivables opened before it, less payments
    made before it (a receivable's balance never below zero in sum)."""
    due = (
        Receivable.objects.filter(customer__in=ids, created_at__lt=moment)
        .values("customer_id")
        .annotate(due=Sum("amount_due"))
        .values_list("customer_id", "due")
        .order_by()
    )
    paid = (
        Payment.objects.filter(
            receivable__customer__in=ids,
            receivable__deleted_at__isnull=True,
            receivable__created_at__lt=moment,
            paid_on__lt=as_of,
        )
        .values("receivable__customer_id")
        .annotate(paid=Sum("amount"))
        .values_list("receivable__customer_id", "paid")
        .order_by()
    )
    frame = _frame(due, ["due"]).join(_frame(paid, ["paid"]), how="left").fillna(0)
    balance = (frame["due"].astype("float64") - frame["paid"].astype("float64")).clip(lower=0)
    return pd.DataFrame({"open_receivables": balance})


# -- the outcome ---------------------------------------------------------------------------


def churn_moments(customers: QuerySet[Customer]) -> pd.DataFrame:
    """Every churn of the covered customers: ``customer_id``, ``at`` (aware) — confirmed
    cases (also those won back since) by the day they were closed, and customers whose status
    is churned without such a case by their ``churned_on`` when the field exists, else their
    last change."""
    ids = customers.values("pk")
    cases = ChurnCase.objects.filter(
        customer__in=ids, state__in=CHURNED_STATES, closed_at__isnull=False
    ).values_list("customer_id", "closed_at")
    frame = pd.DataFrame.from_records(list(cases), columns=["customer_id", "at"])
    field = "churned_on" if _has_field(Customer, "churned_on") else "updated_at"
    bare = (
        customers.filter(status=Customer.Status.CHURNED)
        .exclude(pk__in=ChurnCase.objects.filter(state__in=CHURNED_STATES).values("customer_id"))
        .values_list("pk", field)
    )
    extra = pd.DataFrame.from_records(list(bare), columns=["customer_id", "at"])
    if field == "churned_on":
        extra["at"] = extra["at"].map(lambda day: start_of(day) if day else None)
    frame = pd.concat([frame, extra.dropna()], ignore_index=True) if len(extra) else frame
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


def _has_field(model: type[Customer], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def training_labels(
    facts: pd.DataFrame, moments: pd.DataFrame, *, cutoff: date, today: date
) -> tuple[pd.DataFrame, np.ndarray]:
    """The training rows and labels: customers created at least a day before ``cutoff``
    whose churn (if any) did not happen before it — one who churned earlier is left out,
    unless they came back and churned again in the window — label 1 when they churned in
    [cutoff, today]."""
    start = pd.Timestamp(start_of(cutoff)).tz_convert("UTC")
    end = pd.Timestamp(start_of(today + timedelta(days=1))).tz_convert("UTC")
    in_window = moments[(moments["at"] >= start) & (moments["at"] < end)]
    before = moments[moments["at"] < start]
    positive = set(in_window["customer_id"])
    gone = set(before["customer_id"]) - positive
    existed = facts[facts["tenure_days"] > 0]
    keep = existed[~existed.index.isin(list(gone))]
    labels = keep.index.isin(list(positive)).astype(int)
    return keep, labels
