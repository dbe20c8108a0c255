"""Every REST endpoint under /api/, with the OpenAPI schema and docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from guanxi.accounts.api import MeView, TeamViewSet, TokenView, UserViewSet
from guanxi.core.api.dictionaries import DictionaryEntryViewSet
from guanxi.core.api.views import UnknownEndpointView
from guanxi.customers.api import ContactViewSet, CustomerViewSet
from guanxi.customers.api_bulk import CustomerBulkReassignView, CustomerExportView

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("contacts", ContactViewSet, basename="api-contact")
router.register("users", UserViewSet, basename="api-user")
router.register("teams", TeamViewSet, basename="api-team")
router.register("dictionaries", DictionaryEntryViewSet, basename="api-dictionary")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    # Before the router, whose customers/<id>/ would otherwise take these names for ids.
    path("customers/export/", CustomerExportView.as_view(), name="api-customer-export"),
    path(
        "customers/bulk-reassign/",
        CustomerBulkReassignView.as_view(),
        name="api-customer-bulk-reassign",
    ),
    *router.urls,
    # Only paths with the trailing slash, so APPEND_SLASH still redirects "/api/customers".
    re_path(r"^.*/$", UnknownEndpointView.as_view(), name="api-unknown"),
]

from guanxi.customers import api_vcard  # noqa: E402  (contacts as vCards)

urlpatterns[-1:-1] = api_vcard.urlpatterns  # before the catch-all of unknown paths
