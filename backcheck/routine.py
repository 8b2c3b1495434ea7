"""My routine: a pure, deterministic session generator and its timing.

``build_routine(lib, inputs)`` turns plain inputs (posture pattern ids, form-fault ids,
goals, minutes, equipment, today's pain) into a :class:`Routine` with warm-up, main and
stretch blocks. Every rule it follows is read from content: the base sequence, goals,
timing and the painful-day rule from ``routine_rules.yaml``; what to strengthen, stretch
and avoid for each posture from ``patterns.yaml``; fault drills from ``faults.yaml``.

How a session is filled (all in list order, so the same inputs give the same routine):

1. Warm-up up to its minimum: required items first (the wrist warm-up for handstands,
   the gentle warm-up on a painful day), then activation of the weak muscles of the
   posture pattern(s), then general warm-up items.
2. Stretching up to its minimum: the pattern's stretch groups, more of its stretches,
   then general stretches.
3. The main part with what is left: the base sequence, one drill per form fault, the
   rest of the pattern's strength work, goal items and the pattern's remaining stretches.
4. Extras while time remains: the faults' other drills, more of the pattern's exercises.

An exercise appears once; when a second rule asks for it, its reason is added to the
item already there. Items from steps 1-3 that do not fit are listed as left out, with
why. Item minutes are rounded up to the half minute, and those rounded minutes are what
is added up, so the shown total never exceeds the budget.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping, Protocol, Sequence

from .content import Exercise, Library, Pattern, RoutineItemRule, RoutineRules

BLOCKS = ("warmup", "main", "stretch")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABEL = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
PAIN_MAX = 10


class RoutineInputError(ValueError):
    """Routine inputs that cannot be used; the message says what is wrong and what to do."""


class FaultLike(Protocol):
    id: str
    name: str
    drills: Sequence[str]
    source: str


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class RoutineInputs:
    """Everything a routine is built from (and all a share link carries)."""

    goals: tuple[str, ...] = ()
    minutes: int = 20
    equipment: tuple[str, ...] = ()  # empty: no equipment at all
    pain: int = 0
    patterns: tuple[str, ...] = ()  # posture pattern ids, strongest first
    faults: tuple[str, ...] = ()  # form-fault ids
    weekdays: tuple[str, ...] = ("mon", "wed", "fri")

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RoutineInputs":
        kw: dict[str, Any] = {}
        for name in ("goals", "equipment", "patterns", "faults", "weekdays"):
            if name in data:
                kw[name] = tuple(data[name] or ())
        for name in ("minutes", "pain"):
            if name in data:
                kw[name] = data[name]
        return cls(**kw)


def _fault_lookup(lib: Library, faults: Mapping[str, FaultLike] | None) -> Mapping[str, FaultLike]:
    if faults is not None:
        return faults
    return lib.fault_by_id


def normalise_inputs(lib: Library, inputs: RoutineInputs,
                     faults: Mapping[str, FaultLike] | None = None) -> RoutineInputs:
    """Check every input and put sets in content order. Raises RoutineInputError listing all problems."""
    rules = lib.routine
    problems: list[str] = []
    fault_by_id = _fault_lookup(lib, faults)

    def known(name: str, values: Iterable[str], allowed: Sequence[str], what: str) -> tuple[str, ...]:
        values = list(values)
        bad = [v for v in values if v not in allowed]
        if bad:
            problems.append(f"unknown {what}: {', '.join(map(str, bad))}")
        return tuple(a for a in allowed if a in values)

    goals = known("goals", inputs.goals, [g.id for g in rules.goals], "goal")
    equipment = known("equipment", inputs.equipment, [t.id for t in lib.vocabulary.equipment], "equipment")
    weekdays = known("weekdays", inputs.weekdays, WEEKDAYS, "weekday")
    fault_ids = known("faults", inputs.faults, list(fault_by_id), "form fault")
    bad_patterns = [p for p in inputs.patterns if p not in lib.pattern_by_id]
    if bad_patterns:
        problems.append(f"unknown posture pattern: {', '.join(map(str, bad_patterns))}")
    patterns = tuple(dict.fromkeys(p for p in inputs.patterns if p in lib.pattern_by_id))  # keep strength order
    s = rules.session
    if isinstance(inputs.minutes, bool) or not isinstance(inputs.minutes, int):
        problems.append("minutes must be a whole number")
    elif not s.minutes_min <= inputs.minutes <= s.minutes_max:
        problems.append(f"minutes must be between {s.minutes_min} and {s.minutes_max} (got {inputs.minutes})")
    if isinstance(inputs.pain, bool) or not isinstance(inputs.pain, int):
        problems.append("pain must be a whole number from 0 to 10")
    elif not 0 <= inputs.pain <= PAIN_MAX:
        problems.append(f"pain must be from 0 to {PAIN_MAX} (got {inputs.pain})")
    if problems:
        raise RoutineInputError("These routine inputs cannot be used: " + "; ".join(problems) + ".")
    return RoutineInputs(goals=goals, minutes=inputs.minutes, equipment=equipment, pain=inputs.pain,
                         patterns=patterns, faults=fault_ids, weekdays=weekdays)


# --------------------------------------------------------------------------- timing


def item_seconds(ex: Exercise, rules: RoutineRules) -> float:
    """How long one exercise at its library dose is counted as taking, set-up and rests included.

    A stretch lasts at least the routine's breaths per stretch (about 10 slow breaths).
    """
    t, d = rules.timing, ex.dose
    amounts = (d.reps, d.hold_seconds, d.breaths)
    if d.minutes is not None and all(a is None for a in amounts):
        return t.setup_seconds + d.minutes * 60
    sets = d.sets or 1
    sides = 2 if d.per_side else 1
    if d.reps is not None:
        per = d.reps * (t.seconds_per_rep[ex.kind] + (d.hold_seconds or 0))
    elif d.hold_seconds is not None:
        per = float(d.hold_seconds)
    else:
        per = (d.breaths or 0) * t.seconds_per_breath
    if ex.kind == "stretch":
        per = max(per, rules.session.breaths_per_stretch * t.seconds_per_breath)
    rest = (sets - 1) * t.rest_between_sets_seconds
    switch = sets * t.switch_sides_seconds if sides == 2 else 0
    return t.setup_seconds + sets * sides * per + rest + switch


def item_minutes(ex: Exercise, rules: RoutineRules) -> float:
    """item_seconds in minutes, rounded UP to the rules' step (half a minute)."""
    step = rules.timing.round_up_to_minutes
    return math.ceil(round(item_seconds(ex, rules) / 60 / step, 9)) * step


def dose_text(ex: Exercise, rules: RoutineRules) -> str:
    """The library dose, plus the breathing rule for stretches whose dose is given in seconds."""
    if ex.kind == "stretch" and ex.dose.breaths is None:
        each = " each side" if ex.dose.per_side else ""
        return f"{ex.dose.text}; or stay for about {rules.session.breaths_per_stretch} slow breaths{each}"
    return ex.dose.text


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Reason:
    text: str
    source: str  # a source id from sources.yaml


@dataclass
class Item:
    exercise: Exercise
    block: str
    minutes: float
    dose: str
    reasons: list[Reason]
    swaps: list[str] = field(default_factory=list)  # why an earlier choice was not used

    @property
    def id(self) -> str:
        return self.exercise.id

    @property
    def name(self) -> str:
        return self.exercise.name

    @property
    def sources(self) -> list[str]:
        """The exercise's article first, then any other article a reason names."""
        return list(dict.fromkeys([self.exercise.source, *(r.source for r in self.reasons)]))


@dataclass(frozen=True)
class LeftOut:
    name: str  # the exercise (or the rule, when no exercise could be picked)
    because: str  # the rule that wanted it
    reason: str  # why it is not in the session


@dataclass(frozen=True)
class Note:
    kind: str  # gentle | severe | conflicting | no_pattern | short
    text: str


@dataclass
class Routine:
    inputs: RoutineInputs
    blocks: dict[str, list[Item]]
    left_out: list[LeftOut]
    notes: list[Note]
    gentle: bool
    active_patterns: list[str]  # patterns whose plan shaped the session
    budget: int

    @property
    def items(self) -> list[Item]:
        return [it for b in BLOCKS for it in self.blocks[b]]

    def block_minutes(self, block: str) -> float:
        return sum(it.minutes for it in self.blocks[block])

    @property
    def total_minutes(self) -> float:
        return sum(it.minutes for it in self.items)

    @property
    def spare_minutes(self) -> float:
        return self.budget - self.total_minutes

    def note(self, kind: str) -> Note | None:
        return next((n for n in self.notes if n.kind == kind), None)


def block_intro(rules: RoutineRules, routine: Routine, block: str) -> str:
    """What a block is for: the painful-day wording on a gentle day, else the usual one."""
    if routine.gentle and block in rules.painful_day.block_intros:
        return rules.painful_day.block_intros[block]
    return rules.blocks[block].intro


# --------------------------------------------------------------------------- generator


@dataclass
class _Cand:
    options: list[str]  # exercise ids; the first allowed one is used
    reason: Reason
    label: str  # the rule, for the left-out list
    any_counts: bool = True  # satisfied when any option is already in the session
    clash_exempt: bool = False  # a pattern's own stretch: no stretch-clash check
    block: str | None = None  # None: by exercise (warm-up list, stretch kind, else main)
    report: bool = True  # list it as left out when it cannot be placed
    done: bool = False


def _fmt_minutes(m: float) -> str:
    return f"{m:g}"


class _Builder:
    def __init__(self, lib: Library, inputs: RoutineInputs, fault_by_id: Mapping[str, FaultLike]) -> None:
        self.lib = lib
        self.rules = lib.routine
        self.inputs = inputs
        self.fault_by_id = fault_by_id
        self.blocks: dict[str, list[Item]] = {b: [] for b in BLOCKS}
        self.placed: dict[str, Item] = {}
        self.left_out: list[LeftOut] = []
        self.notes: list[Note] = []
        self.budget = inputs.minutes
        self.given = [lib.pattern_by_id[p] for p in inputs.patterns]
        conflicting = self._conflicting()
        self.active: list[Pattern] = [p for p in self.given if p.id not in conflicting]
        self.conflict = bool(conflicting)
        self.strengthened = {g.muscle for p in self.active for g in p.strengthen}

    # -- helpers -------------------------------------------------------------

    def _conflicting(self) -> set[str]:
        given = {p.id for p in self.given}
        out: set[str] = set()
        for a, b in self.lib.quiz.scoring.opposites:
            if a in given and b in given:
                out |= {a, b}
        return out

    def _muscles(self, ex: Exercise) -> set[str]:
        out = set(ex.trains)
        for m in ex.trains:
            out |= set(self.rules.muscle_groups.get(m, []))
        return out

    def _label(self, muscle: str) -> str:
        return self.lib.muscle_label[muscle].lower()

    def blocked(self, ex_id: str, clash_exempt: bool) -> str | None:
        """Why this exercise may not be used here, or None."""
        ex = self.lib.exercise_by_id[ex_id]
        msgs = self.rules.messages
        missing = [e for e in ex.equipment if e not in self.inputs.equipment]
        if missing:
            names = " and ".join(self.lib.equipment_label[e].lower() for e in missing)
            return msgs.left_out_equipment.format(equipment=names)
        muscles = self._muscles(ex)
        for p in self.given:  # any avoid rule of any pattern found wins, conflicting ones included
            for av in p.avoid:
                if ex.kind == av.kind and av.muscle in muscles:
                    return msgs.left_out_avoid.format(pattern=p.short_name, reason=av.reason)
        if ex.kind == "stretch" and not clash_exempt:
            for p in self.active:
                for g in p.strengthen:
                    if g.muscle in muscles:
                        return msgs.left_out_stretch_clash.format(pattern=p.short_name, muscle=self._label(g.muscle))
        return None

    def block_of(self, ex: Exercise, cand: _Cand) -> str:
        if cand.block:
            return cand.block
        if ex.id in self.rules.warmup_exercises:
            return "warmup"
        return "stretch" if ex.kind == "stretch" else "main"

    def total(self) -> float:
        return sum(it.minutes for it in self.placed.values())

    def block_total(self, block: str) -> float:
        return sum(it.minutes for it in self.blocks[block])

    def _merge(self, item: Item, reason: Reason) -> None:
        if reason not in item.reasons:
            item.reasons.append(reason)

    def _report_blocked(self, cand: _Cand, blocked: list[tuple[str, str]]) -> None:
        if not cand.report or not blocked:
            return
        if len(blocked) == 1:
            ex_id, why = blocked[0]
            self.left_out.append(LeftOut(self.lib.exercise_by_id[ex_id].name, cand.label, why))
        else:
            why = "; ".join(f"{self.lib.exercise_by_id[o].name}: {w}" for o, w in blocked)
            self.left_out.append(LeftOut(self.lib.exercise_by_id[blocked[0][0]].name, cand.label, why))

    def try_place(self, cand: _Cand, reserve: float = 0.0) -> bool | None:
        """Place a candidate. True: placed or merged; False: no time; None: nothing allowed."""
        if cand.any_counts:
            for o in cand.options:
                if o in self.placed:
                    self._merge(self.placed[o], cand.reason)
                    cand.done = True
                    return True
        blocked: list[tuple[str, str]] = []
        for o in cand.options:
            why = self.blocked(o, cand.clash_exempt)
            if why:
                blocked.append((o, why))
                continue
            if o in self.placed:
                self._merge(self.placed[o], cand.reason)
                cand.done = True
                return True
            ex = self.lib.exercise_by_id[o]
            minutes = item_minutes(ex, self.rules)
            if self.total() + minutes + reserve > self.budget:
                return False
            block = self.block_of(ex, cand)
            swaps = [f"{self.lib.exercise_by_id[b].name} was not used: {w}." for b, w in blocked]
            item = Item(exercise=ex, block=block, minutes=minutes, dose=dose_text(ex, self.rules),
                        reasons=[cand.reason], swaps=swaps)
            self.blocks[block].append(item)
            self.placed[o] = item
            cand.done = True
            return True
        self._report_blocked(cand, blocked)
        cand.done = True
        return None

    def place_or_report(self, cand: _Cand, reserve: float = 0.0) -> None:
        """Place a candidate or list it as left out (no time, or nothing allowed)."""
        if cand.done:
            return
        if self.try_place(cand, reserve) is False:
            cand.done = True
            if cand.report:
                first = next(o for o in cand.options if not self.blocked(o, cand.clash_exempt))
                self.left_out.append(LeftOut(
                    self.lib.exercise_by_id[first].name, cand.label,
                    self.rules.messages.left_out_time.format(minutes=self.budget)))

    def fill(self, cands: list[_Cand], block: str, minimum: float, reserve: float) -> None:
        """Add candidates to `block` until it reaches `minimum`; ones that do not fit stay open."""
        for c in cands:
            if self.block_total(block) >= minimum:
                return
            if c.done:
                continue
            allowed = [o for o in c.options if not self.blocked(o, c.clash_exempt)]
            if not allowed or (c.any_counts and any(o in self.placed for o in c.options)) or allowed[0] in self.placed:
                self.try_place(c)  # records why nothing is allowed, or adds the reason to the item there
                continue
            if (self.lib.exercise_by_id[allowed[0]].kind == "stretch") != (block == "stretch"):
                continue  # belongs in another block; it waits for the main pass
            saved, c.block = c.block, block
            if self.try_place(c, reserve) is False:
                c.block = saved  # too long for what is left; a shorter one may still fit

    # -- candidate lists ------------------------------------------------------

    def rule_cand(self, it: RoutineItemRule, prefix: str, label: str, block: str | None = None,
                  report: bool = True) -> _Cand:
        return _Cand([it.exercise], Reason(f"{prefix}{it.why}", it.source), label, block=block, report=report)

    def pattern_source(self, p: Pattern, ex_ids: Sequence[str]) -> str:
        for ex_id in ex_ids:
            src = self.lib.exercise_by_id[ex_id].source
            if src in p.sources:
                return src
        return p.sources[0]

    def pattern_groups(self, block: str) -> tuple[list[_Cand], list[_Cand]]:
        """One candidate per group (round robin over the patterns), and one per other exercise."""
        firsts: list[list[_Cand]] = []
        extras: list[_Cand] = []
        verb = "strengthen" if block == "strengthen" else "stretch"
        for p in self.active:
            mine = []
            for g in getattr(p, block):
                text = f"Posture quiz → {p.short_name}: {verb} the {self._label(g.muscle)}. {g.why}"
                reason = Reason(text, self.pattern_source(p, g.exercises))
                label = f"{p.short_name}: {verb} the {self._label(g.muscle)}"
                mine.append(_Cand(list(g.exercises), reason, label, clash_exempt=True))
                for ex_id in g.exercises[1:]:
                    extras.append(_Cand([ex_id], reason, label, any_counts=False, clash_exempt=True, report=False))
            firsts.append(mine)
        rounds = max((len(m) for m in firsts), default=0)
        ordered = [m[i] for i in range(rounds) for m in firsts if i < len(m)]
        return ordered, extras

    def base_cands(self) -> list[_Cand]:
        steps = self.rules.base_sequence
        return [
            _Cand(list(s.exercises), Reason(f"Base sequence, step {i} of {len(steps)} — {s.name}: {s.why}", s.source),
                  f"{s.name} (base sequence step {i})", any_counts=False)  # fallbacks only when the first is not allowed
            for i, s in enumerate(steps, start=1)
        ]

    def fault_cands(self) -> tuple[list[_Cand], list[_Cand]]:
        firsts, extras = [], []
        for fid in self.inputs.faults:
            f = self.fault_by_id[fid]
            reason = Reason(f"Form check → you ticked “{f.name}”. This drill is one of its fixes.", f.source)
            label = f"Drill for “{f.name}”"
            firsts.append(_Cand(list(f.drills), reason, label, any_counts=False))
            for ex_id in list(f.drills)[1:]:
                extras.append(_Cand([ex_id], reason, label, any_counts=False, report=False))
        return firsts, extras

    def goal_cands(self, block: str) -> list[_Cand]:
        """Goal items, round robin over the goals so each goal gets its first item early."""
        per_goal = []
        for gid in self.inputs.goals:
            g = self.rules.goal_by_id[gid]
            per_goal.append([self.rule_cand(it, f"Your goal → {g.label}: ", f"Goal: {g.label}")
                             for it in getattr(g, block)])
        rounds = max((len(c) for c in per_goal), default=0)
        return [c[i] for i in range(rounds) for c in per_goal if i < len(c)]

    # -- build ---------------------------------------------------------------

    def build(self) -> Routine:
        rules, s, inputs = self.rules, self.rules.session, self.inputs
        full = self.budget >= s.full_blocks_from_minutes
        warm_min = s.warmup_min_minutes if full else s.short_block_minutes
        stretch_min = s.stretch_min_minutes if full else s.short_block_minutes
        gentle = inputs.pain >= rules.painful_day.threshold
        if gentle:
            self.notes.append(Note("gentle", rules.painful_day.message))
            if inputs.pain >= rules.painful_day.severe_from:
                self.notes.append(Note("severe", rules.painful_day.severe_message))
        if self.conflict:
            self.notes.append(Note("conflicting", rules.messages.conflicting))
        elif not self.active:
            self.notes.append(Note("no_pattern", rules.messages.no_pattern))
        if not full:
            self.notes.append(Note("short", rules.messages.short_session.format(
                full=s.full_blocks_from_minutes, short=_fmt_minutes(s.short_block_minutes))))

        strengthen, strengthen_extra = self.pattern_groups("strengthen")
        stretches, stretch_extra = self.pattern_groups("stretch")
        general_warm = [self.rule_cand(it, "General warm-up: ", "General warm-up", block="warmup", report=False)
                        for it in rules.general_warmup]
        general_stretch = [self.rule_cand(it, "General stretch: ", "General stretch", block="stretch", report=False)
                           for it in rules.general_stretch]
        faults, fault_extra = self.fault_cands()

        if gentle:
            pd = rules.painful_day
            for it in pd.warmup:
                self.place_or_report(self.rule_cand(it, "Painful day: ", "Painful day", block="warmup"), stretch_min)
            self.fill(stretches[: pd.max_stretches] + general_stretch, "stretch", stretch_min, 0)
            for it in pd.main:
                self.place_or_report(self.rule_cand(it, "Painful day: ", "Painful day", block="main"))
            skipped = [*self.base_cands(), *faults, *strengthen, *self.goal_cands("warmup"),
                       *self.goal_cands("main"), *self.goal_cands("stretch")]
            for c in skipped:
                if any(o in self.placed for o in c.options):
                    continue
                first = next((o for o in c.options if not self.blocked(o, c.clash_exempt)), c.options[0])
                self.left_out.append(LeftOut(self.lib.exercise_by_id[first].name, c.label, pd.left_out_reason))
        else:
            # 1. required warm-up items (the wrist warm-up before handstands)
            for c in self.goal_cands("warmup"):
                self.place_or_report(c, stretch_min)
            # 2. stretching up to its minimum, keeping room for the warm-up minimum
            self.fill(stretches + stretch_extra + general_stretch, "stretch", stretch_min,
                      max(0.0, warm_min - self.block_total("warmup")))
            # 3. warm-up up to its minimum: activate the pattern's weak muscles, then general items
            self.fill(strengthen, "warmup", warm_min, 0)
            if self.block_total("warmup") < warm_min:
                self.fill(strengthen_extra + general_warm, "warmup", warm_min, 0)
            # 4. main part and the remaining first-choice work
            for c in [*self.base_cands(), *faults, *strengthen, *self.goal_cands("main"), *stretches,
                      *self.goal_cands("stretch")]:
                self.place_or_report(c)
            # 5. extras while time remains
            for c in [*fault_extra, *strengthen_extra, *stretch_extra]:
                if not c.done:
                    self.try_place(c)

        return Routine(inputs=inputs, blocks=self.blocks, left_out=self.left_out, notes=self.notes, gentle=gentle,
                       active_patterns=[p.id for p in self.active], budget=self.budget)


def build_routine(lib: Library, inputs: RoutineInputs, faults: Mapping[str, FaultLike] | None = None) -> Routine:
    """Build the session for these inputs. Deterministic; raises RoutineInputError on bad inputs.

    faults: fault id -> fault (id, name, drills, source); defaults to the library's form-check faults.
    """
    fault_by_id = _fault_lookup(lib, faults)
    clean = normalise_inputs(lib, inputs, fault_by_id)
    return _Builder(lib, clean, fault_by_id).build()


# --------------------------------------------------------------------------- sessions


def sessions_this_week(done: Iterable[datetime], today: date) -> int:
    """How many sessions fall in the Monday-to-Sunday week of `today`."""
    year, week, _ = today.isocalendar()
    return sum(1 for d in done if d.isocalendar()[:2] == (year, week))
