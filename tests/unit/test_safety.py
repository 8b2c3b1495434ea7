"""Red flags: every flag at its urgency, the three headlines, old saved checks, the exercise gate."""

import shutil

import pytest
import yaml

from backcheck.content import CONTENT_DIR, ContentError, load_library
from backcheck.safety import SafetyCheck, evaluate_safety, exercise_gate, read_saved

LIB = load_library()
SAFETY = LIB.safety
ALL_NO = {f.id: False for f in SAFETY.flags}

# The urgency every warning sign must have (NHS back pain guidance, NICE NG59, issue 8).
EXPECTED = {
    "bladder_bowel": "emergency",
    "saddle_numbness": "emergency",
    "sexual_function": "emergency",
    "both_legs_nerve": "emergency",
    "sciatica_both_legs": "emergency",
    "serious_accident": "emergency",
    "chest_pain": "emergency",
    "one_leg_weakness": "urgent",
    "fever": "urgent",
    "weight_loss": "urgent",
    "night_pain": "urgent",
    "cough_sneeze_strain": "urgent",
    "back_lump": "urgent",
    "thoracic_pain": "urgent",
    "cancer_history": "soon",
    "infection_risk": "soon",
    "steroids_osteoporosis": "soon",
    "morning_stiffness": "soon",
    "wakes_second_half_night": "soon",
}
PAIRED = {"first_back_pain", "age_under_20_over_50"}  # count only together


def test_every_flag_has_the_expected_urgency_and_nothing_is_missing():
    assert {f.id: f.urgency for f in SAFETY.flags if f.id not in PAIRED} == EXPECTED
    assert {f.id for f in SAFETY.flags} == set(EXPECTED) | PAIRED


def test_all_no_is_clear():
    r = evaluate_safety(SAFETY, ALL_NO)
    assert r.level == "clear" and r.flagged == [] and not r.blocks_exercise and not r.warning_signs
    # the routine (like every exercise screen) opens through the one gate
    assert exercise_gate(SAFETY, SafetyCheck.of(r, ALL_NO)).allowed


@pytest.mark.parametrize("flag, level", sorted(EXPECTED.items()))
def test_each_flag_alone_gives_its_own_level(flag, level):
    r = evaluate_safety(SAFETY, {**ALL_NO, flag: True})
    assert r.level == level and r.flagged == [flag] and r.blocks_exercise
    assert r.lines[0].question == SAFETY.flag_by_id[flag].question


def test_both_legs_is_an_emergency_not_a_gp_visit():
    for fid in ("both_legs_nerve", "sciatica_both_legs"):
        assert evaluate_safety(SAFETY, {**ALL_NO, fid: True}).level == "emergency"
    assert "999" in SAFETY.levels["emergency"].headline and "A&E" in SAFETY.levels["emergency"].headline


def test_fever_weight_loss_and_night_pain_are_same_day_not_within_days():
    for fid in ("fever", "weight_loss", "night_pain"):
        assert evaluate_safety(SAFETY, {**ALL_NO, fid: True}).level == "urgent"
    headline = SAFETY.levels["urgent"].headline
    assert "today" in headline and "111" in headline and "urgent" in headline


def test_three_levels_each_have_their_own_headline():
    headlines = [SAFETY.levels[lv].headline for lv in ("emergency", "urgent", "soon")]
    assert len(set(headlines)) == 3
    assert "within the next few days" in SAFETY.levels["soon"].headline


def test_most_urgent_wins_and_is_listed_first():
    r = evaluate_safety(SAFETY, {**ALL_NO, "cancer_history": True, "fever": True, "saddle_numbness": True})
    assert r.level == "emergency"
    assert r.flagged == ["saddle_numbness", "fever", "cancer_history"]
    r = evaluate_safety(SAFETY, {**ALL_NO, "cancer_history": True, "night_pain": True})
    assert r.level == "urgent" and r.flagged == ["night_pain", "cancer_history"]


def test_age_and_first_episode_are_two_honest_questions_that_count_only_together():
    assert evaluate_safety(SAFETY, {**ALL_NO, "age_under_20_over_50": True}).level == "clear"
    assert evaluate_safety(SAFETY, {**ALL_NO, "first_back_pain": True}).level == "clear"
    both = evaluate_safety(SAFETY, {**ALL_NO, "age_under_20_over_50": True, "first_back_pain": True})
    assert both.level == "soon" and set(both.flagged) == PAIRED
    for f in SAFETY.flags:  # no question asks "X, and Y" any more
        assert ", and are you" not in f.question and "new, and" not in f.question


def test_inflammatory_back_pain_cites_nice_and_mentions_spondyloarthritis():
    for fid in ("morning_stiffness", "wakes_second_half_night"):
        f = SAFETY.flag_by_id[fid]
        assert f.source == "nice_ng59" and "spondyloarthritis" in f.advice
    assert "30 minutes" in SAFETY.flag_by_id["morning_stiffness"].question
    assert "second half of the night" in SAFETY.flag_by_id["wakes_second_half_night"].question


def test_unanswered_or_unknown_is_rejected():
    with pytest.raises(ValueError, match="unanswered"):
        evaluate_safety(SAFETY, {**ALL_NO, "fever": None})
    with pytest.raises(ValueError, match="unknown"):
        evaluate_safety(SAFETY, {**ALL_NO, "bogus": True})


# --------------------------------------------------------------------------- saved checks, old and new


def test_an_old_soon_check_with_retired_flags_reads_at_todays_level_without_crashing():
    old = SafetyCheck("soon", ["fever_unwell", "age_new_pain"], {"fever_unwell": True, "age_new_pain": True})
    r = read_saved(SAFETY, old)
    assert r.level == "urgent"  # a fever is same-day now
    assert [ln.id for ln in r.lines] == ["fever_unwell", "age_new_pain"] and all(ln.retired for ln in r.lines)
    assert r.outdated and r.blocks_exercise


def test_an_old_check_with_a_flag_nobody_knows_still_blocks():
    r = read_saved(SAFETY, SafetyCheck("soon", ["made_up_flag"], {}))
    assert r.level == "soon" and "made_up_flag" in r.lines[0].question and r.blocks_exercise
    r = read_saved(SAFETY, SafetyCheck("weird", None, None))
    assert r.level == "soon"


def test_current_flags_in_a_saved_check_are_read_at_todays_urgency():
    r = read_saved(SAFETY, SafetyCheck("soon", ["night_pain"], {**ALL_NO, "night_pain": True}))
    assert r.level == "urgent" and r.flagged == ["night_pain"] and not r.outdated


def test_gate_no_check_red_flag_outdated_and_clear():
    assert exercise_gate(SAFETY, None).reason == "no_check" and not exercise_gate(SAFETY, None).allowed
    red = exercise_gate(SAFETY, SafetyCheck("emergency", ["both_legs_nerve"], ALL_NO))
    assert red.reason == "red_flag" and not red.allowed and red.result.level == "emergency"
    old_clear = SafetyCheck("clear", [], {"saddle_bladder_bowel": False})
    assert exercise_gate(SAFETY, old_clear).reason == "outdated"
    assert exercise_gate(SAFETY, SafetyCheck("clear", [], ALL_NO)).allowed


def test_a_flag_requiring_an_unknown_question_fails_loudly(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    path = target / "safety.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["flags"][0]["requires"] = ["nope"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"safety\.yaml.*requires.*nope"):
        load_library(target)
