"""Safety check: red-flag questions; any yes stops the routine and says what to do."""

import streamlit as st

from backcheck import phone_ui, ui
from backcheck.safety import REDO_AFTER_FLAG, WITHHELD, SafetyCheck, evaluate_safety, outdated_message, read_saved
from backcheck.storage import StorageError

lib = ui.library()
safety = lib.safety
profile = ui.active_profile()
store = ui.store()

st.title("Safety check")


def show_result(check: SafetyCheck) -> None:
    result = read_saved(safety, check)
    if result.warning_signs:
        ui.show_safety_result(result)
    elif result.outdated:
        st.info(outdated_message("the exercises"), icon=":material/health_and_safety:")
    else:
        st.success(f"**No warning signs.** {safety.clear_message}", icon=":material/check_circle:")
    st.caption(f"Saved on {ui.fmt_when(check.taken_at)} for the active profile.")
    if not result.blocks_exercise:
        phone_ui.back_to_shared_routine()  # came from a shared routine: back to it
        if st.button("Next: the posture quiz", type="primary", icon=":material/arrow_forward:"):
            st.switch_page(ui.QUIZ)
    elif result.warning_signs:
        st.markdown(f"{WITHHELD} {REDO_AFTER_FLAG}")


last = store.safety.latest(profile.id)
if st.session_state.pop(f"safety_saved_{profile.id}", False):
    ui.scroll_to_top()

show_form = last is None or st.session_state.get(f"safety_redo_{profile.id}", False)
if last is not None and (saved := read_saved(safety, last)).outdated and not saved.warning_signs:
    show_form = True
if last is not None:
    show_result(last)
    if not show_form:
        if st.button("Answer the questions again", icon=":material/refresh:"):
            st.session_state[f"safety_redo_{profile.id}"] = True
            st.rerun()
    st.divider()

if show_form:
    st.markdown(safety.intro)
    with st.form(f"safety_form_{profile.id}"):  # keys carry the profile: a switch never carries answers over
        answers: dict[str, bool | None] = {}
        for i, flag in enumerate(safety.flags, start=1):
            choice = st.radio(
                f"{i}. {flag.question}",
                ["No", "Yes"],
                index=None,
                horizontal=True,
                key=f"safety_{profile.id}_{flag.id}",
                help=flag.detail,
            )
            answers[flag.id] = None if choice is None else choice == "Yes"
        submitted = st.form_submit_button("Save my answers", type="primary")

    if submitted:
        missing = [i for i, f in enumerate(safety.flags, start=1) if answers[f.id] is None]
        if missing:
            st.warning(
                f"Please answer every question before saving — still open: {', '.join(map(str, missing))}. "
                "Nothing was saved.",
                icon=":material/edit_note:",
            )
        else:
            result = evaluate_safety(safety, answers)
            try:
                store.safety.add(profile.id, SafetyCheck.of(result, answers))
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                st.session_state[f"safety_saved_{profile.id}"] = True
                st.session_state[f"safety_redo_{profile.id}"] = False
                st.rerun()

st.caption(f"Sources: {lib.cite('nhs_back_pain')}; {lib.cite('nice_ng59')}")
