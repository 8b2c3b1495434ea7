"""Progression rules (advance, hold, step back, boundaries) and the recorded session."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from backcheck import session as S
from backcheck.content import load_library
from backcheck.painlog import LoggedEntry, PainEntry
from backcheck.player import PlayerError, PlayerState, hurt, skip, tap
from backcheck.profiles import Progress
from backcheck.progression import LevelChange, LevelState, SessionResult, current_levels, decide, level_text
from backcheck.routine import RoutineInputs, build_routine
from backcheck.storage import SCHEMA_VERSION, Store

LIB = load_library()
PG = LIB.progression
N = PG.rules.advance_after_easy
CLAM = PG.ladder_by_exercise["clam"]
SQUAT = PG.ladder_by_exercise["air_squat"]
T0 = datetime(2026, 3, 2, 18, 0)


def res(i: int, effort: str = "easy", outcome: str = "done", before: int = 2, after: int = 2,
        ex: str = "clam") -> SessionResult:
    return SessionResult(T0 + timedelta(days=i), effort, before, after, {ex: outcome})


def easy(n: int, ex: str = "clam") -> list[SessionResult]:
    return [res(i, ex=ex) for i in range(n)]


def test_content_every_level_names_a_source_or_is_ours():
    for ladder in PG.ladders:
        assert ladder.exercise in LIB.exercise_by_id
        for lv in ladder.levels:
            assert lv.source == "backcheck" or lv.source in LIB.source_by_id
    assert [lv.source for lv in CLAM.levels][2] == "001_173b928136b05cbf.txt"  # the band: article 001
    assert PG.ladder_by_exercise["bridge_hold"].levels[2].exercise == "one_leg_bridge"  # article 003


def test_advance_after_the_rules_number_of_easy_sessions():
    d = decide(PG, CLAM, 1, easy(N))
    assert (d.action, d.to_level) == ("advance", 2)
    assert d.reason == f"up from {CLAM.levels[0].label} after three easy sessions"


def test_hold_one_session_short_and_when_not_done():
    d = decide(PG, CLAM, 1, easy(N - 1))
    assert (d.action, d.to_level) == ("hold", 1) and "of 3 needed" in d.reason
    assert decide(PG, CLAM, 1, [*easy(N - 1), res(N, outcome="skipped")]).action == "hold"
    # "about right" sessions do not count as easy
    assert decide(PG, CLAM, 1, [res(i, effort="right") for i in range(5)]).action == "hold"
    assert decide(PG, CLAM, 1, []).action == "hold"


def test_easy_sessions_with_pain_up_do_not_count():
    sessions = [*easy(N - 1), res(N, before=2, after=4)]
    d = decide(PG, CLAM, 2, sessions)  # the last one had pain up 2: step back
    assert (d.action, d.to_level) == ("back", 1) and "pain went up 2 points" in d.reason
    # an "easy" session with pain up 2 does not count towards moving up; one point up does
    sessions = [res(0, before=2, after=4), *[res(i) for i in range(1, N)]]
    assert decide(PG, CLAM, 1, sessions).action == "hold"
    sessions = [res(0, before=2, after=3), *[res(i) for i in range(1, N)]]
    assert decide(PG, CLAM, 1, sessions).action == "advance"


def test_step_back_after_too_hard_or_hurt_and_never_below_one():
    d = decide(PG, CLAM, 3, [res(0, effort="hard")])
    assert (d.action, d.to_level) == ("back", 2) and "too hard" in d.reason
    d = decide(PG, CLAM, 2, [res(0, outcome="hurt")])
    assert (d.action, d.to_level) == ("back", 1) and "it hurt" in d.reason
    d = decide(PG, CLAM, 1, [res(0, effort="hard")])
    assert (d.action, d.to_level) == ("hold", 1) and "first level" in d.reason


def test_top_level_holds_and_missing_equipment_holds():
    top = len(CLAM.levels)
    assert decide(PG, CLAM, top, easy(N)).reason == "top level reached"
    d = decide(PG, CLAM, 2, easy(N), equipment=[], equipment_label=LIB.equipment_label)
    assert d.action == "hold" and "resistance band" in d.reason
    assert decide(PG, CLAM, 2, easy(N), equipment=["band"]).to_level == 3
    assert decide(PG, SQUAT, 2, easy(N, "air_squat"), equipment=["band"]).action == "hold"  # needs weights


def test_current_levels_and_level_text():
    changes = [LevelChange("clam", T0, 1, 2, "up"), LevelChange("clam", T0 + timedelta(days=1), 2, 1, "down")]
    levels = current_levels(changes)
    assert levels["clam"] == LevelState(1, T0 + timedelta(days=1), "down")
    assert level_text(LIB, "clam", LevelState(2)) == f"Level 2 of 4: {CLAM.levels[1].label}"
    assert level_text(LIB, "childs_pose", None) is None


# --------------------------------------------------------------------------- the recorded session


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path}/t.db")


def clam_routine():
    routine = build_routine(LIB, RoutineInputs(patterns=("lateral_tilt",), minutes=20))
    assert "clam" in [it.id for it in routine.items]
    return routine


def run_session(store: Store, pid: int, routine, effort: str, when: datetime, pain_after: int = 2,
                hurt_clam: bool = False):
    S.begin(LIB, store, pid, routine, pain_before=2, now=when.timestamp())
    act = S.active(store, pid)
    plan, state = act.plan, act.state
    t = when.timestamp()
    while not state.finished:
        t += 1
        if plan.items[state.item].exercise == "clam":
            state = hurt(plan, state, t) if hurt_clam else tap(plan, state, t)
        else:
            state = skip(plan, state, t)
        store.player.save_state(pid, act.id, state)
    act = S.active(store, pid)
    return S.record(LIB, store, pid, act, pain_after, effort, now=when + timedelta(minutes=20))


def test_session_record_keeps_what_was_done_and_counts_for_the_week(store):
    pid = store.profiles.list()[0].id
    routine = clam_routine()
    decisions = run_session(store, pid, routine, "right", T0)
    assert [d.action for d in decisions] == ["hold"]
    [rec] = store.player.finished(pid)
    assert (rec.pain_before, rec.pain_after, rec.effort) == (2, 2, "right")
    by_ex = {r["exercise"]: r["outcome"] for r in rec.results}
    assert by_ex["clam"] == "done" and set(by_ex.values()) == {"done", "skipped"}
    assert store.player.active(pid) is None
    [rs] = store.sessions.list(pid)
    assert rs.id == rec.routine_session_id and rs.inputs["player_session"] == rec.id


def test_level_advances_after_easy_sessions_and_steps_back_when_it_hurts(store):
    pid = store.profiles.list()[0].id
    routine = clam_routine()
    for i in range(N):
        decisions = run_session(store, pid, routine, "easy", T0 + timedelta(days=2 * i))
    assert [(d.action, d.to_level) for d in decisions] == [("advance", 2)]
    assert S.levels(store, pid)["clam"].level == 2
    # the next session is planned at the new level
    assert S.routine_plan(LIB, routine, S.levels(store, pid)).items[
        [it.id for it in routine.items].index("clam")].dose == CLAM.levels[1].label
    # easy sessions before the change do not count again
    decisions = run_session(store, pid, routine, "easy", T0 + timedelta(days=20))
    assert decisions[0].action == "hold"
    decisions = run_session(store, pid, routine, "right", T0 + timedelta(days=22), hurt_clam=True)
    assert (decisions[0].action, decisions[0].to_level) == ("back", 1)
    assert [c.level for c in store.player.level_changes(pid)] == [2, 1]


def test_record_refuses_missing_answers_and_stores_nothing(store):
    pid = store.profiles.list()[0].id
    S.begin(LIB, store, pid, clam_routine(), pain_before=1, now=T0.timestamp())
    act = S.active(store, pid)
    with pytest.raises(PlayerError, match="Pick how much it hurts"):
        S.record(LIB, store, pid, act, None, "easy")
    with pytest.raises(PlayerError, match="how hard"):
        S.record(LIB, store, pid, act, 3, None)
    assert store.player.finished(pid) == [] and store.sessions.list(pid) == []
    with pytest.raises(PlayerError):
        S.begin(LIB, store, pid, clam_routine(), pain_before=None, now=0)


def test_a_new_session_sets_the_unfinished_one_aside(store):
    pid = store.profiles.list()[0].id
    first = S.begin(LIB, store, pid, clam_routine(), pain_before=1, now=T0.timestamp())
    second = S.begin(LIB, store, pid, clam_routine(), pain_before=1, now=T0.timestamp() + 5)
    assert S.active(store, pid).id == second != first
    assert not store.player.save_state(pid, first, PlayerState())


def test_v2_database_is_migrated_to_v3_with_the_player_tables(tmp_path):
    from backcheck import migrations, storage

    db = tmp_path / "v2.db"
    old = Store(f"sqlite:///{db}")
    pid = old.profiles.list()[0].id
    old.pain.add(pid, PainEntry(recorded_at=T0, pain=4, activity="squat", location="lower_back"))
    with old.engine.connect() as conn:  # back to what BackCheck 2 left behind
        # the downgrade copies profiles: no cascade (only outside a transaction does this PRAGMA count)
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        migrations.downgrade(conn, "0002")
        assert {"player_sessions", "level_changes"}.isdisjoint(
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master"))
        conn.exec_driver_sql("UPDATE meta SET value='2' WHERE key='schema_version'")
        conn.exec_driver_sql("DROP TABLE alembic_version")  # BackCheck 2 kept its version in meta only
        conn.commit()
    old.engine.dispose()
    s = Store(f"sqlite:///{db}")
    assert s.schema_version() == SCHEMA_VERSION == 4
    assert len(s.pain.all(pid)) == 1
    S.begin(LIB, s, pid, clam_routine(), pain_before=1, now=T0.timestamp())
    assert S.active(s, pid) is not None
    assert len(list(tmp_path.glob(f"v2.before-v{SCHEMA_VERSION}.*.bak"))) == 1
    con = sqlite3.connect(next(tmp_path.glob(f"v2.before-v{SCHEMA_VERSION}.*.bak")))
    assert "player_sessions" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    # it was stamped at revision 0002 and upgraded by revision 0003, the player's tables
    assert s.migrated_from == storage.LEGACY_REVISIONS[2] == "0002"
    assert migrations.script_directory().get_revision("0003").down_revision == "0002"
    assert Store(f"sqlite:///{db}").migrated_from is None  # the second start finds nothing to do


def test_today_helpers():
    today = T0.date()
    progress = Progress(safety=T0 - timedelta(days=40), quiz=T0)
    key, why = S.next_assessment_step(progress, "clear", today)
    assert key == "safety" and "4 weeks" in why
    progress = replace(progress, safety=T0 - timedelta(days=3))
    assert S.next_assessment_step(progress, "clear", today)[0] == "form"
    progress = replace(progress, form=T0)
    assert S.next_assessment_step(progress, "clear", today) is None
    assert not S.is_returning(Progress())
    changes = S.changes_since_last_week(
        [LevelChange("clam", T0, 1, 2, "up from x")],
        [LoggedEntry(1, T0 - timedelta(days=9), 6, "walking", "leg"), LoggedEntry(2, T0, 3, "walking", "leg")],
        [T0], LIB, today)
    assert [c.kind for c in changes] == ["level", "pain", "sessions"]
    assert "Clam moved up to level 2" in changes[0].text and "lower than" in changes[1].text


def test_pain_chart_marks_level_changes():
    import json

    from backcheck import painlog as pl
    from backcheck.figures import pain_figure

    cfg = LIB.painlog
    rows = [pl.LoggedEntry(id=i, recorded_at=T0 + timedelta(days=i), pain=5, activity="walking",
                           location="lower_back", notes="") for i in range(10)]
    ov = pl.overview(cfg, rows, [], today=(T0 + timedelta(days=10)).date(), sessions_goal=LIB.sessions_goal)
    changes = [LevelChange("clam", T0 + timedelta(days=4), 1, 2, "up from 20 reps each leg after three easy sessions"),
               LevelChange("plank", T0 + timedelta(days=8), 2, 1, "down from 3 × 30 s holds because it hurt")]
    spec = json.loads(pain_figure(ov, cfg, today=(T0 + timedelta(days=10)).date(), level_changes=changes,
                                  names={"clam": "Clam", "plank": "Plank"}).to_json())
    [trace] = [t for t in spec["data"] if t.get("name") == "Exercise level changed"]
    assert trace["marker"]["symbol"] == ["triangle-up", "triangle-down"]
    assert trace["customdata"][0] == "Clam: level 2 (up from 20 reps each leg after three easy sessions)"
    plain = json.loads(pain_figure(ov, cfg, today=(T0 + timedelta(days=10)).date()).to_json())
    assert all(t.get("name") != "Exercise level changed" for t in plain["data"])


def test_handout_prints_current_levels():
    import io

    from pypdf import PdfReader

    from backcheck.exports import routine_pdf

    routine = clam_routine()
    text = level_text(LIB, "clam", LevelState(2, T0, "up from 20 reps each leg after three easy sessions"))
    pdf = routine_pdf(LIB, routine, levels={"clam": text + " (up from 20 reps each leg after three easy sessions)"})
    body = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Your level: Level 2 of 4: 2 × 20 each leg" in body
    assert "Your level" not in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(routine_pdf(LIB, routine))).pages)


def test_deleting_a_profile_removes_its_sessions_and_levels(store):
    keep = store.profiles.list()[0].id
    gone = store.profiles.create("Gone").id
    run_session(store, gone, clam_routine(), "hard", T0)
    S.begin(LIB, store, gone, clam_routine(), pain_before=1, now=T0.timestamp())
    store.profiles.delete(gone)
    assert store.player.finished(gone) == [] and store.player.active(gone) is None
    assert store.player.level_changes(gone) == [] and store.profiles.list()[0].id == keep


def test_demo_patient_has_level_changes_on_its_pain_chart(store):
    """Issue 14: the physio's demo shows progression: level changes stored with the demo, marked on the
    pain chart, and the latest one in Today's "what changed"."""
    import json

    from backcheck import services
    from backcheck.demo import DEMO_NAME, demo_data
    from backcheck.figures import pain_chart

    now = datetime(2026, 11, 27, 12, 0)
    data = demo_data(LIB, now=now)
    assert len(data.level_changes) >= 4
    times = {s.done_at for s in data.routine_sessions}
    for c in data.level_changes:  # every change is a real step on a ladder, at a demo session
        ladder = PG.ladder_by_exercise[c.exercise]
        assert 1 <= c.from_level <= len(ladder.levels) and 1 <= c.level <= len(ladder.levels)
        assert abs(c.level - c.from_level) == 1 and c.changed_at in times
        frm = ladder.levels[c.from_level - 1].label
        assert c.reason in (f"up from {frm} after three easy sessions", f"down from {frm} because it hurt")
    assert {c.level > c.from_level for c in data.level_changes} == {True, False}  # moves up and steps back
    demo = store.profiles.create_demo(DEMO_NAME, data)
    stored = store.player.level_changes(demo.id)
    assert [(c.exercise, c.changed_at, c.from_level, c.level, c.reason) for c in stored] == \
           [(c.exercise, c.changed_at, c.from_level, c.level, c.reason) for c in data.level_changes]
    levels = S.levels(store, demo.id)
    for c in stored:  # current levels fold from the history
        assert levels[c.exercise].level == [x.level for x in stored if x.exercise == c.exercise][-1]

    cfg = LIB.painlog
    ov = services.painlog_overview(store, demo.id, cfg, today=now.date(), sessions_goal=LIB.sessions_goal)
    view = services.painlog_chart(store, ov, cfg, None)
    spec = json.loads(pain_chart(view, cfg, stored, {e.id: e.name for e in LIB.exercises}).to_json())
    [trace] = [t for t in spec["data"] if t.get("name") == "Exercise level changed"]
    assert trace["marker"]["symbol"] == ["triangle-up" if c.level > c.from_level else "triangle-down" for c in stored]
    assert trace["customdata"][0] == f"Clam: level 2 (up from {CLAM.levels[0].label} after three easy sessions)"

    changes = S.changes_since_last_week(stored, store.pain.all(demo.id), store.sessions.times(demo.id), LIB,
                                        now.date())
    assert [c.kind for c in changes][0] == "level" and "moved up to level" in changes[0].text
