"""Repositories: the store's data access, one small class per aggregate, in the core's types.

Reached from the store (``store.pain.add(pid, entry)``, ``store.profiles.list()``); the
:class:`~backcheck.storage.Store` keeps the engine, the transactions, the data versions, the
errors and the schema. Each repository takes and returns the typed objects the core defines
(``PainEntry``/``LoggedEntry`` in painlog, ``SafetyCheck`` in safety, ``QuizRecord`` in quiz,
``FormCheckRecord`` in form_check, ``RoutineSession``/``PlayerSessionRecord`` in player,
``LevelChange`` in progression, ``Profile`` in profiles); the rules those objects follow live
in the core too, so a repository only reads and writes. Every method is one transaction.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Generic, Iterable, TypeVar

import pandas as pd
from sqlalchemy import String, Table, delete, func, insert, select, type_coerce, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .demo import DemoData
from .form_check import FormCheckRecord, check_faults
from .painlog import (
    KEY_COLUMNS,
    CheckedEntries,
    DailyPain,
    FunctionActivity,
    FunctionRating,
    LoggedEntry,
    PainEntry,
    PainStats,
    check_new_activity,
    clean_function_name,
    entry_key,
    repeated,
)
from .player import Plan, PlayerSessionRecord, PlayerState, RoutineSession
from .profiles import Profile, ProfileCounts, ProfileError, Progress, clean_profile_name, name_taken_message
from .progression import LevelChange
from .quiz import QuizRecord
from .safety import SafetyCheck
from .storage import (
    DEFAULT_PROFILE,
    StorageError,
    form_checks,
    function_activities,
    function_ratings,
    level_changes,
    pain_entries,
    player_sessions,
    profiles,
    quiz_results,
    routine_sessions,
    safety_checks,
)
from .text import same_name

if TYPE_CHECKING:
    from .storage import Store

T = TypeVar("T")
R = TypeVar("R")

# A profile's rows, children first (explicit deletes, so databases without ON DELETE CASCADE behave the same).
OWNED_TABLES = (level_changes, player_sessions, function_ratings, function_activities, pain_entries,
                routine_sessions, form_checks, quiz_results, safety_checks)


def _record(cls: type[T], row: Any) -> T:
    """A typed record from a database row (columns the record does not name are left out)."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in row.items() if k in names})


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


class _Repository:
    def __init__(self, store: Store) -> None:
        self._store = store

    def _tx(self, action: str):
        return self._store._tx(action)

    def _newest(self, table: Table, order, profile_id: int, action: str, limit: int | None = None) -> list:
        """A profile's rows of a dated table, newest first."""
        query = select(table).where(table.c.profile_id == profile_id).order_by(order.desc(), table.c.id.desc())
        with self._tx(action) as conn:
            return list(conn.execute(query.limit(limit) if limit else query).mappings().all())


# --------------------------------------------------------------------------- profiles


class ProfileRepository(_Repository):
    """Profiles: list, create, rename, delete; the demo patient; what each holds and has done.

    A repository sees one account's profiles only (``account``: "" for a local install, the
    signed-in account's key in hosted mode, see backcheck.auth): another account's profile is
    neither listed, found, renamed nor deleted through it. ``store.profiles`` is the local
    account's; ``store.profiles_of(account)`` any other's. The data repositories take a profile
    id, which the screens only ever get from this list.
    """

    def __init__(self, store: Store, account: str = "") -> None:
        super().__init__(store)
        self.account = account

    @property
    def _mine(self):
        return profiles.c.account == self.account

    def list(self) -> list[Profile]:
        with self._tx("read the profiles") as conn:
            rows = conn.execute(select(profiles).where(self._mine)
                                .order_by(profiles.c.is_demo, profiles.c.id)).mappings().all()
        return [Profile(**r) for r in rows]

    def list_or_start(self) -> list[Profile]:
        """The account's profiles; an account with none (a first sign-in) gets the default one first."""
        found = self.list()
        if found:
            return found
        try:
            with self._tx("create your first profile") as conn:
                if conn.execute(select(func.count()).select_from(profiles).where(self._mine)).scalar_one() == 0:
                    conn.execute(insert(profiles).values(account=self.account, name=DEFAULT_PROFILE, is_demo=False,
                                                         created_at=datetime.now()))
        except StorageError as exc:  # another tab of the same person made it in the same instant
            if not isinstance(exc.__cause__, IntegrityError):
                raise
        return self.list()

    def get(self, profile_id: int) -> Profile | None:
        with self._tx("read the profile") as conn:
            row = conn.execute(select(profiles).where(profiles.c.id == profile_id, self._mine)).mappings().first()
        return Profile(**row) if row else None

    def _check_name_free(self, conn: Connection, name: str, except_id: int | None = None) -> None:
        """Names count as the same regardless of case and width ("SAM", "ｓａｍ" and "sam")."""
        for pid, other in conn.execute(select(profiles.c.id, profiles.c.name).where(self._mine)):
            if pid != except_id and same_name(other, name):
                raise ProfileError(name_taken_message(name))

    def _check_mine(self, conn: Connection, profile_id: int) -> None:
        if conn.execute(select(profiles.c.id).where(profiles.c.id == profile_id, self._mine)).first() is None:
            raise ProfileError("That profile does not exist (any more). Reload the page to see your profiles.")

    def create(self, name: str, is_demo: bool = False) -> Profile:
        cleaned = clean_profile_name(name)
        try:
            with self._tx("create the profile") as conn:
                self._check_name_free(conn, cleaned)
                pid = conn.execute(
                    insert(profiles).values(account=self.account, name=cleaned, is_demo=is_demo,
                                            created_at=datetime.now())
                ).inserted_primary_key[0]
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ProfileError(name_taken_message(cleaned)) from exc
            raise
        profile = self.get(pid)
        assert profile is not None
        return profile

    def rename(self, profile_id: int, name: str) -> None:
        cleaned = clean_profile_name(name)
        try:
            with self._tx("rename the profile") as conn:
                self._check_mine(conn, profile_id)
                self._check_name_free(conn, cleaned, except_id=profile_id)
                conn.execute(update(profiles).where(profiles.c.id == profile_id, self._mine).values(name=cleaned))
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ProfileError(name_taken_message(cleaned)) from exc
            raise

    def delete(self, profile_id: int) -> None:
        """Delete a profile and everything it owns. The account's last profile cannot be deleted."""
        with self._tx("delete the profile") as conn:
            self._check_mine(conn, profile_id)
            count = conn.execute(select(func.count()).select_from(profiles).where(self._mine)).scalar_one()
            if count <= 1:
                raise ProfileError("This is the only profile; create another one before deleting it.")
            for table in OWNED_TABLES:
                conn.execute(delete(table).where(table.c.profile_id == profile_id))
            conn.execute(delete(profiles).where(profiles.c.id == profile_id, self._mine))

    def counts(self) -> dict[int, ProfileCounts]:
        """Per profile id of the account: how many pain entries, routine sessions and quiz results it holds."""
        out: dict[int, dict[str, int]] = {}
        mine = select(profiles.c.id).where(self._mine)
        with self._tx("read the profiles") as conn:
            for key, table in (("entries", pain_entries), ("sessions", routine_sessions), ("quizzes", quiz_results)):
                for pid, n in conn.execute(select(table.c.profile_id, func.count())
                                           .where(table.c.profile_id.in_(mine)).group_by(table.c.profile_id)):
                    out.setdefault(pid, {})[key] = n
        return {pid: ProfileCounts(**c) for pid, c in out.items()}

    def progress(self, profile_id: int) -> Progress:
        """When each step was last done for the profile (None = not yet)."""
        out: dict[str, datetime | None] = {}
        with self._tx("read your progress") as conn:
            for key, table, col in (("safety", safety_checks, safety_checks.c.taken_at),
                                    ("quiz", quiz_results, quiz_results.c.taken_at),
                                    ("form", form_checks, form_checks.c.taken_at),
                                    ("session", routine_sessions, routine_sessions.c.done_at),
                                    ("pain", pain_entries, pain_entries.c.recorded_at)):
                out[key] = _as_datetime(conn.execute(select(func.max(col)).where(table.c.profile_id == profile_id))
                                        .scalar_one())
        return Progress(**out)

    def create_demo(self, name: str, data: DemoData) -> Profile:
        """Create a demo profile with all its data (backcheck.demo.demo_data) in one transaction (all or nothing)."""
        cleaned = clean_profile_name(name)
        now = datetime.now()
        with self._tx("load the demo patient") as conn:
            self._check_name_free(conn, cleaned)
            pid = conn.execute(insert(profiles).values(account=self.account, name=cleaned, is_demo=True,
                                                       created_at=now)).inserted_primary_key[0]
            if data.pain_entries:
                conn.execute(insert(pain_entries), [_entry_values(pid, e, now) for e in data.pain_entries])
            if data.routine_sessions:
                conn.execute(insert(routine_sessions), [_session_values(pid, s) for s in data.routine_sessions])
            for act in data.function_activities:
                aid = conn.execute(insert(function_activities).values(
                    profile_id=pid, name=act.name, created_at=act.created_at)).inserted_primary_key[0]
                if act.ratings:
                    conn.execute(insert(function_ratings), [
                        {"profile_id": pid, "activity_id": aid, "rated_at": when, "score": int(score)}
                        for when, score in act.ratings])
            for check in data.safety_checks:
                conn.execute(insert(safety_checks).values(_safety_values(pid, check)))
            for quiz in data.quiz_results:
                conn.execute(insert(quiz_results).values(_quiz_values(pid, quiz)))
            for form in data.form_checks:
                conn.execute(insert(form_checks).values(_form_values(pid, form)))
            if data.level_changes:
                conn.execute(insert(level_changes), [
                    {"profile_id": pid, "exercise": c.exercise, "changed_at": c.changed_at,
                     "from_level": int(c.from_level), "level": int(c.level), "reason": str(c.reason)[:200],
                     "session_id": None} for c in data.level_changes])
        profile = self.get(pid)
        assert profile is not None
        return profile

    def remove_demos(self) -> int:
        """Delete the account's demo profiles and their data (other profiles untouched). Returns how many.

        If only demo profiles existed, a fresh default profile takes their place.
        """
        with self._tx("remove the demo patient") as conn:
            ids = [r[0] for r in conn.execute(select(profiles.c.id).where(profiles.c.is_demo.is_(True), self._mine))]
            if not ids:
                return 0
            for table in OWNED_TABLES:
                conn.execute(delete(table).where(table.c.profile_id.in_(ids)))
            conn.execute(delete(profiles).where(profiles.c.id.in_(ids)))
            if conn.execute(select(func.count()).select_from(profiles).where(self._mine)).scalar_one() == 0:
                conn.execute(insert(profiles).values(account=self.account, name=DEFAULT_PROFILE, is_demo=False,
                                                     created_at=datetime.now()))
        return len(ids)


# --------------------------------------------------------------------------- assessments


def _safety_values(profile_id: int, check: SafetyCheck) -> dict:
    return {"profile_id": profile_id, "taken_at": check.taken_at, "level": check.level, "flags": list(check.flags),
            "answers": dict(check.answers)}


def _quiz_values(profile_id: int, quiz: QuizRecord) -> dict:
    return {"profile_id": profile_id, "taken_at": quiz.taken_at, "verdict": quiz.verdict,
            "leading": list(quiz.leading), "answers": dict(quiz.answers), "result": quiz.result}


def _form_values(profile_id: int, form: FormCheckRecord) -> dict:
    return {"profile_id": profile_id, "taken_at": form.taken_at, "faults": check_faults(form.faults)}


class _AssessmentRepository(_Repository, Generic[R]):
    """Saved assessments of one kind: add one, read the latest, or all of them newest first."""

    table: Table
    record: type[R]
    values: Callable[[int, R], dict]  # the row to insert for a record
    saving = reading = reading_all = ""  # what the action is called in a StorageError message

    def add(self, profile_id: int, item: R) -> int:
        values = type(self).values(profile_id, item)  # a wrong shape fails here, before any transaction
        with self._tx(self.saving) as conn:
            return conn.execute(insert(self.table).values(values)).inserted_primary_key[0]

    def history(self, profile_id: int) -> list[R]:
        """Newest first."""
        rows = self._newest(self.table, self.table.c.taken_at, profile_id, self.reading_all)
        return [_record(self.record, r) for r in rows]

    def latest(self, profile_id: int) -> R | None:
        rows = self._newest(self.table, self.table.c.taken_at, profile_id, self.reading, limit=1)
        return _record(self.record, rows[0]) if rows else None


class SafetyRepository(_AssessmentRepository[SafetyCheck]):
    """Safety checks (the red-flag screen)."""

    table, record, values = safety_checks, SafetyCheck, _safety_values
    saving, reading, reading_all = "save the safety check", "read the safety check", "read the safety checks"


class QuizRepository(_AssessmentRepository[QuizRecord]):
    """Posture quiz results."""

    table, record, values = quiz_results, QuizRecord, _quiz_values
    saving, reading, reading_all = "save the quiz result", "read the quiz result", "read the quiz history"


class FormCheckRepository(_AssessmentRepository[FormCheckRecord]):
    """Form checks (the form check screen); the saved shape is backcheck.form_check.check_faults."""

    table, record, values = form_checks, FormCheckRecord, _form_values
    saving, reading, reading_all = "save the form check", "read the form check", "read the form checks"


# --------------------------------------------------------------------------- routine and player sessions


def _session_values(profile_id: int, session: RoutineSession) -> dict:
    return {"profile_id": profile_id, "done_at": session.done_at, "minutes": int(session.minutes),
            "inputs": dict(session.inputs)}


class RoutineSessionRepository(_Repository):
    """Routine sessions done. Written by My routine and the player; read by the pain log, the report and Home."""

    def add(self, profile_id: int, session: RoutineSession) -> int:
        with self._tx("save the routine session") as conn:
            return conn.execute(insert(routine_sessions).values(_session_values(profile_id, session))
                                ).inserted_primary_key[0]

    def list(self, profile_id: int) -> list[RoutineSession]:
        """Newest first."""
        rows = self._newest(routine_sessions, routine_sessions.c.done_at, profile_id, "read the routine sessions")
        return [_record(RoutineSession, r) for r in rows]

    def latest(self, profile_id: int) -> RoutineSession | None:
        """The newest session (its choices start the next routine), read on its own: the whole list
        grows with the years and was read on every run of My routine and the player (issue 15)."""
        rows = self._newest(routine_sessions, routine_sessions.c.done_at, profile_id, "read the routine sessions",
                            limit=1)
        return _record(RoutineSession, rows[0]) if rows else None

    def times(self, profile_id: int, start: datetime | None = None) -> list[datetime]:
        """When each session was done, oldest first (optionally from start on)."""
        c = routine_sessions.c
        query = select(c.done_at).where(c.profile_id == profile_id)
        if start is not None:
            query = query.where(c.done_at >= start)
        with self._tx("read the routine sessions") as conn:
            return [_as_datetime(r[0]) for r in conn.execute(query.order_by(c.done_at))]


class PlayerRepository(_Repository):
    """The session player: a session in progress (saved after every step), its record and the level changes."""

    def start(self, profile_id: int, plan: Plan, state: PlayerState, inputs: dict, now: datetime | None = None) -> int:
        """Start a player session; any other unfinished one of the profile is set aside (abandoned)."""
        now = now or datetime.now()
        with self._tx("start the session") as conn:
            conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.status == "active",
            ).values(status="abandoned", updated_at=now))
            return conn.execute(insert(player_sessions).values(
                profile_id=profile_id, started_at=now, updated_at=now, status="active", plan=plan.to_dict(),
                state=state.to_dict(), inputs=dict(inputs), pain_before=state.pain_before,
            )).inserted_primary_key[0]

    def active(self, profile_id: int) -> PlayerSessionRecord | None:
        """The profile's session in progress (newest), or None."""
        query = (select(player_sessions).where(player_sessions.c.profile_id == profile_id,
                                               player_sessions.c.status == "active")
                 .order_by(player_sessions.c.started_at.desc(), player_sessions.c.id.desc()).limit(1))
        with self._tx("read the session in progress") as conn:
            row = conn.execute(query).mappings().first()
        return _record(PlayerSessionRecord, row) if row else None

    def save_state(self, profile_id: int, session_id: int, state: PlayerState) -> bool:
        """Save the player's state (after every step). False if the session is no longer in progress."""
        with self._tx("save your progress in the session") as conn:
            return conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.id == session_id,
                player_sessions.c.status == "active",
            ).values(state=state.to_dict(), updated_at=datetime.now())).rowcount > 0

    def abandon(self, profile_id: int, session_id: int) -> bool:
        with self._tx("set the session aside") as conn:
            return conn.execute(update(player_sessions).where(
                player_sessions.c.profile_id == profile_id, player_sessions.c.id == session_id,
                player_sessions.c.status == "active",
            ).values(status="abandoned", updated_at=datetime.now())).rowcount > 0

    def finish(self, profile_id: int, session_id: int, state: PlayerState, pain_after: int, effort: str,
               results: list[dict], minutes: int, changes: Iterable[LevelChange], now: datetime | None = None) -> int:
        """Record a finished session in one transaction: the player record, a routine session (so it
        counts towards the week) and the level changes it caused. Returns the routine session id.

        StorageError if the session was already recorded or set aside (nothing is written then).
        """
        now = now or datetime.now()
        changes = list(changes)
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
                status="finished", finished_at=now, updated_at=now, state=state.to_dict(), pain_after=int(pain_after),
                effort=effort, results=list(results), routine_session_id=rs_id))
            if changes:
                conn.execute(insert(level_changes), [
                    {"profile_id": profile_id, "exercise": c.exercise, "changed_at": now,
                     "from_level": int(c.from_level), "level": int(c.level), "reason": str(c.reason)[:200],
                     "session_id": session_id} for c in changes])
        return rs_id

    def finished(self, profile_id: int) -> list[PlayerSessionRecord]:
        """The profile's recorded player sessions, oldest first."""
        query = (select(player_sessions).where(player_sessions.c.profile_id == profile_id,
                                               player_sessions.c.status == "finished")
                 .order_by(player_sessions.c.finished_at, player_sessions.c.id))
        with self._tx("read the recorded sessions") as conn:
            return [_record(PlayerSessionRecord, r) for r in conn.execute(query).mappings().all()]

    def level_changes(self, profile_id: int) -> list[LevelChange]:
        """Every level change of the profile's exercises, oldest first."""
        query = (select(level_changes).where(level_changes.c.profile_id == profile_id)
                 .order_by(level_changes.c.changed_at, level_changes.c.id))
        with self._tx("read the exercise levels") as conn:
            return [_record(LevelChange, r) for r in conn.execute(query).mappings().all()]


# --------------------------------------------------------------------------- pain log


_ENTRY_COLUMNS = (pain_entries.c.id, pain_entries.c.recorded_at, pain_entries.c.pain, pain_entries.c.activity,
                  pain_entries.c.location, pain_entries.c.notes)


def _entry_values(profile_id: int, entry: PainEntry, created_at: datetime) -> dict:
    return {"profile_id": profile_id, "created_at": created_at, "recorded_at": entry.recorded_at,
            "pain": int(entry.pain), "activity": entry.activity, "location": entry.location,
            "notes": entry.notes or ""}


def _values(column: pd.Series) -> list:
    """A column as Python values for the driver: datetimes as datetime, a missing value as None (NULL, which the
    table refuses where it must - never "NaN" or "NaT" written as text)."""
    values = (pd.DatetimeIndex(column).to_pydatetime().tolist() if pd.api.types.is_datetime64_any_dtype(column)
              else column.tolist())
    return [None if pd.isna(v) else v for v in values] if column.hasnans else values


def _pain_window(profile_id: int, start: datetime | None, end: datetime | None) -> list:
    c = pain_entries.c
    where = [c.profile_id == profile_id]
    if start is not None:
        where.append(c.recorded_at >= start)
    if end is not None:
        where.append(c.recorded_at < end)
    return where


class PainRepository(_Repository):
    """Pain entries, and the aggregates the pain-log screen and the clinician report read.

    Entries arrive as the input model (backcheck.painlog.PainEntry, already checked) and come back
    as LoggedEntry. The aggregates let the database do the grouping, so what crosses into Python
    grows with the days shown, not with the entries.
    """

    def add(self, profile_id: int, entry: PainEntry) -> int:
        with self._tx("save the pain entry") as conn:
            return conn.execute(insert(pain_entries).values(_entry_values(profile_id, entry, datetime.now()))
                                ).inserted_primary_key[0]

    def update(self, profile_id: int, entry_id: int, entry: PainEntry) -> bool:
        """Change an entry; False if it does not exist (any more) for this profile."""
        values = _entry_values(profile_id, entry, datetime.now())
        del values["profile_id"], values["created_at"]
        with self._tx("save the changed entry") as conn:
            return conn.execute(update(pain_entries).where(
                pain_entries.c.profile_id == profile_id, pain_entries.c.id == entry_id,
            ).values(**values)).rowcount > 0

    def delete(self, profile_id: int, entry_id: int) -> LoggedEntry | None:
        """Delete an entry and return it (so the page can offer undo); None if it was not there."""
        where = (pain_entries.c.profile_id == profile_id, pain_entries.c.id == entry_id)
        with self._tx("delete the entry") as conn:
            row = conn.execute(select(pain_entries).where(*where)).mappings().first()
            if row is None:
                return None
            conn.execute(delete(pain_entries).where(*where))
        return _record(LoggedEntry, row)

    def restore(self, entry: LoggedEntry) -> int:
        """Put back an entry returned by delete (same id when it is still free)."""
        values = {"profile_id": entry.profile_id, "recorded_at": entry.recorded_at, "pain": entry.pain,
                  "activity": entry.activity, "location": entry.location, "notes": entry.notes,
                  "created_at": entry.created_at or datetime.now()}
        with self._tx("undo the delete") as conn:
            taken = conn.execute(select(pain_entries.c.id).where(pain_entries.c.id == entry.id)).first()
            if not taken:
                values["id"] = entry.id
            return conn.execute(insert(pain_entries).values(**values)).inserted_primary_key[0]

    def all(self, profile_id: int) -> list[LoggedEntry]:
        """The profile's entries, oldest first."""
        query = (select(*_ENTRY_COLUMNS).where(pain_entries.c.profile_id == profile_id)
                 .order_by(pain_entries.c.recorded_at, pain_entries.c.id))
        with self._tx("read the pain log") as conn:
            return [LoggedEntry(**r) for r in conn.execute(query).mappings().all()]

    def latest(self, profile_id: int) -> LoggedEntry | None:
        query = (select(pain_entries).where(pain_entries.c.profile_id == profile_id)
                 .order_by(pain_entries.c.recorded_at.desc(), pain_entries.c.id.desc()).limit(1))
        with self._tx("read the pain log") as conn:
            row = conn.execute(query).mappings().first()
        return _record(LoggedEntry, row) if row else None

    def keys(self, profile_id: int) -> set[tuple]:
        """The entry keys (backcheck.painlog.entry_key) of the profile's entries, for duplicate-free imports."""
        with self._tx("read the pain log") as conn:
            return self._keys(conn, profile_id)

    @staticmethod
    def _keys(conn: Connection, profile_id: int) -> set[tuple]:
        c = pain_entries.c
        rows = conn.execute(select(c.recorded_at, c.pain, c.activity, c.location, c.notes)
                            .where(c.profile_id == profile_id))
        return {entry_key(r) for r in rows}

    def import_entries(self, profile_id: int, entries: Iterable[PainEntry] | CheckedEntries) -> tuple[int, int]:
        """Add checked entries in one transaction, skipping any already in the log or repeated among them.

        ``entries``: PainEntry objects, or the columns csvio.read_csv checked (painlog.CheckedEntries), which
        go in as columns (one executemany, no PainEntry per row). Duplicates follow painlog.repeated.
        Returns (added, skipped as duplicates). Either every new entry is written or none is.
        """
        if isinstance(entries, CheckedEntries):
            frame, items = entries.frame, None
        else:
            items = list(entries)
            frame = pd.DataFrame([entry_key(e) for e in items], columns=KEY_COLUMNS)
        with self._tx("import the entries") as conn:
            keep = ~repeated(frame, self._keys_around(conn, profile_id, frame["recorded_at"]))
            now = datetime.now()
            if items is None:
                new = frame[keep]
                rows = [{"profile_id": profile_id, "created_at": now, "recorded_at": when, "pain": pain,
                         "activity": activity, "location": location, "notes": notes}
                        for when, pain, activity, location, notes in zip(*(_values(new[c]) for c in KEY_COLUMNS))]
            else:
                rows = [_entry_values(profile_id, entry, now) for entry, new in zip(items, keep) if new]
            if rows:
                conn.execute(insert(pain_entries), rows)
        return len(rows), len(frame) - len(rows)

    def key_frame(self, profile_id: int) -> pd.DataFrame:
        """The entry keys of the profile's entries as columns (painlog.KEY_COLUMNS), for csvio.read_csv."""
        with self._tx("read the pain log") as conn:
            return self._key_frame(conn, profile_id)

    @staticmethod
    def _key_frame(conn: Connection, profile_id: int, start: datetime | None = None,
                   end: datetime | None = None) -> pd.DataFrame:
        """The keys of the profile's entries recorded from ``start`` to ``end`` (both included; None = open).

        The rows come straight from the driver's cursor, the times as the database keeps them (type_coerce
        to String: SQLite's text, another database's own timestamps) and are read as a column by pandas:
        100,000 keys take a fraction of what 100,000 SQLAlchemy rows of datetimes would."""
        c = pain_entries.c
        where = [c.profile_id == profile_id]
        if start is not None:
            where.append(c.recorded_at >= start)
        if end is not None:
            where.append(c.recorded_at <= end)
        result = conn.execute(select(type_coerce(c.recorded_at, String), c.pain, c.activity, c.location, c.notes)
                              .where(*where))
        try:
            rows = result.cursor.fetchall()
        finally:
            result.close()
        if not rows:
            return pd.DataFrame({"recorded_at": pd.Series([], dtype="datetime64[us]"),
                                 "pain": pd.Series([], dtype="int64"),
                                 **{name: pd.Series([], dtype=object) for name in KEY_COLUMNS[2:]}})
        frame = pd.DataFrame(rows, columns=KEY_COLUMNS)
        return frame.assign(recorded_at=pd.to_datetime(frame["recorded_at"], format="ISO8601"),
                            pain=frame["pain"].astype("int64"))

    def _keys_around(self, conn: Connection, profile_id: int, times: pd.Series) -> pd.DataFrame | None:
        """The keys of the profile's entries from the first to the last of ``times`` (None when there are none)."""
        times = pd.to_datetime(times, errors="coerce").dropna()
        if times.empty:
            return None
        return self._key_frame(conn, profile_id, times.min().to_pydatetime(), times.max().to_pydatetime())

    def stats(self, profile_id: int, start: datetime | None = None, end: datetime | None = None) -> PainStats:
        """How many entries, and the first and latest recorded_at (optionally in [start, end))."""
        c = pain_entries.c
        query = select(func.count(), func.min(c.recorded_at), func.max(c.recorded_at)).where(
            *_pain_window(profile_id, start, end))
        with self._tx("read the pain log") as conn:
            n, first, last = conn.execute(query).one()
        return PainStats(int(n), _as_datetime(first), _as_datetime(last))

    def daily(self, profile_id: int, start: datetime | None = None, end: datetime | None = None) -> list[DailyPain]:
        """One row per logged calendar day, oldest first: the day's mean pain and number of entries."""
        c = pain_entries.c
        day = func.date(c.recorded_at).label("day")
        query = (select(day, func.avg(c.pain).label("pain"), func.count().label("entries"))
                 .where(*_pain_window(profile_id, start, end)).group_by(day).order_by(day))
        with self._tx("read the pain log") as conn:
            return [DailyPain(_as_date(d), float(p), int(n)) for d, p, n in conn.execute(query)]

    def activity_days(self, profile_id: int) -> dict[str, tuple[int, float]]:
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

    def activity_dates(self, profile_id: int, activity: str) -> list[date]:
        """The distinct calendar days with an entry under ``activity``, oldest first (one row per day)."""
        c = pain_entries.c
        day = func.date(c.recorded_at).label("day")
        query = (select(day).where(c.profile_id == profile_id, c.activity == activity).distinct().order_by(day))
        with self._tx("read the pain log") as conn:
            return [_as_date(d) for (d,) in conn.execute(query)]

    def between(self, profile_id: int, start: datetime | None = None, end: datetime | None = None,
                limit: int | None = None, newest_first: bool = False) -> list[LoggedEntry]:
        """The profile's entries with start <= recorded_at < end (either may be None), in time order."""
        c = pain_entries.c
        order = (c.recorded_at.desc(), c.id.desc()) if newest_first else (c.recorded_at, c.id)
        query = select(*_ENTRY_COLUMNS).where(*_pain_window(profile_id, start, end)).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        with self._tx("read the pain log") as conn:
            return [LoggedEntry(**r) for r in conn.execute(query).mappings().all()]


# --------------------------------------------------------------------------- function scores


class FunctionRepository(_Repository):
    """Function scores: up to a few activities per profile, each re-rated 0-10 over time."""

    def activities(self, profile_id: int) -> list[FunctionActivity]:
        query = (select(function_activities).where(function_activities.c.profile_id == profile_id)
                 .order_by(function_activities.c.id))
        with self._tx("read the function scores") as conn:
            return [_record(FunctionActivity, r) for r in conn.execute(query).mappings().all()]

    def add_activity(self, profile_id: int, name: str, limit: int) -> int:
        """Follow a named activity (the name is cleaned by painlog.clean_function_name); ValueError when
        painlog.check_new_activity refuses it (the profile has ``limit`` already, or the name is on the list)."""
        name = clean_function_name(name)
        with self._tx("add the activity") as conn:
            names = [r[0] for r in conn.execute(select(function_activities.c.name)
                                                 .where(function_activities.c.profile_id == profile_id))]
            check_new_activity(names, name, limit)
            return conn.execute(insert(function_activities).values(
                profile_id=profile_id, name=name, created_at=datetime.now())).inserted_primary_key[0]

    def remove_activity(self, profile_id: int, activity_id: int) -> None:
        """Remove an activity and all its ratings."""
        with self._tx("remove the activity") as conn:
            conn.execute(delete(function_ratings).where(function_ratings.c.profile_id == profile_id,
                                                        function_ratings.c.activity_id == activity_id))
            conn.execute(delete(function_activities).where(function_activities.c.profile_id == profile_id,
                                                           function_activities.c.id == activity_id))

    def rate(self, profile_id: int, scores: dict[int, int], rated_at: datetime | None = None) -> None:
        """Save one rating per activity id (0-10), all at the same moment, in one transaction."""
        when = rated_at or datetime.now()
        with self._tx("save the function scores") as conn:
            owned = {r[0] for r in conn.execute(select(function_activities.c.id)
                                                .where(function_activities.c.profile_id == profile_id))}
            rows = [{"profile_id": profile_id, "activity_id": aid, "rated_at": when, "score": int(score)}
                    for aid, score in scores.items() if aid in owned]
            if rows:
                conn.execute(insert(function_ratings), rows)

    def ratings(self, profile_id: int) -> list[FunctionRating]:
        """Every rating with its activity name, oldest first."""
        query = (select(function_ratings.c.id, function_ratings.c.activity_id, function_activities.c.name,
                        function_ratings.c.rated_at, function_ratings.c.score)
                 .join(function_activities, function_activities.c.id == function_ratings.c.activity_id)
                 .where(function_ratings.c.profile_id == profile_id)
                 .order_by(function_ratings.c.rated_at, function_ratings.c.id))
        with self._tx("read the function scores") as conn:
            return [FunctionRating(**r) for r in conn.execute(query).mappings().all()]
