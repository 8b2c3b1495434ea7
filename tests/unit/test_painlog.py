"""Pain-log core: entry checks, the verdict rule at its boundaries, comparisons, sessions, demo, figures, report."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
from pypdf import PdfReader

from backcheck import painlog as pl
from backcheck import services
from backcheck.content import load_library
from backcheck.demo import DEMO_NAME, demo_data
from backcheck.figures import function_figure, pain_figure, sessions_figure
from backcheck.report import clinician_report, gather, render
from backcheck.storage import Store
from backcheck.player import RoutineSession

LIB = load_library()
CFG = LIB.painlog
RULES = CFG.rules
NOW = datetime(2025, 6, 30, 12, 0)
DAY0 = datetime(2025, 5, 1, 8, 0)


def entry(day: int, pain: int, activity: str = "walking", hour: int = 8, location: str = "lower_back") -> pl.LoggedEntry:
    return pl.LoggedEntry(id=day * 100 + hour, recorded_at=DAY0 + timedelta(days=day, hours=hour - 8), pain=pain,
                          activity=activity, location=location, notes="")


def log(pains_by_day: dict[int, list[int] | int], activity: str = "walking") -> list[pl.LoggedEntry]:
    rows = []
    for day, pains in pains_by_day.items():
        for k, p in enumerate(pains if isinstance(pains, list) else [pains]):
            rows.append(entry(day, p, activity, hour=8 + k))
    return rows


def verdict(rows: list[pl.LoggedEntry]) -> pl.Verdict:
    return pl.compute_verdict(pl.entries_frame(rows), RULES)


# --------------------------------------------------------------------------- one entry


def test_valid_entry_is_cleaned():
    e = pl.validate_entry(CFG, "2025-06-01T07:45", "4", "Hip hinge / deadlift", "LOWER BACK", "  tight \r\n after  ", now=NOW)
    assert e == pl.PainEntry(recorded_at=datetime(2025, 6, 1, 7, 45), pain=4, activity="hip_hinge", location="lower_back",
                             notes="tight \n after")


@pytest.mark.parametrize("pain", [0, 10, "7", " 3 ", 5.0, "5.0"])
def test_pain_accepts_whole_numbers_0_to_10(pain):
    assert pl.parse_pain(pain) == int(float(pain))


@pytest.mark.parametrize("pain", [-1, 11, "11", "5.5", 5.5, "five", "", None, True, "1e1", "99999999999999999999",
                                  float("nan"), float("inf")])
def test_pain_rejects_everything_else(pain):
    with pytest.raises(pl.EntryError, match="whole number from 0"):
        pl.parse_pain(pain)


def test_all_problems_are_reported_at_once():
    with pytest.raises(pl.EntryError) as err:
        pl.validate_entry(CFG, "tomorrow", 12, "flying", None, "x" * 501, now=NOW)
    problems = err.value.problems
    assert len(problems) == 5
    text = " ".join(problems)
    assert "ISO 8601" in text and "got 12" in text and "'flying' is not a known activity" in text
    assert "Pick place where it hurts" in text and "at most 500 characters" in text


def test_future_dates_are_refused_but_later_today_is_fine():
    later_today = datetime.combine(NOW.date(), time(23, 30))
    assert pl.validate_entry(CFG, later_today, 3, "squat", "leg", now=NOW).recorded_at == later_today
    with pytest.raises(pl.EntryError, match="in the future"):
        pl.validate_entry(CFG, NOW + timedelta(days=1), 3, "squat", "leg", now=NOW)
    with pytest.raises(pl.EntryError, match="check the year"):
        pl.validate_entry(CFG, "1899-01-01T10:00", 3, "squat", "leg", now=NOW)


def test_notes_limit_and_time_zones():
    assert len(pl.validate_entry(CFG, NOW, 1, "other", "leg", "n" * 500, now=NOW).notes) == 500
    with pytest.raises(pl.EntryError, match="control characters"):
        pl.validate_entry(CFG, NOW, 1, "other", "leg", "bad\x07bell", now=NOW)
    aware = pl.parse_when("2025-06-01T06:00:00+00:00")
    assert aware.tzinfo is None  # turned into local time


# --------------------------------------------------------------------------- the rule at its boundaries


@pytest.mark.parametrize("baseline,current,expected", [
    (6.0, 4.0, "improved"),    # 2 points = 33 %: both rules met exactly
    (6.0, 4.01, "no_change"),  # 1.99 points
    (8.0, 6.0, "no_change"),   # 2 points but only 25 %
    (8.0, 5.6, "improved"),    # 2.4 points = exactly 30 %
    (8.0, 5.61, "no_change"),  # 29.9 %
    (10.0, 7.0, "improved"),   # 3 points = 30 %
    (3.0, 1.0, "improved"),    # 2 points = 67 %
    (1.5, 0.0, "no_change"),   # 100 % but only 1.5 points: cannot count on this scale
    (4.0, 6.0, "worse"),       # +2 points = 50 %
    (4.0, 5.99, "no_change"),
    (8.0, 10.0, "no_change"),  # +2 points is only 25 % of 8
    (0.0, 2.0, "worse"),
    (5.0, 5.0, "no_change"),
])
def test_meaningful_change_needs_both_two_points_and_thirty_percent(baseline, current, expected):
    assert pl.classify_change(baseline, current, RULES) == expected


def test_threshold_is_the_larger_of_points_and_percent():
    assert pl.meaningful_threshold(5.0, RULES) == 2.0
    assert pl.meaningful_threshold(8.0, RULES) == pytest.approx(2.4)


# --------------------------------------------------------------------------- verdict states


def test_empty_and_sparse_logs_get_no_verdict():
    assert verdict([]).status == "empty"
    v = verdict(log({0: 6, 3: 5, 5: 6}))
    assert v.status == "sparse" and v.baseline is None and "6 days" in v.headline


def test_thin_first_week_is_said_plainly():
    v = verdict(log({0: 6, 6: 5, 8: 4, 9: 4, 10: 4, 20: 2, 21: 2, 22: 2}))
    assert v.status == "thin_baseline" and "entries on 2 days" in v.detail and v.kind is None


def test_baseline_first_then_verdict_from_day_14():
    first_week = {d: 6 for d in range(7)}
    pending = verdict(log({**first_week, 12: 3}))  # 13 days: the latest week still overlaps the first
    assert pending.status == "pending" and pending.baseline == 6.0 and "1 more day" in pending.detail
    ready = verdict(log({**first_week, 11: 3, 12: 3, 13: 3}))  # day 14: windows 1-7 and 8-14
    assert ready.status == "ready" and ready.kind == "improved"
    assert ready.current_window == (date(2025, 5, 8), date(2025, 5, 14))


def test_thin_latest_week():
    v = verdict(log({**{d: 6 for d in range(7)}, 20: 2, 30: 2}))
    assert v.status == "thin_current" and "entries on 1 day" in v.detail


def test_days_count_once_however_many_entries():
    # day 0: ten entries of 9; days 1-6: one entry of 3 each -> daily means 9,3,3,3,3,3,3 -> baseline 27/7
    rows = log({0: [9] * 10, **{d: 3 for d in range(1, 7)}, **{d: 3 for d in range(20, 27)}})
    v = verdict(rows)
    assert v.baseline == pytest.approx(27 / 7)
    assert v.current == 3.0 and v.kind == "no_change"  # 0.86 points lower is not meaningful


def test_verdict_words_never_overclaim():
    improved = verdict(log({**{d: 6 for d in range(7)}, **{d: 3 for d in range(14, 21)}}))
    assert improved.kind == "improved"
    assert "3.0 points lower than in your first week (6.0)" in improved.detail
    assert "big enough to matter to most people" in improved.detail
    assert "cure" not in improved.detail.lower() and "guarantee" not in improved.detail.lower()
    same = verdict(log({**{d: 6 for d in range(7)}, **{d: 5 for d in range(14, 21)}}))
    assert same.kind == "no_change" and "ordinary ups and downs" in same.detail
    worse = verdict(log({**{d: 3 for d in range(7)}, **{d: 6 for d in range(14, 21)}}))
    assert worse.kind == "worse" and "physiotherapist or doctor" in worse.detail and "safety check" in worse.detail
    low = verdict(log({**{d: 1 for d in range(7)}, **{d: 0 for d in range(14, 21)}}))
    assert low.kind == "no_change" and "cannot happen on this scale" in low.detail


def test_band_matches_the_rule_and_stays_on_the_scale():
    v = verdict(log({**{d: 9 for d in range(7)}, **{d: 9 for d in range(14, 21)}}))
    assert v.band == (pytest.approx(9 - 2.7), 10.0)
    assert v.needed == pytest.approx(2.7)


def test_rolling_mean_covers_the_last_seven_calendar_days():
    daily = pl.daily_frame(pl.entries_frame(log({0: 8, 1: 2, 7: 5})), 7)
    assert daily["rolling"].tolist() == [8.0, 5.0, pytest.approx(3.5)]  # day 7's window is days 1-7


# --------------------------------------------------------------------------- activities and sessions


def test_activity_comparison_only_with_three_days_each():
    rows = log({d: 2 for d in range(10)})
    rows += [entry(d, 6, "squat", hour=18) for d in (1, 2)]
    comps = {c.activity: c for c in pl.activity_comparisons(pl.entries_frame(rows), CFG)}
    assert not comps["squat"].enough and comps["squat"].days_with == 2
    rows.append(entry(3, 6, "squat", hour=18))
    comps = {c.activity: c for c in pl.activity_comparisons(pl.entries_frame(rows), CFG)}
    squat = comps["squat"]
    assert squat.enough and (squat.days_with, squat.days_without) == (3, 7)
    assert squat.mean_with == pytest.approx(4.0) and squat.mean_without == pytest.approx(2.0)
    assert "2.0 points higher" in squat.sentence()
    assert not comps["walking"].enough  # walked every day: no days without


def test_session_days_are_compared_too():
    rows = log({d: (2 if d % 2 else 5) for d in range(10)})
    sessions = [DAY0 + timedelta(days=d, hours=10) for d in (1, 3, 5, 7, 9)]
    comps = {c.activity: c for c in pl.activity_comparisons(pl.entries_frame(rows), CFG, sessions)}
    s = comps[pl.ROUTINE_DAYS_ID]
    assert s.enough and s.mean_with == 2.0 and s.mean_without == 5.0


def test_routine_entries_and_sessions_make_one_routine_row():
    # 10 logged days. Routine entries on days 1, 2, 3; sessions on days 3 (overlap), 5 and 6, and on day 20
    # (no pain logged that day: not a logged day, so not counted). Routine days: 1, 2, 3, 5, 6.
    rows = log({d: 4 for d in range(10)})
    rows += [entry(d, 8, "routine", hour=18) for d in (1, 2, 3)]  # those days' means: 6.0
    sessions = [DAY0 + timedelta(days=d, hours=10) for d in (3, 5, 6, 20)]
    comps = pl.activity_comparisons(pl.entries_frame(rows), CFG, sessions)
    routine = [c for c in comps if c.activity in ("routine", "session") or "outine" in c.label]
    assert len(routine) == 1
    r = routine[0]
    assert (r.activity, r.label) == (pl.ROUTINE_DAYS_ID, pl.ROUTINE_DAYS_LABEL)
    assert (r.days_with, r.days_without) == (5, 5)
    assert r.mean_with == pytest.approx((6 + 6 + 6 + 4 + 4) / 5) and r.mean_without == pytest.approx(4.0)
    assert "on the 5 days with it" in r.sentence() and "other 5 logged days" in r.sentence()
    # the same numbers from daily means, SQL-style activity totals, session days and routine-entry days
    daily = pl.daily_frame(pl.entries_frame(rows), CFG.rules.window_days)
    per_activity = {"walking": (10, 46.0), "routine": (3, 18.0)}
    from_days = pl.comparisons_from_days(daily, per_activity, CFG, pl.session_days(sessions),
                                         [(DAY0 + timedelta(days=d)).date() for d in (1, 2, 3)])
    assert [(c.activity, c.label, c.days_with, c.days_without, c.mean_with, c.mean_without) for c in from_days] == \
           [(c.activity, c.label, c.days_with, c.days_without, c.mean_with, c.mean_without) for c in comps]
    # only routine entries (no sessions), or only sessions: still the one row
    only_entries = pl.activity_comparisons(pl.entries_frame(rows), CFG)
    assert [(c.activity, c.days_with) for c in only_entries if c.activity == pl.ROUTINE_DAYS_ID] == [("routine", 3)]
    only_sessions = pl.activity_comparisons(pl.entries_frame(log({d: 4 for d in range(10)})), CFG, sessions)
    assert [(c.activity, c.days_with) for c in only_sessions if c.label == pl.ROUTINE_DAYS_LABEL] == [("routine", 3)]
    assert not any(c.label == "Routine session done" for c in comps + only_entries + only_sessions)


def test_sessions_per_week_against_the_goal():
    today = date(2025, 6, 18)  # a Wednesday
    mondays = [date(2025, 5, 19), date(2025, 5, 26), date(2025, 6, 2), date(2025, 6, 9)]
    counts = [3, 4, 1, 3]
    sessions = [datetime.combine(m + timedelta(days=i), time(18)) for m, n in zip(mondays, counts) for i in range(n)]
    sessions.append(datetime(2025, 6, 17, 18))  # this week
    s = pl.sessions_per_week(sessions, LIB.sessions_goal, today=today)
    assert (s.full_weeks, s.weeks_met, s.this_week, s.total) == (4, 3, 1, 12)
    assert s.average == pytest.approx(11 / 4)
    assert "below the goal of at least 3" in s.sentence() and "3 of 4 weeks" in s.sentence()
    assert s.weekly["sessions"].tolist() == [3, 4, 1, 3, 1]
    assert s.weeks_text() == "19 May 3, 26 May 4, 2 Jun 1, 9 Jun 3, 16 Jun 1"  # the screen's and the report's line
    assert s.weeks_text(2) == "9 Jun 3, 16 Jun 1"
    none = pl.sessions_per_week([], LIB.sessions_goal, today=today)
    assert none.total == 0 and "No routine sessions" in none.sentence()
    # this week's count on its own (Home, My routine) is the same count: Monday 00:00 to Sunday 23:59
    edges = [datetime(2025, 6, 15, 23, 59), datetime(2025, 6, 16, 0, 0), datetime(2025, 6, 22, 23, 59),
             datetime(2025, 6, 23, 0, 0)]
    for day in (today, date(2025, 6, 16), date(2025, 6, 22), date(2025, 6, 23)):
        weekly = pl.sessions_per_week(sessions + edges, 3, day).weekly.set_index("week")["sessions"]
        assert pl.sessions_this_week(sessions + edges, day) == weekly.get(pd.Timestamp(pl.monday_of(day)), 0)
    assert pl.sessions_this_week(sessions + edges, today) == 3  # the 17th, and Monday 16th and Sunday 22nd


def test_function_trends():
    acts = [pl.FunctionActivity(1, "Squatting", DAY0), pl.FunctionActivity(2, "Sitting", DAY0)]
    ratings = [pl.FunctionRating(1, 1, "Squatting", DAY0, 3), pl.FunctionRating(2, 1, "Squatting", DAY0 + timedelta(days=14), 6)]
    trends = pl.function_trends(acts, ratings)
    assert (trends[0].first, trends[0].latest, trends[0].change) == (3, 6, 3)
    assert "up 3" in trends[0].sentence()
    assert trends[1].latest is None and "not rated yet" in trends[1].sentence()


# --------------------------------------------------------------------------- demo patient


def test_demo_is_deterministic_realistic_and_valid():
    now = datetime(2025, 6, 30, 21, 0)
    a, b = demo_data(LIB, now=now), demo_data(LIB, now=now)
    assert a == b
    entries = a.pain_entries
    for e in entries:  # every demo entry passes the same checks as the form
        pl.validate_entry(CFG, e.recorded_at, e.pain, e.activity, e.location, e.notes, now=now)
    days = {e.recorded_at.date() for e in entries}
    assert min(days) == date(2025, 6, 30) - timedelta(days=83) and max(days) <= now.date()
    ov = pl.overview(CFG, [pl.LoggedEntry(id=i, **e.model_dump()) for i, e in enumerate(entries)],
                     [s.done_at for s in a.routine_sessions], today=now.date(), sessions_goal=LIB.sessions_goal)
    assert ov.verdict.kind == "improved" and 5 <= ov.verdict.baseline <= 7 and 1.5 <= ov.verdict.current <= 3.5
    weekly = ov.daily["pain"].resample("7D", origin="start").mean().tolist()
    assert weekly[6] > weekly[5] and weekly[6] > weekly[7]  # the flare-up in week 7
    per_week = ov.sessions.weekly["sessions"].tolist()
    assert sum(3 <= n <= 4 for n in per_week) >= len(per_week) * 0.6
    assert {e.activity for e in entries} >= {"squat", "hip_hinge", "sitting", "walking", "routine"}
    assert len(a.function_activities) == 3 and all(len(f.ratings) >= 6 for f in a.function_activities)
    assert a.quiz_results[0].leading == ["anterior_tilt"] and a.safety_checks[0].level == "clear"


def test_demo_history_shows_every_feature(tmp_path):
    """Issue 14: a physio can show the quiz retaken and the check-to-check comparison on the demo."""
    from backcheck.form_check import compare

    store = Store(f"sqlite:///{tmp_path}/demo.db")
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    quizzes = store.quiz.history(demo.id)
    assert [q.verdict for q in quizzes] == ["clear", "mixed"]  # newest first: retaken, and now clear
    assert quizzes[0].leading == ["anterior_tilt"] and "lateral_tilt" in quizzes[1].leading
    checks = store.form_checks.history(demo.id)
    assert len(checks) >= 2
    comparison = compare(LIB, checks[0], checks[1])
    assert comparison.cleared and comparison.remains  # something cleared, something still to work on


# --------------------------------------------------------------------------- figures


def figure_json(fig) -> dict:
    return json.loads(fig.to_json())


def test_pain_figure_has_points_average_baseline_band_and_sessions():
    rows = log({**{d: 6 for d in range(7)}, **{d: 3 for d in range(14, 21)}})
    rows += [entry(d, 5, "squat", hour=19) for d in (15, 16)]
    sessions = [DAY0 + timedelta(days=d, hours=10) for d in (1, 15)]
    ov = pl.overview(CFG, rows, sessions, today=date(2025, 5, 21), sessions_goal=LIB.sessions_goal)
    spec = figure_json(pain_figure(ov, CFG, sessions, today=date(2025, 5, 21)))
    names = [t.get("name") or "" for t in spec["data"]]
    assert "Walking" in names and "Squat" in names
    assert "7-day average" in names and "Routine session done" in names
    assert any(n.startswith("First-week average 6.0") for n in names)
    assert any(n.startswith("No meaningful change") for n in names)
    squat = spec["data"][names.index("Squat")]
    assert squat["marker"]["symbol"] != spec["data"][names.index("Walking")]["marker"]["symbol"]


def test_sparse_log_chart_has_no_baseline():
    ov = pl.overview(CFG, log({0: 5, 1: 4}), today=date(2025, 5, 3), sessions_goal=LIB.sessions_goal)
    names = [t.get("name") or "" for t in figure_json(pain_figure(ov, CFG, today=date(2025, 5, 3)))["data"]]
    assert not any(n.startswith("First-week") for n in names) and "Walking" in names


def test_long_log_is_drawn_as_daily_means_with_webgl():
    rows = [entry(d, (d * 7 + k) % 11, "sitting", hour=8 + k) for d in range(1100) for k in range(2)]
    today = (DAY0 + timedelta(days=1100)).date()
    ov = pl.overview(CFG, rows, today=today, sessions_goal=LIB.sessions_goal)
    fig = pain_figure(ov, CFG, today=today)
    daily = [t for t in fig.data if t.name == "Daily average (long log)"]
    assert daily and len(daily[0].x) == 1100 and daily[0].type == "scattergl"  # WebGL above 1,000 points
    short = pain_figure(ov, CFG, start=pl.range_start(ov.entries, "1 year", today), today=today)
    assert [t.type for t in short.data if t.name == "Sitting"] == ["scatter"]  # 730 entries: drawn one by one
    assert not any(t.name == "Sitting" for t in fig.data)


def test_function_and_sessions_figures():
    ratings = pl.ratings_frame([pl.FunctionRating(1, 1, "Squatting", DAY0, 3),
                                pl.FunctionRating(2, 1, "Squatting", DAY0 + timedelta(days=9), 5)])
    assert [t.name for t in function_figure(ratings).data] == ["Squatting"]
    s = pl.sessions_per_week([DAY0], LIB.sessions_goal, today=DAY0.date() + timedelta(days=8))
    assert list(sessions_figure(s).data[0].y) == [1, 0]


# --------------------------------------------------------------------------- clinician report


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_report_for_the_demo_patient_is_one_page_with_everything(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/r.db")
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    pages, text = pdf_text(clinician_report(LIB, store, demo))
    assert pages == 1
    for expected in ("Pain log report: Demo patient (Alex) (demo data)", "Verdict: Meaningful improvement",
                     "big enough to matter to most people", "Function scores", "Squatting to full depth",
                     "Routine adherence", "sessions a week on average", "Posture quiz: Anterior pelvic tilt (lordosis)",
                     "Red-flag safety check: no warning signs", "Form check faults:", "7-day average"):
        assert expected in text, expected
    assert "Helped a friend move house" not in text  # notes stay private


def test_report_is_written_for_the_clinician(tmp_path):
    """Issue 14: "the patient's average pain", not "your average pain"; only the closing line, addressed to
    the clinician, says "your"."""
    import re

    store = Store(f"sqlite:///{tmp_path}/r.db")
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    _pages, text = pdf_text(clinician_report(LIB, store, demo))
    assert "The patient's average pain" in text and "the patient's pain averaged" in text
    assert re.findall(r"\byou(?:r)?\b", text, flags=re.I) == ["your"]  # "... alongside your own examination"
    assert "your own examination" in text


def test_report_has_one_routine_row_like_the_screen(tmp_path):
    """Issue 14: routine entries and routine sessions are one row about routine days, in the report too."""
    store = Store(f"sqlite:///{tmp_path}/r.db")
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    ov = services.painlog_overview(store, demo.id, CFG, sessions_goal=LIB.sessions_goal)
    routine = [c for c in ov.comparisons if c.activity == pl.ROUTINE_DAYS_ID]
    assert len(routine) == 1 and routine[0].enough and routine[0].label == pl.ROUTINE_DAYS_LABEL
    assert not any(c.label in ("Routine session done", "Routine (BackCheck exercises)") for c in ov.comparisons)
    _pages, text = pdf_text(clinician_report(LIB, store, demo))
    assert text.count(pl.ROUTINE_DAYS_LABEL) == 1 and f"on the {routine[0].days_with} days with it" in text
    assert "Routine session done:" not in text and "Routine (BackCheck exercises):" not in text


def test_report_for_an_empty_profile_says_not_done_yet(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/r.db")
    me = store.profiles.list()[0]
    pages, text = pdf_text(clinician_report(LIB, store, me, page_size="Letter"))
    assert pages == 1
    assert "No entries yet" in text and "Posture quiz: not done yet" in text
    assert "Form check faults: not done yet" in text and "No routine sessions marked done yet" in text


def test_report_stays_on_one_page_for_a_long_busy_log(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/r.db")
    pid = store.profiles.list()[0].id
    rows = [{"recorded_at": DAY0 + timedelta(days=d, hours=k * 3), "pain": (d + k) % 11,
             "activity": CFG.activities[(d + k) % len(CFG.activities)].id, "location": "leg", "notes": ""}
            for d in range(700) for k in range(4)]
    store.pain.import_entries(pid, [pl.PainEntry.model_validate(r, context={"now": DAY0 + timedelta(days=700)})
                                    for r in rows])  # "today" is the report's day, 700 days on
    for name in ("A very long activity name that goes on and on for a while", "Sitting", "Squatting to full depth"):
        aid = store.functions.add_activity(pid, name, limit=3)
        store.functions.rate(pid, {aid: 4}, rated_at=DAY0)
    for d in range(0, 700, 2):
        store.sessions.add(pid, RoutineSession(20, {}, done_at=DAY0 + timedelta(days=d, hours=11)))
    inputs = gather(LIB, store, store.profiles.get(pid), today=(DAY0 + timedelta(days=700)).date())
    pages, text = pdf_text(render(LIB, inputs))
    assert pages == 1 and "daily average" in text


def test_default_range_shows_a_short_log_whole():
    short = pl.entries_frame(log({0: 5, 30: 4}))
    assert pl.default_range(short, today=date(2025, 6, 5)) == "All"
    long = pl.entries_frame(log({0: 5, 120: 4}))
    assert pl.default_range(long, today=date(2025, 9, 1)) == "3 months"


def test_entries_markdown_escapes_every_cell_and_leaves_notes_out():
    rows = [pl.LoggedEntry(id=1, recorded_at=datetime(2025, 11, 4, 8, 30), pain=3, activity="walking",
                           location="lower_back", notes="**bold** | <b>x</b>"),
            pl.LoggedEntry(id=2, recorded_at=datetime(2025, 11, 5, 9, 0), pain=10, activity="my | own *thing*",
                           location="leg", notes="")]
    text = pl.entries_markdown(pl.entries_frame(rows), CFG, today=date(2025, 12, 1))
    lines = text.splitlines()
    assert lines[0] == "| When | Pain | Activity | Where | Note |" and len(lines) == 4
    assert lines[2] == "| 5\u00a0Nov, 09:00 | 10 | my \\| own \\*thing\\* | Leg |  |"  # newest first, escaped
    assert lines[3] == "| 4\u00a0Nov, 08:30 | 3 | Walking | Lower back | yes |"
    assert "| 4\u00a0Nov\u00a02025, 08:30 |" in pl.entries_markdown(pl.entries_frame(rows), CFG, today=date(2026, 1, 2))
    assert "bold" not in text and "<b>" not in text  # the note itself stays out of markdown
    assert pl.entry_label_with_day(pl.entries_frame(rows).iloc[0], CFG) == "Tue 4 Nov 2025, 08:30 · pain 3 · Walking"
