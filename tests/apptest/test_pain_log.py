"""AppTest flows for the pain log and the profiles page."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from backcheck.demo import DEMO_NAME
from backcheck.storage import Store

from .conftest import as_read, click, texts
from backcheck.painlog import PainEntry
from backcheck.player import RoutineSession

PAGE = "pages/pain_log.py"
PROFILES = "pages/profiles.py"


@pytest.fixture
def store(tmp_path) -> Store:
    """The same database file the app under test uses (see the `app` fixture)."""
    return Store(f"sqlite:///{tmp_path}/backcheck.db")


def key(name: str, pid: int = 1) -> str:
    return f"pain_w_{pid}_{name}"


def fill_entry(at, *, day=None, at_time=time(8, 30), pain=6, activity="squat", location="lower_back", notes="", gen=0):
    at.toggle(key=key(f"add_other_{gen}")).set_value(True).run()  # the date and time are behind "Another day or time"
    at.date_input(key=key(f"add_day_{gen}")).set_value(day or date.today())
    at.time_input(key=key(f"add_time_{gen}")).set_value(at_time)
    if pain is not None:
        at.button_group(key=key(f"add_pain_{gen}")).set_value(pain)
    if activity is not None:
        at.selectbox(key=key(f"add_activity_{gen}")).set_value(activity)
    if location is not None:
        at.selectbox(key=key(f"add_location_{gen}")).set_value(location)
    at.text_area(key=key(f"add_notes_{gen}")).set_value(notes)
    return click(at, "Save entry")


def seed_two_weeks(store: Store, pid: int = 1, first: float = 6, last: float = 3) -> None:
    start = datetime.combine(date.today() - timedelta(days=20), time(8))
    rows = [PainEntry(recorded_at=start + timedelta(days=d), pain=int(first if d < 7 else last),
                      activity="squat" if d % 3 == 0 else "walking", location="lower_back", notes="") for d in range(21)]
    store.pain.import_entries(pid, rows)


def open_tab(at, label: str, pid: int = 1):
    """Open one of the tabs (only the open tab's contents are drawn), as a click on it does."""
    at.session_state[key("tabs", pid)] = label
    return at.run()


def edit(at, eid: int):
    """Open the edit form of the entry picked in the Entries tab."""
    at.button(key=key(f"edit_{eid}")).click()
    return at.run()


def chart_names(at) -> list[str]:
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return [t.get("name", "") for t in spec["data"]]


def test_empty_log_shows_a_helpful_state_and_no_chart(app):
    at = app(PAGE)
    assert not at.exception
    assert "Your log is empty" in texts(at)
    assert not at.get("plotly_chart")
    assert any(b.label == "Save entry" for b in at.button)


def test_add_entry_saves_shows_chart_and_sparse_note(app, store):
    at = fill_entry(app(PAGE), pain=6, notes="Stiff after the drive")
    assert not at.exception
    assert "Saved: pain 6" in texts(at)
    rows = store.pain.all(1)
    assert [(r.pain, r.activity, r.location, r.notes) for r in rows] == [(6, "squat", "lower_back", "Stiff after the drive")]
    assert rows[0].recorded_at == datetime.combine(date.today(), time(8, 30))
    body = texts(at)
    assert "Your log covers 1 day so far" in body and "first 7 days become your baseline" in body
    assert "Squat" in chart_names(at)
    # the form is fresh again for the next entry
    assert at.button_group(key=key("add_pain_1")).value is None


def test_pain_starts_unpicked_and_an_entry_without_it_is_not_saved(app, store):
    """No silent default (issue 14): an untouched pain control must not record "no pain"."""
    at = app(PAGE)
    assert at.button_group(key=key("add_pain_0")).value is None
    at = fill_entry(at, pain=None)
    errors = " ".join(e.value for e in at.error)
    assert "Not saved" in errors and "Pick your pain right now" in errors
    assert "Pain must be" not in errors  # said once, as what to do
    assert store.pain.all(1) == []
    at = fill_entry(at, pain=0)
    assert "Saved: pain 0" in texts(at)
    assert [r.pain for r in store.pain.all(1)] == [0]


def test_missing_choices_are_named_and_nothing_is_saved(app, store):
    at = fill_entry(app(PAGE), activity=None, location=None)
    errors = " ".join(e.value for e in at.error)
    assert "Not saved" in errors and "Pick activity" in errors and "Pick place where it hurts" in errors
    assert store.pain.all(1) == []


def test_notes_are_shown_as_text_not_markdown(app, store):
    store.pain.add(1, PainEntry(recorded_at=datetime.now() - timedelta(hours=1), pain=4, activity="sitting", location="leg", notes="**bold** <b>html</b> :red[x]"))
    at = app(PAGE)
    assert "**bold**" not in texts(at) and "<b>html</b>" not in texts(at)
    at.toggle(key=key("entries_full")).set_value(True).run()  # the sortable table with the notes
    table = at.dataframe[0].value
    assert "**bold** <b>html</b> :red[x]" in table["Notes"].tolist()


def test_two_weeks_give_a_verdict_with_baseline_band_and_rule(app, store):
    seed_two_weeks(store, first=6, last=3)
    store.sessions.add(1, RoutineSession(20, {}, done_at=datetime.now() - timedelta(days=2)))
    at = app(PAGE)
    body = texts(at)
    assert "Meaningful improvement" in body and "big enough to matter to most people" in body
    assert "at least 2 points AND at least 30%" in body  # the rule, stated
    names = chart_names(at)
    assert any(n.startswith("First-week average 6.0") for n in names)
    assert any(n.startswith("No meaningful change") for n in names)
    assert "7-day average" in names and "Routine session done" in names
    assert "Squat: on the 7 days with it" in body  # activity comparison with enough days


def test_date_range_control_changes_the_chart(app, store):
    start = datetime.combine(date.today() - timedelta(days=200), time(9))
    store.pain.import_entries(1, [PainEntry(recorded_at=start + timedelta(days=d), pain=5, activity="walking",
                                            location="leg", notes="") for d in range(0, 201, 2)])
    at = app(PAGE)
    def points(a):
        spec = json.loads(a.get("plotly_chart")[0].proto.spec)
        return sum(len(t["x"]) for t in spec["data"] if t.get("name") == "Walking")
    three_months = points(at)
    at.segmented_control(key=key("range")).set_value("All").run()
    assert points(at) == 101 > three_months
    at.segmented_control(key=key("range")).set_value("4 weeks").run()
    assert points(at) < three_months


def test_edit_then_delete_with_confirm_and_undo(app, store):
    eid = store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today(), time(7, 0)), pain=5, activity="sitting", location="leg", notes="first"))
    at = edit(app(PAGE), eid)
    at.slider(key=key(f"e_pain_{eid}")).set_value(2)
    at.text_area(key=key(f"e_notes_{eid}")).set_value("changed")
    at = click(at, "Save changes")
    assert "Changes saved" in texts(at)
    assert [(r.pain, r.notes, r.recorded_at.time()) for r in store.pain.all(1)] == [(2, "changed", time(7, 0))]

    at = click(at, "Delete this entry")
    assert "Delete this entry?" in texts(at)
    assert len(store.pain.all(1)) == 1  # not yet
    at = click(at, "Yes, delete it")
    assert store.pain.all(1) == []
    assert "Deleted the entry" in texts(at)
    at = click(at, "Undo delete")
    assert [r.notes for r in store.pain.all(1)] == ["changed"]


def test_delete_can_be_cancelled(app, store):
    store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today(), time(7, 0)), pain=5, activity="sitting", location="leg", notes=""))
    at = click(click(app(PAGE), "Delete this entry"), "Keep it")
    assert len(store.pain.all(1)) == 1 and "Delete this entry?" not in texts(at)


def test_an_entry_is_for_now_unless_another_day_or_time_is_picked(app, store):
    at = app(PAGE)
    assert not at.date_input and not at.time_input  # the date and time controls are off the first view
    at.button_group(key=key("add_pain_0")).set_value(4)
    at.selectbox(key=key("add_activity_0")).set_value("walking")
    at.selectbox(key=key("add_location_0")).set_value("leg")
    before = datetime.now().replace(second=0, microsecond=0)
    at = click(at, "Save entry")
    after = datetime.now()
    assert "Saved: pain 4" in texts(at)
    [row] = store.pain.all(1)
    assert before <= row.recorded_at <= after  # saved for the moment of saving
    yesterday = date.today() - timedelta(days=1)
    at = fill_entry(at, day=yesterday, at_time=time(21, 15), gen=1)
    assert datetime.combine(yesterday, time(21, 15)) in [r.recorded_at for r in store.pain.all(1)]


def test_entries_tab_lists_the_newest_and_opens_the_full_table_and_older_days_on_request(app, store):
    start = datetime.combine(date.today() - timedelta(days=14), time(9))
    store.pain.import_entries(1, [PainEntry(recorded_at=start + timedelta(days=d), pain=d % 10, activity="walking",
                                            location="leg", notes="stiff" if d == 14 else "") for d in range(15)])
    at = app(PAGE)
    table = next(m.value for m in at.markdown if m.value.startswith("| When | Pain |"))
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 10  # the newest 10
    assert "The newest 10 of your 15 entries" in texts(at) and not at.dataframe
    assert [row.split("|")[-2].strip() for row in rows[:2]] == ["yes", ""]  # a note, not its text
    assert "stiff" not in texts(at) and "Note: stiff" in [t.value for t in at.text]  # the picked entry's note, as text
    at.toggle(key=key("entries_full")).set_value(True).run()
    assert len(at.dataframe[0].value) == 15 and "All 15 entries, newest first." in texts(at)
    # the picker offers the newest 10; an older entry is found by its day
    assert len(at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith(key("edit_pick_recent")))).options) == 10
    at.toggle(key=key("edit_by_day")).set_value(True).run()
    at.date_input(key=key("edit_day")).set_value(start.date()).run()
    picker = next(s for s in at.selectbox if s.key.startswith(key(f"edit_pick_{start.date()}")))
    assert picker.options == ["09:00 · pain 0 · Walking"]


def test_the_edit_form_opens_on_request_and_cancel_closes_it(app, store):
    eid = store.pain.add(1, PainEntry(recorded_at=datetime.combine(date.today(), time(7, 0)), pain=5, activity="sitting",
                                      location="leg", notes=""))
    at = app(PAGE)
    assert not at.slider  # closed until asked for
    at = edit(at, eid)
    at.slider(key=key(f"e_pain_{eid}")).set_value(8)
    at = click(at, "Cancel")
    assert not at.slider and [r.pain for r in store.pain.all(1)] == [5]


def test_the_sessions_chart_is_drawn_on_request(app, store):
    seed_two_weeks(store)
    for d in (1, 3, 9):
        store.sessions.add(1, RoutineSession(20, {}, done_at=datetime.now() - timedelta(days=d)))
    at = app(PAGE)
    assert len(at.get("plotly_chart")) == 1  # the pain chart only
    assert "Sessions per week (week starting):" in texts(at)
    at.toggle(key=key("sessions_chart_on")).set_value(True).run()
    assert len(at.get("plotly_chart")) == 2


CSV = ("recorded_at,pain,activity,location,notes\n"
       "2025-01-05T08:00,6,squat,lower_back,ok\n"
       "2025-01-06T08:00,eleven,squat,lower_back,\n"
       "2025-01-07T08:00,4,walking,leg,fine\n").encode()


def upload(at, data: bytes, gen: int = 0):
    if at.session_state[key("tabs")] != "Import / export":
        at = open_tab(at, "Import / export")
    at.file_uploader(key=key(f"upload_{gen}")).set_value(("log.csv", data, "text/csv"))
    return at.run()


def test_import_reports_rejected_rows_and_imports_on_request_without_duplicates(app, store):
    at = upload(app(PAGE), CSV)
    body = texts(at)
    assert "2 new entries ready to import" in body and "1 rejected" in body
    rejected = at.dataframe[-1].value
    assert rejected["Row"].tolist() == [3] and "got 'eleven'" in rejected["Why it was rejected"][0]
    assert store.pain.all(1) == []  # nothing written before the choice
    at = click(at, "Import the 2 valid entries")
    assert "Imported 2 entries" in texts(at)
    assert [r.pain for r in store.pain.all(1)] == [6, 4]
    at = upload(at, CSV, gen=1)
    assert "nothing new to import" in texts(at)
    assert len(store.pain.all(1)) == 2


def test_import_nothing_writes_nothing(app, store):
    at = click(upload(app(PAGE), CSV), "Import nothing")
    assert "Nothing was imported" in texts(at) and store.pain.all(1) == []


def test_broken_file_gets_a_clear_message(app, store):
    at = upload(app(PAGE), b"date;score\n1;2\n")
    errors = as_read(" ".join(e.value for e in at.error))
    assert "Nothing imported" in errors and "missing: recorded_at" in errors
    assert store.pain.all(1) == []


def test_function_scores_add_rate_and_remove(app, store):
    at = open_tab(app(PAGE), "Function scores")
    at.selectbox(key=key("fn_choice_0")).set_value("Squatting to full depth")
    at = click(at, "Add activity")
    assert [a.name for a in store.functions.activities(1)] == ["Squatting to full depth"]
    aid = store.functions.activities(1)[0].id
    at.slider(key=key(f"rate_{aid}_0")).set_value(3)
    at = click(at, "Save today's scores")
    assert [r.score for r in store.functions.ratings(1)] == [3]
    assert "Function scores saved" in texts(at)
    # own words, and the limit of three
    at.selectbox(key=key("fn_choice_1")).set_value("__own__")
    at.run()
    at.text_input(key=key("fn_own_1")).set_value("Carrying my toddler")
    at = click(at, "Add activity")
    assert [a.name for a in store.functions.activities(1)] == ["Squatting to full depth", "Carrying my toddler"]
    at.checkbox(key=key(f"fn_remove_ok_{aid}")).check().run()
    at = click(at, "Remove activity")
    assert [a.name for a in store.functions.activities(1)] == ["Carrying my toddler"]


def test_downloads_are_offered(app, store):
    seed_two_weeks(store)
    at = open_tab(app(PAGE), "Import / export")
    labels = [b.label for b in at.get("download_button")]
    assert "Download CSV (21 entries)" in labels and "Download clinician report (PDF)" in labels


# --------------------------------------------------------------------------- profiles page


def test_profiles_create_rename_switch_and_delete_with_confirm(app, store):
    at = app(PROFILES)
    at.text_input(key="profiles_w_create_name_0").set_value("Patient 12")
    at = click(at, "Create and switch to it")
    assert "Profile created" in texts(at)
    new = next(p for p in store.profiles.list() if p.name == "Patient 12")
    assert at.session_state["active_profile_id"] == new.id
    # duplicate name is refused
    at.text_input(key="profiles_w_create_name_1").set_value("patient 12")
    at = click(at, "Create and switch to it")
    assert any("already exists" in e.value for e in at.error)
    # rename (under "Rename or delete", drawn when opened)
    assert not [t for t in at.text_input if t.key == f"profiles_w_rename_{new.id}_1"]
    at.session_state[f"profiles_w_manage_{new.id}"] = True
    at.run()
    at.text_input(key=f"profiles_w_rename_{new.id}_1").set_value("Patient twelve")
    rename = [b for b in at.button if b.label == "Rename" and str(new.id) in b.form_id.split("_")]
    at = rename[0].click().run()
    assert store.profiles.get(new.id).name == "Patient twelve"
    # delete asks first
    delete = [b for b in at.button if b.key == f"profiles_w_delete_{new.id}"][0]
    at = delete.click().run()
    assert store.profiles.get(new.id) is not None
    at = click(at, "Yes, delete it")
    assert store.profiles.get(new.id) is None and "Profile deleted" in texts(at)
    assert at.session_state["active_profile_id"] != new.id


def test_demo_patient_loads_everywhere_marked_and_is_removed_in_one_click(app, store):
    store.pain.add(1, PainEntry(recorded_at=datetime.now() - timedelta(hours=2), pain=3, activity="walking", location="leg", notes="mine"))
    at = click(app(PROFILES), "Load the demo patient")
    demo = next(p for p in store.profiles.list() if p.is_demo)
    assert demo.name == DEMO_NAME and at.session_state["active_profile_id"] == demo.id
    at.switch_page(PAGE).run()
    assert not at.exception
    body = texts(at)
    assert "Demo patient." in body and "Meaningful improvement" in body
    at.switch_page(PROFILES).run()
    at = click(at, "Remove the demo patient")
    assert [p.is_demo for p in store.profiles.list()] == [False]
    assert [r.notes for r in store.pain.all(1)] == ["mine"]
    assert at.session_state["active_profile_id"] == 1
