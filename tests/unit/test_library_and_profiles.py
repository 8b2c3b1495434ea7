"""Exercise-library filtering and the foundation's storage (profiles, safety, quiz)."""

import pytest

from backcheck.content import load_library
from backcheck.library import filter_exercises
from backcheck.storage import DEFAULT_PROFILE, ProfileError, Store, StorageError

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
    assert [p.name for p in store.list_profiles()] == [DEFAULT_PROFILE]
    assert store.schema_version() >= 1


def test_profile_names_are_cleaned_and_unique_ignoring_case(store):
    p = store.create_profile("  Anna   B ")
    assert p.name == "Anna B"
    with pytest.raises(ProfileError, match="already exists"):
        store.create_profile("anna b")
    with pytest.raises(ProfileError, match="name"):
        store.create_profile("   ")
    with pytest.raises(ProfileError, match="at most"):
        store.create_profile("x" * 41)


def test_last_profile_cannot_be_deleted(store):
    only = store.list_profiles()[0]
    with pytest.raises(ProfileError):
        store.delete_profile(only.id)
    assert store.list_profiles() == [only]


def test_safety_and_quiz_rows_belong_to_their_profile(store):
    me = store.list_profiles()[0]
    other = store.create_profile("Other")
    store.save_safety_check(me.id, "soon", ["night_pain"], {"night_pain": True})
    store.save_quiz_result(other.id, {"a": "b"}, {"verdict": "none", "leading": []})
    assert store.latest_safety_check(me.id)["flags"] == ["night_pain"]
    assert store.latest_safety_check(other.id) is None
    assert store.latest_quiz_result(me.id) is None
    store.delete_profile(other.id)
    assert store.quiz_history(other.id) == []
    assert store.latest_safety_check(me.id) is not None


def test_data_survives_reopening(tmp_path):
    url = f"sqlite:///{tmp_path}/t.db"
    s1 = Store(url)
    pid = s1.list_profiles()[0].id
    s1.save_safety_check(pid, "clear", [], {})
    assert Store(url).latest_safety_check(pid)["level"] == "clear"


def test_unwritable_location_gives_a_plain_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="Could not open the BackCheck database"):
        Store(f"sqlite:///{blocker}/sub/t.db")
