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

Import works on whole columns, so 100,000 rows take a few times what ``pandas.read_csv``
takes. A plain file (the header on the first line, quoting as a CSV writer makes it, as many
values on every row as in the header) is split by pyarrow's CSV parser; any other file by
the csv module in strict mode, which keeps every record in its place and says where a quote
is wrong - both give the same records (tests/unit/test_csvio_columns.py). The rows are then
checked column by column (painlog.plain_entries); a row the columns do not plainly accept
goes through painlog.PainEntry, which names what is wrong. The valid rows stay columns
(painlog.CheckedEntries) up to the database.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .content import PainLogContent
from .painlog import (
    KEY_COLUMNS,
    CheckedEntries,
    EntryError,
    LoggedEntry,
    PainEntry,
    plain_entries,
    repeated,
    validate_entry,
)

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
    # valid and new (not in the log, not repeated), in file order: columns (painlog.CheckedEntries), an item a PainEntry
    entries: CheckedEntries | list[PainEntry] = field(default_factory=list)
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


_BLANK = re.compile(rb"[ \t\r\n\xef\xbb\xbf]*")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


_NOT_UTF8 = "The file is not UTF-8 text. In your spreadsheet app choose 'CSV UTF-8' when saving, then try again."


def _utf8(data: bytes) -> tuple[pa.Buffer, str | None]:
    """The file's text as UTF-8 bytes, and the text itself when it had to be decoded (UTF-16) - else None.

    A UTF-8 file is used as it is (after its byte order mark), checked by pyarrow without a copy: _decode's
    check and its message, without building a Python string of the whole file."""
    if data.startswith(_UTF16_BOMS):
        text = _decode(data)
        return pa.py_buffer(text.encode("utf-8")), text
    body = pa.py_buffer(data)
    if data.startswith(b"\xef\xbb\xbf"):
        body = body.slice(3)
    try:
        _whole(body, pa.binary()).cast(pa.string())  # raises on anything that is not UTF-8
    except pa.ArrowInvalid:
        raise CsvError(_NOT_UTF8) from None
    return body, None


def _whole(body: pa.Buffer, kind: pa.DataType) -> pa.Array:
    """The bytes as one value of an array (no copy)."""
    return pa.Array.from_buffers(kind, 1, [None, pa.py_buffer(np.array([0, body.size], np.int32)), body])


def _head(body: pa.Buffer) -> str:
    """The text from the start up to the end of its first line that is not blank (more is fine)."""
    view = memoryview(body)
    size = 4096
    while size < len(view):
        cut = bytes(view[:size])
        end = max(cut.rfind(b"\n"), cut.rfind(b"\r"))
        if end >= 0:
            head = cut[:end + 1].decode("utf-8")  # ends at a line break: whole characters, whole lines
            if any(line.strip() for line in head.splitlines()):
                return head
        size *= 16
    return bytes(view).decode("utf-8")


def _decode(data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
    raise CsvError(_NOT_UTF8)


def _header_names(line: str, sep: str) -> list[str]:
    try:
        fields = next(csv.reader([line], delimiter=sep))
    except (csv.Error, StopIteration):
        return []
    return [f.strip().strip("\ufeff").lower() for f in fields]


def _first_line(text: str) -> str:
    """The first line that is not blank (str.splitlines' lines), reading no more of the text than needed."""
    size = 4096
    while True:
        lines = text[:size].splitlines()
        whole = size >= len(text)
        for ln in lines if whole else lines[:-1]:  # the last line of a cut may go on
            if ln.strip():
                return ln
        if whole:
            return ""
        size *= 16


def _pick_separator(text: str) -> tuple[str, list[str]]:
    first = _first_line(text)
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


def _too_many_rows() -> CsvError:
    return CsvError(f"The file has more than {MAX_ROWS:,} rows; BackCheck imports up to {MAX_ROWS:,} at a time. Split it.")


@dataclass
class _Table:
    """The file's records that have as many values as the header, as text columns, and what else was read."""

    columns: dict[str, pa.Array]  # by column name; the records in file order
    row_no: np.ndarray  # the spreadsheet row of each record
    rejected: list[RejectedRow]  # records with too many or too few values
    short_or_long_rows: int  # how many of those (they count as rows read)


def _plain_quotes(body: pa.Buffer, sep: str) -> bool:
    """Whether every quote mark is where a quoted value starts, ends or doubles a quote inside it - the quoting a
    CSV writer produces - so csv's strict mode and pyarrow read the file alike. Found from the quote marks'
    places alone: taken in order, an even one (0, 2, ...) opens a value (after the start, a separator or a line
    end) or is the second of a doubled quote (right after the odd one before it); an odd one closes the value
    (before a separator, a line end or the end) or is the first of a doubled quote (right before the next one).
    A file with other quote marks (inside a value that does not start with one) gets _strict_quotes instead."""
    raw = np.frombuffer(body, dtype=np.uint8)
    quotes = np.flatnonzero(raw == ord('"'))
    if not len(quotes):
        return True
    if len(quotes) % 2:
        return False  # a quoted value never closed
    opening, closing = quotes[0::2], quotes[1::2]
    ends = (ord(sep), ord("\n"), ord("\r"))
    before = raw[opening - 1]  # the first may be at 0: checked below
    opens = np.isin(before, ends)
    opens[1:] |= opening[1:] - 1 == closing[:-1]
    if opening[0] == 0:
        opens[0] = True
    after = raw[np.minimum(closing + 1, len(raw) - 1)]
    closes = np.isin(after, ends) | (closing + 1 == len(raw))
    closes[:-1] |= closing[:-1] + 1 == opening[1:]
    return bool(opens.all() and closes.all())


def _strict_quotes(sep: str) -> str:
    """The records the csv module reads with strict=True, as one regular expression over the whole text: a field
    is quoted ("..." with "" for a quote; only a separator or a line end may follow) or does not start with a quote."""
    field = f'(?:"(?:[^"]|"")*"|[^"{sep}\\r\\n][^{sep}\\r\\n]*|)'
    return f"^(?:{field}(?:{sep}{field})*(?:\\r\\n|\\n|\\r))*(?:{field}(?:{sep}{field})*)?$"


def _fast_table(head: str, body: pa.Buffer, sep: str, names: list[str]) -> _Table | None:
    """The records through pyarrow's CSV parser (C++), or None when the file is not plainly the kind it reads exactly
    as the csv module does; then _strict_table reads it. Plain: the header is the first line and has no quotes,
    the quoting is what csv's strict mode accepts, every record has as many values as the header, and no value
    reaches the csv module's field size limit. ``body``: the text in UTF-8; ``head``: its start (_head)."""
    first_end = len(head)
    for end_char in "\r\n":
        at = head.find(end_char)
        if at != -1:
            first_end = min(first_end, at)
    header = head[:first_end]
    if '"' in header or _header_names(header, sep) != names:
        return None
    if not _plain_quotes(body, sep) and not pc.match_substring_regex(_whole(body, pa.utf8()),
                                                                     _strict_quotes(sep))[0].as_py():
        return None
    width = len(names)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),  # one block, one thread: faster than several for files up to MAX_BYTES
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(width)], skip_rows=1,
                                           use_threads=False, block_size=max(1 << 20, body.size + 1)),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={f"c{i}": pa.string() for i in range(width)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=False))  # body is UTF-8 (_utf8 checked it)
    except (pa.ArrowInvalid, pa.ArrowException):  # a record with too many or too few values, for one
        return None
    if table.num_rows + 1 > MAX_ROWS + 1:
        raise _too_many_rows()
    limit = csv.field_size_limit()
    if body.size >= limit and any((pc.max(pc.binary_length(col)).as_py() or 0) >= limit for col in table.columns):
        return None
    columns = {name: table.column(i).combine_chunks() for i, name in enumerate(names)}
    return _Table(columns, np.arange(2, table.num_rows + 2), [], 0)


def _strict_table(text: str, sep: str, names: list[str]) -> _Table:
    """The records through the csv module, strictly: every record keeps its place and its own values (pandas
    would drop a row whose quote is never closed, and with one value too many on every row it would take the
    first column as the index and blame the wrong fields)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise _too_many_rows()
    except csv.Error as exc:
        raise CsvError(f"The file could not be read as CSV: near line {reader.line_num} a quote mark is opened but never "
                       f"closed, or text follows a closing quote ({exc}). Fix that line, then try again. "
                       "Nothing was imported.") from exc
    header_at = next(i for i, r in enumerate(records) if any(f.strip() for f in r))
    width = len(names)
    full: list[list[str]] = []
    row_no: list[int] = []
    rejected: list[RejectedRow] = []
    for i, rec in enumerate(records[header_at + 1:], start=header_at + 2):  # spreadsheet numbering: record 0 is row 1
        if len(rec) == width:
            full.append(rec)
            row_no.append(i)
        elif not any(v.strip() for v in rec):
            continue  # a blank line (or only separators, as spreadsheets sometimes write)
        elif len(rec) > width:
            rejected.append(RejectedRow(i, [
                f"Row {i} has {len(rec)} values, the header has {width}. A separator inside a note needs quotes "
                "around the note, and a row must not end with an extra separator."]))
        else:
            rejected.append(RejectedRow(i, [f"has only {len(rec)} of the {width} columns."]))
    values = list(zip(*full)) if full else [()] * width
    columns = {name: pa.array(values[k], pa.string()) for k, name in enumerate(names)}
    return _Table(columns, np.array(row_no, dtype=np.int64), rejected, len(rejected))


def _unescape_notes(notes: pa.Array) -> pa.DictionaryArray:
    """_unescape_note for a column: each distinct note once (a dictionary array)."""
    encoded = notes.dictionary_encode()
    text = encoded.dictionary
    text = pc.if_else(pc.match_substring_regex(text, _ESCAPED.pattern), pc.utf8_slice_codeunits(text, 1), text)
    return pa.DictionaryArray.from_arrays(encoded.indices, text)


_plain = plain_entries  # the whole-column checks (a seam: a test sends every row through PainEntry instead)


def _existing_frame(existing: Iterable[tuple] | pd.DataFrame) -> pd.DataFrame | None:
    if isinstance(existing, pd.DataFrame):
        return existing if len(existing) else None
    keys = list(existing)
    if not keys:
        return None
    frame = pd.DataFrame(keys, columns=KEY_COLUMNS)
    frame["recorded_at"] = pd.to_datetime(frame["recorded_at"])
    return frame


def read_csv(data: bytes, cfg: PainLogContent, existing: Iterable[tuple] | pd.DataFrame = (),
             now: datetime | None = None) -> ImportReport:
    """Check a CSV file row by row. Raises CsvError when the file as a whole is unusable.

    ``existing`` holds the entry keys (painlog.entry_key; ``store.pain.keys``) of the entries already in the log,
    or a DataFrame of them (columns painlog.KEY_COLUMNS). Every row is checked by the entry model's rules:
    whole columns at once (painlog.plain_entries), and each row they do not plainly accept through
    painlog.PainEntry (validate_entry), as the form does, which says what is wrong.
    """
    if not data or _BLANK.fullmatch(data):
        raise CsvError("The file is empty. Export a CSV from BackCheck (or a spreadsheet) and try again.")
    if len(data) > MAX_BYTES:
        raise CsvError(f"The file is {len(data) / 1_048_576:.1f} MB; BackCheck reads files up to "
                       f"{MAX_BYTES // 1_048_576} MB. Split it into smaller files.")
    body, text = _utf8(data)
    if ("\x00" in text) if text is not None else (b"\x00" in data):
        raise CsvError("This does not look like a CSV text file. Choose a .csv file exported from BackCheck or a spreadsheet.")
    head = text if text is not None else _head(body)
    sep, names = _pick_separator(head)
    _check_columns(names)
    table = _fast_table(head, body, sep, names) or _strict_table(text if text is not None else _decode(data), sep, names)
    now = now or datetime.now()

    raw = table.columns
    n = len(table.row_no)
    if "notes" in raw:
        notes = _unescape_notes(raw["notes"])
    else:  # the column may be left out: every note is ""
        notes = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([""]))
    columns = {**raw, "notes": notes}
    plain = _plain(columns, cfg, now)

    # The rows the columns do not plainly accept: blank ones are skipped, the others go through PainEntry.
    report = ImportReport(separator=sep)
    rejected = list(table.rejected)
    others = np.flatnonzero(~plain.ok)
    valid = plain.ok.copy()
    when, pain = plain.recorded_at.copy(), plain.pain.copy()
    fixed: dict[str, list] = {"activity": [], "location": [], "notes": []}
    fixed_at: list[int] = []
    blank = 0
    if len(others):
        take = pa.array(others)
        cells = {name: col.take(take).to_pylist() for name, col in raw.items()}
        unescaped = notes.take(take).to_pylist()
        for k, at in enumerate(others):
            if not any(cells[name][k].strip() for name in raw):
                blank += 1
                continue
            try:
                entry = validate_entry(cfg, cells["recorded_at"][k], cells["pain"][k], cells["activity"][k],
                                       cells["location"][k], unescaped[k], now=now)
            except EntryError as exc:
                rejected.append(RejectedRow(int(table.row_no[at]), exc.problems))
                continue
            valid[at] = True
            when[at], pain[at] = np.datetime64(entry.recorded_at, "us"), entry.pain
            fixed_at.append(at)
            for name in fixed:
                fixed[name].append(getattr(entry, name))
    strings = {"activity": plain.activity, "location": plain.location, "notes": plain.notes}
    if fixed_at:
        mask = np.zeros(n, dtype=bool)
        mask[fixed_at] = True
        strings = {name: pc.replace_with_mask(col.cast(pa.string()), pa.array(mask),
                                              pa.array(fixed[name], pa.string())).dictionary_encode()
                   for name, col in strings.items()}
    report.rows = n - blank + table.short_or_long_rows
    if report.rows == 0:
        raise CsvError("The file has a header but no entries. Nothing to import.")
    report.rejected = sorted(rejected, key=lambda r: r.row)

    keep = pa.array(valid)
    checked = pd.DataFrame({
        "recorded_at": when[valid], "pain": pain[valid],
        **{name: col.filter(keep).to_pandas() for name, col in strings.items()}})
    again = repeated(checked, _existing_frame(existing))
    report.duplicates = int(again.sum())
    report.entries = CheckedEntries(checked[~again])
    return report
