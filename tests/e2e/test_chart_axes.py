"""Real Chromium: the pain log's charts read right for a log of 0, 1, 7 and 365 days (issue 14).

What a person sees along the bottom of the pain chart and the routine-sessions chart: the x-axis
tick labels plotly draws in the SVG. No label twice, one date format per chart (the app's:
"5 Nov" as text.fmt_day_month, or "Nov 2026" for long spans), in chronological order; an empty log
shows the empty-state message instead of an empty chart. The figures' axis dicts are unit-tested
in tests/unit/test_figure_axes.py; this checks what plotly actually renders from them.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from backcheck.painlog import PainEntry
from backcheck.player import RoutineSession
from backcheck.storage import Store
from backcheck.text import fmt_day_month

from .conftest import goto, nav, new_profile, wait_for_app

SPANS = (0, 1, 7, 365)
ACTIVITIES = ("squat", "sitting", "walking")
DAY_MONTH = re.compile(r"^(\d{1,2}) ([A-Z][a-z]{2})$")  # text.fmt_day_month: "5 Nov"
MONTH_YEAR = re.compile(r"^([A-Z][a-z]{2}) (\d{4})$")  # long spans: "Nov 2026"


def seed(server, span: int) -> int:
    """A profile whose pain entries and routine sessions cover `span` days ending today (none for 0)."""
    store = Store(f"sqlite:///{server.db}")
    pid = new_profile(server, f"Span {span}")
    today = datetime.combine(date.today(), datetime.min.time())
    days = [] if span == 0 else sorted({0, span - 1, *range(0, span, max(1, span // 40))})
    for i, back in enumerate(days):
        day = today - timedelta(days=back)
        for hour in (8, 18) if span < 30 else (9,):
            store.pain.add(pid, PainEntry(recorded_at=day.replace(hour=hour), pain=(3 + i + hour) % 9,
                                          activity=ACTIVITIES[i % len(ACTIVITIES)], location="lower_back"))
        store.sessions.add(pid, RoutineSession(minutes=20, inputs={}, done_at=day.replace(hour=7)))
    return pid


def tick_labels(page: Page, chart_key: str) -> list[str]:
    """The x-axis tick labels of the plotly chart with this widget key, left to right, once plotly has drawn them."""
    plot = page.locator(f".st-key-{chart_key} .js-plotly-plot")
    expect(plot).to_be_visible()
    ticks = plot.locator("g.xtick text")
    expect(ticks.first).to_be_visible()  # drawn: plotly adds the ticks after the plot container
    # left to right as drawn on screen (not the SVG's order)
    drawn = ticks.evaluate_all("ts => ts.map(t => [t.getBoundingClientRect().x, t.textContent.trim()])")
    return [text for _, text in sorted(drawn)]


def as_dates(labels: list[str]) -> list[date]:
    """Each label as the date it stands for; fails unless all use one of the app's formats."""
    today = date.today()
    if all(DAY_MONTH.match(t) for t in labels):
        out = []
        for t in labels:
            d = datetime.strptime(f"{t} {today.year}", "%d %b %Y").date()
            if d > today + timedelta(days=45):  # day ticks reach at most a few weeks past today
                d = d.replace(year=today.year - 1)
            assert fmt_day_month(d) == t, f"{t!r} is not written as the app writes a day ({fmt_day_month(d)!r})"
            out.append(d)
        return out
    if all(MONTH_YEAR.match(t) for t in labels):
        return [datetime.strptime(t, "%b %Y").date() for t in labels]
    raise AssertionError(f"tick labels mix formats or use one the app does not: {labels}")


def check_axis(labels: list[str], what: str) -> None:
    shown = labels if len(labels) <= 24 else [*labels[:24], f"... {len(labels) - 24} more"]
    assert len(labels) >= 2, f"{what}: too few x ticks to read the dates: {shown}"
    assert len(set(labels)) == len(labels), f"{what}: a tick label repeats: {shown}"
    when = as_dates(labels)
    assert when == sorted(when), f"{what}: ticks out of chronological order: {shown}"
    assert len(set(when)) == len(when), f"{what}: two ticks name the same date: {shown}"


@pytest.fixture(scope="module")
def profiles(server):
    return {span: seed(server, span) for span in SPANS}


@pytest.mark.parametrize("span", SPANS, ids=[f"{s}_days" for s in SPANS])
def test_chart_axes_read_right_for_the_span(page: Page, server, profiles, span: int):
    pid = profiles[span]
    goto(page, server, profile=pid)
    nav(page, "Pain log")
    w = f"pain_w_{pid}_"

    if span == 0:  # an empty log says so and draws no empty chart
        expect(page.get_by_text("Your log is empty.")).to_be_visible()
        expect(page.get_by_text("No routine sessions marked done yet.")).to_be_visible()
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        return

    if span == 365:  # a year opens on "3 months"; a person picks "All" to see all of it
        show = page.get_by_test_id("stButtonGroup").filter(has_text="3 months").first
        show.get_by_role("radio", name="All", exact=True).click()
        wait_for_app(page)
        expect(show.get_by_role("radio", name="All", exact=True)).to_be_checked()

    pain = tick_labels(page, f"{w}chart")
    check_axis(pain, f"pain chart, {span} days")
    page.get_by_text("Show every week as a chart").click()  # the sessions chart is drawn on request
    wait_for_app(page)
    sessions = tick_labels(page, f"{w}sessions_chart")
    check_axis(sessions, f"sessions chart, {span} days")

    first, last = as_dates(pain)[0], as_dates(pain)[-1]
    if span == 365:  # the whole year is on the axis, in months
        assert MONTH_YEAR.match(pain[0]), pain
        assert (last - first).days >= 240, pain
    else:  # short logs: day labels, about a week shown
        assert DAY_MONTH.match(pain[0]), pain
        assert (last - first).days <= 14, pain
