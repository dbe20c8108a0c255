from django.urls import path

from guanxi.analytics.views import clv as clv_views
from guanxi.analytics.views import pivot as views_pivot
from guanxi.analytics.views import recommendations as views_recommendations
from guanxi.analytics.views import reports as views
from guanxi.analytics.views import rfm as rfm_views
from guanxi.analytics.views.churn_model import churn_model_page

app_name = "analytics"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("kpis/", views.kpi_dashboard, name="kpis"),
    path("plotly.min.js", views.plotly_js, name="plotly_js"),
    path("pivot/", views_pivot.pivot_page, name="pivot"),
    path("pivot/records/", views_pivot.pivot_records, name="pivot_records"),
    path("queries/", views_pivot.saved_queries, name="queries"),
    path("rfm/compute/", rfm_views.rfm_compute_page, name="rfm_compute"),
    path("churn-model/", churn_model_page, name="churn_model"),
    path("clv/fit/", clv_views.clv_fit, name="clv-fit"),
    path(
        "recommendations/products/<int:pk>/",
        views_recommendations.product_also_bought,
        name="product_also_bought",
    ),
    path(
        "recommendations/customers/<int:pk>/",
        views_recommendations.customer_recommendations_view,
        name="customer_recommendations",
    ),
    path(
        "recommendations/customers/",
        views_recommendations.customer_recommendations_view,
        name="quote_recommendations",
    ),
    path("<slug:slug>/", views.report_page, name="report"),
]
