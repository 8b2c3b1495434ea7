"""The routine generator's rules, stated as properties (backcheck/routine.py + content/routine_rules.yaml)."""

from __future__ import annotations

import itertools
import shutil
from datetime import date, datetime

import pytest
import yaml

from backcheck.content import ContentError, load_library
from backcheck.routine import (
    BLOCKS,
    left_for_time,
    minutes_to_fit,
    RoutineInputError,
    RoutineInputs,
    build_routine,
    item_minutes,
    item_seconds,
)

from backcheck.painlog import sessions_per_week

LIB = load_library()
RULES = LIB.routine
EQUIPMENT_ALL = tuple(t.id for t in LIB.vocabulary.equipment)
MINUTES = range(RULES.session.minutes_min, RULES.session.minutes_max + 1, RULES.session.minutes_step)
FULL = RULES.session.full_blocks_from_minutes
CALM = RULES.painful_day.threshold - 1  # highest pain that still gets the normal session


def build(**kw):
    return build_routine(LIB, RoutineInputs(**kw))


def ids(routine, block=None):
    blocks = [block] if block else BLOCKS
    return [it.id for b in blocks for it in routine.blocks[b]]


def muscles_of(ex_id):
    ex = LIB.exercise_by_id[ex_id]
    out = set(ex.trains)
    for m in ex.trains:
        out |= set(RULES.muscle_groups.get(m, []))
    return out


def exercises_for(pattern_id, block, muscle):
    group = next(g for g in getattr(LIB.pattern_by_id[pattern_id], block) if g.muscle == muscle)
    return set(group.exercises)


def avoided(pattern_ids):
    return [(a.kind, a.muscle) for p in pattern_ids for a in LIB.pattern_by_id[p].avoid]


# --------------------------------------------------------------------------- every combination

PATTERN_SETS = [(), ("anterior_tilt",), ("posterior_tilt",), ("lateral_tilt",), ("anterior_tilt", "lateral_tilt"),
                ("lateral_tilt", "posterior_tilt"), ("anterior_tilt", "posterior_tilt")]
GOAL_SETS = [(), ("general",), ("squat",), ("handstand",), ("hinge", "handstand"), tuple(g.id for g in RULES.goals)]
EQUIPMENT_SETS = [(), ("dowel",), ("wall", "band"), EQUIPMENT_ALL]


@pytest.mark.parametrize("patterns", PATTERN_SETS)
def test_budget_minimums_equipment_and_avoid_rules_hold_for_every_combination(patterns):
    fault_sets = [(), ("hinge_bends_forward", "handstand_closed_shoulders"), tuple(LIB.fault_by_id)]
    minutes_set = sorted({RULES.session.minutes_min, FULL, 20, 30, RULES.session.minutes_max})
    for goals, equipment, faults, minutes, pain in itertools.product(
            GOAL_SETS, EQUIPMENT_SETS, fault_sets, minutes_set, (0, CALM, RULES.painful_day.threshold)):
        r = build(patterns=patterns, goals=goals, equipment=equipment, faults=faults, minutes=minutes, pain=pain)
        case = (patterns, goals, equipment, faults, minutes, pain)
        assert r.total_minutes <= minutes, case
        assert r.total_minutes == sum(it.minutes for it in r.items)
        if minutes >= FULL:
            assert r.block_minutes("stretch") >= RULES.session.stretch_min_minutes, case
            # the painful day keeps its 5 minutes of activation too (issue 8)
            assert r.block_minutes("warmup") >= RULES.session.warmup_min_minutes, case
            assert r.blocks["main"], case
        all_ids = ids(r)
        assert len(all_ids) == len(set(all_ids)), case  # an exercise appears once
        for it in r.items:
            assert set(it.exercise.equipment) <= set(equipment), (case, it.id)
            for kind, muscle in avoided(patterns):
                assert not (it.exercise.kind == kind and muscle in muscles_of(it.id)), (case, it.id)
                if kind == "strengthen":  # avoid rules see what an exercise loads, whatever its kind
                    assert muscle not in it.exercise.loads, (case, it.id)
            assert it.reasons and all(reason.source in LIB.source_by_id for reason in it.reasons)
            assert (it.exercise.kind == "stretch") == (it.block == "stretch"), (case, it.id)


# --------------------------------------------------------------------------- lordosis / anterior tilt


@pytest.mark.parametrize("minutes", [m for m in MINUTES if m >= FULL])
def test_lordosis_strengthens_no_lower_back_and_stretches_lower_back_and_hip_flexors(minutes):
    r = build(patterns=("anterior_tilt",), goals=("general",), minutes=minutes)
    for it in r.items:
        if it.exercise.kind == "strengthen":
            assert not {"lower_back", "hip_flexors"} & set(it.exercise.trains), it.id
    stretched = set(ids(r, "stretch"))
    assert stretched & exercises_for("anterior_tilt", "stretch", "lower_back")
    assert stretched & exercises_for("anterior_tilt", "stretch", "hip_flexors")
    assert r.block_minutes("warmup") >= 5 and r.block_minutes("stretch") >= 5


def test_lordosis_warm_up_activates_the_weak_muscles_of_the_pattern():
    r = build(patterns=("anterior_tilt",), minutes=20)
    weak = {ex for g in LIB.pattern_by_id["anterior_tilt"].strengthen for ex in g.exercises}
    assert r.blocks["warmup"] and all(it.id in weak for it in r.blocks["warmup"])
    assert all("Anterior tilt" in it.reasons[0].text for it in r.blocks["warmup"])


def test_lordosis_never_gets_back_extension_work_even_when_a_rule_asks_for_it():
    # a posterior pattern alongside (conflicting) would add lower-back strengthening: the avoid rule wins
    r = build(patterns=("anterior_tilt", "posterior_tilt"), minutes=45, equipment=EQUIPMENT_ALL)
    assert not {"superman", "hyperextension", "knee_march", "seated_leg_lift"} & set(ids(r))


def test_lordosis_avoid_rule_wins_over_any_other_rule(tmp_path):
    # a form fault whose drill strengthens the lower back: fine for kyphosis, never for lordosis
    lib = _library_with_fault(tmp_path, "back_fault", "Weak back", ["superman"], "003_8a7261f12f81f5aa.txt")
    lordosis = build_routine(lib, RoutineInputs(patterns=("anterior_tilt",), faults=("back_fault",), minutes=45))
    assert "superman" not in ids(lordosis)
    left = next(lo for lo in lordosis.left_out if lo.name == LIB.exercise_by_id["superman"].name)
    assert "Anterior tilt" in left.reason and "lower back" in left.reason.lower()
    neutral = build_routine(lib, RoutineInputs(faults=("back_fault",), minutes=45))
    assert "superman" in ids(neutral)


# --------------------------------------------------------------------------- kyphosis / posterior tilt


def test_kyphosis_strengthens_lower_back_and_hip_flexors_and_stretches_hamstrings_glutes_abdominals():
    r = build(patterns=("posterior_tilt",), minutes=30)
    strengthened = set(ids(r, "warmup")) | set(ids(r, "main"))
    assert strengthened & exercises_for("posterior_tilt", "strengthen", "lower_back")
    assert strengthened & exercises_for("posterior_tilt", "strengthen", "hip_flexors")
    stretched = set(ids(r, "stretch"))
    for muscle in ("hamstrings", "glutes", "abdominals"):
        assert stretched & exercises_for("posterior_tilt", "stretch", muscle), muscle


def test_kyphosis_does_not_stretch_what_it_strengthens():
    r = build(patterns=("posterior_tilt",), goals=tuple(g.id for g in RULES.goals), minutes=45,
              equipment=EQUIPMENT_ALL)
    strengthen = {g.muscle for g in LIB.pattern_by_id["posterior_tilt"].strengthen}
    for it in r.blocks["stretch"]:
        assert not strengthen & muscles_of(it.id), it.id


def test_kyphosis_uses_the_no_equipment_fallbacks():
    r = build(patterns=("posterior_tilt",), minutes=30)
    assert "superman" in ids(r) and "hyperextension" not in ids(r)  # the bench version needs a bench
    superman = next(it for it in r.items if it.id == "superman")
    assert any("bench" in s for s in superman.swaps)
    with_bench = build(patterns=("posterior_tilt",), minutes=30, equipment=("bench",))
    assert "hyperextension" in ids(with_bench)


# --------------------------------------------------------------------------- one hip higher


@pytest.mark.parametrize("minutes", [m for m in MINUTES if m >= FULL])
def test_one_hip_higher_gets_pigeon_stretch_and_clams(minutes):
    r = build(patterns=("lateral_tilt",), minutes=minutes)
    assert "supine_pigeon_prep" in ids(r, "stretch")
    assert "clam" in ids(r, "warmup") + ids(r, "main")
    clam = next(it for it in r.items if it.id == "clam")
    assert "One hip higher" in clam.reasons[0].text
    assert clam.reasons[0].source == "001_173b928136b05cbf.txt"


# --------------------------------------------------------------------------- mixed and conflicting


def shaped_by(r) -> list[str]:
    """The posture patterns whose plan put items in the routine (each such item says so in its reasons)."""
    said = [reason.text for it in r.items for reason in it.reasons]
    return [p.id for p in LIB.patterns if any(t.startswith(f"Posture quiz → {p.short_name}:") for t in said)]


def test_mixed_result_combines_both_plans_and_keeps_the_avoid_rules():
    r = build(patterns=("anterior_tilt", "lateral_tilt"), minutes=30)
    assert {"clam", "supine_pigeon_prep"} <= set(ids(r))
    assert set(ids(r, "stretch")) & exercises_for("anterior_tilt", "stretch", "hip_flexors")
    assert not any(it.exercise.kind == "strengthen" and "lower_back" in it.exercise.trains for it in r.items)
    assert shaped_by(r) == ["anterior_tilt", "lateral_tilt"]


def test_opposite_tilts_keep_to_the_base_sequence_and_say_why():
    r = build(patterns=("anterior_tilt", "posterior_tilt"), minutes=30)
    assert r.note("conflicting") is not None
    assert shaped_by(r) == []
    base = [set(step.exercises) for step in RULES.base_sequence]
    assert all(set(ids(r)) & step for step in base)
    assert not any(reason.text.startswith("Posture quiz") for it in r.items for reason in it.reasons)


def test_opposite_tilts_with_a_third_pattern_still_use_the_third():
    r = build(patterns=("anterior_tilt", "posterior_tilt", "lateral_tilt"), minutes=30)
    assert shaped_by(r) == ["lateral_tilt"]
    assert "clam" in ids(r) and r.note("conflicting") is not None


# --------------------------------------------------------------------------- missing inputs


def test_no_quiz_and_no_form_check_gives_the_base_sequence_with_general_blocks():
    r = build(minutes=25)
    assert r.note("no_pattern") is not None
    for n, step in enumerate(RULES.base_sequence, start=1):
        item = next(it for it in r.items if it.id in step.exercises)
        assert any(f"step {n} of" in reason.text for reason in item.reasons)
    general = {it.exercise for it in RULES.general_warmup} | {it.exercise for it in RULES.general_stretch}
    assert set(ids(r, "warmup")) | set(ids(r, "stretch")) <= general
    assert r.block_minutes("warmup") >= 5 and r.block_minutes("stretch") >= 5


def test_base_sequence_keeps_its_order_in_the_main_part():
    r = build(minutes=45, equipment=("dowel",))
    main = ids(r, "main")
    positions = [main.index(step.exercises[0]) for step in RULES.base_sequence]
    assert positions == sorted(positions)


# --------------------------------------------------------------------------- faults and goals


def test_each_fault_adds_its_first_drill_with_the_fault_named():
    r = build(faults=("hinge_pelvis_tips_forward", "handstand_closed_shoulders"), minutes=30)
    brace = next(it for it in r.items if it.id == "abdominal_brace")
    assert any("Pelvis tips forward" in reason.text for reason in brace.reasons)
    stretch = next(it for it in r.items if it.id == "shoulder_flexion_stretch")
    assert stretch.block == "stretch"  # a stretch drill lands in the stretching block
    assert stretch.reasons[0].source == LIB.fault_by_id["handstand_closed_shoulders"].source


def test_a_fault_added_in_content_brings_its_drills(tmp_path):
    lib = _library_with_fault(tmp_path, "my_fault", "Knees cave in", ["clam", "lunge"], "001_173b928136b05cbf.txt")
    r = build_routine(lib, RoutineInputs(faults=("my_fault",), minutes=30))
    clam = next(it for it in r.items if it.id == "clam")
    assert "Knees cave in" in clam.reasons[-1].text
    with pytest.raises(RoutineInputError, match="unknown form fault"):
        build_routine(lib, RoutineInputs(faults=("nope",)))


def _library_with_fault(tmp_path, fault_id: str, name: str, drills: list[str], source: str):
    """The real content plus one form fault (drawn like handstand_closed_shoulders), loaded and checked."""
    target = tmp_path / "content"
    shutil.copytree(load_library.__globals__["CONTENT_DIR"], target)
    faults_path, poses_path = target / "faults.yaml", target / "poses.yaml"
    faults = yaml.safe_load(faults_path.read_text(encoding="utf-8"))
    template = next(f for f in faults["faults"] if f["id"] == "handstand_closed_shoulders")
    faults["faults"].append({**template, "id": fault_id, "name": name, "drills": drills, "source": source})
    faults_path.write_text(yaml.safe_dump(faults, allow_unicode=True), encoding="utf-8")
    poses = yaml.safe_load(poses_path.read_text(encoding="utf-8"))
    poses["faults"][fault_id] = poses["faults"]["handstand_closed_shoulders"]
    poses_path.write_text(yaml.safe_dump(poses, allow_unicode=True), encoding="utf-8")
    return load_library(target)


def test_handstand_goal_warms_up_the_wrists_first():
    r = build(goals=("handstand",), patterns=("anterior_tilt",), minutes=20)
    assert ids(r, "warmup")[0] == "wrist_warmup"
    assert "Handstand" in r.blocks["warmup"][0].reasons[0].text


def test_goal_items_come_from_the_rules_with_their_reasons():
    r = build(goals=("squat",), minutes=45)
    for rule in RULES.goal_by_id["squat"].main:
        item = next(it for it in r.items if it.id == rule.exercise)
        assert any(rule.why in reason.text for reason in item.reasons)


def test_dowel_decides_the_hinge_exercise():
    assert "hip_hinge_dowel" in ids(build(minutes=30, equipment=("dowel",)))
    without = build(minutes=30)
    assert "hip_hinge_dowel" not in ids(without)
    fallback = next(it for it in without.items if it.id == "single_leg_deadlift")
    assert any("dowel" in s for s in fallback.swaps)


# --------------------------------------------------------------------------- time


def test_short_budget_says_what_was_left_out():
    r = build(patterns=("anterior_tilt",), goals=("general", "squat"), minutes=RULES.session.minutes_min)
    assert r.total_minutes <= RULES.session.minutes_min
    assert r.note("short") is not None
    assert r.blocks["main"]
    no_time = [lo for lo in r.left_out if lo.reason == RULES.messages.left_out_time.format(minutes=r.budget)]
    assert no_time
    assert not {lo.name for lo in no_time} & {it.name for it in r.items}  # left out means not in the session


def test_more_minutes_never_loses_an_exercise():
    for patterns in PATTERN_SETS:
        previous: set[str] = set()
        for minutes in MINUTES:
            now = set(ids(build(patterns=patterns, goals=("general", "squat"), minutes=minutes)))
            assert len(now) >= len(previous), (patterns, minutes)
            previous = now


def test_item_timing_follows_the_rules():
    t = RULES.timing
    plank = LIB.exercise_by_id["plank"]  # 3 sets of a 20 s hold
    expected = t.setup_seconds + 3 * 20 + 2 * t.rest_between_sets_seconds
    assert item_seconds(plank, RULES) == expected
    clam = LIB.exercise_by_id["clam"]  # 20 reps each side, one set
    assert item_seconds(clam, RULES) == t.setup_seconds + 2 * 20 * t.seconds_per_rep["strengthen"] + t.switch_sides_seconds
    for ex in LIB.exercises:
        minutes = item_minutes(ex, RULES)
        assert minutes * 60 >= item_seconds(ex, RULES)
        assert (minutes / t.round_up_to_minutes).is_integer()


def test_a_stretch_lasts_at_least_the_breaths_per_stretch():
    per_breath = RULES.timing.seconds_per_breath * RULES.session.breaths_per_stretch
    for ex in LIB.exercises:
        if ex.kind == "stretch":
            sides = 2 if ex.dose.per_side else 1
            assert item_seconds(ex, RULES) >= sides * per_breath, ex.id
    r = build(patterns=("lateral_tilt",), minutes=20)
    pigeon = next(it for it in r.items if it.id == "supine_pigeon_prep")
    assert f"{RULES.session.breaths_per_stretch} slow breaths" in pigeon.dose


# --------------------------------------------------------------------------- painful day


def test_high_pain_gives_a_gentle_session_that_keeps_moving():
    normal = build(patterns=("anterior_tilt",), goals=("squat",), minutes=30, pain=CALM)
    gentle = build(patterns=("anterior_tilt",), goals=("squat",), minutes=30, pain=RULES.painful_day.threshold)
    assert not normal.gentle and normal.note("gentle") is None
    assert gentle.gentle and gentle.note("gentle").text == RULES.painful_day.message
    assert len(gentle.items) < len(normal.items)
    assert "air_squat" in ids(gentle, "main")  # the article's idea: air squats, not rest
    # issue 8: the imbalance work is finished in gentle versions rather than dropped, so strength
    # items may appear on a painful day, but only ones marked gentle (no load, small range)
    assert all(it.exercise.gentle for it in gentle.items)
    assert any(lo.reason == RULES.painful_day.left_out_reason for lo in gentle.left_out)
    assert gentle.total_minutes <= 30


def test_the_pain_threshold_is_read_from_the_rules():
    threshold = 3
    rules = RULES.model_copy(update={"painful_day": RULES.painful_day.model_copy(update={"threshold": threshold})})
    lib = LIB.model_copy(update={"routine": rules})
    assert build_routine(lib, RoutineInputs(pain=threshold)).gentle
    assert not build_routine(lib, RoutineInputs(pain=threshold - 1)).gentle


def test_very_high_pain_points_to_a_professional():
    r = build(pain=RULES.painful_day.severe_from)
    assert r.note("severe") is not None
    assert build(pain=RULES.painful_day.severe_from - 1).note("severe") is None


# --------------------------------------------------------------------------- determinism and validation


def test_same_inputs_same_routine_whatever_the_order():
    a = build(patterns=("anterior_tilt", "lateral_tilt"), goals=("squat", "handstand"), equipment=("wall", "band"),
              faults=("squat_butt_wink", "hinge_too_low"), minutes=35)
    b = build(patterns=("anterior_tilt", "lateral_tilt"), goals=("handstand", "squat"), equipment=("band", "wall"),
              faults=("hinge_too_low", "squat_butt_wink"), minutes=35)
    assert a.inputs == b.inputs
    assert [(it.id, it.block, it.minutes, it.reasons) for it in a.items] == [
        (it.id, it.block, it.minutes, it.reasons) for it in b.items]
    assert a.left_out == b.left_out and a.notes == b.notes


@pytest.mark.parametrize("bad, message", [
    ({"goals": ("yoga",)}, "unknown goal"),
    ({"equipment": ("rowing_machine",)}, "unknown equipment"),
    ({"patterns": ("sway_back",)}, "unknown posture pattern"),
    ({"minutes": 5}, "minutes must be between"),
    ({"minutes": 200}, "minutes must be between"),
    ({"pain": 11}, "pain must be from 0 to 10"),
    ({"pain": -1}, "pain must be from 0 to 10"),
])
def test_bad_inputs_are_refused_with_a_message(bad, message):
    with pytest.raises(RoutineInputError, match=message):
        build(**bad)


def test_sessions_this_week_counts_monday_to_sunday():
    wednesday = date(2025, 3, 12)
    done = [datetime(2025, 3, 10, 7), datetime(2025, 3, 16, 21), datetime(2025, 3, 9, 12), datetime(2024, 3, 12, 9)]
    # the one weekly count (painlog.sessions_per_week) that Home, My routine and the pain log use
    assert sessions_per_week(done, LIB.sessions_goal, wednesday).this_week == 2


# --------------------------------------------------------------------------- content checks


def _broken_copy(tmp_path, change):
    target = tmp_path / "content"
    shutil.copytree(load_library.__globals__["CONTENT_DIR"], target)
    path = target / "routine_rules.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def test_rules_naming_an_unknown_exercise_fail_loudly(tmp_path):
    folder = _broken_copy(tmp_path, lambda d: d["base_sequence"][1]["exercises"].append("sit_up"))
    with pytest.raises(ContentError, match=r"routine_rules\.yaml.*bracing.*sit_up"):
        load_library(folder)


def test_gentle_session_must_need_no_equipment(tmp_path):
    folder = _broken_copy(tmp_path, lambda d: d["painful_day"]["main"].append(
        {"exercise": "hip_hinge_dowel", "why": "x", "source": "004_906e3745174f04a5.txt"}))
    with pytest.raises(ContentError, match="needs equipment"):
        load_library(folder)


def test_inconsistent_minutes_fail_loudly(tmp_path):
    folder = _broken_copy(tmp_path, lambda d: d["session"].update(minutes_default=99))
    with pytest.raises(ContentError, match="routine_rules.yaml.*minutes_default"):
        load_library(folder)


# --------------------------------------------------------------------------- issue 8: what an exercise loads

BACK_EXTENSION = {"arch_hollow", "superman", "hyperextension"}
HIP_FLEXOR_CORE = {"hollow_body_hold", "hollow_body_rock", "lying_tucks"}


def test_every_exercise_says_what_it_loads_and_the_back_extension_drills_are_tagged():
    for ex in LIB.exercises:
        assert ex.kind != "strengthen" or ex.loads, ex.id
    for ex_id in BACK_EXTENSION:
        assert "lower_back" in LIB.exercise_by_id[ex_id].loads, ex_id
    for ex_id in HIP_FLEXOR_CORE:
        assert "hip_flexors" in LIB.exercise_by_id[ex_id].loads, ex_id


LORDOSIS_SETS = [("anterior_tilt",), ("anterior_tilt", "lateral_tilt"), ("anterior_tilt", "posterior_tilt")]
ALL_FAULTS = tuple(LIB.fault_by_id)
FAULT_SETS = [(), ("handstand_banana_back",), ("handstand_core_not_braced", "handstand_cold_wrists"),
              ("handstand_no_hollow_body", "squat_butt_wink"), ALL_FAULTS] + [(f,) for f in ALL_FAULTS]
LORDOSIS_GOALS = [(), ("handstand",), ("squat", "handstand"), ("general", "hinge"), tuple(g.id for g in RULES.goals)]


@pytest.mark.parametrize("patterns", LORDOSIS_SETS)
def test_no_lordosis_routine_ever_strengthens_the_lower_back_whatever_the_inputs(patterns):
    """Article 003: a lordotic back is never strengthened, not even through a goal or a form fault."""
    checked = 0
    for goals, faults, minutes, equipment, pain in itertools.product(
            LORDOSIS_GOALS, FAULT_SETS, MINUTES, EQUIPMENT_SETS, (0, RULES.painful_day.threshold)):
        r = build(patterns=patterns, goals=goals, faults=faults, minutes=minutes, equipment=equipment, pain=pain)
        for it in r.items:
            assert "lower_back" not in it.exercise.loads, (patterns, goals, faults, minutes, equipment, pain, it.id)
            assert "hip_flexors" not in it.exercise.loads, (patterns, goals, faults, minutes, equipment, pain, it.id)
            assert it.id not in BACK_EXTENSION | HIP_FLEXOR_CORE
        checked += 1
    assert checked == len(LORDOSIS_GOALS) * len(FAULT_SETS) * len(MINUTES) * len(EQUIPMENT_SETS) * 2


def test_the_000_vs_003_decision_is_recorded_with_both_sources_and_shown():
    decision = next(d for d in RULES.decisions if d.pattern == "anterior_tilt")
    assert {"000_dc582490cd2599ec.txt", "003_8a7261f12f81f5aa.txt"} <= set(decision.sources)
    assert HIP_FLEXOR_CORE | {"arch_hollow"} <= set(decision.replace)
    r = build(patterns=("anterior_tilt",), goals=("handstand",), faults=("handstand_banana_back",), minutes=30)
    item = next(it for it in r.items if it.id == decision.use)
    assert any(decision.text in sw for sw in item.swaps)  # the person sees why
    assert not HIP_FLEXOR_CORE & set(ids(r))
    # without the lordosis the article's own hollow body work is used
    plain = build(goals=("handstand",), minutes=30)
    assert "hollow_body_hold" in ids(plain) and decision.use not in ids(plain)


# --------------------------------------------------------------------------- issue 8: priority when time is short


def test_kyphosis_keeps_its_abdominal_stretch_before_general_goal_items():
    r = build(patterns=("posterior_tilt",), goals=("general",), minutes=20)
    assert set(ids(r, "stretch")) & exercises_for("posterior_tilt", "stretch", "abdominals")
    general = {it.exercise for it in RULES.goal_by_id["general"].main}
    assert len(set(ids(r)) & general) < len(general)  # the goal gives way first


@pytest.mark.parametrize("patterns", [(), ("anterior_tilt",)])
def test_banana_back_at_20_minutes_gets_a_hollow_body_or_shoulder_drill(patterns):
    r = build(patterns=patterns, faults=("handstand_banana_back",), minutes=20)
    drills = {"arch_hollow", "hollow_body_hold", "hollow_body_feet_down", "shoulder_flexion_stretch"}
    assert set(ids(r)) & drills
    item = next(it for it in r.items if it.id in drills)
    assert any("Banana back" in reason.text for reason in item.reasons)


def test_a_lordotic_squatter_with_butt_wink_gets_the_butt_wink_drill():
    r = build(patterns=("anterior_tilt",), goals=("squat",), faults=("squat_butt_wink",), minutes=20)
    squat = next(it for it in r.items if it.id == "air_squat")
    assert any("Butt wink" in reason.text for reason in squat.reasons)


def test_squat_and_handstand_goals_at_20_minutes_each_keep_an_item():
    r = build(patterns=("anterior_tilt",), goals=("squat", "handstand"), minutes=20)
    for gid in ("squat", "handstand"):
        label = RULES.goal_by_id[gid].label
        assert any(f"Your goal → {label}" in reason.text for it in r.items for reason in it.reasons), gid


def test_pattern_work_and_fault_drills_come_before_goal_items_and_filler():
    r = build(patterns=("anterior_tilt",), goals=("general",), faults=("squat_butt_wink",), minutes=15)
    reasons = [reason.text for it in r.items for reason in it.reasons]
    assert any(t.startswith("Form check") for t in reasons)
    assert sum(t.startswith("Posture quiz") for t in reasons) >= 3
    assert not any(t.startswith("General warm-up") for t in reasons)
    left = {lo.because for lo in left_for_time(r)}
    assert "Goal: General back health" in left


def test_what_does_not_fit_names_the_minutes_that_fit_it():
    inputs = RoutineInputs(patterns=("anterior_tilt",), goals=("squat", "handstand"), minutes=20)
    r = build_routine(LIB, inputs)
    assert left_for_time(r)
    n = minutes_to_fit(LIB, inputs)
    assert n is not None and n > 20
    bigger = build_routine(LIB, RoutineInputs(patterns=("anterior_tilt",), goals=("squat", "handstand"), minutes=n))
    assert not left_for_time(bigger)
    assert bigger.total_minutes <= n


def test_under_15_minutes_says_the_articles_ask_for_5_plus_5_and_offers_15():
    r = build(patterns=("lateral_tilt",), minutes=RULES.session.minutes_min)
    note = r.note("short")
    assert note is not None and "5 minutes of warm-up and 5 of stretching" in note.text
    assert minutes_to_fit(LIB, r.inputs) >= RULES.session.full_blocks_from_minutes


# --------------------------------------------------------------------------- issue 8: painful day and one hip higher


@pytest.mark.parametrize("patterns", [("anterior_tilt",), ("posterior_tilt",), ("lateral_tilt",), ()])
def test_painful_day_activates_5_minutes_does_air_squats_and_finishes_with_the_imbalance_work(patterns):
    r = build(patterns=patterns, goals=("squat",), minutes=30, pain=RULES.painful_day.threshold)
    assert r.gentle
    assert r.block_minutes("warmup") >= 5
    assert "air_squat" in ids(r, "main")
    assert all(it.exercise.gentle and not it.exercise.equipment for it in r.items)
    for pid in patterns:  # every strength group of the plan is still worked, in a gentle version
        for g in LIB.pattern_by_id[pid].strengthen:
            pd = RULES.painful_day.gentle_versions
            options = set(g.exercises) | {pd[e] for e in g.exercises if e in pd}
            assert set(ids(r)) & options, (pid, g.muscle)
    if patterns:
        assert r.blocks["main"][-1].reasons[0].text.startswith("Posture quiz")  # it ends the main part
        assert any(RULES.painful_day.imbalance_why in reason.text for it in r.items for reason in it.reasons)


def test_the_pain_threshold_is_labelled_as_backchecks_own():
    assert "BackCheck's own" in RULES.painful_day.threshold_text


def test_one_hip_higher_walks_with_the_articles_cues_and_the_clam_shows_its_band_progression():
    r = build(patterns=("lateral_tilt",), minutes=20)
    walk = next(it for it in r.items if it.id == "walking_drill")
    assert walk.reasons[0].source == "001_173b928136b05cbf.txt"
    assert "heel" in " ".join(walk.exercise.cues).lower()
    clam = LIB.exercise_by_id["clam"]
    assert clam.progression is not None and "band" in clam.progression.text and "20" in clam.progression.text
    assert clam.progression.source == "001_173b928136b05cbf.txt"


# --------------------------------------------------------------------------- clinical review (clinical2)


def _hinges(routine):
    return [it for it in routine.items if "hip_hinge_pattern" in it.exercise.trains]


def test_kyphotic_hinger_without_a_dowel_still_practises_the_hinge():
    # article 004: the pole is a check ("if using a pole"); the hinge itself needs no equipment
    r = build(patterns=("posterior_tilt",), faults=("hinge_too_low",), minutes=20)
    hinges = _hinges(r)
    assert hinges, ids(r)
    assert not hinges[0].exercise.equipment
    fault = LIB.fault_by_id["hinge_too_low"].name
    assert any(fault in reason.text for reason in hinges[0].reasons)
    with_dowel = build(patterns=("posterior_tilt",), faults=("hinge_too_low",), minutes=20, equipment=("dowel",))
    assert "hip_hinge_dowel" in ids(with_dowel)


def test_every_pattern_group_names_its_block_and_superman_is_kyphosis_strength_work():
    for p in LIB.patterns:
        for kind in ("strengthen", "practise", "stretch"):
            for g in getattr(p, kind):
                assert g.block in (("stretch",) if kind == "stretch" else ("warmup", "main")), (p.id, g.muscle)
    r = build(patterns=("posterior_tilt",), minutes=20)
    assert "superman" in ids(r, "main") and "superman" not in ids(r, "warmup")
    main = ids(r, "main")
    base_items = [i for i in main if i in {e for s in RULES.base_sequence for e in s.exercises}]
    assert main.index("superman") > main.index(base_items[0])  # the base sequence opens the main part (002)


def test_lordosis_single_leg_deadlift_is_the_hinge_step_and_spinal_control_stays_at_20_minutes():
    r = build(patterns=("anterior_tilt",), minutes=20)
    assert "single_leg_deadlift" not in ids(r, "warmup")
    main = ids(r, "main")
    assert "segmental_pelvic_roll" in main  # step 1 (002) kept at 20 minutes
    assert main.index("segmental_pelvic_roll") < main.index("single_leg_deadlift")
    sldl = next(it for it in r.items if it.id == "single_leg_deadlift")
    assert any("step 4 of 4" in reason.text for reason in sldl.reasons)


def test_ten_minute_lordotic_squatter_keeps_squat_practice_and_bracing():
    r = build(patterns=("anterior_tilt",), goals=("squat",), minutes=RULES.session.minutes_min)
    assert r.total_minutes <= RULES.session.minutes_min
    assert "air_squat" in ids(r)
    assert "abdominal_brace" in ids(r)
    label = RULES.goal_by_id["squat"].label
    squat = next(it for it in r.items if it.id == "air_squat")
    assert any(f"Your goal → {label}" in reason.text for reason in squat.reasons)


def test_bridge_hold_dose_and_time_match_its_first_progression_level():
    level = LIB.progression.ladder_by_exercise["bridge_hold"].levels[0]
    ex = LIB.exercise_by_id["bridge_hold"]
    assert (ex.dose.sets, ex.dose.hold_seconds) == (level.sets, level.hold_seconds)
    t = RULES.timing
    full = t.setup_seconds + level.sets * level.hold_seconds + (level.sets - 1) * t.rest_between_sets_seconds
    assert item_seconds(ex, RULES) == full


@pytest.mark.parametrize("minutes", [m for m in MINUTES if m >= FULL])
def test_lordosis_stretches_start_with_the_hip_flexors(minutes):
    # article 001: for a forward tilt, release the hip flexors (and quads); 003 adds the lower back
    r = build(patterns=("anterior_tilt",), minutes=minutes)
    stretched = ids(r, "stretch")
    hip_flexors = exercises_for("anterior_tilt", "stretch", "hip_flexors")
    lower_back = exercises_for("anterior_tilt", "stretch", "lower_back")
    assert stretched[0] in hip_flexors
    assert len(set(stretched) & hip_flexors) >= len(set(stretched) & lower_back)


def test_hinge_goal_at_10_minutes_keeps_a_hinge_with_or_without_a_dowel():
    label = RULES.goal_by_id["hinge"].label
    for equipment, hinge in (((), "hip_hinge_bodyweight"), (("dowel",), "hip_hinge_dowel")):
        r = build(patterns=("anterior_tilt",), goals=("hinge",), equipment=equipment,
                  minutes=RULES.session.minutes_min)
        item = next(it for it in r.items if it.id == hinge)
        assert any(f"Your goal → {label}" in reason.text for reason in item.reasons), equipment
        assert "abdominal_brace" in ids(r)
        assert r.total_minutes <= RULES.session.minutes_min


def test_an_exercise_appears_once_per_routine():
    """My routine keys each card by its exercise (rt_card_<profile>_<exercise>): a routine never
    lists one exercise twice, whatever the answers."""
    rules = LIB.routine
    patterns = [(), *[(p.id,) for p in LIB.patterns], ("anterior_tilt", "lateral_tilt")]
    goals = [g.id for g in rules.goals]
    every_fault = tuple(f.id for f in LIB.faults)
    built = 0
    for pats, k in itertools.product(patterns, range(len(goals) + 1)):
        for chosen in itertools.combinations(goals, k):
            for minutes in (rules.session.minutes_min, rules.session.minutes_default, rules.session.minutes_max):
                for faults, pain in (((), 0), (every_fault, 7)):
                    try:
                        routine = build_routine(LIB, RoutineInputs(goals=chosen, minutes=minutes, pain=pain,
                                                                   patterns=pats, faults=faults))
                    except RoutineInputError:
                        continue
                    ids = [it.id for it in routine.items]
                    assert len(ids) == len(set(ids)), (pats, chosen, minutes, ids)
                    built += 1
    assert built > 200
