"""REST endpoints of the service intake, beside ``/api/service-requests/``:

* ``POST /api/service-requests/{id}/survey/`` e-mails the satisfaction survey 满意度调查 of a
  handled request to its requester (201 with the survey); a request not handled, or without
  an e-mail address, answers 422; a mail server failure 503 (nothing recorded);
* ``GET /api/service-requests/{id}/surveys/`` lists its surveys and their answers;
* ``GET /api/service-requests/{id}/messages/`` lists its e-mail thread, oldest first.

The request must be in the caller's scope (404 otherwise); sending needs the right to change
service requests, reading the right to view them (403 otherwise).
"""

from collections.abc import Sequence
from typing import Any

from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.accounts.models import User
from guanxi.core.api.errors import error_body
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.views.generic import object_or_404
from guanxi.service import rules, surveys
from guanxi.service.intake import MailNotSent
from guanxi.service.models import SatisfactionSurvey, ServiceMessage, ServiceRequest
from guanxi.service.selectors import requests as selectors
from guanxi.service.selectors.intake import service_message_list, survey_list

TAGS = ["service-requests"]
ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The service request's id."
)
READ_ERRORS = {
    403: OpenApiResponse(ErrorSerializer, description="No right to view service requests."),
    404: OpenApiResponse(ErrorSerializer, description="Not in the caller's scope."),
}


def _service_request(request: Request, pk: str) -> ServiceRequest:
    """The request in the caller's scope; an id that is not one (malformed, overflowing) or
    one out of scope is a 404, as on the pages (``object_or_404``; the API answers NotFound)."""
    return object_or_404(  # type: ignore[return-value]
        selectors.service_request_get,
        actor=request.user,
        pk=int(pk) if pk.isascii() and pk.isdigit() else pk,
    )


class ServiceMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceMessage
        fields = [
            "id",
            "direction",
            "sender",
            "recipients",
            "subject",
            "body",
            "message_id",
            "received_at",
        ]
        read_only_fields = fields


class SatisfactionSurveySerializer(serializers.ModelSerializer):
    sent_by: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    state = serializers.SerializerMethodField(
        help_text="open, answered, expired, or closed (the request no longer waits for it)."
    )

    class Meta:
        model = SatisfactionSurvey
        fields = [
            "id",
            "email",
            "sent_by",
            "sent_at",
            "expires_at",
            "answered_at",
            "satisfaction",
            "comment",
            "state",
        ]
        read_only_fields = fields

    def get_state(self, survey: SatisfactionSurvey) -> str:
        return surveys.survey_state(survey)


class _IntakeView(UserLanguageMixin):
    model = ServiceRequest  # RoleRights: GET needs view_servicerequest
    permission_classes: Sequence[Any] = [IsAuthenticated, RoleRights]
    write_permission = rules.CHANGE_SERVICEREQUEST
    filter_backends: Sequence[Any] = []


class ServiceRequestSurveySendView(_IntakeView, APIView):
    """E-mail the satisfaction survey of a handled request (a one-time link)."""

    @extend_schema(
        operation_id="service_requests_survey_send",
        summary="E-mail the satisfaction survey of a handled request",
        description="Sends a one-time link (valid GUANXI_SURVEY_DAYS days) to the request's "
        "contact, requester or customer; an earlier unanswered link of the request stops "
        "working. The answer is recorded as the request's feedback (3 or more archives it).",
        tags=TAGS,
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            201: SatisfactionSurveySerializer,
            403: OpenApiResponse(ErrorSerializer, description="No right to change requests."),
            404: READ_ERRORS[404],
            422: OpenApiResponse(
                ErrorSerializer, description="Not handled, or no e-mail address to write to."
            ),
            503: OpenApiResponse(
                ErrorSerializer, description="The mail server failed; nothing was recorded."
            ),
        },
    )
    def post(self, request, pk):
        service_request = _service_request(request, pk)
        try:
            survey = surveys.survey_send(actor=request.user, service_request=service_request)
        except MailNotSent:
            message = _("The survey could not be sent: the mail server did not accept it.")
            return Response(
                error_body("mail_not_sent", message), status=status.HTTP_503_SERVICE_UNAVAILABLE
            )
        return Response(SatisfactionSurveySerializer(survey).data, status=status.HTTP_201_CREATED)


class ServiceRequestSurveyListView(_IntakeView, generics.ListAPIView):
    """The request's satisfaction surveys, newest first, with their answers."""

    serializer_class = SatisfactionSurveySerializer

    def get_queryset(self):
        service_request = _service_request(self.request, self.kwargs["pk"])
        return survey_list(actor=self.request.user, service_request=service_request)

    @extend_schema(
        operation_id="service_requests_surveys_list",
        summary="The satisfaction surveys of a request and their answers",
        tags=TAGS,
        parameters=[ID_PARAMETER],
        responses={200: SatisfactionSurveySerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ServiceRequestMessageListView(_IntakeView, generics.ListAPIView):
    """The request's e-mail thread: what came in and what was sent, oldest first."""

    serializer_class = ServiceMessageSerializer

    def get_queryset(self):
        service_request = _service_request(self.request, self.kwargs["pk"])
        return service_message_list(actor=self.request.user, service_request=service_request)

    @extend_schema(
        operation_id="service_requests_messages_list",
        summary="The e-mail thread of a service request",
        tags=TAGS,
        parameters=[ID_PARAMETER],
        responses={200: ServiceMessageSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


urlpatterns = [
    re_path(
        r"^service-requests/(?P<pk>[^/]+)/survey/$",
        ServiceRequestSurveySendView.as_view(),
        name="api-service-request-survey",
    ),
    re_path(
        r"^service-requests/(?P<pk>[^/]+)/surveys/$",
        ServiceRequestSurveyListView.as_view(),
        name="api-service-request-surveys",
    ),
    re_path(
        r"^service-requests/(?P<pk>[^/]+)/messages/$",
        ServiceRequestMessageListView.as_view(),
        name="api-service-request-messages",
    ),
]
