"""The analytics app's settings pages, under ``/settings/`` beside the other settings."""

from django.urls import path

from guanxi.analytics.views.intelligence_settings import intelligence_settings_page

app_name = "analytics_settings"
urlpatterns = [path("intelligence/", intelligence_settings_page, name="intelligence")]
