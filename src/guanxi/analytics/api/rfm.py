"""``POST /api/analytics/rfm/compute/``: recompute RFM and the purchase cycles now.

Someone who sees everything recomputes the company's stored scores; anyone else with the
reports' right computes the figures of their own customers (the run's result only). Small
data is computed in the request (200 with the finished run); large data by the worker (202
with the run's URL, ``GET /api/analytics/runs/{id}/``, to poll). Without the right: 403.
"""

from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.api.runs import ModelRunSerializer
from guanxi.analytics.models import ModelRun, Report
from guanxi.analytics.services.rfm import rfm_compute
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin


class StartedRunSerializer(ModelRunSerializer):
    url = serializers.SerializerMethodField(help_text="The run's URL, to poll until it is done.")

    class Meta(ModelRunSerializer.Meta):
        fields = [*ModelRunSerializer.Meta.fields, "url"]
        read_only_fields = fields

    def get_url(self, run: ModelRun) -> str:
        return reverse("api-analytics-run", args=[run.pk])


class RFMComputeView(UserLanguageMixin, APIView):
    model = Report
    read_permission = rules.VIEW_REPORTS
    # Computing figures is reading them: the reports' right, which executives hold too.
    write_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="analytics_rfm_compute",
        summary="Recompute RFM and purchase cycles",
        description=__doc__,
        tags=["analytics"],
        request=None,
        responses={
            200: StartedRunSerializer,
            202: StartedRunSerializer,
            403: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["403"]),
        },
    )
    def post(self, request: Request) -> Response:
        run = rfm_compute(actor=request.user)  # type: ignore[arg-type]
        body = StartedRunSerializer(run).data
        if run.status == ModelRun.Status.RUNNING:
            return Response(
                body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
            )
        return Response(body)


urlpatterns = [
    path("analytics/rfm/compute/", RFMComputeView.as_view(), name="api-analytics-rfm-compute")
]
