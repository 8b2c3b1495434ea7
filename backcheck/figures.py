"""Plotly figures the pages draw; pages never build traces themselves."""

from __future__ import annotations

import plotly.graph_objects as go

from .content import Library
from .quiz import QuizResult
from .text import plotly_plain

STRENGTH_COLOUR = {"strong": "#1b7f5f", "moderate": "#4c9f83", "weak": "#a8b5b0", "none": "#d5dbd9"}
STRENGTH_WORD = {"strong": "strong", "moderate": "moderate", "weak": "weak", "none": "no evidence"}


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
            text=[f"{round(s.share * 100)}% · {STRENGTH_WORD[s.strength]}" for s in scores],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}% of the possible evidence<extra></extra>",
        )
    )
    lead = lib.quiz.scoring.lead_share * 100
    fig.add_vline(x=lead, line_dash="dot", line_color="#888",
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
# Activity colours (Okabe-Ito, colour-blind safe) and marker symbols, so each activity
# differs in both colour and shape.

ACTIVITY_STYLE: dict[str, tuple[str, str]] = {
    "squat": ("#D55E00", "triangle-up"),
    "hip_hinge": ("#CC79A7", "diamond"),
    "handstand": ("#E69F00", "star"),
    "sitting": ("#0072B2", "square"),
    "walking": ("#009E73", "circle"),
    "routine": ("#56B4E9", "hexagon"),
    "other": ("#7f7f7f", "x"),
}
PAIN_LINE = "#1b4f72"
BAND_FILL = "rgba(27,127,95,0.13)"
SESSION_COLOUR = "#1b7f5f"


def _scatter(n: int):
    """WebGL for big traces (plotly's own advice above ~1,000 points), SVG otherwise."""
    return go.Scattergl if n > 1000 else go.Scatter


def pain_figure(ov, cfg, sessions=(), start=None, today=None) -> go.Figure:
    """Pain over time: entries by activity, the rolling mean, baseline with its band, sessions.

    ``ov`` is a backcheck.painlog.Overview, ``cfg`` the PainLogContent, ``sessions`` the
    routine-session rows and ``start`` the first day shown (None = the whole log). Above
    ``rules.chart_max_points`` entries in the range, daily means are drawn instead.
    """
    import pandas as pd  # local: keeps the quiz figure's import light

    rules = cfg.rules
    entries = ov.entries if start is None else ov.entries[ov.entries["recorded_at"] >= start]
    daily = ov.daily if start is None else ov.daily[ov.daily.index >= start]
    first = start if start is not None else (ov.entries["recorded_at"].min().normalize() if len(ov.entries) else pd.Timestamp(today))
    last_entry = ov.entries["recorded_at"].max() if len(ov.entries) else pd.Timestamp(today)
    end = max(pd.Timestamp(today or last_entry).normalize(), last_entry.normalize()) + pd.Timedelta(hours=23, minutes=59)
    first = min(first, end.normalize() - pd.Timedelta(days=6))  # at least a week wide, so a short log is not squashed
    x_range = [first - pd.Timedelta(hours=12), end + pd.Timedelta(hours=12)]
    fig = go.Figure()
    v = ov.verdict

    if v.band is not None and v.baseline is not None:
        lo, hi = v.band
        xs = [x_range[0], x_range[1]]
        fig.add_trace(go.Scatter(x=xs, y=[lo, lo], mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False))
        fig.add_trace(go.Scatter(x=xs, y=[hi, hi], mode="lines", line=dict(width=0), fill="tonexty", fillcolor=BAND_FILL,
                                 name=f"No meaningful change (±{v.needed:.1f})", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=xs, y=[v.baseline, v.baseline], mode="lines",
                                 line=dict(color=SESSION_COLOUR, dash="dash", width=1.5),
                                 name=f"First-week average {v.baseline:.1f}", hoverinfo="skip"))

    if len(entries) > rules.chart_max_points:
        fig.add_trace(_scatter(len(daily))(
            x=daily.index, y=daily["pain"], mode="markers", name="Daily average (long log)",
            marker=dict(size=5, color="#8c8c8c", opacity=0.6),
            customdata=daily["entries"],
            hovertemplate="%{x|%a %d %b %Y}<br>Daily average %{y:.1f} from %{customdata} entries<extra></extra>",
        ))
    else:
        labels = cfg.activity_label
        order = [c.id for c in cfg.activities] + sorted(set(entries["activity"]) - set(labels))
        for act in order:
            part = entries[entries["activity"] == act]
            if part.empty:
                continue
            colour, symbol = ACTIVITY_STYLE.get(act, ("#7f7f7f", "circle"))
            fig.add_trace(_scatter(len(entries))(
                x=part["recorded_at"], y=part["pain"], mode="markers", name=labels.get(act, act),
                marker=dict(color=colour, symbol=symbol, size=9, opacity=0.85, line=dict(width=0.5, color="white")),
                customdata=part["location"].map(cfg.location_label).fillna(part["location"]),
                hovertemplate=f"%{{x|%a %d %b %Y, %H:%M}}<br>Pain %{{y}} · {labels.get(act, act)}<br>%{{customdata}}<extra></extra>",
            ))

    if len(daily):
        fig.add_trace(_scatter(len(daily))(
            x=daily.index + pd.Timedelta(hours=12), y=daily["rolling"], mode="lines", name=f"{rules.window_days}-day average",
            line=dict(color=PAIN_LINE, width=3),
            hovertemplate=f"%{{x|%d %b %Y}}<br>{rules.window_days}-day average %{{y:.1f}}<extra></extra>",
        ))

    s_times = pd.to_datetime(pd.Series([s["done_at"] for s in sessions], dtype="object"))
    if len(s_times):
        s_times = s_times[(s_times >= x_range[0]) & (s_times <= x_range[1])]
    if len(s_times):
        fig.add_trace(_scatter(len(s_times))(
            x=s_times, y=[-0.7] * len(s_times), mode="markers", name="Routine session done",
            marker=dict(symbol="triangle-up", size=10, color=SESSION_COLOUR),
            hovertemplate="%{x|%a %d %b %Y}<br>Routine session done<extra></extra>",
        ))

    fig.update_layout(
        height=440,
        margin=dict(l=10, r=10, t=10, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, traceorder="normal"),
        hovermode="closest",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(range=x_range, fixedrange=True, showgrid=False, type="date"),
        yaxis=dict(range=[-1.2, 10.5], fixedrange=True, title="Pain (0 = none, 10 = worst)",
                   tickvals=list(range(0, 11, 2)), gridcolor="rgba(128,128,128,0.2)", zeroline=False),
    )
    return fig


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
        xaxis=dict(fixedrange=True, showgrid=False),
        yaxis=dict(range=[-0.5, 10.5], fixedrange=True, title="0 = cannot · 10 = as before",
                   tickvals=list(range(0, 11, 2)), gridcolor="rgba(128,128,128,0.2)", zeroline=False),
    )
    return fig


def sessions_figure(summary) -> go.Figure:
    """Routine sessions per week (a backcheck.painlog.SessionSummary) against the weekly goal."""
    weekly = summary.weekly
    colours = [SESSION_COLOUR if n >= summary.goal else "#a8b5b0" for n in weekly["sessions"]]
    fig = go.Figure(go.Bar(
        x=weekly["week"], y=weekly["sessions"], marker_color=colours, name="Sessions",
        hovertemplate="Week of %{x|%d %b %Y}<br>%{y} sessions<extra></extra>",
    ))
    fig.add_hline(y=summary.goal, line_dash="dot", line_color="#555",
                  annotation_text=f"goal: {summary.goal} a week", annotation_position="top left")
    top = max([summary.goal + 1, *weekly["sessions"].tolist()]) + 0.5
    fig.update_layout(
        height=240,
        margin=dict(l=10, r=10, t=20, b=10),
        showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)",
        bargap=0.25,
        xaxis=dict(fixedrange=True, showgrid=False, tickformat="%d %b"),
        yaxis=dict(range=[0, top], fixedrange=True, title="Sessions", dtick=1, gridcolor="rgba(128,128,128,0.2)"),
    )
    return fig
