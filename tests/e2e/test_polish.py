"""Real Chromium, issue 14: the phone menu folds away after a tap; dark mode and its switch."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from .conftest import new_profile, shot, wait_for_app

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_phone_menu_closes_after_a_tap_and_the_page_is_usable(browser: Browser, server):
    pid = new_profile(server, "Phone menu")
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/?profile={pid}")
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_have_attribute("data-collapsed", "true")  # a phone starts with the menu folded
        page.get_by_test_id("stExpandSidebarButton").tap()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Profiles").tap()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Profiles", level=1)).to_be_visible()
        expect(sidebar).to_have_attribute("data-collapsed", "true")  # folded itself away
        # the main area takes taps again: the demo patient loads
        page.get_by_role("button", name="Load the demo patient").tap(timeout=10_000)
        wait_for_app(page)
        expect(page.get_by_text("Demo patient.").first).to_be_visible()
        shot(page, "profiles_phone")
        # opening the menu and tapping the page already open changes nothing and keeps working
        page.get_by_test_id("stExpandSidebarButton").tap()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Pain log").tap()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Pain log", level=1)).to_be_visible()
        expect(sidebar).to_have_attribute("data-collapsed", "true")
    finally:
        ctx.close()


def test_desktop_menu_stays_open_after_a_click(browser: Browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(server.url)
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_have_attribute("data-collapsed", "false")
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Exercise library").click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Exercise library", level=1)).to_be_visible()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    finally:
        ctx.close()


def _background(page) -> tuple[int, int, int]:
    rgb = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
    return tuple(int(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])


def _dark(page) -> bool:
    return sum(_background(page)) < 3 * 100


def test_the_app_follows_a_dark_system_and_the_menu_switches_the_theme(browser: Browser, server):
    ctx = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/library")
        wait_for_app(page)
        assert _dark(page), _background(page)  # the system says dark: so does BackCheck
        shot(page, "library_dark")
        page.get_by_test_id("stMainMenu").click()
        expect(page.get_by_test_id("stMainMenuItem-theme-System")).to_have_attribute("aria-checked", "true")
        page.get_by_test_id("stMainMenuItem-theme-Light").click()
        expect(page.get_by_test_id("stApp")).to_have_css("background-color", "rgb(255, 255, 255)")
        assert not _dark(page)
        page.keyboard.press("Escape")  # the menu may stay open after a theme choice: close it first
        expect(page.get_by_test_id("stMainMenuItem-theme-Dark")).to_have_count(0)
        page.get_by_test_id("stMainMenu").click()
        page.get_by_test_id("stMainMenuItem-theme-Dark").click()
        page.wait_for_function("() => getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor"
                               " !== 'rgb(255, 255, 255)'")
        assert _dark(page), _background(page)
    finally:
        ctx.close()


def test_dark_pain_log_and_phone_routine_screens(browser: Browser, server):
    """The demo patient's pain log in dark mode and the routine on a phone: charts and cards drawn,
    nothing wider than the screen (and the README's screenshots)."""
    from backcheck.content import load_library
    from backcheck.demo import DEMO_NAME, demo_data
    from backcheck.storage import Store

    store = Store(f"sqlite:///{server.db}")
    demo = next((p for p in store.profiles.list() if p.is_demo), None) or store.profiles.create_demo(
        DEMO_NAME, demo_data(load_library()))
    store.engine.dispose()
    ctx = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/pain_log?profile={demo.id}")
        wait_for_app(page)
        assert _dark(page)
        page.get_by_role("tab", name="Function scores").click()  # only the open tab's contents are drawn
        wait_for_app(page)
        page.get_by_text("Show every week as a chart").click()  # the sessions chart is drawn on request
        wait_for_app(page)
        expect(page.locator(".js-plotly-plot")).to_have_count(3)  # pain over time, sessions, function scores (tab)
        expect(page.locator(".st-key-pain_report")).to_be_visible()
        shot(page, "pain_log_dark")
    finally:
        ctx.close()
    ctx = browser.new_context(**PHONE)
    page = ctx.new_page()
    try:
        page.goto(f"{server.url}/routine?profile={demo.id}")
        wait_for_app(page)
        expect(page.get_by_role("button", name="Start session")).to_be_visible()
        expect(page.get_by_test_id("stExpander").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        shot(page, "routine_phone")
    finally:
        ctx.close()
