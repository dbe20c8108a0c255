"""API paths of the analytics app: every report's numbers and the KPI dashboard."""

from guanxi.analytics.api.reports import urlpatterns as report_urlpatterns

urlpatterns = [*report_urlpatterns]
