from django.urls import path

from guanxi.analytics.views import recommendations as views_recommendations
from guanxi.analytics.views import reports as views

app_name = "analytics"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("kpis/", views.kpi_dashboard, name="kpis"),
    path("plotly.min.js", views.plotly_js, name="plotly_js"),
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
