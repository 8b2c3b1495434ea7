"""Real Chromium: build a routine, take the PDF and the .ics away, open the share link elsewhere."""

from __future__ import annotations

import io
from urllib.parse import parse_qsl, urlparse

from icalendar import Calendar
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backcheck.content import load_library
from backcheck.quiz import score_quiz
from backcheck.exports import share_url
from backcheck.routine import RoutineInputs, build_routine
from backcheck.storage import Store
from backcheck.text import fmt_minutes

from .conftest import Server, goto, nav, shot, wait_for_app
from backcheck.quiz import QuizRecord
from backcheck.safety import SafetyCheck

LIB = load_library()
EXERCISE_NAMES = {e.name for e in LIB.exercises}


def seed_earlier_steps(server) -> None:
    """The steps before this screen (safety check clear, an anterior-tilt quiz) as stored results."""
    store = Store(f"sqlite:///{server.db}")
    pid = store.profiles.list()[0].id
    store.safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    answers = {}
    for q in LIB.quiz.questions:
        best = max(q.options, key=lambda o: o.evidence.get("anterior_tilt", 0))
        if best.evidence.get("anterior_tilt", 0):
            answers[q.id] = best.id
    store.quiz.add(pid, QuizRecord.of(answers, score_quiz(LIB.quiz, answers, [p.id for p in LIB.patterns])))
    store.engine.dispose()


def session_items(page: Page) -> list[str]:
    """Exercise names in the session, in order (each item is a folding card named after it)."""
    texts = page.get_by_test_id("stExpander").locator("summary").all_inner_texts()
    names = [t.strip().splitlines()[-1].split(" · ")[0].strip() for t in texts]  # drop the icon's ligature name
    return [n for n in names if n in EXERCISE_NAMES]


def open_cards(page: Page) -> None:
    """Unfold every exercise card, as a person reading the session would."""
    for details in page.get_by_test_id("stExpander").locator("details").all():
        if details.get_attribute("open") is None:
            details.locator("summary").click()
    wait_for_app(page)


def card(page: Page, name: str):
    """The folding card of an exercise in the session (its header names it)."""
    return page.get_by_test_id("stExpander").filter(has=page.locator("summary", has_text=f"{name} · "))


def pill(page: Page, group: str, name: str):
    return page.get_by_test_id("stButtonGroup").filter(has_text=group).get_by_role("button", name=name, exact=True)


def download(page: Page, button: str, tmp_path, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    target = tmp_path / name
    info.value.save_as(target)
    return target.read_bytes()


def test_build_a_routine_take_it_away_and_share_it(page: Page, server, tmp_path):
    goto(page, server)
    seed_earlier_steps(server)
    nav(page, "My routine")
    expect(page.get_by_text("Anterior pelvic tilt (lordosis) — from your quiz")).to_be_visible()

    # today's choices, as a person makes them
    pill(page, "Goal movements", "Squat").click()
    wait_for_app(page)
    pill(page, "Equipment at hand", "Dowel or broomstick").click()
    wait_for_app(page)
    minutes = page.get_by_test_id("stSlider").filter(has_text="Minutes per session").get_by_role("slider")
    minutes.focus()
    for _ in range(2):  # 20 -> 30 minutes, with the keyboard
        minutes.press("ArrowRight")
    wait_for_app(page)
    expect(minutes).to_have_value("30")
    expected = build_routine(LIB, RoutineInputs(goals=("general", "squat"), minutes=30, equipment=("dowel",),
                                                patterns=("anterior_tilt",)))
    expect(page.get_by_test_id("stMetricValue").first).to_have_text(fmt_minutes(expected.total_minutes))
    items = session_items(page)
    assert items == [it.name for it in expected.items]
    # issue 14: the summary and the actions come before the cards, and the cards fold
    first_card = page.get_by_test_id("stExpander").first.bounding_box()
    for action in (page.get_by_role("button", name="Start session"),
                   page.get_by_role("button", name="Mark today's session done"),
                   page.get_by_role("tab", name="Printable handout"),
                   page.get_by_role("tab", name="Calendar reminders"),
                   page.get_by_role("tab", name="Share link")):
        assert action.bounding_box()["y"] < first_card["y"]
    assert page.get_by_test_id("stExpander").locator("details[open]").count() == 1  # only the first is open
    page.get_by_role("heading", name="My routine", level=1).scroll_into_view_if_needed()
    shot(page, "routine")  # as a person first sees it: actions on top, cards folded
    open_cards(page)
    # issue 8: the posture plan's single-leg deadlift now covers the base sequence's hinge step, so the
    # dowel hinge is no longer needed in this session; the hinge step is still there, and the dowel
    # choice travels with the share link (checked below)
    expect(page.get_by_text("Base sequence, step 4 of 4").first).to_be_visible()
    assert "Superman" not in items  # lordosis: no lower-back strengthening
    expect(page.get_by_text("Posture quiz → Anterior tilt: strengthen the").first).to_be_visible()

    # the printable handout, on Letter paper
    page.get_by_test_id("stRadio").filter(has_text="Paper size").get_by_text("Letter", exact=True).click()
    wait_for_app(page)
    pdf = PdfReader(io.BytesIO(download(page, "Download the handout (PDF)", tmp_path, "routine.pdf")))
    assert round(float(pdf.pages[0].mediabox.width)) == 612 and round(float(pdf.pages[0].mediabox.height)) == 792
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    for name in items:
        assert name in text, name
    assert "Why:" in text
    first_page = " ".join(pdf.pages[0].extract_text().split())
    assert "Before you start" in first_page  # the safety text on the first page (issue 14)

    # the calendar: swap Monday for Saturday; two days are not enough on the way
    page.get_by_role("tab", name="Calendar reminders").click()
    wait_for_app(page)
    pill(page, "Session days", "Mon").click()
    wait_for_app(page)
    expect(page.get_by_text("Pick at least 3 days")).to_be_visible()
    pill(page, "Session days", "Sat").click()
    wait_for_app(page)
    cal = Calendar.from_ical(download(page, "Download the calendar (.ics)", tmp_path, "sessions.ics"))
    starts = [ev.decoded("dtstart") for ev in cal.walk("VEVENT")]
    assert {d.strftime("%a") for d in starts} == {"Wed", "Fri", "Sat"}
    assert len(starts) == 4 * 3  # four weeks ahead by default

    # the share link opens the same routine in another tab
    page.get_by_role("tab", name="Share link").click()
    wait_for_app(page)
    link = page.get_by_test_id("stCode").inner_text().strip()
    params = dict(parse_qsl(urlparse(link).query, keep_blank_values=True))
    assert params["pat"] == "anterior_tilt" and params["days"] == "wed,fri,sat" and "profile" not in params
    assert params["eq"] == "dowel"  # the dowel was picked
    other = page.context.new_page()
    other.goto(link)
    wait_for_app(other)
    expect(other.get_by_text("Opened from a shared link.")).to_be_visible()
    expect(card(other, items[-1])).to_be_visible()
    assert session_items(other) == items
    other.close()

    # mark the session done
    expect(page.get_by_text("Sessions this week: 0 of at least 3.")).to_be_visible()
    page.get_by_role("button", name="Mark today's session done").click()
    wait_for_app(page)
    expect(page.get_by_text("Tap your pain right now")).to_be_visible()  # no silent "no pain"
    expect(page.get_by_text("Sessions this week: 0 of at least 3.")).to_be_visible()
    page.get_by_test_id("stButtonGroup").filter(has_text="Pain right now").get_by_role("radio", name="3", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Mark today's session done").click()
    wait_for_app(page)
    expect(page.get_by_text("Sessions this week: 1 of at least 3.")).to_be_visible()


def test_share_link_as_the_first_request_to_a_fresh_server(page: Page, tmp_path):
    """A link opened before anyone visited the app still gets BackCheck's navigation and profile."""
    srv = Server(tmp_path)
    try:
        store = Store(f"sqlite:///{srv.db}")
        store.safety.add(store.profiles.list()[0].id, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
        store.engine.dispose()
        inputs = RoutineInputs(goals=("handstand",), minutes=15, patterns=("lateral_tilt",),
                               weekdays=("mon", "wed", "fri"))
        page.goto(share_url(f"{srv.url}/routine", inputs))
        wait_for_app(page)
        expect(page.get_by_text("Opened from a shared link.")).to_be_visible()
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_role("link", name="My routine", exact=True)).to_be_visible()
        expect(sidebar.get_by_role("link", name="routine", exact=True)).to_have_count(0)  # no folder listing
        expect(sidebar.get_by_text("Active profile")).to_be_visible()
        expected = [it.name for it in build_routine(LIB, inputs).items]
        expect(card(page, expected[-1])).to_be_visible()
        assert session_items(page) == expected
    finally:
        srv.stop()
