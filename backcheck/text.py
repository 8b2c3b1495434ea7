"""Outside text, made safe: markdown escaping, name cleaning and strict URL values.

"Outside text" is anything BackCheck did not write itself: share-link values, CSV headers
and cells, profile and activity names, notes, uploaded file names and error text that
quotes any of them. The rule: outside text is never rendered as markdown or HTML. Pages
either show it with ``st.text`` / ``st.code`` / a data frame, or put it through :func:`md`
before it goes into ``st.markdown``, ``st.warning``, a caption or any other markdown.

No Streamlit import here, so the unit tests use it directly.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Iterable

# --------------------------------------------------------------------------- markdown

# Characters that start markdown inline syntax are backslash-escaped (an escaped character
# is always literal in CommonMark): emphasis and strikethrough (* _ ~), code (`), links and
# images ([ ] ( ) !), HTML, autolinks and quotes (< >), entities (&), tables (|), LaTeX ($),
# headings (#) and braces. Line breaks become spaces, so the only block syntax left is at the
# very start ("- ", "+ ", "1. ", "= "), which the _LEADING patterns escape.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|~$<>&])")
_LEADING_MARK = re.compile(r"^([-+=])")
_LEADING_NUMBER = re.compile(r"^(\d+)\.")

# Streamlit's markdown (remark-gfm) also turns bare "http://...", "www...." and e-mail
# addresses into links, and not in the parser but afterwards, on the plain text, so a
# backslash does not stop it. A zero-width space after the colon (and inside "www." and
# before "@") breaks those patterns without changing what a person sees. The colon also
# starts Streamlit's :emoji: and :material/icon: shortcodes, which the same space breaks.
_ZWSP = "\u200b"
_AFTER_COLON = re.compile(r":(?=\S)")
_WWW = re.compile(r"(?i)(w)(ww)(?=\.)")
_AT = re.compile(r"@")


def md(text: object) -> str:
    """Outside text, escaped for any Streamlit element that renders markdown.

    The result reads exactly like the input (line breaks become spaces, so a message stays
    one paragraph) but no part of it becomes a link, an image, emphasis, a heading, a list,
    a table, LaTeX, an icon or HTML.
    """
    s = " ".join(str(text).split()) if text is not None else ""
    s = _AT.sub(_ZWSP + "@", _WWW.sub(r"\1" + _ZWSP + r"\2", s))
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _LEADING_NUMBER.sub(r"\1\\.", _LEADING_MARK.sub(r"\\\1", s))
    return _AFTER_COLON.sub(":" + _ZWSP, s)


def md_list(items: Iterable[object], sep: str = ", ") -> str:
    """Several outside values, each escaped, joined by our own separator."""
    return sep.join(md(i) for i in items)


# --------------------------------------------------------------------------- names

# Letters that draw nothing although Unicode calls them letters or symbols.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}


class NameProblem(ValueError):
    """A typed name that cannot be used; the message says why (and is safe to show via md)."""


def _visible(ch: str) -> bool:
    return unicodedata.category(ch)[0] not in "ZCM" and ch not in _BLANK_LETTERS


def clean_name(raw: object, max_len: int, what: str = "name") -> str:
    """A person-typed name as BackCheck stores it.

    NFKC-normalised (full-width letters become ordinary ones), format and control
    characters (zero-width spaces, direction marks, tabs, line breaks) removed, runs of
    white space collapsed to one space. Raises NameProblem when nothing visible is left or
    the result is longer than ``max_len``.
    """
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    text = " ".join(text.split())
    if not any(_visible(ch) for ch in text):
        raise NameProblem(f"Give the {what} a name with at least one visible letter or digit.")
    if len(text) > max_len:
        raise NameProblem(f"The {what} can be at most {max_len} characters; this one has {len(text)}.")
    return text


def name_key(name: str) -> str:
    """What two names must share to count as the same name: case- and width-insensitive."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


# --------------------------------------------------------------------------- URL values

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also accepts "²" and "①"


class BadParam(ValueError):
    """A query-parameter value that cannot be used; the message is one line for people."""


def fmt_when(when: datetime | None) -> str:
    """A saved time for people: '5 Mar 2025, 14:30' ('not yet' for None)."""
    return f"{fmt_day(when)}, {when:%H:%M}" if when else "not yet"


def shown(raw: object, limit: int = 30) -> str:
    """A short, quoted excerpt of an outside value for a message (escape it with md)."""
    s = str(raw)
    return repr(s if len(s) <= limit else s[:limit] + "…")


def parse_int(raw: object, lo: int, hi: int, what: str = "value") -> int:
    """A whole number from a URL: ASCII digits only, at most as many digits as ``hi`` has,
    and within lo..hi. Anything else raises BadParam (never a bare ValueError from int())."""
    s = str(raw).strip() if raw is not None else ""
    if not s or len(s) > len(str(hi)) or not _DIGITS.fullmatch(s) or not lo <= int(s) <= hi:
        raise BadParam(f"{what} must be a whole number from {lo} to {hi} (the link says {shown(s)})")
    return int(s)


def parse_choice(raw: object, allowed: Iterable[str], what: str = "value", max_len: int = 64) -> str:
    """One value from an allow-list (exact match after trimming spaces)."""
    s = str(raw).strip() if raw is not None else ""
    if len(s) <= max_len and s in set(allowed):
        return s
    raise BadParam(f"unknown {what} {shown(s)}")


def parse_list(raw: object, allowed: Iterable[str], max_len: int = 2000, max_items: int = 50
               ) -> tuple[tuple[str, ...], list[str]]:
    """Comma-separated values from a URL: (known values in order without repeats, unknown ones).

    A value longer than ``max_len`` characters is not read at all: everything counts as unknown.
    """
    s = str(raw) if raw is not None else ""
    if len(s) > max_len:
        return (), [s]
    ok = set(allowed)
    values = [v.strip() for v in s.split(",") if v.strip()]
    return tuple(dict.fromkeys(v for v in values if v in ok))[:max_items], [v for v in values if v not in ok]


def plotly_plain(text: object) -> str:
    """Outside text for a plotly label: plotly reads <a href>, <b>, <br> and the like as markup,
    so the angle brackets (and &) are written as entities, which plotly shows as typed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- dates and minutes
# One way to write a date everywhere (issue 14): "5 Nov 2026" (no leading zero; the month's
# short name reads the same in every English locale), "5 Nov" where the year is plain.


def fmt_day(d) -> str:
    """'5 Nov 2026'."""
    return f"{d.day} {d:%b %Y}"


def fmt_day_month(d) -> str:
    """'5 Nov'."""
    return f"{d.day} {d:%b}"


def fmt_minutes(minutes: float) -> str:
    """Minutes as a person says them: whole minutes, halves rounded up ('19.5' -> '20 min'), and
    'under a minute' below one."""
    if minutes < 1:
        return "under a minute"
    return f"{int(minutes + 0.5)} min"
