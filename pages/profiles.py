"""Profiles: create, switch, rename and delete profiles; load and remove the demo patient."""

from __future__ import annotations

import streamlit as st

from backcheck import auth, ui
from backcheck.demo import DEMO_NAME, demo_data
from backcheck.profiles import PROFILE_NAME_MAX, ProfileCounts, ProfileError
from backcheck.storage import StorageError
from backcheck.text import fmt_day, md

store = ui.store()
profiles_repo = ui.profile_repo()  # this account's profiles only
current = ui.active_profile()
S = "profiles_s_"  # session-state names this page sets
W = "profiles_w_"  # widget keys


def gen() -> int:
    return st.session_state.setdefault(f"{S}gen", 0)


def flash(kind: str, message: str) -> None:
    ui.flash(S, kind, message)


def switch_to(profile_id: int) -> None:
    st.session_state["active_profile_id"] = profile_id
    st.query_params["profile"] = str(profile_id)


st.title("Profiles")
st.markdown(
    "Everything BackCheck saves (safety checks, quiz results, form checks, sessions, the pain log) belongs to "
    "one profile. Keep one per person; a physiotherapist can keep one per patient on the same computer. "
    + ("Data stays on this BackCheck server, under your account: nobody else who signs in here sees it."
       if auth.enabled() else "Data stays on this machine.")
)

ui.show_flash(S)

profiles = ui.run_profiles()  # read once this run (the sidebar read it already)
counts = ui.profile_counts()  # cached until one of these profiles' data changes

# --------------------------------------------------------------------------- demo patient

demos = [p for p in profiles if p.is_demo]
with st.container(border=True):
    st.subheader("Demo patient")
    st.markdown(
        "Twelve weeks of made-up data for a patient called Alex: pain easing from about 6 to about 2-3 out of 10 "
        "with a flare-up in week 7, three or four routine sessions in most weeks, activities, function scores, "
        "a clear safety check, a posture quiz taken twice and three form checks to compare. Use it to see what "
        "BackCheck shows before there is real data. "
        "It is marked as demo everywhere and removing it leaves every other profile untouched."
    )
    if demos:
        row = st.container(horizontal=True)
        if any(d.id != current.id for d in demos) and row.button("Open the demo patient", icon=":material/visibility:",
                                                                  key=f"{W}demo_open"):
            switch_to(demos[0].id)
            st.rerun()
        if row.button("Remove the demo patient", icon=":material/delete:", key=f"{W}demo_remove"):
            try:
                removed = profiles_repo.remove_demos()
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                if current.is_demo:
                    st.session_state.pop("active_profile_id", None)
                    remaining = profiles_repo.list()
                    switch_to(remaining[0].id)
                flash("success", "The demo patient and all its data were removed." if removed else "There was no demo patient.")
                st.rerun()
    elif st.button("Load the demo patient", type="primary", icon=":material/science:", key=f"{W}demo_load"):
        try:
            with st.spinner("Creating twelve weeks of demo data…"):
                demo = profiles_repo.create_demo(DEMO_NAME, demo_data(ui.library()))
        except ProfileError as exc:
            st.error(f"{md(exc)} Rename that profile first.", icon=":material/block:")
        except StorageError as exc:
            ui.show_storage_error(exc)
        else:
            switch_to(demo.id)
            flash("success", "Demo patient loaded and opened. Have a look at the pain log.")
            st.rerun()

# --------------------------------------------------------------------------- create

with st.form(f"{W}create_{gen()}"):
    st.subheader("New profile")
    name = st.text_input("Name", placeholder="e.g. Sam or Patient 12",
                         key=f"{W}create_name_{gen()}")
    created = st.form_submit_button("Create and switch to it", type="primary", icon=":material/person_add:",
                                    on_click=ui.cut_to_limit, args=(f"{W}create_name_{gen()}", PROFILE_NAME_MAX))
if created and not ui.say_if_cut(f"{W}create_name_{gen()}", "name", PROFILE_NAME_MAX, "Create and switch to it"):
    try:
        new = profiles_repo.create(name)
    except ProfileError as exc:
        st.error(f"Not created. {md(exc)}", icon=":material/edit_note:")
    except StorageError as exc:
        ui.show_storage_error(exc)
    else:
        st.session_state[f"{S}gen"] = gen() + 1
        switch_to(new.id)
        flash("success", "Profile created; it is now the active profile.")
        st.rerun()

# --------------------------------------------------------------------------- list

st.subheader(f"All profiles ({len(profiles)})")
confirm_key = f"{S}confirm_delete"
for p in profiles:
    c = counts.get(p.id, ProfileCounts())
    with st.container(border=True, key=f"{W}card_{p.id}"):
        top = st.columns([3, 2], vertical_alignment="center")
        with top[0]:
            with st.container(horizontal=True, vertical_alignment="center"):
                st.text(p.name, width="content")  # user text: shown as typed, never as markdown
                if p.id == current.id:
                    st.badge("Active", color="green", icon=":material/check:")
                if p.is_demo:
                    st.badge("Demo data", color="violet", icon=":material/science:")
            st.caption(f"Created {fmt_day(p.created_at)} · {c.entries} pain entr{'ies' if c.entries != 1 else 'y'} · "
                       f"{c.sessions} routine session{'s' if c.sessions != 1 else ''}")
        with top[1]:
            if p.id != current.id and st.button("Switch to this profile", key=f"{W}switch_{p.id}",
                                                icon=":material/swap_horiz:"):
                switch_to(p.id)
                flash("success", "Switched profile.")
                st.rerun()
        manage = st.expander("Rename or delete", key=f"{W}manage_{p.id}", on_change="rerun")
        if not manage.open:  # drawn only when opened: a physio's list of patients stays light (issue 15)
            continue
        with manage:
            with st.form(f"{W}rename_form_{p.id}_{gen()}"):
                new_name = st.text_input("New name", value=p.name,
                                         key=f"{W}rename_{p.id}_{gen()}")
                renamed = st.form_submit_button("Rename", icon=":material/edit:", on_click=ui.cut_to_limit,
                                                args=(f"{W}rename_{p.id}_{gen()}", PROFILE_NAME_MAX))
            if renamed and not ui.say_if_cut(f"{W}rename_{p.id}_{gen()}", "name", PROFILE_NAME_MAX, "Rename"):
                try:
                    profiles_repo.rename(p.id, new_name)
                except ProfileError as exc:
                    st.error(f"Not renamed. {md(exc)}", icon=":material/edit_note:")
                except StorageError as exc:
                    ui.show_storage_error(exc)
                else:
                    st.session_state[f"{S}gen"] = gen() + 1
                    flash("success", "Profile renamed.")
                    st.rerun()
            if len(profiles) <= 1:
                st.caption("This is the only profile; create another one before deleting it.")
            elif st.session_state.get(confirm_key) == p.id:
                st.warning("Delete this profile and everything saved in it? This cannot be undone.", icon=":material/warning:")
                y, n = st.columns(2)
                if y.button("Yes, delete it", type="primary", key=f"{W}delete_yes_{p.id}"):
                    st.session_state.pop(confirm_key, None)
                    try:
                        profiles_repo.delete(p.id)
                    except (ProfileError, StorageError) as exc:
                        st.error(md(exc), icon=":material/error:")
                    else:
                        if p.id == current.id:
                            st.session_state.pop("active_profile_id", None)
                            switch_to(profiles_repo.list()[0].id)
                        flash("success", "Profile deleted.")
                        st.rerun()
                if n.button("Cancel", key=f"{W}delete_no_{p.id}"):
                    st.session_state.pop(confirm_key, None)
                    st.rerun()
            elif st.button("Delete profile", icon=":material/delete:", key=f"{W}delete_{p.id}"):
                st.session_state[confirm_key] = p.id
                st.rerun()
