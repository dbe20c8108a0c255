"""Every REST endpoint under /api/, with the OpenAPI schema and docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from guanxi.accounts.api import MeView, TeamViewSet, TokenView, UserViewSet
from guanxi.core.api.dictionaries import DictionaryEntryViewSet
from guanxi.core.api.views import UnknownEndpointView
from guanxi.customers.api import ContactViewSet, CustomerViewSet
from guanxi.customers.api_bulk import (
    CustomerBulkReassignView,
    CustomerBulkTagView,
    CustomerExportView,
)

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
    path("customers/bulk-tag/", CustomerBulkTagView.as_view(), name="api-customer-bulk-tag"),
    *router.urls,
    # Only paths with the trailing slash, so APPEND_SLASH still redirects "/api/customers".
    re_path(r"^.*/$", UnknownEndpointView.as_view(), name="api-unknown"),
]

from guanxi.customers import api_vcard  # noqa: E402  (contacts as vCards)

urlpatterns[-1:-1] = api_vcard.urlpatterns  # before the catch-all of unknown paths

from guanxi.customers import api_activity  # noqa: E402  (interactions and documents)

urlpatterns[-1:-1] = api_activity.urlpatterns  # before the catch-all of unknown paths

from guanxi.collaboration import api as collaboration_api  # noqa: E402  (own notifications)
from guanxi.customers import api_timeline  # noqa: E402  (a customer's timeline)

urlpatterns[-1:-1] = api_timeline.urlpatterns + collaboration_api.urlpatterns

from guanxi.customers import api_import  # noqa: E402  (customer import)

urlpatterns[0:0] = api_import.urlpatterns  # first: the router's customers/<id>/ would take them

from guanxi.customers import api_churn, api_merge  # noqa: E402  (churn handling; merging)

urlpatterns[-1:-1] = [*api_churn.urlpatterns, *api_merge.urlpatterns]

from guanxi.customers import api_pool  # noqa: E402  (the customer pool 公海)

urlpatterns[0:0] = api_pool.urlpatterns  # before the router, which would read "pool" as an id

from guanxi.customers import api_search  # noqa: E402  (quick customer search)

urlpatterns[0:0] = api_search.urlpatterns  # before the router, whose customers/<id>/ is a pk

from guanxi.customers import api_completeness  # noqa: E402  (completeness per owner)

urlpatterns[0:0] = api_completeness.urlpatterns  # before the router's customers/<id>/

from guanxi.sales import api_urls as sales_api  # noqa: E402  (the sales app's endpoints)

urlpatterns[-1:-1] = sales_api.urlpatterns  # before the catch-all of unknown paths

from guanxi.service import api as service_api  # noqa: E402  (service requests 客户服务)

urlpatterns[-1:-1] = service_api.urlpatterns  # before the catch-all of unknown paths

from guanxi.service import api_intake  # noqa: E402  (service request surveys and e-mails)

urlpatterns[-1:-1] = api_intake.urlpatterns  # before the catch-all of unknown paths
from guanxi.analytics import api as analytics_api  # noqa: E402  (statistics and reports)

urlpatterns[-1:-1] = analytics_api.urlpatterns  # before the catch-all of unknown paths
