"""The header: menus per role, the settings hub, breadcrumbs, icons and the page landmarks."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from guanxi.core import navigation
from guanxi.core.icons import ICONS, icon_svg
from guanxi.core.navigation import NavItem, menus_for, settings_sections_for
from tests.customers.fixtures.customers import CustomerFactory


def _client(user, language: str = "en") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _menus(html: str) -> list[str]:
    return re.findall(r'data-nav-group="([a-z_]+)"', html)


def _links(html: str) -> set[str]:
    header = html.split("</nav>", 1)[0]
    return set(re.findall(r'data-nav="([a-z_]+)"', header))


# --- menus per role -------------------------------------------------------------------------


def test_the_administrator_sees_every_menu_with_settings_last(org):
    html = _client(org["admin"]).get(reverse("core:home")).content.decode()
    assert _menus(html) == [
        "customers",
        "sales",
        "service",
        "collaboration",
        "analytics",
        "settings",
    ]
    assert {"users", "roles", "dictionaries", "sla", "stages", "settings_hub"} <= _links(html)


@pytest.mark.parametrize("username", ["manager1", "supervisor", "exec"])
def test_people_without_a_setting_right_get_no_settings_menu(org, username):
    html = _client(org[username]).get(reverse("core:home")).content.decode()
    assert "settings" not in _menus(html)
    assert not {"users", "roles", "dictionaries", "settings_hub"} & _links(html)
    assert {"customers", "opportunities", "service", "reports"} <= _links(html)


def test_a_sales_assistant_has_no_analytics_menu(org):
    html = _client(org["assistant"]).get(reverse("core:home")).content.decode()
    assert "analytics" not in _menus(html)
    assert "reports" not in _links(html)


def test_a_menu_with_no_usable_entry_is_left_out(org):
    # Nothing is registered under marketing yet: nobody sees an empty 市场 menu.
    _links_of_admin, menus = menus_for(org["admin"])
    assert "marketing" not in [menu.key for menu in menus]
    assert all(menu.items for menu in menus)


def test_each_menu_is_a_disclosure_button_controlling_its_list(org):
    html = _client(org["admin"]).get(reverse("core:home")).content.decode()
    for key in _menus(html):
        button = re.search(rf'<button[^>]*id="nav-button-{key}"[^>]*>', html).group(0)
        assert 'type="button"' in button
        assert 'aria-expanded="false"' in button
        assert f'aria-controls="nav-menu-{key}"' in button
        assert f'id="nav-menu-{key}"' in html
    assert 'src="/static/guanxi/nav.js"' in html


def test_the_current_page_marks_its_link_and_its_menu(org):
    html = _client(org["admin"]).get(reverse("sales:quote_list")).content.decode()
    assert 'data-nav="quotes" aria-current="page"' in html
    sales_button = re.search(r'<button[^>]*id="nav-button-sales"[^>]*>', html).group(0)
    assert "data-current" in sales_button
    customers_button = re.search(r'<button[^>]*id="nav-button-customers"[^>]*>', html).group(0)
    assert "data-current" not in customers_button


def test_menu_labels_are_in_the_users_language(org):
    html = _client(org["manager1"], "zh-hans").get(reverse("core:home")).content.decode()
    with translation.override("zh-hans"):
        expected = pgettext("menu", "Sales")
    assert f">{expected}<svg" in html
    assert '<html lang="zh-hans">' in html


def test_the_menus_kept_for_reuse_follow_the_language_the_page_and_the_rights(org):
    # The menus are drawn once per combination and kept: each page still gets its own.
    client = _client(org["admin"], "zh-hans")
    first = client.get(reverse("sales:quote_list")).content.decode()
    again = client.get(reverse("customers:list")).content.decode()
    assert 'data-nav="quotes" aria-current="page"' in first
    assert 'data-nav="quotes" aria-current="page"' not in again
    assert 'data-nav="customers" aria-current="page"' in again
    org["admin"].language = "en"
    org["admin"].save(update_fields=["language"])
    english = client.get(reverse("customers:list")).content.decode()
    with translation.override("en"):
        assert f">{pgettext('menu', 'Sales')}<svg" in english
    assistant = _client(org["assistant"], "zh-hans").get(reverse("customers:list"))
    assert _menus(assistant.content.decode()) != _menus(again)


def test_a_long_menu_is_titled_in_parts(org):
    """The analytics menu: statistics first, then customer intelligence, each under its title."""
    _links, menus = menus_for(org["exec"])
    analytics = next(menu for menu in menus if menu.key == navigation.ANALYTICS)
    with translation.override("en"):
        headings = [str(heading) for heading, _items in analytics.parts]
    assert headings[0] == "Statistics and reports"
    assert len(headings) == len(set(headings))  # each part once, its entries together
    html = _client(org["exec"], "zh-hans").get(reverse("core:home")).content.decode()
    assert '<li class="nav-menu-heading" role="presentation">统计报表</li>' in html


def test_an_entry_naming_an_unknown_menu_is_refused():
    with pytest.raises(ValueError, match="Unknown navigation group"):
        NavItem("x", "X", "core:home", "", group="sale")
    with pytest.raises(ValueError, match="Unknown settings section"):
        NavItem("x", "X", "core:home", "", group=navigation.SETTINGS, section="nope")


# --- settings hub ---------------------------------------------------------------------------


def test_the_settings_hub_lists_the_administrators_settings_by_section(org):
    response = _client(org["admin"]).get(reverse("core:settings"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("users", "teams", "roles", "dictionaries", "field_rules", "pool_settings"):
        assert f'data-testid="setting-{key}"' in html
    for key in ("lead_routing", "stages", "sla", "recycle_bin", "access_log"):
        assert f'data-testid="setting-{key}"' in html
    assert 'data-testid="settings-section-organisation"' in html
    assert "Decide what each role may do." in html  # the hint
    assert 'data-nav="settings_hub" aria-current="page"' in html


def test_settings_hub_sections_follow_the_rights(org):
    sections = settings_sections_for(org["admin"])
    keys = [section.key for section in sections]
    assert keys == ["organisation", "data", "sales", "service", "security"]
    assert settings_sections_for(org["manager1"]) == []


@pytest.mark.parametrize("username", ["manager1", "supervisor", "assistant"])
def test_the_settings_hub_is_refused_without_a_setting_right(org, username):
    response = _client(org[username]).get(reverse("core:settings"))
    assert response.status_code == 403
    assert 'data-testid="error-page"' in response.content.decode()


def test_the_settings_hub_asks_a_visitor_to_sign_in(db):
    response = Client().get(reverse("core:settings"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# --- landmarks, breadcrumbs, icons ----------------------------------------------------------


def test_every_page_has_a_skip_link_to_the_main_landmark(org):
    html = _client(org["manager1"]).get(reverse("customers:list")).content.decode()
    skip = html.index('class="skip-link" href="#main"')
    assert skip < html.index("<header")
    assert '<main id="main"' in html
    assert '<nav id="mainnav" class="mainnav" aria-label="Main navigation">' in html
    assert '<div class="header-tools">' in html


def test_a_record_page_shows_breadcrumbs_to_its_list(org):
    customer = CustomerFactory(owner=org["manager1"], name="上海贸易有限公司")
    html = _client(org["manager1"]).get(reverse("customers:detail", args=[customer.pk]))
    html = html.content.decode()
    trail = html[html.index('data-testid="breadcrumbs"') :].split("</nav>", 1)[0]
    assert f'<a href="{reverse("customers:list")}">Customers</a>' in trail
    assert '<li aria-current="page">上海贸易有限公司</li>' in trail


def test_icons_are_inline_svg_hidden_from_screen_readers_unless_named():
    decorative = icon_svg("bell")
    assert decorative.startswith("<svg") and 'aria-hidden="true"' in decorative
    named = icon_svg("close", label="关闭 <x>")
    assert 'role="img" aria-label="关闭 &lt;x&gt;"' in named
    assert "icon-dot" in icon_svg("no-such-icon")
    assert "menu" in ICONS and "chevron-down" in ICONS


PACKAGE = Path(navigation.__file__).resolve().parents[1]
# Emoji and the pictographs that fonts without emoji draw as empty boxes (☰ ▲ ▼ ✕ ☎ ✉ …).
PICTOGRAPHS = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2630\u25b2\u25bc]")


def test_no_template_draws_an_emoji_or_pictograph():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "templates").rglob("*.html")
        if PICTOGRAPHS.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_timeline_entries_name_icons_of_the_set():
    names = set()
    for path in PACKAGE.glob("*/timeline.py"):
        source = path.read_text(encoding="utf-8")
        assert not PICTOGRAPHS.search(source), path
        names |= set(re.findall(r'icon="([a-z-]+)"', source))
        names |= set(re.findall(r'Kind\.[A-Z]+: "([a-z-]+)"', source))
    assert {"receipt", "car", "phone", "comment", "service"} <= names
    assert names <= set(ICONS)
