"""The session player's use cases over storage: start, resume, record, levels, today's summary.

No Streamlit here: the pages call these functions, and the unit tests call them with a
real SQLite store and a hand-driven clock.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from .content import Library
from .player import (
    SPEED_ENV,
    Plan,
    PlayerError,
    PlayerSessionRecord,
    PlayerState,
    RoutineSession,
    build_plan,
    check_pain,
    results,
    start,
)
from .progression import (
    EFFORTS,
    Decision,
    LevelChange,
    LevelState,
    SessionResult,
    current_levels,
    decide_all,
)
from .form_check import FormCheckRecord, ticked_ids
from .painlog import LoggedEntry
from .profiles import Progress
from .quiz import QuizRecord, names_patterns
from .routine import Routine, RoutineInputError, RoutineInputs, normalise_inputs
from .safety import REDO_AFTER_FLAG, outdated_message
from .storage import Store
from .text import fmt_day


def player_speed() -> float:
    """BACKCHECK_PLAYER_SPEED (tests only) shortens every timer; anything unusable means 1."""
    raw = os.environ.get(SPEED_ENV, "").strip()
    try:
        value = float(raw) if raw else 1.0
    except ValueError:
        return 1.0
    return value if 0 < value <= 1000 else 1.0


def levels(store: Store, profile_id: int) -> dict[str, LevelState]:
    return current_levels(store.player.level_changes(profile_id))


def routine_plan(lib: Library, routine: Routine, level_states: Mapping[str, LevelState],
                 speed: float | None = None) -> Plan:
    items = [(it.id, it.dose) for it in routine.items]
    return build_plan(lib, items, {k: v.level for k, v in level_states.items()},
                      speed=player_speed() if speed is None else speed)


def begin(lib: Library, store: Store, profile_id: int, routine: Routine, pain_before: Any, now: float,
          inputs: Mapping[str, Any] | None = None) -> int:
    """Start a session from a routine at the person's current levels. Returns its id.

    pain_before must be 0-10 (PlayerError otherwise, and nothing is stored).
    """
    plan = routine_plan(lib, routine, levels(store, profile_id))
    state = start(plan, pain_before, now)
    return store.player.start(profile_id, plan, state,
                                      dict(inputs if inputs is not None else routine.inputs.to_dict()))


@dataclass(frozen=True)
class Active:
    id: int
    plan: Plan
    state: PlayerState
    inputs: dict
    started_at: datetime


def active(store: Store, profile_id: int) -> Active | None:
    row = store.player.active(profile_id)
    if row is None:
        return None
    try:
        return Active(row.id, Plan.from_dict(row.plan), PlayerState.from_dict(row.state),
                      dict(row.inputs or {}), row.started_at)
    except (KeyError, TypeError, ValueError):  # a session saved by an incompatible version: set it aside
        store.player.abandon(profile_id, row.id)
        return None


def session_results(rows: Iterable[PlayerSessionRecord]) -> list[SessionResult]:
    """Recorded player sessions as the progression rules see them."""
    out = []
    for r in rows:
        outcomes = {x["exercise"]: x["outcome"] for x in (r.results or []) if x.get("outcome")}
        out.append(SessionResult(r.finished_at, r.effort, r.pain_before, r.pain_after, outcomes))
    return out


def minutes_of(started: datetime, now: datetime) -> int:
    return max(1, math.ceil((now - started).total_seconds() / 60))


def record(lib: Library, store: Store, profile_id: int, session: Active, pain_after: Any, effort: Any,
           now: datetime | None = None) -> list[Decision]:
    """Record a finished session (pain now, how hard) and apply the progression rules.

    Returns the decisions for the ladder exercises done in it (changed or not).
    Raises PlayerError for a missing or bad pain value or effort (nothing stored then).
    """
    pain = check_pain(pain_after)
    if effort not in EFFORTS:
        raise PlayerError("Pick how hard the session felt: too easy, about right or too hard.")
    now = now or datetime.now()
    done = results(session.plan, session.state)
    this = SessionResult(now, effort, session.state.pain_before, pain,
                         {x["exercise"]: x["outcome"] for x in done if x["outcome"]})
    history = [*session_results(store.player.finished(profile_id)), this]
    equipment = session.inputs.get("equipment")
    decisions = decide_all(lib, history, levels(store, profile_id),
                           equipment=equipment if isinstance(equipment, list) else None)
    changes = [LevelChange(d.exercise, now, d.from_level, d.to_level, d.reason) for d in decisions if d.changed]
    store.player.finish(profile_id, session.id, session.state, pain, effort, done,
                                minutes_of(session.started_at, now), changes, now=now)
    return decisions


# --------------------------------------------------------------------------- today


TODAY_FLASH = "today_"  # the message prefix Today (pages/home.py) shows after a recorded session
SAFETY_STALE_DAYS = 28  # ours: a safety check older than 4 weeks is worth redoing


@dataclass(frozen=True)
class WeekChange:
    text: str
    kind: str  # level | pain | sessions


def changes_window_start(today: date) -> datetime:
    """The start of the 14 days changes_since_last_week compares (the 7 days before the last 7):
    callers read only entries and sessions from here on, whatever the length of the log."""
    return datetime.combine(today - timedelta(days=13), datetime.min.time())


def changes_since_last_week(level_changes: Sequence[LevelChange], pain_entries: Sequence[LoggedEntry],
                            session_times: Sequence[datetime], lib: Library, today: date) -> list[WeekChange]:
    """Plain sentences on what changed in the last 7 days against the 7 before (entries and session
    times before changes_window_start(today) may be left out: they are not counted)."""
    out: list[WeekChange] = []
    start_last = changes_window_start(today)
    start_this = start_last + timedelta(days=7)
    for c in level_changes:
        if c.changed_at >= start_this:
            ex = lib.exercise_by_id.get(c.exercise)
            name = ex.name if ex else c.exercise
            verb = "moved up" if c.level > c.from_level else "stepped back"
            out.append(WeekChange(f"{name} {verb} to level {c.level} ({c.reason}).", "level"))

    def mean(rows: Sequence[LoggedEntry], lo: datetime, hi: datetime | None) -> float | None:
        vals = [r.pain for r in rows if r.recorded_at >= lo and (hi is None or r.recorded_at < hi)]
        return sum(vals) / len(vals) if vals else None

    now_mean, before_mean = mean(pain_entries, start_this, None), mean(pain_entries, start_last, start_this)
    if now_mean is not None and before_mean is not None:
        diff = now_mean - before_mean
        trend = "about the same as" if abs(diff) < 0.5 else ("lower than" if diff < 0 else "higher than")
        out.append(WeekChange(f"Average pain in the last 7 days {now_mean:.1f}/10, {trend} the 7 days before "
                              f"({before_mean:.1f}/10).", "pain"))
    n_now = sum(1 for t in session_times if t >= start_this)
    n_before = sum(1 for t in session_times if start_last <= t < start_this)
    if n_now or n_before:
        noun = "session" if n_now == 1 else "sessions"
        out.append(WeekChange(f"{n_now} {noun} in the last 7 days, {n_before} in the 7 days before.", "sessions"))
    return out


def next_assessment_step(progress: Progress, gate_reason: str | None,
                         today: date) -> tuple[str, str] | None:
    """The one assessment step worth doing next for a returning person: (key, why), or None.

    Only when something is missing or stale: no (or an old) safety check, no posture quiz,
    no form check. gate_reason: ``safety.exercise_gate(...).reason``.
    """
    safety = progress.safety
    if safety is None:
        return ("safety", "You have not done the safety check yet.")
    if gate_reason == "outdated":
        return ("safety", outdated_message("the next session"))
    if gate_reason != "clear":
        return ("safety", REDO_AFTER_FLAG)
    if (today - safety.date()).days > SAFETY_STALE_DAYS:
        return ("safety", f"Your safety check is from {fmt_day(safety)}, more than 4 weeks ago. "
                          "A minute to check the warning signs again.")
    if progress.quiz is None:
        return ("quiz", "Your routine can aim at your posture pattern once you have taken the posture quiz.")
    if progress.form is None:
        return ("form", "A form check adds the drills for the faults you find in your hinge, squat or handstand.")
    return None


def is_returning(progress: Progress) -> bool:
    """Someone who has saved anything before sees Today; a first-time person sees the steps."""
    return progress.any()


def todays_inputs(lib: Library, quiz: QuizRecord | None, form: FormCheckRecord | None,
                  last: RoutineSession | None,
                  pain: int = 0) -> RoutineInputs:
    """Routine inputs for today as My routine would start them: the saved posture result and form
    check, and the goals, minutes, equipment and days of the last session (``sessions.latest``)."""
    rules = lib.routine
    patterns = tuple(quiz.leading) if quiz and names_patterns(quiz.verdict) else ()
    patterns = tuple(p for p in patterns if p in lib.pattern_by_id)
    faults = tuple(f for f in ticked_ids(form) if f in lib.fault_by_id)
    base = RoutineInputs(goals=("general",), minutes=rules.session.minutes_default,
                         weekdays=tuple(rules.calendar.weekdays_default))
    if last is not None:
        chosen = dict(last.inputs or {})
        try:
            base = normalise_inputs(lib, RoutineInputs.from_dict(
                {k: chosen[k] for k in ("goals", "minutes", "equipment", "weekdays") if k in chosen}))
        except (RoutineInputError, TypeError):
            pass
    return RoutineInputs(goals=base.goals, minutes=base.minutes, equipment=base.equipment, pain=int(pain),
                         patterns=patterns, faults=faults, weekdays=base.weekdays)
