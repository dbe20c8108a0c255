"""REST endpoints for the caller's own notifications.

``GET /api/notifications/`` lists them newest first (``?unread=true`` for unread only), worded
in the caller's language; ``POST /api/notifications/read/`` marks some (``ids``) or all
(``all: true``) read. Nobody reads or marks anyone else's notifications: ids of others are
simply not counted.

``GET /api/notification-preferences/`` lists every kind with how the caller receives it;
``PUT /api/notification-preferences/<kind>/`` (``{"channel": "in_app" | "email" | "off"}``)
changes one.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.collaboration.models import Notification, NotificationPreference
from guanxi.collaboration.selectors import notifications as selectors
from guanxi.collaboration.services import notifications as services
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import MAX_ID


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text="Worded in the caller's language.")
    body = serializers.CharField(read_only=True, help_text="Worded in the caller's language.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
        read_only_fields = fields


class NotificationPreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    name = serializers.CharField(source="label", read_only=True)
    channel = serializers.ChoiceField(choices=NotificationPreference.Channel.choices)


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False)


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="The notifications to mark read.",
    )
    all = serializers.BooleanField(
        required=False, default=False, help_text="Mark every unread notification read."
    )

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("ids"):
            raise serializers.ValidationError(
                {"ids": [_("Give the ids of the notifications to mark read, or all: true.")]}
            )
        return attrs


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")
    unread = serializers.IntegerField(help_text="How many unread notifications remain.")


class NotificationListView(UserLanguageMixin, generics.ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        query = NotificationListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.notification_list(
            actor=self.request.user, unread_only=query.validated_data["unread"]
        )

    @extend_schema(
        operation_id="notifications_list",
        summary="The caller's notifications",
        tags=["notifications"],
        parameters=[
            OpenApiParameter("unread", bool, description="Only unread notifications."),
        ],
        responses={
            200: NotificationSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="Bad `unread`."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(UserLanguageMixin, APIView):
    """Mark the caller's notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notifications_mark_read",
        summary="Mark notifications read",
        tags=["notifications"],
        request=NotificationReadSerializer,
        responses={
            200: NotificationReadResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Neither `ids` nor `all` given."),
        },
    )
    def post(self, request):
        serializer = NotificationReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        marked = services.notifications_mark_read(
            recipient=request.user, ids=None if data["all"] else data["ids"]
        )
        unread = selectors.notification_unread_count(actor=request.user)
        return Response(NotificationReadResultSerializer({"marked": marked, "unread": unread}).data)


class NotificationPreferenceListView(UserLanguageMixin, APIView):
    """Every kind of notification and how the caller receives it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notification_preferences_list",
        summary="The caller's notification preferences",
        tags=["notifications"],
        responses={200: NotificationPreferenceSerializer(many=True)},
    )
    def get(self, request):
        rows = selectors.notification_preference_list(actor=request.user)
        return Response(NotificationPreferenceSerializer(rows, many=True).data)


class NotificationPreferenceView(UserLanguageMixin, APIView):
    """Choose how the caller receives one kind: in the app, by e-mail, or not at all."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="notification_preferences_update",
        summary="Change how one kind of notification reaches the caller",
        tags=["notifications"],
        request=NotificationPreferenceSerializer,
        responses={
            200: NotificationPreferenceSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Unknown kind or channel."),
        },
    )
    def put(self, request, kind: str):
        serializer = NotificationPreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.notification_preference_set(
            actor=request.user, kind=kind, channel=serializer.validated_data["channel"]
        )
        row = next(
            row
            for row in selectors.notification_preference_list(actor=request.user)
            if row.kind == kind
        )
        return Response(NotificationPreferenceSerializer(row).data)


urlpatterns = [
    path("notifications/", NotificationListView.as_view(), name="api-notifications"),
    path("notifications/read/", NotificationReadView.as_view(), name="api-notifications-read"),
    path(
        "notification-preferences/",
        NotificationPreferenceListView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notification-preferences/<str:kind>/",
        NotificationPreferenceView.as_view(),
        name="api-notification-preference",
    ),
]
