"""BackCheck entry point: page config, navigation and the shared sidebar."""

import streamlit as st

from backcheck import auth, ui
from backcheck.storage import StorageError

# A local icon: a Material-symbol or emoji favicon would be fetched from a font CDN. Inline (a
# data URI), so no run reads the file and no page load asks for it.
st.set_page_config(page_title="BackCheck", page_icon=ui.ICON_URI, layout="wide")

problem = ui.startup_problem()
if problem:

    def startup_error() -> None:
        st.title("BackCheck")
        st.error(problem, icon=":material/report:")

    st.navigation([st.Page(startup_error, title="BackCheck", url_path="problem")], position="hidden").run()
    st.stop()

if auth.enabled() and not auth.signed_in():  # hosted mode: nothing but the sign-in screen until then
    st.navigation([st.Page(ui.sign_in_page, title="Sign in", url_path="signin", default=True)], position="hidden").run()
    st.stop()


def menu() -> dict[str, list[st.Page]]:
    return {
        "Start": [
            st.Page(ui.HOME, title="Home", icon=":material/home:", default=True),
            st.Page(ui.SAFETY, title="Safety check", icon=":material/health_and_safety:"),
        ],
        "Assess": [
            st.Page(ui.QUIZ, title="Posture quiz", icon=":material/accessibility_new:"),
            st.Page(ui.FORM, title="Form check", icon=":material/checklist:"),
        ],
        "Train": [
            st.Page(ui.ROUTINE, title="My routine", icon=":material/event_note:"),
            st.Page(ui.SESSION, title="Session", icon=":material/play_circle:"),
            st.Page(ui.LIBRARY, title="Exercise library", icon=":material/fitness_center:"),
        ],
        "Track": [
            st.Page(ui.PAIN, title="Pain log", icon=":material/monitoring:"),
        ],
        "Manage": [
            st.Page(ui.PROFILES, title="Profiles", icon=":material/group:"),
        ],
    }


# Made once per session, not on every run: st.Page resolves its file on the disk when made (about
# 0.4 ms a run for nine pages, issue 15). A session's runs never overlap, and st.navigation marks
# again on every run the one page that may run, so a session can keep its own. Never shared
# between sessions: each run flips that mark.
if "bc_menu" not in st.session_state:
    st.session_state["bc_menu"] = menu()
pages = st.session_state["bc_menu"]
# Streamlit's own menu, in the sidebar: one message per run (a menu of st.page_link elements cost
# sixteen) and it marks the open page. With the legacy pages/ folder mode off (backcheck.serve)
# it never lists the raw files of pages/, even while the first run loads.
page = st.navigation(pages, position="sidebar")
# A clear keyboard focus ring on radio buttons and checkboxes (Streamlit's own is faint): static,
# app-owned CSS, no outside text. The green reads on the light and the dark theme.
st.html(
    "<style>"
    "[data-testid='stRadio'] label:has(input:focus-visible),"
    "[data-testid='stCheckbox'] label:has(input:focus-visible)"
    "{outline:3px solid #2e9c74;outline-offset:2px;border-radius:6px}"
    "</style>"
)
try:
    ui.sidebar(current_page=page.url_path)
    ui.demo_banner(ui.active_profile())  # on every screen while the demo patient is active
    ui.show_link_notes()  # URL values that were ignored (a bad ?profile=...), one line each
    page.run()
except StorageError as exc:  # a read failed mid-page: say what and what to do, never a traceback
    ui.show_storage_error(exc)
