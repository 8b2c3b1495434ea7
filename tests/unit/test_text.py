"""Outside text: markdown escaping, name cleaning and strict URL values (backcheck/text.py)."""

from __future__ import annotations

import re

import pytest

from backcheck import painlog
from backcheck.content import load_library
from backcheck.exports import decode_share
from backcheck.painlog import EntryError
from backcheck.storage import ProfileError, Store
from backcheck.text import BadParam, NameProblem, clean_name, md, name_key, parse_choice, parse_int, parse_list, same_name

LIB = load_library()
ZWSP = "\u200b"


# --------------------------------------------------------------------------- md


@pytest.mark.parametrize("raw, kills", [
    ("![](http://198.51.100.7/b.png)", "](http://"),
    ("[Verify](http://evil.example)", "](http://"),
    ("http://evil.example", "http://"),
    ("HTTPS://evil.example", "HTTPS://"),
    ("www.evil.example", "www."),
    ("WwW.evil.example", "WwW."),
    ("write to a@evil.example", "a@evil"),
    ("<http://evil.example>", "<http"),
    ("*em* **strong** _u_ ~~s~~", "*em*"),
    ("$x^2$", "$x"),
    (":red[red] :material/home: :smile:", ":red["),
    ("`code`", "`code"),
    ("| a | b |", "| a"),
    ("&amp;", "&amp;"),
])
def test_md_escapes_every_kind_of_markdown(raw, kills):
    out = md(raw)
    assert re.search(r"(?<!\\)" + re.escape(kills), out) is None, out  # only an escaped or broken form is left
    # reads the same once the escapes and zero-width spaces are taken away
    assert out.replace(ZWSP, "").replace("\\", "") == raw.replace("\\", "")


@pytest.mark.parametrize("raw", ["# heading", "- item", "+ item", "12. item", "= x", "> quote"])
def test_md_escapes_block_syntax_at_the_start(raw):
    out = md(raw)
    assert out[0] == "\\" or out[:4] == "12\\."


def test_md_keeps_ordinary_sentences_readable_and_on_one_line():
    assert md("Profile created; it is now active.") == "Profile created; it is now active."
    assert md("two\n\nparagraphs\n# not a heading") == "two paragraphs \\# not a heading"
    assert md(None) == ""
    assert md(ValueError("bad 'x*'")) == "bad 'x\\*'"


# --------------------------------------------------------------------------- names


def test_clean_name_normalises_and_strips_invisible_characters():
    assert clean_name("  Sam\u200b  \t Smith\u2066 ", 40) == "Sam Smith"
    assert clean_name("ＳＡＭ", 40) == "SAM"  # full-width letters
    assert clean_name("Ｓam\u00a0\u00a0B", 40) == "Sam B"  # no-break spaces collapse
    assert clean_name("Zoë", 40) == "Zoë"  # NFKC composes, keeps letters
    assert clean_name("e\u0301", 40) == "é"


@pytest.mark.parametrize("blank", ["", "   ", "\u200b\u200b", "\u200d\u2060\ufeff", "\u3164", "\u2800 \u2800", "\t\n", "\u0301"])
def test_clean_name_refuses_names_with_nothing_visible(blank):
    with pytest.raises(NameProblem, match="visible"):
        clean_name(blank, 40)


def test_clean_name_counts_the_cleaned_length():
    assert clean_name("a" * 40 + "\u200b" * 10, 40) == "a" * 40
    with pytest.raises(NameProblem, match="at most 40"):
        clean_name("a" * 41, 40)


def test_duplicates_are_case_and_width_insensitive():
    assert same_name("Sam", "sam") and same_name("Sam", "ＳＡＭ") and same_name("Straße", "STRASSE")
    assert not same_name("Sam", "Sam B")
    assert name_key("ﬁsh") == name_key("FISH")


def test_profiles_use_the_name_cleaner(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    sam = store.profiles.create("Sam\u200b")
    assert sam.name == "Sam"
    for twin in ("Sam", "SAM", "ｓａｍ", " sam\u200d "):
        with pytest.raises(ProfileError, match="already exists"):
            store.profiles.create(twin)
    with pytest.raises(ProfileError, match="visible"):
        store.profiles.create("\u200b\u200b\u200b")
    other = store.profiles.create("Kim")
    with pytest.raises(ProfileError, match="already exists"):
        store.profiles.rename(other.id, "ＳＡＭ")
    store.profiles.rename(sam.id, "sam")  # renaming to itself in another case is fine
    assert store.profiles.get(sam.id).name == "sam"


def test_function_activities_use_the_same_cleaner(tmp_path):
    assert painlog.clean_function_name("Squatting\u200b  deep") == "Squatting deep"
    with pytest.raises(EntryError):
        painlog.clean_function_name("\u200b\u2060")
    store = Store(f"sqlite:///{tmp_path / 'f.db'}")
    pid = store.profiles.list()[0].id
    store.functions.add_activity(pid, painlog.clean_function_name("Squatting"), limit=3)
    with pytest.raises(ValueError, match="already on your list"):
        store.functions.add_activity(pid, painlog.clean_function_name("ＳＱＵＡＴＴＩＮＧ\u200b"), limit=3)


# --------------------------------------------------------------------------- URL values


@pytest.mark.parametrize("raw", ["²", "①", "٣", "1²", "5" * 5000, "-3", "+3", "3.0", "0x1f", "", " ", "999999", "1e3", None])
def test_parse_int_refuses_anything_but_short_ascii_digits_in_range(raw):
    with pytest.raises(BadParam, match="whole number from 5 to 90"):
        parse_int(raw, 5, 90, "minutes")


def test_parse_int_accepts_plain_numbers_and_quotes_the_bad_value_briefly():
    assert parse_int("30", 5, 90) == 30 and parse_int(" 05 ", 5, 90) == 5
    with pytest.raises(BadParam) as err:
        parse_int("7" * 5000, 0, 10)
    assert len(str(err.value)) < 120


def test_parse_choice_and_list_keep_to_the_allow_list():
    assert parse_choice("a", ["a", "b"]) == "a"
    with pytest.raises(BadParam, match="unknown"):
        parse_choice("[x](http://e.com)", ["a"])
    assert parse_list("a,b,zz,a, b", ["a", "b"]) == (("a", "b"), ["zz"])
    kept, unknown = parse_list("a," * 5000, ["a"])
    assert kept == () and len(unknown) == 1  # too long to read at all


@pytest.mark.parametrize("value", ["²", "①", "5" * 5000, "-5", "99999999999999999999", ""])
@pytest.mark.parametrize("key", ["min", "pain"])
def test_share_link_numbers_never_raise(key, value):
    inputs, problems = decode_share(LIB, {key: value, "goals": "squat"})
    assert inputs.goals == ("squat",)
    assert len(problems) == 1 and "whole number" in problems[0]
    assert inputs.minutes == LIB.routine.session.minutes_default and inputs.pain == 0


def test_plotly_labels_show_html_as_typed():
    import pandas as pd

    from backcheck.figures import function_figure
    from backcheck.text import plotly_plain

    assert plotly_plain('<a href="http://e">x</a> & <b>') == '&lt;a href="http://e"&gt;x&lt;/a&gt; &amp; &lt;b&gt;'
    frame = pd.DataFrame({"activity_id": [1], "name": ["<a href='http://evil.example'>x</a>"],
                          "rated_at": [pd.Timestamp("2025-01-01")], "score": [4]})
    assert [t.name for t in function_figure(frame).data] == ["&lt;a href='http://evil.example'&gt;x&lt;/a&gt;"]
