"""An unexpected crash under /api/ still answers in the API's JSON error shape."""

import pytest
from django.test import Client
from django.urls import path

from guanxi import urls as project_urls


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("api/crash/", _crash),
    path("crash/", _crash),
    *project_urls.urlpatterns,
]
handler500 = project_urls.handler500


@pytest.mark.urls(__name__)
def test_api_crash_is_a_json_500(db):
    response = Client(raise_request_exception=False).get("/api/crash/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "server_error"


@pytest.mark.urls(__name__)
def test_page_crash_keeps_the_html_500(db):
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    assert "application/json" not in response["Content-Type"]
