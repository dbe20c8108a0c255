"""/search/?q= and the header's search box: grouped results, the htmx dropdown, bad terms, the
quick-create menu (＋) showing only what the user may create."""

import re

import pytest
from django.contrib.auth.models import Group

from guanxi.core.quick_create import quick_create_items
from guanxi.customers.services.field_rules import field_rule_create
from tests.core.fixtures.search import records_of_zhang

URL = "/search/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def zhang(org, products):
    return records_of_zhang(org, products)


def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def group_kinds(html: str) -> list[str]:
    return re.findall(r'data-kind="([a-z_]+)" data-testid="search-group"', html)


def test_signing_in_comes_first(client, db):
    response = client.get(URL, {"q": "zw"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_groups_what_pinyin_finds_by_kind(login, zhang, english):
    html = page_text(login("manager1").get(URL, {"q": "zhangwei"}))
    assert group_kinds(html) == [
        "customer",
        "contact",
        "lead",
        "opportunity",
        "deal",
        "quote",
        "order",
        "contract",
        "service_request",
    ]
    assert f'href="/customers/{zhang["customer"].pk}/"' in html
    assert f'href="/sales/orders/{zhang["order"].pk}/"' in html
    assert ">Customers</h2>" in html
    assert 'value="zhangwei"' in html, "the box keeps the term"


def test_the_page_shows_up_to_twenty_and_links_to_the_list(login, org):
    from tests.customers.fixtures.customers import CustomerFactory

    for index in range(22):
        CustomerFactory(owner=org["manager1"], name=f"星河科技{index}号")
    html = page_text(login("manager1").get(URL, {"q": "星河科技"}))
    assert html.count('data-testid="search-hit"') == 20
    assert 'href="/customers/?q=%E6%98%9F%E6%B2%B3%E7%A7%91%E6%8A%80"' in html
    dropdown = page_text(login("manager1").get(URL, {"q": "星河科技"}, **HTMX))
    assert dropdown.count('data-testid="search-hit"') == 5
    assert 'data-testid="search-all"' in dropdown


def test_the_dropdown_is_a_fragment(login, zhang):
    html = page_text(login("manager1").get(URL, {"q": "zw"}, **HTMX))
    assert "<html" not in html
    assert 'role="option"' in html
    assert 'data-testid="search-all"' in html


@pytest.mark.parametrize("term", ["", "   ", "\t"])
def test_an_empty_term_shows_the_hint(login, english, term):
    html = page_text(login("manager1").get(URL, {"q": term}))
    assert 'data-testid="search-hint"' in html
    assert 'data-testid="search-group"' not in html


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ("a", "Enter at least 2 characters to search for."),
        ("长" * 101, "Enter at most 100 characters to search for."),
        ("ab\x00c", "Enter a search term without control characters."),
    ],
)
def test_a_term_that_cannot_be_searched_says_why(login, english, term, message):
    html = page_text(login("manager1").get(URL, {"q": term}))
    assert 'data-testid="search-error"' in html
    assert message in html


def test_the_dropdown_stays_quiet_on_the_first_character_but_not_on_too_many(login, english):
    assert page_text(login("manager1").get(URL, {"q": "a"}, **HTMX)).strip() == ""
    html = page_text(login("manager1").get(URL, {"q": "x" * 101}, **HTMX))
    assert "Enter at most 100 characters to search for." in html


def test_nothing_found_says_so(login, english, db):
    html = page_text(login("manager1").get(URL, {"q": "不存在的名字"}))
    assert 'data-testid="search-empty"' in html


def test_another_teams_customer_is_not_found(login, org, products):
    records_of_zhang(org, products, owner="manager3", name="北方张伟")
    html = page_text(login("manager1").get(URL, {"q": "北方张伟"}))
    assert group_kinds(html) == []
    assert group_kinds(page_text(login("supervisor2").get(URL, {"q": "北方张伟"})))


def test_a_masked_phone_finds_nothing_and_shows_masked(login, org, products):
    records_of_zhang(org, products, phone="+8613812348000")
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="account_manager"),
        mode="masked",
    )
    page = login("manager1")
    assert group_kinds(page_text(page.get(URL, {"q": "13812348000"}))) == []
    html = page_text(page.get(URL, {"q": "张伟贸易"}))
    assert "138****8000" in html
    assert "1234" not in re.sub(r"KH\d+", "", html.split('id="search-page-results"')[1])


def test_the_page_costs_a_bounded_number_of_queries(
    login, org, products, django_assert_max_num_queries
):
    for index in range(4):
        records_of_zhang(org, products, name=f"张伟贸易{index}")
    page = login("manager1")
    # One per kind (9), plus the session, user, rights, field rules and the header's figures.
    with django_assert_max_num_queries(20):
        html = page_text(page.get(URL, {"q": "zhangwei"}))
    assert html.count('data-kind="order" data-testid="search-hit"') == 4


def test_every_page_has_the_search_box(login):
    html = page_text(login("manager1").get("/"))
    assert 'data-testid="global-search-input"' in html
    assert 'hx-get="/search/"' in html
    assert "guanxi/search.js" in html


@pytest.mark.parametrize("username", ["admin", "exec", "supervisor", "manager1", "assistant"])
def test_quick_create_shows_only_what_the_user_may_create(login, org, username):
    user = org[username]
    html = page_text(login(username).get("/"))
    shown = re.findall(r'data-quick-create="([a-z_]+)"', html)
    allowed = [item.key for item in quick_create_items() if user.has_perm(item.permission)]
    assert shown == allowed
    if not allowed:
        assert 'data-testid="quick-create"' not in html


def test_quick_create_entries_for_an_account_manager_and_an_executive(login):
    manager = page_text(login("manager1").get("/"))
    assert 'href="/customers/new/" data-quick-create="customer"' in manager
    assert 'data-quick-create="lead"' in manager
    # The executive reads everything and creates nothing: no menu at all.
    assert 'data-testid="quick-create"' not in page_text(login("exec").get("/"))


def test_a_protected_phone_shown_in_full_is_logged_as_on_the_record_page(login, org):
    from guanxi.core.models import AccessLogEntry
    from tests.customers.fixtures.customers import CustomerFactory

    customer = CustomerFactory(owner=org["manager1"], name="张伟贸易", phone="+8613812348000")
    # Supervisors see the phone masked; the account manager is trusted with it in full.
    field_rule_create(
        actor=org["admin"],
        field="customer.phone",
        role=Group.objects.get(name="supervisor"),
        mode="masked",
    )
    assert "138 1234 8000" in page_text(login("manager1").get(URL, {"q": "张伟贸易"}))
    [entry] = AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.VIEWED_PROTECTED)
    assert entry.user == org["manager1"]
    assert entry.details["records"] == [f"customers.customer:{customer.pk}"]
    assert "138****8000" in page_text(login("supervisor").get(URL, {"q": "张伟贸易"}))
    assert AccessLogEntry.objects.filter(kind=AccessLogEntry.Kind.VIEWED_PROTECTED).count() == 1
