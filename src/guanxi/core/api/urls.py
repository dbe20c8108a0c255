"""API paths of the core app: the dictionaries, the access log, the global search, the OpenAPI
schema and its interactive docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from guanxi.core.api.access_log import AccessLogViewSet
from guanxi.core.api.dictionaries import DictionaryEntryViewSet
from guanxi.core.api.import_profiles import ImportProfileViewSet
from guanxi.core.api.imports import import_api_urlpatterns
from guanxi.core.api.list_views import SavedListViewViewSet
from guanxi.core.api.search import GlobalSearchView

router = SimpleRouter()
router.register("dictionaries", DictionaryEntryViewSet, basename="api-dictionary")
router.register("audit/access", AccessLogViewSet, basename="api-access-log")
router.register("list-views", SavedListViewViewSet, basename="api-list-view")
router.register("import-profiles", ImportProfileViewSet, basename="api-import-profile")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("search/", GlobalSearchView.as_view(), name="api-search"),
    # Before the apps' routers: "contacts/import/" is an import, not the contact "import".
    *import_api_urlpatterns(),
    *router.urls,
]
