"""Start-up: navigation, profile sidebar, and a broken content file stopping the app clearly."""

import shutil

import yaml
from streamlit.testing.v1 import AppTest

from backcheck.content import CONTENT_DIR

from .conftest import ROOT, texts


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
