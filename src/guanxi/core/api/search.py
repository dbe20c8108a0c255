"""``GET /api/search/?q=``: the global search (core.search) as JSON, grouped by kind.

Every kind the caller may read (customers, contacts, leads, opportunities, deals, quotes,
orders, contracts, service requests), each group the newest ``limit`` records in the caller's
scope with protected fields shown as the caller sees them. A missing, blank, too short or too
long ``q`` answers 400 naming ``q``.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.core.api.serializers import ErrorSerializer
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.search import (
    DROPDOWN_LIMIT,
    MAX_LIMIT,
    MAX_TERM_LENGTH,
    global_search,
    search_term_clean,
)


class GlobalSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        trim_whitespace=False,  # search_term_clean trims, and names every other fault
        allow_blank=True,
        help_text=f"2 to {MAX_TERM_LENGTH} characters: a name (or its pinyin / initials, e.g. "
        "zhangwei or zw for 张伟), a code, a phone number or an e-mail.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=DROPDOWN_LIMIT,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"How many records of each kind at most (default {DROPDOWN_LIMIT}).",
    )

    def validate_q(self, value: str) -> str:
        try:
            return search_term_clean(value)
        except ValidationError as invalid:
            raise serializers.ValidationError(invalid.messages) from invalid


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="The kind's key, e.g. customer, order.")
    kind_label = serializers.CharField(help_text="The kind's name in the caller's language.")
    title = serializers.CharField()
    subtitle = serializers.CharField(help_text="Details; protected fields masked for the caller.")
    url = serializers.CharField(help_text="The record's page.")


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(
        source="label", help_text="The kind's name (plural) in the caller's language."
    )
    results = SearchHitSerializer(many=True, source="hits")
    more = serializers.BooleanField(help_text="More records of this kind match than returned.")
    list_url = serializers.CharField(
        help_text="The kind's list page showing every match (empty if the kind has none)."
    )


class GlobalSearchResultSerializer(serializers.Serializer):
    q = serializers.CharField(source="term", help_text="The term searched for, as cleaned.")
    groups = SearchGroupSerializer(
        many=True, help_text="One group per kind with matches, in a fixed order of kinds."
    )


class GlobalSearchView(UserLanguageMixin, APIView):
    """Records of every kind the caller may read that ``q`` finds, grouped by kind."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="search",
        summary="Search every kind of record (customers, contacts, leads, orders, requests…)",
        tags=["search"],
        parameters=[GlobalSearchQuerySerializer],
        responses={
            200: GlobalSearchResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`q` missing, too short or long."),
        },
    )
    def get(self, request):
        query = GlobalSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        outcome = global_search(
            actor=request.user,
            term=query.validated_data["q"],
            limit=query.validated_data["limit"],
            request=request,
        )
        return Response(GlobalSearchResultSerializer(outcome).data)
