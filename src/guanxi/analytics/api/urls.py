"""API paths of the analytics app: every report's numbers and the KPI dashboard."""

from django.urls import path

from guanxi.analytics.api.churn import urlpatterns as churn_urlpatterns
from guanxi.analytics.api.clv import urlpatterns as clv_urlpatterns
from guanxi.analytics.api.pivot import PivotView
from guanxi.analytics.api.recommendations import urlpatterns as recommendation_urlpatterns
from guanxi.analytics.api.reports import urlpatterns as report_urlpatterns
from guanxi.analytics.api.rfm import urlpatterns as rfm_urlpatterns
from guanxi.analytics.api.runs import urlpatterns as run_urlpatterns

urlpatterns = [
    # Before the reports' paths (a fixed path, not a registered report).
    path("reports/pivot/", PivotView.as_view(), name="api-report-pivot"),
    *report_urlpatterns,
    *run_urlpatterns,
    *rfm_urlpatterns,
    *churn_urlpatterns,
    *clv_urlpatterns,
    *recommendation_urlpatterns,
]
