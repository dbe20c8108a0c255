"""REST endpoints for interactions 交往记录 and documents 文档 (rules live in the services).

``/api/interactions/`` is JSON; attachments are documents created with ``interaction`` set.
``/api/documents/`` takes ``multipart/form-data`` on create (the ``file`` is version 1);
``POST /api/documents/{id}/versions/`` adds a version, ``GET .../versions/`` lists them and
``GET /api/documents/{id}/versions/{version_id}/download/`` sends a stored file as an
attachment that no browser renders. Everything is scoped through the customer's owner.
"""

import json

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from guanxi.core.api.concurrency import check_if_match, etag
from guanxi.core.api.filters import MomentFilter, id_filter
from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.serializers import ErrorSerializer, VersionedModelSerializer
from guanxi.core.api.viewsets import MAX_ID, ScopedViewSet
from guanxi.customers import rules
from guanxi.customers.api.customers import ScopedCustomerField
from guanxi.customers.models import Contact, Customer, Document, DocumentVersion, Interaction
from guanxi.customers.selectors import activity as selectors_activity
from guanxi.customers.selectors import customers as selectors
from guanxi.customers.services.documents import (
    allowed_extensions,
    document_add_version,
    document_create,
    document_delete,
    document_update,
    max_upload_bytes,
)
from guanxi.customers.services.interactions import (
    interaction_create,
    interaction_delete,
    interaction_update,
)
from guanxi.customers.views.activity import document_file_response


def _request_user(field):
    request = field.context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return request.user


class ScopedContactField(serializers.PrimaryKeyRelatedField):
    """A contact the caller may see; the service checks it belongs to the customer."""

    def get_queryset(self):
        user = _request_user(self)
        return selectors.contact_list(actor=user) if user else Contact.objects.none()


class ScopedInteractionField(serializers.PrimaryKeyRelatedField):
    """An interaction the caller may see; the service checks it belongs to the customer."""

    def get_queryset(self):
        user = _request_user(self)
        if user is None:
            return Interaction.objects.none()
        return selectors_activity.interaction_list(actor=user)


# --- documents ------------------------------------------------------------------------------


class DocumentVersionSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Where to GET the file (always an attachment, application/octet-stream)."
    )

    class Meta:
        model = DocumentVersion
        fields = [
            "id",
            "number",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, version: DocumentVersion) -> str:
        return reverse(
            "api-document-download",
            kwargs={"pk": version.document_id, "version_id": version.pk},
        )


def _upload_help() -> str:
    return (
        f"The file, at most {max_upload_bytes() // (1024 * 1024)} MB; one of: "
        f"{', '.join(allowed_extensions())}. Its first bytes must match the extension."
    )


class DocumentSerializer(VersionedModelSerializer):
    customer = ScopedCustomerField()
    interaction = ScopedInteractionField(
        required=False, allow_null=True, help_text="Set when the document is an attachment."
    )
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Defaults to the file name."
    )
    file = serializers.FileField(write_only=True, help_text=_upload_help())
    versions = DocumentVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "customer",
            "interaction",
            "title",
            "category",
            "description",
            "file",
            "versions",
            "version",
            "created_at",
            "updated_at",
            "created_by",
        ]
        read_only_fields = ["created_at", "updated_at", "created_by"]


class DocumentUpdateSerializer(DocumentSerializer):
    """Title, category and description; the file changes by adding a version."""

    # Declared fields replace the parent's in DRF's metaclass (None removes one); the stubs
    # see overrides of the parent's attributes.
    customer: "serializers.PrimaryKeyRelatedField[Customer]" = (
        serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment]
    )
    # A document need not belong to an interaction: its answer may be null.
    interaction: "serializers.PrimaryKeyRelatedField[Interaction]" = (
        serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)  # type: ignore[assignment]
    )
    file = None  # type: ignore[assignment]

    class Meta(DocumentSerializer.Meta):
        fields = [name for name in DocumentSerializer.Meta.fields if name != "file"]


class DocumentVersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_upload_help())


class DocumentFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    interaction = id_filter("interaction")

    class Meta:
        model = Document
        fields = ["category"]


class FileRenderer(BaseRenderer):
    """Lets a client ask for ``application/octet-stream``; error bodies stay JSON text."""

    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if data is not None else b""


VERSION_ID = OpenApiParameter(
    "version_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version's id."
)


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": DocumentSerializer},
        description="Upload a document: its `file` becomes version 1. A refused type, a "
        "content that does not match the extension, an empty or too large file answers 400 "
        "naming `file`.",
    ),
    update=extend_schema(request=DocumentUpdateSerializer, responses=DocumentUpdateSerializer),
    partial_update=extend_schema(
        request=DocumentUpdateSerializer, responses=DocumentUpdateSerializer
    ),
)
class DocumentViewSet(ScopedViewSet):
    """Documents of the customers in the caller's scope. DELETE moves one to the recycle bin."""

    model = Document
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = {"created_at": "created_at", "title": "title"}
    selector = staticmethod(selectors_activity.document_list)

    @property
    def write_permission(self):
        # A new version changes the document; RoleRights would otherwise ask for "add".
        return rules.CHANGE_DOCUMENT if self.action == "versions" else None

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return DocumentUpdateSerializer
        return DocumentSerializer

    def create_record(self, data):
        return document_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return document_update(
            actor=self.request.user, document=instance, expected_version=expected_version, **data
        )

    def delete_record(self, instance, expected_version):
        document_delete(
            actor=self.request.user, document=instance, expected_version=expected_version
        )

    def output(self, instance, status_code=status.HTTP_200_OK):
        # Re-read after a write so the versions list is complete and in order.
        if status_code == status.HTTP_201_CREATED or self.action in {"update", "partial_update"}:
            instance = selectors_activity.document_get(actor=self.request.user, pk=instance.pk)
        return super().output(instance, status_code)

    @extend_schema(
        methods=["GET"],
        summary="List the versions of a document",
        responses=DocumentVersionSerializer(many=True),
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload a new version of a document",
        request={"multipart/form-data": DocumentVersionUploadSerializer},
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Optional: the document's ETag as read; a mismatch answers 412.",
            )
        ],
        responses={201: DocumentVersionSerializer, 412: ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],  # the list's filters and ordering mean nothing here
        pagination_class=None,
    )
    def versions(self, request, pk=None):
        document = self.get_object()
        if request.method == "GET":
            data = DocumentVersionSerializer(document.versions.all(), many=True).data
            return Response(data)
        expected = document.version if check_if_match(request, document) else None
        serializer = DocumentVersionUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = document_add_version(
            actor=request.user,
            document=document,
            file=serializer.validated_data["file"],
            expected_version=expected,
        )
        return Response(
            DocumentVersionSerializer(version).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(document)},
        )

    @extend_schema(
        summary="Download one version of a document",
        parameters=[VERSION_ID],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as an attachment (Content-Disposition with the "
                "original name), never rendered: nosniff and a sandbox CSP.",
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<version_id>[^/]+)/download",
        url_name="download",
        renderer_classes=[JSONRenderer, FileRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def download(self, request, pk=None, version_id=None):
        document = self.get_object()
        raw = str(version_id)
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise NotFound()
        try:
            version = selectors_activity.document_version_get(
                actor=request.user, pk=int(raw), document=document
            )
        except DocumentVersion.DoesNotExist as missing:
            raise NotFound() from missing
        return document_file_response(version, actor=request.user, request=request)


# --- interactions ---------------------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    latest_version = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "title", "category", "latest_version"]
        read_only_fields = fields

    @extend_schema_field(DocumentVersionSerializer(allow_null=True))
    def get_latest_version(self, document: Document):
        versions = list(document.versions.all())
        latest = max(versions, key=lambda v: v.number) if versions else None
        return DocumentVersionSerializer(latest).data if latest else None


class InteractionSerializer(VersionedModelSerializer):
    customer = ScopedCustomerField()
    contact = ScopedContactField(required=False, allow_null=True)
    attachments = serializers.SerializerMethodField(
        help_text="Documents attached to the interaction; add one with POST /api/documents/ "
        "and `interaction` set."
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "customer",
            "contact",
            "kind",
            "occurred_at",
            "place",
            "summary",
            "details",
            "attachments",
            "version",
            "created_at",
            "updated_at",
            "created_by",
            "on_behalf_of",
        ]
        read_only_fields = ["created_at", "updated_at", "created_by", "on_behalf_of"]
        extra_kwargs = {"occurred_at": {"required": False}}

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, interaction: Interaction):
        documents = getattr(interaction, "live_attachments", None)
        if documents is None:
            documents = interaction.attachments.prefetch_related("versions").order_by("id")
        return AttachmentSerializer(documents, many=True).data


class InteractionUpdateSerializer(InteractionSerializer):
    """The customer of an interaction never changes."""

    # Declared fields replace the parent's in DRF's metaclass; the stubs see an override.
    customer: "serializers.PrimaryKeyRelatedField[Customer]" = (
        serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[assignment]
    )


class InteractionFilter(django_filters.FilterSet):
    customer = id_filter("customer")
    contact = id_filter("contact")
    occurred_after = MomentFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="From this time (inclusive)."
    )
    occurred_before = MomentFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="Before this time (exclusive)."
    )

    class Meta:
        model = Interaction
        fields = ["kind"]


class InteractionViewSet(ScopedViewSet):
    """Interactions with the customers in the caller's scope. DELETE moves one (and its
    attachments) to the recycle bin. Logging one moves the customer's last follow-up date."""

    model = Interaction
    serializer_class = InteractionSerializer
    filterset_class = InteractionFilter
    ordering_fields = {"occurred_at": "occurred_at", "created_at": "created_at"}

    def select(self, actor):
        return selectors_activity.interaction_list_with_attachments(actor=actor)

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return InteractionUpdateSerializer
        return InteractionSerializer

    def create_record(self, data):
        return interaction_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return interaction_update(
            actor=self.request.user,
            interaction=instance,
            expected_version=expected_version,
            **data,
        )

    def delete_record(self, instance, expected_version):
        interaction_delete(
            actor=self.request.user, interaction=instance, expected_version=expected_version
        )


router = SimpleRouter()
router.register("interactions", InteractionViewSet, basename="api-interaction")
router.register("documents", DocumentViewSet, basename="api-document")
urlpatterns = router.urls
