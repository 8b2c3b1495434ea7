"""Real Chromium: tick faults on every movement, save, reload, and find the check and the comparison."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from backcheck.content import load_library

from .conftest import clear_safety, goto, nav, shot, wait_for_app

LIB = load_library()
NAME = {f.id: f.name for f in LIB.faults}
MOVEMENT = {m.id: m.name for m in LIB.faults.movements}


def tick(page: Page, fault_id: str) -> None:
    """Open the fault's movement tab and tick it, as a person would."""
    page.get_by_role("tab", name=MOVEMENT[LIB.fault_by_id[fault_id].movement]).click()
    box = page.get_by_test_id("stCheckbox").filter(has_text=NAME[fault_id])
    box.locator("label").click()
    wait_for_app(page)
    expect(box.get_by_role("checkbox")).to_be_checked()


def save(page: Page) -> None:
    page.get_by_role("button", name="Save this check").click()
    wait_for_app(page)
    expect(page.get_by_text("Saved. Here is what your check found and what changed since last time.")).to_be_visible()
    # the saved result comes first (issue 14): the checklist waits behind "Check again"
    expect(page.get_by_role("heading", name="Your latest check")).to_be_visible()
    expect(page.get_by_role("button", name="Save this check")).to_have_count(0)
    expect(page.get_by_role("button", name="Check again")).to_be_visible()


def check_again(page: Page) -> None:
    page.get_by_role("button", name="Check again").click()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Save this check")).to_be_visible()


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_tick_each_movement_save_reload_and_compare(page: Page, server):
    clear_safety(server)  # set-up: the form check opens after a clear safety check
    goto(page, server)
    nav(page, "Form check")
    expect(page.get_by_text("The dowel check", exact=True)).to_be_visible()

    # first check: one fault on each movement
    for fid in ("hinge_pelvis_tips_forward", "squat_butt_wink", "handstand_closed_shoulders"):
        tick(page, fid)
    expect(page.get_by_text("Ready to save: 3 faults ticked across 3 of 3 movements.")).to_be_visible()
    save(page)

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Your latest check")).to_be_visible()
    expect(page.get_by_text("Saved on")).to_be_visible()
    expect(page.get_by_role("heading", name="Shoulder mobility · 1 fault")).to_be_visible()
    expect(page.get_by_text("This is your first saved form check")).to_be_visible()
    # the checklist starts clean after a reload
    check_again(page)
    expect(page.get_by_test_id("stCheckbox").first).to_be_visible()
    for checkbox in page.get_by_test_id("stCheckbox").get_by_role("checkbox").all():
        expect(checkbox).not_to_be_checked()

    # second check: two cleared, one still there, two new
    for fid in ("hinge_too_low", "squat_no_brace", "handstand_closed_shoulders"):
        tick(page, fid)
    save(page)

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Compared with your previous check")).to_be_visible()
    expect(metric(page, "Cleared")).to_have_text("2")
    expect(metric(page, "New")).to_have_text("2")
    expect(metric(page, "Still there")).to_have_text("1")
    previous, latest = page.locator(".st-key-form_cmp_before"), page.locator(".st-key-form_cmp_now")
    expect(previous).to_contain_text("Previous (")
    expect(latest).to_contain_text("Latest (")
    expect(previous.get_by_role("listitem").filter(has_text=NAME["hinge_pelvis_tips_forward"])).to_contain_text("Cleared")
    expect(previous.get_by_role("listitem").filter(has_text=NAME["squat_butt_wink"])).to_contain_text("Cleared")
    expect(latest.get_by_role("listitem").filter(has_text=NAME["hinge_too_low"])).to_contain_text("New")
    expect(latest.get_by_role("listitem").filter(has_text=NAME["handstand_closed_shoulders"])).to_contain_text("Still there")
    # drills in the summary open the exercise library entry
    expect(page.get_by_role("link", name="Hip hinge with a dowel").first).to_be_visible()

    page.get_by_role("heading", name="Compared with your previous check").scroll_into_view_if_needed()
    shot(page, "form_check")

    # phone width: nothing sticks out sideways
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    check_again(page)  # the checklist at phone width too
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.get_by_role("button", name="Save this check")).to_be_visible()
    # "Back to my latest result" leaves the checklist; the result leads on to the routine
    page.get_by_role("button", name="Back to my latest result").click()
    wait_for_app(page)
    page.get_by_role("link", name="Open my routine").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="My routine", level=1)).to_be_visible()
