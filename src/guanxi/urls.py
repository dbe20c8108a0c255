"""The project's URLs: each app's pages under its prefix, and every REST endpoint under /api/
(each app wires its own API routes in ``<app>/api/urls.py``)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from guanxi.core.api.views import UnknownEndpointView

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("guanxi.core.api.urls")),
    path("", include("guanxi.accounts.api.urls")),
    path("", include("guanxi.customers.api.urls")),
    path("", include("guanxi.collaboration.api.urls")),
    path("", include("guanxi.sales.api.urls")),
    path("", include("guanxi.service.api.urls")),
    path("", include("guanxi.analytics.api.urls")),
    path("", include("guanxi.evaluation.api.urls")),
    # Only paths with the trailing slash, so APPEND_SLASH still redirects "/api/customers".
    re_path(r"^.*/$", UnknownEndpointView.as_view(), name="api-unknown"),
]

urlpatterns = [
    path("", include("guanxi.core.urls")),
    path("settings/", include("guanxi.analytics.settings_urls")),
    path("accounts/", include("guanxi.accounts.urls")),
    path("customers/", include("guanxi.customers.urls")),
    path("notifications/", include("guanxi.collaboration.urls")),
    path("sales/", include("guanxi.sales.urls")),
    path("service/", include("guanxi.service.urls")),
    path("reports/", include("guanxi.analytics.urls")),
    path("evaluation/", include("guanxi.evaluation.urls")),
    path("api/", include(api_urlpatterns)),
    path("django-admin/", admin.site.urls),
]

handler400 = "guanxi.core.api.errors.bad_request"
handler403 = "guanxi.core.api.errors.permission_denied"
handler404 = "guanxi.core.api.errors.not_found"
handler500 = "guanxi.core.api.errors.server_error"
