"""CSV export and import of a profile's pain entries.

Export writes ``recorded_at, pain, activity, location, notes`` (ISO 8601 times, activity
and location ids), UTF-8, comma-separated. Import reads such a file (also with a BOM, with
semicolons or tabs as separators, activity/location by id or label), checks every row
with the same rules as the entry form and reports each rejected row by number and reason.
Nothing is written here: the page shows the report and lets the person choose to import
the valid rows or nothing; the store skips entries already in the log.

Spreadsheet apps run cells that start with ``=``, ``+``, ``-`` or ``@`` as formulas, so
export puts an apostrophe in front of such notes and import takes it off again: a file
BackCheck exported imports back exactly.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

import pandas as pd

from .content import PainLogContent
from .painlog import EntryError, LoggedEntry, PainEntry, key_of, plain_entries, validate_entry

CSV_COLUMNS = ["recorded_at", "pain", "activity", "location", "notes"]
REQUIRED = CSV_COLUMNS[:4]
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


class CsvError(ValueError):
    """The file as a whole cannot be read; the message says what to do. Nothing is imported."""


@dataclass(frozen=True)
class RejectedRow:
    row: int  # spreadsheet row number: the header is row 1, the first entry row 2
    reasons: list[str]

    @property
    def text(self) -> str:
        return f"Row {self.row}: {' '.join(self.reasons)}"


@dataclass
class ImportReport:
    entries: list[PainEntry] = field(default_factory=list)  # valid and new (not in the log, not repeated)
    duplicates: int = 0  # valid rows already in the log or repeated in the file
    rejected: list[RejectedRow] = field(default_factory=list)
    rows: int = 0  # data rows read (blank lines not counted)
    separator: str = ","

    def summary(self) -> str:
        parts = [f"{self.rows} row{'s' if self.rows != 1 else ''} read ({SEPARATORS[self.separator]} as separators)",
                 f"{len(self.entries)} new entr{'ies' if len(self.entries) != 1 else 'y'} ready to import"]
        if self.duplicates:
            parts.append(f"{self.duplicates} skipped as duplicates (already in your log or repeated in the file)")
        if self.rejected:
            parts.append(f"{len(self.rejected)} rejected")
        return "; ".join(parts) + "."

    def rejected_table(self) -> pd.DataFrame:
        return pd.DataFrame({"Row": [r.row for r in self.rejected],
                             "Why it was rejected": [" ".join(r.reasons) for r in self.rejected]})


# --------------------------------------------------------------------------- export


def _escape_note(text: str) -> str:
    return "'" + text if _FORMULA.match(text) else text


def _unescape_note(text: str) -> str:
    return text[1:] if _ESCAPED.match(text) else text


def format_when(when: datetime | pd.Timestamp) -> str:
    when = pd.Timestamp(when).to_pydatetime()
    return when.isoformat(timespec="microseconds" if when.microsecond else "seconds")


def export_csv(rows: Iterable[LoggedEntry]) -> bytes:
    """A profile's entries as CSV bytes (oldest first), readable back by read_csv without loss."""
    frame = pd.DataFrame(list(rows), columns=["id", *CSV_COLUMNS])
    frame = frame.sort_values(["recorded_at", "id"], kind="stable")
    when = pd.to_datetime(frame["recorded_at"])
    stamp = when.dt.strftime("%Y-%m-%dT%H:%M:%S")  # format_when, for a whole column at once
    fraction = when.dt.microsecond != 0
    if fraction.any():
        stamp = stamp.where(~fraction, stamp + "." + when.dt.microsecond.astype(str).str.zfill(6))
    notes = frame["notes"].fillna("").astype(str)
    risky = notes.str.match(_FORMULA)
    out = pd.DataFrame({
        "recorded_at": stamp,
        "pain": frame["pain"].astype("int64"),
        "activity": frame["activity"],
        "location": frame["location"],
        "notes": notes.where(~risky, "'" + notes),  # _escape_note
    })
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def export_filename(profile_name: str, today: date | None = None) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", profile_name.lower()).strip("-") or "profile"
    return f"backcheck-pain-log-{slug[:30]}-{(today or date.today()):%Y-%m-%d}.csv"


# --------------------------------------------------------------------------- import


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise CsvError("The file is not UTF-8 text. In your spreadsheet app choose 'CSV UTF-8' when saving, then try again.")


def _header_names(line: str, sep: str) -> list[str]:
    try:
        fields = next(csv.reader([line], delimiter=sep))
    except (csv.Error, StopIteration):
        return []
    return [f.strip().strip("\ufeff").lower() for f in fields]


def _pick_separator(text: str) -> tuple[str, list[str]]:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    best = (",", _header_names(first, ","))
    for sep in SEPARATORS:
        names = _header_names(first, sep)
        if set(REQUIRED) <= set(names):
            return sep, names
        if len(names) > len(best[1]):
            best = (sep, names)
    return best


def _check_columns(names: list[str]) -> None:
    expected = ", ".join(CSV_COLUMNS)
    dupes = sorted({n for n in names if names.count(n) > 1 and n})
    if dupes:
        raise CsvError(f"The column {', '.join(dupes)} appears twice. The file needs the columns {expected}.")
    missing = [c for c in REQUIRED if c not in names]
    extra = [n for n in names if n not in CSV_COLUMNS]
    if missing or extra:
        found = ", ".join(n or "(blank)" for n in names[:8]) + (" …" if len(names) > 8 else "")
        bits = []
        if missing:
            bits.append(f"missing: {', '.join(missing)}")
        if extra:
            bits.append(f"not expected: {', '.join(n or '(blank)' for n in extra[:5])}")
        raise CsvError(
            f"The columns are not the ones BackCheck reads ({'; '.join(bits)}). The first line of the file must name "
            f"the columns {expected} (notes may be left out); this file has: {found}."
        )


def _plain(body: list[list[str]], names: list[str], cfg: PainLogContent, now: datetime) -> dict[int, tuple]:
    """Position in ``body`` -> checked values, for the full-width rows that are plainly valid."""
    width = len(names)
    at = [k for k, rec in enumerate(body) if len(rec) == width]
    if not at:
        return {}
    frame = pd.DataFrame([body[k] for k in at], columns=names, index=at, dtype=object)
    if "notes" not in frame:
        frame["notes"] = ""
    notes = frame["notes"]
    frame["notes"] = notes.where(~notes.str.match(_ESCAPED.pattern).fillna(False).astype(bool), notes.str[1:])
    checked = plain_entries(frame, cfg, now)
    checked = checked[checked["ok"]]
    return dict(zip(checked.index, zip([t.to_pydatetime() for t in checked["recorded_at"]],
                                       checked["pain"].tolist(), checked["activity"].tolist(),
                                       checked["location"].tolist(), checked["notes"].tolist())))


def read_csv(data: bytes, cfg: PainLogContent, existing: Iterable[tuple] = (), now: datetime | None = None) -> ImportReport:
    """Check a CSV file row by row. Raises CsvError when the file as a whole is unusable.

    ``existing`` holds the entry keys (painlog.entry_key; ``store.pain.keys``) of the entries already in the log.
    Every row goes through the entry model (painlog.PainEntry, via validate_entry), as the form does.
    """
    if not data or not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CsvError("The file is empty. Export a CSV from BackCheck (or a spreadsheet) and try again.")
    if len(data) > MAX_BYTES:
        raise CsvError(f"The file is {len(data) / 1_048_576:.1f} MB; BackCheck reads files up to "
                       f"{MAX_BYTES // 1_048_576} MB. Split it into smaller files.")
    text = _decode(data)
    if "\x00" in text:
        raise CsvError("This does not look like a CSV text file. Choose a .csv file exported from BackCheck or a spreadsheet.")
    sep, names = _pick_separator(text)
    _check_columns(names)

    # The csv module, strictly: pandas would drop a row whose quote is never closed, and with one
    # value too many on every row (a trailing separator) it takes the first column as the index
    # and blames the wrong fields. Here every record keeps its place and its own values.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise CsvError(f"The file has more than {MAX_ROWS:,} rows; BackCheck imports up to {MAX_ROWS:,} at a "
                               "time. Split it.")
    except csv.Error as exc:
        raise CsvError(f"The file could not be read as CSV: near line {reader.line_num} a quote mark is opened but never "
                       f"closed, or text follows a closing quote ({exc}). Fix that line, then try again. "
                       "Nothing was imported.") from exc
    header_at = next(i for i, r in enumerate(records) if any(f.strip() for f in r))

    now = now or datetime.now()
    seen = {tuple(k) for k in existing}
    report = ImportReport(separator=sep)
    width = len(names)
    body = records[header_at + 1:]
    plain = _plain(body, names, cfg, now)
    for i, rec in enumerate(body, start=header_at + 1):
        row_no = i + 1  # spreadsheet numbering: the first record is row 1
        if not any(v.strip() for v in rec):
            continue  # a blank line (or only separators, as spreadsheets sometimes write)
        report.rows += 1
        fast = plain.get(i - header_at - 1)
        if fast is not None:  # plainly valid: checked for the whole column at once (painlog.plain_entries)
            key = key_of(*fast)
            if key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
            report.entries.append(PainEntry.checked(*fast))
            continue
        elif len(rec) > width:
            report.rejected.append(RejectedRow(row_no, [
                f"Row {row_no} has {len(rec)} values, the header has {width}. A separator inside a note needs quotes "
                "around the note, and a row must not end with an extra separator."]))
            continue
        elif len(rec) < width:
            report.rejected.append(RejectedRow(row_no, [f"has only {len(rec)} of the {width} columns."]))
            continue
        else:
            values: dict[str, Any] = dict(zip(names, rec))
            try:
                entry = validate_entry(cfg, values["recorded_at"], values["pain"], values["activity"],
                                       values["location"], _unescape_note(values.get("notes", "")), now=now)
            except EntryError as exc:
                report.rejected.append(RejectedRow(row_no, exc.problems))
                continue
        key = entry.key
        if key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        report.entries.append(entry)
    if report.rows == 0:
        raise CsvError("The file has a header but no entries. Nothing to import.")
    return report
