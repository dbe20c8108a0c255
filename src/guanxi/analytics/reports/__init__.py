"""One module per report; importing this package registers them all, listed in MENU order."""

from guanxi.analytics.reports import (  # noqa: F401
    churn,
    clv,
    customer_composition,
    customer_contribution,
    customer_pyramid,
    employee_performance,
    forecast,
    product_associations,
    purchase_cycle,
    rfm,
    sales_trend,
    service_composition,
)

MENU = (
    "customer-contribution",
    "customer-composition",
    "service-composition",
    "churn",
    "sales-trend",
    "employee-performance",
    "customer-pyramid",
    "rfm",
    "purchase-cycle",
    "clv",
    "product-associations",
    "forecast",
)
