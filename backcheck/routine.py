"""My routine: a pure, deterministic session generator and its timing.

``build_routine(lib, inputs)`` turns plain inputs (posture pattern ids, form-fault ids,
goals, minutes, equipment, today's pain) into a :class:`Routine` with warm-up, main and
stretch blocks. Every rule it follows is read from content: the base sequence, goals,
timing and the painful-day rule from ``routine_rules.yaml``; what to strengthen, stretch
and avoid for each posture from ``patterns.yaml``; fault drills from ``faults.yaml``.

How a session is filled (all in list order, so the same inputs give the same routine):

1. Warm-up up to its minimum: required items first (the wrist warm-up for handstands,
   the gentle warm-up on a painful day), then activation of the weak muscles of the
   posture pattern(s) (groups whose block is warmup), then general warm-up items.
2. Stretching up to its minimum: the pattern's stretch groups, more of its stretches,
   then general stretches.
3. The main part with what is left, by priority: the goals' core items, one drill per form
   fault, the early base steps (spinal control), the pattern's strength work (groups whose
   block is main), the pattern's remaining stretches, goal items and the rest of the base
   sequence. The main part is then shown with the base sequence first, in article 002's order.
4. Extras while time remains: the faults' other drills, more of the pattern's exercises.

An exercise appears once; when a second rule asks for it, its reason is added to the
item already there. Items from steps 1-3 that do not fit are listed as left out, with
why. Item minutes are rounded up to the half minute, and those rounded minutes are what
is added up, so the shown total never exceeds the budget.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator

from .content import Exercise, Library, Pattern, RoutineItemRule, RoutineRules
from .text import BadParam, parse_int, parse_list, shown

BLOCKS = ("warmup", "main", "stretch")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABEL = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}
PAIN_MAX = 10


class RoutineInputError(ValueError):
    """Routine inputs that cannot be used; the message says what is wrong and what to do."""


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


LIST_FIELDS = ("goals", "equipment", "patterns", "faults", "weekdays")
WHAT = {"goals": "goal", "equipment": "equipment", "patterns": "posture pattern", "faults": "form fault",
        "weekdays": "weekday"}


def allowed_values(lib: Library) -> dict[str, list[str]]:
    """The allow-list of every list input, in content order (the one place that says what is known)."""
    return {
        "goals": [g.id for g in lib.routine.goals],
        "equipment": [t.id for t in lib.vocabulary.equipment],
        "patterns": [p.id for p in lib.patterns],
        "faults": list(lib.fault_by_id),
        "weekdays": list(WEEKDAYS),
    }


class RoutineInputsModel(BaseModel):
    """Routine inputs as a person gives them: the My routine form and a share link both go
    through this model, so they follow the same allow-lists and ranges.

    Validate with ``context={"lib": lib, "from_link": bool, "problems": []}`` (see
    :func:`read_inputs`). From the form (or a stored session) any bad value refuses the whole
    set with one message listing every problem. From a link (raw URL text) a bad value is not
    guessed at: it is dropped, or for minutes and pain replaced by the default, and described
    in ``problems``.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    goals: tuple[str, ...] = ()
    minutes: int
    equipment: tuple[str, ...] = ()
    pain: int = 0
    patterns: tuple[str, ...] = ()
    faults: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ("mon", "wed", "fri")

    @model_validator(mode="before")
    @classmethod
    def _check(cls, data: Any, info: ValidationInfo) -> dict[str, Any]:
        ctx = info.context or {}
        lib: Library = ctx["lib"]
        from_link = bool(ctx.get("from_link"))
        notes: list[str] = ctx.setdefault("problems", [])
        problems: list[str] = []
        allowed = allowed_values(lib)
        data = dict(data)
        out: dict[str, Any] = {}
        for name in LIST_FIELDS:
            if name not in data:
                continue
            raw = data[name]
            if from_link:
                kept, unknown = parse_list(raw, allowed[name])
                if unknown:
                    notes.append(f"unknown {WHAT[name]} {', '.join(shown(v) for v in unknown[:5])} (left out)")
            else:
                values = list(raw or ())
                unknown = [v for v in values if v not in allowed[name]]
                if unknown:
                    problems.append(f"unknown {WHAT[name]}: {', '.join(map(str, unknown))}")
                kept = tuple(v for v in values if v in allowed[name])
            if name == "patterns":  # strongest first, as given
                out[name] = tuple(dict.fromkeys(kept))
            else:  # a set: content order
                out[name] = tuple(a for a in allowed[name] if a in kept)
        s = lib.routine.session
        for name, lo, hi, default in (("minutes", s.minutes_min, s.minutes_max, s.minutes_default),
                                      ("pain", 0, PAIN_MAX, 0)):
            raw = data.get(name)
            if raw is None:
                out[name] = default
            elif from_link:
                try:
                    out[name] = parse_int(raw, lo, hi, name)
                except BadParam as exc:
                    notes.append(f"{exc}; {default} used instead")
                    out[name] = default
            elif isinstance(raw, bool) or not isinstance(raw, int):
                problems.append("minutes must be a whole number" if name == "minutes"
                                else f"pain must be a whole number from 0 to {PAIN_MAX}")
            elif not lo <= raw <= hi:
                problems.append(f"minutes must be between {lo} and {hi} (got {raw})" if name == "minutes"
                                else f"pain must be from 0 to {PAIN_MAX} (got {raw})")
            else:
                out[name] = raw
        if problems:
            raise RoutineInputError("These routine inputs cannot be used: " + "; ".join(problems) + ".")
        return out

    def to_inputs(self) -> RoutineInputs:
        return RoutineInputs(**self.model_dump())


def read_inputs(lib: Library, data: Mapping[str, Any], *, from_link: bool = False) -> tuple[RoutineInputs, list[str]]:
    """Routine inputs from the form (from_link=False: raises RoutineInputError listing every
    problem) or from a share link's raw values (from_link=True: never raises; returns what it
    could use and a note per value it could not)."""
    ctx: dict[str, Any] = {"lib": lib, "from_link": from_link, "problems": []}
    try:
        model = RoutineInputsModel.model_validate(data, context=ctx)
    except ValidationError as exc:
        cause = (exc.errors()[0].get("ctx") or {}).get("error")
        if isinstance(cause, RoutineInputError):
            raise cause from None
        raise RoutineInputError(f"These routine inputs cannot be used: {exc.errors()[0]['msg']}.") from None
    return model.to_inputs(), ctx["problems"]


def normalise_inputs(lib: Library, inputs: RoutineInputs) -> RoutineInputs:
    """Check every input and put sets in content order. Raises RoutineInputError listing all problems."""
    return read_inputs(lib, inputs.to_dict())[0]


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
        """The exercise's article first, then any other article a reason or progression names."""
        prog = [self.exercise.progression.source] if self.exercise.progression else []
        return list(dict.fromkeys([self.exercise.source, *(r.source for r in self.reasons), *prog]))


@dataclass(frozen=True)
class LeftOut:
    name: str  # the exercise (or the rule, when no exercise could be picked)
    because: str  # the rule that wanted it
    reason: str  # why it is not in the session
    kind: str = "blocked"  # time (did not fit the minutes) | blocked (a rule forbids it) | painful_day


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
    block: str | None = None  # None: main (stretches always go to stretching); "activation": warm-up until full
    report: bool = True  # list it as left out when it cannot be placed
    done: bool = False
    prefer_shared: bool = False  # pick the option that also serves the most other rules
    step: int | None = None  # base-sequence step number
    weight: int = 1  # how much serving this rule counts when an exercise can serve several (ticked faults, goals: 2)
    early: bool = False  # a goal's core item or an early base step: placed before the plan's strength work


def _fmt_minutes(m: float) -> str:
    return f"{m:g}"


class _Builder:
    def __init__(self, lib: Library, inputs: RoutineInputs) -> None:
        self.lib = lib
        self.rules = lib.routine
        self.inputs = inputs
        self.fault_by_id = lib.fault_by_id
        self.blocks: dict[str, list[Item]] = {b: [] for b in BLOCKS}
        self.placed: dict[str, Item] = {}
        self.left_out: list[LeftOut] = []
        self.notes: list[Note] = []
        self.budget = inputs.minutes
        self.given = [lib.pattern_by_id[p] for p in inputs.patterns]
        conflicting = self._conflicting()
        self.active: list[Pattern] = [p for p in self.given if p.id not in conflicting]
        self.conflict = bool(conflicting)
        self.gentle = inputs.pain >= self.rules.painful_day.threshold
        self.pending: list[_Cand] = []  # the rules still waiting, for choosing exercises that serve several
        self.base_step: dict[str, int] = {}  # exercise id -> base-sequence step it covers
        s = self.rules.session
        full = self.budget >= s.full_blocks_from_minutes
        self.minimum = {"warmup": s.warmup_min_minutes if full else s.short_block_minutes,
                        "stretch": s.stretch_min_minutes if full else s.short_block_minutes}
        self.fillers: dict[str, list[_Cand]] = {"warmup": [], "stretch": []}

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
        for p in self.given:  # any avoid rule of any pattern found wins, conflicting ones included
            for av in p.avoid:
                if av.hits(ex, self.rules.muscle_groups):
                    return msgs.left_out_avoid.format(pattern=p.short_name, reason=av.reason)
        if self.gentle and not ex.gentle:
            return self.rules.painful_day.left_out_reason
        if ex.kind == "stretch" and not clash_exempt:
            muscles = self._muscles(ex)
            for p in self.active:
                for g in p.strengthen:
                    if g.muscle in muscles:
                        return msgs.left_out_stretch_clash.format(pattern=p.short_name, muscle=self._label(g.muscle))
        return None

    def substitute(self, ex_id: str) -> tuple[str, str] | None:
        """A recorded stand-in for a blocked exercise: an article decision, or today's gentle version."""
        name = self.lib.exercise_by_id[ex_id].name
        for d in self.rules.decisions:
            if ex_id in d.replace and any(p.id == d.pattern for p in self.given):
                return d.use, f"{name} was swapped for {self.lib.exercise_by_id[d.use].name}: {d.text}"
        if self.gentle and ex_id in self.rules.painful_day.gentle_versions:
            use = self.rules.painful_day.gentle_versions[ex_id]
            text = self.rules.painful_day.gentle_version_text.format(original=name)
            return use, f"{self.lib.exercise_by_id[use].name} is {text}."
        return None

    def choices(self, cand: _Cand) -> tuple[list[tuple[str, str | None]], list[tuple[str, str]]]:
        """(allowed exercise ids with a swap note, blocked ids with why), in the rule's order."""
        allowed: list[tuple[str, str | None]] = []
        blocked: list[tuple[str, str]] = []
        for o in cand.options:
            why = self.blocked(o, cand.clash_exempt)
            if why is None:
                allowed.append((o, None))
                continue
            sub = self.substitute(o)
            if sub is not None and self.blocked(sub[0], cand.clash_exempt) is None:
                allowed.append(sub)
            else:
                blocked.append((o, why))
        seen: set[str] = set()
        allowed = [(o, n) for o, n in allowed if not (o in seen or seen.add(o))]
        return allowed, blocked

    def block_of(self, ex: Exercise, cand: _Cand) -> str:
        if ex.kind == "stretch":
            return "stretch"
        if ex.id in self.rules.warmup_exercises:
            return "warmup"
        short_warmup = self.block_total("warmup") < self.minimum["warmup"]
        if cand.block == "activation":
            return "warmup" if short_warmup else "main"
        if short_warmup and any(ex.id in c.options for c in self.fillers["warmup"]):
            return "warmup"  # a warm-up filler asked for by another rule still counts towards the warm-up
        return cand.block or "main"

    def total(self) -> float:
        return sum(it.minutes for it in self.placed.values())

    def block_total(self, block: str) -> float:
        return sum(it.minutes for it in self.blocks[block])

    def _merge(self, item: Item, reason: Reason) -> None:
        if reason not in item.reasons:
            item.reasons.append(reason)

    def filler_cost(self, block: str, have: float, taken: set[str]) -> float:
        """Minutes the fillers need to bring `block` from `have` up to its minimum."""
        need = self.minimum[block] - have
        cost = 0.0
        for c in self.fillers[block]:
            if need <= 0:
                break
            allowed, _ = self.choices(c)
            for o, _note in allowed:
                ex = self.lib.exercise_by_id[o]
                if o in taken or (ex.kind == "stretch") != (block == "stretch"):
                    continue
                m = item_minutes(ex, self.rules)
                cost += m
                need -= m
                taken = taken | {o}
                break
        return cost

    def fits(self, ex: Exercise, block: str, check_minimums: bool) -> bool:
        m = item_minutes(ex, self.rules)
        if self.total() + m > self.budget:
            return False
        if not check_minimums:
            return True
        taken = set(self.placed) | {ex.id}
        extra = 0.0
        for b in ("warmup", "stretch"):
            have = self.block_total(b) + (m if b == block else 0)
            extra += self.filler_cost(b, have, taken)
        return self.total() + m + extra <= self.budget

    def _report_blocked(self, cand: _Cand, blocked: list[tuple[str, str]]) -> None:
        if not cand.report or not blocked:
            return
        if len(blocked) == 1:
            ex_id, why = blocked[0]
            self.left_out.append(LeftOut(self.lib.exercise_by_id[ex_id].name, cand.label, why))
        else:
            why = "; ".join(f"{self.lib.exercise_by_id[o].name}: {w}" for o, w in blocked)
            self.left_out.append(LeftOut(self.lib.exercise_by_id[blocked[0][0]].name, cand.label, why))

    def _serves(self, ex_id: str, cand: _Cand) -> int:
        """How many other waiting rules this exercise would also satisfy."""
        n = 0
        for other in self.pending:
            if other is cand or other.done:
                continue
            if ex_id in other.options or any(self.substitute(o) and self.substitute(o)[0] == ex_id
                                             for o in other.options if self.blocked(o, other.clash_exempt)):
                n += other.weight
        return n

    def try_place(self, cand: _Cand, check_minimums: bool = True) -> bool | None:
        """Place a candidate. True: placed or merged; False: no time; None: nothing allowed."""
        if cand.done:
            return True
        if cand.any_counts:
            for o in cand.options:
                if o in self.placed:
                    self._cover(cand, self.placed[o])
                    return True
        allowed, blocked = self.choices(cand)
        if not allowed:
            self._report_blocked(cand, blocked)
            cand.done = True
            return None
        for o, note in allowed:
            if o in self.placed and (cand.any_counts or o == allowed[0][0]):
                if note and note not in self.placed[o].swaps:
                    self.placed[o].swaps.append(note)  # say why it stands in for what this rule asked
                self._cover(cand, self.placed[o])
                return True
        if cand.prefer_shared:  # a pattern group: pick the option that also serves the most other rules
            best = max(range(len(allowed)), key=lambda i: (self._serves(allowed[i][0], cand), -i))
            allowed = [allowed[best]] + [a for i, a in enumerate(allowed) if i != best]
        for o, note in allowed:  # the preferred option first; a shorter one stands in when it does not fit
            if o in self.placed:  # an exercise appears once
                continue
            ex = self.lib.exercise_by_id[o]
            block = self.block_of(ex, cand)
            if not self.fits(ex, block, check_minimums):
                continue
            swaps = [f"{self.lib.exercise_by_id[b].name} was not used: {w}." for b, w in blocked]
            if note:
                swaps.append(note)
            item = Item(exercise=ex, block=block, minutes=item_minutes(ex, self.rules), dose=dose_text(ex, self.rules),
                        reasons=[cand.reason], swaps=swaps)
            self.blocks[block].append(item)
            self.placed[o] = item
            self._cover(cand, item)
            return True
        return False

    def _cover(self, cand: _Cand, item: Item) -> None:
        self._merge(item, cand.reason)
        if cand.step is not None:
            self.base_step.setdefault(item.id, cand.step)
        cand.done = True

    def place_or_report(self, cand: _Cand, check_minimums: bool = True) -> None:
        """Place a candidate or list it as left out (no time, or nothing allowed)."""
        if cand.done:
            return
        if self.try_place(cand, check_minimums) is False:
            cand.done = True
            if cand.report:
                allowed, _ = self.choices(cand)
                self.left_out.append(LeftOut(
                    self.lib.exercise_by_id[allowed[0][0]].name, cand.label,
                    self.rules.messages.left_out_time.format(minutes=self.budget), kind="time"))

    def fill(self, block: str) -> None:
        """Fillers until the block reaches its minimum (no minimum check: this IS the filling)."""
        for c in self.fillers[block]:
            if self.block_total(block) >= self.minimum[block]:
                return
            if c.done:
                continue
            allowed, _ = self.choices(c)
            usable = [o for o, _ in allowed if o not in self.placed
                      and (self.lib.exercise_by_id[o].kind == "stretch") == (block == "stretch")]
            if not usable:
                continue
            c.options = usable[:1]
            saved, c.block = c.block, block
            if self.try_place(c, check_minimums=False) is False:
                c.block = saved
                c.done = False

    # -- candidate lists ------------------------------------------------------

    def rule_cand(self, it: RoutineItemRule, prefix: str, label: str, block: str | None = None,
                  report: bool = True) -> _Cand:
        return _Cand([it.exercise, *it.instead], Reason(f"{prefix}{it.why}", it.source), label, block=block, report=report,
                     weight=2 if prefix.startswith("Your goal") else 1, early=it.core)

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
        verb = {"strengthen": "strengthen", "stretch": "stretch", "practise": "practise"}[block]
        # the group's own block (patterns.yaml): warm-up work is activation (the warm-up until it
        # has its minimum, then the main part); main work goes to the main part
        where_of = {"warmup": "activation", "main": None, "stretch": "stretch"}
        for p in self.active:
            mine = []
            for g in getattr(p, block):
                where = where_of[g.block]
                what = "walking" if g.muscle == "gait" else f"the {self._label(g.muscle)}"
                text = f"Posture quiz → {p.short_name}: {verb} {what}. {g.why}"
                reason = Reason(text, self.pattern_source(p, g.exercises))
                label = f"{p.short_name}: {verb} {what}"
                mine.append(_Cand(list(g.exercises), reason, label, clash_exempt=True, block=where,
                                  prefer_shared=True))
                for ex_id in g.exercises[1:]:
                    extras.append(_Cand([ex_id], reason, label, any_counts=False, clash_exempt=True, report=False,
                                        block=where))
            firsts.append(mine)
        rounds = max((len(m) for m in firsts), default=0)
        ordered = [m[i] for i in range(rounds) for m in firsts if i < len(m)]
        return ordered, extras

    def base_cands(self) -> list[_Cand]:
        steps = self.rules.base_sequence
        return [
            _Cand(list(s.exercises), Reason(f"Base sequence, step {i} of {len(steps)} — {s.name}: {s.why}", s.source),
                  f"{s.name} (base sequence step {i})", step=i, early=s.early)  # covered by any of its exercises
            for i, s in enumerate(steps, start=1)
        ]

    def fault_cands(self) -> tuple[list[_Cand], list[_Cand]]:
        firsts, extras = [], []
        for fid in self.inputs.faults:
            f = self.fault_by_id[fid]
            reason = Reason(f"Form check → you ticked “{f.name}”. This drill is one of its fixes.", f.source)
            label = f"Drill for “{f.name}”"
            firsts.append(_Cand(list(f.drills), reason, label, any_counts=False, weight=2))
            for ex_id in list(f.drills)[1:]:
                extras.append(_Cand([ex_id], reason, label, any_counts=False, report=False))
        return firsts, extras

    def goal_cands(self, block: str) -> list[list[_Cand]]:
        """Goal items per goal, in round-robin rounds (every goal's first item, then the second...)."""
        per_goal = []
        for gid in self.inputs.goals:
            g = self.rules.goal_by_id[gid]
            per_goal.append([self.rule_cand(it, f"Your goal → {g.label}: ", f"Goal: {g.label}",
                                            block="warmup" if block == "warmup" else None)
                             for it in getattr(g, block)])
        rounds = max((len(c) for c in per_goal), default=0)
        return [[c[i] for c in per_goal if i < len(c)] for i in range(rounds)]

    # -- build ---------------------------------------------------------------

    def build(self) -> Routine:
        rules, s, inputs = self.rules, self.rules.session, self.inputs
        full = self.budget >= s.full_blocks_from_minutes
        gentle = self.gentle
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
                full=s.full_blocks_from_minutes, minutes=self.budget, short=_fmt_minutes(s.short_block_minutes))))

        strengthen, strengthen_extra = self.pattern_groups("strengthen")
        stretches, stretch_extra = self.pattern_groups("stretch")
        practise, _ = self.pattern_groups("practise")
        general_warm = [self.rule_cand(it, "General warm-up: ", "General warm-up", block="warmup", report=False)
                        for it in rules.general_warmup]
        general_stretch = [self.rule_cand(it, "General stretch: ", "General stretch", block="stretch", report=False)
                           for it in rules.general_stretch]
        faults, fault_extra = self.fault_cands()
        goal_warm = [c for rnd in self.goal_cands("warmup") for c in rnd]
        goal_main = self.goal_cands("main")
        goal_stretch = self.goal_cands("stretch")
        goal_first = (goal_main[0] if goal_main else []) + (goal_stretch[0] if goal_stretch else [])
        goal_rest = [c for rnd in goal_main[1:] for c in rnd] + [c for rnd in goal_stretch[1:] for c in rnd]
        bases = self.base_cands()

        if gentle:
            pd = rules.painful_day
            self.fillers = {"warmup": [*strengthen_extra, *general_warm],
                            "stretch": [*stretch_extra, *general_stretch]}
            pd_warm = [self.rule_cand(it, "Painful day: ", "Painful day", block="warmup") for it in pd.warmup]
            pd_main = [self.rule_cand(it, "Painful day: ", "Painful day", block="main") for it in pd.main]
            for c in strengthen:  # the imbalance work, finished in gentle versions
                c.reason = Reason(f"{c.reason.text} {pd.imbalance_why}", c.reason.source)
                c.block = "activation"  # the painful day's own rule: activation first, the rest ends the main part
            kept_stretches = stretches[: pd.max_stretches]
            order = [*pd_warm, *pd_main, *kept_stretches, *practise, *strengthen]
            self.pending = list(order)
            for c in pd_warm:
                self.place_or_report(c)
            # activation: the pattern's strength work (gentle versions) until the warm-up minimum,
            # keeping the last group back so the imbalance work also ends the main part (003)
            for c in strengthen[:-1]:
                if self.block_total("warmup") >= self.minimum["warmup"]:
                    break
                self.place_or_report(c)
            for c in [*pd_main, *kept_stretches, *practise]:
                self.place_or_report(c)
            for c in strengthen:  # the rest of the imbalance work ends the main part
                c.block = "main" if c.block == "activation" else c.block
                self.place_or_report(c)
            self.fill("warmup")
            self.fill("stretch")
            skipped = [*bases, *faults, *goal_warm, *goal_first, *goal_rest, *stretches[pd.max_stretches:]]
            for c in skipped:
                if c.done or any(o in self.placed for o in c.options):
                    continue
                first = next((o for o in c.options if not self.blocked(o, c.clash_exempt)), c.options[0])
                self.left_out.append(LeftOut(self.lib.exercise_by_id[first].name, c.label, pd.left_out_reason,
                                             kind="painful_day"))
        else:
            # warm-up fillers: more of the plan's warm-up (activation) work, then the general warm-up
            self.fillers = {"warmup": [*(c for c in strengthen_extra if c.block == "activation"), *general_warm],
                            "stretch": [*stretch_extra, *general_stretch]}
            plan = [*strengthen, *practise]
            activation = [c for c in plan if c.block == "activation"]
            strength = [c for c in plan if c.block != "activation"]
            goal_core = [c for c in [*goal_first, *goal_rest] if c.early]
            early_bases = [c for c in bases if c.early]
            # Priority when time is short (issue 8, clinical review): the plan's stretches to the
            # stretching minimum and its warm-up activation, the goals' core items, the ticked
            # faults, the early base steps (spinal control), the plan's strength work, then one
            # item for each goal, the rest of the base sequence and the rest of the goals, and
            # only then warm-up and stretch fillers and extras.
            order = [*goal_warm, *stretches, *activation, *goal_core, *faults, *early_bases, *strength,
                     *goal_first, *bases, *goal_rest]
            self.pending = list(order)
            for c in goal_warm:
                self.place_or_report(c)
            for c in stretches:  # the pattern's stretches up to the stretching minimum first...
                if self.block_total("stretch") >= self.minimum["stretch"]:
                    break
                self.place_or_report(c)
            # ...then the rest in the order above, the other stretches after the plan's strength work
            for c in [*activation, *goal_core, *faults, *early_bases, *strength, *stretches, *goal_first, *bases,
                      *goal_rest]:
                self.place_or_report(c)
            self.fill("warmup")
            self.fill("stretch")
            for c in [*fault_extra, *strengthen_extra, *stretch_extra]:
                if not c.done:
                    self.try_place(c, check_minimums=False)

        self._ensure_main(full)
        self._order_main()
        return Routine(inputs=inputs, blocks=self.blocks, left_out=self.left_out, notes=self.notes, gentle=gentle,
                       budget=self.budget)

    def _ensure_main(self, full: bool) -> None:
        """A full-length session keeps a main part: move activation work out of an over-full warm-up."""
        if not full or self.blocks["main"]:
            return
        warm = self.blocks["warmup"]
        for it in reversed(list(warm)):
            if it.id in self.rules.warmup_exercises or not it.reasons[0].text.startswith("Posture quiz"):
                continue
            if self.block_total("warmup") - it.minutes >= self.minimum["warmup"]:
                warm.remove(it)
                it.block = "main"
                self.blocks["main"].append(it)
                return

    def _order_main(self) -> None:
        """Main part: the base sequence in its order first (002), then everything else as placed."""
        if self.gentle:
            return
        main = self.blocks["main"]
        last = len(self.rules.base_sequence) + 1
        self.blocks["main"] = sorted(main, key=lambda it: (self.base_step.get(it.id, last), main.index(it)))


def build_routine(lib: Library, inputs: RoutineInputs) -> Routine:
    """Build the session for these inputs. Deterministic; raises RoutineInputError on bad inputs.

    faults: fault id -> fault (id, name, drills, source); defaults to the library's form-check faults.
    """
    return _Builder(lib, normalise_inputs(lib, inputs)).build()


# --------------------------------------------------------------------------- sessions


# --------------------------------------------------------------------------- what fits


def left_for_time(routine: Routine) -> list[LeftOut]:
    """Items the person asked for (posture plan, faults, goals, base sequence) that did not fit."""
    return [lo for lo in routine.left_out if lo.kind == "time"]


def minutes_to_fit(lib: Library, inputs: RoutineInputs) -> int | None:
    """The fewest minutes (in the slider's steps) at which nothing is left out for time and the
    warm-up and stretching get their full minimums; None when even the longest session cannot."""
    s = lib.routine.session
    start = max(inputs.minutes + s.minutes_step, s.minutes_min)
    for minutes in range(start, s.minutes_max + 1, s.minutes_step):
        r = build_routine(lib, RoutineInputs(**{**inputs.to_dict(), "minutes": minutes,
                                                **{k: tuple(v) for k, v in inputs.to_dict().items()
                                                   if isinstance(v, list)}}))
        if not left_for_time(r) and minutes >= s.full_blocks_from_minutes:
            return minutes
    return None
