"""Services: what a screen shows, gathered in one call (pages draw; the core computes; storage reads).

``painlog_overview`` is shared by the pain-log screen and the clinician report, so both always
show the same verdict and numbers. It lets the database do the grouping (daily means and
counts, the days with each activity) so that what reaches Python grows with the number of
logged days, never with the number of entries; ``painlog_chart`` reads only the date range
the chart shows. No Streamlit here: ``backcheck.ui`` caches these per profile and data version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from . import painlog as pl
from .content import PainLogContent
from .storage import Store

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


def painlog_overview(store: Store, profile_id: int, cfg: PainLogContent, today: date | None = None) -> PainlogOverview:
    """Gather the pain log's verdict, comparisons, sessions and function scores for a profile."""
    today = today or date.today()
    rules = cfg.rules
    stats = store.pain.stats(profile_id)
    daily = daily_from_rows(store.pain.daily(profile_id), rules.window_days)
    session_times = store.sessions.times(profile_id)
    activity_days = store.pain.activity_days(profile_id) if stats.count else {}
    s_days = pd.DatetimeIndex(sorted({pd.Timestamp(t).normalize() for t in session_times}), name="day")
    activities = store.functions.activities(profile_id)
    ratings = store.functions.ratings(profile_id)
    return PainlogOverview(
        profile_id=profile_id, today=today, entry_count=stats.count, first_entry=stats.first,
        last_entry=stats.last, daily=daily,
        verdict=pl.verdict_from_daily(daily, stats.count, rules),
        comparisons=pl.comparisons_from_days(daily, activity_days, cfg, s_days),
        sessions=pl.sessions_per_week(session_times, rules, today=today),
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
