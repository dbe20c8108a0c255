"""``GET /api/audit/access/``: the sensitive-access log, read-only, for administrators.

Filters as on the page: ``user`` (id), ``kind``, ``since`` and ``until`` (dates, ``until``
included), ``target_type`` (``app_label.model``) and ``target_id``. A bad filter is a 400
naming it; anyone without ``core.search_access_log`` gets 403.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from guanxi.core.access_log_text import access_log_summary
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.core.forms.access_log import AccessLogFilterForm
from guanxi.core.models import AccessLogEntry
from guanxi.core.rules import SEARCH_ACCESS_LOG
from guanxi.core.selectors import access_log as selectors


class AccessLogEntrySerializer(serializers.ModelSerializer):
    user_name = serializers.SerializerMethodField(help_text="The user's name (empty: system).")
    target_type = serializers.SerializerMethodField(help_text="``app_label.model`` or null.")
    summary = serializers.SerializerMethodField(help_text="The entry in the caller's language.")

    class Meta:
        model = AccessLogEntry
        fields = [
            "id",
            "created_at",
            "user",
            "user_name",
            "kind",
            "target_type",
            "target_id",
            "details",
            "summary",
            "client_address",
        ]
        read_only_fields = fields

    def get_user_name(self, entry: AccessLogEntry) -> str:
        return str(entry.user) if entry.user_id else ""

    def get_target_type(self, entry: AccessLogEntry) -> str | None:
        target_type = entry.target_type
        if target_type is None:
            return None
        return f"{target_type.app_label}.{target_type.model}"

    def get_summary(self, entry: AccessLogEntry) -> str:
        return access_log_summary(entry)


_FILTERS = [
    OpenApiParameter("user", int, description="Only this user's entries."),
    OpenApiParameter("kind", str, enum=list(AccessLogEntry.Kind.values)),
    OpenApiParameter("since", str, description="From this day (YYYY-MM-DD)."),
    OpenApiParameter("until", str, description="Up to and including this day (YYYY-MM-DD)."),
    OpenApiParameter("target_type", str, description="The record's type, e.g. customers.customer."),
    OpenApiParameter("target_id", int, description="The record's id."),
]


@extend_schema_view(list=extend_schema(parameters=_FILTERS))
class AccessLogViewSet(ScopedViewSet):
    """The sensitive-access log, newest first (administrators only)."""

    model = AccessLogEntry
    serializer_class = AccessLogEntrySerializer
    versioned = False
    read_permission = SEARCH_ACCESS_LOG
    http_method_names = ["get", "head", "options"]
    filter_backends: list = []

    def select(self, actor):
        form = AccessLogFilterForm(self.request.query_params)
        if self.action == "list" and not form.is_valid():
            raise ValidationError(
                {name: [str(message) for message in errors] for name, errors in form.errors.items()}
            )
        query = form.query() if self.action == "list" else {}
        return selectors.access_log_list(actor=actor, **query)
