"""The session player: a pure step-and-timer state machine with an injectable clock.

A *plan* is the session as the player runs it: one :class:`PlanItem` per exercise with
the dose of the person's current level, plus the timing (get-ready lead-in, rest between
sets, seconds per breath). Every item becomes a list of :class:`Step` s:

- ``intro``: the exercise is shown; the person taps Start (waits);
- ``ready``: a short get-ready lead-in before a hold, a breath count or a timed walk;
- ``hold`` (a countdown), ``breaths`` (about 10 slow breaths, counted), ``timer`` (minutes);
- ``reps``: one set of repetitions (and one side); the person taps when the set is done;
- ``rest``: rest between sets.

The state never holds a running clock. It holds *when* the current step started (and when
it was paused), and every question ("how long is left?", "which step are we on?") is
answered from those times and ``now``, which the caller passes in. So the page can save the
state, lose the connection, reload, and carry on exactly where the clock says it is, and
the unit tests drive the clock by hand. Nothing here sleeps.

Per item the outcome is ``done``, ``skipped`` or ``hurt`` (stopped because it hurt). A pain
check that has risen by the rule's points stops the hard items (article 003's painful-day
advice: take the load off, keep moving).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

from .content import Exercise, Library
from .labels import Labelled

STEP_KINDS = ("intro", "ready", "hold", "breaths", "timer", "reps", "rest")
WORK_KINDS = ("hold", "breaths", "timer")  # timed work: its end gets a cue
class Outcome(Labelled):
    """What became of one exercise in a session, as stored."""

    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    HURT = "hurt", "Stopped: it hurt"


OUTCOMES = Outcome.values()
PAIN_MAX = 10
SPEED_ENV = "BACKCHECK_PLAYER_SPEED"  # tests only: divide every duration by this number


class PlayerError(ValueError):
    """A request the player cannot honour; the message says what to do."""


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Timing:
    get_ready_seconds: float = 5
    rest_seconds: float = 30
    seconds_per_breath: float = 6
    speed: float = 1.0  # >1 shortens every duration (tests)

    def scaled(self, seconds: float) -> float:
        return max(1.0, seconds / self.speed) if seconds > 0 else 0.0


@dataclass(frozen=True)
class PlanItem:
    exercise: str  # the routine's exercise id (the key for levels)
    shown: str  # the exercise whose name and cues are shown (a variant may differ)
    name: str
    kind: str  # exercise kind: strengthen | stretch | mobility | control
    dose: str
    cues: tuple[str, ...]
    source: str
    sets: int = 1
    reps: int | None = None
    hold_seconds: float | None = None
    breaths: int | None = None
    minutes: float | None = None
    per_side: bool = False
    level: int | None = None  # 1-based level on the exercise's ladder, None: no ladder
    levels: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["cues"] = list(self.cues)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PlanItem":
        return cls(**{**d, "cues": tuple(d.get("cues") or ())})


@dataclass(frozen=True)
class Plan:
    items: tuple[PlanItem, ...]
    timing: Timing

    def to_dict(self) -> dict[str, Any]:
        return {"items": [it.to_dict() for it in self.items], "timing": asdict(self.timing)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Plan":
        return cls(tuple(PlanItem.from_dict(x) for x in d["items"]), Timing(**d.get("timing", {})))

    def steps(self, index: int) -> list["Step"]:
        return item_steps(self.items[index], self.timing)


@dataclass(frozen=True)
class Step:
    kind: str
    seconds: float | None  # None: waits for a tap
    set_no: int = 1
    sets: int = 1
    side: str | None = None  # "left" / "right" for per-side doses
    amount: int | None = None  # reps or breaths

    @property
    def timed(self) -> bool:
        return self.seconds is not None


def item_steps(item: PlanItem, t: Timing) -> list[Step]:
    """The steps of one item at its dose, in order."""
    steps = [Step("intro", None, sets=item.sets)]
    sides: Sequence[str | None] = ("left", "right") if item.per_side else (None,)
    for n in range(1, item.sets + 1):
        if n > 1 and t.rest_seconds > 0:
            steps.append(Step("rest", t.scaled(t.rest_seconds), n - 1, item.sets))
        for side in sides:
            common = {"set_no": n, "sets": item.sets, "side": side}
            if item.reps is not None:
                steps.append(Step("reps", None, amount=item.reps, **common))
                continue
            if t.get_ready_seconds > 0:
                steps.append(Step("ready", t.scaled(t.get_ready_seconds), **common))
            if item.hold_seconds is not None:
                steps.append(Step("hold", t.scaled(item.hold_seconds), **common))
            elif item.breaths is not None:
                steps.append(Step("breaths", t.scaled(item.breaths * t.seconds_per_breath), amount=item.breaths,
                                  **common))
            else:
                steps.append(Step("timer", t.scaled((item.minutes or 1) * 60), **common))
    return steps


def _amounts(ex: Exercise, breaths_per_stretch: int) -> dict[str, Any]:
    d = ex.dose
    if d.reps is not None:
        return {"reps": d.reps, "sets": d.sets or 1, "per_side": d.per_side}
    if d.hold_seconds is not None:
        return {"hold_seconds": d.hold_seconds, "sets": d.sets or 1, "per_side": d.per_side}
    if d.breaths is not None:
        return {"breaths": d.breaths, "sets": d.sets or 1, "per_side": d.per_side}
    if ex.kind == "stretch":
        return {"breaths": breaths_per_stretch, "sets": 1, "per_side": d.per_side}
    return {"minutes": d.minutes or 1, "sets": 1, "per_side": False}


def build_plan(lib: Library, items: Iterable[tuple[str, str]], levels: Mapping[str, int] | None = None,
               speed: float = 1.0) -> Plan:
    """A plan from (exercise id, dose text) pairs in session order, at the given levels.

    levels: exercise id -> 1-based level on its ladder (missing: level 1). Exercises without
    a ladder use the library dose (the routine's dose text).
    """
    levels = levels or {}
    pg = lib.progression
    timing = Timing(get_ready_seconds=pg.player.get_ready_seconds, rest_seconds=pg.player.rest_between_sets_seconds,
                    seconds_per_breath=lib.routine.timing.seconds_per_breath, speed=max(float(speed), 1e-6))
    out: list[PlanItem] = []
    for ex_id, dose_text in items:
        ex = lib.exercise_by_id[ex_id]
        ladder = pg.ladder_by_exercise.get(ex_id)
        if ladder is None:
            out.append(PlanItem(exercise=ex_id, shown=ex_id, name=ex.name, kind=ex.kind, dose=dose_text,
                                cues=tuple(ex.cues), source=ex.source,
                                **_amounts(ex, lib.routine.session.breaths_per_stretch)))
            continue
        n = min(max(1, int(levels.get(ex_id, 1))), len(ladder.levels))
        lv = ladder.levels[n - 1]
        shown = lib.exercise_by_id[lv.exercise] if lv.exercise else ex
        out.append(PlanItem(
            exercise=ex_id, shown=shown.id, name=lv.variant or shown.name, kind=shown.kind, dose=lv.label,
            cues=tuple(shown.cues), source=lv.source if lv.source in lib.source_by_id else shown.source,
            sets=lv.sets, reps=lv.reps, hold_seconds=lv.hold_seconds, breaths=lv.breaths, minutes=lv.minutes,
            per_side=lv.per_side, level=n, levels=len(ladder.levels),
        ))
    if not out:
        raise PlayerError("This session has no exercises. Build a routine first, then start it.")
    return Plan(tuple(out), timing)


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class PlayerState:
    item: int = 0
    step: int = 0
    started_at: float | None = None  # when the current timed step started (None: waiting for a tap)
    paused_at: float | None = None
    outcomes: tuple[str | None, ...] = ()
    notes: tuple[str, ...] = ()
    pain_before: int | None = None
    pain_checks: tuple[int, ...] = ()  # pain reported during the session
    pain_stop: bool = False  # pain rose: the hard items were dropped
    cue: str | None = None  # the last automatic change, for a visual cue: hold_done | item_done
    cue_at: float | None = None  # when it happened
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("outcomes", "notes", "pain_checks"):
            d[k] = list(d[k])
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "PlayerState":
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for k in ("outcomes", "notes", "pain_checks"):
            known[k] = tuple(known.get(k) or ())
        return cls(**known)

    @property
    def pain_now(self) -> int | None:
        return self.pain_checks[-1] if self.pain_checks else None


# --------------------------------------------------------------------------- stored sessions


@dataclass(frozen=True)
class RoutineSession:
    """A routine session done (marked on My routine, or recorded by the player): it counts towards the week."""

    minutes: int
    inputs: dict  # the routine inputs it was built from (RoutineInputs.to_dict(), plus "player_session")
    done_at: datetime = field(default_factory=datetime.now)
    id: int | None = None  # set once stored
    profile_id: int | None = None


@dataclass(frozen=True)
class PlayerSessionRecord:
    """A player session as stored: in progress (its plan and state, saved after every step), finished or set aside."""

    id: int
    profile_id: int
    started_at: datetime
    updated_at: datetime
    status: str  # active | finished | abandoned
    plan: dict  # Plan.to_dict()
    state: dict  # PlayerState.to_dict()
    inputs: dict  # the routine inputs the session was built from
    finished_at: datetime | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    effort: str | None = None  # easy | right | hard
    results: list[dict] | None = None  # per exercise (see results()): exercise, level, outcome, note...
    routine_session_id: int | None = None  # the RoutineSession it counts as


def check_pain(value: Any) -> int:
    """A pain rating as a whole number 0-10, or PlayerError saying what is wrong."""
    if value is None or value == "":
        raise PlayerError("Pick how much it hurts right now, from 0 (none) to 10 (worst imaginable).")
    if isinstance(value, bool):
        raise PlayerError("Pain must be a whole number from 0 to 10.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PlayerError("Pain must be a whole number from 0 to 10.") from None
    if not number.is_integer() or not 0 <= number <= PAIN_MAX:
        raise PlayerError("Pain must be a whole number from 0 to 10.")
    return int(number)


def start(plan: Plan, pain_before: Any, now: float) -> PlayerState:
    """A fresh state at the first exercise's intro. pain_before: 0-10, required."""
    pain = check_pain(pain_before)
    n = len(plan.items)
    return PlayerState(outcomes=(None,) * n, notes=("",) * n, pain_before=pain)


def _enter(plan: Plan, s: PlayerState, item: int, step: int, at: float, cue: str | None) -> PlayerState:
    steps = plan.steps(item)
    return replace(s, item=item, step=step, started_at=at if steps[step].timed else None, paused_at=None, cue=cue,
                   cue_at=at if cue else None)


def _next_open(s: PlayerState, after: int) -> int | None:
    return next((i for i in range(after + 1, len(s.outcomes)) if s.outcomes[i] is None), None)


def _close_item(plan: Plan, s: PlayerState, outcome: str, at: float, note: str = "", cue: str | None = None) -> PlayerState:
    """Record the current item's outcome and move to the next open item (or finish)."""
    outcomes = list(s.outcomes)
    notes = list(s.notes)
    outcomes[s.item] = outcome
    if note:
        notes[s.item] = note
    s = replace(s, outcomes=tuple(outcomes), notes=tuple(notes))
    nxt = _next_open(s, s.item)
    if nxt is None:
        return replace(s, started_at=None, paused_at=None, finished=True, cue=cue, cue_at=at if cue else None)
    return _enter(plan, s, nxt, 0, at, cue)


def _advance_step(plan: Plan, s: PlayerState, at: float, auto: bool) -> PlayerState:
    """Leave the current step (its timer ran out at `at`, or the person tapped)."""
    steps = plan.steps(s.item)
    left = steps[s.step]
    if s.step + 1 >= len(steps):
        return _close_item(plan, s, "done", at, cue="item_done" if auto else None)
    cue = "hold_done" if auto and left.kind in WORK_KINDS else None
    return _enter(plan, s, s.item, s.step + 1, at, cue)


def settle(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """Move past every timed step whose time has run out by `now` (the clock's truth)."""
    guard = 0
    while not s.finished and s.started_at is not None and s.paused_at is None:
        step = plan.steps(s.item)[s.step]
        end = s.started_at + (step.seconds or 0)
        if now < end:
            break
        s = _advance_step(plan, s, end, auto=True)
        guard += 1
        if guard > 10_000:  # a plan cannot have this many steps; never loop forever
            break
    return s


@dataclass(frozen=True)
class View:
    """What the screen shows at `now`."""

    state: PlayerState
    item: PlanItem | None
    step: Step | None
    step_no: int  # 1-based among the item's steps after the intro
    steps_total: int
    remaining: float | None  # seconds left in a timed step
    elapsed: float | None
    breath: int | None  # which breath of a breath count (1-based)
    paused: bool
    running: bool  # a timer is counting down right now (the page ticks only then)
    next_name: str | None
    done_count: int
    total: int


def view(plan: Plan, s: PlayerState, now: float) -> View:
    s = settle(plan, s, now)
    done = sum(1 for o in s.outcomes if o is not None)
    if s.finished:
        return View(s, None, None, 0, 0, None, None, None, False, False, None, done, len(plan.items))
    item = plan.items[s.item]
    steps = plan.steps(s.item)
    step = steps[s.step]
    remaining = elapsed = None
    breath = None
    if step.timed and s.started_at is not None:
        at = s.paused_at if s.paused_at is not None else now
        elapsed = max(0.0, at - s.started_at)
        remaining = max(0.0, (step.seconds or 0) - elapsed)
        if step.kind == "breaths" and step.amount:
            per = (step.seconds or 0) / step.amount
            breath = min(step.amount, int(elapsed // per) + 1) if per > 0 else step.amount
    nxt = _next_open(s, s.item)
    return View(
        state=s, item=item, step=step, step_no=s.step, steps_total=len(steps) - 1, remaining=remaining,
        elapsed=elapsed, breath=breath, paused=s.paused_at is not None,
        running=step.timed and s.paused_at is None, next_name=plan.items[nxt].name if nxt is not None else None,
        done_count=done, total=len(plan.items),
    )


def seconds_text(seconds: float | None) -> str:
    """Remaining time as the screen shows it: whole seconds, rounded up (0:05)."""
    if seconds is None:
        return ""
    whole = int(math.ceil(round(seconds, 6)))
    return f"{whole // 60}:{whole % 60:02d}"


# --------------------------------------------------------------------------- actions


def _live(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    s = settle(plan, s, now)
    if s.finished:
        raise PlayerError("This session is finished. Record how it went below.")
    return s


def tap(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """The main button: start the exercise, finish a set, or end a timer early (and move on)."""
    s = _live(plan, s, now)
    return _advance_step(plan, replace(s, paused_at=None), now, auto=False)


def pause(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    s = _live(plan, s, now)
    if s.started_at is None or s.paused_at is not None:
        return s
    return replace(s, paused_at=now, cue=None)


def resume(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    s = _live(plan, s, now)
    if s.paused_at is None or s.started_at is None:
        return s
    return replace(s, started_at=s.started_at + (now - s.paused_at), paused_at=None, cue=None)


def skip(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """Skip the current exercise (outcome: skipped)."""
    s = _live(plan, s, now)
    return _close_item(plan, s, "skipped", now)


def hurt(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """Stop the current exercise because it hurt (outcome: hurt). The page then asks for pain now."""
    s = _live(plan, s, now)
    return _close_item(plan, s, "hurt", now, note="Stopped because it hurt")


DROPPED_NOTE = "Left out: pain rose during the session"


def back(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """Back: restart the current exercise, or (at its start) go to the previous one and redo it."""
    s = _live(plan, s, now)
    if s.step > 0:
        return _enter(plan, s, s.item, 0, now, None)
    prev = s.item - 1
    while prev >= 0 and s.notes[prev] == DROPPED_NOTE:
        prev -= 1
    if prev < 0:
        return _enter(plan, s, s.item, 0, now, None)
    outcomes = list(s.outcomes)
    notes = list(s.notes)
    outcomes[prev], notes[prev] = None, ""
    return _enter(plan, replace(s, outcomes=tuple(outcomes), notes=tuple(notes)), prev, 0, now, None)


def pain_rose(before: int | None, after: int | None, points: int) -> bool:
    return before is not None and after is not None and after - before >= points


def report_pain(plan: Plan, s: PlayerState, pain: Any, now: float, points: int,
                hard_kinds: Sequence[str]) -> PlayerState:
    """Record pain during the session. A rise of `points` or more drops the hard items left."""
    value = check_pain(pain)
    s = settle(plan, s, now)
    s = replace(s, pain_checks=(*s.pain_checks, value))
    if not pain_rose(s.pain_before, value, points):
        return s
    outcomes, notes = list(s.outcomes), list(s.notes)
    for i, it in enumerate(plan.items):
        if outcomes[i] is None and it.kind in hard_kinds:
            outcomes[i], notes[i] = "skipped", DROPPED_NOTE
    s = replace(s, outcomes=tuple(outcomes), notes=tuple(notes), pain_stop=True)
    if s.finished or outcomes[s.item] is None:
        return s
    nxt = _next_open(s, s.item)
    if nxt is None:
        return replace(s, started_at=None, paused_at=None, finished=True)
    return _enter(plan, s, nxt, 0, now, None)


def finish_early(plan: Plan, s: PlayerState, now: float) -> PlayerState:
    """End the session now: everything not done yet counts as skipped."""
    s = settle(plan, s, now)
    outcomes = tuple(o if o is not None else "skipped" for o in s.outcomes)
    return replace(s, outcomes=outcomes, started_at=None, paused_at=None, finished=True, cue=None)


def results(plan: Plan, s: PlayerState) -> list[dict[str, Any]]:
    """What was done, per exercise (for the session record)."""
    return [{"exercise": it.exercise, "shown": it.shown, "name": it.name, "dose": it.dose, "level": it.level,
             "outcome": s.outcomes[i] if i < len(s.outcomes) else None,
             "note": s.notes[i] if i < len(s.notes) else ""} for i, it in enumerate(plan.items)]
