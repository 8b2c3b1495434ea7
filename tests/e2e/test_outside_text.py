"""Real Chromium: outside text never becomes markdown, URL values never crash a page, names
are cleaned, over-long pastes are cut and said so, and switching profile mid-form carries nothing over.

Each entry point gets images, links, bare URLs and emphasis; the tests record every request
the page makes and look for any link or image the text could have planted.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from playwright.sync_api import Page, expect

from backcheck.content import load_library
from backcheck.storage import Store

from .conftest import goto, nav, new_profile, shot, wait_for_app
from backcheck.safety import SafetyCheck

LIB = load_library()
IMAGE = "![](http://198.51.100.7/b.png)"
LINK = "[Verify](http://evil.example)"
BARE = "http://evil.example/x www.evil.example"
EMPHASIS = "*em* **strong** _u_"
PAYLOADS = [IMAGE, LINK, BARE, EMPHASIS]
LOCAL = {"localhost", "127.0.0.1", ""}


def store(server) -> Store:
    return Store(f"sqlite:///{server.db}")


def record_hosts(page: Page) -> set[str]:
    hosts: set[str] = set()
    page.on("request", lambda r: hosts.add(urlparse(r.url).hostname or ""))
    return hosts


def assert_nothing_planted(page: Page, hosts: set[str]) -> None:
    """No request left the machine, and no link, image or emphasis came from the payloads."""
    page.wait_for_timeout(500)  # give a planted image time to be requested
    assert hosts <= LOCAL, hosts
    main = page.get_by_test_id("stMain")
    assert main.locator('a[href*="evil"], a[href*="198.51"], a[href^="mailto"], [*|href*="evil"]').count() == 0
    assert main.locator('img[src*="198.51"]').count() == 0
    planted = [t for t in main.locator("em, strong").all_inner_texts() if t.strip() in ("em", "strong", "u")]
    assert planted == [], planted
    expect(page.get_by_test_id("stException")).to_have_count(0)


def read(locator) -> str:
    """What a person reads (the zero-width spaces that keep URLs from turning into links are invisible)."""
    return locator.inner_text().replace("\u200b", "")


def no_emphasis_from(page: Page, alert) -> None:
    expect(alert.locator("em, strong", has_text="em")).to_have_count(0)
    expect(alert.locator("strong", has_text="strong")).to_have_count(0)


def cleared(server, name: str) -> int:
    """Set-up: a profile with a clear safety check (the routine needs one)."""
    pid = new_profile(server, name)
    store(server).safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    return pid


def switch_profile(page: Page, name: str) -> None:
    page.get_by_role("combobox", name="Active profile").click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Active profile")).to_have_value(name)


# --------------------------------------------------------------------------- markdown injection


def test_share_link_values_are_shown_as_text(page: Page, server):
    pid = cleared(server, "Link reader")
    hosts = record_hosts(page)
    goals = ",".join(["squat", *PAYLOADS])
    page.goto(f"{server.url}/routine?profile={pid}&goals={quote(goals)}&eq={quote(LINK)}&min=%C2%B2&pain=5")
    wait_for_app(page)
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="Parts of this link could not be used")
    expect(warning).to_be_visible()
    shown = read(warning)
    for bit in ("'[Verify](http://evil.example)'", "'![](http://198.51.100.7/b.png)'", "'*em* **strong** _u_'",
                "minutes must be a whole number"):
        assert bit in shown, shown
    no_emphasis_from(page, warning)
    expect(page.get_by_role("heading", name="Your session")).to_be_visible()
    shot(page, "outside_text_share_link")
    assert_nothing_planted(page, hosts)


def test_csv_headers_and_cells_are_shown_as_text(page: Page, server, tmp_path: Path):
    pid = new_profile(server, "CSV reader")
    hosts = record_hosts(page)
    goto(page, server, "pain_log", profile=pid)
    page.get_by_role("tab", name="Import / export").click()
    wait_for_app(page)  # the tab's contents are drawn when it opens
    bad_header = tmp_path / "header.csv"
    bad_header.write_text(f"recorded_at,pain,activity,location,{IMAGE} {LINK} {BARE} {EMPHASIS}\n"
                          "2025-01-05T08:00,7,squat,leg\n", encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(bad_header))
    wait_for_app(page)
    error = page.get_by_test_id("stAlertContentError").filter(has_text="Nothing imported")
    assert f"not expected: {IMAGE} {LINK.lower()}" in read(error)  # column names are read in lower case
    no_emphasis_from(page, error)
    assert_nothing_planted(page, hosts)

    cells = tmp_path / "cells.csv"
    cells.write_text("recorded_at,pain,activity,location,notes\n"
                     f'2025-01-05T08:00,7,"{LINK}","{IMAGE}","{BARE}"\n2025-01-06T08:00,3,squat,leg,{EMPHASIS}\n',
                     encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(cells))
    wait_for_app(page)
    expect(page.get_by_text("1 rejected")).to_be_visible()
    assert_nothing_planted(page, hosts)


def test_profile_and_activity_names_are_shown_as_text(page: Page, server):
    name = f"{LINK} {IMAGE}"[:40]
    pid = new_profile(server, name)
    hosts = record_hosts(page)
    goto(page, server, "profiles", profile=pid)
    page.get_by_label("Name", exact=True).fill(name.upper())  # the same name in other case: refused, quoted
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    error = page.get_by_test_id("stAlertContentError").filter(has_text="already exists")
    assert name.upper() in read(error)
    assert_nothing_planted(page, hosts)

    goto(page, server, "pain_log", profile=pid)
    page.get_by_role("tab", name="Function scores").click()
    activity = f"{IMAGE} {EMPHASIS}"
    s = store(server)  # set-up: the activity is on the list already, and one with HTML is rated (a chart)
    first = s.functions.add_activity(pid, activity, limit=3)
    html = s.functions.add_activity(pid, '<a href="http://evil.example">x</a> <b>b</b>', limit=3)
    s.functions.rate(pid, {first: 6, html: 4})  # two lines, so the chart draws its legend
    goto(page, server, "pain_log", profile=pid)
    page.get_by_role("tab", name="Function scores").click()
    wait_for_app(page)
    expect(page.get_by_text(activity, exact=True).first).to_be_visible()  # the rating label, as typed
    page.get_by_role("combobox", name="Activity", exact=True).click()
    page.keyboard.type("Something else")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_label("Your activity").fill(activity.upper())  # the same name in capitals: refused, quoted
    page.get_by_label("Your activity").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Add activity").click()
    wait_for_app(page)
    error = page.get_by_test_id("stAlertContentError").filter(has_text="already on your list")
    assert activity.upper() in read(error)
    no_emphasis_from(page, error)
    assert [a.name for a in store(server).functions.activities(pid)][0] == activity
    legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()
    assert '<a href="http://evil.example">x</a> <b>b</b>' in legend  # plotly shows the tags as typed
    for path in ("", "pain_log", "profiles"):
        goto(page, server, path, profile=pid)
        assert_nothing_planted(page, hosts)


# --------------------------------------------------------------------------- URL values


@pytest.mark.parametrize("value", ["%C2%B2", "%E2%91%A0", "5" * 5000, "-1", "99999999999999", ""])
def test_bad_profile_values_in_the_url_are_ignored_with_a_note(page: Page, server, value):
    for path in ("", "safety", "form_check", "routine", "pain_log", "profiles"):
        page.goto(f"{server.url}/{path}?profile={value}")
        wait_for_app(page)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_role("heading", level=1).first).to_be_visible()
        expect(page.get_by_text("Link: the profile").or_(page.get_by_text("Link: there is no profile"))).to_be_visible()


@pytest.mark.parametrize("query", ["min=%C2%B2", "min=" + "9" * 5000, "pain=%E2%91%A0", "min=-5&pain=99999999999",
                                   "goals=" + "x," * 3000, "exercise=%C2%B2"])
def test_bad_routine_and_library_values_never_crash(page: Page, server, query):
    pid = cleared(server, f"URL {len(query)} {query[:8]}")
    path = "library" if query.startswith("exercise") else "routine"
    page.goto(f"{server.url}/{path}?profile={pid}&{query}")
    wait_for_app(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    note = page.get_by_text("Parts of this link could not be used").or_(page.get_by_text("Link: unknown exercise"))
    expect(note).to_be_visible()


# --------------------------------------------------------------------------- names and long pastes


def test_invisible_and_look_alike_profile_names_are_refused(page: Page, server):
    goto(page, server, "profiles")
    field = page.get_by_label("Name", exact=True)
    field.fill("\u200b\u200b\u200b")
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_text("at least one visible letter or digit")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Ｒｕｔｈ\u200b")  # full-width letters and a zero-width space
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Active profile")).to_have_value("Ruth")
    page.get_by_label("Name", exact=True).fill("ruth")
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_text("A profile called 'ruth' already exists")).to_be_visible()
    assert [p.name for p in store(server).profiles.list()].count("Ruth") == 1


def test_pasting_too_much_keeps_the_text_cut_to_the_limit_and_says_so(page: Page, server):
    pid = new_profile(server, "Long paster")
    goto(page, server, "pain_log", profile=pid)
    notes = page.get_by_label("Notes (optional)")
    notes.focus()
    page.keyboard.insert_text("x" * 450 + "y" * 150)  # as a paste: one input of 600 characters
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    expect(page.get_by_text("The note had 600 characters; the limit is 500.")).to_be_visible()
    expect(page.get_by_label("Notes (optional)")).to_have_value("x" * 450 + "y" * 50)
    assert store(server).pain.all(pid) == []  # nothing saved until the person has looked

    goto(page, server, "profiles", profile=pid)
    page.get_by_label("Name", exact=True).focus()
    page.keyboard.insert_text("N" * 55)
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_text("The name had 55 characters; the limit is 40.")).to_be_visible()
    expect(page.get_by_label("Name", exact=True)).to_have_value("N" * 40)
    shot(page, "outside_text_long_paste")
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_role("combobox", name="Active profile")).to_have_value("N" * 40)


# --------------------------------------------------------------------------- profile switch mid-form


def _form_check(page: Page, a: int, b: int, server) -> None:
    fault = LIB.faults.faults[0]
    box = page.get_by_test_id("stCheckbox").filter(has_text=fault.name)
    box.locator("label").click()
    wait_for_app(page)
    expect(box.get_by_role("checkbox")).to_be_checked()
    switch_profile(page, "Switch B")
    expect(box.get_by_role("checkbox")).not_to_be_checked()
    page.get_by_role("button", name="Save this check").click()
    wait_for_app(page)
    s = store(server)
    assert s.form_checks.latest(a) is None
    assert all(not ids for ids in s.form_checks.latest(b).faults.values())


def _safety(page: Page, a: int, b: int, server) -> None:
    first = page.get_by_test_id("stRadio").first
    first.get_by_text("Yes", exact=True).click()
    expect(first.get_by_role("radio", name="Yes")).to_be_checked()
    switch_profile(page, "Switch B")
    first = page.get_by_test_id("stRadio").first
    expect(first.get_by_role("radio", name="Yes")).not_to_be_checked()
    for group in page.get_by_test_id("stRadio").all():
        group.get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Save my answers").click()
    wait_for_app(page)
    s = store(server)
    assert s.safety.latest(a) is None and s.safety.latest(b).flags == []


def _quiz(page: Page, a: int, b: int, server) -> None:
    q = LIB.quiz.questions[0]
    first = page.get_by_test_id("stRadio").first
    first.get_by_text(q.options[0].label, exact=True).click()
    expect(first.get_by_role("radio", name=q.options[0].label)).to_be_checked()
    switch_profile(page, "Switch B")
    first = page.get_by_test_id("stRadio").first
    expect(first.get_by_role("radio", name=q.options[0].label)).not_to_be_checked()
    for group in page.get_by_test_id("stRadio").all():
        group.get_by_text("Not sure", exact=True).click()
    page.get_by_role("button", name="See my result").click()
    wait_for_app(page)
    s = store(server)
    assert s.quiz.latest(a) is None and s.quiz.latest(b).answers[q.id] == "not_sure"


def _routine(page: Page, a: int, b: int, server) -> None:
    label = LIB.equipment_label[LIB.vocabulary.equipment[0].id]
    pills = page.get_by_test_id("stButtonGroup").filter(has_text="Equipment at hand").first
    pill = pills.get_by_role("button", name=label, exact=True)
    pill.click()
    wait_for_app(page)
    expect(pill).to_have_attribute("aria-pressed", "true")  # picked on profile A
    switch_profile(page, "Switch B")
    pills = page.get_by_test_id("stButtonGroup").filter(has_text="Equipment at hand").first
    expect(pills.get_by_role("button", name=label, exact=True)).to_have_attribute("aria-pressed", "false")
    page.get_by_test_id("stButtonGroup").filter(has_text="Pain right now").get_by_role("radio", name="2", exact=True).click()
    wait_for_app(page)
    page.get_by_role("button", name="Mark today's session done").click()
    wait_for_app(page)
    s = store(server)
    assert s.sessions.list(a) == []
    assert LIB.vocabulary.equipment[0].id not in s.sessions.list(b)[0].inputs["equipment"]


def _pain_log(page: Page, a: int, b: int, server) -> None:
    page.get_by_label("Notes (optional)").fill("belongs to A")
    switch_profile(page, "Switch B")
    expect(page.get_by_label("Notes (optional)")).to_have_value("")
    page.get_by_role("combobox", name="What were you doing?", exact=True).click()
    page.get_by_role("option", name="Walking", exact=True).click()
    page.get_by_role("combobox", name="Where does it hurt?", exact=True).click()
    page.get_by_role("option", name="Leg", exact=True).click()
    page.get_by_test_id("stButtonGroup").filter(has_text="Pain right now").first.get_by_role(
        "radio", name="4", exact=True).click()
    page.get_by_role("button", name="Save entry").click()
    wait_for_app(page)
    s = store(server)
    assert s.pain.all(a) == [] and [r.notes for r in s.pain.all(b)] == [""]


SCREENS = {"Safety check": _safety, "Posture quiz": _quiz, "Form check": _form_check, "My routine": _routine,
           "Pain log": _pain_log}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_switching_profile_mid_form_carries_nothing_over(page: Page, server, screen):
    s = store(server)
    for p in s.profiles.list():  # the sidebar lists names: keep only this test's two
        if p.name.startswith("Switch"):
            s.profiles.delete(p.id)
    a, b = cleared(server, "Switch A"), new_profile(server, "Switch B")
    if screen != "Safety check":
        s.safety.add(b, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    else:
        s = store(server)
        # the safety form shows only while no check is saved: start both without one
        with s.engine.begin() as conn:
            conn.exec_driver_sql(f"DELETE FROM safety_checks WHERE profile_id = {a}")
    goto(page, server, profile=a)
    nav(page, screen)
    SCREENS[screen](page, a, b, server)
    expect(page.get_by_test_id("stException")).to_have_count(0)
