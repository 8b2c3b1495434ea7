"""Start-up: navigation, profile sidebar, and a broken content file stopping the app clearly."""

import shutil
from datetime import datetime

import yaml
from streamlit.testing.v1 import AppTest

from backcheck.content import CONTENT_DIR

from .conftest import ROOT, as_read, texts
from backcheck.painlog import PainEntry


def test_home_lists_steps_for_default_profile(app):
    at = app()
    body = texts(at)
    assert "Your steps" in [s.value for s in at.subheader]
    assert "Not done yet." in body
    assert at.sidebar.selectbox[0].label == "Active profile"


def test_broken_content_file_stops_with_file_item_and_field(tmp_path, monkeypatch):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    data = yaml.safe_load((broken / "exercises.yaml").read_text())
    data["exercises"][0].pop("dose")
    (broken / "exercises.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("BACKCHECK_CONTENT_DIR", str(broken))
    monkeypatch.setenv("BACKCHECK_DB_PATH", str(tmp_path / "db.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    message = at.error[0].value
    assert "content file is broken" in message
    assert f"exercises.yaml: item '{data['exercises'][0]['id']}', field 'dose'" in message
    assert "What to do" in message
    assert not at.radio and not at.button  # nothing else of the app is shown


def test_unopenable_database_is_reported_not_raised(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("BACKCHECK_DB_PATH", str(blocker / "db.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "cannot open its data" in at.error[0].value


def test_every_page_runs_through_app_py_with_sidebar_and_no_exception(app):
    for page in ("pages/safety.py", "pages/posture_quiz.py", "pages/form_check.py", "pages/routine.py",
                 "pages/library.py", "pages/pain_log.py", "pages/profiles.py"):
        at = app(page)
        assert not at.exception, page
        assert at.sidebar.selectbox[0].label == "Active profile", page
        assert at.title, page


def _start(monkeypatch, **env) -> AppTest:
    for name in ("BACKCHECK_DB_URL", "BACKCHECK_DB_PATH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_damaged_database_file_says_damaged_where_the_copies_are_and_how_to_start_fresh(tmp_path, monkeypatch):
    import os

    from backcheck.storage import Store

    random_bytes = tmp_path / "random.db"
    random_bytes.write_bytes(os.urandom(16384))
    good = tmp_path / "cut.db"
    store = Store(f"sqlite:///{good}")
    for i in range(400):  # enough rows for several pages, so that cutting the file loses some
        store.pain.add(1, PainEntry(recorded_at=datetime(2025, 1, 1, 8, 0), pain=3, activity="walking", location="leg", notes="x" * 300))
    copy = store.backup("before-v3")
    store.engine.dispose()
    data = good.read_bytes()
    good.write_bytes(data[: len(data) // 3])
    for db, copies in ((random_bytes, None), (good, copy)):
        before = db.read_bytes()
        at = _start(monkeypatch, BACKCHECK_DB_PATH=str(db))
        assert not at.exception
        message = as_read(at.error[0].value)
        assert f"the database file {db} is damaged" in message
        assert "BACKCHECK_DB_PATH to a new file" in message and "move the file aside" in message
        assert (f"the newest is {copies.name}" in message) if copies else ("no automatic copy yet" in message)
        assert db.read_bytes() == before  # never changed, never deleted


def test_database_url_with_a_driver_that_is_not_installed_names_the_package(tmp_path, monkeypatch):
    at = _start(monkeypatch, BACKCHECK_DB_URL="mysql+pymysql://user:secret@localhost/backcheck")
    assert not at.exception
    message = as_read(at.error[0].value)
    assert "PyMySQL" in message and "not installed" in message and "secret" not in message
    at = _start(monkeypatch, BACKCHECK_DB_URL="nosuchdb://user:secret@localhost/x")
    assert not at.exception and "does not know" in as_read(at.error[0].value)


def test_profiles_are_read_once_per_run_and_afresh_on_the_next(app, store, monkeypatch):
    """The sidebar, the demo banner and the page all need the profile list: one read per run,
    and a profile made elsewhere (another tab, another server) shows on the next run."""
    from backcheck.repos import ProfileRepository

    at = app("pages/pain_log.py")
    calls = []
    real = ProfileRepository.list_or_start
    monkeypatch.setattr(ProfileRepository, "list_or_start", lambda self: calls.append(1) or real(self))
    at.run()
    assert not at.exception
    assert len(calls) == 1
    store.profiles.create("Made in another tab")
    at.run()
    assert len(calls) == 2
    assert "Made in another tab" in at.sidebar.selectbox[0].options
