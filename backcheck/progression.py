"""Progression week by week: pure rules that move an exercise up or down its ladder.

The ladders and the numbers live in ``content/progression.yaml``. After each recorded
session, :func:`decide` looks at the sessions since the exercise's last level change:

- **step back** when the latest session was rated too hard, pain rose by the rule's points
  (``pain_rise_points``) or the exercise was stopped because it hurt (never below level 1);
- **advance** when ``advance_after_easy`` sessions since the last change were rated too
  easy, the exercise was done in them and pain did not rise — unless the next level needs
  equipment the person does not have (then it holds and says so), or it is the top level;
- otherwise **hold**.

Level changes are stored (``store.player.level_changes``, as LevelChange); :func:`current_levels` folds them into
each exercise's level and why it last changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from .content import Ladder, Library, Progression
from .labels import Labelled
from .player import pain_rose

class Effort(Labelled):
    """How hard a session felt, as stored."""

    EASY = "easy", "Too easy"
    RIGHT = "right", "About right"
    HARD = "hard", "Too hard"


EFFORTS = Effort.values()
_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


@dataclass(frozen=True)
class SessionResult:
    """One recorded session, as the rules see it."""

    when: datetime
    effort: str  # easy | right | hard
    pain_before: int | None
    pain_after: int | None
    outcomes: Mapping[str, str]  # routine exercise id -> done | skipped | hurt


@dataclass(frozen=True)
class Decision:
    exercise: str
    action: str  # advance | hold | back
    from_level: int
    to_level: int
    reason: str

    @property
    def changed(self) -> bool:
        return self.to_level != self.from_level


@dataclass(frozen=True)
class LevelChange:
    """A stored change of an exercise's level (what the session repository returns)."""

    exercise: str
    changed_at: datetime
    from_level: int
    level: int
    reason: str
    session_id: int | None = None  # the player session that caused it
    id: int | None = None
    profile_id: int | None = None


@dataclass(frozen=True)
class LevelState:
    level: int
    changed_at: datetime | None = None
    reason: str = ""


def _count(n: int, noun: str) -> str:
    word = _WORDS.get(n, str(n))
    return f"{word} {noun}" + ("" if n == 1 else "s")


def decide(pg: Progression, ladder: Ladder, level: int, since_change: Sequence[SessionResult],
           equipment: Iterable[str] | None = None, equipment_label: Mapping[str, str] | None = None) -> Decision:
    """What happens to one exercise after the latest session (the last of `since_change`).

    since_change: the sessions since the exercise's last level change, oldest first.
    equipment: what the person has; None means "do not check".
    """
    rules = pg.rules
    top = len(ladder.levels)
    level = min(max(1, int(level)), top)
    current = ladder.levels[level - 1]
    ex = ladder.exercise

    def hold(why: str) -> Decision:
        return Decision(ex, "hold", level, level, why)

    if not since_change:
        return hold("no session recorded yet")
    last = since_change[-1]
    outcome = last.outcomes.get(ex)
    if outcome not in ("done", "hurt"):
        return hold("not done in the last session")
    rose = pain_rose(last.pain_before, last.pain_after, rules.pain_rise_points)
    if outcome == "hurt" or last.effort == "hard" or rose:
        if outcome == "hurt":
            why = "it hurt"
        elif rose:
            why = f"pain went up {last.pain_after - last.pain_before} points"  # type: ignore[operator]
        else:
            why = "the session felt too hard"
        if level == 1:
            return hold(f"stays at the first level: {why}")
        return Decision(ex, "back", level, level - 1, f"down from {current.label} because {why}")
    easy = [r for r in since_change if r.outcomes.get(ex) == "done" and r.effort == "easy"
            and not pain_rose(r.pain_before, r.pain_after, rules.pain_rise_points)]
    need = rules.advance_after_easy
    if len(easy) < need:
        return hold(f"{_count(len(easy), 'easy session')} of {need} needed to move up")
    if level == top:
        return hold("top level reached")
    nxt = ladder.levels[level]
    if equipment is not None:
        missing = [e for e in nxt.equipment if e not in set(equipment)]
        if missing:
            names = " and ".join((equipment_label or {}).get(e, e).lower() for e in missing)
            return hold(f"ready to move up, but the next level needs a {names}")
    return Decision(ex, "advance", level, level + 1, f"up from {current.label} after {_count(len(easy), 'easy session')}")


def current_levels(changes: Iterable[LevelChange]) -> dict[str, LevelState]:
    """Fold stored level changes (oldest first) into levels."""
    out: dict[str, LevelState] = {}
    for c in changes:
        out[c.exercise] = LevelState(int(c.level), c.changed_at, c.reason or "")
    return out


def since_last_change(sessions: Sequence[SessionResult], changed_at: datetime | None) -> list[SessionResult]:
    """The sessions after the last change (all of them when there was none), oldest first."""
    ordered = sorted(sessions, key=lambda r: r.when)
    return [r for r in ordered if changed_at is None or r.when > changed_at]


def decide_all(lib: Library, sessions: Sequence[SessionResult], levels: Mapping[str, LevelState],
               equipment: Iterable[str] | None = None) -> list[Decision]:
    """A decision for every ladder exercise done (or stopped) in the latest session."""
    if not sessions:
        return []
    pg = lib.progression
    latest = max(sessions, key=lambda r: r.when)
    equipment = list(equipment) if equipment is not None else None
    out = []
    for ex_id, outcome in latest.outcomes.items():
        ladder = pg.ladder_by_exercise.get(ex_id)
        if ladder is None or outcome not in ("done", "hurt"):
            continue
        state = levels.get(ex_id, LevelState(1))
        window = since_last_change(sessions, state.changed_at)
        out.append(decide(pg, ladder, state.level, window, equipment, lib.equipment_label))
    return out


def level_text(lib: Library, ex_id: str, state: LevelState | None) -> str | None:
    """'Level 2 of 4: 2 × 20 each leg' for an exercise with a ladder, else None."""
    ladder = lib.progression.ladder_by_exercise.get(ex_id)
    if ladder is None:
        return None
    n = min(max(1, state.level if state else 1), len(ladder.levels))
    return f"Level {n} of {len(ladder.levels)}: {ladder.levels[n - 1].label}"
