"""Pages of the service app under /service/."""

from django.urls import path

from guanxi.core.views.imports import import_urlpatterns
from guanxi.service.views import inline as views_inline
from guanxi.service.views import intake as views_intake
from guanxi.service.views import requests as views
from guanxi.service.views import sla as views_sla

app_name = "service"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path(
        "requests/<int:pk>/inline/service-type/",
        views_inline.service_type_inline,
        name="inline_service_type",
    ),
    path("requests/<int:pk>/delete/", views.request_delete, name="request_delete"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/handle/", views.request_handle, name="request_handle"),
    path("requests/<int:pk>/feedback/", views.request_feedback, name="request_feedback"),
    path("sla/", views_sla.sla_settings, name="sla_settings"),
    # Service request import 服务请求导入 (the import framework's shared pages).
    *import_urlpatterns("service-requests", "requests/import/"),
]

# The intake: the public web form and satisfaction surveys.

urlpatterns += [
    path("web-form/", views_intake.service_web_form, name="web_form"),
    path("web-form/thanks/", views_intake.service_web_form_thanks, name="web_form_thanks"),
    path("survey/<str:token>/", views_intake.survey_page, name="survey"),
    path("requests/<int:pk>/survey/", views_intake.survey_send, name="survey_send"),
]
