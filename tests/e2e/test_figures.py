"""Real Chromium: every place that shows an exercise, a quiz check or a fault draws its figure."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Page, expect

from backcheck.content import load_library

from .conftest import ROOT, clear_safety, goto, nav, shot, wait_for_app
from .test_routine import seed_earlier_steps

LIB = load_library()


def element_shot(locator, name: str) -> None:
    """Screenshot one part of the page (same folder rule as conftest.shot: docs/screenshots with make screenshots)."""
    folder = Path(os.environ.get("BACKCHECK_SCREENSHOTS") or ROOT / "test-results" / "screenshots")
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.page.wait_for_timeout(1200)  # mid-animation is fine; let fonts and layout settle
    locator.screenshot(path=str(folder / f"{name}.png"), animations="disabled")


def clip_shot(page: Page, clip: dict, name: str) -> None:
    folder = Path(os.environ.get("BACKCHECK_SCREENSHOTS") or ROOT / "test-results" / "screenshots")
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), clip=clip, animations="disabled")


def figure(page: Page, label_start: str):
    """The figure (an inline svg with role img) whose accessible name starts with `label_start`."""
    return page.locator("svg.bc-figure[role=img]").filter(has=page.locator("title", has_text=label_start)).first


def visible_drawing(page: Page, label_start: str) -> None:
    fig = figure(page, label_start)
    expect(fig).to_be_visible()
    expect(page.get_by_role("img", name=label_start).first).to_be_visible()  # the accessible label
    box = fig.bounding_box()
    assert box and box["width"] > 80 and box["height"] > 40, box
    assert fig.locator("path").count() >= 8


def test_library_shows_a_figure_for_every_exercise(page: Page, server):
    goto(page, server, "library?exercise=bridge_hold")
    ex = LIB.exercise_by_id["bridge_hold"]
    visible_drawing(page, f"{ex.name}: {ex.cues[0]}")
    # the figure moves: its path outline changes over time (CSS animation running)
    path = figure(page, ex.name).locator("path.limb").last
    first = path.evaluate("p => getComputedStyle(p).d")
    page.wait_for_timeout(1500)
    assert path.evaluate("p => getComputedStyle(p).d") != first
    element_shot(page.get_by_test_id("stExpander").first, "figures_library")
    # clear the search: every exercise is listed, and opening another one draws its figure
    page.get_by_label("Search").fill("")
    page.get_by_label("Search").press("Enter")
    wait_for_app(page)
    expect(page.get_by_test_id("stExpander")).to_have_count(len(LIB.exercises))
    other = next(e for e in LIB.exercises if e.id != "bridge_hold"  # a name no other name contains
                 and not any(e.name.lower() in o.name.lower() for o in LIB.exercises if o is not e))
    page.get_by_test_id("stExpander").filter(has_text=other.name).first.locator("summary").click()
    wait_for_app(page)
    visible_drawing(page, f"{other.name}: {other.cues[0]}")


def test_figures_scale_to_phone_width(page: Page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, server, "library?exercise=lunge")
    ex = LIB.exercise_by_id["lunge"]
    visible_drawing(page, ex.name)
    box = figure(page, ex.name).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "figures_phone")


def test_reduced_motion_holds_the_first_pose(browser, server):
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    goto(page, server, "library?exercise=plank")
    fig = figure(page, LIB.exercise_by_id["plank"].name)
    expect(fig).to_be_visible()
    assert fig.locator("path").first.evaluate("p => getComputedStyle(p).animationName") == "none"
    context.close()


def test_quiz_checks_and_form_faults_show_figures(page: Page, server):
    clear_safety(server)  # the quiz and the form check open only after a clear safety check
    goto(page, server)
    nav(page, "Posture quiz")
    q = next(q for q in LIB.quiz.questions if q.id == "mirror_pelvis")
    visible_drawing(page, q.text)
    radio, fig = page.get_by_test_id("stRadio").filter(has_text=q.text), figure(page, q.text)
    fig.scroll_into_view_if_needed()
    top, bottom = radio.bounding_box(), fig.bounding_box()
    left = min(top["x"], bottom["x"]) - 8
    right = max(top["x"] + top["width"], bottom["x"] + bottom["width"]) + 8
    clip_shot(page, {"x": left, "y": top["y"] - 8, "width": right - left,
                     "height": bottom["y"] + bottom["height"] - top["y"] + 16}, "figures_quiz")

    nav(page, "Form check")
    visible_drawing(page, "The dowel check")
    page.get_by_role("tab", name="Handstand").click()
    fault = LIB.fault_by_id["handstand_banana_back"]
    visible_drawing(page, f"Fault: {fault.name}")
    fig = figure(page, f"Fault: {fault.name}")
    expect(fig.locator("text")).to_have_text(["✗ Fault", "✓ Fix"])
    element_shot(page.get_by_test_id("stVerticalBlock").filter(has=fig).last, "figures_form_check")


def test_routine_cards_show_the_exercise_figure(page: Page, server):
    goto(page, server)
    seed_earlier_steps(server)
    nav(page, "My routine")
    expect(page.get_by_role("heading", name="Your session")).to_be_visible()
    figures = page.locator("svg.bc-figure")
    expect(figures).to_have_count(1)  # the first card is open; the others draw theirs when opened
    for details in page.get_by_test_id("stExpander").locator("details").all():
        if details.get_attribute("open") is None:
            details.locator("summary").click()
    wait_for_app(page)
    assert figures.count() >= 5
    first = figures.first
    expect(first).to_be_visible()
    label = first.get_attribute("aria-label")
    name = label.split(":")[0]
    assert name in {e.name for e in LIB.exercises}
    element_shot(page.get_by_test_id("stExpander").filter(has=first).first, "figures_routine")  # the card
