"""Secrets: the database password never reaches the page, the logs or an error message.

Each test starts the real app.py with a BACKCHECK_DB_URL that carries a password and checks
the start-up error page: a message for people, no exception element, and the password
nowhere on the page or in what the app logged.
"""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from backcheck.cluster import free_port, masked

from .conftest import ROOT, as_read

SECRET = "Pw-n3ver-shown-7f3a"


def page_dump(at: AppTest) -> str:
    """Every element of the page (main and sidebar) as protobuf text: all that the browser receives."""
    def walk(node) -> list[str]:
        out = [str(getattr(node, "proto", ""))]
        for child in getattr(node, "children", {}).values():
            out += walk(child)
        return out

    return "\n".join(walk(at._tree))


def start(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("BACKCHECK_DB_URL", url)
    monkeypatch.delenv("BACKCHECK_DB_PATH", raising=False)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def assert_no_secret(at: AppTest, caplog, capfd) -> None:
    assert not at.exception, [e.message for e in at.exception]
    out, err = capfd.readouterr()
    for where, text in (("page", page_dump(at)), ("log", caplog.text), ("stdout", out), ("stderr", err)):
        assert SECRET not in text, f"the password appears in the {where}"


@pytest.fixture(autouse=True)
def _log_everything(caplog):
    caplog.set_level(logging.DEBUG)


def test_unreachable_database_server_says_so_without_the_password(monkeypatch, caplog, capfd):
    url = f"postgresql+psycopg://backcheck:{SECRET}@127.0.0.1:{free_port()}/backcheck"  # nothing listens there
    at = start(monkeypatch, url)
    message = at.error[0].value
    assert "cannot open its data" in message and "cannot be reached" in message
    assert SECRET in url and SECRET not in masked(url)  # the check below could see it if it leaked
    assert_no_secret(at, caplog, capfd)
    assert not at.sidebar.selectbox  # nothing else of the app is shown


def test_malformed_database_url_says_so_without_the_password(monkeypatch, caplog, capfd):
    at = start(monkeypatch, f"postgresql+psycopg://backcheck:{SECRET}@127.0.0.1:notaport/backcheck")
    assert "database URL (BACKCHECK_DB_URL) cannot be used" in as_read(at.error[0].value)  # as shown, md escapes undone
    assert_no_secret(at, caplog, capfd)


@pytest.mark.postgres
def test_wrong_password_says_so_without_either_password(monkeypatch, caplog, capfd, postgres_server):
    right = postgres_server.ensure_role_and_database("bc_secret", "right-" + SECRET, "bc_secret")
    wrong = postgres_server.url("bc_secret", "bc_secret", SECRET)
    at = start(monkeypatch, wrong)
    message = at.error[0].value
    assert "cannot open its data" in message and "refused the user name or password" in message
    assert_no_secret(at, caplog, capfd)  # SECRET is also the tail of the right password

    # the same server with the right password opens normally (so the refusal above was the password)
    at = start(monkeypatch, right)
    assert not at.exception and not at.error
    assert at.sidebar.selectbox[0].label == "Active profile"
