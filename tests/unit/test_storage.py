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
from backcheck.painlog import LoggedEntry, PainEntry
from backcheck.player import RoutineSession

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
    return store.profiles.list()[0].id


def add(store: Store, pid: int, when: datetime, pain: int, activity: str = "squat", location: str = "lower_back",
        notes: str = "") -> int:
    return store.pain.add(pid, PainEntry(recorded_at=when, pain=pain, activity=activity, location=location, notes=notes))


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
    assert s.schema_version() == SCHEMA_VERSION == 4
    # data kept
    anna = s.profiles.list()
    assert [p.name for p in anna] == ["Anna"]
    rows = s.pain.all(1)
    assert len(rows) == 1 and rows[0].notes == "Old note, with comma" and rows[0].pain == 6
    assert rows[0].recorded_at == datetime(2025, 1, 3, 8, 15)
    assert s.safety.latest(1).level == "clear"
    assert s.sessions.list(1)[0].inputs == {"goal": "squat"}
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
    assert [p.name for p in s.profiles.list()] == [DEFAULT_PROFILE]
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
    assert [p.name for p in s.profiles.list()] == ["Anna"]
    rows = s.pain.all(1)
    assert [(r.pain, r.notes, r.recorded_at) for r in rows] == [(6, "Old note, with comma", datetime(2025, 1, 3, 8, 15))]
    assert s.safety.latest(1).level == "clear"
    assert s.sessions.list(1)[0].inputs == {"goal": "squat"}
    indexes = {ix["name"] for table in ("pain_entries", "routine_sessions", "function_ratings")
               for ix in inspect(s.engine).get_indexes(table)}
    assert {"ix_pain_entries_profile_recorded", "ix_routine_sessions_profile_done", "ix_function_ratings_activity"} <= indexes
    # new rows get fresh ids after the old ones
    assert add(s, 1, T0, 3) == 2
    assert s.profiles.create("Ben").id == 2
    # opening again changes nothing
    assert Store(v1_url).schema_version() == SCHEMA_VERSION and len(s.pain.all(1)) == 2


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
    rows = store.pain.all(pid)
    assert [r.recorded_at for r in rows] == [T0 - timedelta(days=1), T0]  # oldest first
    assert rows[1] == LoggedEntry(id=eid, recorded_at=T0, pain=7, activity="hip_hinge", location="buttock", notes=note)
    assert store.pain.latest(pid).id == eid

    assert store.pain.update(pid, eid, PainEntry(recorded_at=T0, pain=4, activity="walking", location="leg", notes="better"))
    assert store.pain.all(pid)[1].pain == 4
    gone = store.pain.delete(pid, eid)
    assert gone is not None and gone.pain == 4
    assert [r.id for r in store.pain.all(pid)] != [eid] and len(store.pain.all(pid)) == 1
    assert store.pain.delete(pid, eid) is None
    assert not store.pain.update(pid, eid, PainEntry(recorded_at=T0, pain=4, activity="walking", location="leg", notes=""))
    restored = store.pain.restore(gone)
    assert restored == eid
    assert store.pain.all(pid)[1].notes == "better"


def test_profiles_see_only_their_own_rows(store):
    a = me(store)
    b = store.profiles.create("Patient B").id
    add(store, a, T0, 6)
    add(store, b, T0, 2)
    store.sessions.add(b, RoutineSession(20, {"x": 1}, done_at=T0))
    fa = store.functions.add_activity(a, "Squatting", limit=3)
    store.functions.rate(a, {fa: 4}, rated_at=T0)
    assert [r.pain for r in store.pain.all(a)] == [6]
    assert [r.pain for r in store.pain.all(b)] == [2]
    assert store.sessions.list(a) == []
    assert store.functions.ratings(b) == []
    # b cannot edit, delete or rate a's rows
    a_entry = store.pain.all(a)[0].id
    assert not store.pain.update(b, a_entry, PainEntry(recorded_at=T0, pain=0, activity="squat", location="leg", notes=""))
    assert store.pain.delete(b, a_entry) is None
    store.functions.rate(b, {fa: 9})
    assert [r.score for r in store.functions.ratings(a)] == [4]
    store.profiles.delete(b)
    assert len(store.pain.all(a)) == 1 and store.pain.all(b) == []
    assert store.profiles.counts()[a].entries == 1


def test_import_skips_duplicates_and_is_all_or_nothing(store):
    pid = me(store)
    row = PainEntry(recorded_at=T0, pain=5, activity="squat", location="leg", notes="a")
    other = row.model_copy(update={"notes": "b"})
    assert store.pain.import_entries(pid, [row, other, row.model_copy()]) == (2, 1)
    assert store.pain.import_entries(pid, [row, other]) == (0, 2)
    # an entry the model would refuse, made without it, so the database refuses it: NOT NULL violation
    broken = PainEntry.model_construct(**{**row.model_dump(), "recorded_at": T0 + timedelta(hours=1), "activity": None})
    with pytest.raises(StorageError, match="Nothing was changed"):
        store.pain.import_entries(pid, [row.model_copy(update={"recorded_at": T0 + timedelta(hours=2)}), broken])
    assert len(store.pain.all(pid)) == 2


def test_reads_after_writes_are_fresh_across_store_instances(db_url):
    one, two = Store(db_url), Store(db_url)
    pid = one.profiles.list()[0].id
    assert two.pain.all(pid) == []
    add(one, pid, T0, 3)
    assert [r.pain for r in two.pain.all(pid)] == [3]
    two.sessions.add(pid, RoutineSession(15, {}))
    assert len(one.sessions.list(pid)) == 1


# --------------------------------------------------------------------------- sessions and function scores


def test_routine_sessions_newest_first_and_deleted_with_their_profile(store):
    pid = me(store)
    gone = store.profiles.create("Patient B").id
    s1 = store.sessions.add(gone, RoutineSession(20, {"goal": "squat"}, done_at=T0))
    s2 = store.sessions.add(gone, RoutineSession(15, {}, done_at=T0 + timedelta(days=2)))
    mine = store.sessions.add(pid, RoutineSession(25, {}, done_at=T0 + timedelta(days=1)))
    assert [s.id for s in store.sessions.list(gone)] == [s2, s1]
    assert store.sessions.list(gone)[1].inputs == {"goal": "squat"}
    assert store.sessions.times(gone, start=T0 + timedelta(days=1)) == [T0 + timedelta(days=2)]
    store.profiles.delete(gone)  # the one way sessions leave the store
    assert store.sessions.list(gone) == [] and [s.id for s in store.sessions.list(pid)] == [mine]
    assert store.profiles.progress(pid).session == T0 + timedelta(days=1)


def test_function_activities_limit_and_duplicates(store):
    pid = me(store)
    ids = [store.functions.add_activity(pid, n, limit=3) for n in ("Squatting", "Sitting", "Handstand")]
    with pytest.raises(ValueError, match="at most 3"):
        store.functions.add_activity(pid, "Walking", limit=3)
    store.functions.remove_activity(pid, ids[2])
    with pytest.raises(ValueError, match="already on your list"):
        store.functions.add_activity(pid, "squatting", limit=3)
    store.functions.rate(pid, {ids[0]: 3, ids[1]: 6}, rated_at=T0)
    store.functions.rate(pid, {ids[0]: 5}, rated_at=T0 + timedelta(days=14))
    ratings = store.functions.ratings(pid)
    assert [(r.name, r.score) for r in ratings] == [("Squatting", 3), ("Sitting", 6), ("Squatting", 5)]
    store.functions.remove_activity(pid, ids[0])
    assert [r.name for r in store.functions.ratings(pid)] == ["Sitting"]


# --------------------------------------------------------------------------- demo


def test_demo_profile_loads_in_one_go_and_is_removed_without_touching_others(store):
    pid = me(store)
    add(store, pid, T0, 4)
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    assert demo.is_demo and demo.name == DEMO_NAME
    assert len(store.pain.all(demo.id)) > 80
    assert len(store.sessions.list(demo.id)) >= 30
    assert len(store.functions.activities(demo.id)) == 3
    assert store.quiz.latest(demo.id).leading == ["anterior_tilt"]
    assert store.safety.latest(demo.id).level == "clear"
    with pytest.raises(storage.ProfileError):
        store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    assert store.profiles.remove_demos() == 1
    assert [p.name for p in store.profiles.list()] == [DEFAULT_PROFILE]
    assert len(store.pain.all(pid)) == 1
    assert store.pain.all(demo.id) == [] and store.sessions.list(demo.id) == []
    assert store.functions.ratings(demo.id) == []
    assert store.profiles.remove_demos() == 0


def test_removing_the_only_profile_as_demo_leaves_a_fresh_default(store):
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    store.profiles.delete(me(store) if me(store) != demo.id else store.profiles.list()[1].id)
    assert [p.id for p in store.profiles.list()] == [demo.id]
    store.profiles.remove_demos()
    assert [(p.name, p.is_demo) for p in store.profiles.list()] == [(DEFAULT_PROFILE, False)]


def test_failed_demo_load_writes_nothing(store):
    data = demo_data(LIB)
    # an entry the model would refuse, made without it, so the database refuses it: the whole load rolls back
    data.pain_entries.append(PainEntry.model_construct(recorded_at=None, pain=3, activity="squat", location="leg",
                                                       notes=""))
    with pytest.raises(StorageError):
        store.profiles.create_demo(DEMO_NAME, data)
    assert [p.name for p in store.profiles.list()] == [DEFAULT_PROFILE]


def test_backup_copies_data_still_in_the_wal(tmp_path):
    s = Store(f"sqlite:///{tmp_path}/w.db")
    pid = me(s)
    add(s, pid, T0, 8)
    copy = s.backup("manual")
    assert copy is not None and copy.exists()
    con = sqlite3.connect(copy)
    assert con.execute("SELECT pain FROM pain_entries").fetchall() == [(8,)]
    con.close()
