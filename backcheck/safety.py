"""Red-flag screen: which answers stop the routine and what the person should do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

from .content import RedFlag, Safety

Level = Literal["clear", "soon", "emergency"]


@dataclass(frozen=True)
class SafetyResult:
    level: Level
    flagged: list[str]  # red-flag ids answered "yes", most urgent first

    @property
    def blocks_routine(self) -> bool:
        return self.level != "clear"


def evaluate_safety(safety: Safety, answers: Mapping[str, bool | None]) -> SafetyResult:
    """Every flag must be answered yes (True) or no (False); any yes blocks the routine."""
    ids = [f.id for f in safety.flags]
    unknown = set(answers) - set(ids)
    if unknown:
        raise ValueError(f"unknown red-flag id(s): {', '.join(sorted(unknown))}")
    missing = [i for i in ids if answers.get(i) is None]
    if missing:
        raise ValueError(f"unanswered: {', '.join(missing)}")
    yes: list[RedFlag] = [f for f in safety.flags if answers[f.id]]
    yes.sort(key=lambda f: f.urgency != "emergency")
    if any(f.urgency == "emergency" for f in yes):
        level: Level = "emergency"
    elif yes:
        level = "soon"
    else:
        level = "clear"
    return SafetyResult(level, [f.id for f in yes])
