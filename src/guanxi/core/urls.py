from django.urls import path

from guanxi.core.views import access_log, pickers
from guanxi.core.views import pages as views

app_name = "core"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
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
    path("pick/<slug:kind>/", pickers.pick, name="pick"),
    path(
        "recycle-bin/<str:model_label>/<int:pk>/restore/",
        views.recycle_restore,
        name="recycle_restore",
    ),
    path(
        "recycle-bin/<str:model_label>/<int:pk>/purge/", views.recycle_purge, name="recycle_purge"
    ),
]
