"""The key pages run under the Content-Security-Policy without a single violation: every
script they need (htmx, the charts, the kanban, the API docs) comes from the site's files."""

from tests.customers.fixtures.customers import CustomerFactory

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def visit(page, path: str) -> list[str]:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations")


def test_key_pages_report_no_policy_violations(page, sign_in, org):
    customer = CustomerFactory(owner=org["manager1"], name="策略客户")
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    assert visit(page, "/accounts/login/") == []
    sign_in("admin")
    for path in [
        "/",
        "/customers/",
        f"/customers/{customer.pk}/",
        "/sales/pipeline/",
        "/reports/customer-contribution/",
        "/reports/kpis/",
        "/api/docs/",
    ]:
        assert visit(page, path) == [], path
    assert not [text for text in console if "Content Security Policy" in text]


def test_the_policy_blocks_an_injected_inline_script(page, sign_in, org):
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in("manager1")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__injected = true";
          document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))


def test_the_language_switcher_and_select_all_work_without_inline_handlers(page, sign_in, org):
    for index in range(2):
        CustomerFactory(owner=org["manager1"], name=f"勾选客户{index}")
    sign_in("manager1")
    page.goto("/customers/")
    page.check("[data-testid=bulk-select-page]")
    boxes = page.locator("input[data-bulk-row]")
    assert boxes.count() >= 2
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    with page.expect_navigation():
        page.select_option("[data-testid=language-switcher]", "en")
    assert page.locator("nav.mainnav [data-nav=customers]").inner_text() == "Customers"
