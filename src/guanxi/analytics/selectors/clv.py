"""The CLV report's aggregates over a set of stored scores: totals, the distribution of the
12-month value over bins, and the sums per customer level and per account manager.

Over every customer (the company's figures) these are three scans of half a million score
rows joined to their customers — seconds at 1,000,000 customers — so the company's weekly run
computes them once when it writes the scores (``services.clv``, ``result["company_summary"]``)
and the report reads them from there; a scoped or filtered reader's are computed live.
The values are JSON-safe (money as text) so the run can store them.
"""

from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum

from guanxi.analytics.models import CustomerScore
from guanxi.analytics.selectors.reports import live_customer_q

CENT = Decimal("0.01")
# Bin edges: 0, 100, 200, 500, 1,000, 2,000, 5,000 … up to the largest value.
_STEPS = (1, 2, 5)


def _text(value: Any) -> str | None:
    return None if value is None else str(Decimal(value).quantize(CENT))


def bin_edges(largest: Decimal) -> list[Decimal]:
    """0 and the 1-2-5 steps up to the first edge above ``largest``."""
    edges = [Decimal(0)]
    scale = Decimal(100)
    while True:
        for step in _STEPS:
            edge = scale * step
            edges.append(edge)
            if edge > largest:
                return edges
        scale *= 10


def _distribution(scores: QuerySet[CustomerScore], largest: Decimal) -> list[dict[str, Any]]:
    edges = bin_edges(largest)
    bins = list(zip(edges, edges[1:], strict=False))
    counts = scores.aggregate(
        **{
            f"bin{i}": Count("pk", filter=Q(clv_12m__gte=low, clv_12m__lt=high))
            for i, (low, high) in enumerate(bins)
        }
    )
    return [
        {"low": str(low), "high": str(high), "customers": counts[f"bin{i}"]}
        for i, (low, high) in enumerate(bins)
    ]


def _groups(scores: QuerySet[CustomerScore], field: str) -> list[dict[str, Any]]:
    rows = (
        scores.order_by()
        .values(field)
        .annotate(customers=Count("pk"), clv_sum=Sum("clv_12m"), clv_avg=Avg("clv_12m"))
        .order_by("-clv_sum")
    )
    return [
        {
            "key": row[field],
            "customers": row["customers"],
            "clv_sum": _text(row["clv_sum"] or 0),
            "clv_avg": _text(row["clv_avg"] or 0),
        }
        for row in rows
    ]


def clv_summary(scores: QuerySet[CustomerScore]) -> dict[str, Any]:
    """Totals, distribution and groups of ``scores`` (rows with a CLV), JSON-safe."""
    figures = scores.aggregate(
        customers=Count("pk"),
        clv_sum=Sum("clv_12m"),
        clv_avg=Avg("clv_12m"),
        expected_orders=Sum("expected_orders_12m"),
        p_alive_avg=Avg("p_alive"),
        largest=Max("clv_12m"),
    )
    p_alive = figures["p_alive_avg"]
    return {
        "customers": figures["customers"],
        "clv_sum": _text(figures["clv_sum"] or 0),
        "clv_avg": _text(figures["clv_avg"]) if figures["customers"] else None,
        "expected_orders": _text(figures["expected_orders"] or 0),
        "p_alive_avg": _text(Decimal(p_alive) * 100) if p_alive is not None else None,
        "distribution": _distribution(scores, figures["largest"] or Decimal(0)),
        "by_level": _groups(scores, "customer__level_id"),
        "by_owner": _groups(scores, "customer__owner_id"),
    }


def company_clv_scores() -> QuerySet[CustomerScore]:
    """Every live customer's stored CLV (no join for the recycle bin: ``live_customer_q``)."""
    return CustomerScore.objects.order_by().filter(clv_12m__isnull=False).filter(live_customer_q())
