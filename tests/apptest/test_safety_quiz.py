"""AppTest flows for the safety check and the posture quiz."""

from backcheck.content import load_library

from .conftest import click, texts

LIB = load_library()


def answer_safety(at, yes: set[str] = frozenset()):
    for flag in LIB.safety.flags:
        at.radio(key=f"safety_1_{flag.id}").set_value("Yes" if flag.id in yes else "No")
    return click(at, "Save my answers")


def test_safety_all_no_is_clear_and_saved(app):
    at = app("pages/safety.py")
    at = answer_safety(at)
    assert not at.exception
    assert "No warning signs" in texts(at)
    # saved: a fresh session on the same database shows the result
    at2 = app("pages/safety.py")
    assert "No warning signs" in texts(at2)
    assert "Saved on" in texts(at2)
    assert not at2.radio  # the questions wait behind "Answer the questions again"


def test_safety_cauda_equina_sign_says_urgent(app):
    at = answer_safety(app("pages/safety.py"), yes={"saddle_bladder_bowel"})
    body = texts(at)
    assert "Get urgent help now" in body
    assert "emergency" in body.lower()


def test_safety_redo_replaces_result_and_keeps_it_dated(app):
    at = answer_safety(app("pages/safety.py"), yes={"fever_unwell"})
    assert "See a doctor soon" in texts(at)
    at = click(at, "Answer the questions again")
    at = answer_safety(at)
    assert "No warning signs" in texts(at) and "See a doctor soon" not in texts(at)


def test_safety_other_flag_says_see_doctor_soon(app):
    at = answer_safety(app("pages/safety.py"), yes={"night_pain"})
    body = texts(at)
    assert "See a doctor soon" in body
    assert "Get urgent help now" not in body


def test_safety_unanswered_question_saves_nothing(app):
    at = app("pages/safety.py")
    for flag in LIB.safety.flags[:-1]:
        at.radio(key=f"safety_1_{flag.id}").set_value("No")
    at = click(at, "Save my answers")
    assert any("still open: 7" in w.value for w in at.warning)
    assert "No warning signs" not in texts(at)
    assert "No warning signs" not in texts(app("pages/safety.py"))


def test_home_shows_safety_done_after_check(app):
    answer_safety(app("pages/safety.py"))
    home = app()
    assert "Clear on" in texts(home)


ANTERIOR = {
    "mirror_pelvis": "stick_out", "mirror_low_back": "deep_arch", "mirror_upper_back": "upright",
    "hip_height": "level", "hip_flexor_tight": "very_tight", "bridge_cramp": "cramp",
    "hamstring_length": "near_vertical", "plank_sag": "sags", "side_steady": "similar",
    "pain_position": "arching", "hinge_pelvis": "arches",
}


def answer_quiz(at, answers):
    for q in LIB.quiz.questions:
        at.radio(key=f"quiz_1_{q.id}").set_value(answers.get(q.id, "not_sure"))
    return click(at, "See my result")


def test_quiz_anterior_result_explains_itself_and_links_exercises(app):
    at = answer_quiz(app("pages/posture_quiz.py"), ANTERIOR)
    assert not at.exception
    body = texts(at)
    assert "Your answers point to Anterior pelvic tilt (lordosis)" in body
    assert "They stick out behind me" in body  # which answers led there
    assert "Leave out strengthening work for the lower back" in body
    assert "physiotherapist" in body
    chart = at.get("plotly_chart")
    assert chart, "the evidence chart is drawn"


def test_quiz_all_not_sure_says_too_few(app):
    at = answer_quiz(app("pages/posture_quiz.py"), {})
    assert "Not enough answers to tell" in texts(at)


def test_quiz_retake_keeps_history(app):
    at = answer_quiz(app("pages/posture_quiz.py"), ANTERIOR)
    assert not at.radio  # result first; the form waits behind "Retake the quiz"
    at = click(at, "Retake the quiz")
    at = answer_quiz(at, {**ANTERIOR, "mirror_pelvis": "tucked", "mirror_low_back": "flat",
                          "mirror_upper_back": "rounded", "hamstring_length": "short"})
    assert any("Earlier results (1)" in e.label for e in at.expander)
    assert "Mixed result" in texts(at)


def test_quiz_unanswered_saves_nothing(app):
    at = app("pages/posture_quiz.py")
    at = click(at, "See my result")
    assert any("still open" in w.value for w in at.warning)
    assert app("pages/posture_quiz.py").radio  # nothing saved: a fresh visit still shows the questions
