"""AppTest flows for My routine (pages/routine.py)."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlparse

from streamlit.testing.v1 import AppTest

from backcheck.content import load_library
from backcheck.quiz import score_quiz
from backcheck.routine import RoutineInputs, build_routine
from backcheck.storage import Store

from .conftest import ROOT, click, me, record_clear_safety as clear_safety, texts
from backcheck.quiz import QuizRecord
from backcheck.safety import SafetyCheck

LIB = load_library()
RULES = LIB.routine
PAGE = "pages/routine.py"




def save_quiz_pointing_to(store: Store, pid: int, pattern: str) -> None:
    """A real scored quiz: for every question, the answer that gives `pattern` the most points."""
    answers = {}
    for q in LIB.quiz.questions:
        best = max(q.options, key=lambda o: o.evidence.get(pattern, 0))
        neutral = next((o for o in q.options if not o.evidence), None)
        if best.evidence.get(pattern, 0):
            answers[q.id] = best.id
        elif neutral is not None:
            answers[q.id] = neutral.id
    result = score_quiz(LIB.quiz, answers, [p.id for p in LIB.patterns])
    assert result.leading[0] == pattern
    store.quiz.add(pid, QuizRecord.of(answers, result))


def open_routine(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if query:  # as when a link is opened: the profile in the URL is picked on the first run
        at.query_params.update(query)
    at.run()
    at.switch_page(PAGE)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def exercise_links(at: AppTest) -> list[str]:
    """The exercise names in the session, in order (each item is a folding card named after it)."""
    names = {e.name for e in LIB.exercises}
    labels = [e.label.split(" · ")[0].strip("*") for e in at.expander]
    return [label for label in labels if label in names]


def open_card(at: AppTest, pid: int, exercise_id: str) -> AppTest:
    """Unfold an exercise's card, as a tap does (its contents are drawn only while it is open)."""
    at.session_state[f"rt_card_{pid}_{exercise_id}"] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def open_tab(at: AppTest, pid: int, tab: str) -> AppTest:
    """Pick one of the "take it with you" tabs, as a tap does (only the open tab is drawn)."""
    at.session_state[f"rt_take_{pid}"] = tab
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def headers(at: AppTest) -> list[str]:
    return [h.value for h in [*at.header, *at.subheader]]


def pills(at: AppTest, label: str):
    return next(b for b in at.button_group if b.label == label)


# --------------------------------------------------------------------------- safety gate


def test_without_a_safety_check_there_is_no_routine_but_a_link_to_it(app, store):
    at = open_routine()
    assert "Safety check first" in texts(at)
    assert "Your session" not in headers(at)
    assert any(link.proto.page.endswith("safety") or "safety" in link.proto.label.lower() for link in at.page_link)


def test_a_red_flag_shows_the_stop_message_instead(app, store):
    pid = me(store)
    store.safety.add(pid, SafetyCheck("soon", ["night_pain"], {f.id: f.id == "night_pain" for f in LIB.safety.flags}))
    at = open_routine()
    body = texts(at)
    assert "Your routine is not available while your safety check shows warning signs" in body
    assert LIB.safety.levels["urgent"].headline in body  # constant night pain is same day now
    assert "Your session" not in headers(at)
    assert not exercise_links(at)


# --------------------------------------------------------------------------- routine on the page


def test_missing_quiz_and_form_check_show_empty_states_and_the_base_routine(app, store):
    clear_safety(store, me(store))
    at = open_routine()
    body = texts(at)
    assert "No posture quiz yet" in body and "No form check yet" in body
    labels = [link.proto.label for link in at.page_link]
    assert "Take the posture quiz" in labels and "Do the form check" in labels
    expected = build_routine(LIB, RoutineInputs(goals=("general",), minutes=RULES.session.minutes_default))
    assert exercise_links(at) == [it.name for it in expected.items]
    assert "Your session" in headers(at)


def test_lordosis_profile_gets_its_own_routine_with_reasons(app, store):
    pid = me(store)
    clear_safety(store, pid)
    save_quiz_pointing_to(store, pid, "anterior_tilt")
    at = open_routine()
    body = texts(at)
    assert "Anterior pelvic tilt (lordosis) — from your quiz" in body
    assert "Posture quiz → Anterior tilt: strengthen the" in body
    assert "Superman" not in exercise_links(at)
    assert "Source: Article" in body
    metric = next(m for m in at.metric if m.label == "Total")
    assert float(metric.value.split()[0]) <= RULES.session.minutes_default


def test_high_pain_switches_to_the_gentle_session(app, store):
    clear_safety(store, me(store))
    at = open_routine()
    pain = next(b for b in at.button_group if b.label.startswith("Pain right now"))
    assert pain.value is None  # no silent "no pain" (issue 14)
    assert not any("Gentle session" in w.value for w in at.warning)
    pain.set_value(RULES.painful_day.threshold).run()
    assert any("Gentle session" in w.value for w in at.warning)
    assert "Air squat (bodyweight squat)" in exercise_links(at)
    pain.set_value(RULES.painful_day.threshold - 1).run()
    assert not any("Gentle session" in w.value for w in at.warning)


def test_equipment_and_minutes_change_the_routine(app, store):
    clear_safety(store, me(store))
    at = open_routine()
    assert "Hip hinge with a dowel" not in exercise_links(at)
    pills(at, "Equipment at hand").set_value(["dowel"]).run()
    next(s for s in at.slider if s.label == "Minutes per session").set_value(RULES.session.minutes_max).run()
    assert "Hip hinge with a dowel" in exercise_links(at)
    total = next(m for m in at.metric if m.label == "Total")
    assert float(total.value.split()[0]) <= RULES.session.minutes_max


def test_mark_today_done_stores_a_dated_session(app, store):
    pid = me(store)
    clear_safety(store, pid)
    save_quiz_pointing_to(store, pid, "lateral_tilt")
    at = open_routine()
    assert "Sessions this week: 0" in texts(at)
    # without a pain rating nothing is saved, and the page says what to do (issue 14)
    at = click(at, "Mark today's session done")
    assert not at.exception
    assert any("Tap your pain right now" in w.value for w in at.warning)
    assert store.sessions.list(pid) == []
    next(b for b in at.button_group if b.label.startswith("Pain right now")).set_value(2).run()
    at = click(at, "Mark today's session done")
    assert not at.exception
    sessions = store.sessions.list(pid)
    assert len(sessions) == 1
    assert sessions[0].done_at.date() == date.today()
    assert sessions[0].inputs["patterns"] == ["lateral_tilt"]
    assert sessions[0].inputs["pain"] == 2
    assert 1 <= sessions[0].minutes <= RULES.session.minutes_default
    assert "Sessions this week: 1" in texts(at)
    for _ in range(RULES.session.sessions_per_week_min):  # past the goal it says so, never "4 of at least 3"
        at = click(at, "Mark today's session done")
    body = texts(at)
    assert f"Sessions this week: {RULES.session.sessions_per_week_min + 1}, the weekly goal met." in body
    assert "of at least" not in body.split("Sessions this week:")[1].split(".")[0]


def test_fewer_than_the_minimum_days_hold_back_the_calendar(app, store):
    pid = me(store)
    clear_safety(store, pid)
    at = open_routine()
    assert not any(b.label == "Download the calendar (.ics)" for b in at.download_button)  # its tab is closed
    open_tab(at, pid, "Calendar reminders")
    assert any(b.label == "Download the calendar (.ics)" for b in at.download_button)
    pills(at, "Session days").set_value(["mon", "thu"]).run()
    assert any("Pick at least 3 days" in w.value for w in at.warning)
    assert not any(b.label == "Download the calendar (.ics)" for b in at.download_button)


# --------------------------------------------------------------------------- share link


def test_share_link_opens_the_same_routine_for_a_profile_without_a_quiz(app, store):
    pid = me(store)
    clear_safety(store, pid)
    save_quiz_pointing_to(store, pid, "posterior_tilt")
    at = open_routine()
    pills(at, "Goal movements").set_value(["squat", "hinge"]).run()
    original = exercise_links(at)
    open_tab(at, pid, "Share link")
    link = at.code[0].value
    params = dict(parse_qsl(urlparse(link).query, keep_blank_values=True))
    assert params["pat"] == "posterior_tilt" and params["goals"] == "squat,hinge"
    assert "profile" not in params and "Me" not in link  # no profile, no name

    other = store.profiles.create("Friend")
    clear_safety(store, other.id)  # the friend has no quiz and no form check
    shared = open_routine({**params, "profile": str(other.id)})
    assert shared.session_state["active_profile_id"] == other.id  # the friend is looking at it
    assert "Opened from a shared link" in texts(shared)
    assert exercise_links(shared) == original
    assert "No posture quiz yet" not in texts(shared)

    shared = click(shared, "Use my own results instead")
    assert "Opened from a shared link" not in texts(shared)
    assert "No posture quiz yet" in texts(shared)


def test_a_broken_share_link_says_what_it_could_not_use(app, store):
    clear_safety(store, me(store))
    at = open_routine({"goals": "squat,ballet", "min": "500", "pat": "anterior_tilt"})
    warning = " ".join(w.value for w in at.warning)
    assert "Parts of this link could not be used" in warning
    assert "ballet" in warning and "500" in warning
    assert "Your session" in headers(at)


# --------------------------------------------------------------------------- issue 8


def test_what_does_not_fit_is_said_at_the_top_with_a_one_click_length_that_fits(app, store):
    pid = me(store)
    clear_safety(store, pid)
    save_quiz_pointing_to(store, pid, "anterior_tilt")
    at = open_routine()
    pills(at, "Goal movements").set_value(["squat", "handstand"]).run()
    inputs = RoutineInputs(goals=("squat", "handstand"), minutes=RULES.session.minutes_default,
                           patterns=("anterior_tilt",))
    from backcheck.routine import minutes_to_fit

    target = minutes_to_fit(LIB, inputs)
    line = next(m.value for m in at.markdown if "Did not fit in" in m.value)
    assert f"Did not fit in {RULES.session.minutes_default} minutes" in line
    button = next(b for b in at.button if b.label == f"Make it {target} minutes")
    # the line comes before the first exercise of the session
    first_item = exercise_links(at)[0]
    order = [m.value for m in at.markdown]
    assert order.index(line) < next(i for i, v in enumerate(order) if "**Why:**" in v)  # the open card
    assert first_item
    at = button.click().run()
    assert not at.exception, [e.message for e in at.exception]
    minutes = next(s for s in at.slider if s.label == "Minutes per session")
    assert minutes.value == target
    assert not any("Did not fit in" in m.value for m in at.markdown)


def test_a_short_session_says_the_articles_ask_for_5_plus_5_and_offers_15(app, store):
    clear_safety(store, me(store))
    at = open_routine()
    next(s for s in at.slider if s.label == "Minutes per session").set_value(RULES.session.minutes_min).run()
    assert any("5 minutes of warm-up and 5 of stretching" in m.value for m in at.markdown)
    from backcheck.routine import minutes_to_fit

    fit = minutes_to_fit(LIB, RoutineInputs(goals=("general",), minutes=RULES.session.minutes_min))
    assert fit >= RULES.session.full_blocks_from_minutes  # a length that keeps the 5 + 5 minutes
    assert any(b.label == f"Make it {fit} minutes" for b in at.button)


def test_the_clam_card_shows_its_band_progression(app, store):
    pid = me(store)
    clear_safety(store, pid)
    save_quiz_pointing_to(store, pid, "lateral_tilt")
    at = open_routine()
    assert "Clam" in exercise_links(at)
    clam = next(e.id for e in LIB.exercises if e.name == "Clam")
    open_card(at, pid, clam)
    assert any("**Progression:**" in m.value and "band" in m.value for m in at.markdown)
    assert "Walking with heel-to-toe cues" in exercise_links(at)


def test_days_and_paper_survive_a_change_of_tab(app, store):
    """Only the open tab is drawn, yet what was picked in one tab is still there after another."""
    pid = me(store)
    clear_safety(store, pid)
    at = open_routine()
    next(r for r in at.radio if r.label == "Paper size").set_value("Letter").run()
    open_tab(at, pid, "Calendar reminders")
    pills(at, "Session days").set_value(["mon", "wed", "sat"]).run()
    open_tab(at, pid, "Share link")
    params = dict(parse_qsl(urlparse(at.code[0].value).query, keep_blank_values=True))
    assert params["days"] == "mon,wed,sat"
    open_tab(at, pid, "Calendar reminders")
    assert pills(at, "Session days").value == ["mon", "wed", "sat"]
    open_tab(at, pid, "Printable handout")
    assert next(r for r in at.radio if r.label == "Paper size").value == "Letter"
