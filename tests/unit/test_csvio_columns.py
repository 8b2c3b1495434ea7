"""The CSV import's columnar checks against the row-by-row rules they stand for.

csvio.read_csv reads a plain file with pyarrow's parser and checks whole columns
(painlog.plain_entries); the csv module and painlog.PainEntry stay the reference. These
tests hold tables of tricky rows and files on which both must give the same answer.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import sys
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from backcheck import csvio
from backcheck.content import load_library
from backcheck.csvio import CsvError, read_csv
from backcheck.painlog import (
    KEY_COLUMNS,
    WHITESPACE,
    CheckedEntries,
    EntryError,
    PainEntry,
    key_of,
    plain_entries,
    plain_when,
    repeated,
    validate_entry,
)
from backcheck.storage import Store

CFG = load_library().painlog
NOW = datetime(2025, 6, 30, 12, 0)
HEADER = "recorded_at,pain,activity,location,notes\n"

WHEN = ["2025-06-01T08:00", "2025-06-01T08:00:59", "2025-06-01T08:00:59.123456", " 2025-06-01T08:01 ",
        "\u30002025-06-01T08:02\xa0", "\x1c2025-06-01T08:03", "\u200b2025-06-01T08:04", "2025-06-01 08:05",
        "2025-06-01t08:06", "2025-06-01T8:07", "2025-06-01T08:7", "2025-06-01T08:08:5", "2025-06-01T08:09:00.12",
        "2025-06-01T08:10:00.1234567", "2025-06-01T24:00", "2025-06-01T23:60", "2025-06-01T23:59:60",
        "2025-02-29T08:00", "2024-02-29T08:00", "2025-04-31T08:00", "2025-13-01T08:00", "2025-00-10T08:00",
        "2025-06-01", "2025-06-01T08", "2025-06-01T08:00Z", "2025-06-01T08:00+02:00", "2025-06-01T08:00:00+0000",
        "20250601T0800", "2025-06-30T23:59:59.999999", "2025-07-01T00:00", "1990-01-01T00:00",
        "1989-12-31T23:59:59.999999", "", "   ", "٢٠٢٥-06-01T08:00", "2025-06-01T08:00\n", "+2025-06-01T08:00",
        "0001-01-01T00:00", "9999-12-31T23:59"]
PAIN = ["0", "5", "10", "05", "010", " 7 ", "\u30007", "+5", "-0", "5.0", "5.", "5.5", "11", "-1", "", " ",
        "٥", "1e1", "0x5", "five", "99999999999999999999", "7\n"]
ACTIVITY = ["squat", "Squat", " WALKING ", "Hip hinge / deadlift", "hip hinge / deadlift", "hip_hinge", "HIP_HINGE",
            "Routine (BackCheck exercises)", "routine", "swimming", "", " ", "\xa0squat", "squat\u200b", "ſquat",
            "Sitting\u3000"]
LOCATION = ["leg", "LEG", " Lower back ", "lower_back", "one_side", "One Side", "knee", "", "\u2003leg"]
NOTES = ["", "plain", "  spaced  ", "two\r\nlines", "cr\ronly", "tab\tinside", "bell\x07", "\x1f", "end\x1c",
         "\x85lead", "ünïcödé ✓ 🙂", "x" * 500, "x" * 501, " " + "x" * 500 + " ", "é" * 500, "🙂" * 501,
         "\u2028line sep", "a\x0bb", "trail\x0c", "\x7fdel"]


def _verdicts(rows: list[tuple]) -> tuple[np.ndarray, list]:
    columns = {name: pa.array([r[k] for r in rows], pa.string()) for k, name in enumerate(KEY_COLUMNS)}
    plain = plain_entries(columns, CFG, NOW)
    values = [(pd.Timestamp(plain.recorded_at[k]).to_pydatetime(), int(plain.pain[k]), plain.activity[k].as_py(),
               plain.location[k].as_py(), plain.notes[k].as_py()) for k in range(len(rows))]
    return plain.ok, values


def _table() -> list[tuple]:
    base = ("2025-06-01T08:00", "4", "squat", "leg", "ok")
    rows = [base]
    for k, options in enumerate([WHEN, PAIN, ACTIVITY, LOCATION, NOTES]):
        for value in options:
            row = list(base)
            row[k] = value
            rows.append(tuple(row))
    rng = random.Random(15)
    rows += [tuple(rng.choice(options) for options in (WHEN, PAIN, ACTIVITY, LOCATION, NOTES)) for _ in range(600)]
    return rows


def test_whitespace_is_what_str_strip_removes():
    assert WHITESPACE == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def test_the_column_verdict_is_the_entry_models_verdict_for_every_row_of_the_table():
    rows = _table()
    ok, values = _verdicts(rows)
    plainly, valid = 0, 0
    for row, is_ok, got in zip(rows, ok, values):
        try:
            entry = validate_entry(CFG, *row, now=NOW)
        except EntryError:
            assert not is_ok, f"the columns accept a row PainEntry refuses: {row!r}"
            continue
        valid += 1
        if is_ok:
            plainly += 1
            assert got == (entry.recorded_at, entry.pain, entry.activity, entry.location, entry.notes), row
    # The columns take most valid rows themselves; the rest (a space for the T, exotic whitespace, a time
    # zone, a + sign, another script's digits) go through PainEntry and are still imported.
    assert valid > 100 and plainly > 0.5 * valid


@pytest.mark.parametrize("width", [16, 19, 26])
def test_the_byte_table_check_of_the_time_is_the_regular_expression(width):
    good = "2025-06-01T08:09:07.123456"[:width]
    texts = [good, "1999-12-31T23:59:59.999999"[:width], "0000-00-00T00:00:00.000000"[:width]]
    for at in range(width):
        for char in "0912345T:-. /x\xe9Z":
            if len((candidate := good[:at] + char + good[at + 1:]).encode()) == width:
                texts.append(candidate)
    texts += ["2025-06-01T2" + d + good[13:] for d in "0123456789"]
    texts += ["2025-06-01T1" + d + good[13:] for d in "0123456789"]
    texts += [good[:14] + d + good[15:] for d in "0123456789"]
    if width >= 19:
        texts += [good[:17] + d + good[18:] for d in "0123456789"]
    array = pa.array(texts, pa.string())
    table = plain_when(array)
    regex = plain_when(pa.array(texts + ["short"], pa.string()))[:-1]  # mixed lengths: the regular expression
    assert table.tolist() == regex.tolist() and table.any() and not table.all()
    # a sliced array (an offset into its buffers) reads the right bytes
    assert plain_when(array.slice(1, 5)).tolist() == regex[1:6].tolist()


# --------------------------------------------------------------------------- whole files: fast path vs csv module


def _report(data: bytes, monkeypatch, strict: bool, existing=()) -> tuple:
    with monkeypatch.context() as m:
        if strict:
            m.setattr(csvio, "_fast_table", lambda *args: None)
        try:
            r = read_csv(data, CFG, existing, now=NOW)
        except CsvError as exc:
            return ("error", str(exc))
    return (r.rows, r.separator, r.duplicates, r.rejected, list(r.entries))


def _fast_takes(data: bytes) -> bool:
    body, text = csvio._utf8(data)
    head = text if text is not None else csvio._head(body)
    sep, names = csvio._pick_separator(head)
    return csvio._fast_table(head, body, sep, names) is not None


FILES = [
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-01T09:00,5,squat,leg,\n",
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n\n\n2025-06-01T09:00,x,squat,leg,\n",  # blank lines counted
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n,,,,\n , , , , \n2025-06-01T09:00,x,squat,leg,\n",
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n\xa0,\u3000,,,\n2025-06-01T09:00,x,squat,leg,\n",
    HEADER + '2025-06-01T08:00,4,squat,leg,"multi\nline"\n2025-06-01T09:00,x,squat,leg,\n',
    HEADER + '2025-06-01T08:00,4,squat,leg,"said ""ouch"""\r\n2025-06-01T09:00,11,squat,leg,""\r\n',
    HEADER + '2025-06-01T08:00,4,squat,leg,"a"b\n',  # text after a closing quote
    HEADER + '2025-06-01T08:00,4,squat,leg,""b\n',
    HEADER + '2025-06-01T08:00,4,squat,leg,"never closed\n2025-06-01T09:00,4,squat,leg,\n',
    HEADER + '2025-06-01T08:00,4,squat,leg,a"b"c\n2025-06-01T09:00,4,squat,leg, "q"\n',  # literal quotes
    HEADER + '"2025-06-01T08:00","4","squat","leg","quoted, all"\n',
    HEADER + "2025-06-01T08:00,4,squat,leg,a\r2025-06-01T09:00,4,squat,leg,b\r",  # old Mac line ends
    HEADER + "2025-06-01T08:00,4,squat,leg,a,\n2025-06-01T09:00,4,squat,leg\n",  # too many, too few
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n   \n",  # a line of spaces: one value
    HEADER + "2025-06-01T08:00,4,squat,leg,a",  # no line end at the end
    HEADER + '2025-06-01T08:00,4,squat,leg,""',
    "\n\n" + HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-01T09:00,x,squat,leg,\n",  # header not first
    '"recorded_at",pain,activity,location,notes\n2025-06-01T09:00,x,squat,leg,\n',
    "Recorded_At , PAIN,activity,location,notes\n2025-06-01T09:00,x,squat,leg,\n",
    "recorded_at;pain;activity;location;notes\n2025-06-01T08:00;4;squat;leg;a, b\n2025-06-01T09:00;x;squat;leg;\n",
    "recorded_at\tpain\tactivity\tlocation\tnotes\n2025-06-01T08:00\t4\tsquat\tleg\t\"tab\tin\"\n",
    "location,pain,activity,recorded_at\nleg,4,squat,2025-06-01T08:00\n,,,\nleg,x,squat,2025-06-01T09:00\n",
    HEADER + "2025-06-01T08:00,4,squat,leg,'=SUM(A1)\n2025-06-01T09:00,4,squat,leg,''+x\n2025-06-01T10:00,4,squat,leg,'\t\n",
    HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-01T08:00,4,Squat,LEG, a \n2025-06-01T08:00:00,4,squat,leg,a\n",
    HEADER + "2025-02-30T08:00,4,squat,leg,a\n2025-06-01T08:00,4,squat,leg,a\n",  # a day that does not exist
    HEADER + "2025-06-01 08:00,4,squat,leg,a\n2025-06-01T08:00,4,squat,leg,a\n",  # the same time, two ways
    HEADER + "2025-06-01T08:00,4,squat,leg,a\x1cb\n2025-06-01T09:00,4,squat,leg,\x85\n",
]


@pytest.mark.parametrize("text", FILES)
def test_each_file_reads_the_same_through_pyarrow_as_through_the_csv_module(text, monkeypatch):
    data = text.encode()
    assert _report(data, monkeypatch, strict=False) == _report(data, monkeypatch, strict=True)


def test_the_fast_parser_takes_plain_files_and_leaves_the_others():
    takes = {text: _fast_takes(text.encode()) for text in FILES}
    assert takes[FILES[0]] and takes[FILES[1]] and takes[FILES[4]] and takes[FILES[5]] and takes[FILES[9]]
    for text in (FILES[6], FILES[7], FILES[8], FILES[12], FILES[13], FILES[16], FILES[17]):
        assert not takes[text], text  # strict-mode quote errors, wrong counts, a header elsewhere: the csv module


def test_random_files_read_the_same_both_ways(monkeypatch):
    """Files built from pieces that trip parsers (quotes, separators, line ends, blank lines), fixed seed."""
    rng = random.Random(2025)
    cells = ["2025-06-01T08:00", "2025-06-02T09:30:15", "4", "10", "x", "squat", "Walking", "leg", "LOWER BACK", "",
             " ", "a", 'q"q', '"quoted"', '"with,comma"', '"two\nlines"', '"esc ""q"""', '"bad"x', '""', "'=1",
             "\t", ";", ",", '"', "é"]
    ends = ["\n", "\r\n", "\r"]
    fast = strict_only = 0
    for _ in range(400):
        sep = rng.choice([",", ";", "\t"])
        lines = [sep.join(KEY_COLUMNS if rng.random() < 0.8 else KEY_COLUMNS[:4])]
        for _ in range(rng.randint(1, 6)):
            roll = rng.random()
            if roll < 0.1:
                lines.append("")
            else:
                width = 5 if roll < 0.85 else rng.choice([3, 4, 6])
                base = ["2025-06-0%dT08:%02d" % (rng.randint(1, 9), rng.randint(0, 59)), str(rng.randint(0, 11)),
                        rng.choice(["squat", "walking", "Hip hinge / deadlift"]), rng.choice(["leg", "lower_back"]),
                        "n"]
                for k in range(width):
                    if k >= len(base):
                        base.append("")
                    if rng.random() < 0.3:
                        base[k] = rng.choice(cells)
                lines.append(sep.join(base[:width]))
        end = rng.choice(ends)
        text = end.join(lines) + (end if rng.random() < 0.8 else "")
        data = text.encode()
        if _fast_takes(data):
            fast += 1
        else:
            strict_only += 1
        assert _report(data, monkeypatch, strict=False) == _report(data, monkeypatch, strict=True), repr(text)
    assert fast > 50 and strict_only > 50  # both paths were exercised


def test_a_value_over_the_csv_field_limit_goes_to_the_csv_module(monkeypatch):
    data = (HEADER + "2025-06-01T08:00,4,squat,leg,ok\n" + "2025-06-01T09:00,4,squat,leg," +
            "x" * (csv.field_size_limit() + 1) + "\n").encode()
    assert not _fast_takes(data)
    assert _report(data, monkeypatch, strict=False) == _report(data, monkeypatch, strict=True)
    assert _report(data, monkeypatch, strict=False)[0] == "error"


def test_too_many_rows_is_refused_on_both_paths(monkeypatch):
    monkeypatch.setattr(csvio, "MAX_ROWS", 3)
    data = (HEADER + "2025-06-01T08:00,4,squat,leg,\n" * 4).encode()
    with pytest.raises(CsvError, match="up to 3"):
        _fast_takes(data)  # pyarrow's parser counts the rows too
    with pytest.raises(CsvError, match="up to 3"):
        read_csv(data, CFG, now=NOW)
    assert _report(data, monkeypatch, strict=True)[0] == "error"
    ok = (HEADER + "2025-06-01T08:00,4,squat,leg,\n" * 3).encode()
    assert len(read_csv(ok, CFG, now=NOW).entries) == 1 and read_csv(ok, CFG, now=NOW).duplicates == 2


# --------------------------------------------------------------------------- duplicates and the checked entries


def _set_rule(rows: list[tuple], existing: list[tuple]) -> list[bool]:
    seen = {key_of(*k) for k in existing}
    out = []
    for row in rows:
        key = key_of(*row)
        out.append(key in seen)
        seen.add(key)
    return out


def test_repeated_is_the_set_rule_of_entry_keys():
    t = datetime(2025, 6, 1, 8)
    rows = [(t, 4, "squat", "leg", "a"), (t, 4, "squat", "leg", "b"), (t, 4, "squat", "leg", "a"),
            (t + timedelta(microseconds=1), 4, "squat", "leg", "a"), (t, 5, "squat", "leg", "a"),
            (t, 4, "walking", "leg", "a"), (t, 4, "squat", "lower_back", "a"), (t - timedelta(days=1), 4, "squat", "leg", ""),
            (t - timedelta(days=1), 4, "squat", "leg", None), (t, 4, "squat", "leg", "b")]
    existing = [(t - timedelta(days=1), 4, "squat", "leg", ""), (t + timedelta(days=5), 1, "other", "leg", "z")]
    frame = pd.DataFrame(rows, columns=KEY_COLUMNS)
    assert repeated(frame).tolist() == _set_rule(rows, [])
    assert repeated(frame, pd.DataFrame(existing, columns=KEY_COLUMNS)).tolist() == _set_rule(rows, existing)
    rng = random.Random(7)
    many = [(t + timedelta(minutes=rng.randint(0, 5)), rng.randint(0, 2), rng.choice(["squat", "walking"]),
             "leg", rng.choice(["", "a", None])) for _ in range(300)]
    old = many[:40:3]
    assert repeated(pd.DataFrame(many, columns=KEY_COLUMNS),
                    pd.DataFrame(old, columns=KEY_COLUMNS)).tolist() == _set_rule(many, old)
    ordered = sorted({(w, 1, "squat", "leg", "") for w, *_ in many})
    assert not repeated(pd.DataFrame(ordered, columns=KEY_COLUMNS)).any()  # times in order: nothing repeats


def test_checked_entries_behave_as_a_list_of_pain_entries():
    report = read_csv((HEADER + "2025-06-01T08:00,4,squat,leg,a\n2025-06-01T09:00:30,x,squat,leg,\n"
                       "2025-06-02T07:15,3,Walking,LOWER BACK,b\n").encode(), CFG, now=NOW)
    entries = report.entries
    assert isinstance(entries, CheckedEntries) and len(entries) == 2 and report.rejected[0].row == 3
    first = PainEntry(recorded_at=datetime(2025, 6, 1, 8), pain=4, activity="squat", location="leg", notes="a")
    second = PainEntry(recorded_at=datetime(2025, 6, 2, 7, 15), pain=3, activity="walking", location="lower_back",
                       notes="b")
    assert entries[0] == first and entries[-1] == second and list(entries) == [first, second]
    assert entries == [first, second] and entries != [second, first] and entries[1:] == [second]
    assert type(entries[0].recorded_at) is datetime and type(entries[0].pain) is int
    assert [e.key for e in entries] == [first.key, second.key]


def test_columnar_import_is_all_or_nothing_skips_duplicates_and_moves_the_data_version(db_url):
    store = Store(db_url)
    pid = store.profiles.list()[0].id
    text = HEADER + "".join(f"2025-06-{d:02d}T08:00,{d % 11},squat,leg,n{d % 3}\n" for d in range(1, 29))
    outside = PainEntry(recorded_at=datetime(2025, 1, 1), pain=1, activity="squat", location="leg", notes="")
    inside = PainEntry(recorded_at=datetime(2025, 6, 3, 8), pain=3, activity="squat", location="leg", notes="n0")
    store.pain.add(pid, outside)
    store.pain.add(pid, inside)
    before = store.data_version(pid)
    report = read_csv(text.encode(), CFG, store.pain.key_frame(pid), now=NOW)
    assert len(report.entries) == 27 and report.duplicates == 1
    assert read_csv(text.encode(), CFG, store.pain.keys(pid), now=NOW).entries == report.entries  # keys as tuples
    all_rows = read_csv(text.encode(), CFG, now=NOW).entries
    assert store.pain.import_entries(pid, all_rows) == (27, 1)  # the one in the log is skipped at insert too
    assert store.data_version(pid) != before and len(store.pain.all(pid)) == 29
    assert store.pain.import_entries(pid, all_rows) == (0, 28)
    assert store.pain.key_frame(pid).shape == (29, 5)
    assert {tuple(r) for r in store.pain.key_frame(pid).itertuples(index=False)} == store.pain.keys(pid)
    # all or nothing: one row the database refuses (activity missing) and nothing of the rest is written
    bad = CheckedEntries(pd.DataFrame({"recorded_at": [datetime(2025, 6, 29, 8), datetime(2025, 6, 29, 9)],
                                       "pain": [1, 2], "activity": ["squat", None], "location": ["leg", "leg"],
                                       "notes": ["", ""]}))
    with pytest.raises(Exception, match="Nothing was changed"):
        store.pain.import_entries(pid, bad)
    assert len(store.pain.all(pid)) == 29


def test_duplicates_count_against_the_log_and_within_the_file_alike():
    rows = [f"2025-06-01T08:0{m},4,squat,leg,a\n" for m in (0, 1, 0, 2, 1, 0)]
    existing = {key_of(datetime(2025, 6, 1, 8, 2), 4, "squat", "leg", "a")}
    r = read_csv((HEADER + "".join(rows)).encode(), CFG, existing, now=NOW)
    assert [e.recorded_at.minute for e in r.entries] == [0, 1] and r.duplicates == 4
    frame = pd.DataFrame(list(existing), columns=KEY_COLUMNS)
    assert read_csv((HEADER + "".join(rows)).encode(), CFG, frame, now=NOW).entries == r.entries


@pytest.mark.parametrize("cells", list(itertools.islice(itertools.product(["4", "x"], ["squat", "?"]), 4)))
def test_row_by_row_fallback_keeps_file_order(cells):
    pain, act = cells
    text = HEADER + f"2025-06-01 08:00,{pain},{act},leg,a\n2025-06-01T09:00,4,squat,leg,b\n"
    r = read_csv(text.encode(), CFG, now=NOW)
    good = pain == "4" and act == "squat"
    assert [e.notes for e in r.entries] == (["a", "b"] if good else ["b"])
    assert [x.row for x in r.rejected] == ([] if good else [2])


def _strict_ok(text: str, sep: str) -> bool:
    try:
        list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True))
    except csv.Error:
        return False
    return True


def test_quote_places_accept_only_what_csv_strict_mode_reads():
    """_plain_quotes (numpy, from the quote marks' places) is a subset of the strict grammar; _strict_quotes
    (one regular expression) is exactly it."""
    rng = random.Random(11)
    pieces = ['"', '""', "a", ",", ";", "\n", "\r\n", "\r", " ", '"a"', '"a,b"', '"a""b"', "é"]
    plain = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for sep in (",", ";"):
            body = pa.py_buffer(text.encode())
            strict = _strict_ok(text, sep)
            by_regex = pa.compute.match_substring_regex(csvio._whole(body, pa.utf8()), csvio._strict_quotes(sep))[0].as_py()
            assert by_regex == strict, repr(text)
            if csvio._plain_quotes(body, sep):
                plain += 1
                assert strict, repr(text)
    assert plain > 500


@pytest.mark.parametrize("bad", [b"\xe9", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xff"])
def test_bytes_that_are_not_utf8_are_refused_with_the_same_message(bad):
    data = (HEADER + "2025-06-01T08:00,4,squat,leg,x").encode() + bad + b"\n"
    with pytest.raises(CsvError, match="not UTF-8"):
        read_csv(data, CFG, now=NOW)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_csv(b"\xef\xbb\xbf" + (HEADER + "2025-06-01T08:00,4,squat,leg,\xe9\n").encode(), CFG,
                    now=NOW).entries[0].notes == "\xe9"
