"""Safety check: red-flag questions; any yes stops the routine and says what to do."""

import streamlit as st

from backcheck import phone_ui, ui
from backcheck.safety import evaluate_safety
from backcheck.storage import StorageError

lib = ui.library()
safety = lib.safety
profile = ui.active_profile()
store = ui.store()
flag_by_id = {f.id: f for f in safety.flags}

st.title("Safety check")


def show_result(check: dict) -> None:
    if check["level"] == "emergency":
        st.error(f"**Get urgent help now.** {safety.emergency_message}", icon=":material/emergency:")
    elif check["level"] == "soon":
        st.warning(f"**See a doctor soon.** {safety.soon_message}", icon=":material/stethoscope:")
    else:
        st.success(f"**No warning signs.** {safety.clear_message}", icon=":material/check_circle:")
    for fid in check["flags"]:
        flag = flag_by_id.get(fid)
        if flag:
            st.markdown(f"- **{flag.question}** — {flag.advice}")
    st.caption(f"Saved on {ui.fmt_when(check['taken_at'])} for the active profile.")
    if check["level"] == "clear":
        phone_ui.back_to_shared_routine()  # came from a shared routine: back to it
        if st.button("Next: the posture quiz", type="primary", icon=":material/arrow_forward:"):
            st.switch_page(ui.QUIZ)
    else:
        st.markdown(
            "BackCheck will not build an exercise routine while warning signs are recorded. "
            "When a doctor has seen you and the signs have gone, answer the questions again."
        )


last = store.latest_safety_check(profile.id)
if st.session_state.pop(f"safety_saved_{profile.id}", False):
    ui.scroll_to_top()
    st.toast("Safety check saved.", icon=":material/check:")

show_form = last is None or st.session_state.get(f"safety_redo_{profile.id}", False)
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
                store.save_safety_check(profile.id, result.level, result.flagged, {k: bool(v) for k, v in answers.items()})
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                st.session_state[f"safety_saved_{profile.id}"] = True
                st.session_state[f"safety_redo_{profile.id}"] = False
                st.rerun()

ui.cite("nhs_back_pain")
