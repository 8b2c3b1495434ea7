"""Real Chromium: run short sessions in the player by clicking, reload mid-session and resume,
and see the level move up after the rule's number of easy sessions.

The server runs with BACKCHECK_PLAYER_SPEED so every timer is a tenth as long (tests only).
No assertion depends on how long anything takes: each waits for what the screen shows.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import Page, expect

from backcheck.content import load_library
from backcheck.quiz import score_quiz
from backcheck.routine import RoutineInputs, build_routine
from backcheck.storage import Store

from .conftest import Server, goto, shot, wait_for_app
from backcheck.quiz import QuizRecord
from backcheck.safety import SafetyCheck

LIB = load_library()
N = LIB.progression.rules.advance_after_easy
CLAM = LIB.progression.ladder_by_exercise["clam"]
LONG = 60_000  # ms: an upper bound for a short test session's timers, not a measurement


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"), env={"BACKCHECK_PLAYER_SPEED": "10"})
    yield srv
    srv.stop()


def seed(server: Server, name: str) -> int:
    """Set-up only: a fresh profile with a clear safety check and a one-hip-higher quiz result."""
    store = Store(f"sqlite:///{server.db}")
    pid = store.profiles.create(name).id
    store.safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    answers = {}
    for q in LIB.quiz.questions:
        best = max(q.options, key=lambda o: o.evidence.get("lateral_tilt", 0))
        neutral = next((o for o in q.options if not o.evidence), None)
        if best.evidence.get("lateral_tilt", 0):
            answers[q.id] = best.id
        elif neutral is not None:
            answers[q.id] = neutral.id
    store.quiz.add(pid, QuizRecord.of(answers, score_quiz(LIB.quiz, answers, [p.id for p in LIB.patterns])))
    store.engine.dispose()
    return pid


def click(page: Page, label: str) -> None:
    """Click the button whose text is exactly `label` (its icon aside) and wait for the app."""
    page.get_by_test_id("stButton").filter(has_text=re.compile(rf"{re.escape(label)}$")).first.click()
    wait_for_app(page)


def pill(page: Page, group: str, value: str) -> None:
    page.get_by_test_id("stButtonGroup").filter(has_text=group).get_by_role("radio", name=value, exact=True).click()
    wait_for_app(page)


def heading(page: Page):
    return page.get_by_role("heading", level=2).first


def record(page: Page, pain: str, effort: str) -> None:
    expect(page.get_by_text("Session finished.")).to_be_visible(timeout=LONG)
    pill(page, "Pain now", pain)
    page.get_by_test_id("stRadio").filter(has_text="How hard did it feel?").get_by_text(effort, exact=True).click()
    wait_for_app(page)
    click(page, "Record the session")
    expect(page.get_by_role("heading", name="Today", exact=True, level=1)).to_be_visible()
    expect(page.get_by_text("Session recorded.")).to_be_visible()


def test_a_short_session_end_to_end_with_a_reload_and_the_level_moving_up(page: Page, server):
    pid = seed(server, "Player")
    routine = build_routine(LIB, RoutineInputs(goals=("general",), minutes=10, patterns=("lateral_tilt",)))
    names = [it.name for it in routine.items]
    assert names[0] == "Clam" and len(names) >= 3

    # My routine: ten minutes, then Start session
    goto(page, server, "routine", profile=pid)
    minutes = page.get_by_test_id("stSlider").filter(has_text="Minutes per session").get_by_role("slider")
    minutes.focus()
    for _ in range(2):  # 20 -> 10 minutes, with the keyboard
        minutes.press("ArrowLeft")
    wait_for_app(page)
    expect(minutes).to_have_value("10")
    expect(page.get_by_text(f"Level 1 of {len(CLAM.levels)}: {CLAM.levels[0].label}")).to_be_visible()
    click(page, "Start session")
    expect(page.get_by_role("heading", name="Session", level=1)).to_be_visible()

    # the start needs today's pain, with no preset value
    click(page, "Start the session")
    expect(page.get_by_text("Pick how much it hurts right now")).to_be_visible()
    pill(page, "Pain right now", "2")
    click(page, "Start the session")
    expect(heading(page)).to_have_text("Clam")
    expect(page.get_by_text("Get into position, then tap Start.")).to_be_visible()

    # clam: a tap per side, at phone width for the README
    page.set_viewport_size({"width": 390, "height": 844})
    click(page, "Start")
    expect(page.get_by_text("20 reps · left side, then tap Set done.")).to_be_visible()
    shot(page, "player_phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    click(page, "Set done")
    expect(page.get_by_text("20 reps · right side, then tap Set done.")).to_be_visible()
    click(page, "Set done")
    expect(heading(page)).to_have_text(names[1])

    # a reload (or a dropped connection) resumes where the session was
    page.reload()
    wait_for_app(page)
    expect(heading(page)).to_have_text(names[1])

    # the rest of the session: a tap to start each exercise and per set; lead-ins, holds and rests
    # run on their own. The screen is polled for what it shows; nothing is timed.
    took_shot = False
    seen: list[str] = []
    finished = page.get_by_text("Session finished.")
    for _ in range(2000):  # a bound, not a duration: each turn waits for the page to settle
        if finished.is_visible():
            break
        h2 = page.get_by_role("heading", level=2)
        try:  # the running timer redraws the player: the heading can be gone for a moment; look again
            name = h2.first.inner_text(timeout=3000) if h2.count() else ""
        except PlaywrightTimeoutError:
            continue
        if name and (not seen or seen[-1] != name):
            seen.append(name)
        button = page.get_by_test_id("stButton").filter(has_text=re.compile(r"(Start|Set done)$"))
        if button.count() and button.first.is_visible():
            try:  # the running timer redraws the player: a button can be replaced mid-click; look again
                button.first.click(timeout=3000)
            except PlaywrightTimeoutError:
                continue
            wait_for_app(page)
            continue
        if not took_shot and page.get_by_text("Hold.", exact=True).is_visible():
            shot(page, "player")  # a hold counting down, for the README
            took_shot = True
        page.wait_for_timeout(300)  # let the timers run
    expect(finished).to_be_visible()
    assert seen == names[1:] and took_shot
    record(page, "2", "Too easy")
    shot(page, "today")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "today_phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # more easy sessions (the clam done, everything else skipped) until the rule's number is reached
    for _ in range(N - 1):
        click(page, "Start another session")
        pill(page, "Pain right now", "2")
        click(page, "Start the session")
        expect(heading(page)).to_have_text("Clam")
        # each tap waits for its result: two quick clicks on one button count once in Streamlit
        click(page, "Start")
        expect(page.get_by_text("20 reps · left side, then tap Set done.")).to_be_visible()
        click(page, "Set done")
        expect(page.get_by_text("20 reps · right side, then tap Set done.")).to_be_visible()
        click(page, "Set done")
        for name in names[1:]:
            expect(heading(page)).to_have_text(name)
            click(page, "Skip")
        record(page, "1", "Too easy")

    expect(page.get_by_text("Clam moved up to level 2")).to_be_visible()
    goto(page, server, "routine", profile=pid)
    expect(page.get_by_text(f"Level 2 of {len(CLAM.levels)}: {CLAM.levels[1].label} "
                            f"(up from {CLAM.levels[0].label} after three easy sessions)")).to_be_visible()
    # the next session runs the new dose
    click(page, "Start session")
    pill(page, "Pain right now", "1")
    click(page, "Start the session")
    expect(page.get_by_text(f"Dose: {CLAM.levels[1].label} · level 2 of {len(CLAM.levels)}")).to_be_visible()
