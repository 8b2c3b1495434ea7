"""All persistence, behind one small module (SQLAlchemy Core).

The default store is an SQLite file (``data/backcheck.db``), created on first use;
``BACKCHECK_DB_PATH`` moves the file and ``BACKCHECK_DB_URL`` takes any SQLAlchemy URL
(e.g. ``postgresql+psycopg://user:pw@host/db``). Every stored row belongs to a profile.

Each write runs in one transaction, so a failure leaves nothing half-written; database
errors surface as :class:`StorageError` with a message meant for people. The data access
lives in small repositories by aggregate (:mod:`backcheck.repos`), reached from the store:
``store.profiles``, ``store.pain``, ``store.sessions``...
Schema changes are Alembic migrations (backcheck/migrations), run when the store opens, under a
migration lock so that two servers never run them twice; the SQLite file is copied aside before
a migration changes it.
"""

from __future__ import annotations

import os
from functools import lru_cache
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

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
    UniqueConstraint,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from . import migrations as _mig
from .profiles import PROFILE_NAME_MAX, ProfileError

if TYPE_CHECKING:
    from .repos import (
        FormCheckRepository,
        FunctionRepository,
        PainRepository,
        PlayerRepository,
        ProfileRepository,
        QuizRepository,
        RoutineSessionRepository,
        SafetyRepository,
    )

try:
    import fcntl
except ImportError:  # Windows: no flock; the migration transaction's own re-check still guards it
    fcntl = None  # type: ignore[assignment]

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_DIR / "data" / "backcheck.db"
DEFAULT_PROFILE = "Me"
ACCOUNT_KEY_MAX = 512  # issuer URL + "#" + subject (OpenID Connect allows a subject of up to 255 characters)
_WRITE = "backcheck_write"  # execution option: this transaction writes (BEGIN IMMEDIATE on SQLite)


class StorageError(Exception):
    """Reading or writing the store failed; the message is safe to show to a person."""


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
    # the owner: "" for a local install, issuer + subject of the signed-in account in hosted mode (backcheck.auth)
    Column("account", String(ACCOUNT_KEY_MAX), nullable=False, default=""),
    Column("name", String(PROFILE_NAME_MAX), nullable=False),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("account", "name"),  # names are unique within an account (profiles_account_key)
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
SCHEMA_VERSION = 4
HEAD_REVISION = f"{SCHEMA_VERSION:04d}"
# Databases made before Alembic keep their schema version in meta ("schema_version"); such a
# database is stamped at the matching revision, then upgraded like any other.
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0003"}  # the versions made before Alembic
SCHEMA_VERSION_KEY = "schema_version"
MIGRATION_LOCK_KEY = 0x4241434B434B  # pg_advisory_lock key ("BACKCK"): one migrator per database


def database_url() -> str:
    """The configured SQLAlchemy URL: BACKCHECK_DB_URL, else the SQLite file path."""
    url = os.environ.get("BACKCHECK_DB_URL", "").strip()
    if url:
        return url
    return _sqlite_url(os.environ.get("BACKCHECK_DB_PATH", "").strip() or str(DEFAULT_DB_PATH), os.getcwd())


@lru_cache(maxsize=64)
def _sqlite_url(raw: str, cwd: str) -> str:
    """The SQLite URL of a path (resolved once per path and working folder: screens ask many times a run)."""
    return f"sqlite:///{Path(raw).expanduser().resolve()}"


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


class _Repository:
    """A store attribute that makes the named repository of backcheck.repos on first use (once per store)."""

    def __init__(self, class_name: str) -> None:
        self.class_name = class_name

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, store: Store | None, owner: type) -> Any:
        if store is None:
            return self
        from . import repos

        repo = store.__dict__[self.name] = getattr(repos, self.class_name)(store)
        return repo


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

    # ------------------------------------------------------------------ repositories
    # The data access, one repository per aggregate (backcheck.repos), each taking and returning
    # the core's typed records. Made on first use: backcheck.repos builds on this module.

    profiles: ProfileRepository = _Repository("ProfileRepository")  # type: ignore[assignment]
    safety: SafetyRepository = _Repository("SafetyRepository")  # type: ignore[assignment]
    quiz: QuizRepository = _Repository("QuizRepository")  # type: ignore[assignment]
    form_checks: FormCheckRepository = _Repository("FormCheckRepository")  # type: ignore[assignment]
    sessions: RoutineSessionRepository = _Repository("RoutineSessionRepository")  # type: ignore[assignment]
    player: PlayerRepository = _Repository("PlayerRepository")  # type: ignore[assignment]
    pain: PainRepository = _Repository("PainRepository")  # type: ignore[assignment]
    functions: FunctionRepository = _Repository("FunctionRepository")  # type: ignore[assignment]

    def profiles_of(self, account: str) -> ProfileRepository:
        """The profiles of one account (hosted mode: the signed-in one; ``profiles`` is the local account's)."""
        if not account:
            return self.profiles
        from .repos import ProfileRepository

        return ProfileRepository(self, account)

    # ------------------------------------------------------------------ data versions

    def data_version(self, profile_id: int) -> str:
        """A token that changes with every committed write to the profile's rows (any process).

        Caches key on it (with the profile id), so a chart is never older than the last write.
        """
        keys = [DATA_VERSION_KEY, f"{DATA_VERSION_KEY}:{profile_id}"]
        found = self._version_tokens(keys, "read the pain log")
        return "|".join(found.get(k, "0") for k in keys)

    def data_versions(self, profile_ids: Iterable[int]) -> str:
        """One token for several profiles (data_version of each, in one read): it changes when any of
        them is written. A cache of counts across an account's profiles keys on it."""
        keys = [DATA_VERSION_KEY, *(f"{DATA_VERSION_KEY}:{pid}" for pid in sorted(set(profile_ids)))]
        found = self._version_tokens(keys, "read the profiles")
        return "|".join(f"{k}={found.get(k, '0')}" for k in keys)

    def _version_tokens(self, keys: list[str], action: str) -> dict[str, str]:
        with self._tx(action) as conn:
            return dict(conn.execute(select(meta.c.key, meta.c.value).where(meta.c.key.in_(keys))).all())


DATA_VERSION_KEY = "data_version"
_WRITTEN = "backcheck_written_profiles"


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
        every = context.compiled_parameters or [{}]  # one statement: each parameter set has the same names
        names = [name for name in every[0] if name == "profile_id" or name.startswith("profile_id_")]
        if not names:
            written.add(None)  # a write we cannot place: every profile's version moves
        for name in names:
            for params in every:  # an import inserts 100,000 rows at once: no more than this per row
                value = params[name]
                if isinstance(value, (list, tuple, set)):
                    written.update(value)
                else:
                    written.add(value)


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
