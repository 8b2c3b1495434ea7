"""Real Chromium: open a routine on a phone from the physio's screen, safety gate included.

The server runs in network mode (BACKCHECK_HOST) on 127.0.0.2, a loopback address standing in
for the machine's Wi-Fi address, so the test reaches it without leaving the machine.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from backcheck.cluster import AppServer
from backcheck.content import load_library
from backcheck.storage import Store

from .conftest import ROOT, answer_radio, wait_for_app
from backcheck.player import RoutineSession
from backcheck.safety import SafetyCheck

LIB = load_library()
NETWORK_ADDRESS = "127.0.0.2"


def shots() -> Path:
    """Where screenshots go (docs/screenshots with `make screenshots`), as conftest.shot does."""
    folder = Path(os.environ.get("BACKCHECK_SCREENSHOTS") or ROOT / "test-results" / "screenshots")
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def lan_server():
    folder = Path(tempfile.mkdtemp(prefix="backcheck-phone-"))
    db = f"sqlite:///{folder}/backcheck.db"
    srv = AppServer("phone", db, folder, address=NETWORK_ADDRESS, extra_env={"BACKCHECK_HOST": NETWORK_ADDRESS})
    try:
        srv.start()
        srv.wait()
        yield srv
    finally:
        srv.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_physio_shows_a_qr_code_and_the_phone_goes_through_the_safety_check_to_the_same_routine(
        browser: Browser, lan_server: AppServer):
    store = Store(lan_server.db_url)
    physio = store.profiles.create("Physio demo").id
    store.safety.add(physio, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    store.sessions.add(physio, RoutineSession(35, {"minutes": 35}))  # the routine starts from 35 minutes, not the default
    store.engine.dispose()

    # the physio's screen: the share link and the phone panel use the network address, with a QR code
    laptop = browser.new_context(viewport={"width": 1280, "height": 900})
    page = laptop.new_page()
    page.goto(f"{lan_server.url}/routine?profile={physio}")
    wait_for_app(page)
    page.get_by_role("tab", name="Share link").click()
    wait_for_app(page)
    panel = page.locator(".st-key-bc_phone")
    expect(panel.get_by_text("Open this on your phone")).to_be_visible()
    qr = panel.get_by_role("img").first
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")  # drawn here, nothing fetched
    link = panel.get_by_test_id("stCode").locator("code").inner_text().strip()
    assert link.startswith(f"http://{NETWORK_ADDRESS}:{lan_server.port}/routine?"), link
    sent = dict(parse_qsl(urlsplit(link).query))
    assert sent.get("min") == "35" and "profile" not in sent
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(shots() / "routine_phone_qr.png"))
    laptop.close()

    # the phone: a fresh visitor on the default profile, which has no safety check yet
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    mobile.goto(link)
    wait_for_app(mobile)
    expect(mobile.get_by_text("Safety check first.")).to_be_visible()
    mobile.get_by_role("link", name="Do the safety check").click()
    wait_for_app(mobile)
    expect(mobile.get_by_role("heading", name="Safety check")).to_be_visible()
    for flag in LIB.safety.flags:
        answer_radio(mobile, flag.question[:40], "No")
    mobile.get_by_role("button", name="Save my answers").click()
    wait_for_app(mobile)
    expect(mobile.get_by_text("No warning signs.")).to_be_visible()
    mobile.get_by_role("button", name="Back to the shared routine").click()
    wait_for_app(mobile)

    # back on the same routine, built from the link's answers
    expect(mobile.get_by_role("heading", name="My routine")).to_be_visible()
    expect(mobile.get_by_text("Opened from a shared link.")).to_be_visible()
    back = dict(parse_qsl(urlsplit(mobile.url).query))
    assert {k: back.get(k) for k in sent} == sent
    expect(mobile.get_by_test_id("stSlider").filter(has_text="Minutes per session")
           .get_by_role("slider")).to_have_value("35")
    phone.close()
