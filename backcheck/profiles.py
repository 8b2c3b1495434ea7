"""Profiles: who the data belongs to, and the rule for a profile's name.

Plain Python, no Streamlit and no storage: the repositories (backcheck.repos) take and return
these types; the profiles screen shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .text import NameProblem, clean_name

PROFILE_NAME_MAX = 40


class ProfileError(ValueError):
    """A profile request that cannot be honoured (bad name, duplicate, last profile)."""


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    is_demo: bool
    created_at: datetime
    account: str = ""  # the owner ("" = the local install; see backcheck.auth)


@dataclass(frozen=True)
class ProfileCounts:
    """How much a profile holds (shown on the profiles screen before deleting it)."""

    entries: int = 0  # pain entries
    sessions: int = 0  # routine sessions
    quizzes: int = 0  # posture quiz results


@dataclass(frozen=True)
class Progress:
    """When each step was last done for a profile (None = not yet)."""

    safety: datetime | None = None
    quiz: datetime | None = None
    form: datetime | None = None
    session: datetime | None = None
    pain: datetime | None = None

    def any(self) -> bool:
        return any(v is not None for v in (self.safety, self.quiz, self.form, self.session, self.pain))


def clean_profile_name(name: object) -> str:
    """See backcheck.text.clean_name: NFKC, no format/control characters, something visible."""
    try:
        return clean_name(name, PROFILE_NAME_MAX, "profile")
    except NameProblem as exc:
        raise ProfileError(str(exc)) from None


def name_taken_message(name: str) -> str:
    return f"A profile called '{name}' already exists. Pick another name."
