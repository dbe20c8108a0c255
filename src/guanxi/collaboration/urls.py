from django.urls import path

from guanxi.collaboration.views import notifications as views

app_name = "collaboration"
urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notifications"),
    path("<int:pk>/read/", views.notification_read, name="notification_read"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path(
        "preferences/",
        views.NotificationPreferencesView.as_view(),
        name="notification_preferences",
    ),
]
