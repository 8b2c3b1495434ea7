"""Form check core: fault content, building a check, grouping, comparison and saved history."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest
import yaml

from backcheck.content import CONTENT_DIR, ContentError, Fault, load_library
from backcheck.form_check import (
    FormCheckError,
    advice_for,
    build_check,
    checked_movements,
    compare,
    describe,
    group_faults,
    history_frame,
    ticked_ids,
)
from backcheck.storage import Store
from backcheck.form_check import FormCheckRecord

LIB = load_library()


# --------------------------------------------------------------------------- content


def test_every_movement_has_faults_and_the_ids_are_unique():
    faults = list(LIB.faults)  # iterating the container gives the faults
    assert faults and all(isinstance(f, Fault) for f in faults)
    assert len({f.id for f in faults}) == len(faults)
    assert set(LIB.fault_by_id) == {f.id for f in faults}
    per_movement = {m: [f.id for f in faults if f.movement == m] for m in ("hinge", "squat", "handstand")}
    assert len(per_movement["hinge"]) == 4
    assert len(per_movement["squat"]) == 3
    assert len(per_movement["handstand"]) == 6


def test_every_fault_is_complete_and_points_at_real_content():
    for f in LIB.faults:
        assert f.how_to_check and f.why and f.cue, f.id
        assert f.drills and all(d in LIB.exercise_by_id for d in f.drills), f.id
        assert f.group in LIB.faults.group_by_id, f.id
        assert LIB.source_by_id[f.source].kind == "article", f.id


def test_faults_name_the_article_they_come_from():
    source = {f.movement: {x.source[:3] for x in LIB.faults if x.movement == f.movement} for f in LIB.faults}
    assert source == {"hinge": {"004"}, "squat": {"003"}, "handstand": {"000"}}


def test_dowel_check_is_explained_once_and_used_by_hinge_faults():
    with_check = [m for m in LIB.faults.movements if m.self_check is not None]
    assert [m.id for m in with_check] == ["hinge"]
    assert with_check[0].self_check.method == "dowel"
    dowel_faults = [f.id for f in LIB.faults if f.check_with == "dowel"]
    assert dowel_faults and all(LIB.fault_by_id[i].movement == "hinge" for i in dowel_faults)


def test_handstand_puts_seeing_a_physiotherapist_first():
    handstand = LIB.faults.movement_by_id["handstand"]
    assert handstand.advice[0].kind == "professional"
    assert "physiotherapist" in handstand.advice[0].text.lower()


def _broken_copy(tmp_path, change):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    data = yaml.safe_load((folder / "faults.yaml").read_text(encoding="utf-8"))
    change(data)
    (folder / "faults.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["faults"][0].update(drills=["no_such_drill"]), "unknown exercise id 'no_such_drill'"),
        (lambda d: d["faults"][0].update(group="nowhere"), "unknown group 'nowhere'"),
        (lambda d: d["faults"][0].update(source="999_missing.txt"), "unknown source '999_missing.txt'"),
        (lambda d: d["faults"][1].update(id=d["faults"][0]["id"]), "is used twice"),
        (lambda d: d["movements"][0].pop("self_check"), "does not explain one"),
        (lambda d: d["faults"][0].update(movement="deadlift"), "field 'movement'"),
        (lambda d: d["faults"][0].pop("cue"), "field 'cue'"),
        (lambda d: d["groups"].append({"id": "unused", "name": "Unused", "explanation": "x", "focus": "y",
                                           "sources": ["backcheck"]}),
         "group 'unused': no fault belongs to it"),
    ],
)
def test_broken_faults_file_fails_loudly_with_file_item_and_field(tmp_path, change, expected):
    folder = _broken_copy(tmp_path, change)
    with pytest.raises(ContentError) as err:
        load_library(folder)
    assert "faults.yaml" in str(err.value)
    assert expected in str(err.value)


# --------------------------------------------------------------------------- building and reading a check


def test_build_check_orders_by_checklist_and_keeps_checked_movements_only():
    faults = build_check(LIB, ["squat_no_brace", "hinge_too_low", "hinge_pelvis_tips_forward", "hinge_too_low"],
                         skipped=["handstand"])
    assert faults == {
        "hinge": ["hinge_pelvis_tips_forward", "hinge_too_low"],
        "squat": ["squat_no_brace"],
    }


def test_build_check_with_nothing_ticked_records_checked_movements():
    assert build_check(LIB, []) == {"hinge": [], "squat": [], "handstand": []}


def test_build_check_refuses_bad_input():
    with pytest.raises(FormCheckError, match="Unknown fault"):
        build_check(LIB, ["not_a_fault"])
    with pytest.raises(FormCheckError, match="marked as not checked"):
        build_check(LIB, ["handstand_banana_back"], skipped=["handstand"])
    with pytest.raises(FormCheckError, match="at least one movement"):
        build_check(LIB, [], skipped=["hinge", "squat", "handstand"])
    with pytest.raises(FormCheckError, match="Unknown movement"):
        build_check(LIB, [], skipped=["deadlift"])


def test_ticked_ids_reads_every_shape_and_none():
    assert ticked_ids(None) == []
    assert ticked_ids(FormCheckRecord({"hinge": ["a", "b"], "squat": [], "handstand": ["c", "a"]})) == ["a", "b", "c"]
    assert ticked_ids(FormCheckRecord(["x", "y"])) == ["x", "y"]
    assert ticked_ids(FormCheckRecord("garbage")) == []
    assert ticked_ids(FormCheckRecord({"hinge": "garbage", "squat": ["s"]})) == ["s"]
    assert checked_movements(FormCheckRecord({"hinge": [], "squat": ["s"]})) == ["hinge", "squat"]
    assert checked_movements(None) == []


# --------------------------------------------------------------------------- grouping


def test_group_faults_puts_the_biggest_group_first_and_merges_drills():
    ids = ["hinge_pelvis_tips_forward", "squat_no_brace", "handstand_core_not_braced", "hinge_bends_forward"]
    groups = group_faults(LIB, ids)
    assert [g.group.id for g in groups] == ["brace", "hip_drive"]
    brace = groups[0]
    assert [f.id for f in brace.faults] == ["hinge_pelvis_tips_forward", "squat_no_brace", "handstand_core_not_braced"]
    # no drill twice; the drill most of these faults share comes first
    assert len(brace.drills) == len(set(brace.drills))
    shared = {d: sum(d in f.drills for f in brace.faults) for d in brace.drills}
    assert shared[brace.drills[0]] == max(shared.values())
    assert set(brace.drills) == {d for f in brace.faults for d in f.drills}


def test_group_faults_ties_follow_content_order_and_ignore_unknown_ids():
    groups = group_faults(LIB, ["handstand_cold_wrists", "hinge_too_low", "renamed_long_ago"])
    order = [g.id for g in LIB.faults.groups]
    assert [g.group.id for g in groups] == sorted(["warm_up", "range"], key=order.index)
    assert group_faults(LIB, []) == []


def test_advice_for_ticked_movements_puts_professionals_first():
    pairs = advice_for(LIB, ["hinge_too_low", "handstand_banana_back"])
    kinds = [a.kind for _m, a in pairs]
    assert kinds == sorted(kinds, key=lambda k: k != "professional")
    assert {m.id for m, _a in pairs} == {"hinge", "handstand"}
    assert advice_for(LIB, []) == []


def test_describe_for_home():
    assert describe(LIB, None) == "not done yet"
    assert describe(LIB, FormCheckRecord({"hinge": []})) == "no faults ticked"
    text = describe(LIB, FormCheckRecord({"hinge": ["hinge_pelvis_tips_forward", "hinge_mid_back_arches"]}))
    assert text == "2 faults to work on (Brace)"


# --------------------------------------------------------------------------- comparison


def test_compare_says_what_cleared_what_is_new_and_what_remains():
    previous = FormCheckRecord({"hinge": ["hinge_pelvis_tips_forward", "hinge_too_low"], "squat": ["squat_butt_wink"],
                               "handstand": ["handstand_banana_back"]})
    latest = FormCheckRecord({"hinge": ["hinge_too_low", "hinge_bends_forward"], "squat": []})
    comp = compare(LIB, latest, previous)
    assert comp.cleared == ["hinge_pelvis_tips_forward", "squat_butt_wink"]
    assert comp.new == ["hinge_bends_forward"]
    assert comp.remains == ["hinge_too_low"]
    assert comp.not_rechecked == ["handstand_banana_back"]  # handstand skipped this time: not "cleared"
    frame = comp.frame(LIB, "Before", "Now")
    assert list(frame.columns) == ["Movement", "Fault", "Before", "Now", "Change"]
    row = frame[frame["Fault"] == LIB.fault_by_id["handstand_banana_back"].name].iloc[0]
    assert (row["Before"], row["Now"], row["Change"]) == ("Ticked", "Not checked", "Not checked this time")
    assert len(frame) == 5


def test_compare_fault_in_a_movement_skipped_before_counts_as_new():
    previous = FormCheckRecord({"hinge": []})
    latest = FormCheckRecord({"hinge": [], "squat": ["squat_no_brace"]})
    comp = compare(LIB, latest, previous)
    assert comp.new == ["squat_no_brace"]
    assert comp.changes[0].before == "not_checked"


def test_compare_two_clean_checks_has_no_changes():
    clean = FormCheckRecord({"hinge": [], "squat": [], "handstand": []})
    comp = compare(LIB, clean, clean)
    assert comp.changes == [] and comp.frame(LIB).empty


# --------------------------------------------------------------------------- storage


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path}/x.db")


def test_saved_history_is_newest_first_and_per_profile(store):
    me = store.profiles.list()[0].id
    other = store.profiles.create("Patient B").id
    t0 = datetime(2025, 3, 1, 9, 0)
    store.form_checks.add(me, FormCheckRecord(build_check(LIB, ["hinge_too_low"]), taken_at=t0))
    store.form_checks.add(me, FormCheckRecord(build_check(LIB, [], skipped=["handstand"]), taken_at=t0 + timedelta(days=14)))
    store.form_checks.add(other, FormCheckRecord(build_check(LIB, ["handstand_cold_wrists"]), taken_at=t0 + timedelta(days=1)))

    history = store.form_checks.history(me)
    assert [h.taken_at for h in history] == [t0 + timedelta(days=14), t0]
    assert history[0].faults == {"hinge": [], "squat": []}
    assert ticked_ids(history[1]) == ["hinge_too_low"]
    latest = store.form_checks.latest(me)
    assert latest.taken_at == t0 + timedelta(days=14) and ticked_ids(latest) == []
    assert ticked_ids(store.form_checks.latest(other)) == ["handstand_cold_wrists"]
    assert compare(LIB, history[0], history[1]).cleared == ["hinge_too_low"]
    assert store.profiles.progress(me).form == t0 + timedelta(days=14)

    frame = history_frame(LIB, history, lambda d: d.strftime("%Y-%m-%d"))
    assert frame["Checked"].tolist() == ["2025-03-15", "2025-03-01"]
    assert frame["Faults ticked"].tolist() == [0, 1]


def test_no_check_yet(store):
    pid = store.profiles.list()[0].id
    assert store.form_checks.latest(pid) is None
    assert store.form_checks.history(pid) == []
    assert ticked_ids(store.form_checks.latest(pid)) == []


@pytest.mark.parametrize("bad", [["hinge_too_low"], {"hinge": "hinge_too_low"}, {"hinge": [1]}, {}])
def test_bad_shape_is_refused_and_nothing_is_written(store, bad):
    pid = store.profiles.list()[0].id
    with pytest.raises(ValueError, match="Nothing was saved"):
        store.form_checks.add(pid, FormCheckRecord(bad))
    assert store.form_checks.history(pid) == []


def test_deleting_a_profile_deletes_its_checks(store):
    keep = store.profiles.list()[0].id
    gone = store.profiles.create("Temp").id
    store.form_checks.add(gone, FormCheckRecord(build_check(LIB, ["squat_butt_wink"])))
    store.profiles.delete(gone)
    assert store.form_checks.history(gone) == []
    assert store.form_checks.history(keep) == []
