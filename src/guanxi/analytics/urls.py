from django.urls import path

from guanxi.analytics.views import reports as views
from guanxi.analytics.views.churn_model import churn_model_page

app_name = "analytics"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("kpis/", views.kpi_dashboard, name="kpis"),
    path("plotly.min.js", views.plotly_js, name="plotly_js"),
    path("churn-model/", churn_model_page, name="churn_model"),
    path("<slug:slug>/", views.report_page, name="report"),
]
