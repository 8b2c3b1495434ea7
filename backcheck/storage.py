"""All persistence, behind one small module (SQLAlchemy Core).

The default store is an SQLite file (``data/backcheck.db``), created on first use;
``BACKCHECK_DB_PATH`` moves the file and ``BACKCHECK_DB_URL`` takes any SQLAlchemy URL
(e.g. ``postgresql+psycopg://user:pw@host/db``). Every stored row belongs to a profile.

Each write runs in one transaction, so a failure leaves nothing half-written; database
errors surface as :class:`StorageError` with a message meant for people.
Schema changes are Alembic migrations (backcheck/migrations), run when the store opens, under a
migration lock so that two servers never run them twice; the SQLite file is copied aside before
a migration changes it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from . import migrations as _mig
from .text import NameProblem, clean_name, same_name

try:
    import fcntl
except ImportError:  # Windows: no flock; the migration transaction's own re-check still guards it
    fcntl = None  # type: ignore[assignment]

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_DIR / "data" / "backcheck.db"
DEFAULT_PROFILE = "Me"
PROFILE_NAME_MAX = 40
_WRITE = "backcheck_write"  # execution option: this transaction writes (BEGIN IMMEDIATE on SQLite)


class StorageError(Exception):
    """Reading or writing the store failed; the message is safe to show to a person."""


class ProfileError(ValueError):
    """A profile request that cannot be honoured (bad name, duplicate, last profile)."""


# Constraint names on every engine: PostgreSQL's own defaults, so the PostgreSQL databases that
# BackCheck made before it had a naming convention already match, and SQLite tables made by the
# migrations get the same names (batch migrations can then drop a constraint by name).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "%(table_name)s_%(column_0_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}
metadata = MetaData(naming_convention=NAMING_CONVENTION)

profiles = Table(
    "profiles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(PROFILE_NAME_MAX), nullable=False, unique=True),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
)


def _owned(name: str, *cols: Column) -> Table:
    """A table whose rows belong to a profile (deleted with it)."""
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("profile_id", Integer, ForeignKey("profiles.id", ondelete="CASCADE"), nullable=False, index=True),
        *cols,
    )


safety_checks = _owned(
    "safety_checks",
    Column("taken_at", DateTime, nullable=False),
    Column("level", String(16), nullable=False),
    Column("flags", JSON, nullable=False),
    Column("answers", JSON, nullable=False),
)
quiz_results = _owned(
    "quiz_results",
    Column("taken_at", DateTime, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("leading", JSON, nullable=False),
    Column("answers", JSON, nullable=False),
    Column("result", JSON, nullable=False),
)
form_checks = _owned(
    "form_checks",
    Column("taken_at", DateTime, nullable=False),
    Column("faults", JSON, nullable=False),  # fault ids ticked, per movement
)
routine_sessions = _owned(
    "routine_sessions",
    Column("done_at", DateTime, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("inputs", JSON, nullable=False),
)
pain_entries = _owned(
    "pain_entries",
    Column("recorded_at", DateTime, nullable=False),
    Column("pain", Integer, nullable=False),
    Column("activity", String(32), nullable=False),
    Column("location", String(32), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
)
function_activities = _owned(
    "function_activities",
    Column("name", String(60), nullable=False),
    Column("created_at", DateTime, nullable=False),
)
function_ratings = _owned(
    "function_ratings",
    Column("activity_id", Integer, ForeignKey("function_activities.id", ondelete="CASCADE"), nullable=False),
    Column("rated_at", DateTime, nullable=False),
    Column("score", Integer, nullable=False),
)
# Session player (schema 3): a session in progress (its plan and state, saved after every
# step so a reload resumes it) and, once finished, its record; and each exercise's level changes.
player_sessions = _owned(
    "player_sessions",
    Column("started_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("finished_at", DateTime, nullable=True),
    Column("status", String(16), nullable=False),  # active | finished | abandoned
    Column("plan", JSON, nullable=False),  # backcheck.player.Plan.to_dict()
    Column("state", JSON, nullable=False),  # backcheck.player.PlayerState.to_dict()
    Column("inputs", JSON, nullable=False),  # the routine inputs the session was built from
    Column("pain_before", Integer, nullable=True),
    Column("pain_after", Integer, nullable=True),
    Column("effort", String(8), nullable=True),  # easy | right | hard
    Column("results", JSON, nullable=True),  # per exercise: id, level, outcome, note
    Column("routine_session_id", Integer, nullable=True),  # the routine_sessions row it counts as
)
level_changes = _owned(
    "level_changes",
    Column("exercise", String(60), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("from_level", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("session_id", Integer, nullable=True),  # the player session that caused it
)
meta = Table(
    "meta",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

# Indexes for the pain-log screen's reads (a profile's rows in time order); added in schema 2.
ix_pain_entries_when = Index("ix_pain_entries_profile_recorded", pain_entries.c.profile_id, pain_entries.c.recorded_at)
ix_routine_sessions_when = Index("ix_routine_sessions_profile_done", routine_sessions.c.profile_id, routine_sessions.c.done_at)
ix_function_ratings_activity = Index("ix_function_ratings_activity", function_ratings.c.activity_id)

# Schema changes are Alembic revisions in backcheck/migrations/versions/, numbered: revision "0003"
# is schema 3. SCHEMA_VERSION is the head's number (tests check they agree); adding a migration
# means a new revision file, the tables above changed to match, and SCHEMA_VERSION + 1.
SCHEMA_VERSION = 3
HEAD_REVISION = f"{SCHEMA_VERSION:04d}"
# Databases made before Alembic keep their schema version in meta ("schema_version"); such a
# database is stamped at the matching revision, then upgraded like any other.
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}
SCHEMA_VERSION_KEY = "schema_version"
MIGRATION_LOCK_KEY = 0x4241434B434B  # pg_advisory_lock key ("BACKCK"): one migrator per database


def database_url() -> str:
    """The configured SQLAlchemy URL: BACKCHECK_DB_URL, else the SQLite file path."""
    url = os.environ.get("BACKCHECK_DB_URL", "").strip()
    if url:
        return url
    path = Path(os.environ.get("BACKCHECK_DB_PATH", "").strip() or DEFAULT_DB_PATH)
    return f"sqlite:///{path.expanduser().resolve()}"


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    is_demo: bool
    created_at: datetime


# Python modules behind SQLAlchemy URL drivers, and the package that provides each.
DRIVER_PACKAGES = {
    "psycopg": "psycopg[binary]", "psycopg2": "psycopg2-binary", "pg8000": "pg8000", "asyncpg": "asyncpg",
    "pymysql": "PyMySQL", "MySQLdb": "mysqlclient", "mysql": "mysql-connector-python", "mariadb": "mariadb",
    "oracledb": "oracledb", "cx_Oracle": "cx_Oracle", "pyodbc": "pyodbc", "pymssql": "pymssql",
}
_DAMAGED = ("file is not a database", "malformed", "not a database", "disk image")


def _damaged_message(action: str, path: Path | None) -> StorageError:
    """A damaged SQLite file: say so, where the automatic copies are and how to start fresh."""
    if path is None:
        return StorageError(f"Could not {action}: the database is damaged. Restore it from a backup. Nothing was changed.")
    copies = sorted(path.parent.glob(f"{path.stem}.*.bak"), key=lambda c: c.stat().st_mtime, reverse=True)
    where = (f"Automatic copies (made before each upgrade of the database) are in {path.parent}; the newest is "
             f"{copies[0].name}." if copies else
             f"There is no automatic copy yet: BackCheck makes one ({path.stem}.before-vN.<date>.bak, in {path.parent}) "
             "before each upgrade of the database.")
    return StorageError(
        f"Could not {action}: the database file {path} is damaged (it is not a readable SQLite database). "
        f"BackCheck has not changed or deleted it. {where} To start fresh and keep the damaged file: stop "
        f"BackCheck, move the file aside (for example rename it to {path.stem}.damaged{path.suffix}) or set "
        "BACKCHECK_DB_PATH to a new file, then start BackCheck again. To go back to a copy instead, copy the .bak "
        f"file to {path} while BackCheck is stopped."
    )


def _friendly(exc: Exception, action: str, path: Path | None = None) -> StorageError:
    text = str(getattr(exc, "orig", exc)).lower()
    if any(d in text for d in _DAMAGED):
        return _damaged_message(action, path)
    if "locked" in text or "busy" in text:
        why = "the database is busy (another window may be saving). Wait a moment and try again."
    elif "readonly" in text or "read-only" in text or "permission" in text:
        why = "the database file cannot be written. Check that the data folder is writable."
    elif "disk" in text and ("full" in text or "i/o" in text):
        why = "the disk is full or failing. Free some space and try again."
    elif "authentication failed" in text:  # the message names the user, never the password
        why = "the database refused the user name or password. Check them in BACKCHECK_DB_URL."
    elif "unable to open" in text or "could not connect" in text or "connection" in text:
        why = "the database cannot be reached. Check the storage setting (BACKCHECK_DB_URL / BACKCHECK_DB_PATH)."
    else:
        why = "the database reported a problem. Try again; if it keeps happening, restart BackCheck."
    return StorageError(f"Could not {action}: {why} Nothing was changed.")


def _url_problem(url: str, exc: Exception) -> StorageError:
    """BACKCHECK_DB_URL cannot be used (driver not installed, unknown kind, malformed). Never shows the password."""
    try:
        driver = make_url(url).drivername
    except (ArgumentError, ValueError):
        driver = None
    if isinstance(exc, ImportError) and driver:
        module = (exc.name or "").split(".")[0] or driver.split("+")[-1]
        package = DRIVER_PACKAGES.get(module, module)
        return StorageError(
            f"BACKCHECK_DB_URL uses the database driver {driver}, but its Python package is not installed. Install "
            f"it into BackCheck's environment (.venv/bin/pip install \"{package}\") and start BackCheck again, or unset "
            "BACKCHECK_DB_URL to use the local SQLite file."
        )
    if isinstance(exc, NoSuchModuleError) and driver:
        return StorageError(f"BACKCHECK_DB_URL names a kind of database SQLAlchemy does not know ({driver}). Use for "
                            "example postgresql+psycopg://..., or unset BACKCHECK_DB_URL to use the local SQLite file.")
    return StorageError(
        "Could not open the BackCheck database: the database URL (BACKCHECK_DB_URL) cannot be used. "
        "Check its form, e.g. postgresql+psycopg://user:password@host/backcheck, and that its driver "
        "is installed. Nothing was changed.")


class _Refused(StorageError):
    """The database is one this BackCheck must not upgrade (newer, or of unknown version)."""


@dataclass(frozen=True)
class _SchemaState:
    revision: str | None  # the Alembic revision (None: no alembic_version yet)
    legacy: int  # the schema version in meta, for databases made before Alembic (0: none)
    has_tables: bool  # BackCheck's tables are there (profiles)

    @property
    def fresh(self) -> bool:
        return self.revision is None and not self.legacy and not self.has_tables

    @property
    def version(self) -> int:
        if self.revision is not None:
            return int(self.revision) if self.revision.isdigit() else -1
        return self.legacy

    @property
    def start(self) -> str:
        """The revision an upgrade starts from ("none": an empty database)."""
        return self.revision or LEGACY_REVISIONS.get(self.legacy) or "none"

    def check(self) -> None:
        """Refuse what this BackCheck cannot upgrade, before anything is changed."""
        if self.revision is not None and not _mig.known(self.revision):
            shown = int(self.revision) if self.revision.isdigit() else self.revision
            raise _Refused(
                f"The database was written by a newer BackCheck (schema {shown}, this one knows {SCHEMA_VERSION}). "
                "Update BackCheck or point it at another database. Nothing was changed.")
        if self.revision is None and self.legacy > SCHEMA_VERSION:
            raise _Refused(
                f"The database was written by a newer BackCheck (schema {self.legacy}, this one knows {SCHEMA_VERSION}). "
                "Update BackCheck or point it at another database. Nothing was changed.")
        if self.revision is None and self.legacy and self.legacy not in LEGACY_REVISIONS:
            raise _Refused(f"The database says it has schema {self.legacy}, which BackCheck does not know how to "
                               "upgrade. Point BackCheck at another database. Nothing was changed.")
        if self.revision is None and not self.legacy and self.has_tables:
            raise _Refused(
                "The database has BackCheck's tables but no record of their schema version, so BackCheck cannot tell "
                "how to upgrade it. Point BackCheck at another database. Nothing was changed.")


def _next_revision(revision: str | None) -> str | None:
    """The revision after ``revision`` (None = the first one) on the way to head."""
    script = _mig.script_directory()
    for rev in script.walk_revisions("base", "heads"):  # newest first
        if rev.down_revision == revision:
            return rev.revision
    return None


@contextmanager
def _migration_lock(engine: Engine, sqlite_path: Path | None) -> Iterator[None]:
    """Only one process checks and migrates a database at a time; the others wait, then find it done.

    PostgreSQL: a session advisory lock (pg_advisory_lock) on a connection of its own, released at
    the end (or when that connection dies). SQLite: an exclusive flock on ``<db file>.lock`` beside
    the database (the migration's BEGIN IMMEDIATE also re-checks the version; the lock adds that the
    backup copy is taken once). Other databases: no lock beyond the migration's own transaction.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
            conn.commit()
            try:
                yield
            finally:
                try:
                    conn.rollback()
                    conn.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))
                    conn.commit()
                except SQLAlchemyError:
                    conn.invalidate()  # closing the session releases the lock
        return
    if sqlite_path is None or fcntl is None:
        yield
        return
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    with open(sqlite_path.with_name(sqlite_path.name + ".lock"), "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # blocks until the other process is done
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class Store:
    """The app's storage. One instance per process (pages get it from a cached factory)."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        try:
            try:
                self.engine = self._make_engine(self.url)
            except (ImportError, NoSuchModuleError, ArgumentError, ValueError) as exc:
                # a missing driver, an unknown kind or a malformed URL; its text may hold the password
                raise _url_problem(self.url, exc) from None
            _track_writes(self.engine)
            self._migrate()
        except SQLAlchemyError as exc:
            raise _friendly(exc, "open the BackCheck database", self.sqlite_path) from exc
        except sqlite3.DatabaseError as exc:  # raised by the connect hook's PRAGMAs on a damaged file
            raise _friendly(exc, "open the BackCheck database", self.sqlite_path) from exc
        except OSError as exc:
            raise StorageError(f"Could not open the BackCheck database: {exc.strerror or exc}. Nothing was changed.") from exc

    # ------------------------------------------------------------------ set-up

    @staticmethod
    def _make_engine(url: str) -> Engine:
        if url.startswith("sqlite"):
            db_path = url.split("///", 1)[-1]
            if db_path and db_path != ":memory:":
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 15})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                # Python's sqlite3 opens transactions only before INSERT/UPDATE/DELETE, so a
                # failing migration's CREATE/ALTER would stay behind. Hand transaction
                # control to SQLAlchemy (the "begin" hook below) so DDL rolls back too.
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=ON")
                cur.execute("PRAGMA busy_timeout=15000")
                if db_path and db_path != ":memory:":
                    cur.execute("PRAGMA journal_mode=WAL")
                cur.close()

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                # Writes take the write lock up front. A deferred BEGIN that reads and then
                # writes has to upgrade its lock, and SQLite answers a second writer's upgrade
                # with SQLITE_BUSY at once, without waiting out the busy timeout.
                immediate = conn.get_execution_options().get(_WRITE, False)
                conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

            return engine
        connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)

    @property
    def sqlite_path(self) -> Path | None:
        if self.url.startswith("sqlite"):
            p = self.url.split("///", 1)[-1]
            return Path(p) if p and p != ":memory:" else None
        return None

    @staticmethod
    def _state(conn: Connection) -> _SchemaState:
        """Where the database stands: its Alembic revision, else the pre-Alembic version in meta."""
        tables = set(inspect(conn).get_table_names())
        revision = _mig.current_revision(conn) if _mig.VERSION_TABLE in tables else None
        legacy = 0
        if revision is None and "meta" in tables:
            row = conn.execute(select(meta.c.value).where(meta.c.key == SCHEMA_VERSION_KEY)).first()
            legacy = int(row[0]) if row else 0
        return _SchemaState(revision, legacy, "profiles" in tables)

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return self._state(conn).version

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite): committed on success, rolled back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    def _migrate(self) -> None:
        """Bring the database to the head revision, then make sure a profile exists.

        All of it runs under the migration lock (a PostgreSQL advisory lock, or a lock file next to
        the SQLite file), so of two servers starting on one database only the first migrates and the
        second finds it done. An old database is copied aside (SQLite) before the first change.
        """
        self.migrated_from: str | None = None  # what this Store upgraded from ("new" = created), for tests
        with _migration_lock(self.engine, self.sqlite_path):
            with self.engine.connect() as conn:
                state = self._state(conn)
            state.check()
            if state.revision != HEAD_REVISION:
                if not state.fresh:
                    self.backup(f"before-v{SCHEMA_VERSION}")
                self._upgrade(state)
            with self._write() as conn:
                if conn.execute(select(func.count()).select_from(profiles)).scalar_one() == 0:
                    conn.execute(insert(profiles).values(name=DEFAULT_PROFILE, is_demo=False, created_at=datetime.now()))

    def _upgrade(self, seen: _SchemaState) -> None:
        """Stamp a pre-Alembic database and run the revisions to head, all in one transaction.

        A failing revision rolls everything back (stamp included; SQLite and PostgreSQL both undo
        DDL), so the database stays as it was. On SQLite, foreign keys are off while the revisions
        run (batch mode copies tables; a copied parent must not cascade-delete its children) and are
        checked before the commit.
        """
        applied: list[str] = []  # revisions done; "stamped" once a pre-Alembic database is stamped
        start = seen.start
        with self.engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:  # only outside a transaction does this PRAGMA take effect
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    state = self._state(conn)  # again, inside the write transaction
                    state.check()
                    if state.revision == HEAD_REVISION:  # done meanwhile (by a process without the lock)
                        return
                    start = state.start
                    if state.revision is None and state.legacy:
                        _mig.adopt_legacy(conn)  # SQLite: name its unnamed constraints first
                        _mig.stamp(conn, LEGACY_REVISIONS[state.legacy])
                        applied.append("stamped")
                    _mig.upgrade(conn, HEAD_REVISION,
                                 on_version_apply=lambda step, **_kw: applied.append(step.up_revision_id))
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise StorageError("a table copy left rows whose profile or activity is missing.")
                    if conn.execute(update(meta).where(meta.c.key == SCHEMA_VERSION_KEY)
                                    .values(value=str(SCHEMA_VERSION))).rowcount == 0:
                        conn.execute(insert(meta).values(key=SCHEMA_VERSION_KEY, value=str(SCHEMA_VERSION)))
            except Exception as exc:
                raise self._upgrade_failed(exc, start, applied) from exc
            finally:
                if sqlite:
                    try:
                        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
                    except Exception:  # never hand a connection without foreign keys back to the pool
                        conn.invalidate()
        self.migrated_from = "new" if start == "none" else start

    def _upgrade_failed(self, exc: Exception, start: str, applied: list[str]) -> StorageError:
        if isinstance(exc, _Refused):
            return exc
        before = "an empty database" if start == "none" else f"schema {int(start)}"
        done = [r for r in applied if r != "stamped"]
        failed = _next_revision(done[-1] if done else (None if start == "none" else start))
        if start != "none" and not done and "stamped" not in applied:
            failed = "preparing"  # naming the old SQLite tables' constraints, before any revision
        if isinstance(exc, StorageError):
            detail = str(exc).rstrip(".")
        elif isinstance(exc, (SQLAlchemyError, sqlite3.DatabaseError)):
            general = str(_friendly(exc, "x", self.sqlite_path))
            if "reported a problem" in general:  # not busy, read-only, full or damaged: say what failed
                said = (str(getattr(exc, "orig", exc)).strip().splitlines() or ["?"])[0][:200]
                detail = f"the database said: {said}"
            else:
                detail = general.removeprefix("Could not x: ").removesuffix(" Nothing was changed.").rstrip(".")
        else:
            detail = f"{type(exc).__name__} in the migration"
        what = (f"the step to schema {int(failed)} failed ({detail})" if failed and failed.isdigit() else
                f"preparing the old database for its first migration failed ({detail})" if failed == "preparing"
                else detail)
        copy = ""
        if self.sqlite_path is not None and start != "none":
            copies = sorted(self.sqlite_path.parent.glob(f"{self.sqlite_path.stem}.before-v{SCHEMA_VERSION}.*.bak"))
            if copies:
                copy = f" A copy made before the upgrade is {copies[-1]}."
        return StorageError(
            f"Could not upgrade the BackCheck database from {before} to schema {SCHEMA_VERSION}: {what}. "
            f"The upgrade was undone as a whole and the database is as it was.{copy} Nothing was changed.")

    def backup(self, label: str) -> Path | None:
        """Copy the SQLite file aside (no-op for other databases). Returns the copy's path."""
        path = self.sqlite_path
        if path is None or not path.exists():
            return None
        with self.engine.connect() as conn:  # fold the WAL into the main file first
            conn.exec_driver_sql("PRAGMA wal_checkpoint(FULL)")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = path.with_name(f"{path.stem}.{label}.{stamp}.bak")
        shutil.copy2(path, target)
        return target

    @contextmanager
    def _tx(self, action: str) -> Iterator[Connection]:
        """One transaction; any database error becomes a StorageError and nothing is written.

        Every action that does not start with "read" writes, so it begins IMMEDIATE (see _begin).
        """
        try:
            with (self.engine.begin() if action.startswith("read") else self._write()) as conn:
                conn.info.pop(_WRITTEN, None)
                yield conn
                _bump_data_versions(conn)
        except (ProfileError, StorageError):
            raise
        except SQLAlchemyError as exc:
            raise _friendly(exc, action, self.sqlite_path) from exc

    # ------------------------------------------------------------------ profiles

    def list_profiles(self) -> list[Profile]:
        with self._tx("read the profiles") as conn:
            rows = conn.execute(select(profiles).order_by(profiles.c.is_demo, profiles.c.id)).mappings().all()
        return [Profile(**r) for r in rows]

    def get_profile(self, profile_id: int) -> Profile | None:
        with self._tx("read the profile") as conn:
            row = conn.execute(select(profiles).where(profiles.c.id == profile_id)).mappings().first()
        return Profile(**row) if row else None

    @staticmethod
    def clean_profile_name(name: str) -> str:
        """See backcheck.text.clean_name: NFKC, no format/control characters, something visible."""
        try:
            return clean_name(name, PROFILE_NAME_MAX, "profile")
        except NameProblem as exc:
            raise ProfileError(str(exc)) from None

    @staticmethod
    def _check_name_free(conn: Connection, name: str, except_id: int | None = None) -> None:
        """Names count as the same regardless of case and width ("SAM", "ｓａｍ" and "sam")."""
        for pid, other in conn.execute(select(profiles.c.id, profiles.c.name)):
            if pid != except_id and same_name(other, name):
                raise ProfileError(f"A profile called '{name}' already exists. Pick another name.")

    def create_profile(self, name: str, is_demo: bool = False) -> Profile:
        cleaned = self.clean_profile_name(name)
        try:
            with self._tx("create the profile") as conn:
                self._check_name_free(conn, cleaned)
                pid = conn.execute(
                    insert(profiles).values(name=cleaned, is_demo=is_demo, created_at=datetime.now())
                ).inserted_primary_key[0]
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ProfileError(f"A profile called '{cleaned}' already exists. Pick another name.") from exc
            raise
        profile = self.get_profile(pid)
        assert profile is not None
        return profile

    def rename_profile(self, profile_id: int, name: str) -> None:
        cleaned = self.clean_profile_name(name)
        try:
            with self._tx("rename the profile") as conn:
                self._check_name_free(conn, cleaned, except_id=profile_id)
                conn.execute(update(profiles).where(profiles.c.id == profile_id).values(name=cleaned))
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ProfileError(f"A profile called '{cleaned}' already exists. Pick another name.") from exc
            raise

    def delete_profile(self, profile_id: int) -> None:
        """Delete a profile and everything it owns. The last profile cannot be deleted."""
        with self._tx("delete the profile") as conn:
            count = conn.execute(select(func.count()).select_from(profiles)).scalar_one()
            if count <= 1:
                raise ProfileError("This is the only profile; create another one before deleting it.")
            # Explicit child deletes so databases without ON DELETE CASCADE behave the same.
            for table in (level_changes, player_sessions, function_ratings, function_activities, pain_entries,
                          routine_sessions, form_checks, quiz_results, safety_checks):
                conn.execute(delete(table).where(table.c.profile_id == profile_id))
            conn.execute(delete(profiles).where(profiles.c.id == profile_id))

    # ------------------------------------------------------------------ safety checks

    def save_safety_check(self, profile_id: int, level: str, flags: list[str], answers: dict[str, bool],
                          taken_at: datetime | None = None) -> int:
        with self._tx("save the safety check") as conn:
            return conn.execute(insert(safety_checks).values(
                profile_id=profile_id, taken_at=taken_at or datetime.now(), level=level,
                flags=list(flags), answers=dict(answers),
            )).inserted_primary_key[0]

    def latest_safety_check(self, profile_id: int) -> dict | None:
        return self._latest(safety_checks, profile_id, "read the safety check")

    # ------------------------------------------------------------------ quiz results

    def save_quiz_result(self, profile_id: int, answers: dict[str, str], result: dict,
                         taken_at: datetime | None = None) -> int:
        with self._tx("save the quiz result") as conn:
            return conn.execute(insert(quiz_results).values(
                profile_id=profile_id, taken_at=taken_at or datetime.now(), verdict=result["verdict"],
                leading=list(result["leading"]), answers=dict(answers), result=result,
            )).inserted_primary_key[0]

    def quiz_history(self, profile_id: int) -> list[dict]:
        return self._all(quiz_results, profile_id, "read the quiz history")

    def latest_quiz_result(self, profile_id: int) -> dict | None:
        return self._latest(quiz_results, profile_id, "read the quiz result")

    # ------------------------------------------------------------------ form checks (form check screen)

    # A form check stores ``faults`` as {movement id: [ticked fault ids]}. Only the
    # movements the person checked are keys; an empty list means "checked, no fault
    # found", a missing movement means "skipped this time". Use
    # backcheck.form_check.ticked_ids(check) for the flat list of ticked ids; the
    # page validates ids against the content (backcheck.form_check.clean_check) first.

    def save_form_check(self, profile_id: int, faults: dict[str, list[str]],
                        taken_at: datetime | None = None) -> int:
        if not isinstance(faults, dict) or not all(
            isinstance(k, str) and isinstance(v, (list, tuple)) and all(isinstance(i, str) for i in v)
            for k, v in faults.items()
        ):
            raise ValueError("A form check must map each checked movement to a list of fault ids. Nothing was saved.")
        if not faults:
            raise ValueError("Check at least one movement before saving. Nothing was saved.")
        clean = {k: list(dict.fromkeys(v)) for k, v in faults.items()}
        with self._tx("save the form check") as conn:
            return conn.execute(insert(form_checks).values(
                profile_id=profile_id, taken_at=taken_at or datetime.now(), faults=clean,
            )).inserted_primary_key[0]

    def form_check_history(self, profile_id: int) -> list[dict]:
        """The profile's form checks, newest first (id, profile_id, taken_at, faults)."""
        return self._all(form_checks, profile_id, "read the form checks")

    def latest_form_check(self, profile_id: int) -> dict | None:
        return self._latest(form_checks, profile_id, "read the form check")

    # ------------------------------------------------------------------ routine sessions
    # Written by the routine screen ("Mark today's session done"); read by the pain log
    # (chart marks, sessions per week), the clinician report and Home.

    def save_routine_session(self, profile_id: int, minutes: int, inputs: dict,
                             done_at: datetime | None = None) -> int:
        """Record one routine session done; ``inputs`` is whatever the routine was built from."""
        with self._tx("save the routine session") as conn:
            return conn.execute(insert(routine_sessions).values(
                profile_id=profile_id, done_at=done_at or datetime.now(), minutes=int(minutes), inputs=dict(inputs),
            )).inserted_primary_key[0]

    def routine_sessions(self, profile_id: int) -> list[dict]:
        """The profile's routine sessions, newest first (id, profile_id, done_at, minutes, inputs)."""
        query = (select(routine_sessions).where(routine_sessions.c.profile_id == profile_id)
                 .order_by(routine_sessions.c.done_at.desc(), routine_sessions.c.id.desc()))
        with self._tx("read the routine sessions") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def delete_routine_session(self, profile_id: int, session_id: int) -> bool:
        with self._tx("delete the routine session") as conn:
            return conn.execute(delete(routine_sessions).where(
                routine_sessions.c.profile_id == profile_id, routine_sessions.c.id == session_id)).rowcount > 0

    # ------------------------------------------------------------------ session player

    def start_player_session(self, profile_id: int, plan: dict, state: dict, inputs: dict,
                             now: datetime | None = None) -> int:
        """Start a player session; any other unfinished one of the profile is set aside (abandoned)."""
        now = now or datetime.now()
        with self._tx("start the session") as conn:
            conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.status == "active",
            ).values(status="abandoned", updated_at=now))
            return conn.execute(insert(player_sessions).values(
                profile_id=profile_id, started_at=now, updated_at=now, status="active", plan=dict(plan),
                state=dict(state), inputs=dict(inputs), pain_before=state.get("pain_before"),
            )).inserted_primary_key[0]

    def active_player_session(self, profile_id: int) -> dict | None:
        """The profile's session in progress (newest), or None."""
        query = (select(player_sessions).where(player_sessions.c.profile_id == profile_id,
                                               player_sessions.c.status == "active")
                 .order_by(player_sessions.c.started_at.desc(), player_sessions.c.id.desc()).limit(1))
        with self._tx("read the session in progress") as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    def save_player_state(self, profile_id: int, session_id: int, state: dict) -> bool:
        """Save the player's state (after every step). False if the session is no longer in progress."""
        with self._tx("save your progress in the session") as conn:
            return conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.id == session_id,
                player_sessions.c.status == "active",
            ).values(state=dict(state), updated_at=datetime.now())).rowcount > 0

    def abandon_player_session(self, profile_id: int, session_id: int) -> bool:
        with self._tx("set the session aside") as conn:
            return conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.id == session_id,
                player_sessions.c.status == "active",
            ).values(status="abandoned", updated_at=datetime.now())).rowcount > 0

    def finish_player_session(self, profile_id: int, session_id: int, state: dict, pain_after: int, effort: str,
                              results: list[dict], minutes: int, changes: list[dict],
                              now: datetime | None = None) -> int:
        """Record a finished session in one transaction: the player record, a routine session (so it
        counts towards the week) and the level changes it caused. Returns the routine session id.

        changes: dicts with exercise, from_level, level, reason. StorageError if the session was
        already recorded or set aside (nothing is written then).
        """
        now = now or datetime.now()
        with self._tx("record the session") as conn:
            row = conn.execute(select(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.id == session_id)).mappings().first()
            if row is None or row["status"] != "active":
                raise StorageError("This session was already recorded or set aside (perhaps in another window). "
                                   "Nothing was changed.")
            rs_id = conn.execute(insert(routine_sessions).values(
                profile_id=profile_id, done_at=now, minutes=max(1, int(minutes)),
                inputs={**dict(row["inputs"] or {}), "player_session": session_id},
            )).inserted_primary_key[0]
            conn.execute(update(player_sessions).where(player_sessions.c.id == session_id).values(
                status="finished", finished_at=now, updated_at=now, state=dict(state), pain_after=int(pain_after),
                effort=effort, results=list(results), routine_session_id=rs_id))
            if changes:
                conn.execute(insert(level_changes), [
                    {"profile_id": profile_id, "exercise": c["exercise"], "changed_at": now,
                     "from_level": int(c["from_level"]), "level": int(c["level"]), "reason": str(c["reason"])[:200],
                     "session_id": session_id} for c in changes])
        return rs_id

    def finished_player_sessions(self, profile_id: int) -> list[dict]:
        """The profile's recorded player sessions, oldest first."""
        query = (select(player_sessions).where(player_sessions.c.profile_id == profile_id,
                                               player_sessions.c.status == "finished")
                 .order_by(player_sessions.c.finished_at, player_sessions.c.id))
        with self._tx("read the recorded sessions") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def level_changes(self, profile_id: int) -> list[dict]:
        """Every level change of the profile's exercises, oldest first."""
        query = (select(level_changes).where(level_changes.c.profile_id == profile_id)
                 .order_by(level_changes.c.changed_at, level_changes.c.id))
        with self._tx("read the exercise levels") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    # ------------------------------------------------------------------ pain log, function scores, demo

    # Pain entries: the values arrive already checked (backcheck.painlog.validate_entry).

    @staticmethod
    def _entry_values(recorded_at: datetime, pain: int, activity: str, location: str, notes: str) -> dict:
        return {"recorded_at": recorded_at, "pain": int(pain), "activity": activity, "location": location,
                "notes": notes or ""}

    def add_pain_entry(self, profile_id: int, recorded_at: datetime, pain: int, activity: str, location: str,
                       notes: str = "") -> int:
        with self._tx("save the pain entry") as conn:
            return conn.execute(insert(pain_entries).values(
                profile_id=profile_id, created_at=datetime.now(),
                **self._entry_values(recorded_at, pain, activity, location, notes),
            )).inserted_primary_key[0]

    def update_pain_entry(self, profile_id: int, entry_id: int, recorded_at: datetime, pain: int, activity: str,
                          location: str, notes: str = "") -> bool:
        """Change an entry; False if it does not exist (any more) for this profile."""
        with self._tx("save the changed entry") as conn:
            return conn.execute(update(pain_entries).where(
                pain_entries.c.profile_id == profile_id, pain_entries.c.id == entry_id,
            ).values(**self._entry_values(recorded_at, pain, activity, location, notes))).rowcount > 0

    def delete_pain_entry(self, profile_id: int, entry_id: int) -> dict | None:
        """Delete an entry and return it (so the page can offer undo); None if it was not there."""
        where = (pain_entries.c.profile_id == profile_id, pain_entries.c.id == entry_id)
        with self._tx("delete the entry") as conn:
            row = conn.execute(select(pain_entries).where(*where)).mappings().first()
            if row is None:
                return None
            conn.execute(delete(pain_entries).where(*where))
        return dict(row)

    def restore_pain_entry(self, row: dict) -> int:
        """Put back an entry returned by delete_pain_entry (same id when it is still free)."""
        values = {k: row[k] for k in ("profile_id", "recorded_at", "pain", "activity", "location", "notes", "created_at")}
        with self._tx("undo the delete") as conn:
            taken = conn.execute(select(pain_entries.c.id).where(pain_entries.c.id == row["id"])).first()
            if not taken:
                values["id"] = row["id"]
            return conn.execute(insert(pain_entries).values(**values)).inserted_primary_key[0]

    def pain_entries(self, profile_id: int) -> list[dict]:
        """The profile's pain entries, oldest first."""
        query = (select(pain_entries.c.id, pain_entries.c.recorded_at, pain_entries.c.pain, pain_entries.c.activity,
                        pain_entries.c.location, pain_entries.c.notes)
                 .where(pain_entries.c.profile_id == profile_id)
                 .order_by(pain_entries.c.recorded_at, pain_entries.c.id))
        with self._tx("read the pain log") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def latest_pain_entry(self, profile_id: int) -> dict | None:
        query = (select(pain_entries).where(pain_entries.c.profile_id == profile_id)
                 .order_by(pain_entries.c.recorded_at.desc(), pain_entries.c.id.desc()).limit(1))
        with self._tx("read the pain log") as conn:
            row = conn.execute(query).mappings().first()
        return dict(row) if row else None

    @staticmethod
    def entry_key(row: dict) -> tuple:
        """What makes two entries the same entry (for duplicate-free imports)."""
        return (row["recorded_at"], int(row["pain"]), row["activity"], row["location"], row.get("notes") or "")

    def import_pain_entries(self, profile_id: int, rows: list[dict]) -> tuple[int, int]:
        """Add checked entries in one transaction, skipping any already in the log.

        Returns (added, skipped as duplicates). Either every new row is written or none is.
        """
        with self._tx("import the entries") as conn:
            existing = {self.entry_key(dict(r)) for r in conn.execute(
                select(pain_entries.c.recorded_at, pain_entries.c.pain, pain_entries.c.activity,
                       pain_entries.c.location, pain_entries.c.notes).where(pain_entries.c.profile_id == profile_id)
            ).mappings()}
            now = datetime.now()
            new: list[dict] = []
            for row in rows:
                key = self.entry_key(row)
                if key in existing:
                    continue
                existing.add(key)
                new.append({"profile_id": profile_id, "created_at": now,
                            **self._entry_values(row["recorded_at"], row["pain"], row["activity"],
                                                 row["location"], row.get("notes") or "")})
            if new:
                conn.execute(insert(pain_entries), new)
        return len(new), len(rows) - len(new)

    # Function scores: up to a few activities per profile, each re-rated 0-10 over time.

    def function_activities(self, profile_id: int) -> list[dict]:
        query = (select(function_activities).where(function_activities.c.profile_id == profile_id)
                 .order_by(function_activities.c.id))
        with self._tx("read the function scores") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def add_function_activity(self, profile_id: int, name: str, limit: int) -> int:
        """Add a named activity (already cleaned); ValueError if the profile has `limit` or it exists."""
        with self._tx("add the activity") as conn:
            names = [r[0] for r in conn.execute(select(function_activities.c.name)
                                                 .where(function_activities.c.profile_id == profile_id))]
            if len(names) >= limit:
                raise ValueError(f"You can follow at most {limit} activities. Remove one before adding another.")
            clash = next((n for n in names if same_name(n, name)), None)
            if clash is not None:
                raise ValueError(f"'{name}' is already on your list.")
            return conn.execute(insert(function_activities).values(
                profile_id=profile_id, name=name, created_at=datetime.now())).inserted_primary_key[0]

    def remove_function_activity(self, profile_id: int, activity_id: int) -> None:
        """Remove an activity and all its ratings."""
        with self._tx("remove the activity") as conn:
            conn.execute(delete(function_ratings).where(function_ratings.c.profile_id == profile_id,
                                                        function_ratings.c.activity_id == activity_id))
            conn.execute(delete(function_activities).where(function_activities.c.profile_id == profile_id,
                                                           function_activities.c.id == activity_id))

    def rate_functions(self, profile_id: int, scores: dict[int, int], rated_at: datetime | None = None) -> None:
        """Save one rating per activity id (0-10), all at the same moment, in one transaction."""
        when = rated_at or datetime.now()
        with self._tx("save the function scores") as conn:
            owned = {r[0] for r in conn.execute(select(function_activities.c.id)
                                                .where(function_activities.c.profile_id == profile_id))}
            rows = [{"profile_id": profile_id, "activity_id": aid, "rated_at": when, "score": int(score)}
                    for aid, score in scores.items() if aid in owned]
            if rows:
                conn.execute(insert(function_ratings), rows)

    def function_ratings(self, profile_id: int) -> list[dict]:
        """Every rating with its activity name, oldest first (activity_id, name, rated_at, score)."""
        query = (select(function_ratings.c.id, function_ratings.c.activity_id, function_activities.c.name,
                        function_ratings.c.rated_at, function_ratings.c.score)
                 .join(function_activities, function_activities.c.id == function_ratings.c.activity_id)
                 .where(function_ratings.c.profile_id == profile_id)
                 .order_by(function_ratings.c.rated_at, function_ratings.c.id))
        with self._tx("read the function scores") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    # Profiles page and demo patient.

    def profile_counts(self) -> dict[int, dict[str, int]]:
        """Per profile id: how many pain entries, routine sessions and quiz results it holds."""
        out: dict[int, dict[str, int]] = {}
        with self._tx("read the profiles") as conn:
            for key, table in (("entries", pain_entries), ("sessions", routine_sessions), ("quizzes", quiz_results)):
                for pid, n in conn.execute(select(table.c.profile_id, func.count()).group_by(table.c.profile_id)):
                    out.setdefault(pid, {"entries": 0, "sessions": 0, "quizzes": 0})[key] = n
        return out

    def create_demo_profile(self, name: str, data: dict) -> Profile:
        """Create a demo profile with all its data in one transaction (all or nothing).

        ``data`` (see backcheck.demo.demo_data) has lists under "pain_entries",
        "routine_sessions", "function_activities" (name, created_at, ratings), "safety_checks",
        "quiz_results" and "form_checks", each row without profile_id.
        """
        cleaned = self.clean_profile_name(name)
        now = datetime.now()
        with self._tx("load the demo patient") as conn:
            self._check_name_free(conn, cleaned)
            pid = conn.execute(insert(profiles).values(name=cleaned, is_demo=True, created_at=now)).inserted_primary_key[0]
            own = {"profile_id": pid}
            if data.get("pain_entries"):
                conn.execute(insert(pain_entries), [{**own, "created_at": now, **self._entry_values(
                    r["recorded_at"], r["pain"], r["activity"], r["location"], r.get("notes", ""))}
                    for r in data["pain_entries"]])
            if data.get("routine_sessions"):
                conn.execute(insert(routine_sessions), [{**own, **r} for r in data["routine_sessions"]])
            for act in data.get("function_activities", []):
                aid = conn.execute(insert(function_activities).values(
                    **own, name=act["name"], created_at=act["created_at"])).inserted_primary_key[0]
                if act.get("ratings"):
                    conn.execute(insert(function_ratings), [{**own, "activity_id": aid, **r} for r in act["ratings"]])
            for r in data.get("safety_checks", []):
                conn.execute(insert(safety_checks).values(**own, **r))
            for r in data.get("quiz_results", []):
                conn.execute(insert(quiz_results).values(**own, **r))
            for r in data.get("form_checks", []):
                conn.execute(insert(form_checks).values(**own, **r))
        profile = self.get_profile(pid)
        assert profile is not None
        return profile

    def remove_demo_profiles(self) -> int:
        """Delete every demo profile and its data (other profiles untouched). Returns how many.

        If only demo profiles existed, a fresh default profile takes their place.
        """
        with self._tx("remove the demo patient") as conn:
            ids = [r[0] for r in conn.execute(select(profiles.c.id).where(profiles.c.is_demo.is_(True)))]
            if not ids:
                return 0
            for table in (level_changes, player_sessions, function_ratings, function_activities, pain_entries,
                          routine_sessions, form_checks, quiz_results, safety_checks):
                conn.execute(delete(table).where(table.c.profile_id.in_(ids)))
            conn.execute(delete(profiles).where(profiles.c.id.in_(ids)))
            if conn.execute(select(func.count()).select_from(profiles)).scalar_one() == 0:
                conn.execute(insert(profiles).values(name=DEFAULT_PROFILE, is_demo=False, created_at=datetime.now()))
        return len(ids)


    # ------------------------------------------------------------------ helpers

    def _all(self, table: Table, profile_id: int, action: str, limit: int | None = None) -> list[dict]:
        """A profile's rows of a dated table, newest first."""
        order = table.c.taken_at if "taken_at" in table.c else table.c.id
        query = select(table).where(table.c.profile_id == profile_id).order_by(order.desc(), table.c.id.desc())
        with self._tx(action) as conn:
            rows = conn.execute(query.limit(limit) if limit else query).mappings().all()
        return [dict(r) for r in rows]

    def _latest(self, table: Table, profile_id: int, action: str) -> dict | None:
        rows = self._all(table, profile_id, action, limit=1)
        return rows[0] if rows else None

    def progress(self, profile_id: int) -> dict[str, datetime | None]:
        """When each step was last done for the profile (None = not yet)."""
        out: dict[str, datetime | None] = {}
        with self._tx("read your progress") as conn:
            for key, table, col in (("safety", safety_checks, safety_checks.c.taken_at),
                                    ("quiz", quiz_results, quiz_results.c.taken_at),
                                    ("form", form_checks, form_checks.c.taken_at),
                                    ("session", routine_sessions, routine_sessions.c.done_at),
                                    ("pain", pain_entries, pain_entries.c.recorded_at)):
                out[key] = conn.execute(select(func.max(col)).where(table.c.profile_id == profile_id)).scalar_one()
        return out

    # ------------------------------------------------------------------ pain-log aggregates and data versions
    # Read-only methods for the pain-log screen and the clinician report: the database does the
    # grouping, so what crosses into Python grows with the days shown, not with the entries.

    def data_version(self, profile_id: int) -> str:
        """A token that changes with every committed write to the profile's rows (any process).

        Caches key on it (with the profile id), so a chart is never older than the last write.
        """
        keys = (DATA_VERSION_KEY, f"{DATA_VERSION_KEY}:{profile_id}")
        with self._tx("read the pain log") as conn:
            found = dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys))).all())
        return "|".join(found.get(k, "0") for k in keys)

    def pain_stats(self, profile_id: int, start: datetime | None = None, end: datetime | None = None) -> dict:
        """count, first and last recorded_at of the profile's entries (optionally in [start, end))."""
        c = pain_entries.c
        query = select(func.count(), func.min(c.recorded_at), func.max(c.recorded_at)).where(
            *_pain_window(profile_id, start, end))
        with self._tx("read the pain log") as conn:
            n, first, last = conn.execute(query).one()
        return {"count": int(n), "first": _as_datetime(first), "last": _as_datetime(last)}

    def pain_daily(self, profile_id: int, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
        """One row per logged calendar day, oldest first: day (date), pain (mean), entries (count)."""
        c = pain_entries.c
        day = func.date(c.recorded_at).label("day")
        query = (select(day, func.avg(c.pain).label("pain"), func.count().label("entries"))
                 .where(*_pain_window(profile_id, start, end)).group_by(day).order_by(day))
        with self._tx("read the pain log") as conn:
            return [{"day": _as_date(d), "pain": float(p), "entries": int(n)} for d, p, n in conn.execute(query)]

    def pain_activity_days(self, profile_id: int) -> dict[str, tuple[int, float]]:
        """Per activity: (days with it, sum of those days' daily mean pain), computed in the database."""
        c = pain_entries.c
        day = func.date(c.recorded_at)
        daily = (select(day.label("day"), func.avg(c.pain).label("pain")).where(c.profile_id == profile_id)
                 .group_by(day).subquery())
        act = select(day.label("day"), c.activity).where(c.profile_id == profile_id).distinct().subquery()
        query = (select(act.c.activity, func.count(), func.sum(daily.c.pain))
                 .join_from(act, daily, act.c.day == daily.c.day).group_by(act.c.activity))
        with self._tx("read the pain log") as conn:
            return {a: (int(n), float(s)) for a, n, s in conn.execute(query)}

    def pain_entries_between(self, profile_id: int, start: datetime | None = None, end: datetime | None = None,
                             limit: int | None = None, newest_first: bool = False,
                             columns: tuple[str, ...] = ("id", "recorded_at", "pain", "activity", "location", "notes"),
                             ) -> list[dict]:
        """The profile's entries with start <= recorded_at < end (either may be None), in time order."""
        c = pain_entries.c
        order = (c.recorded_at.desc(), c.id.desc()) if newest_first else (c.recorded_at, c.id)
        query = select(*(c[name] for name in columns)).where(*_pain_window(profile_id, start, end)).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        with self._tx("read the pain log") as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def session_times(self, profile_id: int, start: datetime | None = None) -> list[datetime]:
        """When each routine session was done, oldest first (optionally from start on)."""
        c = routine_sessions.c
        query = select(c.done_at).where(c.profile_id == profile_id)
        if start is not None:
            query = query.where(c.done_at >= start)
        with self._tx("read the routine sessions") as conn:
            return [_as_datetime(r[0]) for r in conn.execute(query.order_by(c.done_at))]


DATA_VERSION_KEY = "data_version"
_WRITTEN = "backcheck_written_profiles"


def _pain_window(profile_id: int, start: datetime | None, end: datetime | None) -> list:
    c = pain_entries.c
    where = [c.profile_id == profile_id]
    if start is not None:
        where.append(c.recorded_at >= start)
    if end is not None:
        where.append(c.recorded_at < end)
    return where


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_date(value: Any):
    from datetime import date as _date

    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, _date):
        return value
    return _date.fromisoformat(str(value)[:10])


def _track_writes(engine: Engine) -> None:
    """Note, per connection, which profiles an INSERT/UPDATE/DELETE touched (see Store.data_version)."""

    @event.listens_for(engine, "after_cursor_execute")
    def _note(conn: Connection, _cursor: Any, _stmt: Any, _params: Any, context: Any, _many: bool) -> None:
        if not (context.isinsert or context.isupdate or context.isdelete) or context.compiled is None:
            return
        table = getattr(context.compiled.statement, "table", None)
        if table is None or "profile_id" not in getattr(table, "c", ()):
            return
        written = conn.info.setdefault(_WRITTEN, set())
        for params in context.compiled_parameters or [{}]:
            found = False
            for name, value in params.items():
                if name == "profile_id" or name.startswith("profile_id_"):
                    found = True
                    written.update(value if isinstance(value, (list, tuple, set)) else [value])
            if not found:
                written.add(None)  # a write we cannot place: every profile's version moves


def _bump_data_versions(conn: Connection) -> None:
    """In the writing transaction: give each touched profile a new data version."""
    written = conn.info.pop(_WRITTEN, None)
    if not written:
        return
    token = uuid.uuid4().hex[:16]
    keys = [DATA_VERSION_KEY] if None in written else [f"{DATA_VERSION_KEY}:{pid}" for pid in sorted(written)]
    for key in keys:
        if conn.execute(update(meta).where(meta.c.key == key).values(value=token)).rowcount == 0:
            conn.execute(insert(meta).values(key=key, value=token))
