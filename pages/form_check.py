"""Form check: hip-hinge, squat and handstand fault checklists, saved and compared over time."""

import streamlit as st

from backcheck import ui
from backcheck.form_check import (
    ChangeStatus,
    FormCheckRecord,
    advice_for,
    build_check,
    checked_movements,
    compare,
    group_faults,
    history_frame,
    ticked_ids,
)
from backcheck.storage import StorageError
from backcheck.text import md

lib = ui.library()
book = lib.faults
profile = ui.active_profile()
store = ui.store()
movement_name = {m.id: m.name for m in book.movements}
BADGE = {"cleared": "green", "new": "orange", "remains": "blue", "not_rechecked": "gray"}

st.title("Form check")
ui.require_safe_to_exercise("the form check")
st.markdown(book.intro)


# Widget keys carry the profile, so switching profile mid-check never carries ticks over.
def tick_key(fault_id: str) -> str:
    return f"form_tick_{profile.id}_{fault_id}"


def skip_key(movement_id: str) -> str:
    return f"form_skip_{profile.id}_{movement_id}"


def drill_links(exercise_ids: list[str]) -> None:
    with st.container(horizontal=True, gap="medium"):  # one wrapping row
        for ex_id in exercise_ids:
            ui.exercise_link(lib.exercise_by_id[ex_id])


ADVICE_BOX = {
    "professional": ("See a professional", st.info, ":material/stethoscope:"),
    "pain": ("When it hurts", st.warning, ":material/front_hand:"),
}


def show_advice(pairs, kind: str, per_movement: bool) -> None:
    """One box per kind of advice; with several movements, one bullet per movement."""
    chosen = [(m, a) for m, a in pairs if a.kind == kind]
    if not chosen:
        return
    title, box, icon = ADVICE_BOX[kind]

    def cite(a) -> str:
        return f"*({lib.source_by_id[a.source].short})*"

    if per_movement:
        body = "\n".join(f"- **{m.name}:** {a.text} {cite(a)}" for m, a in chosen)
        box(f"**{title}**\n\n{body}", icon=icon)
    else:
        box("\n\n".join(f"**{title}.** {a.text} {cite(a)}" for _m, a in chosen), icon=icon)


def show_checklist() -> None:
    tabs = st.tabs([m.name for m in book.movements], key=f"form_tabs_{profile.id}")
    for tab, movement in zip(tabs, book.movements):
        with tab:
            st.markdown(movement.intro)
            show_advice([(movement, a) for a in movement.advice], "professional", per_movement=False)
            if movement.self_check is not None:
                check = movement.self_check
                with st.container(border=True):
                    st.markdown(f"**{check.name}** — faults marked *{book.methods[check.method]}* use it.")
                    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(check.steps, start=1)))
                    ui.figure(movement.id, "checks")
                    ui.cite(check.source)
            skipped = st.checkbox(
                f"I did not check the {movement.name.lower()} this time",
                key=skip_key(movement.id),
                help="Skipped movements are left out of this check, so their faults are not counted as cleared.",
            )
            if skipped:
                st.caption(f"{movement.name} is left out of this check.")
                continue
            for fault in book.for_movement(movement.id):
                with st.container(border=True):
                    st.checkbox(fault.name, key=tick_key(fault.id))
                    st.caption(f"How to check ({book.methods[fault.check_with]}): {fault.how_to_check}")
                    ui.figure(fault.id, "faults", max_width=200)
                    why = st.expander("Why it matters and how to fix it", key=f"form_why_{profile.id}_{fault.id}",
                                      on_change="rerun")
                    if why.open:  # drawn when opened: sixteen faults stay light (issue 15)
                        with why:
                            st.markdown(f"**Why it loads the back:** {fault.why}\n\n**The cue:** {fault.cue}"
                                        "\n\n**Drills that build what is missing**")
                            drill_links(fault.drills)
                            ui.cite(fault.source)
            show_advice([(movement, a) for a in movement.advice], "pain", per_movement=False)


def current_selection() -> tuple[list[str], list[str]]:
    """(ticked fault ids, skipped movement ids) as the checkboxes stand now."""
    skipped = [m.id for m in book.movements if st.session_state.get(skip_key(m.id))]
    ticked = [f.id for f in book.faults if f.movement not in skipped and st.session_state.get(tick_key(f.id))]
    return ticked, skipped


def show_summary(check: FormCheckRecord) -> None:
    ids = [i for i in ticked_ids(check) if i in lib.fault_by_id]
    moves = checked_movements(check)
    left_out = [m.name for m in book.movements if m.id not in moves]
    note = f"Checked: {', '.join(movement_name.get(m, m) for m in moves)}."
    if left_out:
        note += f" Not checked this time: {', '.join(left_out)}."
    st.caption(f"Saved on {ui.fmt_when(check.taken_at)}. {note}")
    if not ids:
        st.success(book.all_clear, icon=":material/verified:")
        return
    noun = "fault" if len(ids) == 1 else "faults"
    st.markdown(f"You ticked **{len(ids)} {noun}**. Here they are, grouped by what they have in common.")
    advice = advice_for(lib, ids)
    show_advice(advice, "professional", per_movement=True)
    for summary in group_faults(lib, ids):
        group = summary.group
        with st.container(border=True):
            count = f"{summary.count} fault" + ("s" if summary.count != 1 else "")
            st.subheader(f"{group.name} · {count}", anchor=False)
            lead = "Several of your faults point here. " if summary.count > 1 else ""
            st.markdown(f"{lead}{group.explanation}")
            st.caption("Grouping: BackCheck's suggestion · explanation from "
                       + "; ".join(lib.source_by_id[src].short for src in group.sources))
            st.markdown("\n".join(f"- **{f.name}** ({movement_name[f.movement]}) — {f.cue}" for f in summary.faults)
                        + f"\n\n**Focus:** {group.focus}\n\n**Drills**")
            drill_links(summary.drills)
    show_advice(advice, "pain", per_movement=True)
    st.page_link(ui.ROUTINE, label="Open my routine", icon=":material/event_note:")


def show_comparison(latest: FormCheckRecord, previous: FormCheckRecord | None) -> None:
    st.subheader("Compared with your previous check", anchor=False)
    if previous is None:
        st.info("This is your first saved form check. Save another one after a few weeks of practice "
                "and you will see here which faults have cleared.", icon=":material/compare_arrows:")
        return
    comparison = compare(lib, latest, previous)
    before = f"Previous ({ui.fmt_when(previous.taken_at)})"
    now = f"Latest ({ui.fmt_when(latest.taken_at)})"
    with st.container(horizontal=True, gap="medium"):  # stays one row at phone width
        st.metric("Cleared", len(comparison.cleared), border=True)
        st.metric("New", len(comparison.new), border=True)
        st.metric("Still there", len(comparison.remains), border=True)
    if not comparison.changes:
        st.success("Neither check found a fault. Well done — keep it that way.", icon=":material/verified:")
        return
    if comparison.cleared and not comparison.new and not comparison.remains:
        st.success("Every fault from your previous check has cleared.", icon=":material/celebration:")
    left, right = st.columns(2)
    for col, title, check, side in ((left, before, previous, "before"), (right, now, latest, "now")):
        with col, st.container(border=True, key=f"form_cmp_{side}"):
            st.markdown(f"**{title}**")
            rows = [c for c in comparison.changes if getattr(c, side) == "ticked"]
            rows.sort(key=lambda c: list(ChangeStatus).index(c.status))
            lines = [f"- :{BADGE[c.status]}-badge[{ChangeStatus(c.status).label}] {c.fault.name} "
                     f"({movement_name[c.fault.movement]})" for c in rows]
            st.markdown("\n".join(lines) if lines else "No faults ticked.")
            skipped_then = [m.name for m in book.movements if m.id not in checked_movements(check)]
            if skipped_then:
                st.caption(f"Not checked: {', '.join(skipped_then)}.")
    if comparison.not_rechecked:
        st.caption("*Not checked this time* means the movement was skipped in the latest check, "
                   "so those faults are neither cleared nor confirmed.")
    table = st.expander("Fault by fault, as a table", key=f"form_cmp_table_{profile.id}", on_change="rerun")
    if table.open:  # tables are drawn when opened
        table.dataframe(comparison.frame(lib, before, now), hide_index=True)


history = store.form_checks.history(profile.id)
AGAIN = f"form_again_{profile.id}"
if st.session_state.pop(f"form_saved_{profile.id}", False):
    ui.scroll_to_top()
    st.success("Saved. Here is what your check found and what changed since last time.", icon=":material/check_circle:")

if history and not st.session_state.get(AGAIN, False):
    # The saved result comes first (issue 14), like the safety check and the quiz; the
    # checklist opens again on "Check again" and starts clean.
    st.header("Your latest check", anchor=False)
    show_summary(history[0])
    show_comparison(history[0], history[1] if len(history) > 1 else None)
    if len(history) > 1:
        every = st.expander(f"All your form checks ({len(history)})", key=f"form_all_{profile.id}", on_change="rerun")
        if every.open:
            every.dataframe(history_frame(lib, history, ui.fmt_when), hide_index=True)
    if st.button("Check again", icon=":material/refresh:", key=f"form_again_go_{profile.id}",
                 help="A fresh checklist; the new check is compared with this one."):
        st.session_state[AGAIN] = True
        st.rerun()
else:
    if history:
        st.header("Check again", anchor=False)
        st.caption(f"Your latest check, from {ui.fmt_when(history[0].taken_at)}, is kept: the new one is "
                   "compared with it.")
        if st.button("Back to my latest result", icon=":material/arrow_back:", key=f"form_again_back_{profile.id}"):
            st.session_state[AGAIN] = False
            st.rerun()
    show_checklist()

    ticked, skipped = current_selection()
    checked_count = len(book.movements) - len(skipped)
    if checked_count == 0:
        st.caption("Every movement is marked as not checked.")
    else:
        noun = "fault" if len(ticked) == 1 else "faults"
        st.caption(f"Ready to save: {len(ticked)} {noun} ticked across {checked_count} of {len(book.movements)} movements.")

    if st.button("Save this check", type="primary", icon=":material/save:"):
        try:
            faults = build_check(lib, ticked, skipped)
            store.form_checks.add(profile.id, FormCheckRecord(faults))
        except ValueError as exc:  # FormCheckError or a shape the store refuses: nothing was saved
            st.warning(md(exc), icon=":material/edit_note:")
        except StorageError as exc:
            ui.show_storage_error(exc)
        else:
            st.session_state[f"form_saved_{profile.id}"] = True
            st.session_state[AGAIN] = False
            for key in [k for k in st.session_state if str(k).startswith((tick_key(""), skip_key("")))]:
                del st.session_state[key]  # a later "Check again" starts clean
            st.rerun()
    if not history:
        st.caption("No form check saved yet for this profile. Tick what you notice and press Save.")

st.info(
    "This checklist is a self-check, not a diagnosis. If a movement keeps hurting however you adjust it, "
    "stop that movement for now and have a physiotherapist look at you.",
    icon=":material/stethoscope:",
)
