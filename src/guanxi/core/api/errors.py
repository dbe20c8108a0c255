"""One JSON error shape for every API failure.

Every error body is ``{"error": {"code": ..., "message": ..., "fields": {...}}}``; ``fields``
names the offending input fields when there are any. Messages are translated in the language
active for the request (the user's own, else Accept-Language).
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request as page_bad_request
from django.views.defaults import page_not_found as page_not_found_page
from django.views.defaults import permission_denied as page_permission_denied
from django.views.defaults import server_error as page_server_error
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from guanxi.core.exceptions import BusinessRuleError, ConflictError, IdempotencyKeyReused

NON_FIELD_KEY = api_settings.NON_FIELD_ERRORS_KEY


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The record has changed since you read it (If-Match does not match its ETag). "
        "Nothing was saved."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Send the If-Match header with the record's ETag, or its version in the body, "
        "so a concurrent change is not overwritten."
    )
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class BusinessRuleViolation(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "business_rule"
    # Set by to_api_exception when the rule names input fields (left unset otherwise).
    fields: dict[str, list[str]]


def _django_fields(error: DjangoValidationError) -> tuple[str, dict[str, list[str]]]:
    if hasattr(error, "error_dict"):
        fields = {
            (NON_FIELD_KEY if name == NON_FIELD_ERRORS else name): [str(m) for m in messages]
            for name, messages in error.message_dict.items()
        }
        first = next(iter(fields.values()), [""])
        return (first[0] if first else ""), fields
    messages = [str(m) for m in error.messages]
    return (messages[0] if messages else ""), {}


def _refused_request(exc: Exception) -> exceptions.APIException:
    """A body Django refuses to read (too large, too many fields) as a JSON 400/413."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(
            gettext("The request body is larger than %(size)s; send less data at once.")
            % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return exceptions.ParseError(
            gettext("The request has too many fields or files; send fewer at once.")
        )
    return exceptions.ParseError(gettext("The request was refused as malformed."))


def to_api_exception(exc: Exception) -> Exception:
    """Map the exceptions that services and selectors raise to DRF's HTTP exceptions."""
    if isinstance(exc, SuspiciousOperation):
        # Django logs these on its security logger when it answers them itself; so do we.
        logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
        return _refused_request(exc)
    if isinstance(exc, ConflictError):
        return Conflict(exc.message, exc.current_version)
    if isinstance(exc, IdempotencyKeyReused):
        return BusinessRuleViolation(exc.message, code="idempotency_key_reused")
    if isinstance(exc, BusinessRuleError):
        message, fields = _django_fields(exc)
        converted = BusinessRuleViolation(message)
        converted.fields = fields
        return converted
    if isinstance(exc, DjangoValidationError):
        message, fields = _django_fields(exc)
        return exceptions.ValidationError(fields or {NON_FIELD_KEY: [message]})
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    return exc


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors become dotted field names: ``{"team.name": [...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, (dict, list)) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    items = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD_KEY: [str(item) for item in items]}


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def exception_handler(exc, context):
    exc = to_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let Django answer 500 and log it
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        only_general = list(fields) == [NON_FIELD_KEY]
        message = (
            fields[NON_FIELD_KEY][0] if only_general else str(_("Check the highlighted fields."))
        )
        body = error_body("validation_error", message, fields)
    else:
        detail = exc.detail
        if isinstance(detail, (list, dict)):
            fields = _flatten(detail)
            message = next(iter(fields.values()))[0]
        else:
            fields, message = getattr(exc, "fields", None), str(detail)
        code = detail.code if hasattr(detail, "code") else exc.default_code
        body = error_body(str(code or exc.default_code), message, fields)
    if isinstance(exc, Conflict) and exc.current_version is not None:
        body["error"]["current_version"] = exc.current_version
    return Response(body, status=exc.status_code, headers=headers)


def bad_request(request, exception, *args, **kwargs):
    """A request refused before any view (a body too large for a middleware to read, say)
    under /api/ answers in the API's error shape; pages get 400.html."""
    if not request.path.startswith("/api/"):
        return page_bad_request(request, exception, *args, **kwargs)
    refused = _refused_request(exception)
    body = error_body(str(getattr(refused.detail, "code", "")), str(refused.detail))
    return JsonResponse(body, status=refused.status_code)


def not_found(request, exception, *args, **kwargs):
    """A missing address under /api/ answers in the API's error shape; pages get 404.html."""
    if not request.path.startswith("/api/"):
        return page_not_found_page(request, exception, *args, **kwargs)
    refused = exceptions.NotFound()
    return JsonResponse(error_body("not_found", str(refused.detail)), status=refused.status_code)


def permission_denied(request, exception, *args, **kwargs):
    """A refusal under /api/ outside DRF answers in the API's error shape; pages get 403.html."""
    if not request.path.startswith("/api/"):
        return page_permission_denied(request, exception, *args, **kwargs)
    refused = exceptions.PermissionDenied(str(exception) or None)
    body = error_body("permission_denied", str(refused.detail))
    return JsonResponse(body, status=refused.status_code)


def server_error(request, *args, **kwargs):
    """A crash under /api/ answers in the API's error shape; pages get 500.html, rendered
    without the request's context so it works when the database does not."""
    if not request.path.startswith("/api/"):
        return page_server_error(request, *args, **kwargs)
    body = error_body("server_error", str(_("Something went wrong on the server. Try again.")))
    return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
