"""Real Chromium: add, edit and delete entries and watch the chart; CSV out and in; clinician report."""

from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import goto, nav, new_profile, shot, wait_for_app


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in the select box with this label, as a person would."""
    page.get_by_role("combobox", name=label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()


def slide(page: Page, label: str, steps: int) -> None:
    """Move a slider with the keyboard (focus the handle, press the right arrow)."""
    handle = page.get_by_test_id("stSlider").filter(has_text=label).first.get_by_role("slider")
    handle.focus()
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(400)  # the slider hands its value over after a short pause


def pick_pain(page: Page, pain: int, label: str = "Pain right now") -> None:
    """Tap a pain number (the control starts with none picked: no silent "no pain")."""
    page.get_by_test_id("stButtonGroup").filter(has_text=label).first.get_by_role(
        "radio", name=str(pain), exact=True).click()


def open_edit_form(page: Page) -> None:
    """Open the edit form of the entry picked in the Entries tab (it opens on request)."""
    page.get_by_role("button", name="Edit this entry").click()
    wait_for_app(page)


def legend(page: Page) -> list[str]:
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible()
    return [t.strip() for t in chart.locator(".legendtext").all_text_contents()]


def add_entry(page: Page, pain: int, activity: str, location: str, notes: str = "") -> None:
    pick_pain(page, pain)
    choose(page, "What were you doing?", activity)
    choose(page, "Where does it hurt?", location)
    if notes:
        page.get_by_label("Notes (optional)").fill(notes)
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text(f"Saved: pain {pain} on")).to_be_visible()


def test_add_edit_and_delete_entries_and_the_chart_follows(page: Page, server):
    pid = new_profile(server, "Entries")
    goto(page, server, profile=pid)
    nav(page, "Pain log")
    expect(page.get_by_text("Your log is empty.")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)

    # saving without a pain number says what to do and saves nothing
    choose(page, "What were you doing?", "Squat")
    choose(page, "Where does it hurt?", "Lower back")
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Pick your pain right now")).to_be_visible()
    expect(page.get_by_text("Your log is empty.")).to_be_visible()

    add_entry(page, 6, "Squat", "Lower back", notes="<b>stiff</b> after **squats**")
    expect(page.get_by_text("Your log covers 1 day so far.")).to_be_visible()
    assert "Squat" in legend(page) and "Walking" not in legend(page)

    add_entry(page, 3, "Walking", "Leg")
    assert {"Squat", "Walking"} <= set(legend(page))

    # edit the newest entry (the walk): pain 3 -> 5
    expect(page.get_by_role("combobox", name="Entry")).to_have_value(re.compile(r"pain 3 · Walking$"))
    open_edit_form(page)
    slide(page, "Pain (0-10)", 2)
    page.get_by_role("button", name="Save changes").click()
    wait_for_app(page)
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Entry")).to_have_value(re.compile(r"pain 5 · Walking$"))

    # delete it: asks first, then the chart loses the walk; undo brings it back
    page.get_by_role("button", name="Delete this entry").click()
    wait_for_app(page)
    expect(page.get_by_text("Delete this entry? You can undo it straight afterwards.")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    wait_for_app(page)
    expect(page.get_by_text("Deleted the entry from")).to_be_visible()
    assert "Walking" not in legend(page)
    page.get_by_role("button", name="Undo delete").click()
    wait_for_app(page)
    expect(page.get_by_text("The entry is back in your log.")).to_be_visible()
    assert "Walking" in legend(page)

    # the user's note comes back exactly as typed and is never rendered as HTML or markdown
    picker = page.get_by_role("combobox", name="Entry", exact=True)
    if "Squat" not in picker.input_value():
        picker.click()
        page.get_by_role("option").filter(has_text="Squat").click()
        wait_for_app(page)
    expect(picker).to_have_value(re.compile(r"pain 6 · Squat$"))
    open_edit_form(page)
    expect(page.get_by_label("Notes", exact=True)).to_have_value("<b>stiff</b> after **squats**")
    expect(page.locator("b", has_text="stiff")).to_have_count(0)
    expect(page.locator("strong", has_text="squats")).to_have_count(0)


def test_csv_export_then_import_with_a_report(page: Page, server, tmp_path: Path):
    pid = new_profile(server, "CSV person")
    goto(page, server, profile=pid)
    nav(page, "Pain log")
    add_entry(page, 4, "Sitting", "Buttock", notes="desk day, long")
    page.get_by_role("tab", name="Import / export").click()
    wait_for_app(page)  # the keyed tabs rerun on a click: press the button once that has finished
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV (1 entries)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    lines = exported.splitlines()
    assert lines[0] == "recorded_at,pain,activity,location,notes"
    assert lines[1].endswith(',4,sitting,buttock,"desk day, long"')

    # a file with one bad row: the report names it, and nothing is written until asked
    upload = tmp_path / "mixed.csv"
    upload.write_text(lines[0] + "\n" + lines[1] + "\n"
                      "2025-01-05T08:00,7,squat,leg,from the old app\n"
                      "2025-01-06T08:00,seven,squat,leg,\n"
                      "2025-01-07T08:00,2,walking,lower_back,\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_for_app(page)
    expect(page.get_by_text("2 new entries ready to import")).to_be_visible()
    expect(page.get_by_text("1 skipped as duplicates")).to_be_visible()
    expect(page.get_by_text("1 rejected")).to_be_visible()
    page.get_by_role("button", name="Import the 2 valid entries").click()
    wait_for_app(page)
    expect(page.get_by_text("Imported 2 entries.")).to_be_visible()

    # the same file again adds nothing
    page.get_by_role("tab", name="Import / export").click()
    wait_for_app(page)  # the keyed tabs rerun on a click: choose the file once that has finished, as a person would
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    wait_for_app(page)
    expect(page.get_by_text("There is nothing new to import from this file.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV (3 entries)").click()
    assert len(Path(download.value.path()).read_text(encoding="utf-8").splitlines()) == 4


def test_demo_patient_chart_screenshot_and_clinician_report(page: Page, server):
    goto(page, server)
    nav(page, "Profiles")
    page.get_by_role("button", name="Load the demo patient").click()
    wait_for_app(page)
    nav(page, "Pain log")
    expect(page.get_by_text("Demo patient.", exact=False).first).to_be_visible()
    expect(page.get_by_text("Meaningful improvement.")).to_be_visible()
    assert "7-day average" in legend(page) and "Routine session done" in legend(page)
    # issue 14: the clinician report has its own box near the top, above the chart (no tab to find)
    expect(page.get_by_role("button", name="Download clinician report (PDF)")).to_be_visible()
    report_y = page.locator(".st-key-pain_report").bounding_box()["y"]
    assert report_y < page.locator(".js-plotly-plot").first.bounding_box()["y"]
    expect(page.get_by_role("tab", name="Clinician report")).to_have_count(0)
    shot(page, "pain_log")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download clinician report (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert len(reader.pages) == 1
    assert "Pain log report: Demo patient (Alex) (demo data)" in text
    assert "Verdict: Meaningful improvement" in text and "Anterior pelvic tilt (lordosis)" in text
    assert "Routine adherence" in text and "Squatting to full depth" in text
    assert "The patient's average pain" in text  # written for the clinician

    # phone width: the chart and the form fit without sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="Save entry")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
