"""API paths of the accounts app: sign-in tokens, the current user, users and teams."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from guanxi.accounts.api.users import (
    ApiTokenViewSet,
    MeView,
    TeamViewSet,
    TokenView,
    UserViewSet,
)

router = SimpleRouter()
router.register("users", UserViewSet, basename="api-user")
router.register("teams", TeamViewSet, basename="api-team")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token-record")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
