"""The key pages looked at as a user would: each role's pages in Chinese and English, at a
laptop's 1366 px and a phone's 390 px, screenshotted to test-artifacts/screens/ and checked for
horizontal overflow, clipped buttons and badges, overlapping controls, untranslated strings,
pictographs drawn as empty boxes, and (once per page) axe-core's serious or critical
accessibility violations. Run once per CI (marker ``screens``)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.customers.services.interactions import interaction_create
from guanxi.sales.services.pipeline import deal_create
from tests.browser.conftest import ARTIFACTS
from tests.browser.screens import axe_problems, layout_problems, text_problems
from tests.customers.fixtures.customers import ContactFactory, CustomerFactory
from tests.sales.fixtures.contracts import make_contract, open_receivable
from tests.sales.fixtures.orders import catalogue, make_order
from tests.sales.fixtures.quotes import make_quote
from tests.service.fixtures.requests import new as new_service_request

pytestmark = pytest.mark.screens

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"zh": "zh-hans", "en": "en"}


@pytest.fixture
def shop(org):
    """A customer with a contact, an interaction, an order, a quote, a deal, a contract with
    its receivable and a service request — every panel of the key pages has something."""
    manager = org["manager1"]
    products = catalogue()
    customer = CustomerFactory(owner=manager, name="上海浦东精密机械有限公司")
    ContactFactory(customer=customer, name="王建国", is_primary=True)
    for index in range(3):
        CustomerFactory(owner=manager, name=f"杭州西湖贸易有限公司{index}")
    interaction_create(
        actor=manager,
        customer=customer,
        kind="visit",
        occurred_at=timezone.now(),
        summary="拜访采购部，讨论年度框架协议",
    )
    order = make_order(manager, customer, products)
    quote = make_quote(manager, customer, products)
    deal = deal_create(actor=manager, customer=customer, title="二期扩产设备", amount="1853577")
    contract = make_contract(manager, customer, amount=Decimal("1853577.00"))
    open_receivable(manager, contract)
    service_request = new_service_request({"manager1": manager}, {"manager1": customer})
    return {
        "customer": customer,
        "order": order,
        "quote": quote,
        "deal": deal,
        "service_request": service_request,
    }


def _pages(role: str, shop: dict, org: dict) -> dict[str, str]:
    """The key pages of ``role``: name → URL."""
    customer = shop["customer"]
    pages = {"home": reverse("core:home")}
    if role == "manager1":
        pages |= {
            "customer-list": reverse("customers:list"),
            "customer-360": reverse("customers:detail", args=[customer.pk]),
            "pipeline": reverse("sales:pipeline_board"),
            "quote-editor": reverse("sales:quote_edit", args=[shop["quote"].pk]),
            "order": reverse("sales:order_detail", args=[shop["order"].pk]),
            "service-queue": reverse("service:request_list"),
            "service-request": reverse("service:request_detail", args=[shop["service_request"].pk]),
            "search": reverse("core:search") + "?q=浦东",
            "pipeline-forecast": reverse("sales:pipeline_forecast"),
        }
    if role == "supervisor":
        pages |= {"service-queue": reverse("service:request_list")}
    if role == "exec":
        pages |= {
            "reports": reverse("analytics:index"),
            "kpis": reverse("analytics:kpis"),
            "report-sales": reverse("analytics:report", args=["customer-contribution"]),
            "pivot": reverse("analytics:pivot") + "?rows=month&columns=owner&measure=revenue",
            "queries": reverse("analytics:queries"),
            "churn-model": reverse("analytics:churn_model"),
        }
        # Customer intelligence: the pages as they stand before the first nightly run.
        for slug in ("rfm", "purchase-cycle", "clv", "product-associations", "forecast"):
            pages[f"report-{slug}"] = reverse("analytics:report", args=[slug])
    if role == "admin":
        pages |= {
            "settings": reverse("core:settings"),
            "company": reverse("core:company_profile"),
            "users": reverse("accounts:user_list"),
            "roles": reverse("accounts:role_list"),
            "role-editor": reverse("accounts:role_edit", args=[org["manager1"].groups.first().pk]),
            "dictionaries": reverse("core:dictionary_list"),
            "recycle-bin": reverse("core:recycle_bin"),
            "intelligence-settings": reverse("analytics_settings:intelligence"),
        }
    return pages


@pytest.mark.parametrize("role", ["manager1", "supervisor", "exec", "admin"])
def test_key_pages_look_right_in_both_languages_and_widths(sign_in, org, shop, role):
    page = sign_in(role)
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for language, code in LANGUAGES.items():
        User.objects.filter(pk=org[role].pk).update(language=code)
        for name, url in _pages(role, shop, org).items():
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                response = page.goto(url)
                assert response is not None and response.status == 200, (name, url)
                shot = folder / f"{role}-{name}-{language}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                where = f"{role} {name} {language} {width}"
                problems += [f"{where}: {p}" for p in layout_problems(page)]
                if width == "desktop":
                    problems += [
                        f"{where}: {p}" for p in text_problems(page, chinese=language == "zh")
                    ]
                    if language == "zh":
                        problems += [f"{where}: {p}" for p in axe_problems(page)]
    assert not problems, "\n".join(problems)
