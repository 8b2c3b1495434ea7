import pytest

from backcheck.content import load_library
from backcheck.safety import evaluate_safety

SAFETY = load_library().safety
ALL_NO = {f.id: False for f in SAFETY.flags}


def test_all_no_is_clear():
    r = evaluate_safety(SAFETY, ALL_NO)
    assert r.level == "clear" and r.flagged == [] and not r.blocks_routine


def test_cauda_equina_sign_is_emergency_and_listed_first():
    r = evaluate_safety(SAFETY, {**ALL_NO, "night_pain": True, "saddle_bladder_bowel": True})
    assert r.level == "emergency" and r.flagged == ["saddle_bladder_bowel", "night_pain"] and r.blocks_routine


@pytest.mark.parametrize("flag", [f.id for f in SAFETY.flags if f.urgency == "soon"])
def test_each_other_flag_means_see_a_doctor_soon(flag):
    r = evaluate_safety(SAFETY, {**ALL_NO, flag: True})
    assert r.level == "soon" and r.flagged == [flag]


def test_unanswered_or_unknown_is_rejected():
    with pytest.raises(ValueError, match="unanswered"):
        evaluate_safety(SAFETY, {**ALL_NO, "fever_unwell": None})
    with pytest.raises(ValueError, match="unknown"):
        evaluate_safety(SAFETY, {**ALL_NO, "bogus": True})
