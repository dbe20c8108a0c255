"""REST endpoints of service requests 客户服务.

``/api/service-requests/`` lists (filters ``status``, ``service_type``, ``channel``,
``assigned_to``, ``customer``, ``overdue``, ``search``), creates, reads, updates (new or
assigned requests) and deletes (new ones) within the caller's scope. ``status`` is read-only:
the flow moves it, through actions that call the same services as the pages:

* ``POST /api/service-requests/{id}/assign/`` ``{"assigned_to": <user id>}`` (supervisors);
* ``POST /api/service-requests/{id}/handle/`` ``{"handling": "..."}`` (the assignee);
* ``POST /api/service-requests/{id}/feedback/`` ``{"result": "...", "satisfaction": 1–5}``:
  3 or more archives the request, below 3 sends it back to the assignee;
* ``GET /api/service-requests/{id}/history/``: the handling rounds in order.

No right → 403, outside the scope → 404, bad input → 400 naming the field, a transition the
status does not allow → 422, a stale ``version`` → 409 (If-Match → 412).
"""

from typing import Any, cast

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from guanxi.accounts.models import User
from guanxi.core.api.concurrency import check_if_match
from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer, VersionField
from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.api.activity import ScopedContactField
from guanxi.customers.api.customers import ScopedCustomerField
from guanxi.service import rules, sla
from guanxi.service.models import ServiceRequest, ServiceRound
from guanxi.service.selectors import requests as selectors
from guanxi.service.services import feedback as services_feedback
from guanxi.service.services import handling as services_handling
from guanxi.service.services import requests as services
from guanxi.service.services.flow import MAX_TEXT_LENGTH

# --- serializers ------------------------------------------------------------------------------


class SlaMeasureSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["running", "overdue", "met", "missed"],
        help_text="running / overdue while not done; met / missed once done.",
    )
    target_hours = serializers.FloatField(allow_null=True, help_text="Hours promised.")
    elapsed_hours = serializers.FloatField(help_text="Hours taken, or taken so far.")
    due_at = serializers.DateTimeField(allow_null=True)
    done_at = serializers.DateTimeField(allow_null=True)


class SlaSerializer(serializers.Serializer):
    overdue = serializers.BooleanField(help_text="Open and past a due time.")
    first_response = SlaMeasureSerializer()
    resolution = SlaMeasureSerializer()


def _hours(duration) -> float | None:
    return round(duration.total_seconds() / 3600, 2) if duration is not None else None


def _measure(measure: sla.Measure) -> dict:
    return {
        "state": measure.state,
        "target_hours": _hours(measure.target),
        "elapsed_hours": _hours(measure.elapsed),
        "due_at": measure.due_at,
        "done_at": measure.done_at,
    }


class ServiceRequestSerializer(VersionedModelSerializer):
    service_type = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.SERVICE_TYPE),
        help_text="Id of a `service_type` dictionary entry 服务类型 (consultation 咨询, "
        "suggestion 建议, complaint 投诉).",
    )
    channel = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.CHANNEL),
        help_text="Id of a `channel` dictionary entry (phone, e-mail, web, walk-in).",
    )
    customer = ScopedCustomerField(help_text="The customer who asked (one the caller sees).")
    contact = ScopedContactField(
        required=False, allow_null=True, help_text="A contact of that customer."
    )
    # Empty when the request was filed for a known customer: a plain string, not an e-mail.
    requester_email = serializers.CharField(
        read_only=True, help_text="The requester's e-mail (public form, e-mail intake) or empty."
    )
    assigned_to_name = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        # The writable fields are the service's own list, so the two cannot drift apart.
        fields = [
            "id",
            "code",
            *services.EDITABLE_FIELDS,
            "requester_name",
            "requester_email",
            "requester_phone",
            "status",
            "assigned_to",
            "assigned_to_name",
            "assigned_at",
            "first_response_at",
            "handled_at",
            "archived_at",
            "response_due_at",
            "resolution_due_at",
            "result",
            "satisfaction",
            "rounds",
            "sla",
            "external_ref",
            "version",
            "created_at",
            "created_by",
            "updated_at",
        ]
        read_only_fields = [
            "external_ref",
            "code",
            "requester_name",
            "requester_email",
            "requester_phone",
            "status",
            "assigned_to",
            "assigned_at",
            "first_response_at",
            "handled_at",
            "archived_at",
            "response_due_at",
            "resolution_due_at",
            "result",
            "satisfaction",
            "rounds",
            "created_at",
            "created_by",
            "updated_at",
        ]
        extra_kwargs = {
            "summary": {"help_text": "One line 摘要 (up to 200 characters)."},
            "request": {
                "max_length": MAX_TEXT_LENGTH,
                "help_text": "What the customer asked 服务请求.",
            },
        }

    def get_assigned_to_name(self, service_request: ServiceRequest) -> str:
        return str(service_request.assigned_to) if service_request.assigned_to_id else ""

    @extend_schema_field(SlaSerializer)
    def get_sla(self, service_request: ServiceRequest) -> dict:
        now = self.context.get("now") or timezone.now()
        status = sla.measure(service_request, now=now)
        return {
            "overdue": status.overdue,
            "first_response": _measure(status.first_response),
            "resolution": _measure(status.resolution),
        }


class ServiceRoundSerializer(serializers.ModelSerializer):
    feedback_source = serializers.CharField(
        read_only=True,
        help_text="Who recorded the feedback: `staff` or `survey`; empty before feedback.",
    )
    assigned_to_name = serializers.SerializerMethodField()
    handled_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRound
        fields = [
            "number",
            "assigned_to",
            "assigned_to_name",
            "assigned_by",
            "assigned_at",
            "handling",
            "handled_by",
            "handled_by_name",
            "handled_at",
            "result",
            "satisfaction",
            "feedback_by",
            "feedback_at",
            "feedback_source",
        ]
        read_only_fields = fields

    def get_assigned_to_name(self, row: ServiceRound) -> str:
        return str(row.assigned_to)

    def get_handled_by_name(self, row: ServiceRound) -> str:
        return str(row.handled_by) if row.handled_by_id else ""


class ServiceAssignSerializer(serializers.Serializer):
    assigned_to = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Id of the team member to assign the request to.",
    )
    version = VersionField(help_text="Optional: the request's version as read; stale → 409.")


class ServiceHandleSerializer(serializers.Serializer):
    handling = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, help_text="How the request was handled 服务处理."
    )
    version = VersionField(help_text="Optional: the request's version as read; stale → 409.")


class ServiceFeedbackSerializer(serializers.Serializer):
    result = serializers.CharField(
        max_length=MAX_TEXT_LENGTH, help_text="The result 处理结果 as the customer saw it."
    )
    satisfaction = serializers.IntegerField(
        min_value=1,
        max_value=5,
        help_text="Satisfaction 满意度 1–5: 3 or more archives the request, below 3 sends it "
        "back to the assignee for another round.",
    )
    version = VersionField(help_text="Optional: the request's version as read; stale → 409.")


# --- filters ----------------------------------------------------------------------------------


class ServiceRequestFilter(django_filters.FilterSet):
    service_type = id_filter("service_type", help_text="Id of the service type.")
    channel = id_filter("channel", help_text="Id of the channel.")
    assigned_to = id_filter("assigned_to", help_text="Id of the assignee.")
    customer = id_filter("customer", help_text="Id of the customer.")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        help_text="true: only open requests past a due time; false: only the others.",
    )

    class Meta:
        model = ServiceRequest
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = selectors.overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


# --- the viewset ------------------------------------------------------------------------------

TRANSITION_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description="The body's `version` is stale."),
    412: OpenApiResponse(ErrorSerializer, description="If-Match does not match the ETag."),
    422: OpenApiResponse(ErrorSerializer, description="The request's status does not allow it."),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Optional: the request's ETag as read; a mismatch answers 412.",
)
# The actions work on one record: the list's filters, ordering and paging mean nothing there.
_ACTION: dict[str, Any] = {"filter_backends": [], "pagination_class": None}
_WRITE_RIGHTS = {
    "assign": rules.ASSIGN_SERVICEREQUEST,
    "handle": rules.CHANGE_SERVICEREQUEST,
    "feedback": rules.CHANGE_SERVICEREQUEST,
}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Contained in the customer's name or the summary; or a code.",
            )
        ]
    ),
)
class ServiceRequestViewSet(ScopedViewSet):
    """Service requests 客户服务 in the caller's scope: those of their customers, assigned to
    them or filed by them; their team's (supervisors); all (executives, administrators).

    PUT/PATCH only while new or assigned; DELETE only while new (to the recycle bin). The
    status is never written: assign, handle and feedback move it.
    """

    model = ServiceRequest  # type: ignore[assignment]
    serializer_class = ServiceRequestSerializer
    filterset_class = ServiceRequestFilter
    ordering_fields = {
        "created_at": "created_at",
        "resolution_due_at": "resolution_due_at",
        "response_due_at": "response_due_at",
    }

    @property
    def write_permission(self):
        return _WRITE_RIGHTS.get(self.action)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def select(self, actor):
        if self.action == "list":
            return selectors.service_request_queue(
                actor=actor, search=query_text(self.request, "search", selectors.MAX_SEARCH_LENGTH)
            )
        return selectors.service_request_list(actor=actor)

    def create_record(self, data):
        return services.service_request_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services.service_request_update(
            actor=self.request.user,
            service_request=instance,
            expected_version=expected_version,
            **data,
        )

    def delete_record(self, instance, expected_version):
        services.service_request_delete(
            actor=self.request.user, service_request=instance, expected_version=expected_version
        )

    # --- the flow ---------------------------------------------------------------------------

    def _expected(self, request, service_request, sent_version) -> int | None:
        """The version the caller read: the body's ``version``, else the If-Match one (a
        mismatch answers 412 here). The service compares it once it has checked the status,
        so a refused transition is explained (422) rather than merely called stale (409)."""
        if_match = check_if_match(request, service_request)
        if sent_version is not None:
            return sent_version
        return service_request.version if if_match else None

    def _payload(self, serializer_class):
        payload = serializer_class(data=self.request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    def _reread(self, service_request: ServiceRequest) -> ServiceRequest:
        rows = selectors.service_request_list(actor=cast(User, self.request.user))
        return rows.filter(pk=service_request.pk).first() or service_request

    @extend_schema(
        summary="Assign 服务分配 a new or assigned request to a member of the team (supervisors)",
        request=ServiceAssignSerializer,
        parameters=[IF_MATCH],
        responses={200: ServiceRequestSerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def assign(self, request, pk=None):
        service_request = self.get_object()
        data = self._payload(ServiceAssignSerializer)
        assigned = services.service_request_assign(
            actor=request.user,
            service_request=service_request,
            assignee=data["assigned_to"],
            expected_version=self._expected(request, service_request, data.get("version")),
        )
        return self.output(self._reread(assigned))

    @extend_schema(
        summary="Record the handling 服务处理 of an assigned request (its assignee)",
        request=ServiceHandleSerializer,
        parameters=[IF_MATCH],
        responses={200: ServiceRequestSerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def handle(self, request, pk=None):
        service_request = self.get_object()
        data = self._payload(ServiceHandleSerializer)
        handled = services_handling.service_request_handle(
            actor=request.user,
            service_request=service_request,
            handling=data["handling"],
            expected_version=self._expected(request, service_request, data.get("version")),
        )
        return self.output(self._reread(handled))

    @extend_schema(
        summary="Record the feedback 服务反馈 of a handled request: 3+ archives it 服务归档, "
        "below 3 sends it back to the assignee",
        request=ServiceFeedbackSerializer,
        parameters=[IF_MATCH],
        responses={200: ServiceRequestSerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def feedback(self, request, pk=None):
        service_request = self.get_object()
        data = self._payload(ServiceFeedbackSerializer)
        answered = services_feedback.service_request_feedback(
            actor=request.user,
            service_request=service_request,
            result=data["result"],
            satisfaction=data["satisfaction"],
            expected_version=self._expected(request, service_request, data.get("version")),
        )
        return self.output(self._reread(answered))

    @extend_schema(
        summary="The handling rounds of a request, in order: its full history",
        responses=ServiceRoundSerializer(many=True),
    )
    @action(detail=True, methods=["get"], **_ACTION)
    def history(self, request, pk=None):
        service_request = self.get_object()
        rounds = selectors.service_round_list(actor=request.user, service_request=service_request)
        return Response(ServiceRoundSerializer(rounds, many=True).data)


router = SimpleRouter()
router.register("service-requests", ServiceRequestViewSet, basename="api-service-request")
urlpatterns = router.urls
