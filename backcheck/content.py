"""The domain as data: pydantic schemas for everything in ``content/`` and the loader.

Every content file is YAML. ``load_library`` reads them all, validates each item with
the schemas below and then checks every cross-reference (exercise ids, muscle ids,
equipment ids, source files). Any problem raises :class:`ContentError` whose message
names the file, the item and the field, so a broken file stops the app with a message a
person can act on instead of a traceback.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

from .labels import Labelled
from .poses import PoseBook, PoseError, coverage_problems, load_pose_book

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ContentError(Exception):
    """A content file is missing, unreadable or does not match its schema."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- sources


class Source(Strict):
    id: Text  # the article's file name, e.g. "003_8a7261f12f81f5aa.txt", or a guidance id
    short: Text  # how the app cites it in one breath, e.g. "Article 003"
    title: Text
    topic: Text
    kind: Literal["article", "guidance", "own"] = "article"  # own: BackCheck's suggestion, not a source


# --------------------------------------------------------------------------- vocabulary


class Term(Strict):
    id: Slug
    label: Text


class Vocabulary(Strict):
    muscles: list[Term]  # what an exercise trains: muscles and capacities
    equipment: list[Term]


# --------------------------------------------------------------------------- exercises


class Dose(Strict):
    """How much, as the article gives it (or a suggested start where it gives none)."""

    text: Text  # human-readable: "Hold 30 s, then the other side"
    sets: int | None = Field(default=None, ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    breaths: int | None = Field(default=None, ge=1, le=60)
    minutes: float | None = Field(default=None, gt=0, le=30)
    per_side: bool = False
    from_article: bool  # False: the article names the exercise but gives no dose

    @model_validator(mode="after")
    def _has_amount(self) -> "Dose":
        if not any(v is not None for v in (self.reps, self.hold_seconds, self.breaths, self.minutes)):
            raise ValueError("a dose needs at least one of reps, hold_seconds, breaths or minutes")
        return self


class ExerciseKind(Labelled):
    """What an exercise mainly does (exercises.yaml ``kind``), with the library's label for it."""

    STRENGTHEN = "strengthen", "Strengthen"
    STRETCH = "stretch", "Stretch"
    MOBILITY = "mobility", "Mobility"
    CONTROL = "control", "Control drill"


Kind = Literal["strengthen", "stretch", "mobility", "control"]  # the values of ExerciseKind


class ExerciseProgression(Strict):
    text: Text
    source: Text  # "backcheck" when it is our suggestion


class Exercise(Strict):
    id: Slug
    name: Text
    kind: Kind
    trains: list[Slug] = Field(min_length=1)  # vocabulary muscle ids: what it is for
    loads: list[Slug]  # what it truly works, whatever its kind; avoid rules match on this ([] = passive)
    gentle: bool = False  # suits a painful day (no load, small pain-free range)
    progression: ExerciseProgression | None = None
    summary: Text
    cues: list[Text] = Field(min_length=2)
    dose: Dose
    equipment: list[Slug] = Field(default_factory=list)  # all needed; empty = nothing
    optional_equipment: list[Slug] = Field(default_factory=list)
    caution: str | None = None
    source: Text


# --------------------------------------------------------------------------- patterns


class TargetGroup(Strict):
    muscle: Slug
    why: Text
    exercises: list[Slug] = Field(min_length=1)
    # The session block the group's work belongs to: warmup (activation: the warm-up until it
    # has its minimum, then the main part), main (strength work, after the base sequence) or
    # stretch (stretch groups only).
    block: Literal["warmup", "main", "stretch"]


class Avoid(Strict):
    """kind strengthen: no exercise that LOADS this muscle (any kind); other kinds: that kind training it."""

    kind: Kind
    muscle: Slug
    reason: Text

    def hits(self, ex: "Exercise", expand: dict[str, list[str]] | None = None) -> bool:
        def grow(ids: list[str]) -> set[str]:
            out = set(ids)
            for m in ids:
                out |= set((expand or {}).get(m, []))
            return out

        if self.kind == "strengthen":
            return self.muscle in grow(ex.loads)
        return ex.kind == self.kind and self.muscle in grow(ex.trains)


class Sign(Strict):
    text: Text
    source: Text  # "backcheck" when the check is our own


class Pattern(Strict):
    id: Slug
    name: Text
    short_name: Text
    description: Text
    signs: list[Sign] = Field(min_length=1)
    strengthen: list[TargetGroup]
    stretch: list[TargetGroup]
    practise: list[TargetGroup] = Field(default_factory=list)  # everyday practice the article asks for (walking)
    avoid: list[Avoid] = Field(default_factory=list)
    tips: list[Text] = Field(default_factory=list)
    sources: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _blocks_fit(self) -> "Pattern":
        for kind in ("strengthen", "practise", "stretch"):
            for g in getattr(self, kind):
                ok = ("stretch",) if kind == "stretch" else ("warmup", "main")
                if g.block not in ok:
                    raise ValueError(f"{kind} group '{g.muscle}' has block '{g.block}'; use one of {', '.join(ok)}")
        return self


# --------------------------------------------------------------------------- quiz


class QuizOption(Strict):
    id: Slug
    label: Text
    evidence: dict[Slug, int] = Field(default_factory=dict)  # pattern id -> points

    @field_validator("evidence")
    @classmethod
    def _points_in_range(cls, v: dict[str, int]) -> dict[str, int]:
        for pattern, points in v.items():
            if not 1 <= points <= 3:
                raise ValueError(f"points for {pattern!r} must be 1-3, got {points}")
        return v


class QuizQuestion(Strict):
    id: Slug
    text: Text
    how_to_check: Text
    setting: Literal["mirror", "floor", "movement", "pain"]
    options: list[QuizOption] = Field(min_length=2)
    source: Text  # where the sign (what the answer means) comes from
    check_source: Text | None = None  # where the how-to-check procedure comes from, when different

    @model_validator(mode="after")
    def _no_own_not_sure(self) -> "QuizQuestion":
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError("option ids must be unique within a question")
        if "not_sure" in ids:
            raise ValueError("'not_sure' is added by the app to every question; do not list it")
        return self


class QuizScoring(Strict):
    lead_share: float = Field(gt=0, lt=1)  # share of a pattern's possible points to count
    strong_share: float = Field(gt=0, le=1)
    min_points: int = Field(ge=1)
    min_answered: int = Field(ge=1)
    opposites: list[tuple[Slug, Slug]] = Field(default_factory=list)  # pattern pairs that contradict


class Quiz(Strict):
    scoring: QuizScoring
    questions: list[QuizQuestion] = Field(min_length=8, max_length=15)


# --------------------------------------------------------------------------- red flags


Urgency = Literal["emergency", "urgent", "soon"]
URGENCY_ORDER: tuple[str, ...] = ("emergency", "urgent", "soon")  # most urgent first


class RedFlag(Strict):
    id: Slug
    question: Text
    detail: str | None = None
    urgency: Urgency
    advice: Text
    requires: list[Slug] = Field(default_factory=list)  # counts only when these are also answered yes
    source: Text


class RetiredFlag(Strict):
    """A question from an earlier version of the check, so old saved checks still read sensibly."""

    id: Slug
    question: Text
    urgency: Urgency


class LevelText(Strict):
    headline: Text
    message: Text


class Safety(Strict):
    intro: Text
    levels: dict[Urgency, LevelText]
    clear_message: Text
    flags: list[RedFlag] = Field(min_length=1)
    retired: list[RetiredFlag] = Field(default_factory=list)

    @field_validator("levels")
    @classmethod
    def _every_level(cls, v: dict[str, LevelText]) -> dict[str, LevelText]:
        missing = set(URGENCY_ORDER) - set(v)
        if missing:
            raise ValueError(f"levels needs emergency, urgent and soon; missing: {', '.join(sorted(missing))}")
        return v

    @cached_property
    def flag_by_id(self) -> dict[str, RedFlag]:
        return {f.id: f for f in self.flags}

    @cached_property
    def retired_by_id(self) -> dict[str, RetiredFlag]:
        return {f.id: f for f in self.retired}


# --------------------------------------------------------------------------- form check faults

MovementId = Literal["hinge", "squat", "handstand"]
CheckMethod = Literal["mirror", "video", "dowel", "feel", "pain"]


class SelfCheck(Strict):
    """A check explained once per movement (the dowel check) that several faults use."""

    method: CheckMethod
    name: Text
    steps: list[Text] = Field(min_length=1)
    source: Text


class Advice(Strict):
    kind: Literal["professional", "pain"]  # see a professional / what to do when it hurts
    text: Text
    source: Text


class Movement(Strict):
    id: MovementId
    name: Text
    intro: Text
    self_check: SelfCheck | None = None
    advice: list[Advice] = Field(default_factory=list)
    sources: list[Text] = Field(min_length=1)


class FaultGroup(Strict):
    id: Slug
    name: Text
    explanation: Text  # what the faults in this group have in common
    focus: Text  # what to work on
    sources: list[Text] = Field(min_length=1)


class Fault(Strict):
    id: Slug  # unique across all movements
    movement: MovementId
    name: Text
    check_with: CheckMethod
    how_to_check: Text
    why: Text  # why it loads the back, one or two sentences
    cue: Text
    drills: list[Slug] = Field(min_length=1)  # exercise ids
    group: Slug
    source: Text


class FaultBook(Strict):
    """content/faults.yaml. Iterating over it (or ``.faults``) gives the faults in order."""

    intro: Text
    all_clear: Text
    methods: dict[CheckMethod, Text]
    movements: list[Movement] = Field(min_length=1)
    groups: list[FaultGroup] = Field(min_length=1)
    faults: list[Fault] = Field(min_length=1)

    def __iter__(self):  # type: ignore[override]  # so `for f in lib.faults` yields faults
        return iter(self.faults)

    def __len__(self) -> int:
        return len(self.faults)

    @cached_property
    def movement_by_id(self) -> dict[str, Movement]:
        return {m.id: m for m in self.movements}

    @cached_property
    def group_by_id(self) -> dict[str, FaultGroup]:
        return {g.id: g for g in self.groups}

    def for_movement(self, movement: str) -> list[Fault]:
        return [f for f in self.faults if f.movement == movement]


# --------------------------------------------------------------------------- pain log


class Choice(Strict):
    id: Slug
    label: Text


class FunctionSuggestion(Strict):
    label: Text
    source: Text


class PainRules(Strict):
    """The numbers behind the pain log's verdicts (see content/painlog.yaml)."""

    baseline_days: int = Field(ge=3, le=28)
    window_days: int = Field(ge=3, le=28)
    min_days_per_window: int = Field(ge=1, le=28)
    mcid_points: float = Field(gt=0, le=10)
    mcid_percent: float = Field(gt=0, lt=100)
    mcid_source: Text
    min_days_each: int = Field(ge=1, le=60)
    chart_max_points: int = Field(ge=100, le=100_000)

    @model_validator(mode="after")
    def _min_days_fit(self) -> "PainRules":
        if self.min_days_per_window > min(self.baseline_days, self.window_days):
            raise ValueError("min_days_per_window cannot exceed baseline_days or window_days")
        return self


class PainLogContent(Strict):
    activities: list[Choice] = Field(min_length=1)
    locations: list[Choice] = Field(min_length=1)
    function_suggestions: list[FunctionSuggestion] = Field(default_factory=list)
    max_function_activities: int = Field(ge=1, le=10)
    rules: PainRules

    @cached_property
    def activity_label(self) -> dict[str, str]:
        return {c.id: c.label for c in self.activities}

    @cached_property
    def location_label(self) -> dict[str, str]:
        return {c.id: c.label for c in self.locations}


# --------------------------------------------------------------------------- routine rules (routine screen)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
BlockId = Literal["warmup", "main", "stretch"]


class RoutineSessionRules(Strict):
    minutes_min: int = Field(ge=5, le=120)
    minutes_max: int = Field(ge=5, le=180)
    minutes_default: int = Field(ge=5, le=180)
    minutes_step: int = Field(ge=1, le=30)
    warmup_min_minutes: float = Field(gt=0, le=30)
    stretch_min_minutes: float = Field(gt=0, le=30)
    breaths_per_stretch: int = Field(ge=1, le=30)
    sessions_per_week_min: int = Field(ge=1, le=7)
    full_blocks_from_minutes: int = Field(ge=5, le=120)
    short_block_minutes: float = Field(gt=0, le=30)
    key_cues: int = Field(ge=1, le=10)
    source: Text

    @model_validator(mode="after")
    def _consistent(self) -> "RoutineSessionRules":
        if not self.minutes_min <= self.minutes_default <= self.minutes_max:
            raise ValueError("minutes_default must lie between minutes_min and minutes_max")
        if self.warmup_min_minutes + self.stretch_min_minutes >= self.full_blocks_from_minutes:
            raise ValueError("full_blocks_from_minutes must leave room for main work after the warm-up and stretch minimums")
        if 2 * self.short_block_minutes >= self.minutes_min:
            raise ValueError("two short blocks must leave room for main work within minutes_min")
        return self


class RoutineTiming(Strict):
    seconds_per_rep: dict[Kind, float]
    seconds_per_breath: float = Field(gt=0, le=30)
    rest_between_sets_seconds: int = Field(ge=0, le=300)
    switch_sides_seconds: int = Field(ge=0, le=60)
    setup_seconds: int = Field(ge=0, le=120)
    round_up_to_minutes: float = Field(gt=0, le=5)

    @field_validator("seconds_per_rep")
    @classmethod
    def _every_kind(cls, v: dict[str, float]) -> dict[str, float]:
        missing = set(ExerciseKind.values()) - set(v)
        if missing:
            raise ValueError(f"seconds_per_rep needs a value for every kind; missing: {', '.join(sorted(missing))}")
        if any(not 0 < x <= 30 for x in v.values()):
            raise ValueError("seconds_per_rep values must be above 0 and at most 30")
        return v


class RoutineBlock(Strict):
    title: Text
    intro: Text
    source: Text


class RoutineStep(Strict):
    """One step of the base sequence; the first allowed exercise is used, the rest are fallbacks."""

    id: Slug
    name: Text
    why: Text
    exercises: list[Slug] = Field(min_length=1)
    source: Text
    early: bool = False  # placed before the posture plan's strength work, so a short session keeps it


class RoutineItemRule(Strict):
    """An exercise a rule puts in the session, with why."""

    exercise: Slug
    why: Text
    source: Text
    core: bool = False  # a goal's core item: placed before the posture plan's strength work
    instead: list[Slug] = Field(default_factory=list)  # stand-ins when the exercise is not allowed (equipment)


class RoutineGoal(Strict):
    id: Slug
    label: Text
    summary: Text
    warmup: list[RoutineItemRule] = Field(default_factory=list)
    main: list[RoutineItemRule] = Field(default_factory=list)
    stretch: list[RoutineItemRule] = Field(default_factory=list)


class PainfulDay(Strict):
    threshold: int = Field(ge=1, le=10)
    threshold_text: Text
    message: Text
    left_out_reason: Text
    severe_from: int = Field(ge=1, le=10)
    severe_message: Text
    warmup: list[RoutineItemRule] = Field(default_factory=list)
    main: list[RoutineItemRule] = Field(min_length=1)
    max_stretches: int = Field(ge=0, le=10)
    block_intros: dict[BlockId, Text] = Field(default_factory=dict)  # replace the usual intros on a painful day
    gentle_versions: dict[Slug, Slug] = Field(default_factory=dict)  # exercise -> its gentle stand-in today
    gentle_version_text: Text = "the gentle version today"
    imbalance_why: Text = "Finish with your imbalance work."
    source: Text

    @model_validator(mode="after")
    def _severe_above(self) -> "PainfulDay":
        if self.severe_from < self.threshold:
            raise ValueError("severe_from must not be below threshold")
        return self


class RoutineCalendar(Strict):
    weekdays_default: list[Weekday] = Field(min_length=1)
    weeks_default: int = Field(ge=1, le=52)
    weeks_max: int = Field(ge=1, le=52)
    time_default: Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    reminder_minutes: int = Field(ge=0, le=24 * 60)


class Decision(Strict):
    """Where two articles disagree: what BackCheck does, recorded with both sources and shown to the person."""

    id: Slug
    pattern: Slug  # applies when this posture pattern is in play
    replace: list[Slug] = Field(min_length=1)
    use: Slug
    text: Text
    sources: list[Text] = Field(min_length=2)


class RoutineMessages(Strict):
    conflicting: Text
    no_pattern: Text
    short_session: Text
    does_not_fit: Text
    left_out_time: Text
    left_out_equipment: Text
    left_out_avoid: Text
    left_out_stretch_clash: Text
    professional: Text


class RoutineRules(Strict):
    """content/routine_rules.yaml: how a session is put together and timed."""

    session: RoutineSessionRules
    timing: RoutineTiming
    blocks: dict[BlockId, RoutineBlock]
    base_sequence: list[RoutineStep] = Field(min_length=1)
    warmup_exercises: list[Slug] = Field(default_factory=list)
    goals: list[RoutineGoal] = Field(min_length=1)
    general_warmup: list[RoutineItemRule] = Field(min_length=1)
    general_stretch: list[RoutineItemRule] = Field(min_length=1)
    muscle_groups: dict[Slug, list[Slug]] = Field(default_factory=dict)
    decisions: list[Decision] = Field(default_factory=list)
    painful_day: PainfulDay
    calendar: RoutineCalendar
    messages: RoutineMessages

    @field_validator("blocks")
    @classmethod
    def _all_blocks(cls, v: dict[str, RoutineBlock]) -> dict[str, RoutineBlock]:
        missing = {"warmup", "main", "stretch"} - set(v)
        if missing:
            raise ValueError(f"blocks needs warmup, main and stretch; missing: {', '.join(sorted(missing))}")
        return v

    @cached_property
    def goal_by_id(self) -> dict[str, RoutineGoal]:
        return {g.id: g for g in self.goals}



# --------------------------------------------------------------------------- progression (session player)

BACKCHECK_SOURCE = "backcheck"  # marks a rule or level as BackCheck's own rather than an article's


class ProgressionRules(Strict):
    advance_after_easy: int = Field(ge=1, le=20)
    advance_source: Text
    pain_rise_points: int = Field(ge=1, le=10)
    pain_rise_source: Text
    hard_kinds: list[Kind] = Field(min_length=1)
    painful_day_source: Text


class PlayerTiming(Strict):
    get_ready_seconds: int = Field(ge=0, le=60)
    rest_between_sets_seconds: int = Field(ge=0, le=300)
    source: Text


class Level(Strict):
    """One rung of a ladder: a dose, and optionally another exercise (a harder variant)."""

    label: Text  # how the routine and the handout show it: "2 × 20 each leg"
    variant: str | None = None  # a name for a harder version, e.g. "Banded clam"
    exercise: Slug | None = None  # another library exercise this level uses (its cues, its name)
    sets: int = Field(default=1, ge=1, le=10)
    reps: int | None = Field(default=None, ge=1, le=100)
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    breaths: int | None = Field(default=None, ge=1, le=60)
    minutes: float | None = Field(default=None, gt=0, le=30)
    per_side: bool = False
    equipment: list[Slug] = Field(default_factory=list)
    source: Text

    @model_validator(mode="after")
    def _one_amount(self) -> "Level":
        amounts = [v for v in (self.reps, self.hold_seconds, self.breaths, self.minutes) if v is not None]
        if len(amounts) != 1:
            raise ValueError("a level needs exactly one of reps, hold_seconds, breaths or minutes")
        return self


class Ladder(Strict):
    exercise: Slug
    levels: list[Level] = Field(min_length=2, max_length=10)


class Progression(Strict):
    """content/progression.yaml: levels per exercise and the rules that move between them."""

    rules: ProgressionRules
    player: PlayerTiming
    ladders: list[Ladder] = Field(min_length=1)

    @cached_property
    def ladder_by_exercise(self) -> dict[str, Ladder]:
        return {ld.exercise: ld for ld in self.ladders}


# --------------------------------------------------------------------------- library


class Library(Strict):
    """All content, validated and cross-checked."""

    sources: list[Source]
    vocabulary: Vocabulary
    exercises: list[Exercise]
    patterns: list[Pattern]
    quiz: Quiz
    safety: Safety
    painlog: PainLogContent  # pain log: activities, locations, verdict rules
    faults: FaultBook  # form check: iterate it for the faults; see fault_by_id
    routine: RoutineRules  # my routine: base sequence, goals, timing, painful-day rule
    progression: Progression  # session player: levels per exercise and when they change
    poses: PoseBook | None = None  # figures (poses.yaml): one per exercise, quiz check, fault and self-check

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def exercise_by_id(self) -> dict[str, Exercise]:
        return {e.id: e for e in self.exercises}

    @cached_property
    def pattern_by_id(self) -> dict[str, Pattern]:
        return {p.id: p for p in self.patterns}

    @cached_property
    def fault_by_id(self) -> dict[str, Fault]:
        return {f.id: f for f in self.faults.faults}

    @property
    def sessions_goal(self) -> int:
        """At least this many routine sessions a week: the one home of the rule (routine_rules.yaml,
        session.sessions_per_week_min). Count sessions against it with painlog.sessions_per_week."""
        return self.routine.session.sessions_per_week_min

    @property
    def sessions_goal_source(self) -> str:
        """The article the weekly goal comes from."""
        return self.routine.session.source

    @cached_property
    def muscle_label(self) -> dict[str, str]:
        return {t.id: t.label for t in self.vocabulary.muscles}

    @cached_property
    def equipment_label(self) -> dict[str, str]:
        return {t.id: t.label for t in self.vocabulary.equipment}

    def cite(self, source_id: str) -> str:
        """Short citation for a source id: 'Article 003 — Lower back pain during squats'."""
        src = self.source_by_id[source_id]
        if src.kind == "own":
            return f"{src.short} (not from the articles)"
        return f"{src.short}: {src.title}"


# file name -> (Library field, schema of one item or of the whole file, list key or None)
FILES: dict[str, tuple[str, Any, str | None]] = {
    "sources.yaml": ("sources", Source, "sources"),
    "vocabulary.yaml": ("vocabulary", Vocabulary, None),
    "exercises.yaml": ("exercises", Exercise, "exercises"),
    "patterns.yaml": ("patterns", Pattern, "patterns"),
    "quiz.yaml": ("quiz", Quiz, None),
    "safety.yaml": ("safety", Safety, None),
    "painlog.yaml": ("painlog", PainLogContent, None),
    "faults.yaml": ("faults", FaultBook, None),
    "routine_rules.yaml": ("routine", RoutineRules, None),
    "progression.yaml": ("progression", Progression, None),
}


def _where(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic error location into "item 'x', field 'a.b'" using ids where present."""
    item = ""
    node = data
    path: list[str] = []
    for part in loc:
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            ident = node.get("id") if isinstance(node, dict) else None
            if not item:
                item = f"item '{ident}'" if ident else f"item #{part + 1}"
                path = []
            else:
                path.append(str(ident) if ident else str(part + 1))
            continue
        path.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    field = ".".join(path) or "(whole item)"
    return f"{item + ', ' if item else ''}field '{field}'"


def _load_yaml(path: Path) -> Any:
    if not path.exists():
        raise ContentError(f"{path.name}: the file is missing from {path.parent}.")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ContentError(f"{path.name}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc


def _parse_file(name: str, path: Path) -> Any:
    _field, schema, key = FILES[name]
    raw = _load_yaml(path)
    if key is not None:
        if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
            raise ContentError(f"{name}: expected a top-level '{key}:' list.")
        items = raw[key]
        parsed = []
        for i, item in enumerate(items):
            try:
                parsed.append(schema.model_validate(item))
            except ValidationError as exc:
                err = exc.errors()[0]
                raise ContentError(f"{name}: {_where((i, *err['loc']), items)}: {err['msg']}.") from exc
        _check_unique(name, [p.id for p in parsed])
        return parsed
    if not isinstance(raw, dict):
        raise ContentError(f"{name}: expected a mapping at the top level.")
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ContentError(f"{name}: {_where(err['loc'], raw)}: {err['msg']}.") from exc


def _check_unique(name: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            raise ContentError(f"{name}: item '{ident}', field 'id': the id '{ident}' is used twice; ids must be unique.")
        seen.add(ident)


def _need(ok: bool, msg: str) -> None:
    if not ok:
        raise ContentError(msg)


def _cross_check(lib: Library) -> None:
    """Every id, source and rule one content file names must exist in another; one check per subject."""
    _check_vocabulary(lib)
    _check_exercises(lib)
    _check_patterns(lib)
    _check_quiz(lib)
    _check_safety_flags(lib)
    _check_faults(lib)
    _check_painlog(lib)
    _check_routine_sources(lib)
    _check_routine_items(lib)
    _check_routine_decisions(lib)
    _check_gentle_versions_and_muscle_groups(lib)


def _check_vocabulary(lib: Library) -> None:
    """vocabulary.yaml: muscle and equipment ids are unique."""
    _check_unique("vocabulary.yaml", [t.id for t in lib.vocabulary.muscles])
    _check_unique("vocabulary.yaml", [t.id for t in lib.vocabulary.equipment])


def _check_exercises(lib: Library) -> None:
    """exercises.yaml: sources, muscles trained and loaded, equipment; strengthening says what it loads."""
    sources, muscles, equipment = set(lib.source_by_id), set(lib.muscle_label), set(lib.equipment_label)
    for ex in lib.exercises:
        where = f"exercises.yaml: item '{ex.id}'"
        _need(ex.source in sources, f"{where}, field 'source': unknown source '{ex.source}' (not in sources.yaml).")
        for m in ex.trains:
            _need(m in muscles, f"{where}, field 'trains': unknown muscle '{m}' (not in vocabulary.yaml).")
        for m in ex.loads:
            _need(m in muscles, f"{where}, field 'loads': unknown muscle '{m}' (not in vocabulary.yaml).")
        _need(ex.kind != "strengthen" or bool(ex.loads),
              f"{where}, field 'loads': a strengthening exercise must say what it loads.")
        if ex.progression is not None:
            _need(ex.progression.source in sources,
                  f"{where}, field 'progression.source': unknown source '{ex.progression.source}'.")
        for e in [*ex.equipment, *ex.optional_equipment]:
            _need(e in equipment, f"{where}, field 'equipment': unknown equipment '{e}' (not in vocabulary.yaml).")


def _check_patterns(lib: Library) -> None:
    """patterns.yaml: sources, muscles and exercises named, and no recommended exercise breaks an avoid rule."""
    sources, muscles, exercises = set(lib.source_by_id), set(lib.muscle_label), set(lib.exercise_by_id)
    for p in lib.patterns:
        where = f"patterns.yaml: item '{p.id}'"
        for s in p.sources:
            _need(s in sources, f"{where}, field 'sources': unknown source '{s}' (not in sources.yaml).")
        for sign in p.signs:
            _need(sign.source in sources, f"{where}, field 'signs': unknown source '{sign.source}'.")
        for block in ("strengthen", "stretch", "practise"):
            for group in getattr(p, block):
                _need(group.muscle in muscles, f"{where}, field '{block}': unknown muscle '{group.muscle}'.")
                for ex_id in group.exercises:
                    _need(ex_id in exercises, f"{where}, field '{block}': unknown exercise id '{ex_id}'.")
        for av in p.avoid:
            _need(av.muscle in muscles, f"{where}, field 'avoid': unknown muscle '{av.muscle}'.")
            for group in p.strengthen + p.stretch + p.practise:
                for ex_id in group.exercises:
                    ex = lib.exercise_by_id[ex_id]
                    _need(
                        not av.hits(ex, lib.routine.muscle_groups),
                        f"{where}, field 'avoid': exercise '{ex_id}' is recommended but is a {av.kind} "
                        f"exercise for '{av.muscle}', which this pattern says to avoid.",
                    )


def _check_quiz(lib: Library) -> None:
    """quiz.yaml: unique questions, their sources, and the patterns their evidence and scoring name."""
    sources, patterns = set(lib.source_by_id), set(lib.pattern_by_id)
    _check_unique("quiz.yaml", [q.id for q in lib.quiz.questions])
    for q in lib.quiz.questions:
        where = f"quiz.yaml: item '{q.id}'"
        _need(q.source in sources, f"{where}, field 'source': unknown source '{q.source}'.")
        _need(q.check_source is None or q.check_source in sources,
              f"{where}, field 'check_source': unknown source '{q.check_source}'.")
        for o in q.options:
            for pid in o.evidence:
                _need(pid in patterns, f"{where}, field 'options.{o.id}.evidence': unknown pattern '{pid}'.")
    for pair in lib.quiz.scoring.opposites:
        for pid in pair:
            _need(pid in patterns, f"quiz.yaml: field 'scoring.opposites': unknown pattern '{pid}'.")


def _check_safety_flags(lib: Library) -> None:
    """safety.yaml: unique question ids (current and retired), sources, and the questions `requires` names."""
    sources = set(lib.source_by_id)
    _check_unique("safety.yaml", [f.id for f in lib.safety.flags] + [f.id for f in lib.safety.retired])
    flag_ids = {f.id for f in lib.safety.flags}
    for f in lib.safety.flags:
        _need(f.source in sources, f"safety.yaml: item '{f.id}', field 'source': unknown source '{f.source}'.")
        for r in f.requires:
            _need(r in flag_ids and r != f.id, f"safety.yaml: item '{f.id}', field 'requires': unknown question '{r}'.")


def _check_faults(lib: Library) -> None:
    """faults.yaml: movements, groups and faults: ids, sources, drills, check methods; every group used."""
    sources, exercises = set(lib.source_by_id), set(lib.exercise_by_id)
    book = lib.faults
    _check_unique("faults.yaml", [m.id for m in book.movements])
    _check_unique("faults.yaml", [g.id for g in book.groups])
    _check_unique("faults.yaml", [f.id for f in book.faults])
    for m in book.movements:
        where = f"faults.yaml: movement '{m.id}'"
        for s in m.sources:
            _need(s in sources, f"{where}, field 'sources': unknown source '{s}' (not in sources.yaml).")
        for a in m.advice:
            _need(a.source in sources, f"{where}, field 'advice': unknown source '{a.source}' (not in sources.yaml).")
        if m.self_check is not None:
            _need(m.self_check.source in sources, f"{where}, field 'self_check.source': unknown source '{m.self_check.source}'.")
    used_groups: set[str] = set()
    for f in book.faults:
        where = f"faults.yaml: item '{f.id}'"
        movement = book.movement_by_id.get(f.movement)
        _need(movement is not None, f"{where}, field 'movement': movement '{f.movement}' is not described under 'movements'.")
        _need(f.source in sources, f"{where}, field 'source': unknown source '{f.source}' (not in sources.yaml).")
        _need(f.group in book.group_by_id, f"{where}, field 'group': unknown group '{f.group}' (not under 'groups').")
        _need(f.check_with in book.methods, f"{where}, field 'check_with': no label for '{f.check_with}' under 'methods'.")
        for ex_id in f.drills:
            _need(ex_id in exercises, f"{where}, field 'drills': unknown exercise id '{ex_id}' (not in exercises.yaml).")
        if f.check_with == "dowel":
            _need(movement.self_check is not None and movement.self_check.method == "dowel",
                  f"{where}, field 'check_with': uses the dowel check, but movement '{f.movement}' does not explain one "
                  "(add a 'self_check' with method 'dowel').")
        used_groups.add(f.group)
    for g in book.groups:
        for src in g.sources:
            _need(src in sources, f"faults.yaml: group '{g.id}', field 'sources': unknown source '{src}'.")
        _need(g.id in used_groups, f"faults.yaml: group '{g.id}': no fault belongs to it (remove it or fix a fault's 'group').")


def _check_painlog(lib: Library) -> None:
    """painlog.yaml: unique activity and location ids, and the sources its suggestions and rules name."""
    sources = set(lib.source_by_id)
    pl = lib.painlog
    _check_unique("painlog.yaml", [c.id for c in pl.activities])
    _check_unique("painlog.yaml", [c.id for c in pl.locations])
    for i, sug in enumerate(pl.function_suggestions, start=1):
        _need(sug.source in sources, f"painlog.yaml: function_suggestions item #{i}, field 'source': unknown source '{sug.source}'.")
    for field in ("mcid_source",):
        value = getattr(pl.rules, field)
        _need(value in sources, f"painlog.yaml: field 'rules.{field}': unknown source '{value}' (not in sources.yaml).")


_RR_FILE = "routine_rules.yaml"


def _check_routine_sources(lib: Library) -> None:
    """routine_rules.yaml: unique ids, and the sources of the session, the painful-day rule and the blocks."""
    sources, rr, rr_file = set(lib.source_by_id), lib.routine, _RR_FILE
    _check_unique(rr_file, [st.id for st in rr.base_sequence])
    _check_unique(rr_file, [g.id for g in rr.goals])
    _need(rr.session.source in sources, f"{rr_file}: field 'session.source': unknown source '{rr.session.source}'.")
    _need(rr.painful_day.source in sources, f"{rr_file}: field 'painful_day.source': unknown source '{rr.painful_day.source}'.")
    for block_id, block in rr.blocks.items():
        _need(block.source in sources, f"{rr_file}: field 'blocks.{block_id}.source': unknown source '{block.source}'.")


def _check_routine_items(lib: Library) -> None:
    """routine_rules.yaml: every exercise (and source) the base sequence, goals, general and gentle items name;
    the gentle session needs no equipment and general stretches are stretches."""
    sources, exercises, rr, rr_file = set(lib.source_by_id), set(lib.exercise_by_id), lib.routine, _RR_FILE

    def rr_item(where: str, ex_id: str, source: str | None = None) -> None:
        _need(ex_id in exercises, f"{rr_file}: {where}: unknown exercise id '{ex_id}' (not in exercises.yaml).")
        if source is not None:
            _need(source in sources, f"{rr_file}: {where}: unknown source '{source}' (not in sources.yaml).")

    for st in rr.base_sequence:
        _need(st.source in sources, f"{rr_file}: item '{st.id}', field 'source': unknown source '{st.source}'.")
        for ex_id in st.exercises:
            rr_item(f"item '{st.id}', field 'exercises'", ex_id)
    for ex_id in rr.warmup_exercises:
        rr_item("field 'warmup_exercises'", ex_id)
    for g in rr.goals:
        for block_id in ("warmup", "main", "stretch"):
            for it in getattr(g, block_id):
                rr_item(f"goal '{g.id}', field '{block_id}'", it.exercise, it.source)
                for ex_id in it.instead:
                    rr_item(f"goal '{g.id}', field '{block_id}.instead'", ex_id)
    for field_name in ("general_warmup", "general_stretch"):
        for it in getattr(rr, field_name):
            rr_item(f"field '{field_name}'", it.exercise, it.source)
    for field_name in ("warmup", "main"):
        for it in getattr(rr.painful_day, field_name):
            rr_item(f"field 'painful_day.{field_name}'", it.exercise, it.source)
            ex = lib.exercise_by_id[it.exercise]
            _need(not ex.equipment, f"{rr_file}: field 'painful_day.{field_name}': exercise '{it.exercise}' needs "
                                   "equipment; the gentle session must work with none.")
    for it in rr.general_stretch:
        _need(lib.exercise_by_id[it.exercise].kind == "stretch",
              f"{rr_file}: field 'general_stretch': exercise '{it.exercise}' is not a stretch.")


def _check_routine_decisions(lib: Library) -> None:
    """routine_rules.yaml: each recorded decision names known patterns, exercises and sources and keeps the
    pattern's own avoid rules."""
    sources, exercises, patterns = set(lib.source_by_id), set(lib.exercise_by_id), set(lib.pattern_by_id)
    rr, rr_file = lib.routine, _RR_FILE
    for d in rr.decisions:
        where = f"{rr_file}: decision '{d.id}'"
        _need(d.pattern in patterns, f"{where}, field 'pattern': unknown pattern '{d.pattern}'.")
        for ex_id in [*d.replace, d.use]:
            _need(ex_id in exercises, f"{where}: unknown exercise id '{ex_id}'.")
        for src in d.sources:
            _need(src in sources, f"{where}, field 'sources': unknown source '{src}'.")
        if d.pattern in patterns and d.use in exercises:
            for av in lib.pattern_by_id[d.pattern].avoid:
                _need(not av.hits(lib.exercise_by_id[d.use], rr.muscle_groups),
                      f"{where}, field 'use': '{d.use}' breaks the pattern's own avoid rule ({av.muscle}).")


def _check_gentle_versions_and_muscle_groups(lib: Library) -> None:
    """routine_rules.yaml: gentle versions are known exercises marked gentle; muscle groups name known muscles."""
    exercises, muscles, rr, rr_file = set(lib.exercise_by_id), set(lib.muscle_label), lib.routine, _RR_FILE
    for orig, gentle in rr.painful_day.gentle_versions.items():
        for ex_id in (orig, gentle):
            _need(ex_id in exercises, f"{rr_file}: field 'painful_day.gentle_versions': unknown exercise id '{ex_id}'.")
        if gentle in exercises:
            _need(lib.exercise_by_id[gentle].gentle,
                  f"{rr_file}: field 'painful_day.gentle_versions': '{gentle}' is not marked gentle in exercises.yaml.")
    for umbrella, parts in rr.muscle_groups.items():
        _need(umbrella in muscles, f"{rr_file}: field 'muscle_groups': unknown muscle '{umbrella}'.")
        for m in parts:
            _need(m in muscles, f"{rr_file}: field 'muscle_groups.{umbrella}': unknown muscle '{m}'.")


def _cross_check_progression(lib: Library) -> None:
    """progression.yaml: every exercise, equipment and source it names must exist."""
    name = "progression.yaml"
    sources = set(lib.source_by_id) | {BACKCHECK_SOURCE}
    pg = lib.progression
    need = _need

    for field_name in ("advance_source", "pain_rise_source", "painful_day_source"):
        value = getattr(pg.rules, field_name)
        need(value in sources, f"{name}: field 'rules.{field_name}': unknown source '{value}' (not in sources.yaml).")
    need(pg.player.source in sources, f"{name}: field 'player.source': unknown source '{pg.player.source}'.")
    seen: set[str] = set()
    for ld in pg.ladders:
        where = f"{name}: ladder '{ld.exercise}'"
        need(ld.exercise not in seen, f"{where}: the exercise has two ladders; keep one.")
        seen.add(ld.exercise)
        need(ld.exercise in lib.exercise_by_id, f"{where}, field 'exercise': unknown exercise id '{ld.exercise}' "
                                                "(not in exercises.yaml).")
        for i, lv in enumerate(ld.levels, start=1):
            at = f"{where}, level {i}"
            need(lv.source in sources, f"{at}, field 'source': unknown source '{lv.source}' (not in sources.yaml "
                                       f"and not '{BACKCHECK_SOURCE}').")
            if lv.exercise is not None:
                need(lv.exercise in lib.exercise_by_id, f"{at}, field 'exercise': unknown exercise id '{lv.exercise}'.")
            for e in lv.equipment:
                need(e in lib.equipment_label, f"{at}, field 'equipment': unknown equipment '{e}' (not in vocabulary.yaml).")


def load_library(content_dir: Path | str = CONTENT_DIR) -> Library:
    """Read, validate and cross-check every content file. Raises ContentError."""
    content_dir = Path(content_dir)
    parts = {field: _parse_file(name, content_dir / name) for name, (field, _s, _k) in FILES.items()}
    lib = Library.model_construct(**parts)
    _cross_check(lib)
    _cross_check_progression(lib)
    _check_poses(lib, content_dir)
    return lib


def _check_poses(lib: Library, content_dir: Path) -> None:
    """Load poses.yaml (backcheck/poses.py validates the geometry) and require one figure per item."""
    try:
        book = load_pose_book(content_dir / "poses.yaml")
    except PoseError as exc:
        raise ContentError(str(exc)) from exc
    problems = coverage_problems(book, {
        "exercises": [e.id for e in lib.exercises],
        "quiz": [q.id for q in lib.quiz.questions],
        "faults": [f.id for f in lib.faults.faults],
        "checks": [m.id for m in lib.faults.movements if m.self_check is not None],
    })
    if problems:
        raise ContentError(problems[0] + (f" ({len(problems) - 1} more like this)" if len(problems) > 1 else ""))
    object.__setattr__(lib, "poses", book)
