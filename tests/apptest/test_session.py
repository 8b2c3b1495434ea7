"""AppTest flows for the session player (pages/session.py), Today (pages/home.py) and the routine's Start."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from backcheck import session as S
from backcheck.player import RoutineSession
from backcheck.content import load_library

from .conftest import ROOT, click, me, record_clear_safety as clear_safety, texts

LIB = load_library()
PAGE = "pages/session.py"




def pills(at: AppTest, label_start: str):
    return next(b for b in at.button_group if b.label.startswith(label_start))


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_session_needs_a_clear_safety_check(app):
    at = app(PAGE)
    assert "Safety check first" in texts(at)


def test_player_flow_start_tap_hurt_pain_rise_and_record(app, store):
    pid = me(store)
    clear_safety(store, pid)
    at = open_page(PAGE)
    # starting without a pain value says what to do and starts nothing
    at = click(at, "Start the session")
    assert "Pick how much it hurts right now" in texts(at)
    assert store.player.active(pid) is None
    pills(at, "Pain right now").set_value(2).run()
    at = click(at, "Start the session")
    act = S.active(store, pid)
    assert act is not None and act.state.pain_before == 2
    first = act.plan.items[0]
    assert at.header[0].value == first.name
    assert "Get into position" in "".join(h.proto.body for h in at.html)

    # Start the first exercise, then move through its steps by tapping (no clock needed)
    at = click(at, "Start")
    assert S.active(store, pid).state.step == 1  # saved at once
    labels = {"reps": "Set done", "rest": "Skip the rest"}
    while S.active(store, pid).state.item == 0:
        act = S.active(store, pid)
        step = act.plan.steps(0)[act.state.step]
        at = click(at, labels.get(step.kind, "Next"))
    assert S.active(store, pid).state.outcomes[0] == "done"

    # the second exercise hurts: pain is asked, a rise of 2 drops the hard items
    at = click(at, "It hurts")
    assert "Sorry it hurt" in texts(at)
    pills(at, "Pain now").set_value(4).run()
    at = click(at, "Save")
    act = S.active(store, pid)
    assert act.state.outcomes[1] == "hurt" and act.state.pain_stop
    assert "strength work is left out" in texts(at)
    hard = [i for i, it in enumerate(act.plan.items) if it.kind in LIB.progression.rules.hard_kinds and i > 1]
    assert all(act.state.outcomes[i] == "skipped" for i in hard)

    # end early, then record: both answers are required
    at.expander[0]  # the "End the session early" expander exists
    at = click(at, "End the session now")
    assert "Session finished" in texts(at)
    at = click(at, "Record the session")
    assert "Pick how much it hurts right now" in texts(at)
    pills(at, "Pain now").set_value(3).run()
    at = click(at, "Record the session")
    assert "how hard the session felt" in texts(at)
    next(r for r in at.radio if r.label == "How hard did it feel?").set_value("right").run()
    at = click(at, "Record the session")
    assert not at.exception
    [rec] = store.player.finished(pid)
    assert (rec.pain_before, rec.pain_after, rec.effort) == (2, 3, "right")
    assert len(store.sessions.list(pid)) == 1
    assert "Session recorded" in texts(at)  # back on Today, with the message


def test_a_reload_resumes_the_session_where_it_was(app, store):
    pid = me(store)
    clear_safety(store, pid)
    at = open_page(PAGE)
    pills(at, "Pain right now").set_value(1).run()
    at = click(at, "Start the session")
    at = click(at, "Skip")
    name = S.active(store, pid).plan.items[1].name
    again = open_page(PAGE)  # a new session, as after a reload or a dropped connection
    assert again.header[0].value == name


def test_routine_start_button_opens_the_player_with_its_choices(app, store):
    pid = me(store)
    clear_safety(store, pid)
    at = open_page("pages/routine.py")
    at = click(at, "Start session")
    assert at.title[0].value == "Session"
    assert "the choices you made on My routine" in texts(at)


def test_today_for_a_returning_person(app, store):
    pid = me(store)
    at = app()
    assert "Your steps" in [s.value for s in at.subheader]  # first time: the checklist
    clear_safety(store, pid)
    at = app()
    assert at.title[0].value == "Today"
    body = texts(at)
    assert "0 sessions this week." in body and "suggests at least 3 a week" in body
    assert "posture quiz" in body.lower()  # the next missing step is offered
    assert "Your steps" not in [s.value for s in at.subheader]  # folded under "All your steps", drawn when opened
    at.session_state[f"home_steps_{pid}"] = True
    at.run()
    assert "Your steps" in [s.value for s in at.subheader] and "Clear on" in texts(at)
    # one-tap pain entry: no preset value
    pain = pills(at, "Pain today")
    assert pain.value is None
    pain.set_value(3).run()
    assert store.pain.latest(pid).pain == 3
    assert "Saved: pain 3/10" in texts(at)


def test_today_is_never_older_than_the_data(app, store):
    """Home's view is cached per profile and data version: a write made elsewhere (another tab,
    another server) shows on the next run, and a run without a write reads nothing else."""
    pid = me(store)
    clear_safety(store, pid)
    at = app()
    assert "0 sessions this week." in texts(at)
    store.sessions.add(pid, RoutineSession(20, {}))
    at.run()
    assert "1 session this week." in texts(at)
    assert "Done today at" in texts(at)
