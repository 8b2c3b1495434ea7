"""Alembic migrations: one head, models match the migrated schema, old databases are stamped and
upgraded (v1 and v2, SQLite and PostgreSQL), a failing step changes nothing, and two processes
starting on one database migrate it once (migration lock)."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table, create_engine, inspect
from sqlalchemy.schema import CreateTable

from backcheck import migrations, storage
from backcheck.storage import HEAD_REVISION, LEGACY_REVISIONS, SCHEMA_VERSION, Store, StorageError
from tests.unit.test_storage import V1_DDL, break_revision, make_v1_postgres, meta_version
from backcheck.painlog import PainEntry
from backcheck.player import Plan, PlayerState, Timing

T0 = datetime(2025, 3, 3, 8, 30)

# What BackCheck 2 added to a v1 database (by hand, like V1_DDL): the time indexes, version 2.
V2_EXTRA = """
CREATE INDEX ix_pain_entries_profile_recorded ON pain_entries (profile_id, recorded_at);
CREATE INDEX ix_routine_sessions_profile_done ON routine_sessions (profile_id, done_at);
CREATE INDEX ix_function_ratings_activity ON function_ratings (activity_id);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
INSERT INTO function_activities VALUES (1, 1, 'Lifting', '2025-01-05 09:00:00.000000');
INSERT INTO function_ratings VALUES (1, 1, 1, '2025-01-05 09:01:00.000000', 4);
"""


def make_old(url: str, version: int) -> None:
    """A database as BackCheck `version` (1 or 2) left it, with Anna's data, on either engine."""
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.split("///", 1)[1])
        con.executescript(V1_DDL + (V2_EXTRA if version == 2 else ""))
        con.commit()
        con.close()
        return
    make_v1_postgres(url)
    if version == 2:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(V2_EXTRA)
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('function_activities', 'id'), 1)")
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('function_ratings', 'id'), 1)")
        engine.dispose()


def alembic_revision(url: str) -> str | None:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = migrations.current_revision(conn) if "alembic_version" in inspect(conn).get_table_names() else None
    engine.dispose()
    return found


def schema_diff(store: Store) -> list:
    with store.engine.connect() as conn:
        return migrations.compare(conn)


# --------------------------------------------------------------------------- the revisions


def test_one_head_numbered_revisions_and_the_schema_version_agree():
    script = migrations.script_directory()
    assert script.get_heads() == [HEAD_REVISION] == [f"{SCHEMA_VERSION:04d}"]
    assert migrations.head() == HEAD_REVISION
    chain = [rev.revision for rev in script.walk_revisions("base", "heads")][::-1]  # oldest first
    assert chain == [f"{n:04d}" for n in range(1, SCHEMA_VERSION + 1)]
    for rev in script.walk_revisions("base", "heads"):
        expected_down = None if rev.revision == "0001" else f"{int(rev.revision) - 1:04d}"
        assert rev.down_revision == expected_down
    # every version a pre-Alembic BackCheck wrote has its revision
    assert LEGACY_REVISIONS == {1: "0001", 2: "0002", 3: "0003"}
    assert all(migrations.known(rev) for rev in LEGACY_REVISIONS.values())
    assert not migrations.known("0099")


def test_naming_convention_is_on_the_metadata_and_names_every_constraint():
    assert storage.metadata.naming_convention["fk"] == "%(table_name)s_%(column_0_name)s_fkey"
    engine = create_engine("sqlite://")
    for table in storage.metadata.sorted_tables:
        sql = str(CreateTable(table).compile(engine))
        assert "PRIMARY KEY" in sql and f"CONSTRAINT {table.name}_pkey PRIMARY KEY" in sql, table.name
        assert sql.count("FOREIGN KEY") == sql.count("_fkey FOREIGN KEY"), table.name
    # schema 4: a name is unique within its account
    assert "CONSTRAINT profiles_account_key UNIQUE (account, name)" in str(CreateTable(storage.profiles).compile(engine))


def test_a_new_database_matches_the_models(db_url):
    s = Store(db_url)
    assert s.migrated_from == "new"
    assert alembic_revision(db_url) == HEAD_REVISION
    assert meta_version(db_url) == str(SCHEMA_VERSION)  # what BackCheck before Alembic reads
    assert schema_diff(s) == []


def test_downgrade_to_nothing_and_upgrade_again(db_url):
    """Each revision's downgrade undoes its upgrade (developers step back with them)."""
    s = Store(db_url)
    with s.engine.begin() as conn:
        migrations.downgrade(conn, "base")
    assert set(inspect(s.engine).get_table_names()) <= {"alembic_version"}
    assert alembic_revision(db_url) is None
    with s.engine.begin() as conn:
        migrations.upgrade(conn, "head")
    assert alembic_revision(db_url) == HEAD_REVISION
    assert schema_diff(s) == []


# --------------------------------------------------------------------------- old databases


@pytest.mark.parametrize("version", [1, 2])
def test_old_database_is_stamped_upgraded_and_matches_the_models(db_url, version, tmp_path):
    make_old(db_url, version)
    s = Store(db_url)
    assert s.migrated_from == LEGACY_REVISIONS[version]
    assert s.schema_version() == SCHEMA_VERSION
    assert alembic_revision(db_url) == HEAD_REVISION and meta_version(db_url) == str(SCHEMA_VERSION)
    assert schema_diff(s) == []  # SQLite's unnamed constraints were given the convention's names
    # the data is all there, ids go on after the old ones, and the new tables work
    assert [p.name for p in s.profiles.list()] == ["Anna"]
    assert [(r.pain, r.notes) for r in s.pain.all(1)] == [(6, "Old note, with comma")]
    assert s.safety.latest(1).level == "clear"
    assert s.sessions.list(1)[0].inputs == {"goal": "squat"}
    if version == 2:
        assert [(r.name, r.score) for r in s.functions.ratings(1)] == [("Lifting", 4)]
    assert s.pain.add(1, PainEntry(recorded_at=T0, pain=3, activity="squat", location="lower_back")) == 2
    sid = s.player.start(1, Plan((), Timing()), PlayerState(), {"minutes": 10})
    assert s.player.active(1).id == sid
    if db_url.startswith("sqlite"):
        with s.engine.connect() as conn:  # foreign keys are back on for the app's connections
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        # one copy, taken before any change: still the old version, without alembic_version
        backups = list(tmp_path.glob(f"t.before-v{SCHEMA_VERSION}.*.bak"))
        assert len(backups) == 1
        con = sqlite3.connect(backups[0])
        assert con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(version)
        assert "alembic_version" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
        con.close()
    again = Store(db_url)
    assert again.migrated_from is None and len(again.pain.all(1)) == 2
    if db_url.startswith("sqlite"):
        assert len(list(tmp_path.glob("*.bak"))) == 1


def test_a_schema_3_database_made_by_create_all_is_stamped_without_running_revisions(db_url):
    """BackCheck before Alembic made new databases with create_all (no naming convention) at schema 3."""
    old_metadata = MetaData()  # schema 3's tables, without the naming convention, as create_all made them
    Table("profiles", old_metadata, Column("id", Integer, primary_key=True),  # schema 3: no account yet
          Column("name", String(40), nullable=False, unique=True), Column("is_demo", Boolean, nullable=False),
          Column("created_at", DateTime, nullable=False))
    for table in storage.metadata.sorted_tables:
        if table.name == "profiles":
            continue
        for constraint in table.to_metadata(old_metadata).constraints:
            constraint.name = None  # unnamed: the database picks (PostgreSQL) or leaves none (SQLite)
    for constraint in old_metadata.tables["profiles"].constraints:
        constraint.name = None
    engine = create_engine(db_url)
    with engine.begin() as conn:
        old_metadata.create_all(conn)
        conn.execute(storage.meta.insert().values(key="schema_version", value="3"))
        conn.execute(old_metadata.tables["profiles"].insert().values(name="Anna", is_demo=False, created_at=T0))
        if db_url.startswith("sqlite"):  # its constraints have no names there
            ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'profiles'").scalar_one()
            assert "UNIQUE (name)" in ddl and "CONSTRAINT" not in ddl
    engine.dispose()
    s = Store(db_url)
    assert s.migrated_from == "0003" and alembic_revision(db_url) == HEAD_REVISION
    assert [p.name for p in s.profiles.list()] == ["Anna"]
    assert schema_diff(s) == []


def test_deleting_a_profile_still_cascades_after_the_sqlite_table_copies(tmp_path):
    """The batch copies ran with foreign keys off; the copied tables keep ON DELETE CASCADE."""
    url = f"sqlite:///{tmp_path}/t.db"
    make_old(url, 2)
    s = Store(url)
    ben = s.profiles.create("Ben").id
    s.pain.add(ben, PainEntry(recorded_at=T0, pain=2, activity="squat", location="lower_back"))
    with s.engine.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM profiles WHERE id = {ben}")  # the database itself cascades
        assert conn.exec_driver_sql(f"SELECT COUNT(*) FROM pain_entries WHERE profile_id = {ben}").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM pain_entries").scalar_one() == 1


def test_a_failing_step_leaves_the_old_database_as_it_was(db_url, monkeypatch, tmp_path):
    make_old(db_url, 2)
    break_revision(monkeypatch, "0003")
    with pytest.raises(StorageError) as caught:
        Store(db_url)
    message = str(caught.value)
    assert f"Could not upgrade the BackCheck database from schema 2 to schema {SCHEMA_VERSION}" in message
    assert "step to schema 3 failed" in message and "no_such_table" in message
    assert message.endswith("Nothing was changed.") and "Traceback" not in message
    assert meta_version(db_url) == "2" and alembic_revision(db_url) is None
    engine = create_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    assert "half_done" not in tables and "player_sessions" not in tables
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM pain_entries").scalar_one() == 1
    engine.dispose()
    if db_url.startswith("sqlite"):
        (copy,) = tmp_path.glob(f"t.before-v{SCHEMA_VERSION}.*.bak")
        assert str(copy) in message
    monkeypatch.undo()  # the fixed release opens it fine
    assert Store(db_url).migrated_from == "0002"


def test_a_failure_while_preparing_an_old_sqlite_file_changes_nothing(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/t.db"
    make_old(url, 1)

    def broken_adopt(conn):
        conn.exec_driver_sql("DROP TABLE pain_entries")
        conn.exec_driver_sql("SELECT * FROM no_such_table")

    monkeypatch.setattr(migrations, "adopt_legacy", broken_adopt)
    with pytest.raises(StorageError, match="preparing the old database for its first migration failed") as caught:
        Store(url)
    assert str(caught.value).endswith("Nothing was changed.")
    assert meta_version(url) == "1" and alembic_revision(url) is None
    with sqlite3.connect(tmp_path / "t.db") as con:
        assert con.execute("SELECT COUNT(*) FROM pain_entries").fetchone()[0] == 1


def test_an_unknown_newer_revision_is_refused_untouched(db_url):
    s = Store(db_url)
    with s.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE alembic_version SET version_num = '{SCHEMA_VERSION + 1:04d}'")
    s.engine.dispose()
    with pytest.raises(StorageError, match=rf"newer BackCheck \(schema {SCHEMA_VERSION + 1}, this one knows {SCHEMA_VERSION}\)"):
        Store(db_url)
    assert alembic_revision(db_url) == f"{SCHEMA_VERSION + 1:04d}"


# --------------------------------------------------------------------------- two servers at once


def _open_store(url: str, barrier, results) -> None:
    try:
        barrier.wait(timeout=120)
        s = Store(url)
        results.put(("ok", s.migrated_from, len(s.profiles.list())))
    except Exception as exc:  # reported to the test, which fails with it
        results.put(("error", repr(exc), 0))


@pytest.mark.parametrize("start", ["new", "v1"])
def test_processes_starting_together_migrate_once(db_url, start, tmp_path):
    if start == "v1":
        make_old(db_url, 1)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(3), ctx.Queue()
    procs = [ctx.Process(target=_open_store, args=(db_url, barrier, results)) for _ in range(3)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [o[0] for o in outcomes] == ["ok"] * 3, outcomes
    migrated = Counter(o[1] for o in outcomes)  # exactly one of them did the work
    assert migrated == Counter({None: 2, "new" if start == "new" else "0001": 1}), outcomes
    assert [o[2] for o in outcomes] == [1, 1, 1]  # one profile (Anna, or one default "Me"), not one each
    assert alembic_revision(db_url) == HEAD_REVISION
    if db_url.startswith("sqlite"):
        assert len(list(tmp_path.glob("*.bak"))) == (1 if start == "v1" else 0)


def test_a_second_server_waits_for_the_migration_lock(db_url):
    """While one process holds the lock, another Store waits, then finds the work done."""
    s = Store(db_url)  # the database exists (and the lock is free again)
    with s.engine.begin() as conn:  # back to an empty database, so the next Store must create it
        migrations.downgrade(conn, "base")
        conn.exec_driver_sql("DROP TABLE alembic_version")
    waiting = threading.Event()
    if db_url.startswith("sqlite"):
        real = storage.fcntl

        class Flock:  # the real flock, noting when the second Store starts waiting
            LOCK_EX, LOCK_UN = real.LOCK_EX, real.LOCK_UN

            @staticmethod
            def flock(fd, how):
                if how == real.LOCK_EX and threading.current_thread().name == "second":
                    waiting.set()
                return real.flock(fd, how)

        lock_owner = storage._migration_lock(s.engine, s.sqlite_path)
        lock_owner.__enter__()
        storage.fcntl = Flock
    else:
        lock_owner = storage._migration_lock(s.engine, None)
        lock_owner.__enter__()

    done: dict = {}
    second = threading.Thread(target=lambda: done.setdefault("store", Store(db_url)), name="second")
    try:
        second.start()
        if db_url.startswith("sqlite"):
            assert waiting.wait(timeout=60)
        else:  # PostgreSQL shows the second session waiting for the advisory lock
            with s.engine.connect() as conn:
                for _ in range(1200):
                    if conn.exec_driver_sql("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                            "AND NOT granted").scalar_one():
                        break
                    conn.rollback()
                    threading.Event().wait(0.05)
                else:
                    pytest.fail("the second Store never waited for the advisory lock")
        assert "profiles" not in inspect(s.engine).get_table_names()  # it has not migrated meanwhile
        with s.engine.begin() as conn:  # the lock holder migrates
            migrations.upgrade(conn, "head")
    finally:
        lock_owner.__exit__(None, None, None)
        if db_url.startswith("sqlite"):
            storage.fcntl = real
        second.join(timeout=120)
    assert done["store"].migrated_from is None  # it found the work done
    assert done["store"].schema_version() == SCHEMA_VERSION


# --------------------------------------------------------------------------- developer command


def test_the_migrate_command_upgrades_and_checks(tmp_path, monkeypatch, capsys):
    from backcheck import migrate

    db = tmp_path / "dev.db"
    make_old(f"sqlite:///{db}", 1)
    monkeypatch.delenv("BACKCHECK_DB_URL", raising=False)
    monkeypatch.setenv("BACKCHECK_DB_PATH", str(db))
    assert migrate.main(["upgrade"]) == 0
    assert "upgraded from schema 1" in capsys.readouterr().out
    assert migrate.main(["upgrade"]) == 0
    assert "already at the newest schema" in capsys.readouterr().out
    assert migrate.main(["check"]) == 0  # models and database agree
    assert "No new upgrade operations detected" in capsys.readouterr().out
    assert migrate.main(["current"]) == 0
    assert f"{HEAD_REVISION} (head)" in capsys.readouterr().out
    with sqlite3.connect(db) as con:  # a model change not yet migrated: check fails
        con.execute("DROP INDEX ix_function_ratings_activity")
    with pytest.raises(SystemExit):
        migrate.main(["check"])
    assert "ix_function_ratings_activity" in capsys.readouterr().out
