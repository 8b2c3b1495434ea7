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
    kind: Literal["article", "guidance"] = "article"


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


Kind = Literal["strengthen", "stretch", "mobility", "control"]


class Exercise(Strict):
    id: Slug
    name: Text
    kind: Kind
    trains: list[Slug] = Field(min_length=1)  # vocabulary muscle ids
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


class Avoid(Strict):
    kind: Kind
    muscle: Slug
    reason: Text


class Pattern(Strict):
    id: Slug
    name: Text
    short_name: Text
    description: Text
    signs: list[Text] = Field(min_length=1)
    strengthen: list[TargetGroup]
    stretch: list[TargetGroup]
    avoid: list[Avoid] = Field(default_factory=list)
    tips: list[Text] = Field(default_factory=list)
    sources: list[Text] = Field(min_length=1)


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
    source: Text

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


class RedFlag(Strict):
    id: Slug
    question: Text
    detail: str | None = None
    urgency: Literal["emergency", "soon"]
    advice: Text
    source: Text


class Safety(Strict):
    intro: Text
    emergency_message: Text
    soon_message: Text
    clear_message: Text
    flags: list[RedFlag] = Field(min_length=1)


# --------------------------------------------------------------------------- library


class Library(Strict):
    """All content, validated and cross-checked."""

    sources: list[Source]
    vocabulary: Vocabulary
    exercises: list[Exercise]
    patterns: list[Pattern]
    quiz: Quiz
    safety: Safety

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
    def muscle_label(self) -> dict[str, str]:
        return {t.id: t.label for t in self.vocabulary.muscles}

    @cached_property
    def equipment_label(self) -> dict[str, str]:
        return {t.id: t.label for t in self.vocabulary.equipment}

    def cite(self, source_id: str) -> str:
        """Short citation for a source id: 'Article 003 — Lower back pain during squats'."""
        src = self.source_by_id[source_id]
        return f"{src.short}: {src.title}"


# file name -> (Library field, schema of one item or of the whole file, list key or None)
FILES: dict[str, tuple[str, Any, str | None]] = {
    "sources.yaml": ("sources", Source, "sources"),
    "vocabulary.yaml": ("vocabulary", Vocabulary, None),
    "exercises.yaml": ("exercises", Exercise, "exercises"),
    "patterns.yaml": ("patterns", Pattern, "patterns"),
    "quiz.yaml": ("quiz", Quiz, None),
    "safety.yaml": ("safety", Safety, None),
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


def _cross_check(lib: Library) -> None:
    sources = set(lib.source_by_id)
    muscles = set(lib.muscle_label)
    equipment = set(lib.equipment_label)
    exercises = set(lib.exercise_by_id)
    patterns = set(lib.pattern_by_id)
    _check_unique("vocabulary.yaml", [t.id for t in lib.vocabulary.muscles])
    _check_unique("vocabulary.yaml", [t.id for t in lib.vocabulary.equipment])

    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise ContentError(msg)

    for ex in lib.exercises:
        where = f"exercises.yaml: item '{ex.id}'"
        need(ex.source in sources, f"{where}, field 'source': unknown source '{ex.source}' (not in sources.yaml).")
        for m in ex.trains:
            need(m in muscles, f"{where}, field 'trains': unknown muscle '{m}' (not in vocabulary.yaml).")
        for e in [*ex.equipment, *ex.optional_equipment]:
            need(e in equipment, f"{where}, field 'equipment': unknown equipment '{e}' (not in vocabulary.yaml).")
    for p in lib.patterns:
        where = f"patterns.yaml: item '{p.id}'"
        for s in p.sources:
            need(s in sources, f"{where}, field 'sources': unknown source '{s}' (not in sources.yaml).")
        for block in ("strengthen", "stretch"):
            for group in getattr(p, block):
                need(group.muscle in muscles, f"{where}, field '{block}': unknown muscle '{group.muscle}'.")
                for ex_id in group.exercises:
                    need(ex_id in exercises, f"{where}, field '{block}': unknown exercise id '{ex_id}'.")
        for av in p.avoid:
            need(av.muscle in muscles, f"{where}, field 'avoid': unknown muscle '{av.muscle}'.")
            for group in p.strengthen + p.stretch:
                for ex_id in group.exercises:
                    ex = lib.exercise_by_id[ex_id]
                    need(
                        not (ex.kind == av.kind and av.muscle in ex.trains),
                        f"{where}, field 'avoid': exercise '{ex_id}' is recommended but is a {av.kind} "
                        f"exercise for '{av.muscle}', which this pattern says to avoid.",
                    )
    _check_unique("quiz.yaml", [q.id for q in lib.quiz.questions])
    for q in lib.quiz.questions:
        where = f"quiz.yaml: item '{q.id}'"
        need(q.source in sources, f"{where}, field 'source': unknown source '{q.source}'.")
        for o in q.options:
            for pid in o.evidence:
                need(pid in patterns, f"{where}, field 'options.{o.id}.evidence': unknown pattern '{pid}'.")
    for pair in lib.quiz.scoring.opposites:
        for pid in pair:
            need(pid in patterns, f"quiz.yaml: field 'scoring.opposites': unknown pattern '{pid}'.")
    _check_unique("safety.yaml", [f.id for f in lib.safety.flags])
    for f in lib.safety.flags:
        need(f.source in sources, f"safety.yaml: item '{f.id}', field 'source': unknown source '{f.source}'.")


def load_library(content_dir: Path | str = CONTENT_DIR) -> Library:
    """Read, validate and cross-check every content file. Raises ContentError."""
    content_dir = Path(content_dir)
    parts = {field: _parse_file(name, content_dir / name) for name, (field, _s, _k) in FILES.items()}
    lib = Library.model_construct(**parts)
    _cross_check(lib)
    return lib
