"""Searching and filtering the exercise library."""

from __future__ import annotations

from .content import Exercise, Library


def _haystack(lib: Library, ex: Exercise) -> str:
    parts = [ex.name, ex.summary, *ex.cues, *(lib.muscle_label[m] for m in ex.trains), ex.kind]
    return " ".join(parts).lower()


def filter_exercises(
    lib: Library,
    query: str = "",
    kind: str | None = None,
    trains: list[str] | None = None,
    equipment: str = "any",
) -> list[Exercise]:
    """Exercises matching every given filter, in library order.

    query: every word must appear in the name, summary, cues or trained muscles.
    trains: the exercise trains at least one of these muscle ids.
    equipment: "any"; "none" (needs nothing); or an equipment id the exercise uses
    (required or optional).
    """
    words = query.lower().split()
    out = []
    for ex in lib.exercises:
        if kind and ex.kind != kind:
            continue
        if trains and not set(trains) & set(ex.trains):
            continue
        if equipment == "none" and ex.equipment:
            continue
        if equipment not in ("any", "none") and equipment not in [*ex.equipment, *ex.optional_equipment]:
            continue
        if words:
            hay = _haystack(lib, ex)
            if not all(w in hay for w in words):
                continue
        out.append(ex)
    return out
