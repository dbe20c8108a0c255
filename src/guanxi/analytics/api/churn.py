"""The churn model 客户流失预测 in the API.

``POST /api/analytics/churn-model/train/`` trains on every customer the caller may see, or a
tag or saved segment of them: computed at once and answered 200 with the model when few
customers are covered, else 202 with the run's URL (the worker trains it).
``GET /api/analytics/churn-model/`` answers the newest model the caller may read.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.churn_text import model_summary
from guanxi.analytics.models import ModelRun, Report
from guanxi.analytics.selectors.runs import run_latest
from guanxi.analytics.selectors.subjects import model_customers, subset_describe
from guanxi.analytics.services.runs import run_request
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin

# More customers than this are trained by the worker (202), fewer in the request (200).
INLINE_CUSTOMERS = 5_000


class ChurnTrainSerializer(serializers.Serializer):
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=50, help_text="Only customers with this tag."
    )
    segment = serializers.IntegerField(
        required=False, min_value=1, help_text="Only customers of this saved customer list."
    )


class ChurnModelSerializer(serializers.Serializer):
    """A churn model: how it was trained and how well it predicts on the hold-out."""

    id = serializers.IntegerField(help_text="The model run's id.")
    status = serializers.CharField(help_text="running, done or failed (refused: see error).")
    error = serializers.CharField(help_text="Why the training was refused or failed.")
    company_wide = serializers.BooleanField()
    subset = serializers.JSONField(help_text='{}, {"tag": …} or {"segment": id}.')
    started_at = serializers.DateTimeField()
    trained_at = serializers.DateTimeField(allow_null=True)
    rows_used = serializers.IntegerField(help_text="Customers the model learnt from.")
    cutoff = serializers.DateField(
        required=False, help_text="Features are computed from the records before this day."
    )
    horizon_days = serializers.IntegerField(
        required=False, help_text="Churn after the cutoff within this many days is the label."
    )
    population = serializers.IntegerField(required=False)
    churned = serializers.IntegerField(required=False)
    threshold = serializers.FloatField(
        required=False, help_text="Risk (0–1) at which precision, recall and F1 are measured."
    )
    rows = serializers.JSONField(required=False, help_text='{"train": n, "test": n}')
    metrics = serializers.JSONField(
        required=False,
        help_text='{"boosting"|"tree": {"auc", "precision", "recall", "f1", "confusion"}} on '
        "the hold-out; confusion is [[TN, FP], [FN, TP]].",
    )
    calibration = serializers.JSONField(
        required=False, help_text='Deciles: [{"decile", "customers", "predicted", "observed"}]'
    )
    importances = serializers.JSONField(
        required=False, help_text='[{"feature", "label", "importance"}] (permutation, AUC lost)'
    )
    rules = serializers.JSONField(
        required=False,
        help_text='The tree\'s leaves: [{"text", "conditions", "probability", "support"}]',
    )
    scored = serializers.IntegerField(required=False, allow_null=True)
    warnings = serializers.IntegerField(required=False, allow_null=True)


class _Base(UserLanguageMixin, APIView):
    model = Report
    read_permission = rules.VIEW_REPORTS
    write_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]


class ChurnModelView(_Base):
    @extend_schema(
        operation_id="analytics_churn_model_retrieve",
        summary="The latest churn model",
        tags=["analytics"],
        responses={
            200: ChurnModelSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No churn model trained yet."),
        },
    )
    def get(self, request: Request) -> Response:
        run = run_latest(actor=request.user, kind=ModelRun.Kind.CHURN)  # type: ignore[arg-type]
        if run is None:
            raise exceptions.NotFound()
        return Response(ChurnModelSerializer(model_summary(run)).data)


class ChurnTrainView(_Base):
    @extend_schema(
        operation_id="analytics_churn_model_train",
        summary="Train the churn model",
        tags=["analytics"],
        request=ChurnTrainSerializer,
        responses={
            200: ChurnModelSerializer,
            202: inline_serializer(
                "ChurnTrainQueued",
                {"id": serializers.IntegerField(), "url": serializers.CharField()},
            ),
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
        },
    )
    def post(self, request: Request) -> Response:
        form = ChurnTrainSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data: dict[str, Any] = form.validated_data
        tag, segment = data.get("tag", ""), data.get("segment")
        try:
            covered = model_customers(actor=request.user, tag=tag, segment=segment).count()  # type: ignore[arg-type]
        except ValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from error
        large = covered > INLINE_CUSTOMERS
        run = run_request(
            kind=ModelRun.Kind.CHURN,
            actor=request.user,  # type: ignore[arg-type]
            subset=subset_describe(tag=tag, segment=segment),
            background=large,
        )
        if large:
            url = reverse("api-analytics-run", args=[run.pk])
            return Response({"id": run.pk, "url": url}, status=status.HTTP_202_ACCEPTED)
        return Response(ChurnModelSerializer(model_summary(run)).data)


urlpatterns = [
    path("analytics/churn-model/", ChurnModelView.as_view(), name="api-analytics-churn-model"),
    path(
        "analytics/churn-model/train/",
        ChurnTrainView.as_view(),
        name="api-analytics-churn-model-train",
    ),
]
