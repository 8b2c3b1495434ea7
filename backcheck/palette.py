"""The app's chart colours, in one place: the screen charts (backcheck.figures, plotly) and the
clinician report (backcheck.report, PDF) draw every activity in the same colour.

Activity colours are Okabe-Ito (colour-blind safe), each with its own marker symbol, so each
activity differs in both colour and shape.
"""

from __future__ import annotations

ACTIVITY_STYLE: dict[str, tuple[str, str]] = {
    "squat": ("#D55E00", "triangle-up"),
    "hip_hinge": ("#CC79A7", "diamond"),
    "handstand": ("#E69F00", "star"),
    "sitting": ("#0072B2", "square"),
    "walking": ("#009E73", "circle"),
    "routine": ("#56B4E9", "hexagon"),
    "other": ("#7f7f7f", "x"),
}
OTHER_ACTIVITY = ("#7f7f7f", "circle")  # an activity the palette does not know
SESSION_COLOUR = "#1b7f5f"  # routine sessions (and the report's green)
# A mid-tone blue: it reads on the app's light and dark backgrounds and on paper (issue 14).
PAIN_LINE = "#3b82c4"


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """'#1b7f5f' -> (27, 127, 95)."""
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def activity_colour(activity: str) -> str:
    return ACTIVITY_STYLE.get(activity, OTHER_ACTIVITY)[0]


def activity_style(activity: str) -> tuple[str, str]:
    """(colour, plotly marker symbol) for an activity id."""
    return ACTIVITY_STYLE.get(activity, OTHER_ACTIVITY)
