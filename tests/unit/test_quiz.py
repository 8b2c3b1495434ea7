"""Posture-quiz scoring: each pattern, mixed answers, all "not sure"."""

import pytest

from backcheck.content import load_library
from backcheck.quiz import NOT_SURE, QuizResult, score_quiz

LIB = load_library()
PATTERNS = [p.id for p in LIB.patterns]
NEUTRAL = {
    "mirror_pelvis": "neutral", "mirror_low_back": "gentle", "mirror_upper_back": "upright", "hip_height": "level",
    "hip_flexor_tight": "some_stretch", "bridge_cramp": "fine", "hamstring_length": "near_vertical",
    "plank_sag": "steady", "side_steady": "similar", "pain_position": "no_pattern", "hinge_pelvis": "stays",
}


def score(**changes):
    return score_quiz(LIB.quiz, {**NEUTRAL, **changes}, PATTERNS)


def test_neutral_answers_give_no_clear_pattern():
    r = score()
    assert r.verdict == "none" and r.leading == [] and r.answered == len(NEUTRAL)


def test_anterior_tilt():
    r = score(mirror_pelvis="stick_out", mirror_low_back="deep_arch", hip_flexor_tight="very_tight", bridge_cramp="cramp")
    assert r.verdict == "clear" and r.leading == ["anterior_tilt"]
    s = r.score("anterior_tilt")
    assert s.points == 9 and s.strength == "strong"
    assert {c.question_id for c in s.contributions} == {"mirror_pelvis", "mirror_low_back", "hip_flexor_tight", "bridge_cramp"}


def test_posterior_tilt():
    r = score(mirror_pelvis="tucked", mirror_low_back="flat", mirror_upper_back="rounded", hamstring_length="short")
    assert r.verdict == "clear" and r.leading == ["posterior_tilt"]


def test_one_hip_higher():
    r = score(hip_height="clearly_higher", side_steady="one_weaker")
    assert r.leading == ["lateral_tilt"] and r.score("lateral_tilt").strength == "strong"


def test_weak_evidence_does_not_lead():
    r = score(hip_height="slightly_higher")
    assert r.verdict == "none" and r.score("lateral_tilt").strength == "weak"


def test_anterior_plus_one_hip_higher_is_mixed_not_conflicting():
    r = score(mirror_pelvis="stick_out", mirror_low_back="deep_arch", hip_height="clearly_higher", side_steady="one_weaker")
    assert r.verdict == "mixed" and set(r.leading) == {"anterior_tilt", "lateral_tilt"} and not r.conflicting


def test_opposite_tilts_are_mixed_and_conflicting():
    r = score(mirror_pelvis="stick_out", mirror_low_back="deep_arch", hip_flexor_tight="very_tight",
              mirror_upper_back="rounded", hamstring_length="short", hinge_pelvis="rounds", pain_position="rounding")
    assert r.verdict == "mixed" and r.conflicting
    assert set(r.leading) == {"anterior_tilt", "posterior_tilt"}


def test_all_not_sure_is_too_few():
    r = score_quiz(LIB.quiz, {q.id: NOT_SURE for q in LIB.quiz.questions}, PATTERNS)
    assert r.verdict == "too_few" and r.answered == 0 and r.leading == []
    assert all(s.points == 0 for s in r.scores)


def test_missing_answers_count_as_not_sure():
    assert score_quiz(LIB.quiz, {}, PATTERNS).verdict == "too_few"


def test_unknown_question_or_option_is_rejected():
    with pytest.raises(ValueError, match="unknown question"):
        score_quiz(LIB.quiz, {"nope": "x"}, PATTERNS)
    with pytest.raises(ValueError, match="has no option"):
        score_quiz(LIB.quiz, {"mirror_pelvis": "sideways"}, PATTERNS)


def test_result_round_trips_through_a_dict():
    r = score(mirror_pelvis="stick_out", mirror_low_back="deep_arch", hip_flexor_tight="very_tight")
    assert QuizResult.from_dict(r.to_dict()) == r


def test_shares_are_points_over_possible():
    r = score(mirror_pelvis="stick_out")
    s = r.score("anterior_tilt")
    assert s.possible > 0 and s.share == round(3 / s.possible, 3)
