"""``/api/list-views/``: the caller's saved list views and those their team shares.

``GET`` lists them (``?list=customers`` for one list); ``POST`` saves one (a view of the same
name on the same list is replaced); ``PATCH`` renames, re-filters, changes the columns or
shares; ``DELETE`` removes it. Only the owner writes a view: a teammate's shared view is 403,
another team's is 404. Any signed-in user has views; no role right is involved.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated

from guanxi.core.api.viewsets import ScopedViewSet, query_text
from guanxi.core.models import SavedListView
from guanxi.core.selectors import list_views as selectors
from guanxi.core.services import list_views as services


class SavedListViewSerializer(serializers.ModelSerializer):
    list_key = serializers.CharField(max_length=50, help_text="The list, e.g. ``customers``.")
    columns = serializers.ListField(
        child=serializers.CharField(max_length=50),
        max_length=50,
        required=False,
        help_text="The optional columns shown, in order; left out: the list's defaults.",
    )
    owner_name = serializers.SerializerMethodField(help_text="Who saved the view.")
    mine = serializers.SerializerMethodField(help_text="Whether the caller saved it.")

    class Meta:
        model = SavedListView
        fields = [
            "id",
            "list_key",
            "name",
            "query",
            "columns",
            "shared_with_team",
            "owner",
            "owner_name",
            "mine",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "owner", "owner_name", "mine", "created_at", "updated_at"]
        # The service answers a repeated name (it replaces the caller's own view).
        validators: list = []

    def get_owner_name(self, view: SavedListView) -> str:
        return str(view.owner)

    def get_mine(self, view: SavedListView) -> bool:
        return bool(view.owner_id == self.context["request"].user.pk)


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("list", str, description="One list's views.")])
)
class SavedListViewViewSet(ScopedViewSet):
    """Saved list views 列表视图 (filters, sort and columns; personal or shared with the team)."""

    model = SavedListView
    serializer_class = SavedListViewSerializer
    versioned = False
    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def select(self, actor):
        key = query_text(self.request, "list", 50) if self.action == "list" else ""
        return selectors.list_view_list(actor=actor, list_key=key or None)

    def create_record(self, data: dict):
        return services.list_view_save(actor=self.request.user, **data)

    def update_record(self, instance, data: dict, expected_version):
        data.pop("list_key", None)  # a view stays on its list
        return services.list_view_update(actor=self.request.user, view=instance, **data)

    def delete_record(self, instance, expected_version) -> None:
        services.list_view_delete(actor=self.request.user, view=instance)
