"""The screens' service functions (issue 10): My routine's starting inputs and fit line, Home's
steps and the week's sessions, gathered without Streamlit from a real SQLite store."""

from __future__ import annotations

from datetime import date, datetime

from backcheck import services
from backcheck.content import load_library
from backcheck.exports import share_query
from backcheck.form_check import FormCheckRecord
from backcheck.player import RoutineSession
from backcheck.quiz import QuizRecord, score_quiz
from backcheck.routine import RoutineInputs, build_routine
from backcheck.safety import FOUND_SIGNS, SafetyCheck, evaluate_safety
from backcheck.storage import Store

LIB = load_library()
TODAY = date(2025, 3, 12)  # a Wednesday


def fresh(tmp_path) -> tuple[Store, int]:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    return store, store.profiles.create("Sam").id


def test_routine_context_from_own_results_and_last_session(tmp_path):
    store, pid = fresh(tmp_path)
    ctx = services.routine_context(store, pid, LIB, {"profile": str(pid)})
    assert not ctx.shared and ctx.quiz is None and ctx.patterns == () and ctx.widget_suffix == f"own{pid}"
    result = score_quiz(LIB.quiz, {}, [p.id for p in LIB.patterns])
    store.quiz.add(pid, QuizRecord("clear", ["anterior_tilt"], {},
                                {**result.to_dict(), "verdict": "clear", "leading": ["anterior_tilt"]}))
    store.form_checks.add(pid, FormCheckRecord({"squat": ["squat_butt_wink"]}))
    store.sessions.add(pid, RoutineSession(20, {"goals": ["squat"], "minutes": 30, "equipment": ["band"], "pain": 7}))
    ctx = services.routine_context(store, pid, LIB, {})
    assert ctx.patterns == ("anterior_tilt",) and ctx.faults == ("squat_butt_wink",)
    assert (ctx.defaults.goals, ctx.defaults.minutes, ctx.defaults.equipment) == (("squat",), 30, ("band",))
    assert ctx.defaults.pain == 0  # the last session's pain is not today's


def test_routine_context_reads_only_the_newest_session(tmp_path, monkeypatch):
    """My routine and the player start from the last session's choices (issue 15): they read that
    one session, not every session of the years (which made My routine 3x slower on a long log)."""
    from datetime import timedelta

    from backcheck.repos import RoutineSessionRepository

    store, pid = fresh(tmp_path)
    noon = datetime.combine(TODAY, datetime.min.time()).replace(hour=12)
    # added out of order: the newest by its time, not the last written, starts the routine
    store.sessions.add(pid, RoutineSession(20, {"goals": ["squat"], "minutes": 30}, done_at=noon))
    store.sessions.add(pid, RoutineSession(20, {"goals": ["handstand"], "minutes": 20}, done_at=noon - timedelta(days=3)))
    assert store.sessions.latest(pid).inputs["goals"] == ["squat"]
    assert store.sessions.latest(store.profiles.create("Nobody yet").id) is None

    def whole_list(*_args, **_kwargs):
        raise AssertionError("the whole session list was read")

    monkeypatch.setattr(RoutineSessionRepository, "list", whole_list)
    ctx = services.routine_context(store, pid, LIB, {})
    assert (ctx.defaults.goals, ctx.defaults.minutes) == (("squat",), 30)


def test_routine_context_from_a_share_link_says_what_it_could_not_use(tmp_path):
    store, pid = fresh(tmp_path)
    params = {**share_query(RoutineInputs(goals=("squat",), minutes=25, patterns=("posterior_tilt",))),
              "flt": "nope"}
    ctx = services.routine_context(store, pid, LIB, params)
    assert ctx.shared and ctx.defaults.minutes == 25 and ctx.patterns == ("posterior_tilt",) and ctx.faults == ()
    assert len(ctx.link_problems) == 1 and "nope" in ctx.link_problems[0]
    other = services.routine_context(store, pid, LIB, {**params, "min": "30"})
    assert other.widget_suffix != ctx.widget_suffix  # a different link starts from its own choices


def test_fit_line_names_what_did_not_fit_and_the_minutes_that_fit(tmp_path):
    routine = build_routine(LIB, RoutineInputs(patterns=("anterior_tilt",), goals=("squat", "handstand"),
                                               faults=("squat_butt_wink",), minutes=10))
    fit = services.fit_line(LIB, routine)
    assert fit is not None and fit.fit_minutes is not None and fit.fit_minutes > 10
    roomy = build_routine(LIB, RoutineInputs(minutes=45))
    assert services.fit_line(LIB, roomy) is None


def test_week_progress_counts_this_week_against_the_goal_from_content(tmp_path):
    store, pid = fresh(tmp_path)
    for day in (datetime(2025, 3, 10, 7), datetime(2025, 3, 12, 8), datetime(2025, 3, 9, 12)):
        store.sessions.add(pid, RoutineSession(20, {}, done_at=day))
    week = services.week_progress(store, pid, LIB, TODAY)
    assert (week.this_week, week.goal) == (2, LIB.sessions_goal)
    assert week.goal_source == LIB.source_by_id[LIB.routine.session.source].short
    assert week.done_today == [datetime(2025, 3, 12, 8)]


def test_home_steps_for_a_first_visit_and_after_a_red_flag(tmp_path):
    store, pid = fresh(tmp_path)
    view = services.home_steps(store, pid, LIB, TODAY)
    assert not view.returning and view.first_open_step.key == "safety"
    assert [s.key for s in view.steps] == ["safety", "quiz", "form", "routine", "library", "pain"]
    answers = {f.id: f.id == "chest_pain" for f in LIB.safety.flags}
    result = evaluate_safety(LIB.safety, answers)
    store.safety.add(pid, SafetyCheck.of(result, answers))
    view = services.home_steps(store, pid, LIB, TODAY)
    assert view.returning and view.gate.reason == "red_flag"
    assert view.flag_summary.startswith(FOUND_SIGNS) and LIB.safety.levels["emergency"].headline in view.flag_summary
    assert view.next_assessment[0] == "safety" and view.steps[0].done is False


def test_home_reads_only_the_last_two_weeks_and_says_the_same(tmp_path, monkeypatch):
    """Home costs the same for a long log (issue 15): it never loads the whole pain log or every
    session, and what it says is what the whole log says."""
    from datetime import timedelta

    from backcheck import session as S
    from backcheck.painlog import PainEntry
    from backcheck.repos import PainRepository, RoutineSessionRepository

    store, pid = fresh(tmp_path)
    store.safety.add(pid, SafetyCheck("clear", [], {f.id: False for f in LIB.safety.flags}))
    noon = datetime.combine(TODAY, datetime.min.time()).replace(hour=12)
    for days_ago, pain in ((40, 9), (20, 8), (10, 6), (9, 6), (2, 3), (0, 2)):
        store.pain.add(pid, PainEntry(recorded_at=noon - timedelta(days=days_ago), pain=pain, activity="walking",
                                      location="lower_back"))
    for days_ago in (30, 8, 1, 0):
        store.sessions.add(pid, RoutineSession(20, {}, done_at=noon - timedelta(days=days_ago)))
    whole = S.changes_since_last_week(store.player.level_changes(pid), store.pain.all(pid), store.sessions.times(pid),
                                      LIB, TODAY)

    def whole_log(*_args, **_kwargs):
        raise AssertionError("Home read the whole log")

    monkeypatch.setattr(PainRepository, "all", whole_log)
    monkeypatch.setattr(RoutineSessionRepository, "list", whole_log)
    view = services.home_steps(store, pid, LIB, TODAY)
    assert [c.text for c in view.changes] == [c.text for c in whole]
    assert "Average pain in the last 7 days 2.5/10, lower than the 7 days before (6.0/10)." in [c.text for c in whole]
    assert "2 sessions in the last 7 days, 1 in the 7 days before." in [c.text for c in whole]
    assert view.pain_entries == 6
    assert view.week.this_week == 2  # Monday 10th to today, Wednesday 12th
    assert view.steps[3].status.startswith(f"Last session {services.fmt_when(noon)}")
