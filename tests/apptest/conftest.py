"""AppTest fixtures: the real app.py with an isolated SQLite file per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(tmp_path, monkeypatch):
    """Return a factory: app(page=None) -> AppTest that has run once (on `page` if given)."""
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


def click(at: AppTest, label: str) -> AppTest:
    """Click the button (form submit buttons included) with this label and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; have {[b.label for b in at.button]}"
    matches[0].click()
    return at.run()


def texts(at: AppTest) -> str:
    """All markdown, alerts and captions on the page as one string (for assertions)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("success", "info", "warning", "error"):
        parts += [e.value for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)
