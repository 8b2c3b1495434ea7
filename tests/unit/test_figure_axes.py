"""Issue 14: every date chart reads right for a new person and a long log (0, 1, 3, 7, 365+ days).

Each figure is drawn from a real store, as the pain log draws it; the x axis is then read back:
the days shown, the tick spacing and the tick labels (no label twice, not too many, the data
inside the range, a week's bar narrower than the chart).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest

from backcheck import services
from backcheck.content import load_library
from backcheck.figures import DAY_MS, date_axis, function_figure, pain_chart, sessions_figure
from backcheck.painlog import PainEntry, ratings_frame
from backcheck.player import RoutineSession
from backcheck.storage import Store

LIB = load_library()
CFG = LIB.painlog
TODAY = date(2026, 11, 22)


def tick_labels(axis: dict) -> list[str]:
    """The labels plotly puts along a date axis with this range, tick0/dtick and tickformat."""
    start, end = (pd.Timestamp(x) for x in axis["range"])
    dtick, fmt = axis["dtick"], axis["tickformat"]
    if isinstance(dtick, str):  # "M2": every 2 months, on the 1st
        months = int(dtick[1:])
        tick = pd.Timestamp(start.year, start.month, 1)
        ticks = []
        while tick <= end:
            if tick >= start and (tick.year * 12 + tick.month - 1) % months == 0:
                ticks.append(tick)
            tick += pd.DateOffset(months=1)
    else:
        step = pd.Timedelta(milliseconds=dtick)
        tick = pd.Timestamp(axis["tick0"])
        while tick - step >= start:
            tick -= step
        while tick < start:
            tick += step
        ticks = []
        while tick <= end:
            ticks.append(tick)
            tick += step
    return [t.strftime(fmt) for t in ticks]


def check_axis(axis: dict, data_first: pd.Timestamp, data_last: pd.Timestamp) -> list[str]:
    start, end = (pd.Timestamp(x) for x in axis["range"])
    assert end - start >= pd.Timedelta(days=7), "at least a week is shown"
    assert start <= data_first and data_last <= end, "the data sits inside the axis"
    labels = tick_labels(axis)
    assert 2 <= len(labels) <= 14, labels
    assert len(set(labels)) == len(labels), f"a label repeats: {labels}"
    return labels


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path}/axes.db")


def fill(store: Store, days: int) -> int:
    """`days` days of pain entries, weekly-ish routine sessions and function ratings ending on TODAY."""
    pid = store.profiles.create(f"{days} days").id
    first = TODAY - timedelta(days=max(days, 1) - 1)
    rows = [PainEntry(recorded_at=datetime.combine(first + timedelta(days=d), time(9)), pain=3 + d % 4,
                      activity="walking", location="lower_back", notes="") for d in range(days)]
    store.pain.import_entries(pid, rows)
    if days:
        aid = store.functions.add_activity(pid, "Sitting through a working day", CFG.max_function_activities)
        for d in range(0, days, 2 if days < 30 else 10):
            store.sessions.add(pid, RoutineSession(20, {}, done_at=datetime.combine(first + timedelta(days=d), time(18))))
            store.functions.rate(pid, {aid: 4 + d % 5}, rated_at=datetime.combine(first + timedelta(days=d), time(19)))
    return pid


def overview(store: Store, pid: int):
    return services.painlog_overview(store, pid, CFG, today=TODAY, sessions_goal=LIB.sessions_goal)


@pytest.mark.parametrize("days", [1, 3, 7, 365, 400])
def test_the_pain_chart_axis_fits_the_span(store, days):
    pid = fill(store, days)
    ov = overview(store, pid)
    for choice in ("All", ov.default_range()):
        view = services.painlog_chart(store, ov, CFG, ov.range_start(choice))
        fig = pain_chart(view, CFG)
        axis = fig.to_plotly_json()["layout"]["xaxis"]
        first = pd.Timestamp(ov.first_entry) if choice == "All" else max(pd.Timestamp(ov.first_entry), ov.range_start(choice) or pd.Timestamp.min)
        labels = check_axis(axis, first, pd.Timestamp(ov.last_entry))
        if days <= 7:
            assert axis["dtick"] == DAY_MS and len(labels) >= 7  # each day once: "16 Nov", "17 Nov", ...


@pytest.mark.parametrize("days", [1, 3, 7, 365, 400])
def test_the_sessions_chart_has_a_week_per_bar_and_one_label_per_week(store, days):
    pid = fill(store, days)
    summary = overview(store, pid).sessions
    fig = sessions_figure(summary)
    layout = fig.to_plotly_json()["layout"]
    axis = layout["xaxis"]
    weeks = pd.to_datetime(summary.weekly["week"])
    labels = check_axis(axis, weeks.min(), weeks.max())
    start, end = (pd.Timestamp(x) for x in axis["range"])
    bar = fig.data[0]
    assert max(bar.width) <= 7 * DAY_MS  # a bar is at most a week wide ...
    assert pd.Timedelta(milliseconds=max(bar.width)) < (end - start) / 5  # ... never the whole chart
    if len(weeks) <= 8:
        assert axis["dtick"] == 7 * DAY_MS  # one label per week, on the bar's Monday
        assert {w.strftime(axis["tickformat"]) for w in weeks} <= set(labels)


@pytest.mark.parametrize("days", [1, 3, 7, 365, 400])
def test_the_function_chart_axis_fits_the_span(store, days):
    pid = fill(store, days)
    ov = overview(store, pid)
    frame = ratings_frame(ov.ratings)
    axis = function_figure(frame).to_plotly_json()["layout"]["xaxis"]
    times = pd.to_datetime(frame["rated_at"])
    check_axis(axis, times.min(), times.max())


def test_with_no_data_the_page_draws_no_date_chart(store):
    """0 days: the pain log shows its empty-log message instead of charts (pages/pain_log.py)."""
    pid = fill(store, 0)
    ov = overview(store, pid)
    assert ov.verdict.status == "empty" and ov.sessions.total == 0 and not ov.ratings


@pytest.mark.parametrize("span", [0, 0.5, 1, 3, 7, 10, 20, 60, 100, 365, 730, 1200, 3000])
def test_date_axis_never_repeats_a_label(span):
    end = pd.Timestamp("2026-11-22 12:00")
    axis = date_axis(end - pd.Timedelta(days=span), end)
    labels = check_axis(axis, end - pd.Timedelta(days=span), end)
    assert labels


def test_a_frozen_figure_sends_the_same_chart_without_copying_it_each_time():
    """figures.frozen (issue 15): what Streamlit sends is byte for byte the plain figure's, and the
    dict is made once (plain plotly deep-copies it on every call)."""
    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools

    from backcheck.figures import FrozenFigure, frozen

    fig = go.Figure(go.Scatter(x=list(range(300)), y=[i % 7 for i in range(300)], mode="lines"))
    fig.update_layout(title="Pain", xaxis=dict(range=[0, 299]))

    def sent(f) -> str:  # what st.plotly_chart (1.67) puts in its message
        return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(f, validate_figure=True),
                                 validate=False)

    ice = frozen(fig)
    assert isinstance(ice, go.Figure) and isinstance(ice, FrozenFigure)
    assert sent(ice) == sent(fig) == sent(ice)
    assert ice.to_dict() is ice.to_dict() and fig.to_dict() is not fig.to_dict()
