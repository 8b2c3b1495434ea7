"""The pain log's SQL aggregates, data versions and the painlog_overview service (issue 15).

The aggregate and data-version tests run on SQLite and on PostgreSQL.

The database's grouping must give the same numbers as the pandas computation on the same
entries (painlog.overview), so the screen and the report say exactly what they said before.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

import pytest

from backcheck import painlog as pl, services
from backcheck.content import load_library
from backcheck.demo import DEMO_NAME, demo_data
from backcheck.figures import pain_chart, pain_figure
from backcheck.report import gather
from backcheck.storage import Store
from backcheck.painlog import LoggedEntry, PainEntry, PainStats
from backcheck.player import RoutineSession

LIB = load_library()
CFG = LIB.painlog
DAY0 = datetime(2024, 3, 1, 6, 0)
TODAY = date(2024, 9, 1)


def random_log(n: int, days: int, seed: int = 3) -> list[PainEntry]:
    rng = random.Random(seed)
    acts = [c.id for c in CFG.activities]
    locs = [c.id for c in CFG.locations]
    rows = []
    for i in range(n):
        when = DAY0 + timedelta(days=rng.randrange(days), minutes=rng.randrange(0, 16 * 60), seconds=rng.randrange(60),
                                microseconds=rng.choice([0, 250_000]))
        rows.append(PainEntry(recorded_at=when, pain=rng.randint(0, 10), activity=rng.choice(acts[:4] if i % 5 else acts),
                              location=rng.choice(locs), notes=""))
    return rows


@pytest.fixture
def filled(db_url) -> tuple[Store, int, list[LoggedEntry], list[datetime]]:
    """A filled store, once on SQLite and once on PostgreSQL (the `db_url` fixture)."""
    store = Store(db_url)
    pid = store.profiles.list()[0].id
    other = store.profiles.create("Someone else").id
    rows = random_log(1500, 150)
    store.pain.import_entries(pid, rows)
    store.pain.import_entries(other, random_log(200, 150, seed=9))  # must not leak into pid's numbers
    sessions = [DAY0 + timedelta(days=d, hours=11) for d in range(0, 150, 3)]
    for t in sessions:
        store.sessions.add(pid, RoutineSession(20, {}, done_at=t))
    return store, pid, store.pain.all(pid), [s.done_at for s in store.sessions.list(pid)]


def test_sql_daily_means_and_counts_equal_pandas(filled):
    store, pid, rows, _ = filled
    expected = pl.daily_frame(pl.entries_frame(rows), CFG.rules.window_days)
    got = services.daily_from_rows(store.pain.daily(pid), CFG.rules.window_days)
    assert list(got.index) == list(expected.index)
    assert got["entries"].tolist() == expected["entries"].tolist()
    assert got["pain"].to_numpy() == pytest.approx(expected["pain"].to_numpy(), abs=1e-9)
    assert got["rolling"].to_numpy() == pytest.approx(expected["rolling"].to_numpy(), abs=1e-9)


def test_sql_date_window_and_stats(filled):
    store, pid, rows, _ = filled
    start, end = DAY0 + timedelta(days=30), DAY0 + timedelta(days=60)
    inside = [r for r in rows if start <= r.recorded_at < end]
    days = store.pain.daily(pid, start=start, end=end)
    assert sum(d.entries for d in days) == len(inside)
    assert {d.day for d in days} == {r.recorded_at.date() for r in inside}
    stats = store.pain.stats(pid)
    assert stats == PainStats(count=len(rows), first=rows[0].recorded_at, last=rows[-1].recorded_at)
    assert store.pain.between(pid, start, end) == inside
    newest = store.pain.between(pid, limit=5, newest_first=True)
    assert newest == rows[::-1][:5]


def test_sql_activity_days_give_the_pandas_comparisons(filled):
    store, pid, rows, sessions = filled
    entries = pl.entries_frame(rows)
    expected = pl.activity_comparisons(entries, CFG, sessions)
    daily = services.daily_from_rows(store.pain.daily(pid), CFG.rules.window_days)
    s_days = pl.session_days(sessions)
    routine_days = store.pain.activity_dates(pid, pl.ROUTINE_ACTIVITY_ID)
    assert routine_days == sorted({r.recorded_at.date() for r in rows if r.activity == "routine"})
    got = pl.comparisons_from_days(daily, store.pain.activity_days(pid), CFG, s_days, routine_days)
    assert [(c.activity, c.days_with, c.days_without, c.enough) for c in got] == \
           [(c.activity, c.days_with, c.days_without, c.enough) for c in expected]
    for g, e in zip(got, expected):
        if e.enough:
            assert g.mean_with == pytest.approx(e.mean_with, abs=1e-9)
            assert g.mean_without == pytest.approx(e.mean_without, abs=1e-9)
            assert g.sentence() == e.sentence()


def test_painlog_overview_agrees_with_the_pandas_overview(filled):
    store, pid, rows, sessions = filled
    aid = store.functions.add_activity(pid, "Sitting", 3)
    store.functions.rate(pid, {aid: 4}, rated_at=DAY0)
    store.functions.rate(pid, {aid: 6}, rated_at=DAY0 + timedelta(days=20))
    old = pl.overview(CFG, rows, sessions, store.functions.activities(pid), store.functions.ratings(pid), today=TODAY,
                      sessions_goal=LIB.sessions_goal)
    new = services.painlog_overview(store, pid, CFG, today=TODAY, sessions_goal=LIB.sessions_goal)
    assert new.entry_count == len(rows) and new.first_entry == rows[0].recorded_at
    assert new.verdict.headline == old.verdict.headline and new.verdict.detail == old.verdict.detail
    assert new.verdict.baseline == pytest.approx(old.verdict.baseline) and new.verdict.kind == old.verdict.kind
    assert new.sessions.sentence() == old.sessions.sentence()
    assert [f.sentence() for f in new.functions] == [f.sentence() for f in old.functions]
    assert new.default_range() == pl.default_range(old.entries, TODAY)
    assert new.range_start("4 weeks") == pl.range_start(old.entries, "4 weeks", TODAY)


def test_painlog_overview_for_an_empty_log(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/e.db")
    ov = services.painlog_overview(store, 1, CFG, today=TODAY, sessions_goal=LIB.sessions_goal)
    assert ov.empty and ov.verdict.status == "empty" and ov.comparisons == [] and ov.daily.empty
    assert ov.default_range() == "All"


def test_chart_for_a_range_matches_the_old_chart(filled):
    store, pid, rows, sessions = filled
    old_ov = pl.overview(CFG, rows, sessions, today=TODAY, sessions_goal=LIB.sessions_goal)
    ov = services.painlog_overview(store, pid, CFG, today=TODAY, sessions_goal=LIB.sessions_goal)
    for choice in ("4 weeks", "3 months", "All"):
        start = ov.range_start(choice)
        old = json.loads(pain_figure(old_ov, CFG, sessions, start=start, today=TODAY).to_json())
        new = json.loads(pain_chart(services.painlog_chart(store, ov, CFG, start), CFG).to_json())
        assert [t.get("name") for t in new["data"]] == [t.get("name") for t in old["data"]], choice
        assert [len(t.get("x", [])) for t in new["data"]] == [len(t.get("x", [])) for t in old["data"]], choice
        assert new["layout"]["xaxis"]["range"] == old["layout"]["xaxis"]["range"]


def test_long_ranges_are_thinned_to_the_point_budget(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/l.db")
    rows = [PainEntry.model_validate({"recorded_at": DAY0 + timedelta(days=d, hours=h), "pain": (d + h) % 11,
                                      "activity": "walking", "location": "leg", "notes": ""},
                                     context={"now": DAY0 + timedelta(days=4000)})  # "today" is 4000 days on
            for d in range(4000) for h in (0, 5)]
    store.pain.import_entries(1, rows)
    for d in range(0, 4000, 2):
        store.sessions.add(1, RoutineSession(20, {}, done_at=DAY0 + timedelta(days=d, hours=3)))
    today = (DAY0 + timedelta(days=4000)).date()
    ov = services.painlog_overview(store, 1, CFG, today=today, sessions_goal=LIB.sessions_goal)
    view = services.painlog_chart(store, ov, CFG, None, max_points=400)
    assert view.entries is None and view.bucket_days == 10 and len(view.points) <= 400 and len(view.rolling) <= 400
    assert view.points["entries"].sum() == len(rows)  # every entry counted once
    assert len(view.session_x) <= 400 and sum(view.session_n) == 2000
    names = [t.name for t in pain_chart(view, CFG).data]
    assert "10-day average (long log)" in names and "Routine session done" in names


def test_every_write_changes_the_profiles_data_version_and_only_its_own(db_url):
    store = Store(db_url)
    me = store.profiles.list()[0].id
    other = store.profiles.create("Other").id
    seen = {store.data_version(me)}

    both = {store.data_versions([me, other])}  # the token for a set of profiles (the Profiles page's counts)

    def changed(action) -> None:
        before_other = store.data_version(other)
        action()
        now = store.data_version(me)
        assert now not in seen, action
        seen.add(now)
        assert store.data_version(other) == before_other  # someone else's write leaves my cache alone
        assert store.data_versions([other, me]) not in both, action  # any member's write moves the set's token
        both.add(store.data_versions([me, other]))

    eid = []
    changed(lambda: eid.append(store.pain.add(me, PainEntry(recorded_at=DAY0, pain=5, activity="walking", location="leg", notes=""))))
    changed(lambda: store.pain.update(me, eid[0], PainEntry(recorded_at=DAY0, pain=3, activity="walking", location="leg", notes="x")))
    gone = []
    changed(lambda: gone.append(store.pain.delete(me, eid[0])))
    changed(lambda: store.pain.restore(gone[0]))
    changed(lambda: store.pain.import_entries(me, [PainEntry(recorded_at=DAY0 + timedelta(days=1), pain=2,
                                                             activity="squat", location="leg", notes="")]))
    changed(lambda: store.sessions.add(me, RoutineSession(20, {})))
    aid = []
    changed(lambda: aid.append(store.functions.add_activity(me, "Sitting", 3)))
    changed(lambda: store.functions.rate(me, {aid[0]: 4}))
    changed(lambda: store.functions.remove_activity(me, aid[0]))
    # reads and a failed write change nothing
    version = store.data_version(me)
    store.pain.all(me), store.pain.daily(me), store.pain.activity_days(me)
    with pytest.raises(ValueError):
        store.functions.add_activity(me, "Sitting", 0)
    assert store.data_version(me) == version
    # another Store on the same file (another server process) sees the same version
    assert Store(store.url).data_version(me) == version
    assert Store(store.url).data_versions([me, other]) == store.data_versions([other, me, me])  # order and repeats do not count
    before = store.data_versions([me, other])
    store.pain.add(other, PainEntry(recorded_at=DAY0, pain=4, activity="walking", location="leg", notes=""))
    assert store.data_versions([me, other]) != before and store.data_version(me) == version


def test_report_uses_the_same_overview_as_the_screen(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/r.db")
    demo = store.profiles.create_demo(DEMO_NAME, demo_data(LIB))
    ov = services.painlog_overview(store, demo.id, CFG, sessions_goal=LIB.sessions_goal)
    inputs = gather(LIB, store, demo)
    assert inputs.ov.verdict == ov.verdict and inputs.ov.entry_count == ov.entry_count
    assert gather(LIB, store, demo, ov=ov).ov is ov  # the page hands over its cached overview
