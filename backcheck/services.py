"""Services: what a screen shows, gathered in one call (pages draw; the core computes; storage reads).

``routine_context`` (My routine's starting inputs), ``fit_line`` and ``week_progress`` (My routine,
Home), ``home_steps`` (Home) and ``painlog_overview`` (pain log, clinician report).

``painlog_overview`` is shared by the pain-log screen and the clinician report, so both always
show the same verdict and numbers. It lets the database do the grouping (daily means and
counts, the days with each activity) so that what reaches Python grows with the number of
logged days, never with the number of entries; ``painlog_chart`` reads only the date range
the chart shows. No Streamlit here: ``backcheck.ui`` caches these per profile and data version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Mapping

import pandas as pd

from . import painlog as pl
from . import session as S
from .content import Library, PainLogContent
from .exports import SHARE_KEYS, decode_share, is_share_query
from .form_check import FormCheckRecord
from .form_check import describe as describe_form_check
from .labels import Labelled
from .quiz import QuizRecord
from .routine import Routine, RoutineInputs, left_for_time, minutes_to_fit
from .safety import ExerciseGate, exercise_gate, flag_summary
from .storage import Store
from .text import fmt_when

CHART_MAX_POINTS = 400  # averaged points the browser gets at most, whatever the range (a year stays daily)
TABLE_MAX_ROWS = 500  # newest entries listed on the screen (the CSV export has them all)


@dataclass
class PainlogOverview:
    """Everything the pain-log screen and the clinician report show about a profile."""

    profile_id: int
    today: date
    entry_count: int
    first_entry: datetime | None
    last_entry: datetime | None
    daily: pd.DataFrame  # per logged day: pain (mean), entries (count), rolling (mean of daily means)
    verdict: pl.Verdict
    comparisons: list[pl.ActivityComparison] = field(default_factory=list)
    sessions: pl.SessionSummary | None = None
    session_times: list[datetime] = field(default_factory=list)
    functions: list[pl.FunctionTrend] = field(default_factory=list)
    activities: list[pl.FunctionActivity] = field(default_factory=list)
    ratings: list[pl.FunctionRating] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.entry_count == 0

    def range_start(self, choice: str) -> pd.Timestamp | None:
        return pl.range_start_at(self.last_entry, choice, self.today)

    def default_range(self) -> str:
        return pl.default_range_at(self.first_entry, self.last_entry, self.today)


def daily_from_rows(rows: list[pl.DailyPain], window_days: int) -> pd.DataFrame:
    """store.pain.daily rows as the frame painlog.daily_frame makes from entries."""
    if not rows:
        return pd.DataFrame({"pain": [], "entries": [], "rolling": []}, index=pd.DatetimeIndex([], name="day"))
    daily = pd.DataFrame(rows)
    daily.index = pd.DatetimeIndex(pd.to_datetime(daily.pop("day")), name="day")
    daily["entries"] = daily["entries"].astype("int64")
    daily["rolling"] = daily["pain"].rolling(f"{window_days}D").mean()
    return daily


def painlog_overview(store: Store, profile_id: int, cfg: PainLogContent, today: date | None = None, *,
                     sessions_goal: int) -> PainlogOverview:
    """Gather the pain log's verdict, comparisons, sessions and function scores for a profile.

    sessions_goal: the weekly routine goal (``Library.sessions_goal``)."""
    today = today or date.today()
    rules = cfg.rules
    stats = store.pain.stats(profile_id)
    daily = daily_from_rows(store.pain.daily(profile_id), rules.window_days)
    session_times = store.sessions.times(profile_id)
    activity_days = store.pain.activity_days(profile_id) if stats.count else {}
    routine_days = store.pain.activity_dates(profile_id, pl.ROUTINE_ACTIVITY_ID) if stats.count else []
    s_days = pd.DatetimeIndex(sorted({pd.Timestamp(t).normalize() for t in session_times}), name="day")
    activities = store.functions.activities(profile_id)
    ratings = store.functions.ratings(profile_id)
    return PainlogOverview(
        profile_id=profile_id, today=today, entry_count=stats.count, first_entry=stats.first,
        last_entry=stats.last, daily=daily,
        verdict=pl.verdict_from_daily(daily, stats.count, rules),
        comparisons=pl.comparisons_from_days(daily, activity_days, cfg, s_days, routine_days),
        sessions=pl.sessions_per_week(session_times, sessions_goal, today=today),
        session_times=session_times,
        functions=pl.function_trends(activities, ratings), activities=activities, ratings=ratings,
    )


def painlog_chart(store: Store, ov: PainlogOverview, cfg: PainLogContent, start: pd.Timestamp | None,
                  max_points: int | None = CHART_MAX_POINTS) -> pl.ChartView:
    """The chart for the range from ``start`` (None = all): entries one by one when few, else averages."""
    shown = ov.entry_count if start is None else int(ov.daily.loc[ov.daily.index >= start, "entries"].sum())
    entries = None
    if shown <= cfg.rules.chart_max_points:
        rows = [] if not shown else store.pain.between(
            ov.profile_id, start=None if start is None else start.to_pydatetime())
        entries = pd.DataFrame(rows, columns=["id", "recorded_at", "pain", "activity", "location"])
        entries["recorded_at"] = pd.to_datetime(entries["recorded_at"])
    return pl.chart_view(ov.daily, ov.verdict, cfg.rules, first_entry=ov.first_entry, last_entry=ov.last_entry,
                         start=start, today=ov.today, entries=entries, shown=shown,
                         session_times=ov.session_times, max_points=max_points)


def painlog_table(store: Store, profile_id: int, limit: int = TABLE_MAX_ROWS) -> pd.DataFrame:
    """The newest entries (at most ``limit``), as painlog.entries_frame makes them."""
    return pl.entries_frame(store.pain.between(profile_id, limit=limit, newest_first=True))


def painlog_day(store: Store, profile_id: int, day: date) -> pd.DataFrame:
    """The entries of one calendar day (for the edit picker)."""
    start = datetime.combine(day, datetime.min.time())
    return pl.entries_frame(store.pain.between(profile_id, start=start, end=start + timedelta(days=1)))


# --------------------------------------------------------------------------- My routine


@dataclass(frozen=True)
class RoutineContext:
    """What My routine starts from: a share link's inputs, or the profile's own results."""

    shared: bool  # built from a share link, not from the profile's results
    defaults: RoutineInputs  # goals, minutes, equipment, pain, patterns, faults, weekdays to start with
    link_problems: list[str] = field(default_factory=list)  # what the link carried that could not be used
    quiz: QuizRecord | None = None  # the saved posture result (own results only)
    form: FormCheckRecord | None = None  # the saved form check (own results only)
    widget_suffix: str = ""  # widget keys: per profile, and per link so a new link resets the choices

    @property
    def patterns(self) -> tuple[str, ...]:
        return self.defaults.patterns

    @property
    def faults(self) -> tuple[str, ...]:
        return self.defaults.faults


def routine_context(store: Store, profile_id: int, lib: Library, params: Mapping[str, str] | None = None
                    ) -> RoutineContext:
    """The routine's starting inputs: from the share link in ``params`` if there is one, else from the
    saved posture result and form check and the goals, minutes, equipment and days of the last session."""
    params = dict(params or {})
    if is_share_query(params):
        defaults, problems = decode_share(lib, params)
        link_key = "&".join(f"{k}={params[k]}" for k in SHARE_KEYS.values() if k in params)
        suffix = f"link{profile_id}_" + hashlib.sha256(link_key.encode()).hexdigest()[:10]
        return RoutineContext(True, defaults, problems, widget_suffix=suffix)
    quiz = store.quiz.latest(profile_id)
    form = store.form_checks.latest(profile_id)
    defaults = S.todays_inputs(lib, quiz, form, store.sessions.latest(profile_id))
    return RoutineContext(False, defaults, quiz=quiz, form=form, widget_suffix=f"own{profile_id}")


@dataclass(frozen=True)
class FitLine:
    """What was asked for and did not fit, in one line, and the minutes that would fit it (None: none do)."""

    text: str
    fit_minutes: int | None


def fit_line(lib: Library, routine: Routine) -> FitLine | None:
    """The routine's 'did not fit' line (items left out for time, or shortened warm-up/stretching)."""
    rules, s = lib.routine, lib.routine.session
    no_time = left_for_time(routine)
    short_note = routine.note("short")
    if not (no_time or short_note):
        return None
    names = ", ".join(dict.fromkeys(lo.name for lo in no_time))
    does_not_fit = rules.messages.does_not_fit.format(minutes=routine.budget, names=names)
    text = short_note.text if short_note else does_not_fit
    if short_note and no_time:
        text += " " + does_not_fit
    fit_at = minutes_to_fit(lib, routine.inputs)
    return FitLine(text, fit_at or (s.minutes_max if routine.budget < s.minutes_max else None))


@dataclass(frozen=True)
class WeekProgress:
    """Routine sessions this week against the weekly goal (the one count: painlog.sessions_per_week)."""

    this_week: int
    goal: int
    goal_source: str  # short name of the article the goal comes from, e.g. "Article 003"
    done_today: list[datetime]  # oldest first

    @property
    def share(self) -> float:
        return min(1.0, self.this_week / self.goal)


def week_progress(store: Store, profile_id: int, lib: Library, today: date | None = None) -> WeekProgress:
    today = today or date.today()
    monday = datetime.combine(pl.monday_of(today), datetime.min.time())
    done = store.sessions.times(profile_id, monday)  # this week's: all it counts
    done_today = sorted(t for t in done if t.date() == today)
    return WeekProgress(pl.sessions_this_week(done, today), lib.sessions_goal,
                        lib.source_by_id[lib.sessions_goal_source].short, done_today)


# --------------------------------------------------------------------------- Home


class StepKey(Labelled):
    """The steps Home lists, in order, with their names (the page maps each to its screen)."""

    SAFETY = "safety", "Safety check"
    QUIZ = "quiz", "Posture quiz"
    FORM = "form", "Form check"
    ROUTINE = "routine", "My routine"
    LIBRARY = "library", "Exercise library"
    PAIN = "pain", "Pain log"


@dataclass(frozen=True)
class Step:
    """One assessment step on Home."""

    key: StepKey
    title: str  # "1. Safety check"
    blurb: str
    done: bool | None  # None: nothing to finish (the library, an empty pain log)
    status: str


@dataclass
class HomeView:
    """Everything Home shows for a profile: Today for a returning person, the steps for everyone."""

    returning: bool
    gate: ExerciseGate
    flag_summary: str  # the warning-sign line (markdown, our words and content) when the gate is red_flag
    week: WeekProgress
    active: S.Active | None
    pain_entries: int
    changes: list[S.WeekChange]
    next_assessment: tuple[str, str] | None  # (step key, why) for a returning person
    steps: list[Step]

    @property
    def first_open_step(self) -> Step | None:
        """The first step still to do (for a first visit's 'Next step' button)."""
        return next((s for s in self.steps if s.done is False), None)


def home_steps(store: Store, profile_id: int, lib: Library, today: date | None = None) -> HomeView:
    """Gather Home: the safety gate, this week's sessions, what changed, the next step and every step's status."""
    today = today or date.today()
    progress = store.profiles.progress(profile_id)
    safety_check = store.safety.latest(profile_id)
    gate = exercise_gate(lib.safety, safety_check)
    flag = flag_summary(lib.safety, gate.result) if gate.reason == "red_flag" and gate.result else ""
    returning = S.is_returning(progress)
    week = week_progress(store, profile_id, lib, today)
    changes = []
    if returning:  # the last 14 days only: Home costs the same whatever the length of the log (issue 15)
        since = S.changes_window_start(today)
        changes = S.changes_since_last_week(store.player.level_changes(profile_id), store.pain.between(profile_id, since),
                                            store.sessions.times(profile_id, since), lib, today)

    if safety_check is None:
        safety_status = "Not done yet."
    elif gate.allowed:
        safety_status = f"Clear on {fmt_when(safety_check.taken_at)}."
    elif gate.reason == "outdated":
        safety_status = (f"Answered on {fmt_when(safety_check.taken_at)}, before new questions were added: "
                         "please answer it again.")
    else:
        safety_status = (f"Warning signs reported on {fmt_when(safety_check.taken_at)}: "
                         f"{gate.result.headline(lib.safety) if gate.result else ''}")
    quiz = store.quiz.latest(profile_id)
    if quiz is None:
        quiz_status = "Not done yet."
    else:
        names = [lib.pattern_by_id[p].short_name for p in quiz.leading if p in lib.pattern_by_id]
        quiz_status = f"Done on {fmt_when(quiz.taken_at)}: {', '.join(names) if names else 'no clear pattern'}."
    form = store.form_checks.latest(profile_id)
    form_status = "Not done yet." if form is None else (
        f"Done on {fmt_when(form.taken_at)}: {describe_form_check(lib, form)}.")
    if progress.session is None:
        routine_status = "No session marked done yet."
    else:
        routine_status = (f"Last session {fmt_when(progress.session)}; {week.this_week} this week "
                          f"(aim for at least {week.goal}).")
    pain_latest = store.pain.latest(profile_id)
    pain_status = "No entries yet." if pain_latest is None else (
        f"Latest entry: pain {pain_latest.pain}/10 on {fmt_when(pain_latest.recorded_at)} · "
        f"{lib.painlog.activity_label.get(pain_latest.activity, pain_latest.activity)}.")
    about = {  # step: (what it is, done?, status)
        StepKey.SAFETY: ("A minute of yes/no questions about signs that need a doctor.",
                         progress.safety is not None and gate.allowed, safety_status),
        StepKey.QUIZ: ("Eleven questions in front of a mirror or on the floor.", progress.quiz is not None,
                       quiz_status),
        StepKey.FORM: ("Tick the hip-hinge, squat and handstand faults you notice.", progress.form is not None,
                       form_status),
        StepKey.ROUTINE: ("A session built from your answers, goal and time — printable and shareable.",
                          progress.session is not None, routine_status),
        StepKey.LIBRARY: ("Every exercise from the articles, with cues, doses and sources.", None, "Browse any time."),
        StepKey.PAIN: ("Log pain in a few taps and see whether it is really changing.", True if pain_latest else None,
                       pain_status),
    }
    steps = [Step(key, f"{n}. {key.label}", *about[key]) for n, key in enumerate(StepKey, start=1)]
    return HomeView(
        returning=returning, gate=gate, flag_summary=flag, week=week,
        active=S.active(store, profile_id) if returning else None,
        pain_entries=store.pain.stats(profile_id).count if returning else 0, changes=changes,
        next_assessment=S.next_assessment_step(progress, gate.reason, today) if returning else None, steps=steps,
    )
