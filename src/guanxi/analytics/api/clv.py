"""``POST /api/analytics/clv/fit/`` and ``GET /api/analytics/clv/``: customer lifetime value.

A fit covers the customers the caller may see (optionally one tag or one saved customer-list
view). Small data is fitted in the request (200 with the parameters); above
``INLINE_CUSTOMERS`` customers the worker fits it and the answer is 202 with the run's URL. Too
little history is refused with 422 and the reason (the request was valid; the data cannot
support the model), bad input with 400 naming the field.
"""

from typing import Any

from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.models import ModelRun, Report
from guanxi.analytics.selectors.runs import run_latest
from guanxi.analytics.selectors.subjects import model_customers, subset_describe
from guanxi.analytics.services import clv as clv_services
from guanxi.analytics.services.runs import run_request
from guanxi.core.api.errors import BusinessRuleViolation
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.validators import EARLIEST_DATE

# Above this many customers a fit is the worker's job, not the request's.
INLINE_CUSTOMERS = 20_000


class CLVFitRequestSerializer(serializers.Serializer):
    until = serializers.DateField(
        required=False,
        help_text="Calibration date (YYYY-MM-DD): orders up to this day are used; default today.",
    )
    time_unit = serializers.ChoiceField(
        choices=clv_services.TIME_UNITS,
        default=clv_services.DEFAULT_TIME_UNIT,
        help_text="Time unit of the model: day or week (default week).",
    )
    tag = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Only customers with this tag."
    )
    segment = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Only the customers of this saved customer-list view (its id).",
    )

    def validate_until(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("The calibration date cannot be in the future."))
        if value < EARLIEST_DATE:
            raise serializers.ValidationError(_("Enter a date between 1900 and 2100."))
        return value


class BGNBDSerializer(serializers.Serializer):
    r = serializers.FloatField(help_text="Shape of the Gamma distribution of purchase rates.")
    alpha = serializers.FloatField(help_text="Scale (in the time unit) of the purchase rates.")
    a = serializers.FloatField(help_text="Beta distribution of the drop-out probability: a.")
    b = serializers.FloatField(help_text="Beta distribution of the drop-out probability: b.")
    log_likelihood = serializers.FloatField(help_text="Log-likelihood at the maximum.")


class GammaGammaSerializer(serializers.Serializer):
    p = serializers.FloatField(help_text="Shape of a transaction's value.")
    q = serializers.FloatField(help_text="Shape of the Gamma distribution of ν across customers.")
    v = serializers.FloatField(help_text="Scale of the Gamma distribution of ν across customers.")


class CLVFitSerializer(serializers.Serializer):
    """The fitted CLV models."""

    bgnbd = BGNBDSerializer(help_text="BG/NBD repeat-purchase model (Fader, Hardie & Lee 2005).")
    gamma_gamma = GammaGammaSerializer(help_text="Gamma–Gamma spend model.")
    customers = serializers.IntegerField(help_text="Customers with orders up to `until`.")
    until = serializers.DateField(help_text="Calibration date: orders up to this day were used.")
    time_unit = serializers.ChoiceField(choices=clv_services.TIME_UNITS)


class CLVLatestSerializer(CLVFitSerializer):
    run = serializers.IntegerField(help_text="Id of the model run (`/api/analytics/runs/{id}/`).")
    company_wide = serializers.BooleanField(
        help_text="The company's model (every customer): its per-customer scores are stored."
    )
    fitted_at = serializers.DateTimeField(help_text="When the fit finished.")


class RunAcceptedSerializer(serializers.Serializer):
    run = serializers.IntegerField(help_text="Id of the model run computing in the background.")
    url = serializers.CharField(help_text="Poll this URL until its status is done or failed.")


class _CLVView(UserLanguageMixin, APIView):
    model = Report
    read_permission = rules.VIEW_REPORTS
    write_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]


class CLVFitView(_CLVView):
    @extend_schema(
        operation_id="analytics_clv_fit",
        summary="Fit customer lifetime value (BG/NBD + Gamma–Gamma)",
        description=(
            "Fits the BG/NBD and Gamma–Gamma models by maximum likelihood on the order history "
            "up to `until` of the customers the caller may see (optionally with a tag or in a "
            "saved segment). Repeat transactions are distinct order days after the first. Up "
            f"to {INLINE_CUSTOMERS:,} customers the fit is computed at once (200); above, in the "
            "background (202 with the run to poll). Too little history: 422 with the reason. "
            "A caller who sees every customer and asks for no subset refits the company's model "
            "and its per-customer scores."
        ),
        tags=["analytics"],
        request=CLVFitRequestSerializer,
        responses={
            200: CLVFitSerializer,
            202: OpenApiResponse(RunAcceptedSerializer, description="Fitting in the background"),
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
            403: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["403"]),
            422: OpenApiResponse(
                ErrorSerializer, description="Too little history to fit the models (the reason)."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = CLVFitRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        until = data.get("until") or timezone.localdate()
        tag, segment = data.get("tag", ""), data.get("segment")
        actor = request.user
        # Validates the segment (400 naming it) before anything is written.
        covered = model_customers(actor=actor, tag=tag, segment=segment).count()  # type: ignore[arg-type]
        run = run_request(
            kind=ModelRun.Kind.CLV,
            actor=actor,  # type: ignore[arg-type]
            subset=subset_describe(tag=tag, segment=segment),
            params=clv_services.clv_params(until=until, time_unit=data["time_unit"]),
            background=covered > INLINE_CUSTOMERS,
        )
        if run.status == ModelRun.Status.RUNNING:
            url = reverse("api-analytics-run", kwargs={"pk": run.pk})
            return Response({"run": run.pk, "url": url}, status=status.HTTP_202_ACCEPTED)
        if run.status == ModelRun.Status.FAILED:
            raise BusinessRuleViolation(run.error)
        return Response(CLVFitSerializer(run.result).data)


class CLVLatestView(_CLVView):
    @extend_schema(
        operation_id="analytics_clv_retrieve",
        summary="The latest customer lifetime value fit",
        description=(
            "The newest successful CLV fit the caller may read: their own, or the company's "
            "(weekly, or by someone who sees everything) when they see everything."
        ),
        tags=["analytics"],
        responses={
            200: CLVLatestSerializer,
            403: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["403"]),
            404: OpenApiResponse(ErrorSerializer, description="No CLV fit yet."),
        },
    )
    def get(self, request: Request) -> Response:
        run = run_latest(actor=request.user, kind=ModelRun.Kind.CLV)  # type: ignore[arg-type]
        if run is None:
            raise NotFound(_("No customer lifetime value model has been fitted yet."))
        body = {
            **run.result,
            "run": run.pk,
            "company_wide": run.company_wide,
            "fitted_at": run.finished_at,
        }
        return Response(CLVLatestSerializer(body).data)


urlpatterns = [
    path("analytics/clv/", CLVLatestView.as_view(), name="api-analytics-clv"),
    path("analytics/clv/fit/", CLVFitView.as_view(), name="api-analytics-clv-fit"),
]
