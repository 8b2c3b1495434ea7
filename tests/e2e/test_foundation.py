"""Real Chromium: navigation, safety check, posture quiz, exercise library, privacy, phone width."""

from __future__ import annotations

import base64
import re
import urllib.request
from urllib.parse import urlparse

from playwright.sync_api import Page, expect

from backcheck import ICON
from backcheck.content import load_library

from .conftest import ROOT, answer_radio, clear_safety, goto, nav, new_profile, shot, wait_for_app

LIB = load_library()
# the screens' pages (ui.HOME, ui.SAFETY...), not the hosted-mode sign-in screen that stands in for them all before sign-in
NAV_TITLES = set(re.findall(r'st\.Page\(ui\.[A-Z_]+, title="([^"]+)"', (ROOT / "app.py").read_text()))


def nav_links(page: Page) -> list[str]:
    texts = page.get_by_test_id("stSidebarNav").get_by_role("link").all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts]  # drop the icon's ligature name


def test_first_load_shows_our_navigation_only_and_every_page_opens(page: Page, server):
    seen: list[frozenset[str]] = []
    page.goto(server.url)
    # While the first run is still loading, Streamlit's legacy mode would list the raw files of
    # pages/ ("form check", "pain log"...): the menu must be empty or ours at every moment.
    for _ in range(20):
        seen.append(frozenset(nav_links(page)))
        page.wait_for_timeout(100)
    wait_for_app(page)
    assert all(s in (frozenset(), frozenset(NAV_TITLES)) for s in seen), seen
    expect(page.get_by_role("heading", name="BackCheck", level=1)).to_be_visible()
    links = nav_links(page)
    assert set(links) == NAV_TITLES, links  # nothing auto-discovered from pages/
    assert len(links) == len(NAV_TITLES)
    shot(page, "home")
    for title in links:
        nav(page, title)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_safety_check_clear_then_red_flag(page: Page, server):
    goto(page, server, profile=new_profile(server, "Safety A"))
    nav(page, "Safety check")
    for flag in LIB.safety.flags:
        answer_radio(page, flag.question[:40], "No")
    page.get_by_role("button", name="Save my answers").click()
    wait_for_app(page)
    expect(page.get_by_text("No warning signs.")).to_be_visible()
    shot(page, "safety_clear")

    page.get_by_role("button", name="Answer the questions again").click()
    wait_for_app(page)
    for i, flag in enumerate(LIB.safety.flags):
        answer_radio(page, flag.question[:40], "Yes" if i == 0 else "No")
    page.get_by_role("button", name="Save my answers").click()
    wait_for_app(page)
    expect(page.get_by_text(LIB.safety.levels["emergency"].headline)).to_be_visible()
    expect(page.get_by_text(LIB.safety.flags[0].advice)).to_be_visible()
    # the home page now tells the person to see a doctor
    nav(page, "Home")
    expect(page.get_by_text("Your last safety check found warning signs")).to_be_visible()


def test_a_red_flag_answered_in_the_browser_withholds_the_quiz_and_form_check(page: Page, server):
    goto(page, server, profile=new_profile(server, "Red flag"))
    nav(page, "Safety check")
    both_legs = LIB.safety.flag_by_id["both_legs_nerve"]
    for flag in LIB.safety.flags:
        answer_radio(page, flag.question[:40], "Yes" if flag is both_legs else "No")
    page.get_by_role("button", name="Save my answers").click()
    wait_for_app(page)
    # the emergency headline is the first thing said, in the red box, not a bullet further down
    alert = page.get_by_test_id("stAlert").first
    expect(alert).to_contain_text(LIB.safety.levels["emergency"].headline)
    expect(page.get_by_text(both_legs.question)).to_be_visible()
    shot(page, "safety_red_flag")

    nav(page, "Posture quiz")
    expect(page.get_by_text("The posture quiz is not available while your safety check shows warning signs"))\
        .to_be_visible()
    expect(page.get_by_test_id("stAlert").first).to_contain_text(LIB.safety.levels["emergency"].headline)
    expect(page.get_by_test_id("stRadio")).to_have_count(0)  # no plank, bridge or lunge tests
    expect(page.get_by_role("button", name="See my result")).to_have_count(0)
    shot(page, "posture_quiz_withheld")

    nav(page, "Form check")
    expect(page.get_by_text("The form check is not available while your safety check shows warning signs"))\
        .to_be_visible()
    expect(page.get_by_test_id("stCheckbox")).to_have_count(0)

    # the library can still be read, from the link on the withheld screen
    page.get_by_role("link", name="You can still read the exercise library").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    expect(page.get_by_text(f"{len(LIB.exercises)} of {len(LIB.exercises)} exercises")).to_be_visible()


def test_safety_check_missing_answer_is_named(page: Page, server):
    goto(page, server, profile=new_profile(server, "Safety B"))
    nav(page, "Safety check")
    answer_radio(page, LIB.safety.flags[0].question[:40], "No")
    page.get_by_role("button", name="Save my answers").click()
    wait_for_app(page)
    still_open = ", ".join(str(i) for i in range(2, len(LIB.safety.flags) + 1))
    expect(page.get_by_text(f"still open: {still_open}. Nothing was saved.")).to_be_visible()


ANTERIOR = {
    "mirror_pelvis": "They stick out behind me", "mirror_low_back": "A deep, pronounced arch",
    "hip_flexor_tight": "Very tight — I can hardly get upright", "bridge_cramp": "My hamstrings cramp or shake",
}


def test_posture_quiz_as_a_person_would(page: Page, server):
    pid = new_profile(server, "Quiz A")
    clear_safety(server, pid)  # set-up: the quiz opens after a clear safety check
    goto(page, server, profile=pid)
    nav(page, "Posture quiz")
    for q in LIB.quiz.questions:
        answer_radio(page, q.text[:40], ANTERIOR.get(q.id, "Not sure"))
    page.get_by_role("button", name="See my result").click()
    wait_for_app(page)
    expect(page.get_by_text("Your answers point to Anterior pelvic tilt (lordosis).")).to_be_visible()
    expect(page.get_by_text("They stick out behind me").last).to_be_visible()
    expect(page.get_by_text("Leave out strengthening work for the lower back.")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    shot(page, "posture_quiz_result")
    # the result leads on (issue 14): the next step is the form check, and the link opens it
    expect(page.get_by_role("button", name="Retake the quiz")).to_be_visible()
    page.get_by_role("link", name="Check your hip hinge, squat and handstand form").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Form check", level=1)).to_be_visible()
    nav(page, "Posture quiz")
    expect(page.get_by_text("Your answers point to Anterior pelvic tilt (lordosis).")).to_be_visible()

    # an exercise name links into the library, opened at that exercise
    page.get_by_role("link", name="Spiderman stretch").first.click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Exercise library")).to_be_visible()
    expect(page.get_by_text(f"1 of {len(LIB.exercises)} exercises")).to_be_visible()
    expect(page.get_by_text("Source: Article 003")).to_be_visible()

    # reload: the saved result is still there
    nav(page, "Posture quiz")
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("Your answers point to Anterior pelvic tilt (lordosis).")).to_be_visible()


def test_library_search_and_filters(page: Page, server):
    goto(page, server)
    nav(page, "Exercise library")
    expect(page.get_by_text(f"{len(LIB.exercises)} of {len(LIB.exercises)} exercises")).to_be_visible()
    search = page.get_by_label("Search")
    search.fill("pigeon")
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(f"1 of {len(LIB.exercises)} exercises")).to_be_visible()
    expect(page.get_by_text("Hold 30")).to_be_visible()
    expect(page.get_by_text("Source: Article 001")).to_be_visible()
    shot(page, "exercise_library")
    search.fill("no such exercise")
    search.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("No exercise matches")).to_be_visible()
    search.fill("")
    search.press("Enter")
    wait_for_app(page)
    page.get_by_role("radiogroup", name="Type").get_by_role("radio", name="Stretch").click()
    wait_for_app(page)
    stretches = sum(1 for e in LIB.exercises if e.kind == "stretch")
    expect(page.get_by_text(f"{stretches} of {len(LIB.exercises)} exercises")).to_be_visible()


def test_no_request_leaves_the_machine(page: Page, server):
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))
    goto(page, server)
    for title in nav_links(page):
        nav(page, title)
    assert hosts and hosts <= {"localhost", "127.0.0.1", ""}, hosts


def _open_recording(page: Page, url: str) -> tuple[list[str], list[str]]:
    """Open `url` as a typed-in link; the paths the browser asked for and the websockets it opened."""
    asked: list[str] = []
    sockets: list[str] = []
    page.on("request", lambda r: asked.append(urlparse(r.url).path))
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(url)
    wait_for_app(page)
    return asked, sockets


def test_a_link_to_a_screen_connects_without_streamlits_probe(page: Page, server):
    """backcheck.serve.direct_deep_links: opened at /pain_log, Streamlit alone first asks
    /pain_log/_stcore/health (a 404) and waits before it asks /_stcore/health."""
    pid = new_profile(server, "Deep link")
    asked, sockets = _open_recording(page, f"{server.url}/pain_log?profile={pid}")
    expect(page.get_by_role("heading", name="Pain log", level=1)).to_be_visible()
    assert "/_stcore/health" in asked and not [p for p in asked if p.startswith("/pain_log/")], asked
    assert sockets == [f"ws://localhost:{server.port}/_stcore/stream"]
    assert "PlotlyChart" in " ".join(asked)  # a screen with a chart fetches its code at once
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href") or ""  # inline: no file read, no request
    assert icon.startswith("data:image/png;base64,")
    assert base64.b64decode(icon.split(",", 1)[1]) == ICON.read_bytes()
    assert not [p for p in asked if p.startswith("/media/")], asked  # Streamlit's media files
    with urllib.request.urlopen(f"{server.url}/favicon.png") as shell_icon:  # the tab's icon before the first run
        assert shell_icon.read() == ICON.read_bytes()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Exercise library").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Exercise library", level=1)).to_be_visible()
    page.reload()  # a reload on another screen, and an address that is not a screen's: probed as before
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Exercise library", level=1)).to_be_visible()
    asked, _ = _open_recording(page, f"{server.url}/no_such_screen")
    assert "/no_such_screen/_stcore/health" in asked
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def test_under_a_path_prefix_a_link_to_a_screen_finds_the_server_below_it(page: Page, tmp_path):
    """Behind a proxy that serves BackCheck under /clinic, /clinic/library connects to /clinic."""
    from .conftest import Server

    srv = Server(tmp_path, base="clinic")
    try:
        asked, sockets = _open_recording(page, f"{srv.url}/library")
        expect(page.get_by_role("heading", name="Exercise library", level=1)).to_be_visible()
        assert "/clinic/_stcore/health" in asked and "/clinic/library/_stcore/health" not in asked, asked
        assert sockets == [f"ws://localhost:{srv.port}/clinic/_stcore/stream"]
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="Pain log").click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="Pain log", level=1)).to_be_visible()
        assert urlparse(page.url).path == "/clinic/pain_log"
    finally:
        srv.stop()


def test_phone_width_has_no_sideways_scroll_on_any_screen(page: Page, server):
    from backcheck.demo import DEMO_NAME, demo_data
    from backcheck.storage import Store

    # Set-up: the demo patient, so every screen draws its charts and tables.
    demo = Store(f"sqlite:///{server.db}").profiles.create_demo(DEMO_NAME, demo_data(LIB))
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, server)
    expect(page.get_by_role("heading", name="BackCheck", level=1)).to_be_visible()
    shot(page, "home_phone")
    for path in ("", "safety", "posture_quiz", "form_check", "routine", "library", "pain_log", "profiles"):
        goto(page, server, path, profile=demo.id)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(page.get_by_test_id("stException")).to_have_count(0)
        overflow = page.evaluate(
            "Math.max(document.documentElement.scrollWidth, "
            "document.querySelector('[data-testid=stMain]')?.scrollWidth || 0) - window.innerWidth"
        )
        assert overflow <= 1, f"/{path} scrolls sideways by {overflow}px at phone width"


def test_keyboard_can_answer_the_safety_check(page: Page, server):
    goto(page, server, profile=new_profile(server, "Keys"))
    nav(page, "Safety check")
    first = page.get_by_test_id("stRadio").first
    first.get_by_role("radio", name="No").focus()
    page.keyboard.press("Space")
    expect(first.get_by_role("radio", name="No")).to_be_checked()


def test_names_people_type_are_shown_as_text_not_markdown(page: Page, server):
    name = "**Bold** [x](http://e.com)"
    pid = new_profile(server, name)
    goto(page, server, "profiles", profile=pid)
    expect(page.get_by_text(name, exact=True).first).to_be_visible()
    assert page.locator('a[href*="e.com"]').count() == 0
    goto(page, server, "", profile=pid)
    assert page.locator('a[href*="e.com"]').count() == 0
    expect(page.locator("strong", has_text="Bold")).to_have_count(0)
