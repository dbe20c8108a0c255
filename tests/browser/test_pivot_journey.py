"""The pivot 多维分析 in a real browser: an executive breaks revenue down by month and account
manager, plotly draws the chart, a figure opens the records behind it, the pivot is saved as a
query and reopened from the "My queries" menu.

With ``GUANXI_SHOTS=<directory>`` it also leaves screenshots of the pivot and the menu there,
in Chinese and English, at desktop and phone widths.
"""

import os
from pathlib import Path

from guanxi.accounts.models import User
from tests.analytics.fixtures.pivot import pivot_data  # noqa: F401  (a fixture)

QUERY = "date_from=2026-01-01&date_to=2026-03-31&rows=month&columns=owner&measure=revenue"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def _drawn(page):
    page.wait_for_selector("[data-testid=report-chart][data-drawn=true] .main-svg")


def _shots(page, org):
    folder = os.environ.get("GUANXI_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for language in ("zh-hans", "en"):
        User.objects.filter(pk=org["exec"].pk).update(language=language)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"/reports/pivot/?{QUERY}")
            _drawn(page)
            name = f"{folder}/pivot-{language}-{size}"
            page.screenshot(path=f"{name}.png", full_page=True)
            page.click("[data-testid=my-queries-menu] summary")
            page.screenshot(path=f"{name}-my-queries-menu.png")
            page.goto("/reports/queries/")
            page.screenshot(path=f"{folder}/queries-{language}-{size}.png", full_page=True)
            page.goto(f"/reports/pivot/records/?{QUERY}&row=2026-01-01")
            page.screenshot(path=f"{folder}/records-{language}-{size}.png", full_page=True)


def test_pivot_journey(page, sign_in, org, pivot_data):  # noqa: F811
    page.set_default_timeout(60_000)  # a busy machine's first request compiles the templates
    sign_in("exec")
    page.goto(f"/reports/pivot/?{QUERY}")
    _drawn(page)
    table = page.locator("[data-testid=pivot-table]")
    assert "¥720.00" in table.inner_text()
    # The manager1 × January figure opens its one order.
    m1 = org["manager1"].pk
    page.click(f"a[href*='row=2026-01-01'][href*='column={m1}']")
    page.wait_for_selector("[data-testid=pivot-records]")
    assert pivot_data["orders"]["a_jan"].code in page.inner_text("[data-testid=pivot-records]")
    page.click("[data-testid=back-to-pivot]")
    _drawn(page)
    page.click("[data-testid=saved-query-menu] summary")
    page.fill("#save-query-name", "季度各经理收入")
    with page.expect_navigation():
        page.click("[data-testid=save-query-submit]")
    page.click("[data-testid=my-queries-menu] summary")
    link = page.locator("[data-testid=my-query]", has_text="季度各经理收入")
    with page.expect_navigation():
        link.click()
    assert "rows=month" in page.url and "columns=owner" in page.url
    _drawn(page)
    _shots(page, org)
