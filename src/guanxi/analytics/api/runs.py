"""``GET /api/analytics/runs/{id}/``: a model run's state, the URL a 202 answer points to.

A fit or training asked for through the API answers 202 with this URL when the data is large
(the worker computes it); the client polls it until ``status`` is ``done`` or ``failed``.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.models import ModelRun, Report
from guanxi.analytics.selectors.runs import run_get
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin


class ModelRunSerializer(serializers.ModelSerializer):
    """One run of one model: its state and, when done, what it computed."""

    result = serializers.JSONField(
        read_only=True, help_text="What the model computed (its shape depends on the kind)."
    )
    subset = serializers.JSONField(
        read_only=True, help_text='The customers it covered: {}, {"tag": …} or {"segment": id}.'
    )

    class Meta:
        model = ModelRun
        fields = [
            "id",
            "kind",
            "status",
            "company_wide",
            "subset",
            "started_at",
            "finished_at",
            "rows_used",
            "result",
            "error",
        ]
        read_only_fields = fields


class ModelRunView(UserLanguageMixin, APIView):
    model = Report
    read_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="analytics_runs_retrieve",
        summary="A model run",
        tags=["analytics"],
        responses={
            200: ModelRunSerializer,
            404: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["404"]),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            run = run_get(actor=request.user, pk=pk)  # type: ignore[arg-type]
        except ModelRun.DoesNotExist as missing:
            raise Http404 from missing
        return Response(ModelRunSerializer(run).data)


urlpatterns = [path("analytics/runs/<int:pk>/", ModelRunView.as_view(), name="api-analytics-run")]
