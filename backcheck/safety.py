"""Red-flag screen: which answers stop the exercises, how urgent they are, and the gate.

Three levels besides "clear", most urgent first: ``emergency`` (999 / A&E now),
``urgent`` (today: an urgent GP appointment or NHS 111) and ``soon`` (a GP within days).
The rules live in ``content/safety.yaml``.

:func:`exercise_gate` is the one place that decides whether a screen that asks for a
physical test or an exercise (posture quiz, form check, routine) may be shown. No
safety check yet means "answer it first", exactly as for a red flag: those screens ask
people to hold planks and bridges, squat and kick up into handstands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Mapping

from .content import URGENCY_ORDER, Safety
from .labels import Labelled


class SafetyLevel(Labelled):
    """A safety check's level as stored, least urgent first; the label is the one-line summary
    the clinician report prints (the screens' headlines and advice are in content/safety.yaml)."""

    CLEAR = "clear", "no warning signs"
    SOON = "soon", "warning signs: see a GP within days"
    URGENT = "urgent", "warning signs: medical help the same day"
    EMERGENCY = "emergency", "warning signs: emergency care advised"

    @property
    def rank(self) -> int:
        return list(SafetyLevel).index(self)


RANK: dict[str, int] = {lv.value: lv.rank for lv in SafetyLevel}


@dataclass(frozen=True)
class FlagLine:
    """One warning sign as the person answered it (current or from an older version of the check)."""

    id: str
    question: str
    urgency: str
    advice: str = ""
    retired: bool = False


@dataclass(frozen=True)
class SafetyResult:
    level: SafetyLevel
    flagged: list[str]  # red-flag ids that count, most urgent first
    lines: list[FlagLine] = field(default_factory=list)  # what to show, most urgent first
    outdated: bool = False  # saved with an older question set: some current questions were never asked

    @property
    def warning_signs(self) -> bool:
        """True when a warning sign counts (the level is not clear)."""
        return self.level != SafetyLevel.CLEAR

    @property
    def blocks_exercise(self) -> bool:
        """The one rule: True when no physical test or exercise (quiz, form check, routine, session)
        should be offered: a warning sign, or a check that predates today's questions."""
        return self.warning_signs or self.outdated

    def headline(self, safety: Safety) -> str:
        """The content's headline for this result's level ("" when clear)."""
        return safety.levels[self.level].headline if self.warning_signs else ""


@dataclass(frozen=True)
class SafetyCheck:
    """A saved safety check: the level and flags as evaluated then, and every answer given."""

    level: str
    flags: list[str]
    answers: dict[str, bool]
    taken_at: datetime = field(default_factory=datetime.now)
    id: int | None = None  # set once stored
    profile_id: int | None = None

    @classmethod
    def of(cls, result: SafetyResult, answers: Mapping[str, bool], taken_at: datetime | None = None) -> "SafetyCheck":
        return cls(result.level, list(result.flagged), {k: bool(v) for k, v in answers.items()},
                   taken_at or datetime.now())


def _most_urgent(levels: list[str]) -> SafetyLevel:
    best = max((RANK.get(lv, RANK["soon"]) for lv in levels), default=0)
    return list(SafetyLevel)[best]


def _counting(safety: Safety, yes: set[str]) -> list[str]:
    """Ids answered yes that count (a flag with `requires` counts only with all of them yes)."""
    return [f.id for f in safety.flags if f.id in yes and all(r in yes for r in f.requires)]


def _ordered(safety: Safety, ids: list[str]) -> list[str]:
    by_id = safety.flag_by_id
    return sorted(ids, key=lambda i: URGENCY_ORDER.index(by_id[i].urgency))


def evaluate_safety(safety: Safety, answers: Mapping[str, bool | None]) -> SafetyResult:
    """Every flag must be answered yes (True) or no (False); any yes that counts stops the exercises."""
    ids = [f.id for f in safety.flags]
    unknown = set(answers) - set(ids)
    if unknown:
        raise ValueError(f"unknown red-flag id(s): {', '.join(sorted(unknown))}")
    missing = [i for i in ids if answers.get(i) is None]
    if missing:
        raise ValueError(f"unanswered: {', '.join(missing)}")
    flagged = _ordered(safety, _counting(safety, {i for i in ids if answers[i]}))
    by_id = safety.flag_by_id
    lines = [FlagLine(i, by_id[i].question, by_id[i].urgency, by_id[i].advice) for i in flagged]
    return SafetyResult(_most_urgent([by_id[i].urgency for i in flagged]), flagged, lines)


def read_saved(safety: Safety, check: SafetyCheck) -> SafetyResult:
    """A saved check as it reads under today's rules, never raising on old or odd data.

    - The level is the most urgent of the saved level and of every saved flag under today's
      rules (so an old "soon" for a sign that is now "urgent" reads as urgent).
    - Flag ids from an earlier version of the check show what was asked then, at the level
      `retired` gives them; ids nobody knows still count as a warning sign ("soon").
    - A check saved before today's questions existed is `outdated`: it must be answered again
      before the exercises open, even if it was clear.
    """
    by_id, retired = safety.flag_by_id, safety.retired_by_id
    saved_level = str(check.level or "soon")
    raw_flags = [str(f) for f in (check.flags or [])]
    answers = check.answers or {}
    lines: list[FlagLine] = []
    for fid in dict.fromkeys(raw_flags):
        if fid in by_id:
            f = by_id[fid]
            lines.append(FlagLine(fid, f.question, f.urgency, f.advice))
        elif fid in retired:
            lines.append(FlagLine(fid, retired[fid].question, retired[fid].urgency, retired=True))
        else:
            lines.append(FlagLine(fid, f"A warning sign from an earlier version of this check ({fid})", "soon",
                                  retired=True))
    lines.sort(key=lambda ln: URGENCY_ORDER.index(ln.urgency))
    levels = [ln.urgency for ln in lines]
    if saved_level != SafetyLevel.CLEAR:
        levels.append(saved_level if saved_level in RANK else "soon")
    level = _most_urgent(levels)
    outdated = isinstance(answers, Mapping) and any(f.id not in answers for f in safety.flags)
    return SafetyResult(level, [ln.id for ln in lines if not ln.retired], lines, outdated)


GateReason = Literal["no_check", "red_flag", "outdated", "clear"]


@dataclass(frozen=True)
class ExerciseGate:
    """Whether screens with physical tests or exercises may open, and why not."""

    reason: GateReason
    result: SafetyResult | None = None
    taken_at: Any = None

    @property
    def allowed(self) -> bool:
        return self.reason == "clear"


def exercise_gate(safety: Safety, check: SafetyCheck | None) -> ExerciseGate:
    """The one rule every exercise screen follows: a clear, current safety check opens them."""
    if check is None:
        return ExerciseGate("no_check")
    result = read_saved(safety, check)
    if result.warning_signs:
        reason: GateReason = "red_flag"
    elif result.outdated:
        reason = "outdated"
    else:
        reason = "clear"
    return ExerciseGate(reason, result, check.taken_at)


# --------------------------------------------------------------------------- wording
# Every screen and the report say the safety outcome in these words (the per-level headline
# and advice come from content/safety.yaml: ``safety.levels[level]``).

NEW_QUESTIONS = "The safety check has new questions."
FOUND_SIGNS = "Your last safety check found warning signs."
REDO_AFTER_FLAG = "Once a doctor has seen you and the warning signs have gone, answer the questions again."
WITHHELD = ("BackCheck withholds the posture quiz, the form check and the routine while warning signs are "
            "recorded: they ask for movements and tests that should wait for a doctor. The exercise library "
            "stays open to read.")


def withheld_headline(screen: str) -> str:
    """'The posture quiz is not available while your safety check shows warning signs.'"""
    return f"{screen[0].upper()}{screen[1:]} is not available while your safety check shows warning signs."


def outdated_message(before: str) -> str:
    """Why an old clear check must be answered again, e.g. before='the next session'."""
    return f"{NEW_QUESTIONS} Your answers were saved before they were added, so please answer it again before {before}."


def flag_summary(safety: Safety, result: SafetyResult) -> str:
    """One markdown line for a check with warning signs: found signs, the level's headline, when to redo."""
    return f"{FOUND_SIGNS} **{result.headline(safety)}** {REDO_AFTER_FLAG}"

