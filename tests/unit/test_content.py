"""Content library: everything loads, every cross-reference resolves, broken files fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from backcheck.content import CONTENT_DIR, ContentError, load_library

LIB = load_library()
SEED_FILES = {
    "000_dc582490cd2599ec.txt", "001_173b928136b05cbf.txt", "002_dc70ed090b9a3b32.txt",
    "003_8a7261f12f81f5aa.txt", "004_906e3745174f04a5.txt",
}


def test_all_five_articles_are_listed_as_sources():
    assert SEED_FILES <= set(LIB.source_by_id)


def test_every_item_names_an_existing_source():
    cited = [e.source for e in LIB.exercises] + [q.source for q in LIB.quiz.questions]
    cited += [s for p in LIB.patterns for s in p.sources] + [f.source for f in LIB.safety.flags]
    assert cited and all(s in LIB.source_by_id for s in cited)


def test_pattern_exercises_exist_and_respect_their_avoid_rules():
    for p in LIB.patterns:
        for group in p.strengthen + p.stretch:
            for ex_id in group.exercises:
                ex = LIB.exercise_by_id[ex_id]
                assert not any(a.kind == ex.kind and a.muscle in ex.trains for a in p.avoid), (p.id, ex_id)


def test_lordosis_strengthens_glutes_abs_hamstrings_and_stretches_low_back_and_hip_flexors():
    p = LIB.pattern_by_id["anterior_tilt"]
    assert {g.muscle for g in p.strengthen} == {"glute_medius", "glute_maximus", "abdominals", "hamstrings"}
    assert {g.muscle for g in p.stretch} == {"lower_back", "hip_flexors"}
    assert ("strengthen", "lower_back") in {(a.kind, a.muscle) for a in p.avoid}


def test_kyphosis_strengthens_low_back_and_hip_flexors():
    p = LIB.pattern_by_id["posterior_tilt"]
    assert {g.muscle for g in p.strengthen} == {"lower_back", "hip_flexors"}
    assert {g.muscle for g in p.stretch} == {"hamstrings", "glutes", "abdominals"}


def test_article_doses_are_carried_over():
    ex = LIB.exercise_by_id
    assert ex["supine_pigeon_prep"].dose.hold_seconds == 30 and ex["supine_pigeon_prep"].dose.per_side
    assert ex["clam"].dose.reps == 20 and ex["clam"].dose.per_side and "band" in ex["clam"].optional_equipment
    assert ex["childs_pose"].dose.breaths == 10 and ex["childs_pose"].dose.from_article


def test_quiz_has_8_to_15_questions_and_every_pattern_can_get_evidence():
    assert 8 <= len(LIB.quiz.questions) <= 15
    reachable = {p for q in LIB.quiz.questions for o in q.options for p in o.evidence}
    assert reachable == set(LIB.pattern_by_id)


# ----------------------------------------------------------------- broken content


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def test_missing_field_names_file_item_and_field(content_copy):
    edit(content_copy, "exercises.yaml", lambda d: d["exercises"][1].pop("cues"))
    with pytest.raises(ContentError) as err:
        load_library(content_copy)
    msg = str(err.value)
    second = yaml.safe_load((CONTENT_DIR / "exercises.yaml").read_text())["exercises"][1]["id"]
    assert "exercises.yaml" in msg and f"item '{second}'" in msg and "field 'cues'" in msg


def test_unknown_exercise_id_in_a_pattern_fails(content_copy):
    edit(content_copy, "patterns.yaml", lambda d: d["patterns"][0]["stretch"][0]["exercises"].append("no_such_move"))
    with pytest.raises(ContentError, match=r"patterns.yaml: item 'anterior_tilt'.*unknown exercise id 'no_such_move'"):
        load_library(content_copy)


def test_duplicate_id_fails(content_copy):
    edit(content_copy, "exercises.yaml", lambda d: d["exercises"].append(dict(d["exercises"][0])))
    first = yaml.safe_load((CONTENT_DIR / "exercises.yaml").read_text())["exercises"][0]["id"]
    with pytest.raises(ContentError, match=rf"exercises.yaml: item '{first}', field 'id'.*used twice"):
        load_library(content_copy)


def test_unknown_source_fails(content_copy):
    edit(content_copy, "exercises.yaml", lambda d: d["exercises"][0].update(source="999_missing.txt"))
    with pytest.raises(ContentError, match=r"field 'source': unknown source '999_missing.txt'"):
        load_library(content_copy)


def test_recommending_an_avoided_exercise_fails(content_copy):
    edit(content_copy, "patterns.yaml", lambda d: d["patterns"][0]["strengthen"][0]["exercises"].append("superman"))
    with pytest.raises(ContentError, match=r"'superman' is recommended but .* avoid"):
        load_library(content_copy)


def test_invalid_yaml_names_the_line(content_copy):
    (content_copy / "quiz.yaml").write_text("scoring: [unclosed\n")
    with pytest.raises(ContentError, match=r"quiz.yaml: not valid YAML \(line \d+"):
        load_library(content_copy)


def test_missing_file_is_named(content_copy):
    (content_copy / "safety.yaml").unlink()
    with pytest.raises(ContentError, match=r"safety.yaml: the file is missing"):
        load_library(content_copy)


def test_nested_field_error_names_the_question(content_copy):
    edit(content_copy, "quiz.yaml", lambda d: d["questions"][0]["options"][0]["evidence"].update(anterior_tilt=9))
    with pytest.raises(ContentError, match=r"quiz.yaml: item 'mirror_pelvis', field 'options.stick_out.evidence'"):
        load_library(content_copy)
