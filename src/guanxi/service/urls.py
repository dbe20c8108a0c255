"""Pages of the service app under /service/."""

from django.urls import path

from guanxi.service import views

app_name = "service"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/delete/", views.request_delete, name="request_delete"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request_assign"),
    path("requests/<int:pk>/handle/", views.request_handle, name="request_handle"),
    path("requests/<int:pk>/feedback/", views.request_feedback, name="request_feedback"),
    path("sla/", views.sla_settings, name="sla_settings"),
]

# -- intake and surveys (another block) --
