"""Plotly figures the pages draw; pages never build traces themselves."""

from __future__ import annotations

import plotly.graph_objects as go

from .content import Library
from .palette import PAIN_LINE, SESSION_COLOUR, activity_style
from .quiz import QuizResult, Strength
from .text import plotly_plain

STRENGTH_COLOUR = {"strong": "#1b7f5f", "moderate": "#4c9f83", "weak": "#a8b5b0", "none": "#d5dbd9"}
GUIDE_LINE = "#8a8f8d"  # dotted guide lines (goal, threshold): grey that reads on light and dark


class FrozenFigure(go.Figure):
    """A figure that will not change, with its dict made once: plotly's ``to_dict`` deep-copies every
    trace on each call, and Streamlit calls it on every run that draws the chart (about 2 ms for
    the pain chart, on each click of its range control; issue 15). Made by :func:`frozen`."""

    _frozen_dict: dict | None = None

    def to_dict(self) -> dict:
        return self._frozen_dict if self._frozen_dict is not None else super().to_dict()


def frozen(fig: go.Figure) -> FrozenFigure:
    """The figure for a cache that shares it read-only (ui's figure caches): its dict is made now,
    and numeric arrays are packed for the browser now, so later reads neither copy nor change it."""
    import plotly.io

    out = FrozenFigure(fig)
    data = fig.to_dict()
    plotly.io.to_json(data, validate=False)  # packs numeric arrays in place: done before anyone shares it
    out._frozen_dict = data
    return out


def quiz_evidence_figure(result: QuizResult, lib: Library) -> go.Figure:
    """One bar per pattern: the share of its possible evidence the answers gave it."""
    scores = list(reversed(result.scores))  # strongest on top
    names = [lib.pattern_by_id[s.pattern_id].short_name for s in scores]
    fig = go.Figure(
        go.Bar(
            x=[round(s.share * 100) for s in scores],
            y=names,
            orientation="h",
            marker_color=[STRENGTH_COLOUR[s.strength] for s in scores],
            text=[f"{round(s.share * 100)}% · {Strength.label_of(s.strength)}" for s in scores],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}% of the possible evidence<extra></extra>",
        )
    )
    lead = lib.quiz.scoring.lead_share * 100
    fig.add_vline(x=lead, line_dash="dot", line_color=GUIDE_LINE,
                  annotation_text="leads from here", annotation_position="top")
    fig.update_layout(
        height=80 + 60 * len(scores),
        margin=dict(l=10, r=30, t=30, b=10),
        xaxis=dict(range=[0, 115], title="How strongly your answers point there (%)", fixedrange=True),
        yaxis=dict(fixedrange=True),
        showlegend=False,
    )
    return fig


# --------------------------------------------------------------------------- pain log (pain log screen)
# Colours: backcheck.palette (shared with the clinician report).

BAND_FILL = "rgba(27,127,95,0.13)"


DAY_MS = 86_400_000
# (longest span in days, tick spacing, tick label): the first that fits the span is used, so a
# week shows each day once and a year shows every other month (issue 14: no repeated labels).
DATE_TICKS = (
    (10, DAY_MS, "%-d %b"),
    (21, 2 * DAY_MS, "%-d %b"),
    (70, 7 * DAY_MS, "%-d %b"),
    (120, 14 * DAY_MS, "%-d %b"),
    (400, "M2", "%b %Y"),
    (800, "M3", "%b %Y"),
    (1500, "M6", "%b %Y"),
    (float("inf"), "M12", "%Y"),
)


def date_axis(start, end, *, min_days: float = 7, tick0=None) -> dict:
    """A plotly date x axis from ``start`` to ``end`` that reads right for any span.

    Shorter spans than ``min_days`` are widened (ending at ``end``), so one day of data is not
    stretched across the whole chart; the tick spacing follows the span (DATE_TICKS), day and
    week ticks start at ``tick0`` (default: the first midnight in range).
    """
    import pandas as pd  # local: keeps the quiz figure's import light

    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end - start < pd.Timedelta(days=min_days):
        start = end - pd.Timedelta(days=min_days)
    days = (end - start) / pd.Timedelta(days=1)
    dtick, fmt = next((d, f) for longest, d, f in DATE_TICKS if days <= longest)
    axis = dict(type="date", range=[start, end], dtick=dtick, tickformat=fmt, fixedrange=True, showgrid=False)
    if not isinstance(dtick, str):
        axis["tick0"] = pd.Timestamp(tick0) if tick0 is not None else start.ceil("D")
    return axis


def _scatter(n: int):
    """WebGL for big traces (plotly's own advice above ~1,000 points), SVG otherwise."""
    return go.Scattergl if n > 1000 else go.Scatter


def pain_figure(ov, cfg, sessions=(), start=None, today=None, level_changes=(), names=None) -> go.Figure:
    """Pain over time: entries by activity, the rolling mean, baseline with its band, sessions.

    ``ov`` is a backcheck.painlog.Overview, ``cfg`` the PainLogContent, ``sessions`` the
    routine sessions' done-at times, ``level_changes`` the exercise level changes
    (backcheck.progression.LevelChange, marked at the top; ``names`` maps exercise ids to the
    names shown, else the id is shown) and ``start`` the
    first day shown (None = the whole log). Above
    ``rules.chart_max_points`` entries in the range, daily means are drawn instead.
    """
    from .painlog import chart_view  # local: keeps the quiz figure's import light

    entries = ov.entries
    view = chart_view(ov.daily, ov.verdict, cfg.rules,
                      first_entry=entries["recorded_at"].min() if len(entries) else None,
                      last_entry=entries["recorded_at"].max() if len(entries) else None,
                      start=start, today=today, entries=entries,
                      shown=int(len(entries) if start is None else (entries["recorded_at"] >= start).sum()),
                      session_times=list(sessions))
    return pain_chart(view, cfg, level_changes, names)


def pain_chart(view, cfg, level_changes=(), names=None) -> go.Figure:
    """Draw a backcheck.painlog.ChartView: band and baseline, entries (or averages), rolling mean, sessions,
    and the exercise level changes (see pain_figure)."""
    rules = cfg.rules
    x_axis = date_axis(*view.x_range)
    x_range = x_axis["range"]
    fig = go.Figure()
    v = view.verdict

    if v.band is not None and v.baseline is not None:
        lo, hi = v.band
        xs = [x_range[0], x_range[1]]
        fig.add_trace(go.Scatter(x=xs, y=[lo, lo], mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=xs, y=[hi, hi], mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND_FILL,
                                 name=f"No meaningful change (±{v.needed:.1f})", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=xs, y=[v.baseline, v.baseline], mode="lines",
                                 line=dict(color=SESSION_COLOUR, dash="dash", width=1.5),
                                 name=f"First-week average {v.baseline:.1f}", hoverinfo="skip"))

    points = view.points
    if view.entries is None:
        if view.bucket_days == 1:
            name, what = "Daily average (long log)", "Daily average"
        else:
            name, what = f"{view.bucket_days}-day average (long log)", f"{view.bucket_days}-day average"
        fig.add_trace(_scatter(len(points))(
            x=points.index, y=points["pain"].round(2), mode="markers", name=name,
            marker=dict(size=5, color="#8c8c8c", opacity=0.6),
            customdata=points["entries"],
            hovertemplate=f"%{{x|%a %d %b %Y}}<br>{what} %{{y:.1f}} from %{{customdata}} entries<extra></extra>",
        ))
    else:
        entries = view.entries
        labels = cfg.activity_label
        order = [c.id for c in cfg.activities] + sorted(set(entries["activity"]) - set(labels))
        for act in order:
            part = entries[entries["activity"] == act]
            if part.empty:
                continue
            colour, symbol = activity_style(act)
            fig.add_trace(_scatter(len(entries))(
                x=part["recorded_at"], y=part["pain"], mode="markers", name=labels.get(act, act),
                marker=dict(color=colour, symbol=symbol, size=9, opacity=0.85, line=dict(width=0.5, color="white")),
                customdata=part["location"].map(cfg.location_label).fillna(part["location"]),
                hovertemplate=f"%{{x|%a %d %b %Y, %H:%M}}<br>Pain %{{y}} · {labels.get(act, act)}<br>%{{customdata}}<extra></extra>",
            ))

    if len(view.rolling):
        fig.add_trace(_scatter(len(view.rolling))(
            x=view.rolling.index, y=view.rolling.round(2), mode="lines", name=f"{rules.window_days}-day average",
            line=dict(color=PAIN_LINE, width=3),
            hovertemplate=f"%{{x|%d %b %Y}}<br>{rules.window_days}-day average %{{y:.1f}}<extra></extra>",
        ))

    if view.session_x:
        grouped = any(n != 1 for n in view.session_n)
        fig.add_trace(_scatter(len(view.session_x))(
            x=view.session_x, y=[-0.7] * len(view.session_x), mode="markers", name="Routine session done",
            marker=dict(symbol="triangle-up", size=10, color=SESSION_COLOUR),
            customdata=view.session_n if grouped else None,
            hovertemplate=("%{x|%d %b %Y}<br>%{customdata} routine sessions around here<extra></extra>" if grouped
                           else "%{x|%a %d %b %Y}<br>Routine session done<extra></extra>"),
        ))

    if level_changes:
        import pandas as pd  # local, like the painlog import above: keeps the quiz figure's import light
    changes = [c for c in level_changes if x_range[0] <= pd.Timestamp(c.changed_at) <= x_range[1]]
    if changes:  # exercise level changes (session player): up or down triangles along the top
        up = [c.level > c.from_level for c in changes]
        names = names or {}
        fig.add_trace(go.Scatter(
            x=[c.changed_at for c in changes], y=[10.2] * len(changes), mode="markers", name="Exercise level changed",
            marker=dict(symbol=["triangle-up" if u else "triangle-down" for u in up], size=11,
                        color=["#2a7d4f" if u else "#b5651d" for u in up]),
            customdata=[f"{names.get(c.exercise, c.exercise)}: level {c.level} ({c.reason})" for c in changes],
            hovertemplate="%{x|%a %d %b %Y}<br>%{customdata}<extra></extra>",
        ))

    fig.update_layout(
        height=440,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, traceorder="normal"),
        hovermode="closest",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=x_axis,
        yaxis=dict(range=[-1.2, 10.5], fixedrange=True, title="Pain (0 = none, 10 = worst)",
                   tickvals=list(range(0, 11, 2)), gridcolor="rgba(128,128,128,0.2)", zeroline=False),
    )
    return fig


def _function_axis(ratings) -> dict:
    """Days of ratings with half a day either side (a week at least), ticks by span."""
    import pandas as pd

    if not len(ratings):
        today = pd.Timestamp.now().normalize()
        return date_axis(today - pd.Timedelta(days=7), today + pd.Timedelta(days=1))
    times = pd.to_datetime(ratings["rated_at"])
    return date_axis(times.min().normalize() - pd.Timedelta(hours=12), times.max().normalize() + pd.Timedelta(hours=36))


def function_figure(ratings) -> go.Figure:
    """Function scores over time, one line per activity (0 = cannot do it, 10 = as before)."""
    fig = go.Figure()
    palette = ["#1b7f5f", "#D55E00", "#0072B2", "#CC79A7", "#E69F00"]
    for i, (name, part) in enumerate(ratings.groupby("name", sort=False)):
        fig.add_trace(go.Scatter(
            x=part["rated_at"], y=part["score"], mode="lines+markers", name=plotly_plain(name),
            line=dict(color=palette[i % len(palette)], width=2.5, shape="hv"),
            marker=dict(size=8),
            hovertemplate="%{x|%d %b %Y}<br>%{y}/10<extra>" + "%{fullData.name}" + "</extra>",
        ))
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=_function_axis(ratings),
        yaxis=dict(range=[-0.5, 10.5], fixedrange=True, title="0 = cannot · 10 = as before",
                   tickvals=list(range(0, 11, 2)), gridcolor="rgba(128,128,128,0.2)", zeroline=False),
    )
    return fig


def sessions_figure(summary) -> go.Figure:
    """Routine sessions per week (a backcheck.painlog.SessionSummary) against the weekly goal."""
    weekly = summary.weekly
    colours = [SESSION_COLOUR if n >= summary.goal else "#a8b5b0" for n in weekly["sessions"]]
    import pandas as pd

    weeks = pd.to_datetime(weekly["week"])
    # Each bar stands on its week's Monday, labelled with that date, five days wide; the axis shows
    # at least six weeks and one tick per bar while they are few (issue 14: one week of data was
    # one bar across the whole chart, with "15 Nov, 15 Nov, 16 Nov" along the bottom).
    fig = go.Figure(go.Bar(
        x=weeks, y=weekly["sessions"], marker_color=colours, name="Sessions", width=[5 * DAY_MS] * len(weeks),
        customdata=weeks.dt.strftime("%-d %b %Y"),
        hovertemplate="Week of %{customdata}<br>%{y} sessions<extra></extra>",
    ))
    if len(weeks):
        x_axis = date_axis(weeks.min() - pd.Timedelta(days=3.5), weeks.max() + pd.Timedelta(days=3.5), min_days=42,
                           tick0=weeks.min())
        if x_axis["dtick"] in (DAY_MS, 2 * DAY_MS):  # never finer than a week: one tick per bar
            x_axis["dtick"] = 7 * DAY_MS
    else:
        today = pd.Timestamp.now().normalize()
        x_axis = date_axis(today - pd.Timedelta(days=42), today)
    fig.add_hline(y=summary.goal, line_dash="dot", line_color=GUIDE_LINE,
                  annotation_text=f"goal: {summary.goal} a week", annotation_position="top left")
    top = max([summary.goal + 1, *weekly["sessions"].tolist()]) + 0.5
    fig.update_layout(
        height=240,
        margin=dict(l=10, r=10, t=20, b=10),
        showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)",
        bargap=0.25,
        xaxis=x_axis,
        yaxis=dict(range=[0, top], fixedrange=True, title="Sessions", dtick=1, gridcolor="rgba(128,128,128,0.2)"),
    )
    return fig
