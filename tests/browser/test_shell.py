"""Sign in as each role, see the navigation that role may use, switch language."""

import pytest

ADMIN_ONLY = {
    "settings_hub",
    "users",
    "teams",
    "roles",
    "dictionaries",
    "province_regions",
    "recycle_bin",
    "field_rules",
    "access_log",
    "pool_settings",
    "lead_routing",
    "stages",
    "sla",
    "company_profile",
    "intelligence_settings",
}
EVERYONE = {
    "home",
    "customers",
    "interactions",
    "churn",
    "pool",
    "opportunities",
    "pipeline",
    "orders",
    "products",
    "targets",
    "leads",
    "quotes",
    "receivables",
    "service",
    "contracts",
    "notifications",
}
# Statistics and reports, and customer intelligence: not for sales assistants.
REPORTS = {
    "reports",
    "kpis",
    "pivot",
    "saved_queries",
    "report-rfm",
    "report-purchase-cycle",
    "report-clv",
    "churn_model",
    "report-product-associations",
    "report-forecast",
}

# Evaluating the CRM (TCO, ROI, before/after, assessment): those who read the company's figures.
EVALUATION = {"tco", "roi", "baselines", "assessment"}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", EVERYONE | ADMIN_ONLY | REPORTS | EVALUATION),
        ("exec", EVERYONE | REPORTS | EVALUATION),
        ("supervisor", EVERYONE | REPORTS),
        ("manager1", EVERYONE | REPORTS),
        ("assistant", EVERYONE),
    ],
)
def test_each_role_sees_its_navigation(sign_in, username, expected):
    page = sign_in(username)
    shown = set(
        page.locator("nav.mainnav a").evaluate_all("links => links.map(link => link.dataset.nav)")
    )
    assert shown == expected


def test_wrong_password_keeps_the_user_out(page, org):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "manager1")
    page.fill("input[name=password]", "wrong")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" in page.url
    assert page.locator("nav.mainnav").count() == 0


def test_switching_language_changes_the_interface_and_sticks(sign_in, org):
    page = sign_in("manager1")
    assert page.locator("nav.mainnav [data-nav=customers]").inner_text() == "客户"
    # The switcher submits its form on change: wait for that navigation, not the current page.
    with page.expect_navigation():
        page.select_option("[data-testid=language-switcher]", "en")
    assert page.locator("nav.mainnav [data-nav=customers]").inner_text() == "Customers"
    org["manager1"].refresh_from_db()
    assert org["manager1"].language == "en"
    page.goto("/customers/")
    assert page.locator("nav.mainnav [data-nav=customers]").inner_text() == "Customers"


def test_sign_out_ends_the_session(sign_in):
    page = sign_in("manager1")
    with page.expect_navigation():
        page.click("form[action$='/accounts/logout/'] button")
    page.goto("/customers/")
    assert "/accounts/login/" in page.url


def test_navigation_folds_into_a_menu_on_a_phone(sign_in, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("admin")
    customers_menu = page.locator("#nav-button-customers")
    assert not customers_menu.is_visible()
    page.click("[data-nav-toggle]")
    assert customers_menu.is_visible()
    customers_menu.click()
    assert page.locator("nav.mainnav [data-nav=customers]").is_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 390
