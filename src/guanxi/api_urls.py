"""Every REST endpoint under /api/: each app wires its own routes."""

from django.urls import include, path, re_path

from guanxi.core.api.views import UnknownEndpointView

urlpatterns = [
    path("", include("guanxi.core.api.urls")),
    path("", include("guanxi.accounts.api.urls")),
    path("", include("guanxi.customers.api.urls")),
    path("", include("guanxi.collaboration.api.urls")),
    path("", include("guanxi.sales.api.urls")),
    path("", include("guanxi.service.api.urls")),
    path("", include("guanxi.analytics.api.urls")),
    # Only paths with the trailing slash, so APPEND_SLASH still redirects "/api/customers".
    re_path(r"^.*/$", UnknownEndpointView.as_view(), name="api-unknown"),
]
