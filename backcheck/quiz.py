"""Posture-quiz scoring: a pure function from answers to an explained result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Mapping

from .content import Quiz
from .labels import Labelled

NOT_SURE = "not_sure"
NOT_SURE_LABEL = "Not sure"


class Strength(Labelled):
    """How strongly the answers point at a pattern (the word the evidence chart prints)."""

    STRONG = "strong", "strong"
    MODERATE = "moderate", "moderate"
    WEAK = "weak", "weak"
    NONE = "none", "no evidence"


class QuizVerdict(Labelled):
    """The quiz's overall result, as stored."""

    CLEAR = "clear", "Clear"
    MIXED = "mixed", "Mixed"
    NONE = "none", "No clear pattern"
    TOO_FEW = "too_few", "Too few answers"

    @property
    def names_patterns(self) -> bool:
        """True when the result names posture patterns a routine can aim at."""
        return self in (QuizVerdict.CLEAR, QuizVerdict.MIXED)




def names_patterns(verdict: object) -> bool:
    """True when a saved result's verdict names posture patterns a routine can aim at."""
    return verdict in QuizVerdict.values() and QuizVerdict(verdict).names_patterns


@dataclass(frozen=True)
class Contribution:
    question_id: str
    question: str
    answer: str
    points: int


@dataclass(frozen=True)
class PatternScore:
    pattern_id: str
    points: int
    possible: int
    share: float
    strength: Strength
    contributions: list[Contribution] = field(default_factory=list)


@dataclass(frozen=True)
class QuizResult:
    verdict: QuizVerdict
    leading: list[str]  # pattern ids, strongest first
    conflicting: bool  # two opposite patterns both lead
    scores: list[PatternScore]  # every pattern, strongest first
    answered: int  # questions answered with something other than "not sure"
    total: int

    def score(self, pattern_id: str) -> PatternScore:
        return next(s for s in self.scores if s.pattern_id == pattern_id)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "QuizResult":
        scores = [
            PatternScore(**{**s, "contributions": [Contribution(**c) for c in s["contributions"]]})
            for s in data["scores"]
        ]
        return cls(**{**data, "scores": scores})


@dataclass(frozen=True)
class QuizRecord:
    """A saved quiz: the answers, and the result as scored then (``result`` is QuizResult.to_dict())."""

    verdict: str
    leading: list[str]
    answers: dict[str, str]
    result: dict
    taken_at: datetime = field(default_factory=datetime.now)
    id: int | None = None  # set once stored
    profile_id: int | None = None

    @classmethod
    def of(cls, answers: Mapping[str, str], result: QuizResult, taken_at: datetime | None = None) -> "QuizRecord":
        return cls(result.verdict, list(result.leading), dict(answers), result.to_dict(), taken_at or datetime.now())


def score_quiz(quiz: Quiz, answers: Mapping[str, str], pattern_ids: list[str]) -> QuizResult:
    """Score answers ({question id: option id}); missing questions count as "not sure".

    A pattern's share is its points over the most it could have got from the questions
    asked. It leads when the share and the points both pass the thresholds in the quiz's
    scoring rules. Several leading patterns make a mixed result; opposite ones (anterior
    and posterior tilt) are flagged as conflicting rather than forced into one box.
    """
    by_id = {q.id: q for q in quiz.questions}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise ValueError(f"unknown question id(s): {', '.join(sorted(unknown))}")

    possible = {p: 0 for p in pattern_ids}
    points = {p: 0 for p in pattern_ids}
    contribs: dict[str, list[Contribution]] = {p: [] for p in pattern_ids}
    answered = 0
    for q in quiz.questions:
        for p in pattern_ids:
            possible[p] += max((o.evidence.get(p, 0) for o in q.options), default=0)
        choice = answers.get(q.id, NOT_SURE)
        if choice == NOT_SURE:
            continue
        option = next((o for o in q.options if o.id == choice), None)
        if option is None:
            raise ValueError(f"question {q.id!r} has no option {choice!r}")
        answered += 1
        for p, pts in option.evidence.items():
            points[p] += pts
            contribs[p].append(Contribution(q.id, q.text, option.label, pts))

    rules = quiz.scoring
    scores = []
    for p in pattern_ids:
        share = points[p] / possible[p] if possible[p] else 0.0
        if share >= rules.strong_share and points[p] >= rules.min_points:
            strength = Strength.STRONG
        elif share >= rules.lead_share and points[p] >= rules.min_points:
            strength = Strength.MODERATE
        elif points[p] > 0:
            strength = Strength.WEAK
        else:
            strength = Strength.NONE
        scores.append(PatternScore(p, points[p], possible[p], round(share, 3), strength, contribs[p]))
    scores.sort(key=lambda s: (-s.share, -s.points, s.pattern_id))

    if answered < rules.min_answered:
        return QuizResult(QuizVerdict.TOO_FEW, [], False, scores, answered, len(quiz.questions))
    leading = [s.pattern_id for s in scores if s.strength in (Strength.STRONG, Strength.MODERATE)]
    conflicting = any(set(pair) <= set(leading) for pair in rules.opposites)
    verdict = QuizVerdict.NONE if not leading else (QuizVerdict.CLEAR if len(leading) == 1 else QuizVerdict.MIXED)
    return QuizResult(verdict, leading, conflicting, scores, answered, len(quiz.questions))
