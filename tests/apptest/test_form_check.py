"""AppTest flows for the form check: tick, save, revisit, compare."""

import pytest

from backcheck.content import load_library

from .conftest import clear_safety, click, texts

LIB = load_library()
PAGE = "pages/form_check.py"
SAVE = "Save this check"


@pytest.fixture
def app(app):
    """The form check asks for movements, so it opens only after a clear safety check."""
    clear_safety()
    return app


def tick(at, *fault_ids, skip=()):
    for fid in fault_ids:
        at.checkbox(key=f"form_tick_1_{fid}").check()
    for movement in skip:
        at.checkbox(key=f"form_skip_1_{movement}").check()
    return at.run()


def opened(at, *keys):
    """Open expanders drawn only when opened (their keys), as a tap does, and rerun."""
    for key in keys:
        at.session_state[key] = True
    return at.run()


def headings(at):
    return [h.value for h in [*at.header, *at.subheader]]


def test_checklist_shows_every_fault_with_how_why_and_drills(app):
    at = opened(app(PAGE), *(f"form_why_1_{f.id}" for f in LIB.faults))  # every "Why it matters" opened
    labels = [c.label for c in at.checkbox]
    for fault in LIB.faults:
        assert fault.name in labels
    assert [t.label for t in at.tabs] == ["Hip hinge", "Squat", "Handstand"]
    body = texts(at)
    assert "The dowel check" in body
    assert body.count("Dowel check") >= 1  # hinge faults point at the one explanation
    assert "See a physiotherapist first" in body  # article 000 advice shown with the handstand
    assert LIB.fault_by_id["squat_butt_wink"].why in body
    links = [p.proto.label for p in at.get("page_link")]
    assert "Hip hinge with a dowel" in links
    assert "No form check saved yet" in body


def test_tick_save_and_revisit_shows_grouped_summary(app):
    at = tick(app(PAGE), "hinge_pelvis_tips_forward", "squat_no_brace", "handstand_core_not_braced",
              "handstand_closed_shoulders")
    assert "Ready to save: 4 faults ticked across 3 of 3 movements." in texts(at)
    at = click(at, SAVE)
    assert not at.exception
    assert any("Saved." in s.value for s in at.success)
    heads = headings(at)
    assert "Your latest check" in heads
    assert heads.index("Brace · 3 faults") < heads.index("Shoulder mobility · 1 fault")
    body = texts(at)
    assert "Several of your faults point here" in body
    assert "This is your first saved form check" in body
    assert "See a physiotherapist first" in body

    # a fresh session on the same database (a revisit) finds the saved check
    again = app(PAGE)
    assert "Brace · 3 faults" in headings(again)
    assert "Saved on" in texts(again)
    # the saved result comes first, the checklist waits behind "Check again" (issue 14)
    assert not again.checkbox and SAVE not in [b.label for b in again.button]
    again = click(again, "Check again")
    # the checklist itself starts clean for a new look
    assert [c.label for c in again.checkbox if c.label == next(iter(LIB.faults)).name]
    assert not any(c.value for c in again.checkbox)
    assert "Brace · 3 faults" not in headings(again)


def test_nothing_ticked_gives_a_positive_message(app):
    at = click(app(PAGE), SAVE)
    assert any(LIB.faults.all_clear.split(" — ")[0] in s.value for s in at.success)
    assert not [h for h in headings(at) if " · " in h]


def test_second_check_shows_what_cleared_beside_the_previous(app):
    at = click(tick(app(PAGE), "hinge_too_low", "squat_butt_wink"), SAVE)
    at = click(app(PAGE), "Check again")
    at = click(tick(at, "hinge_too_low", "hinge_bends_forward"), SAVE)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Cleared": "1", "New": "1", "Still there": "1"}
    assert not at.dataframe  # the table is drawn when its expander is opened
    frame = opened(at, "form_cmp_table_1").dataframe[0].value
    change = dict(zip(frame["Fault"], frame["Change"]))
    assert change[LIB.fault_by_id["squat_butt_wink"].name] == "Cleared"
    assert change[LIB.fault_by_id["hinge_bends_forward"].name] == "New"
    assert change[LIB.fault_by_id["hinge_too_low"].name] == "Still there"
    assert [c for c in frame.columns if c.startswith(("Previous", "Latest"))], frame.columns
    assert any("All your form checks (2)" in e.label for e in at.expander)


def test_skipped_movement_is_not_counted_as_cleared(app):
    click(tick(app(PAGE), "handstand_banana_back"), SAVE)
    at = click(tick(click(app(PAGE), "Check again"), skip=["handstand"]), SAVE)
    frame = opened(at, "form_cmp_table_1").dataframe[0].value
    assert frame["Change"].tolist() == ["Not checked this time"]
    assert {m.label: m.value for m in at.metric}["Cleared"] == "0"
    assert "Not checked this time: Handstand" in texts(at)


def test_skipping_every_movement_saves_nothing(app):
    at = click(tick(app(PAGE), skip=["hinge", "squat", "handstand"]), SAVE)
    assert any("Check at least one movement" in w.value for w in at.warning)
    assert "Your latest check" not in headings(at)
    assert "Your latest check" not in headings(app(PAGE))


def test_home_shows_the_form_check_step_and_its_status(app):
    home = opened(app(), "home_steps_1")  # a returning person's steps are folded under "All your steps"
    assert "**3. Form check**" in texts(home)
    click(tick(app(PAGE), "hinge_pelvis_tips_forward", "hinge_mid_back_arches"), SAVE)
    assert "2 faults to work on (Brace)" in texts(opened(app(), "home_steps_1"))


def test_storage_failure_is_explained_and_nothing_is_saved(app, monkeypatch):
    from backcheck.repos import FormCheckRepository
    from backcheck.storage import StorageError

    def broken(self, *args, **kwargs):
        raise StorageError("Could not save the form check: the database is busy. Nothing was changed.")

    at = tick(app(PAGE), "squat_butt_wink")
    monkeypatch.setattr(FormCheckRepository, "add", broken)
    at = click(at, SAVE)
    assert not at.exception
    assert any("Could not save the form check" in e.value for e in at.error)
    assert "Your latest check" not in headings(at)
    monkeypatch.undo()
    assert "Your latest check" not in headings(app(PAGE))


def test_summary_links_the_routine_and_the_drills(app):
    at = click(tick(app(PAGE), "hinge_bends_forward"), SAVE)
    links = [p.proto.label for p in at.get("page_link")]
    assert "Open my routine" in links
    assert "Hip hinge with a dowel" in links
