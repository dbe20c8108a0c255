"""Product associations 关联规则: mined nightly from every revenue order's lines, stored as
``ProductAssociation`` rows that the recommendations and the report read.

The rules are about products, not customers: they are learnt from the whole company's orders
(every customer, whoever owns it) and are the same for everyone. So only the company's run
(the nightly job, or someone who sees everything) computes and stores them; a run asked for
by anyone else is refused. The stored rules are replaced in one transaction: a reader sees
the previous night's rules or the new ones, never a mix or none.
"""

import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.analytics.intelligence.associations import Mined, Thresholds, mine_pairs
from guanxi.analytics.models import IntelligenceSettings, ModelRun, ProductAssociation
from guanxi.analytics.selectors.reports import NOT_REVENUE, live_customer_q
from guanxi.analytics.services.runs import RunRefused, runner_register
from guanxi.sales.models import OrderLine

CHUNK = 50_000
BATCH = 5_000
# At most this many rules are kept (highest lift first): thresholds set to 0 would otherwise
# store a rule for every pair of products ever bought together.
MAX_RULES = 200_000

_SUPPORT = Decimal("0.000001")
_CONFIDENCE = Decimal("0.000001")
_LIFT = Decimal("0.0001")


def basket_lines() -> QuerySet[OrderLine, tuple[int, int]]:
    """(order id, product id) of every line of an order that counts as revenue (not
    cancelled, not in the recycle bin, of a customer not in the recycle bin), unordered."""
    return (
        OrderLine.objects.filter(order__deleted_at__isnull=True)
        .filter(live_customer_q("order__customer"))
        .exclude(order__status__in=NOT_REVENUE)
        .order_by()
        .values_list("order_id", "product_id")
    )


def read_basket_lines() -> tuple[np.ndarray, np.ndarray]:
    """The lines of :func:`basket_lines` as two arrays (order ids, product ids): one streamed
    query (a server-side cursor on PostgreSQL), flattened straight into numpy."""
    rows = basket_lines().iterator(chunk_size=CHUNK)
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
    pairs = flat.reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def current_thresholds() -> Thresholds:
    settings = IntelligenceSettings.current()
    return Thresholds(
        min_support=float(settings.association_min_support),
        min_confidence=float(settings.association_min_confidence),
        min_lift=float(settings.association_min_lift),
    )


def _quantized(value: float, step: Decimal) -> Decimal:
    return Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)


def associations_replace(*, mined: Mined, computed_at: Any) -> int:
    """Replace every stored rule by ``mined.rules`` (one transaction); returns how many."""
    frame = mined.rules
    with transaction.atomic():
        ProductAssociation.objects.all().delete()
        batch: list[ProductAssociation] = []
        written = 0
        for antecedent, consequent, baskets, support, confidence, lift in zip(
            frame["antecedent"].tolist(),
            frame["consequent"].tolist(),
            frame["baskets"].tolist(),
            frame["support"].tolist(),
            frame["confidence"].tolist(),
            frame["lift"].tolist(),
            strict=True,
        ):
            batch.append(
                ProductAssociation(
                    antecedent_id=antecedent,
                    consequent_id=consequent,
                    baskets=baskets,
                    support=_quantized(support, _SUPPORT),
                    confidence=_quantized(confidence, _CONFIDENCE),
                    lift=_quantized(lift, _LIFT),
                    computed_at=computed_at,
                )
            )
            if len(batch) >= BATCH:
                ProductAssociation.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        if batch:
            ProductAssociation.objects.bulk_create(batch)
            written += len(batch)
    return written


def associations_run(run: ModelRun) -> tuple[dict[str, Any], int]:
    """The runner of ``ModelRun.Kind.ASSOCIATIONS``: mine the rules and store them."""
    if not run.company_wide:
        raise RunRefused(
            _(
                "Product associations are learnt from the whole company's orders: only the "
                "nightly job or someone who sees every customer computes them."
            )
        )
    thresholds = current_thresholds()
    orders, products = read_basket_lines()
    mined = mine_pairs(orders, products, thresholds, max_rules=MAX_RULES)
    computed_at = timezone.now()
    stored = associations_replace(mined=mined, computed_at=computed_at)
    result = {
        "computed_at": computed_at.isoformat(),
        "lines": len(orders),
        "baskets": mined.baskets,
        "products": mined.products,
        "frequent_products": mined.frequent_products,
        "pairs": mined.pairs,
        "rules": stored,
        "truncated": mined.truncated,
        "min_support": thresholds.min_support,
        "min_confidence": thresholds.min_confidence,
        "min_lift": thresholds.min_lift,
    }
    return result, len(orders)


runner_register(ModelRun.Kind.ASSOCIATIONS, associations_run)
