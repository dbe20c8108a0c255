"""Error pages 403, 404, 429 and 500: Guanxi's own style, the user's language, a way back;
the API keeps answering JSON; the demo runs without Django's debug pages."""

import json
import os
import subprocess
import sys

import pytest
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext

from guanxi import cli
from guanxi import urls as project_urls
from guanxi.core.api.errors import not_found, server_error
from tests.customers.fixtures.customers import CustomerFactory


def _crash(request):
    raise RuntimeError("internal detail that must not reach the page")


# This module is also the URLconf of the 500 tests: the project's URLs plus a crashing view.
urlpatterns = [path("crash/", _crash), *project_urls.urlpatterns]
handler500 = project_urls.handler500


def _client(user, language: str) -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _in(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def _back_link(html: str) -> bool:
    return 'data-testid="error-back"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_unknown_address_shows_the_404_page_in_the_users_language(org, language):
    response = _client(org["manager1"], language).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert _in(language, "Page not found") in html
    assert 'data-status="404"' in html
    assert _back_link(html) and 'href="/"' in html
    # The header and its menus are still there, so the user can go on from here.
    assert 'id="mainnav"' in html


def test_a_record_outside_the_scope_is_the_same_404_page(org):
    other = CustomerFactory(owner=org["manager2"])
    response = _client(org["manager1"], "zh-hans").get(reverse("customers:detail", args=[other.pk]))
    assert response.status_code == 404
    assert 'data-status="404"' in response.content.decode()


def test_a_visitor_gets_the_404_page_in_the_browsers_language(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Page not found" in html
    assert "Using the URLconf" not in html


def test_a_supervisor_opening_a_settings_page_gets_the_translated_403_page(org):
    response = _client(org["supervisor"], "zh-hans").get(reverse("accounts:user_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert _in("zh-hans", "Not allowed") in html
    assert "403 Forbidden" not in html
    assert 'data-status="403"' in html and _back_link(html)


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_crash_shows_the_500_page_without_its_details(db, language):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert _in(language, "Something went wrong") in html
    assert 'data-status="500"' in html and _back_link(html)
    assert "internal detail" not in html


def test_the_500_page_renders_without_the_database():
    # No database fixture: any query while rendering would raise here.
    request = RequestFactory().get("/customers/")
    response = server_error(request)
    assert response.status_code == 500
    assert 'data-status="500"' in response.content.decode()


def test_the_api_keeps_answering_errors_in_json(db):
    request = RequestFactory().get("/api/no-such-thing")
    response = not_found(request, Http404("nothing here"))
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "not_found"
    crashed = server_error(RequestFactory().get("/api/customers/"))
    assert json.loads(crashed.content)["error"]["code"] == "server_error"
    unknown = Client().get("/api/no-such-endpoint/")
    assert unknown.status_code in (401, 404)
    assert "error" in unknown.json()


def test_the_lockout_page_is_an_error_page_with_a_way_back_to_sign_in(org):
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(5):
        client.post(reverse("accounts:login"), {"username": "manager1", "password": f"x{n}"})
    locked = client.post(reverse("accounts:login"), {"username": "manager1", "password": "pw"})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert 'data-status="429"' in html
    assert "Sign-in paused" in html
    assert f'href="{reverse("accounts:login")}"' in html


def test_the_demo_runs_with_debug_off_and_shows_its_own_404(tmp_path, monkeypatch):
    monkeypatch.setenv("GUANXI_DEMO", "")
    monkeypatch.setenv("GUANXI_DEBUG", "")
    cli.demo_environment()  # what ``guanxi demo`` sets before Django starts
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env["GUANXI_DATA_DIR"] = str(tmp_path)
    probe = (
        "import json, django, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'guanxi.settings'\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "response = Client(HTTP_ACCEPT_LANGUAGE='en').get('/no-such-page/')\n"
        "print(json.dumps({'debug': settings.DEBUG, 'ssl': settings.SECURE_SSL_REDIRECT,\n"
        "  'finders': settings.WHITENOISE_USE_FINDERS, 'status': response.status_code,\n"
        "  'page': response.content.decode()}))\n"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter and settings)
        [sys.executable, "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["debug"] is False
    assert seen["ssl"] is False  # the demo is plain HTTP on this machine
    assert seen["finders"] is True  # static files without collectstatic
    assert seen["status"] == 404
    assert 'data-status="404"' in seen["page"]
    assert "Using the URLconf" not in seen["page"]


def test_a_refused_csrf_check_shows_the_403_page_saying_what_to_do(org, english):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org["manager1"])
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-status="403"' in html
    assert "Reload the page and try again." in html
    assert "CSRF verification failed" not in html
