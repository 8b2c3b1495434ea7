"""Storage: pain-log round trips, profile isolation, demo data, sessions, and schema migrations."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect

from alembic import op

from backcheck import migrations, storage
from backcheck.content import load_library
from backcheck.demo import DEMO_NAME, demo_data
from backcheck.storage import DEFAULT_PROFILE, SCHEMA_VERSION, Store, StorageError

LIB = load_library()
T0 = datetime(2025, 3, 3, 8, 30)

# The schema as BackCheck 1 (schema version 1) created it, written out by hand so the
# migration test does not depend on today's table definitions.
V1_DDL = """
CREATE TABLE profiles (id INTEGER NOT NULL, name VARCHAR(40) NOT NULL, is_demo BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (name));
CREATE TABLE meta ("key" VARCHAR(40) NOT NULL, value VARCHAR(200) NOT NULL, PRIMARY KEY ("key"));
CREATE TABLE safety_checks (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, taken_at DATETIME NOT NULL,
    level VARCHAR(16) NOT NULL, flags JSON NOT NULL, answers JSON NOT NULL, PRIMARY KEY (id),
    FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_safety_checks_profile_id ON safety_checks (profile_id);
CREATE TABLE quiz_results (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, taken_at DATETIME NOT NULL,
    verdict VARCHAR(16) NOT NULL, "leading" JSON NOT NULL, answers JSON NOT NULL, result JSON NOT NULL,
    PRIMARY KEY (id), FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_quiz_results_profile_id ON quiz_results (profile_id);
CREATE TABLE form_checks (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, taken_at DATETIME NOT NULL,
    faults JSON NOT NULL, PRIMARY KEY (id), FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_form_checks_profile_id ON form_checks (profile_id);
CREATE TABLE routine_sessions (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, done_at DATETIME NOT NULL,
    minutes INTEGER NOT NULL, inputs JSON NOT NULL, PRIMARY KEY (id),
    FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_routine_sessions_profile_id ON routine_sessions (profile_id);
CREATE TABLE pain_entries (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, recorded_at DATETIME NOT NULL,
    pain INTEGER NOT NULL, activity VARCHAR(32) NOT NULL, location VARCHAR(32) NOT NULL, notes TEXT NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_pain_entries_profile_id ON pain_entries (profile_id);
CREATE TABLE function_activities (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, name VARCHAR(60) NOT NULL,
    created_at DATETIME NOT NULL, PRIMARY KEY (id), FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE);
CREATE INDEX ix_function_activities_profile_id ON function_activities (profile_id);
CREATE TABLE function_ratings (id INTEGER NOT NULL, profile_id INTEGER NOT NULL, activity_id INTEGER NOT NULL,
    rated_at DATETIME NOT NULL, score INTEGER NOT NULL, PRIMARY KEY (id),
    FOREIGN KEY(profile_id) REFERENCES profiles (id) ON DELETE CASCADE,
    FOREIGN KEY(activity_id) REFERENCES function_activities (id) ON DELETE CASCADE);
CREATE INDEX ix_function_ratings_profile_id ON function_ratings (profile_id);
INSERT INTO meta VALUES ('schema_version', '1');
INSERT INTO profiles VALUES (1, 'Anna', FALSE, '2025-01-02 10:00:00.000000');
INSERT INTO pain_entries VALUES (1, 1, '2025-01-03 08:15:00.000000', 6, 'squat', 'lower_back', 'Old note, with comma', '2025-01-03 08:16:00.000000');
INSERT INTO safety_checks VALUES (1, 1, '2025-01-02 10:05:00.000000', 'clear', '[]', '{}');
INSERT INTO routine_sessions VALUES (1, 1, '2025-01-04 18:00:00.000000', 20, '{"goal": "squat"}');
"""


@pytest.fixture
def store(db_url) -> Store:
    """A new store, once on SQLite and once on a real PostgreSQL server (see tests/conftest.py)."""
    return Store(db_url)


def me(store: Store) -> int:
    return store.list_profiles()[0].id


def add(store: Store, pid: int, when: datetime, pain: int, activity: str = "squat", location: str = "lower_back",
        notes: str = "") -> int:
    return store.add_pain_entry(pid, when, pain, activity, location, notes)


def make_v1(path) -> None:
    con = sqlite3.connect(path)
    con.executescript(V1_DDL)
    con.commit()
    con.close()


def make_v1_postgres(url: str) -> None:
    """The same v1 database as PostgreSQL got it from SQLAlchemy: SERIAL ids, TIMESTAMP columns."""
    ddl = V1_DDL.replace("(id INTEGER NOT NULL,", "(id SERIAL NOT NULL,").replace("DATETIME", "TIMESTAMP WITHOUT TIME ZONE")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(ddl)
        for table in ("profiles", "pain_entries", "safety_checks", "routine_sessions"):  # ids were handed out
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    engine.dispose()


@pytest.fixture
def v1_url(db_url) -> str:
    """A schema-1 database with one profile's data, on SQLite and on PostgreSQL."""
    if db_url.startswith("sqlite"):
        make_v1(db_url.split("///", 1)[1])
    else:
        make_v1_postgres(db_url)
    return db_url


def break_revision(monkeypatch, revision: str) -> None:
    """Make one migration fail half-way (after it created a table), as a broken release would."""

    def broken() -> None:
        op.execute("CREATE TABLE half_done (x INTEGER)")
        op.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(migrations.script_directory().get_revision(revision).module, "upgrade", broken)


def meta_version(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT value FROM meta WHERE key='schema_version'").scalar_one()
    engine.dispose()
    return version


# --------------------------------------------------------------------------- migrations


def test_v1_database_is_migrated_keeping_data_and_a_backup(tmp_path):
    db = tmp_path / "old.db"
    make_v1(db)
    s = Store(f"sqlite:///{db}")
    assert s.schema_version() == SCHEMA_VERSION == 3
    # data kept
    anna = s.list_profiles()
    assert [p.name for p in anna] == ["Anna"]
    rows = s.pain_entries(1)
    assert len(rows) == 1 and rows[0]["notes"] == "Old note, with comma" and rows[0]["pain"] == 6
    assert rows[0]["recorded_at"] == datetime(2025, 1, 3, 8, 15)
    assert s.latest_safety_check(1)["level"] == "clear"
    assert s.routine_sessions(1)[0]["inputs"] == {"goal": "squat"}
    # the new indexes exist
    con = sqlite3.connect(db)
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    con.close()
    assert {"ix_pain_entries_profile_recorded", "ix_routine_sessions_profile_done", "ix_function_ratings_activity"} <= names
    # a copy of the old file, still at version 1, with the data
    backups = list(tmp_path.glob(f"old.before-v{SCHEMA_VERSION}.*.bak"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert con.execute("SELECT COUNT(*) FROM pain_entries").fetchone()[0] == 1
    con.close()
    # opening again changes nothing and makes no second backup
    Store(f"sqlite:///{db}")
    assert len(list(tmp_path.glob("*.bak"))) == 1


def test_new_database_is_created_at_the_current_version_without_backup(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/new.db")
    assert s.schema_version() == SCHEMA_VERSION
    assert [p.name for p in s.list_profiles()] == [DEFAULT_PROFILE]
    assert list(tmp_path.glob("*.bak")) == []
    con = sqlite3.connect(tmp_path / "new.db")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_pain_entries_profile_recorded" in names
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_failed_migration_leaves_version_and_data_alone(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    make_v1(db)

    break_revision(monkeypatch, "0002")
    with pytest.raises(StorageError, match="Nothing was changed"):
        Store(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == "1"
    assert con.execute("SELECT COUNT(*) FROM pain_entries").fetchone()[0] == 1
    assert "half_done" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert len(list(tmp_path.glob(f"old.before-v{SCHEMA_VERSION}.*.bak"))) == 1


def test_newer_database_is_refused_untouched(tmp_path):
    db = tmp_path / "future.db"
    make_v1(db)
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="newer BackCheck"):
        Store(f"sqlite:///{db}")
    assert list(tmp_path.glob("*.bak")) == []


def test_v1_database_is_migrated_on_every_engine(v1_url):
    """The same v1 -> current migration on SQLite and PostgreSQL: data kept, indexes made, ids go on."""
    s = Store(v1_url)
    assert s.schema_version() == SCHEMA_VERSION
    assert [p.name for p in s.list_profiles()] == ["Anna"]
    rows = s.pain_entries(1)
    assert [(r["pain"], r["notes"], r["recorded_at"]) for r in rows] == [(6, "Old note, with comma", datetime(2025, 1, 3, 8, 15))]
    assert s.latest_safety_check(1)["level"] == "clear"
    assert s.routine_sessions(1)[0]["inputs"] == {"goal": "squat"}
    indexes = {ix["name"] for table in ("pain_entries", "routine_sessions", "function_ratings")
               for ix in inspect(s.engine).get_indexes(table)}
    assert {"ix_pain_entries_profile_recorded", "ix_routine_sessions_profile_done", "ix_function_ratings_activity"} <= indexes
    # new rows get fresh ids after the old ones
    assert add(s, 1, T0, 3) == 2
    assert s.create_profile("Ben").id == 2
    # opening again changes nothing
    assert Store(v1_url).schema_version() == SCHEMA_VERSION and len(s.pain_entries(1)) == 2


def test_failed_migration_rolls_back_on_every_engine(v1_url, monkeypatch):
    break_revision(monkeypatch, "0002")
    with pytest.raises(StorageError, match="Nothing was changed"):
        Store(v1_url)
    assert meta_version(v1_url) == "1"
    engine = create_engine(v1_url)
    assert "half_done" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM pain_entries").scalar_one() == 1
    engine.dispose()


def test_newer_database_is_refused_on_every_engine(v1_url):
    engine = create_engine(v1_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE meta SET value='99' WHERE key='schema_version'")
    engine.dispose()
    with pytest.raises(StorageError, match="newer BackCheck"):
        Store(v1_url)
    assert meta_version(v1_url) == "99"


# --------------------------------------------------------------------------- pain entries


def test_pain_entry_round_trip_update_delete_and_undo(store):
    pid = me(store)
    note = 'Stiff; "quoted", comma, newline\nand ünïcödé ✓'
    eid = add(store, pid, T0, 7, "hip_hinge", "buttock", note)
    add(store, pid, T0 - timedelta(days=1), 5)
    rows = store.pain_entries(pid)
    assert [r["recorded_at"] for r in rows] == [T0 - timedelta(days=1), T0]  # oldest first
    assert rows[1] == {"id": eid, "recorded_at": T0, "pain": 7, "activity": "hip_hinge", "location": "buttock", "notes": note}
    assert store.latest_pain_entry(pid)["id"] == eid

    assert store.update_pain_entry(pid, eid, T0, 4, "walking", "leg", "better")
    assert store.pain_entries(pid)[1]["pain"] == 4
    gone = store.delete_pain_entry(pid, eid)
    assert gone is not None and gone["pain"] == 4
    assert [r["id"] for r in store.pain_entries(pid)] != [eid] and len(store.pain_entries(pid)) == 1
    assert store.delete_pain_entry(pid, eid) is None
    assert not store.update_pain_entry(pid, eid, T0, 4, "walking", "leg", "")
    restored = store.restore_pain_entry(gone)
    assert restored == eid
    assert store.pain_entries(pid)[1]["notes"] == "better"


def test_profiles_see_only_their_own_rows(store):
    a = me(store)
    b = store.create_profile("Patient B").id
    add(store, a, T0, 6)
    add(store, b, T0, 2)
    store.save_routine_session(b, 20, {"x": 1}, done_at=T0)
    fa = store.add_function_activity(a, "Squatting", limit=3)
    store.rate_functions(a, {fa: 4}, rated_at=T0)
    assert [r["pain"] for r in store.pain_entries(a)] == [6]
    assert [r["pain"] for r in store.pain_entries(b)] == [2]
    assert store.routine_sessions(a) == []
    assert store.function_ratings(b) == []
    # b cannot edit, delete or rate a's rows
    a_entry = store.pain_entries(a)[0]["id"]
    assert not store.update_pain_entry(b, a_entry, T0, 0, "squat", "leg", "")
    assert store.delete_pain_entry(b, a_entry) is None
    store.rate_functions(b, {fa: 9})
    assert [r["score"] for r in store.function_ratings(a)] == [4]
    store.delete_profile(b)
    assert len(store.pain_entries(a)) == 1 and store.pain_entries(b) == []
    assert store.profile_counts()[a]["entries"] == 1


def test_import_skips_duplicates_and_is_all_or_nothing(store):
    pid = me(store)
    row = {"recorded_at": T0, "pain": 5, "activity": "squat", "location": "leg", "notes": "a"}
    other = {**row, "notes": "b"}
    assert store.import_pain_entries(pid, [row, other, dict(row)]) == (2, 1)
    assert store.import_pain_entries(pid, [row, other]) == (0, 2)
    broken = {**row, "recorded_at": T0 + timedelta(hours=1), "activity": None}  # NOT NULL violation
    with pytest.raises(StorageError, match="Nothing was changed"):
        store.import_pain_entries(pid, [{**row, "recorded_at": T0 + timedelta(hours=2)}, broken])
    assert len(store.pain_entries(pid)) == 2


def test_reads_after_writes_are_fresh_across_store_instances(db_url):
    one, two = Store(db_url), Store(db_url)
    pid = one.list_profiles()[0].id
    assert two.pain_entries(pid) == []
    add(one, pid, T0, 3)
    assert [r["pain"] for r in two.pain_entries(pid)] == [3]
    two.save_routine_session(pid, 15, {})
    assert len(one.routine_sessions(pid)) == 1


# --------------------------------------------------------------------------- sessions and function scores


def test_routine_sessions_newest_first_and_delete(store):
    pid = me(store)
    s1 = store.save_routine_session(pid, 20, {"goal": "squat"}, done_at=T0)
    s2 = store.save_routine_session(pid, 15, {}, done_at=T0 + timedelta(days=2))
    assert [s["id"] for s in store.routine_sessions(pid)] == [s2, s1]
    assert store.routine_sessions(pid)[1]["inputs"] == {"goal": "squat"}
    assert store.delete_routine_session(pid, s1)
    assert [s["id"] for s in store.routine_sessions(pid)] == [s2]
    assert store.progress(pid)["session"] == T0 + timedelta(days=2)


def test_function_activities_limit_and_duplicates(store):
    pid = me(store)
    ids = [store.add_function_activity(pid, n, limit=3) for n in ("Squatting", "Sitting", "Handstand")]
    with pytest.raises(ValueError, match="at most 3"):
        store.add_function_activity(pid, "Walking", limit=3)
    store.remove_function_activity(pid, ids[2])
    with pytest.raises(ValueError, match="already on your list"):
        store.add_function_activity(pid, "squatting", limit=3)
    store.rate_functions(pid, {ids[0]: 3, ids[1]: 6}, rated_at=T0)
    store.rate_functions(pid, {ids[0]: 5}, rated_at=T0 + timedelta(days=14))
    ratings = store.function_ratings(pid)
    assert [(r["name"], r["score"]) for r in ratings] == [("Squatting", 3), ("Sitting", 6), ("Squatting", 5)]
    store.remove_function_activity(pid, ids[0])
    assert [r["name"] for r in store.function_ratings(pid)] == ["Sitting"]


# --------------------------------------------------------------------------- demo


def test_demo_profile_loads_in_one_go_and_is_removed_without_touching_others(store):
    pid = me(store)
    add(store, pid, T0, 4)
    demo = store.create_demo_profile(DEMO_NAME, demo_data(LIB))
    assert demo.is_demo and demo.name == DEMO_NAME
    assert len(store.pain_entries(demo.id)) > 80
    assert len(store.routine_sessions(demo.id)) >= 30
    assert len(store.function_activities(demo.id)) == 3
    assert store.latest_quiz_result(demo.id)["leading"] == ["anterior_tilt"]
    assert store.latest_safety_check(demo.id)["level"] == "clear"
    with pytest.raises(storage.ProfileError):
        store.create_demo_profile(DEMO_NAME, demo_data(LIB))
    assert store.remove_demo_profiles() == 1
    assert [p.name for p in store.list_profiles()] == [DEFAULT_PROFILE]
    assert len(store.pain_entries(pid)) == 1
    assert store.pain_entries(demo.id) == [] and store.routine_sessions(demo.id) == []
    assert store.function_ratings(demo.id) == []
    assert store.remove_demo_profiles() == 0


def test_removing_the_only_profile_as_demo_leaves_a_fresh_default(store):
    demo = store.create_demo_profile(DEMO_NAME, demo_data(LIB))
    store.delete_profile(me(store) if me(store) != demo.id else store.list_profiles()[1].id)
    assert [p.id for p in store.list_profiles()] == [demo.id]
    store.remove_demo_profiles()
    assert [(p.name, p.is_demo) for p in store.list_profiles()] == [(DEFAULT_PROFILE, False)]


def test_failed_demo_load_writes_nothing(store):
    data = demo_data(LIB)
    data["pain_entries"].append({"recorded_at": None, "pain": 3, "activity": "squat", "location": "leg", "notes": ""})
    with pytest.raises(StorageError):
        store.create_demo_profile(DEMO_NAME, data)
    assert [p.name for p in store.list_profiles()] == [DEFAULT_PROFILE]


def test_backup_copies_data_still_in_the_wal(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/w.db")
    pid = me(s)
    add(s, pid, T0, 8)
    copy = s.backup("manual")
    assert copy is not None and copy.exists()
    con = sqlite3.connect(copy)
    assert con.execute("SELECT pain FROM pain_entries").fetchall() == [(8,)]
    con.close()
