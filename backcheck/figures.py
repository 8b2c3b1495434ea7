"""Plotly figures the pages draw; pages never build traces themselves."""

from __future__ import annotations

import plotly.graph_objects as go

from .content import Library
from .quiz import QuizResult

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
