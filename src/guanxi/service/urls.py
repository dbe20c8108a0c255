"""Pages of the service app under /service/."""

from django.urls import path

from guanxi.service import views

app_name = "service"

urlpatterns = [
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
]
