"""Pain log core: checking entries, daily means, baseline, verdicts, activity comparisons, sessions.

Plain Python and pandas, no Streamlit: the pain-log page, the CSV importer, the clinician
report and the unit tests all use these functions. The numbers behind the verdicts live
in ``content/painlog.yaml`` (``PainRules``), not here.

The verdict rule, in one place:

* **Baseline** = mean of the *daily* mean pain over the first ``baseline_days`` calendar
  days of the log (day 1 is the day of the first entry).
* **Current** = the same over the latest ``window_days`` calendar days up to the most
  recent entry. Both windows need entries on at least ``min_days_per_window`` days and
  must not overlap, so a verdict needs at least ``baseline_days + window_days`` days.
* A change is **meaningful** when it is at least ``mcid_points`` points AND at least
  ``mcid_percent`` % of the baseline, i.e. at least ``max(points, percent × baseline)``.
  Daily means are used so that a day with many entries does not outweigh the others.
"""

from __future__ import annotations

import math
import re
from collections import abc
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from .content import Choice, PainLogContent, PainRules
from .text import NameProblem, clean_name, fmt_day, fmt_day_month, md, same_name

NOTES_MAX = 500
PAIN_MIN, PAIN_MAX = 0, 10  # the 0-10 numeric rating scale (pain and function scores)
FUNCTION_NAME_MAX = 60
EARLIEST = datetime(1990, 1, 1)
EPS = 1e-9
ENTRY_COLUMNS = ["id", "recorded_at", "pain", "activity", "location", "notes"]
ROUTINE_ACTIVITY_ID = "routine"  # the pain-log activity "Routine (BackCheck exercises)" (content/painlog.yaml)
# The one comparison row about routine days: a logged day with a pain entry under the routine activity
# or a routine session marked done (the two used to be separate rows).
ROUTINE_DAYS_ID = ROUTINE_ACTIVITY_ID
ROUTINE_DAYS_LABEL = "BackCheck routine (exercises logged or a session done)"
SESSION_DAYS_ID = ROUTINE_DAYS_ID  # older name: session days are part of the routine-days row

# Named date ranges for the chart: label -> days back from the latest entry (None = all).
RANGES: dict[str, int | None] = {"4 weeks": 28, "3 months": 91, "1 year": 365, "All": None}


class EntryError(ValueError):
    """An entry that cannot be saved; ``problems`` lists every reason in plain words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


# --------------------------------------------------------------------------- checking one entry

_WHOLE = re.compile(r"^[+-]?\d{1,3}(\.0*)?$")


def parse_pain(value: Any) -> int:
    """A whole number 0-10 from an int, a float like 5.0 or a string; EntryError otherwise."""
    msg = "Pain must be a whole number from 0 (no pain) to 10 (worst imaginable)"
    if isinstance(value, bool) or value is None:
        raise EntryError([f"{msg}."])
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or value != int(value):
            raise EntryError([f"{msg}; got {value!r}."])
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            raise EntryError([f"{msg}; the pain value is empty."])
        if not _WHOLE.match(text):
            shown = text if len(text) <= 20 else text[:20] + "…"
            raise EntryError([f"{msg}; got '{shown}'."])
        number = int(float(text))
    if not PAIN_MIN <= number <= PAIN_MAX:
        raise EntryError([f"{msg}; got {number}."])
    return number


def choice_lookup(choices: Sequence[Choice]) -> dict[str, str]:
    """What a choice may be typed as (its id, or its label in any case, lower-cased) -> its id; the first choice wins."""
    out: dict[str, str] = {}
    for c in reversed(choices):
        out[c.label.lower()] = c.id
        out[c.id] = c.id
    return out


def resolve_choice(value: Any, choices: Sequence[Choice], what: str) -> str:
    """Accept a choice by id or by label (any case); return the id."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise EntryError([f"Pick {what}."])
    low = text.lower()
    found = choice_lookup(choices).get(low)
    if found is not None:
        return found
    shown = text if len(text) <= 30 else text[:30] + "…"
    allowed = ", ".join(c.id for c in choices)
    raise EntryError([f"'{shown}' is not a known {what}; use one of: {allowed}."])


def parse_when(value: Any) -> datetime:
    """An ISO 8601 date-time (a datetime passes through). Time zones become local time."""
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time())
    else:
        text = "" if value is None else str(value).strip()
        if not text:
            raise EntryError(["The date and time are missing."])
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            shown = text if len(text) <= 30 else text[:30] + "…"
            raise EntryError([f"'{shown}' is not a date and time in ISO 8601 form, such as 2024-05-01T08:30."]) from None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # control characters other than tab and line break


def clean_notes(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > NOTES_MAX:
        raise EntryError([f"Notes can be at most {NOTES_MAX} characters; these have {len(text)}. Shorten them."])
    if _CONTROL.search(text):
        raise EntryError(["Notes contain control characters; remove them and try again."])
    return text


# The checks above are the only home of the entry rules; PainEntry runs them on every way in.
_WHEN_RANGE = "entry_when_range"  # a problem with the date's range is listed after the others


def _context(info: ValidationInfo) -> tuple[PainLogContent, datetime]:
    ctx = info.context or {}
    return ctx.get("cfg") or default_painlog(), ctx.get("now") or datetime.now()


def _via(check: Callable[..., Any], *args: Any, kind: str = "entry") -> Any:
    """Run one of the checks above for a PainEntry field; its EntryError becomes pydantic's error."""
    try:
        return check(*args)
    except EntryError as exc:
        raise PydanticCustomError(kind, "{text}", {"text": " ".join(exc.problems)}) from None


def check_day(when: datetime, now: datetime) -> datetime:
    """An entry's time must be on today or earlier, and not before EARLIEST."""
    if when.date() > now.date():
        raise EntryError([f"{when:%d %b %Y} is in the future; entries can be for today or earlier."])
    if when < EARLIEST:
        raise EntryError([f"{when:%d %b %Y} is too long ago; check the year."])
    return when


class PainEntry(BaseModel):
    """One pain entry as a person enters it: from the form, a CSV row or a programmatic call.

    The one input model for an entry: every field is checked by the functions above
    (ranges, the activity and location allow-lists of the content, note length). The
    allow-lists and "today" come from the validation context (``cfg``, ``now``); without
    one, the shipped content and the current time are used. Use :func:`validate_entry` to
    get every problem at once as an :class:`EntryError`.
    """

    model_config = ConfigDict(frozen=True)

    recorded_at: datetime
    pain: int
    activity: str
    location: str
    notes: str = ""

    @field_validator("recorded_at", mode="plain")
    @classmethod
    def _when(cls, value: Any, info: ValidationInfo) -> datetime:
        return _via(check_day, _via(parse_when, value), _context(info)[1], kind=_WHEN_RANGE)

    @field_validator("pain", mode="plain")
    @classmethod
    def _pain(cls, value: Any) -> int:
        return _via(parse_pain, value)

    @field_validator("activity", "location", mode="plain")
    @classmethod
    def _choice(cls, value: Any, info: ValidationInfo) -> str:
        cfg = _context(info)[0]
        if info.field_name == "activity":
            return _via(resolve_choice, value, cfg.activities, "activity")
        return _via(resolve_choice, value, cfg.locations, "place where it hurts")

    @field_validator("notes", mode="plain")
    @classmethod
    def _notes(cls, value: Any) -> str:
        return _via(clean_notes, value)

    @property
    def key(self) -> tuple:
        return entry_key(self)

    @classmethod
    def checked(cls, recorded_at: datetime, pain: int, activity: str, location: str, notes: str) -> "PainEntry":
        """An entry from values :func:`plain_entries` has already checked against these rules (no second pass).

        What ``model_construct`` does, without its per-field bookkeeping: a CSV file of 100,000 rows
        builds 100,000 of these."""
        entry = cls.__new__(cls)
        object.__setattr__(entry, "__dict__", {"recorded_at": recorded_at, "pain": pain, "activity": activity,
                                               "location": location, "notes": notes})
        object.__setattr__(entry, "__pydantic_fields_set__", _ALL_FIELDS)
        object.__setattr__(entry, "__pydantic_extra__", None)
        object.__setattr__(entry, "__pydantic_private__", None)
        return entry


_ALL_FIELDS = frozenset(PainEntry.model_fields)


def validate_entry(cfg: PainLogContent, recorded_at: Any, pain: Any, activity: Any, location: Any,
                   notes: Any = "", now: datetime | None = None) -> PainEntry:
    """Check every field through PainEntry; raise EntryError listing all problems at once, or return the entry."""
    try:
        return PainEntry.model_validate(
            {"recorded_at": recorded_at, "pain": pain, "activity": activity, "location": location, "notes": notes},
            context={"cfg": cfg, "now": now or datetime.now()})
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        ordered = [e for e in errors if e["type"] != _WHEN_RANGE] + [e for e in errors if e["type"] == _WHEN_RANGE]
        raise EntryError([e["msg"] for e in ordered]) from None


# The whole-column form of PainEntry's checks, for many rows at once (a CSV file). It accepts only
# rows that are plainly valid under the same rules and constants and gives their values exactly as
# PainEntry would; every other row goes through PainEntry itself, which says what is wrong:
# * pain, activity and location: each distinct text in the column goes through the checks above
#   (parse_pain, the choice lookup of resolve_choice), once, and the verdict is spread to its rows;
# * the date-time: written as YYYY-MM-DDTHH:MM[:SS[.ffffff]] (around it, whitespace as str.strip
#   sees it), a real calendar day, then check_day's range;
# * notes (each distinct text once): clean_notes' steps - line breaks made "\n", str.strip's
#   whitespace trimmed, at most NOTES_MAX characters (code points) and no control characters.
# tests/unit/test_csvio_columns.py holds a table of tricky rows on which both must agree.
_PLAIN_WHEN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{6})?)?$"
# What str.strip() removes (str.isspace); tests/unit/test_csvio_columns.py checks the list against Python's.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
KEY_COLUMNS = ["recorded_at", "pain", "activity", "location", "notes"]


@dataclass(frozen=True)
class PlainRows:
    """plain_entries' answer: which rows are plainly valid, and their checked values (meaningful where ``ok``)."""

    ok: np.ndarray  # bool
    recorded_at: np.ndarray  # datetime64[us]
    pain: np.ndarray  # int64
    activity: pa.Array  # ids (strings; a dictionary array)
    location: pa.Array
    notes: pa.Array  # cleaned (a dictionary array)


def _dictionary(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks() if encoded.num_chunks else pa.array([], encoded.type)
    return encoded


def _each_distinct(column: pa.Array | pa.ChunkedArray, check: Callable[[str], Any],
                   kind: pa.DataType) -> tuple[np.ndarray, pa.DictionaryArray]:
    """Run ``check`` once per distinct text of ``column``: (ok per row, checked value per row, null where not ok)."""
    encoded = _dictionary(column)
    values = []
    for text in encoded.dictionary.to_pylist():
        try:
            values.append(check(text))
        except EntryError:
            values.append(None)
    ok = np.array([v is not None for v in values], dtype=bool)
    return ok[encoded.indices.to_numpy(zero_copy_only=False)], _recode(encoded.indices, pa.array(values, kind))


def _recode(indices: pa.Array, values: pa.Array) -> pa.DictionaryArray:
    """``values`` picked by ``indices`` as a dictionary array that holds each value once (a null counts as the
    type's zero value: only rows that are not plainly valid have one)."""
    unique = pc.fill_null(values, "" if pa.types.is_string(values.type) else 0).dictionary_encode()
    picked = unique.indices.to_numpy(zero_copy_only=False)[indices.to_numpy(zero_copy_only=False)]
    return pa.DictionaryArray.from_arrays(pa.array(picked, pa.int32()), unique.dictionary)


# _PLAIN_WHEN for a column whose texts all have one length, by byte position: (digits, (position, character)).
_WHEN_FORMS = {16: ([0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15], [(4, "-"), (7, "-"), (10, "T"), (13, ":")])}
_WHEN_FORMS[19] = (_WHEN_FORMS[16][0] + [17, 18], _WHEN_FORMS[16][1] + [(16, ":")])
_WHEN_FORMS[26] = (_WHEN_FORMS[19][0] + [20, 21, 22, 23, 24, 25], _WHEN_FORMS[19][1] + [(19, ".")])


def plain_when(text: pa.Array) -> np.ndarray:
    """Which texts have the form _PLAIN_WHEN. When every text has one of its lengths, the bytes are checked as
    a table (a column of a few kinds of character at fixed places); otherwise by the regular expression."""
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset:text.offset + n + 1] if n else None
    width = int(offsets[1] - offsets[0]) if n else 0
    if n and text.null_count == 0 and width in _WHEN_FORMS and int(offsets[-1] - offsets[0]) == n * width \
            and (np.diff(offsets) == width).all():
        table = np.frombuffer(text.buffers()[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(n, width)
        digits, marks = _WHEN_FORMS[width]
        ok = ((table[:, digits] - np.uint8(48)) <= 9).all(axis=1)  # below "0" wraps round to above 9
        for at, char in marks:
            ok &= table[:, at] == ord(char)
        hour = (table[:, 11].astype(np.int16) - 48) * 10 + (table[:, 12].astype(np.int16) - 48)
        ok &= (hour <= 23) & (table[:, 14] <= ord("5"))
        if width >= 19:
            ok &= table[:, 17] <= ord("5")
        return ok
    return pc.match_substring_regex(text, _PLAIN_WHEN).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def plain_entries(columns: Mapping[str, pa.Array | pa.ChunkedArray], cfg: PainLogContent, now: datetime) -> PlainRows:
    """For text columns recorded_at, pain, activity, location, notes (pyarrow strings or dictionary arrays),
    which rows are plainly valid and their checked values (activity, location and notes as dictionary arrays)."""
    recorded_at = columns["recorded_at"]
    if isinstance(recorded_at, pa.ChunkedArray):
        recorded_at = recorded_at.combine_chunks() if recorded_at.num_chunks else pa.array([], pa.string())
    ok = plain_when(recorded_at)  # a text of that form has nothing to trim
    when_text = recorded_at
    if not ok.all():
        when_text = pc.utf8_trim(recorded_at, characters=WHITESPACE)
        ok = plain_when(when_text)
    padded = when_text if ok.all() else pc.if_else(pa.array(ok), when_text, "2000-01-01T00:00")
    try:
        when = pc.cast(padded, pa.timestamp("us")).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # a day that does not exist (30 February): those rows are not plain
        when = pd.to_datetime(pd.Series(padded.to_pylist(), dtype=object), format="ISO8601",
                              errors="coerce").to_numpy(dtype="datetime64[us]")
    tomorrow = np.datetime64(datetime.combine(now.date(), time()), "us") + np.timedelta64(1, "D")
    ok &= (when >= np.datetime64(EARLIEST, "us")) & (when < tomorrow)  # check_day, for a column (NaT fails both)

    pain_ok, pain = _each_distinct(columns["pain"], parse_pain, pa.int64())
    lookups = {what: choice_lookup(choices) for what, choices in (("activity", cfg.activities),
                                                                    ("location", cfg.locations))}

    def choice(what: str) -> Callable[[str], str]:
        def check(text: str) -> str:
            found = lookups[what].get(text.strip().lower())  # resolve_choice, without its message
            if found is None:
                raise EntryError([])
            return found
        return check

    activity_ok, activity = _each_distinct(columns["activity"], choice("activity"), pa.string())
    location_ok, location = _each_distinct(columns["location"], choice("location"), pa.string())

    notes = _dictionary(columns["notes"])
    text = pc.replace_substring(pc.replace_substring(notes.dictionary, "\r\n", "\n"), "\r", "\n")
    text = pc.utf8_trim(text, characters=WHITESPACE)
    notes_ok = pc.and_(pc.less_equal(pc.utf8_length(text), NOTES_MAX),
                       pc.invert(pc.match_substring_regex(text, _CONTROL.pattern)))
    ok &= pain_ok & activity_ok & location_ok & notes_ok.to_numpy(zero_copy_only=False)[
        notes.indices.to_numpy(zero_copy_only=False)]
    pain_values = pain.dictionary.to_numpy(zero_copy_only=False)[pain.indices.to_numpy(zero_copy_only=False)]
    return PlainRows(ok, when, pain_values.astype("int64", copy=False), activity, location,
                     _recode(notes.indices, text))


def repeated(frame: pd.DataFrame, earlier: pd.DataFrame | None = None) -> np.ndarray:
    """For each row of ``frame`` (columns KEY_COLUMNS): is its entry key (key_of) in ``earlier`` or in a row above?

    The duplicate rule of imports, for whole columns. Only rows whose time comes more than once can repeat;
    for those, each key column is numbered (pd.factorize; a missing value is a value of its own, notes None
    count as ""), the numbers are combined into one per row, and a row repeats when its number came before."""
    n_old = 0 if earlier is None else len(earlier)
    both = frame[KEY_COLUMNS] if not n_old else pd.concat([earlier[KEY_COLUMNS], frame[KEY_COLUMNS]],
                                                          ignore_index=True)
    both = both.assign(recorded_at=pd.to_datetime(both["recorded_at"], errors="coerce"))  # missing: NaT
    out = np.zeros(len(both), dtype=bool)
    times = both["recorded_at"].to_numpy()
    if len(times) < 2 or (times[1:] > times[:-1]).all():  # every time later than the one before: none repeats
        return out[n_old:]
    maybe = both["recorded_at"].duplicated(keep=False).to_numpy()
    if maybe.any():
        part = both[maybe]
        key = np.zeros(len(part), dtype=np.int64)
        size = 1
        for name in KEY_COLUMNS:
            column = part[name].fillna("") if name == "notes" else part[name]
            codes, uniques = pd.factorize(column)
            n = len(uniques) + 1
            if size * n >= 2 ** 62:  # keep the combined number within int64
                key = pd.factorize(key)[0].astype(np.int64)
                size = int(key.max()) + 1 if len(key) else 1
            key = key * n + (codes + 1)
            size *= n
        out[maybe] = pd.Series(key).duplicated(keep="first").to_numpy()
    return out[n_old:]


class CheckedEntries(abc.Sequence):
    """Entries already checked against PainEntry's rules, held as columns: a DataFrame with KEY_COLUMNS
    (recorded_at datetime64, pain int64, activity and location ids, notes), in file order.

    A CSV file of 100,000 rows becomes one of these without 100,000 Python objects; an item is a PainEntry
    (PainEntry.checked), built when asked for. ``store.pain.import_entries`` inserts the columns."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame.reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.frame)

    def _entry(self, when: Any, pain: Any, activity: str, location: str, notes: str) -> PainEntry:
        return PainEntry.checked(pd.Timestamp(when).to_pydatetime(), int(pain), activity, location, notes)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return CheckedEntries(self.frame.iloc[i])
        return self._entry(*self.frame.iloc[i][KEY_COLUMNS])

    def __iter__(self):
        f = self.frame
        whens = pd.DatetimeIndex(f["recorded_at"]).to_pydatetime()
        for values in zip(whens, f["pain"].tolist(), f["activity"].tolist(), f["location"].tolist(),
                          f["notes"].tolist()):
            yield PainEntry.checked(*values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (CheckedEntries, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CheckedEntries({len(self)} entries)"


def entry_key(entry: Any) -> tuple:
    """What makes two entries the same entry (for duplicate-free imports): any object with the entry's fields."""
    return key_of(entry.recorded_at, entry.pain, entry.activity, entry.location, entry.notes)


def key_of(recorded_at: datetime, pain: int, activity: str, location: str, notes: str | None) -> tuple:
    return (recorded_at, int(pain), activity, location, notes or "")


@lru_cache(maxsize=1)
def default_painlog() -> PainLogContent:
    """The shipped content's pain-log choices (for a PainEntry made without a validation context)."""
    from .content import load_library

    return load_library().painlog


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    """A stored pain entry (what the pain-log repository returns)."""

    id: int
    recorded_at: datetime
    pain: int
    activity: str
    location: str
    notes: str = ""
    profile_id: int | None = None
    created_at: datetime | None = None

    @property
    def key(self) -> tuple:
        return entry_key(self)

    @property
    def entry(self) -> PainEntry:
        """The entry's values as the input model (already checked when it was saved)."""
        return PainEntry.model_construct(recorded_at=self.recorded_at, pain=self.pain, activity=self.activity,
                                         location=self.location, notes=self.notes)


@dataclass(frozen=True)
class PainStats:
    """How many entries a profile has, and the first and latest entry times (None when there are none)."""

    count: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class DailyPain:
    """One logged calendar day: the mean pain of its entries and how many there were."""

    day: date
    pain: float
    entries: int


@dataclass(frozen=True)
class FunctionActivity:
    """An activity a person follows with a function score (0-10)."""

    id: int
    name: str
    created_at: datetime
    profile_id: int | None = None


@dataclass(frozen=True)
class FunctionRating:
    """One function score, with its activity's name."""

    id: int
    activity_id: int
    name: str
    rated_at: datetime
    score: int


def check_new_activity(existing: Iterable[str], name: str, limit: int) -> None:
    """The rule for following another activity: at most ``limit``, and no name twice (see same_name)."""
    names = list(existing)
    if len(names) >= limit:
        raise ValueError(f"You can follow at most {limit} activities. Remove one before adding another.")
    if any(same_name(n, name) for n in names):
        raise ValueError(f"'{name}' is already on your list.")


def clean_function_name(name: Any) -> str:
    """See backcheck.text.clean_name (the same cleaning as profile names)."""
    if not str(name or "").strip():
        raise EntryError(["Name the activity, e.g. 'Squatting to full depth'."])
    try:
        return clean_name(name, FUNCTION_NAME_MAX, "activity")
    except NameProblem as exc:
        raise EntryError([str(exc)]) from None


def parse_score(value: Any) -> int:
    """A function score: whole number 0 (cannot do it) to 10 (as before the pain)."""
    try:
        return parse_pain(value)
    except EntryError:
        raise EntryError(["A function score must be a whole number from 0 (cannot do it) to 10 (as before the pain)."]) from None


# --------------------------------------------------------------------------- frames


def entries_frame(rows: Iterable[LoggedEntry]) -> pd.DataFrame:
    """Entries as a frame sorted by time (columns: id, recorded_at, pain, activity, location, notes)."""
    df = pd.DataFrame(list(rows), columns=ENTRY_COLUMNS)
    df["recorded_at"] = pd.to_datetime(df["recorded_at"])
    df["pain"] = df["pain"].astype("int64")
    return df.sort_values(["recorded_at", "id"], kind="stable").reset_index(drop=True)


def daily_frame(entries: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """One row per logged day: mean pain, number of entries and the rolling mean of daily means.

    The rolling mean at day d covers the calendar days (d - window_days, d]; days
    without entries are simply absent from the window.
    """
    if entries.empty:
        return pd.DataFrame({"pain": [], "entries": [], "rolling": []},
                            index=pd.DatetimeIndex([], name="day"))
    day = entries["recorded_at"].dt.normalize().rename("day")
    daily = entries.groupby(day)["pain"].agg(pain="mean", entries="size")
    daily["rolling"] = daily["pain"].rolling(f"{window_days}D").mean()
    return daily


def activity_days(entries: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: index = logged day, one column per activity id logged that day."""
    if entries.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="day"))
    day = entries["recorded_at"].dt.normalize().rename("day")
    return entries.groupby([day, "activity"]).size().unstack(fill_value=0) > 0


def session_days(done: Iterable[datetime]) -> pd.DatetimeIndex:
    """The calendar days of routine sessions, from their done-at times."""
    days = sorted({pd.Timestamp(t).normalize() for t in done})
    return pd.DatetimeIndex(days, name="day")


# --------------------------------------------------------------------------- verdict

Status = Literal["empty", "sparse", "thin_baseline", "pending", "thin_current", "ready"]
Kind = Literal["improved", "no_change", "worse"]


@dataclass(frozen=True)
class Verdict:
    status: Status
    headline: str  # one sentence for people
    detail: str = ""  # the reasoning / what to do
    kind: Kind | None = None
    baseline: float | None = None
    current: float | None = None
    change: float | None = None  # current - baseline
    percent: float | None = None  # change as % of baseline (None when baseline is 0)
    needed: float | None = None  # smallest change that counts as meaningful here
    band: tuple[float, float] | None = None  # no-meaningful-change band around the baseline
    baseline_window: tuple[date, date] | None = None
    current_window: tuple[date, date] | None = None
    logged_days: int = 0
    entries: int = 0


def meaningful_threshold(baseline: float, rules: PainRules) -> float:
    """Smallest change that is both >= mcid_points and >= mcid_percent of the baseline."""
    return max(rules.mcid_points, baseline * rules.mcid_percent / 100)


def classify_change(baseline: float, current: float, rules: PainRules) -> Kind:
    """improved / worse when the change is at least the threshold (both rules), else no_change."""
    needed = meaningful_threshold(baseline, rules)
    delta = current - baseline
    if -delta >= needed - EPS:
        return "improved"
    if delta >= needed - EPS:
        return "worse"
    return "no_change"


def rule_text(rules: PainRules) -> str:
    pts = _num(rules.mcid_points)
    pct = _num(rules.mcid_percent)
    return (
        f"BackCheck compares your average pain over the latest {rules.window_days} days with your first "
        f"{rules.baseline_days} days (your baseline), using the average of each day so busy days do not count "
        f"twice. It calls a change meaningful only when it is at least {pts} points AND at least {pct}% of your "
        f"baseline. Studies of the 0-10 pain scale found that about {pts} points or about {pct}% is the smallest "
        "change most people with back pain notice as a real difference; asking for both keeps ordinary "
        "day-to-day swings from being called progress. Each week needs entries on at least "
        f"{rules.min_days_per_window} days."
    )


def _num(x: float) -> str:
    return f"{x:g}"


def _window_mean(daily: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> tuple[float, int]:
    part = daily.loc[(daily.index >= start) & (daily.index <= end), "pain"]
    return (float(part.mean()) if len(part) else math.nan), int(len(part))


def compute_verdict(entries: pd.DataFrame, rules: PainRules) -> Verdict:
    """The change since baseline in plain words (see the module docstring for the rule)."""
    return verdict_from_daily(daily_frame(entries, rules.window_days), len(entries), rules)


def verdict_from_daily(daily: pd.DataFrame, n_entries: int, rules: PainRules) -> Verdict:
    """The verdict from the daily means alone (see daily_frame), e.g. as the database groups them."""
    if daily.empty:
        return Verdict("empty", "No entries yet.",
                       "Log how your back feels today; after a week you will see your baseline, after two a verdict.")
    first, last = daily.index.min(), daily.index.max()
    span = (last - first).days + 1
    base = dict(logged_days=len(daily), entries=n_entries)
    if span < rules.baseline_days:
        return Verdict(
            "sparse", f"Your log covers {span} day{'s' if span != 1 else ''} so far.",
            f"Your first {rules.baseline_days} days become your baseline; after that, BackCheck can tell whether "
            "things are changing. Until then the chart shows your entries without a verdict.", **base)
    b_end = first + pd.Timedelta(days=rules.baseline_days - 1)
    baseline, b_days = _window_mean(daily, first, b_end)
    b_window = (first.date(), b_end.date())
    if b_days < rules.min_days_per_window:
        return Verdict(
            "thin_baseline", "Not enough entries in your first week for a baseline.",
            f"Your first {rules.baseline_days} days ({fmt_day_month(first)} to {fmt_day_month(b_end)}) have entries on {b_days} "
            f"day{'s' if b_days != 1 else ''}; a reliable baseline needs at least {rules.min_days_per_window}. If you "
            "remember how those days went, add entries for them; otherwise BackCheck shows your entries without a verdict.",
            baseline_window=b_window, **base)
    needed = meaningful_threshold(baseline, rules)
    band = (max(0.0, baseline - needed), min(10.0, baseline + needed))
    common = dict(baseline=baseline, needed=needed, band=band, baseline_window=b_window, **base)
    c_start = last - pd.Timedelta(days=rules.window_days - 1)
    if c_start <= b_end:
        wait = (b_end - c_start).days + 1
        return Verdict(
            "pending", f"Your baseline is {baseline:.1f} out of 10 (the average of your first {rules.baseline_days} days).",
            f"Keep logging: in {wait} more day{'s' if wait != 1 else ''} your latest week no longer overlaps the first "
            "one, and BackCheck can say whether the change is meaningful.", **common)
    current, c_days = _window_mean(daily, c_start, last)
    c_window = (c_start.date(), last.date())
    if c_days < rules.min_days_per_window:
        return Verdict(
            "thin_current", f"Your baseline is {baseline:.1f}; your latest week is too thin to compare.",
            f"The {rules.window_days} days up to your last entry ({fmt_day_month(c_start)} to {fmt_day_month(last)}) have entries on "
            f"{c_days} day{'s' if c_days != 1 else ''}; log on at least {rules.min_days_per_window} days a week "
            "for a verdict.", current_window=c_window, **common)
    change = current - baseline
    percent = change / baseline * 100 if baseline > EPS else None
    kind = classify_change(baseline, current, rules)
    when = f"over the {rules.window_days} days up to {fmt_day(last)}"
    pct_text = f", a {abs(percent):.0f}% {'drop' if change < 0 else 'rise'}" if percent is not None else ""
    if abs(change) < 0.05:
        compare = f"Your average pain {when} is {current:.1f}, the same as in your first week ({baseline:.1f})."
    else:
        direction = "lower" if change < 0 else "higher"
        compare = (f"Your average pain {when} is {current:.1f}, {abs(change):.1f} points {direction} than in your "
                   f"first week ({baseline:.1f}){pct_text}.")
    if kind == "improved":
        headline = "Meaningful improvement"
        detail = f"{compare} That is a change big enough to matter to most people."
    elif kind == "worse":
        headline = "Meaningfully worse"
        detail = (f"{compare} That is a rise big enough to matter. Talk to a physiotherapist or doctor about it, and "
                  "redo the safety check if anything new has appeared (numbness, weakness, pain at night, fever).")
    else:
        headline = "No meaningful change yet"
        detail = (f"{compare} A change counts as meaningful from {needed:.1f} points here, so this is within "
                  "ordinary ups and downs.")
        if baseline < rules.mcid_points - EPS:
            detail += (f" Your first week was already low (below {_num(rules.mcid_points)}), so a drop big enough to "
                       "count cannot happen on this scale; BackCheck still tells you if it rises meaningfully.")
        elif change < 0:
            detail += " It may still be the start of a trend; keep logging."
    return Verdict("ready", headline, detail, kind=kind, current=current, change=change, percent=percent,
                   current_window=c_window, **common)


# --------------------------------------------------------------------------- activities


@dataclass(frozen=True)
class ActivityComparison:
    activity: str  # activity id or ROUTINE_DAYS_ID
    label: str
    days_with: int
    days_without: int
    mean_with: float | None = None
    mean_without: float | None = None

    @property
    def enough(self) -> bool:
        return self.mean_with is not None

    @property
    def difference(self) -> float | None:
        return None if self.mean_with is None or self.mean_without is None else self.mean_with - self.mean_without

    def sentence(self) -> str:
        if not self.enough:
            return ""
        diff = self.difference or 0.0
        if abs(diff) < 0.05:
            rel = "about the same"
        else:
            rel = f"{abs(diff):.1f} points {'higher' if diff > 0 else 'lower'}"
        return (f"{self.label}: on the {self.days_with} days with it your pain averaged {self.mean_with:.1f}; on the "
                f"other {self.days_without} logged days {self.mean_without:.1f} ({rel}).")


def activity_comparisons(entries: pd.DataFrame, cfg: PainLogContent, sessions: Iterable[datetime] = ()) -> list[ActivityComparison]:
    """Pain on logged days with vs without each activity, and on routine days vs the other logged days.

    A routine day is a logged day with an entry under the routine activity or a routine session
    marked done (``sessions``: their done-at times); it is one row, after the other activities.
    Only logged days count. Means are filled in only when there are at least ``min_days_each``
    days on each side; otherwise the row says how many days there are.
    """
    rules = cfg.rules
    if entries.empty:
        return []
    daily = daily_frame(entries, rules.window_days)
    flags = activity_days(entries)
    columns: list[tuple[str, str, pd.Series]] = []
    for c in cfg.activities:
        if c.id in flags.columns and c.id != ROUTINE_ACTIVITY_ID:
            columns.append((c.id, c.label, flags[c.id]))
    routine = (flags[ROUTINE_ACTIVITY_ID].reindex(daily.index, fill_value=False).astype(bool)
               if ROUTINE_ACTIVITY_ID in flags.columns else pd.Series(False, index=daily.index))
    routine = routine | daily.index.isin(session_days(sessions))
    if routine.any():
        columns.append((ROUTINE_DAYS_ID, ROUTINE_DAYS_LABEL, routine))
    out = []
    for ident, label, mask in columns:
        mask = mask.reindex(daily.index, fill_value=False).astype(bool)
        n_with, n_without = int(mask.sum()), int((~mask).sum())
        if n_with >= rules.min_days_each and n_without >= rules.min_days_each:
            out.append(ActivityComparison(ident, label, n_with, n_without,
                                          float(daily.loc[mask, "pain"].mean()), float(daily.loc[~mask, "pain"].mean())))
        else:
            out.append(ActivityComparison(ident, label, n_with, n_without))
    return out


def comparisons_from_days(daily: pd.DataFrame, activity_days: dict[str, tuple[int, float]], cfg: PainLogContent,
                          session_day_index: pd.DatetimeIndex | None = None,
                          routine_entry_days: Iterable[date] = ()) -> list[ActivityComparison]:
    """The same comparisons as activity_comparisons, from daily means and per-activity day totals.

    ``activity_days`` maps an activity id to (days with it, sum of those days' mean pain), as
    store.pain.activity_days computes it in the database; the whole log never leaves it.
    ``session_day_index``: the days a routine session was done; ``routine_entry_days``: the days with
    an entry under the routine activity (store.pain.activity_dates). Together they make the routine row.
    """
    rules = cfg.rules
    if daily.empty:
        return []
    n_days, total = len(daily), float(daily["pain"].sum())
    columns: list[tuple[str, str, int, float]] = [
        (c.id, c.label, *activity_days[c.id]) for c in cfg.activities
        if c.id in activity_days and c.id != ROUTINE_ACTIVITY_ID]
    routine = {pd.Timestamp(d).normalize() for d in routine_entry_days}
    if session_day_index is not None:
        routine |= set(session_day_index)
    mask = daily.index.isin(pd.DatetimeIndex(sorted(routine))) if routine else None
    if mask is not None and mask.any():
        columns.append((ROUTINE_DAYS_ID, ROUTINE_DAYS_LABEL, int(mask.sum()), float(daily.loc[mask, "pain"].sum())))
    out = []
    for ident, label, n_with, sum_with in columns:
        n_without = n_days - n_with
        if n_with >= rules.min_days_each and n_without >= rules.min_days_each:
            out.append(ActivityComparison(ident, label, n_with, n_without, sum_with / n_with,
                                          (total - sum_with) / n_without))
        else:
            out.append(ActivityComparison(ident, label, n_with, n_without))
    return out


def comparison_note(rules: PainRules) -> str:
    return (f"Shown when there are at least {rules.min_days_each} logged days with and without the activity. "
            "A difference is a pattern in your log, not proof that the activity causes pain or relieves it; "
            "bring it to your physiotherapist.")


# --------------------------------------------------------------------------- routine sessions


@dataclass(frozen=True)
class SessionSummary:
    weekly: pd.DataFrame  # columns week (Monday, Timestamp), sessions (int); oldest first
    goal: int
    full_weeks: int  # completed weeks looked at (up to `weeks`)
    weeks_met: int
    average: float | None
    this_week: int
    total: int

    def sentence(self, goal_source: str = "") -> str:
        src = f" ({goal_source})" if goal_source else ""
        if self.total == 0:
            return (f"No routine sessions marked done yet. The goal is at least {self.goal} a week{src}: "
                    "correcting an imbalance takes steady work, not one big effort.")
        this = f" This week so far: {self.this_week}."
        if self.full_weeks == 0:
            return f"Goal: at least {self.goal} sessions a week{src}.{this}"
        avg = self.average or 0.0
        met = "meeting the goal" if avg >= self.goal - EPS else "below the goal"
        return (f"Last {self.full_weeks} full week{'s' if self.full_weeks != 1 else ''}: {avg:.1f} sessions a week on "
                f"average, {met} of at least {self.goal}{src}; the goal was reached in {self.weeks_met} of "
                f"{self.full_weeks} weeks.{this}")

    def weeks_text(self, weeks: int = 8) -> str:
        """The latest weeks' counts, oldest first: '27 Oct 3, 3 Nov 2, 10 Nov 4' (each week by its Monday)."""
        recent = self.weekly.tail(weeks)
        return ", ".join(f"{fmt_day_month(w)} {n}" for w, n in zip(recent["week"], recent["sessions"]))


def week_start(day: date | datetime | pd.Timestamp) -> pd.Timestamp:
    """monday_of as a timestamp (midnight), for the weekly frames."""
    return pd.Timestamp(monday_of(day))


def monday_of(day: date | datetime) -> date:
    """The Monday that starts the calendar week of `day` (weeks run Monday to Sunday)."""
    day = day.date() if isinstance(day, datetime) else day
    return day - timedelta(days=day.weekday())


def sessions_this_week(sessions: Iterable[datetime], today: date) -> int:
    """Routine sessions done in today's calendar week (sessions_per_week's this_week, without pandas)."""
    monday = monday_of(today)
    return sum(1 for t in sessions if monday_of(t) == monday)


def sessions_per_week(sessions: Iterable[datetime], goal: int, today: date | None = None,
                      weeks: int = 4) -> SessionSummary:
    """The one count of routine sessions (their done-at times): per calendar week (Monday to Sunday)
    against the weekly goal (``Library.sessions_goal``), over the last `weeks` full weeks, and this week so far."""
    today = today or date.today()
    this_monday = week_start(today)
    sessions = list(sessions)
    done = [week_start(t) for t in sessions]
    if not done:
        empty = pd.DataFrame({"week": pd.DatetimeIndex([]), "sessions": pd.Series([], dtype="int64")})
        return SessionSummary(empty, goal, 0, 0, None, 0, 0)
    counts = pd.Series(1, index=pd.DatetimeIndex(done)).groupby(level=0).sum()
    first = min(counts.index.min(), this_monday)
    last = max(counts.index.max(), this_monday)
    all_weeks = pd.date_range(first, last, freq="7D")
    weekly = counts.reindex(all_weeks, fill_value=0).astype("int64")
    full = weekly[weekly.index < this_monday].iloc[-weeks:]
    average = float(full.mean()) if len(full) else None
    frame = pd.DataFrame({"week": weekly.index, "sessions": weekly.to_numpy()})
    return SessionSummary(frame, goal, len(full), int((full >= goal).sum()),
                          average, sessions_this_week(sessions, today), int(weekly.sum()))


# --------------------------------------------------------------------------- function scores


@dataclass(frozen=True)
class FunctionTrend:
    activity_id: int
    name: str
    first: int | None
    latest: int | None
    first_at: datetime | None
    latest_at: datetime | None
    ratings: int

    @property
    def change(self) -> int | None:
        return None if self.first is None or self.latest is None else self.latest - self.first

    def sentence(self) -> str:
        if self.latest is None:
            return f"{self.name}: not rated yet."
        if self.ratings == 1 or self.change is None:
            return f"{self.name}: {self.latest}/10 (rated once, {fmt_day(self.latest_at)})."
        ch = self.change
        word = "no change" if ch == 0 else f"{'up' if ch > 0 else 'down'} {abs(ch)}"
        return (f"{self.name}: {self.first}/10 on {fmt_day_month(self.first_at)} → {self.latest}/10 on {fmt_day(self.latest_at)} "
                f"({word}).")


def function_trends(activities: Sequence[FunctionActivity], ratings: Sequence[FunctionRating]) -> list[FunctionTrend]:
    out = []
    for act in activities:
        mine = [r for r in ratings if r.activity_id == act.id]
        mine.sort(key=lambda r: (r.rated_at, r.id))
        if mine:
            out.append(FunctionTrend(act.id, act.name, mine[0].score, mine[-1].score,
                                     mine[0].rated_at, mine[-1].rated_at, len(mine)))
        else:
            out.append(FunctionTrend(act.id, act.name, None, None, None, None, 0))
    return out


def ratings_frame(ratings: Sequence[FunctionRating]) -> pd.DataFrame:
    df = pd.DataFrame(list(ratings), columns=["id", "activity_id", "name", "rated_at", "score"])
    df["rated_at"] = pd.to_datetime(df["rated_at"])
    return df.sort_values(["rated_at", "id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- ranges and tables


def range_start(entries: pd.DataFrame, choice: str, today: date | None = None) -> pd.Timestamp | None:
    """First day shown for a named range ending today (or at the last entry if that is later); None = all."""
    days = RANGES.get(choice)
    if days is None or entries.empty:
        return None
    end = max(pd.Timestamp(today or date.today()), entries["recorded_at"].max().normalize())
    return end.normalize() - pd.Timedelta(days=days - 1)


def range_start_at(last: datetime | pd.Timestamp | None, choice: str, today: date | None = None) -> pd.Timestamp | None:
    """range_start from the time of the latest entry alone (None = no entries)."""
    days = RANGES.get(choice)
    if days is None or last is None:
        return None
    end = max(pd.Timestamp(today or date.today()), pd.Timestamp(last).normalize())
    return end.normalize() - pd.Timedelta(days=days - 1)


def default_range_at(first: datetime | None, last: datetime | None, today: date | None = None) -> str:
    """default_range from the first and latest entry times alone."""
    start = range_start_at(last, "3 months", today)
    return "All" if start is None or first is None or pd.Timestamp(first) >= start else "3 months"


def default_range(entries: pd.DataFrame, today: date | None = None) -> str:
    """'All' while the whole log fits in three months, else '3 months' (the chart stays readable)."""
    start = range_start(entries, "3 months", today)
    return "All" if start is None or entries["recorded_at"].min() >= start else "3 months"


def in_range(entries: pd.DataFrame, start: pd.Timestamp | None) -> pd.DataFrame:
    return entries if start is None else entries[entries["recorded_at"] >= start]


def entries_table(entries: pd.DataFrame, cfg: PainLogContent) -> pd.DataFrame:
    """Newest-first table for people: When, Pain, Activity, Where, Notes (labels, not ids)."""
    df = entries.sort_values(["recorded_at", "id"], ascending=False)
    return pd.DataFrame({
        "When": (df["recorded_at"].dt.strftime("%a ") + df["recorded_at"].dt.day.astype(str)
                 + df["recorded_at"].dt.strftime(" %b %Y, %H:%M")),
        "Pain": df["pain"],
        "Activity": df["activity"].map(cfg.activity_label).fillna(df["activity"]),
        "Where": df["location"].map(cfg.location_label).fillna(df["location"]),
        "Notes": df["notes"],
    })


def entry_label(row: dict | pd.Series, cfg: PainLogContent) -> str:
    when = pd.Timestamp(row["recorded_at"])
    act = cfg.activity_label.get(row["activity"], row["activity"])
    return f"{when:%H:%M} · pain {int(row['pain'])} · {act}"


def entry_label_with_day(row: dict | pd.Series, cfg: PainLogContent) -> str:
    """entry_label with the day in front: 'Tue 4 Nov 2025, 08:30 · pain 3 · Walking'."""
    when = pd.Timestamp(row["recorded_at"])
    return f"{when:%a} {when.day} {when:%b %Y}, {entry_label(row, cfg)}"


def entries_markdown(entries: pd.DataFrame, cfg: PainLogContent, today: date | None = None) -> str:
    """Entries (an entries_frame) as a compact markdown table, newest first: When ('27 Nov, 08:14', with the
    year when it is not this year's), Pain, Activity, Where, and 'yes' where there is a note (the notes are
    outside text and stay out of markdown). Activity and place are escaped (an imported id the content
    does not know is shown as it came)."""
    year = (today or date.today()).year
    head = "| When | Pain | Activity | Where | Note |\n|---|--:|---|---|---|"
    rows = []
    for r in entries.iloc[::-1].itertuples(index=False):  # entries_frame is oldest first
        when = r.recorded_at
        day = (fmt_day_month(when) if when.year == year else fmt_day(when)).replace(" ", "\u00a0")  # kept on one line
        act, where = cfg.activity_label.get(r.activity, r.activity), cfg.location_label.get(r.location, r.location)
        rows.append(f"| {day}, {when:%H:%M} | {int(r.pain)} | {md(act)} | {md(where)} | {'yes' if r.notes else ''} |")
    return "\n".join([head, *rows])


@dataclass
class Overview:
    """Everything the page and the report show, computed once."""

    entries: pd.DataFrame
    daily: pd.DataFrame
    verdict: Verdict
    comparisons: list[ActivityComparison] = field(default_factory=list)
    sessions: SessionSummary | None = None
    functions: list[FunctionTrend] = field(default_factory=list)


def overview(cfg: PainLogContent, entry_rows: Iterable[LoggedEntry], session_times: Sequence[datetime] = (),
             activities: Sequence[FunctionActivity] = (), ratings: Sequence[FunctionRating] = (),
             today: date | None = None, *, sessions_goal: int) -> Overview:
    entries = entries_frame(entry_rows)
    return Overview(
        entries=entries,
        daily=daily_frame(entries, cfg.rules.window_days),
        verdict=compute_verdict(entries, cfg.rules),
        comparisons=activity_comparisons(entries, cfg, session_times),
        sessions=sessions_per_week(session_times, sessions_goal, today=today),
        functions=function_trends(activities, ratings),
    )


# --------------------------------------------------------------------------- what the chart draws


@dataclass
class ChartView:
    """What the pain chart draws for one date range, already reduced to what the browser needs.

    ``entries`` holds the entries in the range when there are few enough to draw one by one
    (``rules.chart_max_points``); otherwise it is None and ``points`` holds the daily means,
    or the means of ``bucket_days``-day groups when the range has more days than the chart's
    point budget. The rolling mean and the session marks are thinned the same way.
    """

    x_range: tuple[pd.Timestamp, pd.Timestamp]
    verdict: Verdict
    shown: int  # entries in the range
    entries: pd.DataFrame | None
    points: pd.DataFrame  # index: x; columns pain (mean of daily means), entries (count)
    bucket_days: int
    rolling: pd.Series  # index: x; the rolling mean of daily means
    session_x: list[pd.Timestamp] = field(default_factory=list)
    session_n: list[int] = field(default_factory=list)


def chart_view(daily: pd.DataFrame, verdict: Verdict, rules: PainRules, *, first_entry: datetime | None,
               last_entry: datetime | None, start: pd.Timestamp | None = None, today: date | None = None,
               entries: pd.DataFrame | None = None, shown: int | None = None, session_times: Iterable = (),
               max_points: int | None = None) -> ChartView:
    """Build the ChartView for the range from ``start`` (None = whole log) to today.

    ``daily`` is the whole log's daily_frame; ``entries`` the entries in the range (only needed
    when ``shown`` is at most ``rules.chart_max_points``); ``max_points`` caps the number of
    averaged points (None = one per day).
    """
    day_in = daily if start is None else daily[daily.index >= start]
    if shown is None:
        shown = int(day_in["entries"].sum()) if len(day_in) else 0
    if last_entry is not None:
        last_ts = pd.Timestamp(last_entry)
        first = start if start is not None else pd.Timestamp(first_entry).normalize()
    else:
        last_ts = pd.Timestamp(today or date.today())
        first = start if start is not None else last_ts.normalize()
    end = max(pd.Timestamp(today or last_ts).normalize(), last_ts.normalize()) + pd.Timedelta(hours=23, minutes=59)
    first = min(first, end.normalize() - pd.Timedelta(days=6))
    x_range = (first - pd.Timedelta(hours=12), end + pd.Timedelta(hours=12))

    bucket = 1
    if max_points and len(day_in):
        span = (day_in.index.max() - day_in.index.min()).days + 1
        bucket = max(1, math.ceil(span / max_points))
    if len(day_in) and bucket > 1:
        origin = day_in.index.min()
        group = ((day_in.index - origin).days // bucket).rename("bucket")
        agg = day_in.groupby(group).agg(pain=("pain", "mean"), entries=("entries", "sum"))
        agg.index = origin + pd.to_timedelta(agg.index * bucket, unit="D") + pd.Timedelta(hours=12 * bucket)
        last_roll = day_in["rolling"].groupby(group).last()
        last_day = pd.Series(day_in.index, index=day_in.index).groupby(group).last()
        rolling = pd.Series(last_roll.to_numpy(), index=pd.DatetimeIndex(last_day.to_numpy()) + pd.Timedelta(hours=12))
        points = agg
    else:
        points = day_in[["pain", "entries"]]
        rolling = pd.Series(day_in["rolling"].to_numpy(), index=day_in.index + pd.Timedelta(hours=12)) \
            if len(day_in) else pd.Series([], dtype=float)

    times = pd.to_datetime(pd.Series(list(session_times), dtype="object"))
    if len(times):
        times = times[(times >= x_range[0]) & (times <= x_range[1])]
    session_x, session_n = list(times), [1] * len(times)
    if max_points and len(times) > max_points:
        origin = x_range[0].normalize()
        width = max(1, math.ceil(((x_range[1] - x_range[0]).days + 1) / max_points))
        counts = times.groupby(((times - origin).dt.days // width)).size()
        session_x = list(origin + pd.to_timedelta(counts.index * width, unit="D") + pd.Timedelta(hours=12 * width))
        session_n = [int(n) for n in counts]
    draw_entries = entries if entries is not None and shown <= rules.chart_max_points else None
    if draw_entries is not None and start is not None:
        draw_entries = draw_entries[draw_entries["recorded_at"] >= start]
    return ChartView(x_range, verdict, shown, draw_entries, points, bucket, rolling, session_x, session_n)
