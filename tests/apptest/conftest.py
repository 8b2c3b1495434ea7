"""AppTest fixtures: the real app.py with an isolated SQLite file per test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit.testing.v1.app_test as app_test_module
from streamlit.testing.v1 import AppTest
from backcheck.safety import SafetyCheck

from backcheck.serve import NavigationOnlyPagesManager

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _through_app_py(monkeypatch):
    """AppTest resets Streamlit's legacy pages-folder mode before every run, and with a pages/
    folder present it would run a page file on its own. BackCheck always navigates through
    app.py, so switch that mode off the way backcheck/serve.py does for the real server."""
    monkeypatch.setattr(app_test_module, "PagesManager", NavigationOnlyPagesManager)


@pytest.fixture
def app(tmp_path, monkeypatch):
    """Return a factory: app(page=None) -> AppTest that has run once (on `page` if given).

    Every run goes through app.py (navigation, sidebar, demo banner), as in the browser.
    """
    monkeypatch.setenv("BACKCHECK_DB_PATH", str(tmp_path / "backcheck.db"))
    monkeypatch.chdir(ROOT)

    def make(page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return make


def clear_safety() -> None:
    """Record an all-"no" safety check for the first profile: the quiz, form check and routine need one."""
    from backcheck.content import load_library
    from backcheck.storage import Store, database_url

    store = Store(database_url())
    store.safety.add(store.profiles.list()[0].id, SafetyCheck("clear", [],
                            {f.id: False for f in load_library().safety.flags}))


def click(at: AppTest, label: str) -> AppTest:
    """Click the button (form submit buttons included) with this label and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    matches[0].click()
    return at.run()


def as_read(markdown: str) -> str:
    """Markdown source as a person reads it: without backcheck.text.md's escapes and zero-width spaces."""
    return re.sub(r"\\([\\`*_{}\[\]()#!|~$<>&+=.-])", r"\1", markdown).replace("\u200b", "")


def texts(at: AppTest) -> str:
    """All markdown, alerts and captions on the page as one string (for assertions), as read."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("success", "info", "warning", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return as_read("\n".join(str(p) for p in parts))


@pytest.fixture
def store(app, tmp_path):
    """The test's store (the app fixture points BACKCHECK_DB_PATH at tmp_path first)."""
    app  # noqa: B018
    from backcheck.storage import Store

    return Store(f"sqlite:///{tmp_path / 'backcheck.db'}")


def me(store) -> int:
    """The first profile's id."""
    return store.profiles.list()[0].id


def record_clear_safety(store, pid: int) -> None:
    """Set-up only: an all-"no" safety check for profile `pid` in `store`."""
    from backcheck.content import load_library

    store.safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in load_library().safety.flags}))
