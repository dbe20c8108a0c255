"""``GET /api/reports/pivot/``: the pivot's numbers 多维分析 as JSON, the same as its page.

The query parameters are the pivot's form (``analytics.pivot.PivotForm``): ``rows``,
``columns`` and ``measure`` are enums in the schema; an unknown one, or a combination the
measure cannot be broken down by (revenue by service type), answers 400 naming the parameter.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.analytics import rules
from guanxi.analytics.api.reports import AS_OF, form_parameters
from guanxi.analytics.models import Report
from guanxi.analytics.pivot import DIMENSIONS, MEASURES, PivotForm
from guanxi.analytics.selectors.pivot import pivot_run
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin


def _value(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=24,
        decimal_places=2,
        allow_null=True,
        read_only=True,
        help_text=help_text
        + " Money and averages with two decimals, counts whole; null: an average of nothing.",
    )


class PivotColumnSerializer(serializers.Serializer):
    key = serializers.CharField(
        read_only=True,
        help_text="A period's first day (YYYY-MM-DD), a record's id, or 'none' (no value).",
    )
    label = serializers.CharField(  # type: ignore[assignment]  # the JSON field "label"
        read_only=True, help_text="Name in the caller's language."
    )
    total = _value("The column's total.")


class PivotRowSerializer(PivotColumnSerializer):
    cells = serializers.ListField(
        child=serializers.DecimalField(max_digits=24, decimal_places=2, allow_null=True),
        read_only=True,
        help_text="One value per column, in the order of ``columns`` (empty without columns).",
    )
    total = _value("The row's total.")


class PivotSerializer(serializers.Serializer):
    date_from = serializers.DateField(read_only=True)
    date_to = serializers.DateField(read_only=True)
    rows_dimension = serializers.ChoiceField(choices=list(DIMENSIONS), read_only=True)
    columns_dimension = serializers.CharField(
        read_only=True, help_text="One of the dimensions of ``rows_dimension``; empty: no columns."
    )
    measure = serializers.ChoiceField(choices=list(MEASURES), read_only=True)
    source = serializers.ChoiceField(  # type: ignore[assignment]  # the JSON field "source"
        choices=["live", "rollup"],
        read_only=True,
        help_text="'rollup': read from the day figures up to their refresh (``as_of``).",
    )
    as_of = AS_OF()
    columns = PivotColumnSerializer(many=True, read_only=True)
    rows = PivotRowSerializer(many=True, read_only=True)
    total = _value("The grand total.")


class PivotView(UserLanguageMixin, APIView):
    """A measure by one or two dimensions, with row, column and grand totals."""

    model = Report
    read_permission = rules.VIEW_REPORTS
    permission_classes = [IsAuthenticated, RoleRights]

    @extend_schema(
        operation_id="reports_pivot",
        summary="Pivot",
        description=(
            "A measure (revenue, orders, customers who bought, order lines, service requests, "
            "average satisfaction) by the dimension of the rows and optionally of the columns "
            "(month, quarter, year, region, industry, customer level, account manager, team, "
            "product category, channel, service type), in the period and the caller's scope, "
            "with row, column and grand totals. Product category applies to the sales "
            "measures, channel and service type to the service measures; other combinations "
            "answer 400 naming the parameter."
        ),
        tags=["reports"],
        parameters=form_parameters(PivotForm),
        responses={
            200: PivotSerializer,
            400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
        },
    )
    def get(self, request):
        form = PivotForm(request.query_params, actor=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(error) for error in errors] for name, errors in form.errors.items()}
            )
        return Response(PivotSerializer(pivot_run(request.user, form.params())).data)
