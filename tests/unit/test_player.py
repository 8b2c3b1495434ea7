"""The session player's state machine, driven by a hand-held clock (no sleeping, no real time)."""

from __future__ import annotations

import pytest

from backcheck import player as P
from backcheck.content import load_library

LIB = load_library()
T = P.Timing(get_ready_seconds=5, rest_seconds=30, seconds_per_breath=6)


def item(**kw) -> P.PlanItem:
    base = dict(exercise="x", shown="x", name="X", kind="strengthen", dose="d", cues=("a", "b"), source="s")
    return P.PlanItem(**{**base, **kw})


def plan(*items: P.PlanItem) -> P.Plan:
    return P.Plan(tuple(items), T)


HOLD = item(exercise="bridge_hold", name="Bridge", sets=2, hold_seconds=20)
REPS = item(exercise="clam", name="Clam", reps=20, per_side=True)
BREATH = item(exercise="childs_pose", name="Child's pose", kind="stretch", breaths=10)


def test_hold_steps_have_a_lead_in_a_countdown_and_a_rest_between_sets():
    kinds = [(s.kind, s.seconds) for s in P.item_steps(HOLD, T)]
    assert kinds == [("intro", None), ("ready", 5), ("hold", 20), ("rest", 30), ("ready", 5), ("hold", 20)]


def test_reps_steps_wait_for_a_tap_per_side_and_set():
    steps = P.item_steps(item(reps=10, sets=2, per_side=True), T)
    assert [(s.kind, s.set_no, s.side) for s in steps] == [
        ("intro", 1, None), ("reps", 1, "left"), ("reps", 1, "right"), ("rest", 1, None),
        ("reps", 2, "left"), ("reps", 2, "right")]
    assert all(s.seconds is None for s in steps if s.kind == "reps")


def test_breath_count_runs_for_ten_breaths_and_counts_them():
    p = plan(BREATH)
    s = P.start(p, 2, now=0)
    s = P.tap(p, s, now=100)  # start: get ready 5 s
    v = P.view(p, s, now=104)
    assert v.step.kind == "ready" and v.remaining == pytest.approx(1)
    v = P.view(p, s, now=105 + 6 * 3 + 1)  # into the 4th breath
    assert v.step.kind == "breaths" and v.breath == 4 and v.running
    v = P.view(p, s, now=105 + 60)  # ten breaths done: item finished
    assert v.state.finished and v.state.outcomes == ("done",)


def test_timer_runs_from_stored_times_through_lead_in_hold_and_rest():
    p = plan(HOLD, REPS)
    s = P.start(p, 3, now=0)
    assert P.view(p, s, now=50).step.kind == "intro"  # nothing runs before Start
    s = P.tap(p, s, now=1000)
    v = P.view(p, s, now=1003)
    assert (v.step.kind, v.remaining, v.running) == ("ready", 2, True)
    v = P.view(p, s, now=1015)
    assert (v.step.kind, v.remaining) == ("hold", 10)
    v = P.view(p, s, now=1026)  # hold over at 1025: rest, with the end-of-hold cue
    assert v.step.kind == "rest" and v.state.cue == "hold_done" and v.remaining == 29
    v = P.view(p, s, now=1025 + 30 + 5 + 20)  # second set finished exactly now
    assert v.item.name == "Clam" and v.step.kind == "intro" and not v.running
    assert v.state.outcomes[0] == "done" and v.state.cue == "item_done"


def test_a_saved_state_resumes_after_a_reload_from_its_dict():
    p = plan(HOLD)
    s = P.tap(p, P.start(p, 1, now=0), now=10)
    again = P.PlayerState.from_dict(s.to_dict())
    back = P.Plan.from_dict(p.to_dict())
    assert P.view(back, again, now=22).step.kind == "hold"
    assert P.view(back, again, now=22).remaining == pytest.approx(13)


def test_pause_freezes_the_countdown_and_resume_carries_on():
    p = plan(HOLD)
    s = P.tap(p, P.start(p, 1, now=0), now=0)  # ready 0-5, hold 5-25
    s = P.pause(p, s, now=10)
    v = P.view(p, s, now=500)
    assert v.paused and not v.running and v.step.kind == "hold" and v.remaining == 15
    s = P.resume(p, s, now=500)
    v = P.view(p, s, now=510)
    assert v.step.kind == "hold" and v.remaining == 5 and v.running
    assert P.view(p, s, now=515).step.kind == "rest"


def test_tap_ends_a_timer_early_and_completes_sets():
    p = plan(REPS)
    s = P.tap(p, P.start(p, 0, now=0), now=1)
    assert P.view(p, s, now=1).step.side == "left"
    s = P.tap(p, s, now=2)
    assert P.view(p, s, now=2).step.side == "right"
    s = P.tap(p, s, now=3)
    assert s.finished and s.outcomes == ("done",)
    with pytest.raises(P.PlayerError, match="finished"):
        P.tap(p, s, now=4)


def test_skip_back_and_hurt_set_outcomes():
    p = plan(HOLD, REPS, BREATH)
    s = P.start(p, 2, now=0)
    s = P.skip(p, s, now=1)
    assert s.item == 1 and s.outcomes == ("skipped", None, None)
    s = P.back(p, s, now=2)  # at an item's start: back to the previous one, redone
    assert s.item == 0 and s.outcomes == (None, None, None)
    s = P.tap(p, s, now=3)
    s = P.back(p, s, now=4)  # mid-item: restart it
    assert (s.item, s.step, s.started_at) == (0, 0, None)
    s = P.hurt(p, s, now=5)
    assert s.outcomes[0] == "hurt" and s.notes[0] == "Stopped because it hurt" and s.item == 1


def test_a_pain_rise_of_two_drops_the_hard_items_and_keeps_the_rest():
    squat = item(exercise="air_squat", name="Air squat", kind="control", reps=10)
    p = plan(HOLD, REPS, squat, BREATH)
    s = P.hurt(p, P.start(p, 3, now=0), now=1)  # bridge hurt
    s = P.report_pain(p, s, 4, now=2, points=2, hard_kinds=["strengthen"])
    assert not s.pain_stop and s.item == 1  # one point: carry on
    s = P.report_pain(p, s, 5, now=3, points=2, hard_kinds=["strengthen"])
    assert s.pain_stop
    assert s.outcomes == ("hurt", "skipped", None, None)
    assert s.notes[1] == P.DROPPED_NOTE
    assert s.item == 2  # air squats: keep moving (article 003)


def test_pain_must_be_given_and_valid():
    p = plan(HOLD)
    for bad in (None, "", 11, -1, 2.5, "a lot", True):
        with pytest.raises(P.PlayerError):
            P.start(p, bad, now=0)
    assert P.start(p, "0", now=0).pain_before == 0


def test_finish_early_counts_the_rest_as_skipped_and_results_list_them():
    p = plan(HOLD, REPS)
    s = P.tap(p, P.tap(p, P.start(p, 1, now=0), now=0), now=1)  # end the lead-in early
    s = P.finish_early(p, s, now=2)
    assert s.finished and s.outcomes == ("skipped", "skipped")
    assert [r["outcome"] for r in P.results(p, s)] == ["skipped", "skipped"]


def test_plan_uses_the_level_dose_and_variant():
    plan1 = P.build_plan(LIB, [("clam", "20 reps each leg"), ("childs_pose", "About 10 breaths")])
    clam, pose = plan1.items
    assert (clam.level, clam.reps, clam.per_side, clam.name) == (1, 20, True, "Clam")
    assert pose.level is None and pose.breaths == 10
    bridge = P.build_plan(LIB, [("bridge_hold", "")], {"bridge_hold": 3}).items[0]
    assert (bridge.name, bridge.shown, bridge.reps, bridge.level) == ("One-leg bridge", "one_leg_bridge", 8, 3)
    banded = P.build_plan(LIB, [("clam", "")], {"clam": 99}).items[0]  # clamped to the top
    assert banded.level == banded.levels == 4 and banded.name == "Banded clam"


def test_speed_shortens_durations_but_never_below_a_second():
    t = P.Timing(get_ready_seconds=5, rest_seconds=30, seconds_per_breath=6, speed=10)
    steps = P.item_steps(HOLD, t)
    assert [s.seconds for s in steps] == [None, 1, 2, 3, 1, 2]


def test_seconds_text_rounds_up():
    assert P.seconds_text(4.2) == "0:05"
    assert P.seconds_text(65) == "1:05"
    assert P.seconds_text(0) == "0:00"
