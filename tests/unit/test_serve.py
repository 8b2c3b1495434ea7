"""Streamlit's legacy pages/ folder mode is switched off in one place (backcheck/serve.py).

Streamlit has no supported option for it, so BackCheck sets a private class attribute. These
tests fail with a clear message when a Streamlit upgrade removes or renames it.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

from backcheck import serve


def test_streamlit_still_has_the_pages_folder_switch():
    assert serve.LEGACY_SWITCH in vars(PagesManager), (
        f"Streamlit's PagesManager has no '{serve.LEGACY_SWITCH}' any more: backcheck/serve.py can no longer "
        "switch the legacy pages/ folder mode off. Find the new switch and update serve.pages_folder_off.")


def test_a_manager_for_app_py_with_its_pages_folder_stays_in_navigation_mode(monkeypatch):
    monkeypatch.setattr(PagesManager, serve.LEGACY_SWITCH, None)  # as a fresh server (and AppTest) start
    assert (serve.APP.parent / "pages").is_dir()
    PagesManager(str(serve.APP))
    assert PagesManager.uses_pages_directory is True  # Streamlit alone would pick the legacy mode here
    monkeypatch.setattr(PagesManager, serve.LEGACY_SWITCH, None)
    serve.NavigationOnlyPagesManager(str(serve.APP))
    assert PagesManager.uses_pages_directory is False


def test_a_missing_switch_fails_loudly(monkeypatch):
    monkeypatch.delattr(PagesManager, serve.LEGACY_SWITCH)
    with pytest.raises(serve.StreamlitChanged, match="no 'uses_pages_directory' any more"):
        serve.pages_folder_off()
