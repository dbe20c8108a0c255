"""Product recommendations 产品推荐 read from the stored association rules (``ProductAssociation``,
mined nightly by ``services.associations``).

- :func:`also_bought`: "customers who bought X also bought Y": the rules X → Y, strongest lift
  first (then confidence).
- :func:`customer_recommendations`: "recommended for this customer": every active product
  the customer has not bought that a rule leads to from a product they have bought. Its score
  is the strongest such rule's confidence × lift (the chance the customer's purchases make it
  likely, weighted by how much likelier than average): the maximum, not the sum, so that
  many similar products bought together do not count one signal several times. The rules
  behind each recommendation are listed with it.

Rules are company-wide figures about products (no customer in them); whoever holds the
reports' right reads them. A customer is read within the reader's scope: one they may not see
raises ``Customer.DoesNotExist`` (a 404).
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, Q, QuerySet

from guanxi.accounts.models import User
from guanxi.analytics import rules
from guanxi.analytics.models import ModelRun, ProductAssociation
from guanxi.analytics.selectors.reports import NOT_REVENUE
from guanxi.analytics.selectors.runs import company_run_latest
from guanxi.core.scoping import scope_queryset
from guanxi.customers.models import Customer
from guanxi.sales.models import OrderLine, Product

LIMIT = 10
# Rules shown behind one recommendation.
REASONS = 3


@dataclass(frozen=True)
class Reason:
    """A rule behind a recommendation: the customer bought ``product`` (the antecedent)."""

    product_id: int
    product_name: str
    support: Decimal
    confidence: Decimal
    lift: Decimal
    baskets: int


@dataclass(frozen=True)
class Recommendation:
    product: Product
    score: Decimal
    reasons: list[Reason] = field(default_factory=list)


def may_read(actor: User) -> bool:
    return bool(actor.is_active and actor.has_perm(rules.VIEW_REPORTS))


def association_list(*, actor: User) -> QuerySet[ProductAssociation]:
    """Every stored rule between products not in the recycle bin (none without the right)."""
    found = ProductAssociation.objects.filter(
        antecedent__deleted_at__isnull=True, consequent__deleted_at__isnull=True
    )
    return found if may_read(actor) else found.none()


def associations_as_of() -> datetime | None:
    """When the stored rules were computed (the company's latest successful run)."""
    run = company_run_latest(kind=ModelRun.Kind.ASSOCIATIONS)
    return run.finished_at if run is not None else None


def also_bought(*, actor: User, product: Product | int, limit: int = LIMIT) -> list[Any]:
    """The rules "bought ``product`` → also bought Y" with active products Y, strongest
    first, each with its consequent (and its category) read in the same query."""
    found = (
        association_list(actor=actor)
        .filter(antecedent=product, consequent__is_active=True)
        .select_related("consequent", "consequent__category")
        .order_by("-lift", "-confidence", "consequent__name", "consequent_id")
    )
    return list(found[:limit])


def bought_products(customer: Customer | int) -> QuerySet[OrderLine, Any]:
    """The products on the customer's orders that count as purchases (not cancelled, not in
    the recycle bin), as a subquery of product ids."""
    return (
        OrderLine.objects.filter(order__customer=customer, order__deleted_at__isnull=True)
        .exclude(order__status__in=NOT_REVENUE)
        .order_by()
        .values("product_id")
    )


def recommendation_customer(*, actor: User, pk: Any) -> Customer:
    """The customer, if ``actor`` may see it and read recommendations (else DoesNotExist)."""
    customers = scope_queryset(Customer.objects.only("pk", "name", "code", "owner_id"), actor)
    if not may_read(actor):
        customers = customers.none()
    return customers.get(pk=pk)


def customer_recommendations(
    *, actor: User, customer: Customer | int, limit: int = LIMIT
) -> list[Recommendation]:
    """Products recommended for ``customer`` (already checked to be in scope by
    :func:`recommendation_customer`), best score first: two queries whatever the history."""
    bought = bought_products(customer)
    candidates = (
        association_list(actor=actor)
        .filter(antecedent__in=bought, consequent__is_active=True)
        .exclude(consequent__in=bought)
    )
    scored = list(
        candidates.values("consequent_id")
        .annotate(score=Max(F("confidence") * F("lift")))
        .order_by("-score", "consequent_id")[:limit]
    )
    if not scored:
        return []
    chosen = [row["consequent_id"] for row in scored]
    behind = (
        candidates.filter(consequent__in=chosen)
        .select_related("antecedent", "consequent", "consequent__category")
        .order_by("consequent_id", (F("confidence") * F("lift")).desc(), "antecedent_id")
    )
    products: dict[int, Product] = {}
    reasons: dict[int, list[Reason]] = {}
    for rule in behind:
        products[rule.consequent_id] = rule.consequent
        listed = reasons.setdefault(rule.consequent_id, [])
        if len(listed) < REASONS:
            listed.append(
                Reason(
                    product_id=rule.antecedent_id,
                    product_name=str(rule.antecedent),
                    support=rule.support,
                    confidence=rule.confidence,
                    lift=rule.lift,
                    baskets=rule.baskets,
                )
            )
    return [
        Recommendation(
            product=products[row["consequent_id"]],
            score=Decimal(row["score"]).quantize(Decimal("0.0001")),
            reasons=reasons[row["consequent_id"]],
        )
        for row in scored
        if row["consequent_id"] in products
    ]


def category_condition(category: Any) -> Q:
    """Rules whose either product is of ``category`` (the report's filter)."""
    return Q(antecedent__category=category) | Q(consequent__category=category)
