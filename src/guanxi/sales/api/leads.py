"""REST endpoints of leads 线索.

``/api/leads/`` lists (filters ``status``, ``owner``, ``search``), creates (scored and routed
by the rules, as on the pages), reads, updates and deletes leads within the caller's scope;
updates and deletes only while a lead is open, by its owner or a supervisor. Actions:

* ``POST /api/leads/{id}/assign/`` ``{"owner": <user id>}`` (supervisors);
* ``POST /api/leads/{id}/convert/`` ``{"to": "opportunity"|"customer", "summary": ...,
  "probability": 20, "confirm_duplicate": false}`` → the lead with the created record's id;
* ``POST /api/leads/{id}/disqualify/`` ``{"reason": "..."}``;
* ``POST /api/leads/import/`` and the rest of a lead import: the import framework's endpoints
  (``guanxi.core.api.imports``, importer ``sales.importing.leads``).

No right → 403, outside the scope → 404, bad input → 400, a closed lead → 422, a stale
``version`` → 409 (If-Match → 412), likely duplicate customers → 409 ``duplicate``.
"""

from typing import Any, cast

import django_filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.routers import SimpleRouter

from guanxi.accounts.models import User
from guanxi.core.api.concurrency import check_if_match
from guanxi.core.api.filters import id_filter
from guanxi.core.api.idempotency import idempotent
from guanxi.core.api.serializers import (
    ErrorSerializer,
    VersionedModelSerializer,
    VersionField,
)
from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import DictionaryEntry, DictionaryKind
from guanxi.customers.api.customers import DuplicateErrorSerializer, duplicate_response
from guanxi.customers.dedup import DuplicateError
from guanxi.sales import rules
from guanxi.sales.models import Lead
from guanxi.sales.selectors import leads as selectors
from guanxi.sales.services import leads as services


class LeadSerializer(VersionedModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        queryset=DictionaryEntry.objects.filter(kind=DictionaryKind.REGION),
        required=False,
        allow_null=True,
        help_text="Id of a `region` dictionary entry.",
    )
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = [
            "id",
            *services.LEAD_EDITABLE_FIELDS,
            "score",
            "status",
            "owner",
            "owner_name",
            "assigned_at",
            "closed_at",
            "disqualify_reason",
            "converted_opportunity",
            "converted_customer",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "external_ref",
            "score",
            "status",
            "owner",
            "assigned_at",
            "closed_at",
            "disqualify_reason",
            "converted_opportunity",
            "converted_customer",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "notes": {"max_length": services.MAX_TEXT_LENGTH},
            "score": {"help_text": "0–100, computed from the filled fields and the source."},
            "owner": {"help_text": "The account manager; null while the lead is new."},
            "external_ref": {"help_text": "The lead's id in the system it was imported from."},
        }

    def get_owner_name(self, lead: Lead) -> str:
        return str(lead.owner) if lead.owner_id else ""


class LeadAssignSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        help_text="Id of the account manager to give the lead to.",
    )
    version = VersionField(help_text="Optional: the lead's version as read; stale → 409.")


class LeadConvertSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=services.CONVERT_TARGETS, help_text="What the lead becomes."
    )
    summary = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The opportunity's summary (opportunity only).",
    )
    probability = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        default=20,
        help_text="The opportunity's success probability in percent (opportunity only).",
    )
    confirm_duplicate = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create the customer even if similar customers exist (otherwise 409).",
    )
    version = VersionField(help_text="Optional: the lead's version as read; stale → 409.")


class LeadDisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=services.MAX_TEXT_LENGTH)
    version = VersionField(help_text="Optional: the lead's version as read; stale → 409.")


class LeadFilter(django_filters.FilterSet):
    owner = id_filter("owner", help_text="Id of the owner.")

    class Meta:
        model = Lead
        fields = ["status"]


TRANSITION_ERRORS = {
    409: OpenApiResponse(ErrorSerializer, description="The body's `version` is stale."),
    412: OpenApiResponse(ErrorSerializer, description="If-Match does not match the ETag."),
}
_ACTION: dict[str, Any] = {"filter_backends": [], "pagination_class": None}
_WRITE_RIGHTS = {
    "assign": rules.CHANGE_LEAD,
    "convert": rules.CHANGE_LEAD,
    "disqualify": rules.CHANGE_LEAD,
    "import_leads": rules.ADD_LEAD,
}


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="In the name, company, phone or e-mail (any case)."
            )
        ]
    ),
)
class LeadViewSet(ScopedViewSet):
    """Leads in the caller's scope: their own, their team's (supervisors, who also see the
    leads nobody owns yet), their managers' (assistants), all (executives, administrators)."""

    model = Lead
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    ordering_fields = {"created_at": "created_at", "score": "score", "name": "name"}

    @property
    def write_permission(self):
        return _WRITE_RIGHTS.get(self.action)

    def select(self, actor):
        if self.action == "list":
            return selectors.lead_list(actor=actor, search=query_text(self.request, "search", 100))
        return selectors.lead_list(actor=actor)

    def create_record(self, data):
        return services.lead_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services.lead_update(
            actor=self.request.user, lead=instance, expected_version=expected_version, **data
        )

    def delete_record(self, instance, expected_version):
        services.lead_delete(
            actor=self.request.user, lead=instance, expected_version=expected_version
        )

    def _expected(self, request, lead, sent_version) -> int | None:
        if_match = check_if_match(request, lead)
        if sent_version is not None:
            return sent_version
        return lead.version if if_match else None

    def _reread(self, lead: Lead) -> Lead:
        actor = cast(User, self.request.user)  # signed in
        return selectors.lead_list(actor=actor).filter(pk=lead.pk).first() or lead

    @extend_schema(
        summary="Give an open lead to an account manager (supervisors)",
        request=LeadAssignSerializer,
        responses={200: LeadSerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def assign(self, request, pk=None):
        lead = self.get_object()
        payload = LeadAssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        done = services.lead_assign(
            actor=request.user,
            lead=lead,
            owner=data["owner"],
            expected_version=self._expected(request, lead, data.get("version")),
        )
        return self.output(self._reread(done))

    @extend_schema(
        summary="Convert an open lead into a sales opportunity or a customer (once)",
        description="`to: opportunity` creates an unassigned opportunity; `to: customer` "
        "creates the customer (duplicate check: 409 `duplicate` unless `confirm_duplicate`). "
        "A converted or disqualified lead answers 422.",
        request=LeadConvertSerializer,
        responses={
            200: LeadSerializer,
            409: OpenApiResponse(
                DuplicateErrorSerializer,
                description="Similar customers exist (code `duplicate`), or the `version` "
                "is stale (code `conflict`).",
            ),
            412: TRANSITION_ERRORS[412],
        },
    )
    @action(detail=True, methods=["post"], **_ACTION)
    @idempotent
    def convert(self, request, pk=None):
        lead = self.get_object()
        payload = LeadConvertSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        expected = self._expected(request, lead, data.pop("version", None))
        try:
            done = services.lead_convert(
                actor=request.user, lead=lead, expected_version=expected, **data
            )
        except DuplicateError as error:
            return duplicate_response(error)
        return self.output(self._reread(done))

    @extend_schema(
        summary="Disqualify an open lead, with the reason",
        request=LeadDisqualifySerializer,
        responses={200: LeadSerializer, **TRANSITION_ERRORS},
    )
    @action(detail=True, methods=["post"], **_ACTION)
    def disqualify(self, request, pk=None):
        lead = self.get_object()
        payload = LeadDisqualifySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        done = services.lead_disqualify(
            actor=request.user,
            lead=lead,
            reason=data["reason"],
            expected_version=self._expected(request, lead, data.get("version")),
        )
        return self.output(self._reread(done))


router = SimpleRouter()
router.register("leads", LeadViewSet, basename="api-lead")
urlpatterns = router.urls
