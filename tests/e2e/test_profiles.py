"""Real Chromium: create, switch, rename and delete profiles; load and remove the demo patient."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from backcheck.demo import DEMO_NAME
from backcheck.storage import Store

from .conftest import goto, nav, shot, wait_for_app
from backcheck.painlog import PainEntry


def sidebar_profile(page: Page):
    return page.get_by_role("combobox", name="Active profile")


def card(page: Page, server, name: str):
    """The bordered block of one profile on the Profiles page."""
    pid = next(p.id for p in Store(f"sqlite:///{server.db}").profiles.list() if p.name == name)
    return page.locator(f".st-key-profiles_w_card_{pid}")


def test_create_switch_rename_and_delete_a_profile(page: Page, server):
    goto(page, server)
    nav(page, "Profiles")
    page.get_by_label("Name", exact=True).fill("Patient 7")
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_text("Profile created; it is now the active profile.")).to_be_visible()
    expect(sidebar_profile(page)).to_have_value("Patient 7")

    # a second profile with the same name (any case) is refused with a reason
    page.get_by_label("Name", exact=True).fill("patient 7")
    page.get_by_role("button", name="Create and switch to it").click()
    wait_for_app(page)
    expect(page.get_by_text("A profile called 'patient 7' already exists")).to_be_visible()

    # switch back to the first profile
    card(page, server, "Me").get_by_role("button", name="Switch to this profile").click()
    wait_for_app(page)
    expect(sidebar_profile(page)).to_have_value("Me")

    # rename
    block = card(page, server, "Patient 7")
    block.get_by_text("Rename or delete").click()
    block.get_by_label("New name", exact=True).fill("Patient seven")
    block.get_by_role("button", name="Rename").click()
    wait_for_app(page)
    expect(page.get_by_text("Profile renamed.")).to_be_visible()
    expect(page.get_by_text("Patient seven", exact=True)).to_be_visible()

    # delete asks first
    block = card(page, server, "Patient seven")
    delete = block.get_by_role("button", name="Delete profile")
    if not delete.is_visible():  # the expander stays open after the rename
        block.get_by_text("Rename or delete").click()
    delete.click()
    wait_for_app(page)
    expect(page.get_by_text("Delete this profile and everything saved in it?")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    wait_for_app(page)
    expect(page.get_by_text("Profile deleted.")).to_be_visible()
    expect(page.get_by_text("Patient seven", exact=True)).to_have_count(0)
    assert [p.name for p in Store(f"sqlite:///{server.db}").profiles.list()] == ["Me"]


def test_demo_patient_loads_is_marked_and_is_removed_in_one_click(page: Page, server):
    store = Store(f"sqlite:///{server.db}")
    me = store.profiles.list()[0]
    store.pain.add(me.id, PainEntry(recorded_at=store.profiles.list()[0].created_at, pain=2, activity="walking", location="leg", notes="my own entry"))

    goto(page, server)
    nav(page, "Profiles")
    page.get_by_role("button", name="Load the demo patient").click()
    wait_for_app(page)
    expect(page.get_by_text("Demo patient loaded and opened.")).to_be_visible()
    expect(sidebar_profile(page)).to_have_value(DEMO_NAME)  # the name says "Demo" already: no "(demo)" twice
    expect(page.get_by_text("Demo data").first).to_be_visible()
    shot(page, "profiles")

    # marked on every page, with data on the pain log
    for title in ("Home", "Pain log"):
        nav(page, title)
        expect(page.get_by_text("demo", exact=False).first).to_be_visible()
    expect(page.get_by_text("Demo patient.", exact=False).first).to_be_visible()
    expect(page.get_by_text("Meaningful improvement.")).to_be_visible()

    nav(page, "Profiles")
    page.get_by_role("button", name="Remove the demo patient").click()
    wait_for_app(page)
    expect(page.get_by_text("The demo patient and all its data were removed.")).to_be_visible()
    expect(sidebar_profile(page)).to_have_value("Me")
    expect(page.get_by_role("button", name="Load the demo patient")).to_be_visible()
    assert [p.name for p in store.profiles.list()] == ["Me"]
    assert [r.notes for r in store.pain.all(me.id)] == ["my own entry"]

    # phone width
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_for_app(page)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
