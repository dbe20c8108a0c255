"""``GET /api/reports/<report>/``: each report's numbers as JSON, the same as its page.

One view class per report, made from its definition: the query parameters are the report's
filter form (documented as OpenAPI parameters), the response fields its tables' columns. Bad
filters answer 400 naming the parameter; without the reports' right
(``rules.VIEW_REPORTS``) 403.
"""

from typing import Any

from django import forms
from django.urls import path
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.framework import DATE, ID, INTEGER, MONEY, NUMBER, PERCENT, reports
from guanxi.analytics.kpis import KPIForm, cached_dashboard
from guanxi.analytics.models import Report
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin

_COMMON_HELP = {
    "preset": "A named period; overrides date_from/date_to.",
    "date_from": "First day of the period (YYYY-MM-DD).",
    "date_to": "Last day of the period (YYYY-MM-DD), included.",
    "owner": "Id of a user: only the customers this account manager owns.",
    "team": "Id of a team: only customers of account managers in the team or its sub-teams.",
    "region": "Id of a region dictionary entry.",
    "level": "Id of a customer level dictionary entry.",
}


def AS_OF():  # noqa: N802  (a field factory, used like a class)
    return serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=(
            "When the figures were computed: results are cached for a few minutes, and the "
            "figures an executive's preset period reads from a rollup are as of its refresh; "
            "a report of the models' stored scores is as of their computation, null before "
            "the first one."
        ),
    )


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def form_parameters(form_class: Any) -> list[OpenApiParameter]:
    """The report's filter form fields as OpenAPI query parameters."""
    help_texts = {**_COMMON_HELP, **form_class.api_help}
    parameters = []
    for name, field in form_class.base_fields.items():
        if name in form_class.drop:
            continue
        description = help_texts.get(name, str(field.label))
        kind: Any
        enum: list[Any] | None
        if isinstance(field, forms.ModelChoiceField):
            kind, enum = {"type": "integer", "minimum": 1}, None
        elif isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            kind, enum = OpenApiTypes.STR, [value for value, _label in choices if value]
        elif isinstance(field, forms.DateField):
            kind, enum = OpenApiTypes.DATE, None
        elif isinstance(field, forms.IntegerField):
            kind, enum = {"type": "integer"}, None
            if field.min_value is not None:
                kind["minimum"] = field.min_value
            if field.max_value is not None:
                kind["maximum"] = field.max_value
        else:
            kind, enum = OpenApiTypes.STR, None
        parameters.append(
            OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description, enum=enum)
        )
    return parameters


def _field(column) -> serializers.Field:
    options: dict[str, Any] = {
        "allow_null": True,
        "read_only": True,
        "help_text": str(column.help or column.label),
    }
    if column.kind in {INTEGER, ID}:
        return serializers.IntegerField(**options)
    if column.kind == MONEY:
        return serializers.DecimalField(max_digits=24, decimal_places=2, **options)
    if column.kind == PERCENT:
        options["help_text"] += " Null when the denominator is 0."
        return serializers.DecimalField(max_digits=24, decimal_places=2, **options)
    if column.kind == NUMBER:
        return serializers.DecimalField(max_digits=24, decimal_places=2, **options)
    if column.kind == DATE:
        return serializers.DateField(**options)
    return serializers.CharField(**options)


def _serializer(name: str, columns) -> type[serializers.Serializer]:
    fields = {column.key: _field(column) for column in columns}
    return type(f"{name}Serializer", (serializers.Serializer,), fields)


def response_serializer(report) -> type[serializers.Serializer]:
    base = f"Report{_camel(report.name or report.slug)}"
    fields = {
        "date_from": serializers.DateField(
            allow_null=True, read_only=True, help_text="First day of the period; null: all time."
        ),
        "date_to": serializers.DateField(
            allow_null=True, read_only=True, help_text="Last day of the period, included."
        ),
        "summary": _serializer(f"{base}Summary", report.summary)(read_only=True),
        "as_of": AS_OF(),
    }
    for table in report.tables:
        row = _serializer(f"{base}{_camel(table.key)}Row", table.columns)
        fields[table.key] = row(many=True, read_only=True, help_text=str(table.title))
    return type(f"{base}Serializer", (serializers.Serializer,), fields)


class ReportAPIView(UserLanguageMixin, APIView):
    model = Report
    read_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]
    report = None
    serializer_class = None

    def get(self, request):
        if not request.user.has_perm(rules.OPEN_REPORT, self.report):
            self.permission_denied(request)
        form = self.report.form_class(request.query_params, actor=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        data = self.report.cached_run(request.user, form.params())
        return Response(self.serializer_class(data).data)


def report_api_view(report) -> type[ReportAPIView]:
    def get(self, request):
        return ReportAPIView.get(self, request)

    with translation.override("en"):
        serializer = response_serializer(report)
        get = extend_schema(
            operation_id=f"reports_{(report.name or report.slug).replace('-', '_')}",
            summary=str(report.title),
            description=str(report.description),
            tags=["reports"],
            parameters=form_parameters(report.form_class),
            responses={
                200: serializer,
                400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
            },
        )(get)
        doc = str(report.description)
    name = f"{_camel(report.name or report.slug)}ReportView"
    attributes = {"report": report, "serializer_class": serializer, "get": get, "__doc__": doc}
    return type(name, (ReportAPIView,), attributes)


urlpatterns = [
    path(
        f"reports/{report.slug}/",
        report_api_view(report).as_view(),
        name=f"api-report-{report.slug}",
    )
    for report in reports()
]


class KPISerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True, help_text="Stable identifier of the KPI.")
    label = serializers.CharField(  # type: ignore[assignment]  # the JSON field "label"
        read_only=True, help_text="Name in the user's language."
    )
    definition = serializers.CharField(read_only=True, help_text="How it is computed.")
    unit = serializers.ChoiceField(choices=["percent", "money", "number", "hours"], read_only=True)
    value = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="The period's value; null when its denominator is 0 or there is no data.",
    )
    previous = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="The previous period's value (previous calendar period, or as many days before).",
    )
    change = serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text="value − previous (percentage points for rates).",
    )
    link = serializers.CharField(read_only=True, help_text="The page of the records behind it.")


class KPIDashboardSerializer(serializers.Serializer):
    as_of = AS_OF()
    date_from = serializers.DateField(read_only=True)
    date_to = serializers.DateField(read_only=True)
    previous_from = serializers.DateField(read_only=True)
    previous_to = serializers.DateField(read_only=True)
    kpis = KPISerializer(many=True, read_only=True)


class KPIView(UserLanguageMixin, APIView):
    """The KPI dashboard: every KPI for the period and the previous one."""

    model = Report
    read_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="kpis",
        summary="KPI dashboard",
        description=(
            "Every KPI of customer management whose inputs Guanxi records (campaign KPIs omitted), "
            "for the period and the one before it (the previous calendar month, quarter or "
            "year; as many days before for other ranges), within the caller's scope."
        ),
        tags=["reports"],
        parameters=form_parameters(KPIForm),
        responses={
            200: KPIDashboardSerializer,
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
        },
    )
    def get(self, request):
        form = KPIForm(request.query_params, actor=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        data = cached_dashboard(actor=request.user, params=form.params())
        return Response(KPIDashboardSerializer(data).data)


urlpatterns.append(path("kpis/", KPIView.as_view(), name="api-kpis"))
