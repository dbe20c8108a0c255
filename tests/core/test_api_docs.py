"""The interactive API docs work offline: Swagger UI is served from the installed package."""

from django.test import Client


def test_api_docs_load_swagger_ui_from_our_own_static_files(db):
    html = Client().get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html
