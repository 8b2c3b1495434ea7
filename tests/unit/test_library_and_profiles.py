"""Exercise-library filtering and the foundation's storage (profiles, safety, quiz)."""

import pytest

from backcheck.content import load_library
from backcheck.library import filter_exercises
from backcheck.storage import DEFAULT_PROFILE, ProfileError, Store, StorageError
from backcheck.quiz import QuizRecord
from backcheck.safety import SafetyCheck

LIB = load_library()


def test_filter_by_kind_muscle_equipment_and_words():
    stretches = filter_exercises(LIB, kind="stretch")
    assert stretches and all(e.kind == "stretch" for e in stretches)
    hip = filter_exercises(LIB, trains=["hip_flexors"], kind="stretch")
    assert {"deep_lunge_stretch", "spiderman_stretch", "table_stretch"} <= {e.id for e in hip}
    bare = filter_exercises(LIB, equipment="none")
    assert bare and all(not e.equipment for e in bare)
    band = filter_exercises(LIB, equipment="band")
    assert "clam" in {e.id for e in band}  # optional equipment counts
    assert [e.id for e in filter_exercises(LIB, query="pigeon prep")] == ["supine_pigeon_prep"]
    assert filter_exercises(LIB, query="zzzz") == []


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path}/t.db")


def test_new_store_has_default_profile_and_version(store):
    assert [p.name for p in store.profiles.list()] == [DEFAULT_PROFILE]
    assert store.schema_version() >= 1


def test_profile_names_are_cleaned_and_unique_ignoring_case(store):
    p = store.profiles.create("  Anna   B ")
    assert p.name == "Anna B"
    with pytest.raises(ProfileError, match="already exists"):
        store.profiles.create("anna b")
    with pytest.raises(ProfileError, match="name"):
        store.profiles.create("   ")
    with pytest.raises(ProfileError, match="at most"):
        store.profiles.create("x" * 41)


def test_last_profile_cannot_be_deleted(store):
    only = store.profiles.list()[0]
    with pytest.raises(ProfileError):
        store.profiles.delete(only.id)
    assert store.profiles.list() == [only]


def test_safety_and_quiz_rows_belong_to_their_profile(store):
    me = store.profiles.list()[0]
    other = store.profiles.create("Other")
    store.safety.add(me.id, SafetyCheck("soon", ["night_pain"], {"night_pain": True}))
    store.quiz.add(other.id, QuizRecord("none", [], {"a": "b"}, {"verdict": "none", "leading": []}))
    assert store.safety.latest(me.id).flags == ["night_pain"]
    assert store.safety.latest(other.id) is None
    assert store.quiz.latest(me.id) is None
    store.profiles.delete(other.id)
    assert store.quiz.history(other.id) == []
    assert store.safety.latest(me.id) is not None


def test_data_survives_reopening(tmp_path):
    url = f"sqlite:///{tmp_path}/t.db"
    s1 = Store(url)
    pid = s1.profiles.list()[0].id
    s1.safety.add(pid, SafetyCheck("clear", [], {}))
    assert Store(url).safety.latest(pid).level == "clear"


def test_unwritable_location_gives_a_plain_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="Could not open the BackCheck database"):
        Store(f"sqlite:///{blocker}/sub/t.db")
