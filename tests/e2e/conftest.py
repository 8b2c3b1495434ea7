"""Real-browser fixtures: a Streamlit server per test module and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from backcheck.safety import SafetyCheck

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BACKCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, env: dict[str, str] | None = None, args: list[str] | None = None,
                 port: int | None = None, base: str = "") -> None:
        """`base`: a path the app is served under (Streamlit's server.baseUrlPath), as behind a proxy."""
        self.port = port or _free_port()
        self.db = tmp / "backcheck.db"
        self.url = f"http://localhost:{self.port}" + (f"/{base}" if base else "")
        args = [*(args or []), *(["--server.baseUrlPath", base] if base else [])]
        self.log = tmp / "streamlit.log"
        full_env = {**os.environ, "BACKCHECK_DB_PATH": str(self.db), **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backcheck.serve", "--server.port", str(self.port), *args],
            cwd=ROOT, env=full_env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


def wait_for_app(page: Page) -> None:
    """Wait until the app is connected and the script has finished running."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=30_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    page.wait_for_timeout(200)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)


def goto(page: Page, server: Server, path: str = "", profile: int | None = None) -> None:
    """Open a page; with `profile`, as that profile (the app keeps it in the URL)."""
    page.goto(f"{server.url}/{path}" + (f"?profile={profile}" if profile else ""))
    wait_for_app(page)


def new_profile(server: Server, name: str) -> int:
    """Set-up only: a fresh profile in the server's database so a test starts from a clean slate."""
    from backcheck.storage import Store

    return Store(f"sqlite:///{server.db}").profiles.create(name).id


def clear_safety(server: Server, profile: int | None = None) -> None:
    """Set-up only: an all-"no" safety check (the quiz, form check and routine open only after one)."""
    from backcheck.content import load_library
    from backcheck.storage import Store

    store = Store(f"sqlite:///{server.db}")
    pid = profile if profile is not None else store.profiles.list()[0].id
    store.safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in load_library().safety.flags}))


def nav(page: Page, label: str) -> None:
    """Open a page from the sidebar navigation, as a person would."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=False).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def answer_radio(page: Page, question: str, option: str) -> None:
    """Click an option of the radio group whose label starts with `question`."""
    group = page.get_by_test_id("stRadio").filter(has_text=question)
    group.get_by_text(option, exact=True).click()


def shot(page: Page, name: str) -> None:
    """Save a screenshot; into docs/screenshots when BACKCHECK_SCREENSHOTS is set (make screenshots)."""
    folder = Path(os.environ.get("BACKCHECK_SCREENSHOTS") or ROOT / "test-results" / "screenshots")
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its main container, so grow the viewport to the content first.
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(...['stMain', 'stAppViewContainer'].map(id => "
        "document.querySelector(`[data-testid=${id}]`)?.scrollHeight || 0), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 5000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)
