"""Stateless calculators other tools may call: ``POST /api/evaluation/ahp/`` (weights and
consistency of one judgement matrix) and ``POST /api/evaluation/fuzzy/`` (a fuzzy
comprehensive evaluation of one level). Nothing is stored; input errors are 400 naming the
cell or the part."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.schema import ERROR_DESCRIPTIONS
from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.evaluation.errors import fuzzy_error, judgement_error
from guanxi.evaluation.methods import ahp as ahp_method
from guanxi.evaluation.methods import fuzzy as fuzzy_method

MAX_VALUES = 50  # rows, weights or grades: far beyond any scorecard, bounds the work


class _Numbers(serializers.ListField):
    """A list of plain numbers (the methods check their values and name the bad one)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.FloatField(), max_length=MAX_VALUES, **kwargs)


class AHPRequestSerializer(serializers.Serializer):
    matrix = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField(), max_length=MAX_VALUES),
        max_length=MAX_VALUES,
        help_text=(
            "Pairwise judgements on Saaty's 1–9 scale: matrix[i][j] is how much more important "
            "item i is than item j; square, positive, ones on the diagonal, reciprocal "
            "(1/3 may be written 0.3333)."
        ),
    )


class JudgementSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row of the judgement (from 0).")
    column = serializers.IntegerField(help_text="Column of the judgement (from 0).")
    given = serializers.FloatField(help_text="The judgement in the matrix.")
    implied = serializers.FloatField(help_text="What the weights imply: w[row] / w[column].")


class AHPResultSerializer(serializers.Serializer):
    weights = serializers.ListField(
        child=serializers.FloatField(), help_text="Priority vector (principal eigenvector, sum 1)."
    )
    lambda_max = serializers.FloatField(help_text="Principal eigenvalue λmax.")
    ci = serializers.FloatField(help_text="Consistency index (λmax − n) / (n − 1).")
    cr = serializers.FloatField(help_text="Consistency ratio CI / RI(n).")
    consistent = serializers.BooleanField(help_text="CR below 0.10.")
    worst = JudgementSerializer(
        many=True,
        help_text="When inconsistent: the judgements furthest from the weights, worst first.",
    )


class FuzzyRequestSerializer(serializers.Serializer):
    weights = _Numbers(help_text="The indicators' weights (sum 1).")
    membership = serializers.ListField(
        child=_Numbers(),
        max_length=MAX_VALUES,
        help_text="One row per indicator: the share of experts choosing each grade.",
    )
    grade_scores = _Numbers(
        required=False,
        allow_null=True,
        help_text="The value of each grade, for the weighted score (optional).",
    )


class FuzzyResultSerializer(serializers.Serializer):
    vector = serializers.ListField(
        child=serializers.FloatField(), help_text="Grade vector B = W·R (operator M(·,⊕))."
    )
    grade_index = serializers.IntegerField(help_text="The grade of maximum membership (from 0).")
    score = serializers.FloatField(
        allow_null=True, help_text="Σ b·s / Σ b with the grade scores; null without them."
    )


def _errors() -> dict[int, OpenApiResponse]:
    return {
        400: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["400"]),
        403: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["403"]),
    }


class AHPView(UserLanguageMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_ahp",
        summary="AHP weights and consistency of a judgement matrix",
        tags=["evaluation"],
        request=AHPRequestSerializer,
        responses={200: AHPResultSerializer, **_errors()},
    )
    def post(self, request: Request) -> Response:
        incoming = AHPRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            result = ahp_method.ahp(incoming.validated_data["matrix"])
        except ahp_method.JudgementError as error:
            name, message = judgement_error(error)
            raise serializers.ValidationError({name: [message]}) from error
        return Response(AHPResultSerializer(result).data)


class FuzzyView(UserLanguageMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="evaluation_fuzzy",
        summary="Fuzzy comprehensive evaluation of one level",
        tags=["evaluation"],
        request=FuzzyRequestSerializer,
        responses={200: FuzzyResultSerializer, **_errors()},
    )
    def post(self, request: Request) -> Response:
        incoming = FuzzyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            vector = fuzzy_method.combine(data["weights"], data["membership"])
            result = fuzzy_method.result(vector, data.get("grade_scores"))
        except fuzzy_method.FuzzyError as error:
            name, message = fuzzy_error(error)
            raise serializers.ValidationError({name: [message]}) from error
        return Response(FuzzyResultSerializer(result).data)


urlpatterns = [
    path("evaluation/ahp/", AHPView.as_view(), name="api-evaluation-ahp"),
    path("evaluation/fuzzy/", FuzzyView.as_view(), name="api-evaluation-fuzzy"),
]
