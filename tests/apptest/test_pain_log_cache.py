"""The pain log's cache (per profile and data version) never shows a stale chart or verdict."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta

import pytest

from backcheck.storage import Store

from .conftest import click, texts
from .test_pain_log import PAGE, edit, fill_entry, key, seed_two_weeks
from backcheck.painlog import PainEntry


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path}/backcheck.db")


def values(v) -> list:
    """A plotly array as a list (plotly sends numeric arrays base64-encoded)."""
    if isinstance(v, dict) and "bdata" in v:
        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def chart_points(at) -> int:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return sum(len(t.get("x", [])) for t in spec["data"] if t.get("mode") == "markers" and t.get("name") != "Routine session done")


def test_adding_an_entry_changes_the_cached_chart_and_verdict(app, store):
    seed_two_weeks(store, first=6, last=6)
    at = app(PAGE)
    assert "No meaningful change yet" in texts(at) and "is 6.0, the same as in your first week" in texts(at)
    before = chart_points(at)
    at.run()  # a plain rerun comes from the cache and shows the same
    assert chart_points(at) == before
    # three painless entries today pull the latest week down
    for gen, hour in enumerate((7, 8, 9)):
        at = fill_entry(at, pain=0, activity="walking", at_time=time(hour, 0), gen=gen)
        assert not at.exception
    assert chart_points(at) == before + 3
    assert "is 5.4, 0.6 points lower than in your first week" in texts(at)  # the verdict moved with the chart
    for d in (1, 2):  # and two more days, written by another process
        store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today() - timedelta(days=d), time(12)), pain=0, activity="walking", location="leg"))
    at.run()
    assert chart_points(at) == before + 5  # a write by another process shows on the next rerun too
    assert "is 4.5, 1.5 points lower than in your first week" in texts(at)


def test_edit_and_delete_show_at_once(app, store):
    eid = store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today(), time(7, 0)), pain=5, activity="sitting", location="leg", notes=""))
    at = app(PAGE)
    assert "1 entry on 1 day" in texts(at)
    at = edit(at, eid)
    at.slider(key=key(f"e_pain_{eid}")).set_value(9)
    at = click(at, "Save changes")
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [values(t["y"]) for t in spec["data"] if t.get("name") == "Sitting"] == [[9]]
    # the Entries tab's list and picker (cached per data version too) show the new pain at once
    listed = next(m.value for m in at.markdown if m.value.startswith("| When | Pain |"))
    assert "| 9 | Sitting |" in listed and "| 5 |" not in listed
    picker = next(s for s in at.selectbox if s.key.startswith(key("edit_pick_recent")))
    assert picker.options == [picker.format_func(eid)] and picker.format_func(eid).endswith("07:00 · pain 9 · Sitting")
    # a write from elsewhere (another tab, an import) shows on the next run as well
    store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today(), time(8, 0)), pain=2, activity="walking",
                                location="leg", notes=""))
    at.run()
    listed = next(m.value for m in at.markdown if m.value.startswith("| When | Pain |"))
    assert listed.index("| 2 | Walking |") < listed.index("| 9 | Sitting |")  # newest first
    at = click(click(at, "Delete this entry"), "Yes, delete it")
    at = click(click(at, "Delete this entry"), "Yes, delete it")
    assert "Your log is empty" in texts(at) and not at.get("plotly_chart")


def test_each_profile_has_its_own_cache(app, store):
    seed_two_weeks(store, first=6, last=3)
    other = store.profiles.create("Other").id
    at = app(PAGE)
    assert "Meaningful improvement" in texts(at)
    at.session_state["active_profile_id"] = other
    at.run()
    assert "Your log is empty" in texts(at)


def test_profiles_counts_follow_every_write_to_any_profile(app, store):
    """The Profiles page's counts are cached (they count whole tables) and keyed on the data versions
    of the account's profiles: a write to any of them, or a new profile, shows on the next run."""
    from backcheck.player import RoutineSession

    other = store.profiles.create("Patient 2").id
    at = app("pages/profiles.py")
    assert "0 pain entries · 0 routine sessions" in texts(at)

    store.pain.add(1, PainEntry(recorded_at=datetime(2026, 3, 2, 9), pain=4, activity="walking", location="lower_back"))
    at.run()
    assert "1 pain entry · 0 routine sessions" in texts(at)  # the active profile's write
    store.sessions.add(other, RoutineSession(20, {}))
    at.run()
    assert "0 pain entries · 1 routine session" in texts(at)  # another profile's write
    store.profiles.create("Patient 3")
    at.run()
    assert "All profiles (3)" in [h.value for h in at.subheader]
    assert texts(at).count("0 pain entries · 0 routine sessions") == 1  # the new one (Patient 2 has a session)
