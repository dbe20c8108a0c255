"""The ``Idempotency-Key`` header of the API's create endpoints.

A client that may retry a create (a timeout, a dropped connection) sends a key of its own
choosing, e.g. a UUID. The first request with the key creates the record; a retry with the
same key, method, path and body within 24 hours gets the first answer again (with the header
``Idempotent-Replayed: true``) and creates nothing; the same key with another request is a
422. Keys are per user. Without the header a create behaves as it always did.

``ScopedViewSet.create`` is wrapped once here, so every record endpoint has it (a subclass
that overrides ``create`` calls ``super().create``); another POST that creates records may
use :func:`idempotent` too. The rule itself lives in ``core.services.idempotency``.
"""

import functools
import hashlib
import json
import re

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from guanxi.core.services import idempotency as services

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Visible ASCII, as HTTP header values travel safely; a UUID fits many times over.
KEY_PATTERN = r"^[!-~]{1,255}$"
_KEY = re.compile(KEY_PATTERN)
# Answer headers a replay repeats (the record's ETag and where it lives).
_KEPT_HEADERS = ("ETag", "Location")


def _file_digest(value) -> str:
    """Uploaded files count by their content in the request's fingerprint."""
    if not hasattr(value, "chunks"):
        return str(value)
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return f"file:{getattr(value, 'name', '')}:{digest.hexdigest()}"


def request_fingerprint(request) -> str:
    """SHA-256 of the method, the path with its query and the parsed body, canonically: the
    same JSON with its keys in another order or other spacing is the same request."""
    body = json.dumps(request.data, sort_keys=True, default=_file_digest, ensure_ascii=False)
    text = "\n".join([request.method, request.get_full_path(), body])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is not None and not _KEY.match(key):
        raise ValidationError(
            {
                HEADER: [
                    _("Send an Idempotency-Key of 1 to 255 visible ASCII characters, e.g. a UUID.")
                ]
            }
        )
    return key


def idempotent(create):
    """Make the view method ``create`` honour the Idempotency-Key header."""

    @functools.wraps(create)
    def wrapper(view, request, *args, **kwargs):
        key = _key(request)
        if key is None or request.method != "POST":  # reads of a GET-and-POST action
            return create(view, request, *args, **kwargs)
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            claimed = services.idempotency_claim(
                user=request.user,
                key=key,
                method=request.method,
                path=request.path[:2000],
                request_hash=fingerprint,
            )
            if isinstance(claimed, services.StoredAnswer):
                headers = {**claimed.headers, REPLAYED_HEADER: "true"}
                return Response(claimed.body, status=claimed.status_code, headers=headers)
            response = create(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                # Nothing was created: forget the key, so a corrected retry may use it.
                transaction.set_rollback(True)
                return response
            services.idempotency_record(
                claim=claimed,
                status_code=response.status_code,
                body=json.loads(json.dumps(response.data, cls=JSONEncoder)),
                headers={name: response[name] for name in _KEPT_HEADERS if name in response},
            )
            return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def is_idempotent(view_class, action: str | None) -> bool:
    """Whether the view's ``action`` honours the header (read by the OpenAPI schema)."""
    return bool(action) and any(
        getattr(klass.__dict__.get(action), "idempotent", False) for klass in view_class.__mro__
    )
