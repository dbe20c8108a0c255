"""API paths of the collaboration app: the caller's own notifications."""

from guanxi.collaboration.api.notifications import urlpatterns as notification_urlpatterns

urlpatterns = [*notification_urlpatterns]
