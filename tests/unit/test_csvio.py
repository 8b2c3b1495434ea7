"""CSV export/import: lossless round trip, no duplicates, and malformed files."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from backcheck import csvio
from backcheck.content import load_library
from backcheck.csvio import CsvError, export_csv, read_csv
from backcheck.storage import Store
from backcheck.painlog import PainEntry

CFG = load_library().painlog
NOW = datetime(2025, 6, 30, 12, 0)
HEADER = "recorded_at,pain,activity,location,notes\n"


def check(text: str | bytes, existing=()) -> csvio.ImportReport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_csv(data, CFG, existing, now=NOW)


def reasons(report: csvio.ImportReport) -> dict[int, str]:
    return {r.row: " ".join(r.reasons) for r in report.rejected}


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path}/c.db")


TRICKY_NOTES = [
    "",
    "plain",
    'comma, "quotes" and; semicolon',
    "two\nlines",
    "ünïcödé ✓ — and emoji 🙂",
    "=SUM(A1:A2)",
    "-5 after the walk",
    "+1 set",
    "@home",
    "'=already quoted",
    "'apostrophe start",
    "<b>not html</b> *not markdown*",
    "x" * 500,
]


def test_export_then_import_is_lossless(store):
    pid = store.profiles.list()[0].id
    t0 = datetime(2025, 1, 2, 7, 5)
    for i, note in enumerate(TRICKY_NOTES):
        act = CFG.activities[i % len(CFG.activities)].id
        loc = CFG.locations[i % len(CFG.locations)].id
        when = t0 + timedelta(days=i, minutes=i)
        if i == 3:
            when = when.replace(second=42)
        if i == 4:
            when = when.replace(microsecond=123456)
        store.pain.add(pid, PainEntry(recorded_at=when, pain=i % 11, activity=act, location=loc, notes=note))
    original = store.pain.all(pid)
    data = export_csv(original)
    assert data.decode().splitlines()[0] == "recorded_at,pain,activity,location,notes"
    assert "'=SUM(A1:A2)" in data.decode()  # spreadsheets will not run it as a formula

    other = store.profiles.create("Copy").id
    report = check(data)
    assert report.rejected == [] and len(report.entries) == len(original)
    store.pain.import_entries(other, report.entries)
    strip = lambda rows: [replace(r, id=None) for r in rows]  # noqa: E731
    assert strip(store.pain.all(other)) == strip(original)
    assert export_csv(store.pain.all(other)) == data


def test_reimport_adds_nothing(store):
    pid = store.profiles.list()[0].id
    text = HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-02T08:00,3,walking,lower_back,\n"
    first = check(text, store.pain.keys(pid))
    assert store.pain.import_entries(pid, first.entries) == (2, 0)
    again = check(text, store.pain.keys(pid))
    assert again.entries == [] and again.duplicates == 2 and "duplicates" in again.summary()
    assert len(store.pain.all(pid)) == 2


def test_same_values_twice_in_a_file_count_once():
    r = check(HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-01T08:00,4,squat,leg,a\n2025-06-01T08:00,4,squat,leg,b\n")
    assert len(r.entries) == 2 and r.duplicates == 1


def test_bad_rows_are_reported_by_row_number_and_good_rows_kept():
    text = HEADER + "\n".join([
        "2025-06-01T08:00,4,squat,leg,ok",             # row 2
        "31/12/2024,4,squat,leg,",                      # row 3: not ISO
        "2025-13-01,4,squat,leg,",                      # row 4: no month 13
        "2099-01-01T00:00,4,squat,leg,",                # row 5: future
        "2025-06-01T09:00,five,squat,leg,",             # row 6: text in a number column
        "2025-06-01T10:00,5.5,squat,leg,",              # row 7
        "2025-06-01T11:00,99999999999999999999,squat,leg,",  # row 8: huge
        "2025-06-01T12:00,-1,squat,leg,",               # row 9
        "2025-06-01T13:00,,squat,leg,",                 # row 10: empty
        "2025-06-01T14:00,3,swimming,leg,",             # row 11: unknown activity
        "2025-06-01T15:00,3,squat,knee,",               # row 12: unknown location
        "2025-06-01T16:00,3,Hip hinge / deadlift,LOWER BACK,labels work",  # row 13
        "2025-06-01T17:00,3,squat,leg,too,many",        # row 14
        "2025-06-01T18:00,3",                           # row 15
        "",                                             # blank: skipped, still counted as a line
        "2025-06-01T19:00,2,walking,leg," + "n" * 501,  # row 17
    ]) + "\n"
    r = check(text)
    got = reasons(r)
    assert sorted(got) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17]
    assert "ISO 8601" in got[3] and "ISO 8601" in got[4]
    assert "in the future" in got[5]
    assert "got 'five'" in got[6] and "got '5.5'" in got[7] and "whole number" in got[8] and "got -1" in got[9]
    assert "empty" in got[10]
    assert "'swimming' is not a known activity" in got[11] and "'knee'" in got[12]
    assert "has 6 values" in got[14] and "only 2 of the 5 columns" in got[15]
    assert "at most 500 characters" in got[17]
    assert [(e.activity, e.location) for e in r.entries] == [("squat", "leg"), ("hip_hinge", "lower_back")]
    assert r.rows == 15 and len(r.entries) + r.duplicates == 2
    assert list(r.rejected_table().columns) == ["Row", "Why it was rejected"]


def test_row_numbers_follow_spreadsheet_rows_after_multiline_notes():
    text = HEADER + '2025-06-01T08:00,4,squat,leg,"a note\nover two lines"\n2025-06-01T09:00,x,squat,leg,\n'
    r = check(text)
    assert list(reasons(r)) == [3] and r.entries[0].notes == "a note\nover two lines"


@pytest.mark.parametrize("header,message", [
    ("when,pain,activity,location,notes", "missing: recorded_at"),
    ("recorded_at,pain,activity,notes", "missing: location"),
    ("recorded_at,pain,activity,location,notes,mood", "not expected: mood"),
    ("recorded_at,pain,pain,activity,location", "appears twice"),
    ("a;b;c", "missing: recorded_at"),
])
def test_wrong_columns_import_nothing(header, message):
    with pytest.raises(CsvError, match=message):
        check(header + "\n2025-06-01T08:00,4,squat,leg,\n")


def test_notes_column_may_be_left_out_and_columns_in_any_order_and_case():
    r = check("Location,PAIN,Activity,Recorded_At\nleg,4,squat,2025-06-01T08:00\n")
    assert r.rejected == [] and r.entries[0].notes == "" and r.entries[0].location == "leg"


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_empty_files_are_refused(data):
    with pytest.raises(CsvError, match="empty"):
        check(data)


def test_header_only_file_is_refused():
    with pytest.raises(CsvError, match="no entries"):
        check(HEADER + "\n\n")


def test_bom_semicolons_tabs_and_windows_line_endings():
    bom = b"\xef\xbb\xbf" + (HEADER + "2025-06-01T08:00,4,squat,leg,x\n").encode()
    assert check(bom).entries[0].pain == 4
    semi = check("recorded_at;pain;activity;location;notes\r\n2025-06-01T08:00;4;squat;leg;a, b\r\n")
    assert semi.separator == ";" and semi.entries[0].notes == "a, b" and "semicolons" in semi.summary()
    tabs = check("recorded_at\tpain\tactivity\tlocation\tnotes\n2025-06-01T08:00\t4\tsquat\tleg\t\n")
    assert tabs.separator == "\t" and len(tabs.entries) == 1
    utf16 = ("\ufeff" + HEADER + "2025-06-01T08:00,4,squat,leg,é\n").encode("utf-16-le")
    assert check(b"\xff\xfe" + utf16[2:]).entries[0].notes == "é"


def test_rows_of_only_separators_are_blank():
    r = check(HEADER + "2025-06-01T08:00,4,squat,leg,\n,,,,\n;;\n".replace(";;\n", ""))
    assert r.rows == 1 and r.rejected == []


def test_not_utf8_or_binary_is_refused():
    with pytest.raises(CsvError, match="not UTF-8"):
        check((HEADER + "2025-06-01T08:00,4,squat,leg,caf\xe9\n").encode("latin-1"))
    with pytest.raises(CsvError, match="does not look like a CSV"):
        check(b"recorded_at,pain\x00\x01\x02")


def test_unclosed_quote_is_a_clear_error():
    with pytest.raises(CsvError, match="quote"):
        check(HEADER + '2025-06-01T08:00,4,squat,leg,"never closed\n2025-06-02T08:00,4,squat,leg,\n')


def test_huge_files_are_refused_before_parsing(monkeypatch):
    big = HEADER.encode() + b"2025-06-01T08:00,4,squat,leg," + b"x" * csvio.MAX_BYTES + b"\n"
    with pytest.raises(CsvError, match="MB"):
        check(big)
    monkeypatch.setattr(csvio, "MAX_ROWS", 3)
    with pytest.raises(CsvError, match="up to 3"):
        check(HEADER + "2025-06-01T08:00,4,squat,leg,\n" * 4)


def test_export_filename_is_safe():
    assert csvio.export_filename("Ann / B: ../x", datetime(2025, 1, 2).date()) == "backcheck-pain-log-ann-b-x-2025-01-02.csv"


def test_one_value_too_many_names_the_row_and_both_counts():
    # A trailing separator on every row: pandas would take the first column as the index and
    # blame the wrong fields; each row is reported as having one value too many instead.
    trailing = check(HEADER + "2025-06-01T08:00,4,squat,leg,ok,\n2025-06-02T08:00,5,squat,leg,,\n")
    assert reasons(trailing) == {2: "Row 2 has 6 values, the header has 5. A separator inside a note needs quotes "
                                    "around the note, and a row must not end with an extra separator.",
                                 3: reasons(trailing)[3]}
    assert "Row 3 has 6 values, the header has 5" in reasons(trailing)[3] and trailing.entries == []
    # An unquoted comma in a note: only that row is refused, the others are read as they are.
    comma = check(HEADER + "2025-06-01T08:00,4,squat,leg,stiff, then fine\n2025-06-02T08:00,5,walking,leg,ok\n")
    assert list(reasons(comma)) == [2] and "Row 2 has 6 values, the header has 5" in reasons(comma)[2]
    assert [(e.pain, e.activity, e.notes) for e in comma.entries] == [(5, "walking", "ok")]
    # Without notes the header has 4 columns, and the count says so.
    four = check("recorded_at,pain,activity,location\n2025-06-01T08:00,4,squat,leg,x\n")
    assert "Row 2 has 5 values, the header has 4" in reasons(four)[2]


def _columns_of(cells: list[tuple]) -> tuple:
    columns = {name: pa.array(list(values), pa.string()) for name, values in zip(csvio.CSV_COLUMNS, zip(*cells))}
    return columns, CFG, NOW


def test_whole_column_checks_agree_with_the_entry_model_row_by_row(monkeypatch):
    """The fast path (painlog.plain_entries) accepts only what PainEntry accepts, with the same values."""
    cells = [
        ("2025-06-01T08:00", "4", "squat", "leg", "plain"),
        (" 2025-06-01T08:01 ", " 10 ", " Hip hinge / deadlift ", "LOWER BACK", "  spaced \r\n note  "),
        ("2025-06-01T08:02:59.123456", "05", "WALKING", "leg", "'=SUM(A1)"),
        ("2024-02-29T08:00", "0", "squat", "leg", "leap day"),
        ("2025-02-29T08:00", "3", "squat", "leg", "no such day"),
        ("2025-06-01T24:00", "3", "squat", "leg", "no such hour"),
        ("2025-06-01T08:00+02:00", "3", "squat", "leg", "a time zone"),
        ("2025-06-01 08:03", "3", "squat", "leg", "a space, not a T"),
        ("2025-06-30T23:59", "3", "squat", "leg", "today, late"),
        ("2025-07-01T00:00", "3", "squat", "leg", "tomorrow"),
        ("1989-12-31T23:59", "3", "squat", "leg", "too long ago"),
        ("2025-06-01T08:04", "11", "squat", "leg", ""),
        ("2025-06-01T08:05", "+5", "squat", "leg", ""),
        ("2025-06-01T08:06", "5.0", "squat", "leg", ""),
        ("2025-06-01T08:07", "٥", "squat", "leg", "another script's digit"),
        ("2025-06-01T08:08", "3", "swimming", "leg", ""),
        ("2025-06-01T08:09", "3", "squat", "", ""),
        ("2025-06-01T08:10", "3", "squat", "leg", "x" * 500),
        ("2025-06-01T08:11", "3", "squat", "leg", "x" * 501),
        ("2025-06-01T08:12", "3", "squat", "leg", "bell\x07"),
        ("2025-06-01T08:13", "3", "squat", "leg", "tab\tand\nline"),
        ("2025-06-01T08:00", "4", "squat", "leg", "plain"),  # a repeat of the first row
    ]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(csvio.CSV_COLUMNS)
    writer.writerows(cells)
    data = buf.getvalue().encode()
    fast = check(data)
    assert len(fast.entries) > 5  # the fast path did take rows
    plain = csvio._plain
    assert plain(*_columns_of(cells)).ok.sum() > 5  # the columns plainly accept rows themselves
    # every row through PainEntry: the column checks accept none
    monkeypatch.setattr(csvio, "_plain", lambda *args: replace(plain(*args), ok=np.zeros_like(plain(*args).ok)))
    slow = check(data)
    assert fast.entries == slow.entries and [e.key for e in fast.entries] == [e.key for e in slow.entries]
    assert (fast.duplicates, fast.rows, fast.rejected) == (slow.duplicates, slow.rows, slow.rejected)
