from django.urls import path

from guanxi.analytics.views import clv as clv_views
from guanxi.analytics.views import reports as views

app_name = "analytics"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("kpis/", views.kpi_dashboard, name="kpis"),
    path("plotly.min.js", views.plotly_js, name="plotly_js"),
    path("clv/fit/", clv_views.clv_fit, name="clv-fit"),
    path("<slug:slug>/", views.report_page, name="report"),
]
