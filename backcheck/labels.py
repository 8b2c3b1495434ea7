"""Enums that carry the words people see: one place per set of stored values and its labels.

A member IS its stored string (``SafetyLevel.CLEAR == "clear"``), so values saved in the
database and in content stay exactly as they were; ``.label`` is what a screen or a report
shows. Define a set as ``NAME = "stored", "Label"``.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A string enum whose members also carry a label for people."""

    label: str

    def __new__(cls, value: str, label: str = "") -> "Labelled":
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value
        return obj

    @classmethod
    def label_of(cls, value: object, default: str | None = None) -> str:
        """The label of a stored value; `default` (or the value itself) for one this set does not know."""
        try:
            return cls(value).label
        except ValueError:
            return str(value) if default is None else default

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)
