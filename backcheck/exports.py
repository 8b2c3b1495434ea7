"""Taking a routine away: the printable handout (PDF), a calendar file (.ics) and a share link.

All three are pure functions of a built :class:`~backcheck.routine.Routine` (or its
inputs), so tests call them directly. The share link carries the routine's INPUTS only —
goals, minutes, equipment, today's pain, posture pattern ids, form-fault ids and weekdays —
never a name or a profile.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping
from urllib.parse import urlencode

from icalendar import Alarm, Calendar, Event

from .content import Library
from .pdf import BackCheckPDF, PageSize
from .text import fmt_day, fmt_minutes
from .routine import (
    BLOCKS,
    WEEKDAY_LABEL,
    WEEKDAYS,
    Routine,
    RoutineInputError,
    RoutineInputs,
    LIST_FIELDS,
    block_intro,
    read_inputs,
)

# --------------------------------------------------------------------------- share link

# inputs field -> query parameter
SHARE_KEYS: dict[str, str] = {
    "goals": "goals",
    "minutes": "min",
    "equipment": "eq",
    "pain": "pain",
    "patterns": "pat",
    "faults": "flt",
    "weekdays": "days",
}


def share_query(inputs: RoutineInputs) -> dict[str, str]:
    """The routine's inputs as query parameters (lists comma-separated; empty lists kept as '')."""
    q: dict[str, str] = {}
    for field, key in SHARE_KEYS.items():
        value = getattr(inputs, field)
        q[key] = ",".join(value) if field in LIST_FIELDS else str(value)
    return q


def share_url(base_url: str, inputs: RoutineInputs) -> str:
    """The page URL (without its own query string) plus the inputs as query parameters."""
    base = base_url.split("?", 1)[0].split("#", 1)[0]
    return f"{base}?{urlencode(share_query(inputs), safe=',')}"


def is_share_query(params: Mapping[str, str]) -> bool:
    """True when the URL carries routine inputs (the page was opened from a share link)."""
    return any(key in params for key in SHARE_KEYS.values())


def decode_share(lib: Library, params: Mapping[str, str]) -> tuple[RoutineInputs, list[str]]:
    """Read routine inputs from query parameters.

    Unknown or malformed values are not guessed at: they are dropped (or, for minutes and
    pain, replaced by the default) and each one is described in the returned problem list,
    so the page can say what it could not use.
    """
    raw = {field: params[key] for field, key in SHARE_KEYS.items() if key in params}
    return read_inputs(lib, raw, from_link=True)


# --------------------------------------------------------------------------- calendar


def session_dates(weekdays: tuple[str, ...] | list[str], weeks: int, start: date) -> list[date]:
    """Every date from `start` (inclusive) for `weeks` weeks that falls on one of the weekdays."""
    wanted = {WEEKDAYS.index(d) for d in weekdays}
    return [start + timedelta(days=i) for i in range(weeks * 7) if (start + timedelta(days=i)).weekday() in wanted]


def routine_summary_lines(lib: Library, routine: Routine) -> list[str]:
    """The session as plain text lines: block, then each item with its minutes and dose."""
    lines: list[str] = []
    for block in BLOCKS:
        items = routine.blocks[block]
        if not items:
            continue
        lines.append(f"{lib.routine.blocks[block].title} ({fmt_minutes(routine.block_minutes(block))})")
        lines += [f"- {it.name} ({fmt_minutes(it.minutes)}): {it.dose}" for it in items]
    return lines


def calendar_ics(lib: Library, routine: Routine, weekdays: tuple[str, ...] | list[str], weeks: int,
                 start: date, at: time) -> bytes:
    """An .ics file with one event per session day for the next `weeks` weeks, each with a reminder.

    Raises RoutineInputError when fewer weekdays than the weekly minimum are chosen, or
    weeks is out of range. Times are floating local times (the person's own clock).
    """
    rules = lib.routine
    minimum = lib.sessions_goal
    days = [d for d in WEEKDAYS if d in set(weekdays)]
    unknown = set(weekdays) - set(WEEKDAYS)
    if unknown:
        raise RoutineInputError(f"Unknown weekday(s): {', '.join(sorted(unknown))}.")
    if len(days) < minimum:
        raise RoutineInputError(
            f"Pick at least {minimum} weekdays for the calendar — the articles recommend at least "
            f"{minimum} sessions a week. You picked {len(days)}.")
    if not 1 <= weeks <= rules.calendar.weeks_max:
        raise RoutineInputError(f"Choose between 1 and {rules.calendar.weeks_max} weeks.")

    minutes = max(1, int(-(-routine.total_minutes // 1)))  # whole minutes, rounded up
    summary = f"BackCheck routine ({minutes} min)"
    body = "\n".join([
        f"Your BackCheck session, about {minutes} minutes.",
        "",
        *routine_summary_lines(lib, routine),
        "",
        "Open BackCheck for the cues and why each exercise is there.",
        "Stop anything that causes sharp or spreading pain.",
    ])
    key = hashlib.sha256(repr(sorted(routine.inputs.to_dict().items())).encode()).hexdigest()[:12]
    stamp = datetime.now(timezone.utc).replace(microsecond=0)

    cal = Calendar()
    cal.add("prodid", "-//BackCheck//My routine//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "BackCheck sessions")
    for day in session_dates(days, weeks, start):
        begin = datetime.combine(day, at)
        ev = Event()
        ev.add("uid", f"{day:%Y%m%d}-{key}@backcheck.local")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", begin)
        ev.add("dtend", begin + timedelta(minutes=minutes))
        ev.add("summary", summary)
        ev.add("description", body)
        if rules.calendar.reminder_minutes:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", timedelta(minutes=-rules.calendar.reminder_minutes))
            ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


# --------------------------------------------------------------------------- PDF handout


def _list(labels: list[str], empty: str) -> str:
    return ", ".join(labels) if labels else empty


FIGURE_W, FIGURE_H = 52.0, 30.0  # mm: the start and end pose beside the dose


def _item_figure(pdf: BackCheckPDF, lib: Library, exercise) -> float:
    """Draw the exercise's start and end pose at the right edge; narrow the text column beside it.

    Returns the y (mm) below the figure. Grey and black only, so it prints in black and white.
    """
    from .poses import print_svg

    if lib.poses is None or lib.poses.find(exercise.id, "exercises") is None:
        return pdf.get_y()
    x = pdf.w - pdf.r_margin - FIGURE_W
    y = pdf.get_y() + 0.5
    h = pdf.figure(print_svg(lib.poses, exercise.id, "exercises"), x, y, FIGURE_W, FIGURE_H,
                   f"{exercise.name}: start and end position")
    pdf.set_right_margin(pdf.r_margin + FIGURE_W + 4)
    pdf.set_xy(pdf.l_margin, y - 0.5)
    return y + h + 1


def routine_pdf(lib: Library, routine: Routine, page_size: PageSize = "A4", made_for: str | None = None,
                levels: Mapping[str, str] | None = None) -> bytes:
    """The routine as a printable handout: every item with dose, all cues, why and source.

    levels: exercise id -> the person's current level as text (printed under the dose).
    """
    rules = lib.routine
    inputs = routine.inputs
    fault_by_id = lib.fault_by_id
    pdf = BackCheckPDF("My BackCheck routine", page_size=page_size)
    pdf.h1("My BackCheck routine")
    if made_for:
        pdf.para(f"Prepared for {made_for} on {fmt_day(date.today())}", size=9, style="I")
    pdf.para(
        f"About {fmt_minutes(routine.total_minutes)} of your {routine.budget} · "
        f"Goals: {_list([rules.goal_by_id[g].label for g in inputs.goals], 'none chosen')} · "
        f"Equipment: {_list([lib.equipment_label[e] for e in inputs.equipment], 'none')} · "
        f"Pain today: {inputs.pain}/10",
        size=10,
    )
    patterns = [lib.pattern_by_id[p].name for p in inputs.patterns]
    fault_names = [fault_by_id[f].name for f in inputs.faults if f in fault_by_id]
    pdf.para(f"Posture: {_list(patterns, 'no posture pattern')} · Form faults: {_list(fault_names, 'none')}", size=9)
    days = [WEEKDAY_LABEL[d] for d in inputs.weekdays]
    pdf.para(f"At least {lib.sessions_goal} sessions a week"
             + (f" — your days: {', '.join(days)}" if days else "") + ".", size=9)

    pdf.h2("Before you start")  # on the first page, before any exercise (issue 14)
    pdf.para(rules.messages.professional, size=9)

    for note in routine.notes:
        pdf.ln(1)
        pdf.para(note.text, size=9, style="B" if note.kind in ("gentle", "severe") else "")
        if note.kind == "gentle":
            pdf.para(rules.painful_day.threshold_text, size=8, style="I")

    for block in BLOCKS:
        items = routine.blocks[block]
        if not items:
            continue
        meta = rules.blocks[block]
        pdf.h2(f"{meta.title} · {fmt_minutes(routine.block_minutes(block))}")
        pdf.para(block_intro(rules, routine, block), size=8.5, style="I")
        for n, it in enumerate(items, start=1):
            pdf.ln(1.5)
            if pdf.will_page_break(FIGURE_H + 8):  # keep an item's heading and its figure with its first lines
                pdf.add_page()
            pdf.para(f"{n}. {it.name} — {fmt_minutes(it.minutes)}", size=10.5, style="B")
            right_margin = pdf.r_margin
            figure_bottom = _item_figure(pdf, lib, it.exercise)
            pdf.para(f"Dose: {it.dose}", size=9)
            if levels and levels.get(it.id):
                pdf.para(f"Your level: {levels[it.id]}", size=9, style="B")
            for cue in it.exercise.cues:
                pdf.bullet(cue, size=8.5)
            if it.exercise.progression is not None:
                prog = it.exercise.progression
                pdf.para(f"Progression: {prog.text} ({lib.source_by_id[prog.source].short})", size=8.5)
            pdf.set_right_margin(right_margin)
            if pdf.get_y() < figure_bottom:
                pdf.set_y(figure_bottom)
            for r in it.reasons:
                pdf.para(f"Why: {r.text}", size=8.5, style="I")
            for swap in it.swaps:
                pdf.para(swap, size=8)
            if it.exercise.caution:
                pdf.para(f"Take care: {it.exercise.caution}", size=8.5)
            pdf.para("Source: " + "; ".join(lib.cite(s) for s in it.sources), size=7.5)

    if routine.left_out:
        pdf.h2("Left out this time")
        for lo in routine.left_out:
            pdf.bullet(f"{lo.name} ({lo.because}): {lo.reason}", size=8.5)

    return pdf.output_bytes()
