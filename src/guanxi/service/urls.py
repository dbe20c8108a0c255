"""Pages of the service app under /service/."""

from django.urls import path

from guanxi.service import views

app_name = "service"

urlpatterns = [
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
]

# -- intake: the public web form, satisfaction surveys (issue #5) ------------------------------
from guanxi.service import views_intake  # noqa: E402

urlpatterns += [
    path("web-form/", views_intake.service_web_form, name="web_form"),
    path("web-form/thanks/", views_intake.service_web_form_thanks, name="web_form_thanks"),
    path("survey/<str:token>/", views_intake.survey_page, name="survey"),
    path("requests/<int:pk>/survey/", views_intake.survey_send, name="survey_send"),
]
