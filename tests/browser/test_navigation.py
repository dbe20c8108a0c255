"""The header in a real browser: one row of menus at 1366 px in both languages, menus worked
by keyboard, and on a 390 px phone a menu button that opens and closes the navigation."""

import pytest

from tests.browser.conftest import ARTIFACTS

TOPS = "() => [...document.querySelectorAll('.nav-top > li')].map(item => item.offsetTop)"


def _sign_in_reading(sign_in, org, username: str, language: str):
    user = org[username]
    user.language = language
    user.save(update_fields=["language"])
    return sign_in(username)


def _focused(page) -> str:
    return page.evaluate(
        "() => document.activeElement.dataset.nav || document.activeElement.id || ''"
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_menus_fit_one_row_at_1366_pixels(sign_in, org, page, language):
    page.set_viewport_size({"width": 1366, "height": 800})
    # The administrator has the most menus; the header's tools slot gets a search box's width.
    page = _sign_in_reading(sign_in, org, "admin", language)
    assert page.evaluate("() => document.documentElement.lang") == language
    page.evaluate(
        "() => { const box = document.createElement('input');"
        " box.style.width = '220px'; document.querySelector('.header-tools').append(box); }"
    )
    tops = page.evaluate(TOPS)
    assert len(tops) == 7  # 首页 and six menus (no marketing entries yet)
    assert len(set(tops)) == 1, tops
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] < 60  # brand, menus, tools and user menu on one line
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1366
    ARTIFACTS.mkdir(exist_ok=True)
    page.click("#nav-button-sales")
    page.screenshot(path=str(ARTIFACTS / f"navigation-1366-{language}.png"))


def test_a_menu_opens_moves_and_closes_by_keyboard(sign_in, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in("manager1")
    button = page.locator("#nav-button-sales")
    menu = page.locator("#nav-menu-sales")
    button.focus()
    assert not menu.is_visible()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert menu.is_visible()
    page.keyboard.press("ArrowDown")
    assert _focused(page) == "leads"
    page.keyboard.press("ArrowDown")
    assert _focused(page) == "opportunities"
    page.keyboard.press("End")
    assert _focused(page) == "targets"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert _focused(page) == "nav-button-sales"
    # ArrowDown on a closed menu's button opens it on its first entry; Enter follows it.
    page.keyboard.press("ArrowDown")
    assert _focused(page) == "leads"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/sales/leads/" in page.url


def test_opening_one_menu_closes_the_other_and_a_click_outside_closes_both(sign_in, page):
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in("manager1")
    page.click("#nav-button-customers")
    assert page.locator("#nav-menu-customers").is_visible()
    page.click("#nav-button-sales")
    assert not page.locator("#nav-menu-customers").is_visible()
    assert page.locator("#nav-menu-sales").is_visible()
    page.click("main")
    assert not page.locator("#nav-menu-sales").is_visible()


def test_on_a_phone_the_navigation_is_a_menu_worked_by_keyboard(sign_in, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("admin")
    toggle = page.locator("[data-nav-toggle]")
    navigation = page.locator("#mainnav")
    assert toggle.is_visible() and not navigation.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert navigation.is_visible()
    assert page.locator("#nav-button-settings").is_visible()  # every menu is listed
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "navigation-390-open.png"))
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not navigation.is_visible()
    assert _focused(page) == ""  # the toggle has no id; check it is the toggle instead
    assert page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')")
    page.keyboard.press(" ")
    assert navigation.is_visible()
    # Into the list with Tab, open a menu with Enter, leave it with Escape.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused(page) == "nav-button-customers"
    page.keyboard.press("Enter")
    assert page.locator("nav.mainnav [data-nav=customers]").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("nav.mainnav [data-nav=customers]").is_visible()
    page.keyboard.press("Escape")  # focus is on a menu button inside the open navigation
    assert page.evaluate("() => document.activeElement.hasAttribute('data-nav-toggle')")
    assert not navigation.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_the_skip_link_appears_on_focus_and_moves_to_the_main_content(sign_in, page):
    sign_in("manager1")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.is_visible()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus ring
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
