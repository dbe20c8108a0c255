"""API paths of the analytics app: every report's numbers and the KPI dashboard."""

from guanxi.analytics.api.recommendations import urlpatterns as recommendation_urlpatterns
from guanxi.analytics.api.reports import urlpatterns as report_urlpatterns
from guanxi.analytics.api.runs import urlpatterns as run_urlpatterns

urlpatterns = [*report_urlpatterns, *run_urlpatterns, *recommendation_urlpatterns]
