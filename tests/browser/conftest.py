"""Playwright in Debian's chromium against Django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's async-safety guard
would refuse the ORM calls of fixtures; the tests never share a connection across threads.
"""

import os
from pathlib import Path

import pytest

from tests.service.fixtures.mail import smtp_server  # noqa: F401  (the intake journey)

CHROMIUM = os.environ.get("GUANXI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/system-deps.sh (Debian package chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db, request):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        browser_page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture
def sign_in(page, org):
    """``sign_in("manager1")`` signs in through the real login form (demo password "pw")."""

    def _sign_in(username: str, password: str = "pw"):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"
        return page

    return _sign_in
