"""Form check: build a self-check from ticked faults, group the faults, compare checks.

A saved check (a :class:`FormCheckRecord` from ``store.form_checks``) has ``taken_at``
and ``faults``: ``{movement id: [ticked fault ids]}``. Only the
movements the person checked are keys; an empty list means "checked, nothing found",
a missing movement means "skipped this time". ``ticked_ids`` turns any check (or None)
into the flat list of ticked fault ids — the routine generator relies on it.

Fault ids that are no longer in the content (a renamed fault in an old check) are
ignored by the grouping and the comparison rather than failing the page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import pandas as pd

from .content import Advice, Fault, FaultGroup, Library, Movement
from .labels import Labelled



class FormCheckError(ValueError):
    """The ticked faults cannot be saved as they are; the message says what to change."""


# --------------------------------------------------------------------------- the saved shape


def check_faults(faults: Any) -> dict[str, list[str]]:
    """The shape a form check is stored in, checked: {movement id: [fault ids]} with at least one
    movement; repeated ids are dropped. ValueError (nothing is saved) otherwise."""
    if not isinstance(faults, dict) or not all(
        isinstance(k, str) and isinstance(v, (list, tuple)) and all(isinstance(i, str) for i in v)
        for k, v in faults.items()
    ):
        raise ValueError("A form check must map each checked movement to a list of fault ids. Nothing was saved.")
    if not faults:
        raise ValueError("Check at least one movement before saving. Nothing was saved.")
    return {k: list(dict.fromkeys(v)) for k, v in faults.items()}


@dataclass(frozen=True)
class FormCheckRecord:
    """A saved form check. ``faults`` maps each checked movement to the fault ids ticked in it;
    an empty list means "checked, nothing found", a missing movement "skipped this time"."""

    faults: dict[str, list[str]]
    taken_at: datetime = field(default_factory=datetime.now)
    id: int | None = None  # set once stored
    profile_id: int | None = None


# --------------------------------------------------------------------------- reading a check


def ticked_ids(check: FormCheckRecord | None) -> list[str]:
    """Every fault id ticked in a saved check, in stored order, without repeats.

    ``None`` (no check yet) gives ``[]``. Accepts the per-movement dict this module
    writes and, for robustness, a flat list of ids.
    """
    if check is None:
        return []
    faults: Any = getattr(check, "faults", None)
    if isinstance(faults, dict):
        values: Iterable[Any] = (i for ids in faults.values() if isinstance(ids, (list, tuple)) for i in ids)
    elif isinstance(faults, (list, tuple)):
        values = faults
    else:
        return []
    return list(dict.fromkeys(i for i in values if isinstance(i, str)))


def checked_movements(check: FormCheckRecord | None) -> list[str]:
    """Movement ids that were checked (not skipped) in a saved check."""
    if check is None:
        return []
    faults = check.faults
    if isinstance(faults, dict):
        return [m for m in faults if isinstance(m, str)]
    return []


# --------------------------------------------------------------------------- building a check


def build_check(lib: Library, ticked: Iterable[str], skipped: Iterable[str] = ()) -> dict[str, list[str]]:
    """The ``faults`` value to store: ``{movement: [ticked ids in checklist order]}``.

    ``ticked`` are fault ids; ``skipped`` are movement ids left out this time. Raises
    FormCheckError when an id is unknown, a ticked fault belongs to a skipped movement,
    or every movement was skipped.
    """
    book = lib.faults
    ticked = list(dict.fromkeys(ticked))
    skipped_set = set(skipped)
    unknown_moves = skipped_set - set(book.movement_by_id)
    if unknown_moves:
        raise FormCheckError(f"Unknown movement {sorted(unknown_moves)[0]!r}. Nothing was saved.")
    unknown = [i for i in ticked if i not in lib.fault_by_id]
    if unknown:
        raise FormCheckError(f"Unknown fault {unknown[0]!r}; reload the page and tick again. Nothing was saved.")
    for fid in ticked:
        fault = lib.fault_by_id[fid]
        if fault.movement in skipped_set:
            name = book.movement_by_id[fault.movement].name
            raise FormCheckError(
                f"'{fault.name}' is ticked, but {name} is marked as not checked. "
                f"Untick the fault or check the {name.lower()} too. Nothing was saved."
            )
    checked = [m for m in book.movements if m.id not in skipped_set]
    if not checked:
        raise FormCheckError("Every movement is marked as not checked. Check at least one movement before saving. "
                             "Nothing was saved.")
    chosen = set(ticked)
    return {m.id: [f.id for f in book.for_movement(m.id) if f.id in chosen] for m in checked}


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class GroupSummary:
    group: FaultGroup
    faults: list[Fault]
    drills: list[str]  # exercise ids: shared by most faults first, then checklist order

    @property
    def count(self) -> int:
        return len(self.faults)


def group_faults(lib: Library, ids: Iterable[str]) -> list[GroupSummary]:
    """Ticked faults grouped by what they have in common; biggest group first.

    Ties keep the order of the groups in faults.yaml. Unknown ids are ignored.
    """
    chosen = set(ids)
    faults = [f for f in lib.faults.faults if f.id in chosen]  # checklist order
    out: list[GroupSummary] = []
    for group in lib.faults.groups:
        members = [f for f in faults if f.group == group.id]
        if not members:
            continue
        counts = Counter(d for f in members for d in f.drills)
        first_seen = list(dict.fromkeys(d for f in members for d in f.drills))
        drills = sorted(first_seen, key=lambda d: (-counts[d], first_seen.index(d)))
        out.append(GroupSummary(group=group, faults=members, drills=drills))
    order = {g.id: i for i, g in enumerate(lib.faults.groups)}
    return sorted(out, key=lambda s: (-s.count, order[s.group.id]))


def advice_for(lib: Library, ids: Iterable[str]) -> list[tuple[Movement, Advice]]:
    """What the articles say about professionals and pain, for movements with a ticked fault.

    Professional advice first (article 000 puts seeing a physiotherapist first), then the
    pain rules, each in movement order.
    """
    moves = {lib.fault_by_id[i].movement for i in ids if i in lib.fault_by_id}
    pairs = [(m, a) for m in lib.faults.movements if m.id in moves for a in m.advice]
    return sorted(pairs, key=lambda p: 0 if p[1].kind == "professional" else 1)


def describe(lib: Library, check: FormCheckRecord | None) -> str:
    """One line for the home page: what the check found (without its date)."""
    if check is None:
        return "not done yet"
    ids = [i for i in ticked_ids(check) if i in lib.fault_by_id]
    if not ids:
        return "no faults ticked"
    groups = [s.group.name for s in group_faults(lib, ids)]
    noun = "fault" if len(ids) == 1 else "faults"
    return f"{len(ids)} {noun} to work on ({', '.join(groups)})"


# --------------------------------------------------------------------------- comparison

class FaultState(Labelled):
    """A fault in one saved check."""

    TICKED = "ticked", "Ticked"
    CLEAR = "clear", "—"
    NOT_CHECKED = "not_checked", "Not checked"


class ChangeStatus(Labelled):
    """How a fault changed between two checks, in the order the comparison lists them."""

    CLEARED = "cleared", "Cleared"
    REMAINS = "remains", "Still there"
    NEW = "new", "New"
    NOT_RECHECKED = "not_rechecked", "Not checked this time"


@dataclass(frozen=True)
class FaultChange:
    fault: Fault
    before: FaultState
    now: FaultState
    status: ChangeStatus


@dataclass
class Comparison:
    """How the latest check differs from the one before, fault by fault."""

    changes: list[FaultChange] = field(default_factory=list)

    def ids(self, status: ChangeStatus) -> list[str]:
        return [c.fault.id for c in self.changes if c.status == status]

    @property
    def cleared(self) -> list[str]:
        return self.ids("cleared")

    @property
    def new(self) -> list[str]:
        return self.ids("new")

    @property
    def remains(self) -> list[str]:
        return self.ids("remains")

    @property
    def not_rechecked(self) -> list[str]:
        return self.ids("not_rechecked")

    def frame(self, lib: Library, before_label: str = "Previous", now_label: str = "Latest") -> pd.DataFrame:
        """One row per fault ticked in either check: movement, fault, both checks, change."""
        names = {m.id: m.name for m in lib.faults.movements}
        rows = [
            {
                "Movement": names[c.fault.movement],
                "Fault": c.fault.name,
                before_label: FaultState(c.before).label,
                now_label: FaultState(c.now).label,
                "Change": ChangeStatus(c.status).label,
            }
            for c in self.changes
        ]
        return pd.DataFrame(rows, columns=["Movement", "Fault", before_label, now_label, "Change"])


def _state(fault: Fault, ids: set[str], movements: set[str]) -> FaultState:
    if fault.movement not in movements:
        return FaultState.NOT_CHECKED
    return FaultState.TICKED if fault.id in ids else FaultState.CLEAR


def compare(lib: Library, latest: FormCheckRecord, previous: FormCheckRecord) -> Comparison:
    """Compare two saved checks. Only faults ticked in at least one of them appear.

    A fault ticked before and not now is *cleared* if its movement was checked now, and
    *not rechecked* if the movement was skipped this time.
    """
    now_ids, before_ids = set(ticked_ids(latest)), set(ticked_ids(previous))
    now_moves, before_moves = set(checked_movements(latest)), set(checked_movements(previous))
    changes: list[FaultChange] = []
    for fault in lib.faults.faults:
        if fault.id not in now_ids | before_ids:
            continue
        before = _state(fault, before_ids, before_moves)
        now = _state(fault, now_ids, now_moves)
        if now == FaultState.TICKED:
            status = ChangeStatus.REMAINS if before == FaultState.TICKED else ChangeStatus.NEW
        else:
            status = ChangeStatus.CLEARED if now == FaultState.CLEAR else ChangeStatus.NOT_RECHECKED
        changes.append(FaultChange(fault, before, now, status))
    return Comparison(changes)


def history_frame(lib: Library, history: list[FormCheckRecord], fmt_when=str) -> pd.DataFrame:
    """One row per saved check, newest first: when, movements checked, faults ticked."""
    names = {m.id: m.name for m in lib.faults.movements}
    rows = []
    for check in history:
        ids = [i for i in ticked_ids(check) if i in lib.fault_by_id]
        rows.append({
            "Checked": fmt_when(check.taken_at),
            "Movements": ", ".join(names.get(m, m) for m in checked_movements(check)) or "—",
            "Faults ticked": len(ids),
            "Faults": "; ".join(lib.fault_by_id[i].name for i in ids) or "None",
        })
    return pd.DataFrame(rows, columns=["Checked", "Movements", "Faults ticked", "Faults"])
