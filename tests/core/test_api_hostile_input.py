"""Hostile request bodies never cause a 500 under /api/: each is a JSON 400 or 413 naming the
problem, in the caller's language; pages keep Django's HTML error page."""

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path
from rest_framework import parsers as drf_parsers

from guanxi import urls as project_urls
from guanxi.core.api import parsers
from guanxi.customers.models import Customer

TOKEN = "/api/auth/token/"
NESTED_TOO_DEEP = (
    "The request body is nested too deeply: at most 32 levels of lists and objects are accepted."
)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_a_400_without_authentication(api, depth):
    response = api(language="en").post(TOKEN, _nested(depth), content_type="application/json")
    assert _error(response, 400) == {"code": "parse_error", "message": NESTED_TOO_DEEP}


def test_deeply_nested_json_is_a_400_on_record_endpoints(api):
    body = '{"name": ' * 2000 + '"x"' + "}" * 2000
    response = api("manager1", language="en").post(
        "/api/customers/", body, content_type="application/json"
    )
    assert _error(response, 400)["message"] == NESTED_TOO_DEEP
    assert not Customer.objects.filter(owner__username="manager1").exists()


def test_json_within_the_depth_limit_is_parsed(api):
    # 32 levels are parsed; the token endpoint then names the missing fields.
    response = api(language="en").post(TOKEN, _nested(32), content_type="application/json")
    assert _error(response, 400)["code"] == "validation_error"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"username": ', "The request body is not valid JSON (line 1, column 14)."),
        ('{"username": NaN}', "The request body is not valid JSON: NaN is not a number in JSON."),
        (
            '{"n": ' + "9" * 5000 + "}",
            "The request body is not valid JSON: a value in it is too large.",
        ),
    ],
)
def test_malformed_json_is_a_400_naming_the_problem(api, body, message):
    response = api(language="en").post(TOKEN, body, content_type="application/json")
    assert _error(response, 400) == {"code": "parse_error", "message": message}


def test_bytes_that_are_not_utf8_are_a_400(api):
    response = api(language="en").post(TOKEN, b"\xff\xfe{}", content_type="application/json")
    assert _error(response, 400)["message"] == "The request body is not valid utf-8 text."


@pytest.mark.parametrize(
    ("url", "body", "content_type"),
    [
        (TOKEN, json.dumps({"username": "x" * 3_000_000}), "application/json"),
        (TOKEN, "username=" + "x" * 3_000_000, "application/x-www-form-urlencoded"),
        ("/api/customers/", json.dumps({"name": "x" * 3_000_000}), "application/json"),
    ],
)
def test_an_oversized_body_is_a_json_413(api, url, body, content_type):
    response = api("manager1", language="en").post(url, body, content_type=content_type)
    assert _error(response, 413) == {
        "code": "request_too_large",
        "message": "The request body is larger than 2.5\xa0MB; send less data at once.",
    }


def test_too_many_form_fields_is_a_json_400(api):
    body = "&".join(f"field{i}=1" for i in range(1500))
    response = api(language="en").post(
        TOKEN, body, content_type="application/x-www-form-urlencoded"
    )
    assert _error(response, 400) == {
        "code": "parse_error",
        "message": "The request has too many fields or files; send fewer at once.",
    }


def test_a_page_keeps_the_html_400_for_an_oversized_body(login):
    response = login("manager1").post(
        "/customers/new/", "name=" + "x" * 3_000_000, "application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "application/json" not in response["Content-Type"]


def _refuse(request):
    raise RequestDataTooBig("too big")


urlpatterns = [
    path("api/refused/", _refuse),
    path("refused/", _refuse),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400


@pytest.mark.urls(__name__)
def test_a_body_refused_outside_the_api_views_is_still_json_under_api(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/refused/")
    assert _error(response, 413)["code"] == "request_too_large"
    page = Client().get("/refused/")
    assert page.status_code == 400 and "application/json" not in page["Content-Type"]


def _api_views(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_views(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            view = entry.callback
            cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
            if cls is not None and hasattr(cls, "parser_classes"):
                initkwargs = getattr(view, "initkwargs", {}) or {}
                yield entry, initkwargs.get("parser_classes", cls.parser_classes)


def test_every_api_view_parses_json_with_the_depth_limited_parser():
    views = list(_api_views())
    assert len(views) > 50
    for entry, parser_classes in views:
        for parser in parser_classes:
            if issubclass(parser, drf_parsers.JSONParser):
                assert issubclass(parser, parsers.JSONParser), (entry.pattern, parser)


def test_nesting_depth_is_counted_without_recursion():
    deep: list = []
    for _ in range(50_000):
        deep = [deep]
    assert parsers.nesting_depth(deep, limit=32) == 33
    assert parsers.nesting_depth({"a": [1, {"b": []}], "c": {}}, limit=32) == 4
    assert parsers.nesting_depth("text", limit=32) == 0
