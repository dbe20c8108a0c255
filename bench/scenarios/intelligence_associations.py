"""Product associations 关联规则: the nightly mining of every order's lines, and the pages and
API that read the stored rules (the report, a customer's recommendations, a product's
"also bought")."""

from functools import cache

from bench.scenarios import http, python


@python(
    "intelligence.associations.nightly",
    user="exec",
    about="the nightly job: read every revenue order line, mine the pairs, replace the rules",
)
def _nightly(ctx, user):
    from guanxi.analytics.tasks import refresh_product_associations

    assert refresh_product_associations.call() == "done"


@cache
def _rules_computed() -> int:
    """A product with rules (the job run once first when the company has none yet)."""
    from guanxi.analytics.models import ModelRun, ProductAssociation
    from guanxi.analytics.selectors.runs import company_run_latest
    from guanxi.analytics.tasks import refresh_product_associations

    if company_run_latest(kind=ModelRun.Kind.ASSOCIATIONS) is None:
        refresh_product_associations.call()
    first = ProductAssociation.objects.order_by("-lift").first()
    return first.antecedent_id if first is not None else 1


@http(
    "intelligence.associations.report.exec",
    user="exec",
    about="GET /reports/product-associations/ (stored rules)",
)
def _report(ctx) -> str:
    _rules_computed()
    return "/reports/product-associations/"


@http(
    "intelligence.associations.api_recommendations.manager1",
    user="manager1",
    about="GET /api/analytics/recommendations/?customer=…",
)
def _api(ctx) -> str:
    _rules_computed()
    return f"/api/analytics/recommendations/?customer={ctx.visible_customer_id('manager1')}"


@http(
    "intelligence.associations.customer_fragment.manager1",
    user="manager1",
    about="the 360 page's recommended products (htmx fragment)",
)
def _customer_fragment(ctx) -> str:
    _rules_computed()
    return f"/reports/recommendations/customers/{ctx.visible_customer_id('manager1')}/"


@http(
    "intelligence.associations.product_fragment.manager1",
    user="manager1",
    about="a product page's also-bought (htmx fragment)",
)
def _product_fragment(ctx) -> str:
    return f"/reports/recommendations/products/{_rules_computed()}/"
