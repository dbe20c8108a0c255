"""OpenAPI generation: every operation documents the error responses it can give."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from guanxi.core.api.idempotency import HEADER, KEY_PATTERN, is_idempotent
from guanxi.core.api.serializers import ErrorSerializer

ERROR_DESCRIPTIONS = {
    "400": "Invalid input, filter or ordering; `fields` names each offending field.",
    "401": "Not authenticated.",
    "403": "Authenticated but without the right to do this.",
    "404": "Not found, or outside the caller's data scope.",
    "409": "The body's `version` is stale: someone else saved the record first.",
    "412": "If-Match does not match the record's current ETag. Nothing was saved.",
    "413": "The request body is larger than the server accepts (2.5 MB by default).",
    "422": "The request breaks a business rule, or reuses an Idempotency-Key for another request.",
    "428": "PUT/PATCH without If-Match and without `version` in the body.",
    "429": "Too many requests; see the Retry-After header.",
}
IF_MATCH_HELP = (
    'The ETag of the record as read (e.g. "3"). On PUT/PATCH send it, or the `version` '
    "field in the body; a mismatch answers 412 and nothing is written."
)

IDEMPOTENCY_KEY_HELP = (
    "A key of your choosing (e.g. a UUID) that makes a retried create safe: a repeat with the "
    "same key, path and body within 24 hours answers the first response again (with "
    "`Idempotent-Replayed: true`) and creates nothing; the same key with another body is a "
    "422. Keys are per user; only successful answers are kept."
)


class GuanxiAutoSchema(AutoSchema):
    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        has_id = "{" in self.path
        if self.method in {"POST", "PUT", "PATCH"}:
            codes += ["400", "413", "422"]
        if self.method == "DELETE":
            codes.append("422")  # e.g. an opportunity that is no longer unassigned
        if self.method == "GET" and not has_id and self._is_list_view():
            codes += ["400", "404"]
        if has_id:
            codes.append("404")
        if self._is_versioned() and self.method in {"PUT", "PATCH"}:
            codes += ["409", "412", "428"]
        if self._is_versioned() and self.method == "DELETE":
            codes += ["409", "412"]
        return codes

    def _is_versioned(self) -> bool:
        return bool(getattr(self.view, "versioned", False)) and "{" in self.path

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._is_versioned() and self.method in {"PUT", "PATCH", "DELETE"}:
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description=IF_MATCH_HELP,
                )
            )
        if self.method == "POST" and is_idempotent(
            type(self.view), getattr(self.view, "action", None)
        ):
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
                    OpenApiParameter.HEADER,
                    description=IDEMPOTENCY_KEY_HELP,
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(ErrorSerializer, code)
                responses[code]["description"] = ERROR_DESCRIPTIONS[code]
        return responses
