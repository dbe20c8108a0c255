"""REST endpoints for sign-in tokens, the current user, users and teams."""

import django_filters
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.accounts.lockout import retry_after_seconds
from guanxi.accounts.models import ApiToken, Team, User
from guanxi.accounts.roles import role_label
from guanxi.accounts.rules import MANAGE_ACCOUNTS
from guanxi.accounts.selectors import security as security_selectors
from guanxi.accounts.selectors import tokens as token_selectors
from guanxi.accounts.selectors import users as selectors
from guanxi.accounts.services import mfa as mfa_services
from guanxi.accounts.services import security as security_services
from guanxi.accounts.services import tokens as token_services
from guanxi.accounts.services import users as services
from guanxi.core.api.filters import id_filter
from guanxi.core.api.serializers import VersionedModelSerializer
from guanxi.core.api.throttling import TokenRateThrottle
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.api.viewsets import ScopedViewSet

# --- token ------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


class TokenRequestNameSerializer(TokenRequestSerializer):
    name = serializers.CharField(
        max_length=100, required=False, default="", help_text="What the token is for."
    )
    otp = serializers.CharField(
        max_length=20,
        required=False,
        default="",
        allow_blank=True,
        help_text="The authenticator app's code (or a recovery code): required for users who "
        "set up two-factor sign-in.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`. Shown only in this answer."
    )
    id = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    live = serializers.BooleanField(source="is_live", read_only=True)
    # Empty while the token is not revoked: the schema must allow the blank value too.
    revoked_because = serializers.ChoiceField(
        choices=ApiToken.RevokedBecause.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "username",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_because",
            "live",
        ]
        read_only_fields = fields


class TokenView(UserLanguageMixin, APIView):
    """Exchange a username and password for a new API token (each call issues another).

    The token expires after ``GUANXI_API_TOKEN_DAYS`` days and ends early when the password
    changes, the user is deactivated or loses a role. Failed attempts count towards the same
    lockout as the sign-in page (per user name and client address): once locked, even the
    right password is refused with 429 and ``Retry-After``.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRateThrottle]

    def get_authenticate_header(self, request):
        # Wrong credentials are a 401 (the client should authenticate), not a 403.
        return "Token"

    @extend_schema(
        request=TokenRequestNameSerializer,
        responses={201: TokenSerializer},
        auth=[],
        operation_id="auth_token_create",
    )
    def post(self, request):
        serializer = TokenRequestNameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.pop("name")
        otp = serializer.validated_data.pop("otp")
        http_request = request._request  # axes reads and flags the Django request itself
        user = authenticate(http_request, **serializer.validated_data)
        if getattr(http_request, "axes_locked_out", False):
            # Answer in the API's own error format instead of the middleware's lockout page.
            http_request.axes_locked_out = False
            raise Throttled(
                wait=retry_after_seconds(http_request, serializer.validated_data["username"]),
                detail=_("Too many failed sign-in attempts. Try again later."),
            )
        if user is None:
            raise AuthenticationFailed(_("The user name or password is wrong."))
        security_services.signin_check_address(user=user, request=http_request)
        self._check_second_factor(user, otp, http_request)
        token, key = token_services.token_issue(user=user, name=name)
        return Response(
            {"token": key, "id": token.pk, "expires_at": token.expires_at},
            status=status.HTTP_201_CREATED,
        )

    @staticmethod
    def _check_second_factor(user: User, otp: str, http_request) -> None:
        if security_selectors.has_confirmed_device(user):
            if not otp.strip():
                raise serializers.ValidationError(
                    {"otp": [_("Enter the code of your authenticator app.")]}
                )
            if mfa_services.mfa_verify(user=user, code=otp, request=http_request) is None:
                raise AuthenticationFailed(_("The two-factor code is wrong or was used already."))
        elif security_selectors.mfa_required(user):
            raise PermissionDenied(
                _(
                    "Your role requires two-factor sign-in. Sign in in the browser once and "
                    "set it up first."
                )
            )


class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[ApiToken]
):
    """API tokens: your own (administrators: everyone's, ``?user=<id>``). DELETE revokes one;
    a revoked or expired token stays listed for the record."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # the schema's model; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        user = self.request.query_params.get("user")
        return token_selectors.token_list(actor=self.request.user, user_id=user)

    @extend_schema(
        parameters=[OpenApiParameter("user", int, description="Administrators: one user's tokens.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance):
        token_services.token_revoke(actor=self.request.user, token=instance)


# --- current user -----------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    name = serializers.CharField()
    # DRF's metaclass takes declared fields out of the class, so this never shadows
    # ``Field.label``; the stubs do not model that.
    label = serializers.CharField()  # type: ignore[assignment]


class TeamBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "path"]


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]


def _roles(user) -> list[dict]:
    # Iterating ``groups.all()`` uses a prefetch when the list selector made one.
    return [{"name": g.name, "label": role_label(g.name)} for g in user.groups.all()]


class MeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)
    roles = serializers.SerializerMethodField()
    team = TeamBriefSerializer(read_only=True, allow_null=True)
    supports = UserBriefSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "language", "roles", "team", "supports"]

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return _roles(user)


class MeView(UserLanguageMixin, APIView):
    """The signed-in user: identity, language, roles, team and the managers they support."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer}, operation_id="me_retrieve")
    def get(self, request):
        return Response(MeSerializer(selectors.current_user(user=request.user)).data)


# --- users ------------------------------------------------------------------------------


class UserSerializer(VersionedModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    roles = serializers.SlugRelatedField(
        source="groups",
        slug_field="name",
        many=True,
        required=False,
        queryset=Group.objects.all(),
        help_text="Role (group) names.",
    )
    role_labels = serializers.SerializerMethodField()
    supports = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        many=True,
        required=False,
        help_text="For a sales assistant: the account managers they enter data for.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "language",
            "is_active",
            "team",
            "roles",
            "role_labels",
            "supports",
            "allowed_networks",
            "last_login",
            "date_joined",
            "version",
        ]
        # Deactivation is DELETE (which refuses to lock out the caller), never a PATCH.
        read_only_fields = ["username", "is_active", "last_login", "date_joined"]

    def get_role_labels(self, user) -> list[str]:
        return [role["label"] for role in _roles(user)]


class UserCreateSerializer(UserSerializer):
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "password"]
        read_only_fields = ["is_active", "last_login", "date_joined"]


class UserFilter(django_filters.FilterSet):
    team = id_filter("team")
    role = django_filters.CharFilter(field_name="groups__name", max_length=150)

    class Meta:
        model = User
        fields = ["is_active"]


class UserViewSet(ScopedViewSet):
    """Users. Administrators manage them (DELETE deactivates); everyone else reads the users
    in their own scope (themselves, their team for supervisors, the managers they support)."""

    model = User
    read_permission = None
    write_permission = MANAGE_ACCOUNTS
    filterset_class = UserFilter
    ordering_fields = {"username": "username", "date_joined": "date_joined"}

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    def select(self, actor):
        return selectors.user_list(actor=actor).prefetch_related("supports").distinct()

    def create_record(self, data):
        return services.user_create(actor=self.request.user, roles=data.pop("groups", None), **data)

    def update_record(self, instance, data, expected_version):
        return services.user_update(
            actor=self.request.user,
            user=instance,
            roles=data.pop("groups", None),
            expected_version=expected_version,
            **data,
        )

    def delete_record(self, instance, expected_version):
        services.user_deactivate(actor=self.request.user, user=instance)

    @extend_schema(request=None, responses={200: UserSerializer})
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Let a deactivated user sign in again (administrators only)."""
        user = services.user_reactivate(actor=request.user, user=self.get_object())
        return Response(UserSerializer(user, context=self.get_serializer_context()).data)


# --- teams ------------------------------------------------------------------------------


class TeamSerializer(VersionedModelSerializer):
    # A declared field, taken out of the class by DRF's metaclass: it never shadows
    # ``Field.parent``, which the stubs do not model.
    parent = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Team.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Team
        fields = ["id", "name", "parent", "path", "version"]
        read_only_fields = ["path"]


class TeamFilter(django_filters.FilterSet):
    parent = id_filter("parent")


class TeamViewSet(ScopedViewSet):
    """The organisation tree: every signed-in user reads it, administrators edit it."""

    model = Team
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    read_permission = None
    write_permission = MANAGE_ACCOUNTS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = {"name": "name", "path": "path"}

    def select(self, actor):
        return selectors.team_list()

    def create_record(self, data):
        return services.team_create(actor=self.request.user, **data)

    def update_record(self, instance, data, expected_version):
        return services.team_update(
            actor=self.request.user,
            team=instance,
            name=data.get("name", instance.name),
            parent=data.get("parent", instance.parent),
            expected_version=expected_version,
        )
