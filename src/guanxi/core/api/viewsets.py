"""The base of every record endpoint: scoped reads from a selector, writes through services.

A subclass names its ``model``, a ``selector`` (called with ``actor=request.user``, so an
out-of-scope id is simply absent → 404), serializers and the ``create_record`` /
``update_record`` / ``delete_record`` hooks that call the app's services. Service errors
become HTTP answers in :mod:`guanxi.core.api.errors`.
"""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from guanxi.core.api.concurrency import check_if_match, etag
from guanxi.core.api.errors import Conflict, PreconditionFailed, PreconditionRequired
from guanxi.core.api.idempotency import idempotent
from guanxi.core.api.parsers import JSONParser
from guanxi.core.api.permissions import RoleRights
from guanxi.core.api.views import UserLanguageMixin
from guanxi.core.exceptions import ConflictError

MAX_ID = 2**63 - 1


def query_text(request, name: str, max_length: int = 200) -> str:
    """A free-text query parameter, refused (400) when no database could store it."""
    value = request.query_params.get(name, "")
    if "\x00" in value or len(value) > max_length:
        raise ValidationError({name: [_("Enter a shorter text without control characters.")]})
    return value


class ScopedViewSet(UserLanguageMixin, viewsets.ModelViewSet):
    model: type[Model] | None = None
    # staticmethod(selector) taking actor=...
    selector: ClassVar[Callable[..., QuerySet[Any]] | None] = None
    versioned = True  # the model has a ``version``: ETag, If-Match and 409/412/428 apply
    permission_classes = [IsAuthenticated, RoleRights]
    # Records are JSON documents; typed fields (ids, null) do not survive form encoding.
    parser_classes = [JSONParser]
    ordering_fields: dict[str, str] = {}
    ordering: tuple[str, ...] = ()

    # --- reads -------------------------------------------------------------------------
    def select(self, actor):
        return type(self).selector(actor=actor)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.select(self.request.user)

    def get_object(self):
        raw = str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, ""))
        # A malformed or overflowing id is simply not found; it never reaches the database.
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise NotFound()
        return super().get_object()

    def _headers(self, instance) -> dict:
        return {"ETag": etag(instance)} if self.versioned else {}

    def output(self, instance, status_code=status.HTTP_200_OK) -> Response:
        data = self.get_serializer(instance).data
        return Response(data, status=status_code, headers=self._headers(instance))

    def retrieve(self, request, *args, **kwargs):
        return self.output(self.get_object())

    # --- writes ------------------------------------------------------------------------
    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, instance, data: dict, expected_version: int | None):
        raise NotImplementedError

    def delete_record(self, instance, expected_version: int | None) -> None:
        raise NotImplementedError

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        return self.output(self.create_record(data), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        if_match = check_if_match(request, instance) if self.versioned else False
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        sent_version = data.pop("version", None)
        expected = None
        if self.versioned:
            if not if_match and sent_version is None:
                raise PreconditionRequired()
            if sent_version is not None and sent_version != instance.version:
                raise Conflict(str(ConflictError.default_message), instance.version)
            expected = instance.version
        try:
            updated = self.update_record(instance, data, expected)
        except ConflictError:
            # Someone saved between our read and our write: the precondition no longer holds.
            if if_match and sent_version is None:
                raise PreconditionFailed() from None
            raise
        return self.output(updated)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        expected = None
        if self.versioned and check_if_match(request, instance):
            expected = instance.version
        self.delete_record(instance, expected)
        return Response(status=status.HTTP_204_NO_CONTENT)
