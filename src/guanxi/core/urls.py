from django.urls import path

from guanxi.core.views import access_log, company, divisions, list_views, pickers, settings
from guanxi.core.views import pages as views
from guanxi.core.views.search import global_search_page

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("settings/", settings.settings_hub, name="settings"),
    path("dictionaries/", views.DictionaryListView.as_view(), name="dictionary_list"),
    path("dictionaries/new/", views.DictionaryCreateView.as_view(), name="dictionary_create"),
    path("dictionaries/<int:pk>/edit/", views.dictionary_edit, name="dictionary_edit"),
    path(
        "dictionaries/<int:pk>/deactivate/",
        views.dictionary_deactivate,
        name="dictionary_deactivate",
    ),
    path("recycle-bin/", views.RecycleBinView.as_view(), name="recycle_bin"),
    path("access-log/", access_log.access_log_list, name="access_log"),
    path("settings/company/", company.company_profile, name="company_profile"),
    path("settings/company/<str:kind>/", company.company_image, name="company_image"),
    path("search/", global_search_page, name="search"),
    path("list-views/save/", list_views.list_view_save, name="list_view_save"),
    path("list-views/<int:pk>/share/", list_views.list_view_share, name="list_view_share"),
    path("list-views/<int:pk>/delete/", list_views.list_view_delete, name="list_view_delete"),
    path("pick/<slug:kind>/", pickers.pick, name="pick"),
    path("divisions/options/", divisions.division_options, name="division_options"),
    path("settings/sales-regions/", divisions.province_regions, name="province_regions"),
    path(
        "recycle-bin/<str:model_label>/<int:pk>/restore/",
        views.recycle_restore,
        name="recycle_restore",
    ),
    path(
        "recycle-bin/<str:model_label>/<int:pk>/purge/", views.recycle_purge, name="recycle_purge"
    ),
]
