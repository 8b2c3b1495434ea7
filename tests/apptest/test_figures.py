"""Figures in the app: a broken pose stops start-up with a clear message; pages draw our SVG inline."""

import shutil

import yaml
from streamlit.testing.v1 import AppTest

from backcheck.content import CONTENT_DIR, load_library

from .conftest import ROOT, clear_safety

LIB = load_library()


def test_a_knee_bent_backwards_stops_start_up_naming_the_exercise(tmp_path, monkeypatch):
    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    data = yaml.safe_load((broken / "poses.yaml").read_text())
    data["exercises"]["air_squat"]["frames"][1]["shin"] = [120, 120]
    (broken / "poses.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    monkeypatch.setenv("BACKCHECK_CONTENT_DIR", str(broken))
    monkeypatch.setenv("BACKCHECK_DB_PATH", str(tmp_path / "db.sqlite"))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    message = at.error[0].value
    assert "content file is broken" in message
    assert "poses.yaml: exercises 'air_squat', frame 2" in message and "knee bends backwards" in message
    assert "What to do" in message
    assert not at.radio and not at.button


def _figures(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if str(m.value).startswith("<svg")]


def test_library_quiz_and_form_check_draw_a_figure_per_item(app):
    at = app("pages/library.py")
    assert len(at.expander) == len(LIB.exercises) and not _figures(at)  # closed: drawn when opened
    for ex in LIB.exercises:  # open every exercise, as a person taps each one
        at.session_state[f"lib_open_{ex.id}"] = True
    at.run()
    lib_figs = _figures(at)
    assert len(lib_figs) == len(LIB.exercises)
    assert all('role="img"' in f and "<title>" in f for f in lib_figs)
    clear_safety()  # the quiz and the form check open only after a clear safety check
    at = app("pages/posture_quiz.py")
    assert at.radio and len(_figures(at)) == len(at.radio)
    at = app("pages/form_check.py")
    figs = _figures(at)
    assert any("Fault: Banana back" in f for f in figs) and any("The dowel check" in f for f in figs)
