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

from django.db.models import Count, Max, Q, QuerySet, Sum

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


LEVEL, OWNER = "customer__level_id", "customer__owner_id"


def _bins(edges: list[Decimal]) -> list[tuple[Decimal, Decimal]]:
    return list(zip(edges, edges[1:], strict=False))


def _group_rows(scores: QuerySet[CustomerScore], ceiling: Decimal) -> list[dict[str, Any]]:
    """One pass over ``scores``: per (customer level, account manager), the counts and sums
    every figure of the summary is made of, and the customers per bin of the edges up to
    ``ceiling``."""
    counts = {
        f"bin{i}": Count("pk", filter=Q(clv_12m__gte=low, clv_12m__lt=high))
        for i, (low, high) in enumerate(_bins(bin_edges(ceiling)))
    }
    return list(
        scores.order_by()
        .values(LEVEL, OWNER)
        .annotate(
            customers=Count("pk"),
            valued=Count("clv_12m"),
            clv_sum=Sum("clv_12m"),
            expected_orders=Sum("expected_orders_12m"),
            p_alive_sum=Sum("p_alive"),
            p_alive_count=Count("p_alive"),
            largest=Max("clv_12m"),
            **counts,
        )
    )


def _add(rows: list[dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: sum((row[name] or 0 for row in rows), 0) for name in names}


def _groups(rows: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """The customers, sum and average per value of ``field``, largest sum first."""
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row[field], []).append(row)
    groups = []
    for key, members in grouped.items():
        totals = _add(members, ("customers", "valued", "clv_sum"))
        average = totals["clv_sum"] / totals["valued"] if totals["valued"] else 0
        groups.append(
            {
                "key": key,
                "customers": totals["customers"],
                "clv_sum": _text(totals["clv_sum"]),
                "clv_avg": _text(average),
            }
        )
    groups.sort(key=lambda group: (-Decimal(group["clv_sum"]), str(group["key"])))
    return groups


def clv_summary(
    scores: QuerySet[CustomerScore], *, ceiling: Decimal | None = None
) -> dict[str, Any]:
    """Totals, distribution and groups of ``scores`` (rows with a CLV), JSON-safe.

    One grouped query gives every figure (a scoped reader's scores were read four times
    before: half a second at 1,000,000 customers). The bins need an upper edge first:
    ``ceiling``, any value at least the largest CLV (the company's, from its run), saves
    the query that finds it; the distribution stops at the first bin above the largest.
    """
    if ceiling is None:
        ceiling = scores.aggregate(largest=Max("clv_12m"))["largest"] or Decimal(0)
    rows = _group_rows(scores, Decimal(ceiling))
    names = ("customers", "valued", "clv_sum", "expected_orders", "p_alive_sum", "p_alive_count")
    totals = _add(rows, names)
    largest = max((row["largest"] for row in rows if row["largest"] is not None), default=0)
    edges = bin_edges(Decimal(largest))
    distribution = [
        {
            "low": str(low),
            "high": str(high),
            "customers": sum(row[f"bin{i}"] for row in rows),
        }
        for i, (low, high) in enumerate(_bins(edges))
    ]
    p_alive = totals["p_alive_sum"] / totals["p_alive_count"] if totals["p_alive_count"] else None
    return {
        "customers": totals["customers"],
        "clv_sum": _text(totals["clv_sum"]),
        "clv_avg": _text(totals["clv_sum"] / totals["valued"]) if totals["valued"] else None,
        "expected_orders": _text(totals["expected_orders"]),
        "p_alive_avg": _text(Decimal(p_alive) * 100) if p_alive is not None else None,
        "distribution": distribution,
        "by_level": _groups(rows, LEVEL),
        "by_owner": _groups(rows, OWNER),
    }


def summary_ceiling(summary: dict[str, Any]) -> Decimal | None:
    """The upper edge of a stored summary's distribution (at least its largest CLV)."""
    bins = summary.get("distribution") or []
    return Decimal(bins[-1]["high"]) if bins else None


def company_clv_scores() -> QuerySet[CustomerScore]:
    """Every live customer's stored CLV (no join for the recycle bin: ``live_customer_q``)."""
    return CustomerScore.objects.order_by().filter(clv_12m__isnull=False).filter(live_customer_q())
