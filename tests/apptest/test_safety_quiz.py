"""AppTest flows for the safety check and the posture quiz."""

import json

import pytest

from backcheck.content import load_library
from backcheck.quiz import QuizResult, Strength

from .conftest import clear_safety, click, texts
from backcheck.safety import SafetyCheck

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
    at = answer_safety(app("pages/safety.py"), yes={"saddle_numbness"})
    body = texts(at)
    assert LIB.safety.levels["emergency"].headline in body  # "Call 999 or go to A&E now."
    assert "emergency" in body.lower()


def test_safety_both_legs_is_an_emergency_headline_not_a_bullet(app):
    at = answer_safety(app("pages/safety.py"), yes={"both_legs_nerve", "cancer_history"})
    assert at.error and at.error[0].value.startswith(f"**{LIB.safety.levels['emergency'].headline}**")
    assert LIB.safety.flag_by_id["both_legs_nerve"].question in texts(at)


def test_safety_redo_replaces_result_and_keeps_it_dated(app):
    at = answer_safety(app("pages/safety.py"), yes={"fever"})
    urgent = LIB.safety.levels["urgent"].headline
    assert urgent in texts(at)  # a fever is same day (GP urgent appointment or 111)
    at = click(at, "Answer the questions again")
    at = answer_safety(at)
    assert "No warning signs" in texts(at) and urgent not in texts(at)


def test_safety_other_flag_says_see_doctor_soon(app):
    at = answer_safety(app("pages/safety.py"), yes={"cancer_history"})
    body = texts(at)
    assert LIB.safety.levels["soon"].headline in body
    assert LIB.safety.levels["emergency"].headline not in body


def test_safety_night_pain_is_same_day(app):
    at = answer_safety(app("pages/safety.py"), yes={"night_pain"})
    body = texts(at)
    assert LIB.safety.levels["urgent"].headline in body
    assert LIB.safety.levels["soon"].headline not in body


def test_safety_unanswered_question_saves_nothing(app):
    at = app("pages/safety.py")
    for flag in LIB.safety.flags[:-1]:
        at.radio(key=f"safety_1_{flag.id}").set_value("No")
    at = click(at, "Save my answers")
    assert any(f"still open: {len(LIB.safety.flags)}" in w.value for w in at.warning)
    assert "No warning signs" not in texts(at)
    assert "No warning signs" not in texts(app("pages/safety.py"))


def test_an_old_check_with_retired_flags_is_shown_and_still_withholds_the_quiz(app):
    from backcheck.storage import Store, database_url

    store = Store(database_url())
    store.safety.add(store.profiles.list()[0].id, SafetyCheck("soon", ["fever_unwell"], {"fever_unwell": True}))
    at = app("pages/safety.py")
    assert not at.exception
    body = texts(at)
    assert LIB.safety.levels["urgent"].headline in body  # read at today's level
    assert "earlier version of this check" in body
    quiz = app("pages/posture_quiz.py")
    assert not quiz.radio and "not available while your safety check shows warning signs" in texts(quiz)


@pytest.mark.parametrize("page, what", [("pages/posture_quiz.py", "The posture quiz"),
                                        ("pages/form_check.py", "The form check"),
                                        ("pages/routine.py", "Your routine")])
def test_exercise_screens_are_withheld_after_a_red_flag_and_say_what_to_do(app, page, what):
    answer_safety(app("pages/safety.py"), yes={"sciatica_both_legs"})
    at = app(page)
    body = texts(at)
    assert f"{what} is not available while your safety check shows warning signs" in body
    assert LIB.safety.levels["emergency"].headline in body
    assert not at.radio and not at.checkbox  # no quiz questions, no fault checklist
    labels = [link.proto.label for link in at.page_link]
    assert "Open the safety check" in labels and "You can still read the exercise library" in labels


@pytest.mark.parametrize("page", ["pages/posture_quiz.py", "pages/form_check.py"])
def test_exercise_screens_ask_for_the_safety_check_first(app, page):
    at = app(page)
    assert "Safety check first" in texts(at)
    assert not at.radio and not at.checkbox
    assert "Do the safety check" in [link.proto.label for link in at.page_link]


def test_the_library_stays_readable_after_a_red_flag(app):
    answer_safety(app("pages/safety.py"), yes={"bladder_bowel"})
    at = app("pages/library.py")
    assert "Safety check first" not in texts(at) and "not available" not in texts(at)
    assert len(at.expander) == len(LIB.exercises)


def test_home_shows_safety_done_after_check(app):
    answer_safety(app("pages/safety.py"))
    home = app()
    home.session_state[f"home_steps_{home.session_state['active_profile_id']}"] = True  # open "All your steps"
    home.run()
    assert "Clear on" in texts(home)


ANTERIOR = {
    "mirror_pelvis": "stick_out", "mirror_low_back": "deep_arch", "mirror_upper_back": "upright",
    "hip_height": "level", "hip_flexor_tight": "very_tight", "bridge_cramp": "cramp",
    "hamstring_length": "near_vertical", "plank_sag": "sags", "side_steady": "similar",
    "pain_position": "arching", "hinge_pelvis": "arches",
}


def evidence_bars(at) -> list[str]:
    """The evidence chart's bar labels, as sent to the browser."""
    return json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["text"]


def answer_quiz(at, answers):
    if not at.radio:  # the quiz waits for a clear safety check
        clear_safety()
        at.run()
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


def test_quiz_retake_keeps_history(app, store):
    at = answer_quiz(app("pages/posture_quiz.py"), ANTERIOR)
    assert not at.radio  # result first; the form waits behind "Retake the quiz"
    first_bars = evidence_bars(at)
    at = click(at, "Retake the quiz")
    at = answer_quiz(at, {**ANTERIOR, "mirror_pelvis": "tucked", "mirror_low_back": "flat",
                          "mirror_upper_back": "rounded", "hamstring_length": "short"})
    assert any("Earlier results (1)" in e.label for e in at.expander)
    assert "Mixed result" in texts(at)
    # the chart is the new result's (it is cached per set of bars: never the earlier one's)
    latest = QuizResult.from_dict(store.quiz.history(at.session_state["active_profile_id"])[0].result)
    assert evidence_bars(at) == [f"{round(s.share * 100)}% · {Strength.label_of(s.strength)}"
                                 for s in reversed(latest.scores)] != first_bars
    assert not at.dataframe  # the earlier results' table is drawn when opened
    at.session_state[f"quiz_earlier_{at.session_state['active_profile_id']}"] = True
    at.run()
    earlier = at.dataframe[0].value
    assert list(earlier["Patterns"]) == [LIB.pattern_by_id["anterior_tilt"].short_name]


def test_quiz_unanswered_saves_nothing(app):
    clear_safety()
    at = app("pages/posture_quiz.py")
    at = click(at, "See my result")
    assert any("still open" in w.value for w in at.warning)
    assert app("pages/posture_quiz.py").radio  # nothing saved: a fresh visit still shows the questions


def test_quiz_result_leads_on_to_the_next_step(app, store):
    """Issue 14: the result names the next step (the form check, then the routine), not only "Retake"."""
    at = answer_quiz(app("pages/posture_quiz.py"), ANTERIOR)
    links = {p.proto.label: p.proto.page for p in at.get("page_link")}
    assert "Check your hip hinge, squat and handstand form" in links
    assert "Or go straight to your routine" in links
    assert any(b.label == "Retake the quiz" for b in at.button)
    # with a form check saved, the routine is the next step
    from backcheck.form_check import FormCheckRecord

    store.form_checks.add(1, FormCheckRecord({"hinge": []}))
    at = app("pages/posture_quiz.py")
    links = [p.proto.label for p in at.get("page_link")]
    assert "See your routine, built from this result" in links
    assert "Check your hip hinge, squat and handstand form" not in links
