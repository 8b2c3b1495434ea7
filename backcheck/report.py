"""One-page clinician report (PDF): the pain chart, verdicts, function scores, posture
result, form faults and routine adherence.

The chart is drawn with fpdf2's own lines, dots and rectangles, so making the report
needs no browser and no image export at run time. Everything on the page comes from the
same core functions as the pain-log screen, so the report and the screen always agree.
User-written notes are not printed (they may be private); the profile name is printed
as plain text.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .content import Library
from .form_check import FormCheckRecord, ticked_ids
from .painlog import ChartView, chart_view, rule_text
from .palette import PAIN_LINE, SESSION_COLOUR, activity_colour, rgb
from .pdf import BackCheckPDF, PageSize
from .quiz import QuizRecord
from .safety import SafetyCheck, SafetyLevel
from .services import PainlogOverview, painlog_overview
from .profiles import Profile
from .storage import Store
from .text import fmt_day, fmt_day_month

GREEN = rgb(SESSION_COLOUR)
LINE = rgb(PAIN_LINE)
GREY = (120, 120, 120)
MAX_POINTS = 600  # above this, the chart plots daily means
MAX_DAYS = 365  # above this many days, means of a few days each (the chart is 18 cm wide)


@dataclass
class ReportInputs:
    profile: Profile
    ov: PainlogOverview
    chart: ChartView
    quiz: QuizRecord | None
    form_check: FormCheckRecord | None
    safety: SafetyCheck | None
    today: date


def gather(lib: Library, store: Store, profile: Profile, today: date | None = None,
           ov: PainlogOverview | None = None) -> ReportInputs:
    """Read everything the report shows for a profile (``ov``: the pain-log screen's overview, if at hand)."""
    pid = profile.id
    cfg = lib.painlog
    if ov is None or ov.profile_id != pid:
        ov = painlog_overview(store, pid, cfg, today=today, sessions_goal=lib.sessions_goal)
    entries = None
    if 0 < ov.entry_count <= MAX_POINTS:
        entries = pd.DataFrame(store.pain.between(pid),
                               columns=["id", "recorded_at", "pain", "activity", "location"])
        entries["recorded_at"] = pd.to_datetime(entries["recorded_at"])
    chart = chart_view(ov.daily, ov.verdict, cfg.rules, first_entry=ov.first_entry, last_entry=ov.last_entry,
                       today=today or ov.today, entries=entries, shown=ov.entry_count,
                       session_times=ov.session_times, max_points=MAX_DAYS)
    return ReportInputs(
        profile=profile, ov=ov, chart=chart, quiz=store.quiz.latest(pid),
        form_check=store.form_checks.latest(pid),
        safety=store.safety.latest(pid), today=today or date.today(),
    )


def _fault_names(lib: Library, check: FormCheckRecord | None) -> list[str]:
    names = []
    for fid in ticked_ids(check):
        fault = lib.fault_by_id.get(fid)
        names.append(fault.name if fault else fid.replace("_", " "))  # a fault renamed in content since
    return names


# --------------------------------------------------------------------------- chart


def _draw_chart(pdf: BackCheckPDF, lib: Library, inp: ReportInputs, x0: float, y0: float, w: float, h: float) -> None:
    """Pain (0-10) against date: band, baseline, entries, rolling mean, session ticks, legend."""
    ov, cfg, view = inp.ov, lib.painlog, inp.chart
    v = ov.verdict
    left, bottom = 9.0, 7.0  # room for axis labels
    px, py, pw, ph = x0 + left, y0, w - left, h - bottom
    first = pd.Timestamp(ov.first_entry).normalize()
    last = max(pd.Timestamp(ov.last_entry).normalize(), pd.Timestamp(inp.today))
    span_days = max((last - first).days + 1, 7)

    def X(ts: pd.Timestamp) -> float:
        return px + (ts - first).total_seconds() / 86400 / span_days * pw

    def Y(val: float) -> float:
        return py + ph - (val + 1) / 11.5 * ph  # -1 .. 10.5

    # frame, grid and y labels
    pdf.set_line_width(0.15)
    pdf.set_draw_color(215, 215, 215)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.set_text_color(*GREY)
    for val in range(0, 11, 2):
        pdf.line(px, Y(val), px + pw, Y(val))
        pdf.text(x0 + 2, Y(val) + 1, f"{val:>2}")
    # the band of no meaningful change and the baseline
    if v.band is not None and v.baseline is not None:
        lo, hi = v.band
        pdf.set_fill_color(214, 236, 227)
        pdf.rect(px, Y(hi), pw, Y(lo) - Y(hi), style="F")
        pdf.set_draw_color(*GREEN)
        pdf.set_line_width(0.3)
        pdf.set_dash_pattern(dash=1.2, gap=0.8)
        pdf.line(px, Y(v.baseline), px + pw, Y(v.baseline))
        pdf.set_dash_pattern()
    # x labels: about six evenly spaced dates
    pdf.set_draw_color(180, 180, 180)
    pdf.line(px, py + ph, px + pw, py + ph)
    ticks = pd.date_range(first, last, periods=min(6, span_days)).normalize()
    for t in ticks:
        pdf.text(X(t) - 5, py + ph + 4, f"{fmt_day_month(t)}")
    # entries (or daily means for long logs)
    entries = view.entries
    if entries is None:
        pdf.set_fill_color(150, 150, 150)
        shift = pd.Timedelta(hours=12) if view.bucket_days == 1 else pd.Timedelta(0)
        for day, pain in view.points["pain"].items():
            pdf.circle(X(day + shift), Y(pain), 0.45, style="F")
    else:
        for row in entries.itertuples(index=False):
            pdf.set_fill_color(*rgb(activity_colour(row.activity)))
            pdf.circle(X(row.recorded_at), Y(row.pain), 0.7, style="F")
    # rolling mean
    if len(view.rolling) > 1:
        pdf.set_draw_color(*LINE)
        pdf.set_line_width(0.6)
        pdf.polyline([(X(d), Y(r)) for d, r in view.rolling.items()])
    # routine sessions as small triangles at the bottom
    pdf.set_fill_color(*GREEN)
    for t in view.session_x:
        if first <= t <= last + pd.Timedelta(days=1):
            x, y = X(t), Y(-0.6)
            pdf.polygon([(x - 0.8, y + 0.7), (x + 0.8, y + 0.7), (x, y - 0.7)], style="F")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    # legend
    pdf.set_xy(x0, y0 + h + 0.5)
    pdf.set_font("DejaVu", "", 6.5)
    ly = y0 + h + 2.5
    lx = px
    items: list[tuple[str, str, tuple[int, int, int]]] = []
    if entries is not None:
        present = set(entries["activity"])
        items += [("dot", c.label, rgb(activity_colour(c.id))) for c in cfg.activities if c.id in present]
    else:
        items.append(("dot", "daily average" if view.bucket_days == 1 else
                      f"daily average (mean of each {view.bucket_days} days)", (150, 150, 150)))
    items.append(("line", f"{cfg.rules.window_days}-day average", LINE))
    if v.baseline is not None:
        items.append(("band", f"first-week average {v.baseline:.1f} ± {v.needed:.1f} (no meaningful change)", (214, 236, 227)))
    if ov.session_times:
        items.append(("tri", "routine session", GREEN))
    for kind, label, colour in items:
        width = pdf.get_string_width(label) + 6
        if lx + width > x0 + w:
            lx, ly = px, ly + 3.5
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(*colour)
        if kind == "dot":
            pdf.circle(lx + 1, ly - 0.8, 0.8, style="F")
        elif kind == "line":
            pdf.set_line_width(0.6)
            pdf.line(lx, ly - 0.8, lx + 2.5, ly - 0.8)
            pdf.set_line_width(0.2)
        elif kind == "band":
            pdf.rect(lx, ly - 2, 2.5, 2.4, style="F")
        else:
            pdf.polygon([(lx, ly), (lx + 1.8, ly), (lx + 0.9, ly - 1.6)], style="F")
        pdf.text(lx + 3.5, ly, label)
        lx += width
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_y(ly + 2.5)


# --------------------------------------------------------------------------- report


# The pain log speaks to the person ("your average pain"); the report is read by their
# physiotherapist or doctor, so its sentences name the patient instead (issue 14).
_CLINICIAN_WORDS = (
    (re.compile(r"\bIf you remember\b"), "If the patient remembers"),
    (re.compile(r"\byou will see\b"), "the patient will see"),
    (re.compile(r"\btells you\b"), "tells the patient"),
    (re.compile(r"\bYour\b"), "The patient's"),
    (re.compile(r"\byour\b"), "the patient's"),
    (re.compile(r"\bYou\b"), "The patient"),
    (re.compile(r"\byou\b"), "the patient"),
)


def for_clinician(text: str) -> str:
    """A pain-log sentence written to the person, rewritten for their clinician."""
    for pattern, words in _CLINICIAN_WORDS:
        text = pattern.sub(words, text)
    return text


def _section(pdf: BackCheckPDF, title: str) -> None:
    pdf.ln(1.2)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.set_text_color(*GREEN)
    pdf.cell(0, 4.8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _text(pdf: BackCheckPDF, text: str, size: float = 8.3, style: str = "") -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT", align="L")


def render(lib: Library, inp: ReportInputs, page_size: PageSize = "A4") -> bytes:
    """The report as PDF bytes, on one page (a smaller chart and fewer rows if it would not fit)."""
    for chart_h, max_rows in ((78, 5), (60, 4), (45, 3)):
        pdf = _render(lib, inp, page_size, chart_h, max_rows)
        if pdf.get_y() <= pdf.h - 18:
            break
    return pdf.output_bytes()


def _render(lib: Library, inp: ReportInputs, page_size: PageSize, chart_h: float, max_rows: int) -> BackCheckPDF:
    ov, v, rules = inp.ov, inp.ov.verdict, lib.painlog.rules
    pdf = BackCheckPDF("Pain log report", page_size=page_size)
    pdf.set_auto_page_break(auto=False)
    pdf.set_font("DejaVu", "B", 14)
    demo = " (demo data)" if inp.profile.is_demo else ""
    pdf.multi_cell(0, 6.5, f"Pain log report: {inp.profile.name}{demo}", new_x="LMARGIN", new_y="NEXT")
    if ov.entry_count:
        period = (f"{fmt_day(ov.first_entry)} to {fmt_day(ov.last_entry)} · "
                  f"{ov.entry_count} entries on {len(ov.daily)} days")
    else:
        period = "no pain entries yet"
    _text(pdf, f"Pain on the 0-10 numeric rating scale (0 = no pain, 10 = worst imaginable), self-reported · {period} · "
               f"made {fmt_day(inp.today)}", size=7.5)
    pdf.set_text_color(0, 0, 0)

    _section(pdf, "Pain over time")
    if ov.entry_count:
        top = pdf.get_y() + 1
        _draw_chart(pdf, lib, inp, pdf.l_margin, top, pdf.epw, chart_h)
    else:
        _text(pdf, "No entries yet.")

    _section(pdf, f"Verdict: {for_clinician(v.headline)}")
    if v.detail:
        _text(pdf, for_clinician(v.detail))
    _text(pdf, "Rule: " + for_clinician(rule_text(rules)) + f" Source: {lib.cite(rules.mcid_source)}.", size=6.8,
          style="I")

    shown = [c for c in ov.comparisons if c.enough]
    if shown:
        _section(pdf, "Pain on days with and without an activity (a pattern in the log, not cause and effect)")
        shown.sort(key=lambda c: -abs(c.difference or 0))
        for c in shown[:max_rows]:
            _text(pdf, "• " + for_clinician(c.sentence()))

    _section(pdf, "Function scores (0 = cannot do it, 10 = as before the pain)")
    if ov.functions:
        for f in ov.functions:
            _text(pdf, "• " + for_clinician(f.sentence()))
    else:
        _text(pdf, "Not rated yet.")

    _section(pdf, "Routine adherence")
    s = ov.sessions
    if s is not None:
        _text(pdf, for_clinician(s.sentence(lib.source_by_id[lib.sessions_goal_source].short)))
        if s.total:
            _text(pdf, f"Sessions per week (week starting): {s.weeks_text(8)}.", size=7.5)

    _section(pdf, "Assessments")
    if inp.safety is None:
        safety = "not done yet"
    else:
        level = SafetyLevel.label_of(inp.safety.level)
        safety = f"{level} ({fmt_day(inp.safety.taken_at)})"
    _text(pdf, f"Red-flag safety check: {safety}.")
    if inp.quiz is None:
        posture = "not done yet"
    else:
        names = [lib.pattern_by_id[p].name for p in inp.quiz.leading if p in lib.pattern_by_id]
        posture = " and ".join(names) if names else {"too_few": "too few answers to tell"}.get(inp.quiz.verdict, "no clear pattern")
        posture += f" ({fmt_day(inp.quiz.taken_at)}; self-check)"
    _text(pdf, f"Posture quiz: {posture}.")
    if inp.form_check is None:
        faults = "not done yet"
    else:
        names = _fault_names(lib, inp.form_check)
        faults = ("; ".join(names) if names else "none ticked") + f" ({fmt_day(inp.form_check.taken_at)})"
    _text(pdf, f"Form check faults: {faults}.")

    pdf.ln(1.5)
    _text(pdf, "BackCheck is a self-assessment aid; the numbers are what the person logged. Please interpret them "
               "alongside your own examination.", size=7, style="I")
    return pdf


def clinician_report(lib: Library, store: Store, profile: Profile, today: date | None = None,
                     page_size: PageSize = "A4", ov: PainlogOverview | None = None) -> bytes:
    return render(lib, gather(lib, store, profile, today, ov=ov), page_size)


def report_filename(profile_name: str, today: date | None = None) -> str:
    import re

    slug = re.sub(r"[^a-z0-9]+", "-", profile_name.lower()).strip("-") or "profile"
    return f"backcheck-report-{slug[:30]}-{(today or date.today()):%Y-%m-%d}.pdf"


def failure_pdf(message: str) -> bytes:
    """A one-line PDF saying the report could not be made (used by the download button)."""
    pdf = BackCheckPDF("Pain log report")
    pdf.para(f"The report could not be made: {message}")
    return pdf.output_bytes()


