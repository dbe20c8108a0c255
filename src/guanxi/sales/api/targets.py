"""REST endpoints of sales targets 销售目标/配额.

``/api/targets/`` lists (filters ``user``, ``team``, ``category``, ``period_kind``, ``year``),
creates, reads, updates and deletes targets within the caller's scope; every target comes with
its read-only ``achieved`` amount and achievement ``rate``. The rules live in
``services.targets``: no right → 403, outside the scope → 404, bad input → 400 naming the
field, a stale ``version`` (or If-Match → 412) → 409.
"""

from typing import cast

import django_filters
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from guanxi.accounts.models import Team, User
from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.viewsets import ScopedViewSet
from guanxi.sales.models import ProductCategory, Target
from guanxi.sales.selectors import targets as selectors
from guanxi.sales.services import targets as services


class TargetSerializer(VersionedModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Id of the sales rep; give either `user` or `team`.",
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the team (its sub-teams' orders count too); either `user` or `team`.",
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=ProductCategory.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of a product category; null: all products.",
    )
    period_start = serializers.DateField(
        help_text="Any day of the period; stored as the first day of its month, quarter or year."
    )
    subject_name = serializers.SerializerMethodField()
    achieved = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        help_text="Sold in the period: orders not cancelled (their lines of the category).",
    )
    rate = serializers.DecimalField(
        max_digits=30,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="achieved ÷ amount, e.g. 0.5423; null when the amount is 0.",
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "user",
            "team",
            "subject_name",
            "category",
            "period_kind",
            "period_start",
            "period_end",
            "amount",
            "achieved",
            "rate",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["period_end", "created_at", "updated_at"]
        extra_kwargs = {
            "amount": {
                "min_value": 0,
                "max_value": services.MAX_AMOUNT,
                "help_text": "Target amount in CNY, two decimals.",
            },
        }

    def get_subject_name(self, target: Target) -> str:
        # A target is either a user's or a team's.
        return str(target.user) if target.user_id else cast(Team, target.team).name


class TargetFilter(django_filters.FilterSet):
    user = id_filter("user", help_text="Id of the sales rep.")
    team = id_filter("team", help_text="Id of the team.")
    category = id_filter("category", help_text="Id of the product category.")
    period_kind = django_filters.ChoiceFilter(choices=Target.PeriodKind.choices)
    year = django_filters.NumberFilter(
        field_name="period_start",
        lookup_expr="year",
        min_value=1,
        max_value=9999,
        decimal_places=0,
        help_text="Targets of periods starting in this year.",
    )

    class Meta:
        model = Target
        fields: list[str] = []


class TargetViewSet(ScopedViewSet):
    """Sales targets in the caller's scope (their own; a supervisor's team and its reps; all for
    executives and administrators) with their achievement. Administrators and supervisors
    write them; DELETE moves one to the recycle bin."""

    model = Target
    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = {"period_start": "period_start", "amount": "amount"}

    def select(self, actor):
        return selectors.target_list(actor=actor)

    def _fresh(self, target):
        return selectors.target_get(actor=self.request.user, pk=target.pk)

    def create_record(self, data):
        return self._fresh(services.target_create(actor=self.request.user, **data))

    def update_record(self, instance, data, expected_version):
        return self._fresh(
            services.target_update(
                actor=self.request.user,
                target=instance,
                expected_version=expected_version,
                **data,
            )
        )

    def delete_record(self, instance, expected_version):
        services.target_delete(
            actor=self.request.user, target=instance, expected_version=expected_version
        )


router = SimpleRouter()
router.register("targets", TargetViewSet, basename="api-target")
urlpatterns = [*router.urls]
