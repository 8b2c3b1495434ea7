"""Streamlit glue shared by the pages: cached library and store, active profile, small widgets.

This is the only core module that imports Streamlit; everything else in the package is
plain Python that the unit tests use directly.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import streamlit as st

from .content import CONTENT_DIR, ContentError, Exercise, Library, load_library
from .storage import Profile, Store, StorageError, database_url
from .text import BadParam, md, parse_int, shown

ICON = Path(__file__).resolve().parent / "assets" / "icon.png"

# Page files, by role. Pages link to each other through these paths.
HOME = "pages/home.py"
SAFETY = "pages/safety.py"
QUIZ = "pages/posture_quiz.py"
FORM = "pages/form_check.py"
ROUTINE = "pages/routine.py"
LIBRARY = "pages/library.py"
PAIN = "pages/pain_log.py"
PROFILES = "pages/profiles.py"

KIND_LABEL = {"strengthen": "Strengthen", "stretch": "Stretch", "mobility": "Mobility", "control": "Control drill"}


@st.cache_resource(show_spinner="Loading the exercise library…")
def _library(content_dir: str) -> Library:
    return load_library(content_dir)


@st.cache_resource(show_spinner="Opening your data…")
def _store(url: str) -> Store:
    return Store(url)


def library() -> Library:
    """The validated content; BACKCHECK_CONTENT_DIR points at another folder (tests do)."""
    return _library(os.environ.get("BACKCHECK_CONTENT_DIR") or str(CONTENT_DIR))


def store() -> Store:
    return _store(database_url())


def startup_problem() -> str | None:
    """Load content and storage once; return a message for people if either fails."""
    try:
        library()
    except ContentError as exc:
        return (
            "BackCheck cannot start because a content file is broken.\n\n"
            f"**Problem:** {exc}\n\n"
            "**What to do:** fix that file in the `content/` folder (or restore it from git), then reload this page."
        )
    try:
        store()
    except StorageError as exc:
        return f"BackCheck cannot open its data.\n\n**Problem:** {md(exc)}"
    return None


def active_profile() -> Profile:
    """The profile chosen in the sidebar (kept in the session and in the URL for reloads)."""
    profiles = store().list_profiles()
    by_id = {p.id: p for p in profiles}
    pid = st.session_state.get("active_profile_id")
    if pid not in by_id:
        raw = st.query_params.get("profile")
        pid = profiles[0].id
        if raw is not None:
            try:
                wanted = parse_int(raw, 1, 10**9)
            except BadParam:
                link_note(f"the profile {shown(raw)} is not a profile number; showing {profile_label(by_id[pid])} instead.")
            else:
                if wanted in by_id:
                    pid = wanted
                else:
                    link_note(f"there is no profile {wanted} here; showing {profile_label(by_id[pid])} instead.")
        st.session_state["active_profile_id"] = pid
    return by_id[pid]


def link_note(text: str) -> None:
    """Queue a one-line note about a URL value that was ignored (shown by show_link_notes)."""
    st.session_state.setdefault("bc_link_notes", []).append(text)


def show_link_notes() -> None:
    """The notes about ignored URL values, once, above the page (app.py calls this)."""
    for text in st.session_state.pop("bc_link_notes", []):
        st.caption(f":material/link_off: Link: {md(text)}")


def profile_label(p: Profile) -> str:
    return f"{p.name} (demo)" if p.is_demo else p.name


def sidebar(sections: dict[str, list]) -> None:
    """The shared sidebar: our page menu, the active profile and the disclaimer."""
    profiles = store().list_profiles()
    current = active_profile()
    ids = [p.id for p in profiles]
    labels = {p.id: profile_label(p) for p in profiles}
    with st.sidebar:
        with st.container(key="bc_nav"):
            for section, section_pages in sections.items():
                st.caption(section)
                for pg in section_pages:
                    st.page_link(pg)
        st.divider()
        chosen = st.selectbox(
            "Active profile",
            ids,
            index=ids.index(current.id),
            format_func=lambda i: labels[i],
            help="Everything you save belongs to this profile. A physio can keep one per patient.",
        )
        if chosen != current.id:
            st.session_state["active_profile_id"] = chosen
            st.rerun()
        st.query_params["profile"] = str(current.id)
        st.caption(
            "BackCheck is a self-assessment aid, not a diagnosis. It does not replace a doctor or "
            "physiotherapist; if something feels wrong, get checked."
        )
        st.page_link(SAFETY, label="Red-flag safety check", icon=":material/health_and_safety:")


def demo_banner(profile: Profile) -> None:
    """Say plainly that a demo profile's data is made up (app.py shows it above every screen)."""
    if profile.is_demo:
        st.info("**Demo patient.** Everything on this profile is made-up example data. "
                "Switch profile in the sidebar, or remove the demo on the Profiles page.", icon=":material/science:")


def flash(prefix: str, kind: str, message: str) -> None:
    """Queue a message for the page's next run (the form that caused it has been reset by then)."""
    st.session_state[f"{prefix}flash"] = (kind, message)


def show_flash(prefix: str) -> None:
    if (msg := st.session_state.pop(f"{prefix}flash", None)) is not None:
        kind, text = msg
        getattr(st, kind)(text, icon=":material/check_circle:" if kind == "success" else ":material/info:")


def fmt_when(when: datetime | None) -> str:
    return when.strftime("%d %b %Y, %H:%M") if when else "not yet"


def cite(source_id: str) -> None:
    st.caption(f"Source: {library().cite(source_id)}")


def exercise_link(ex: Exercise) -> None:
    st.page_link(LIBRARY, label=ex.name, icon=":material/fitness_center:", query_params={"exercise": ex.id})


def scroll_to_top() -> None:
    """Bring the top of the page into view (after a save replaces a long form with its result)."""
    import streamlit.components.v1 as components

    components.html(
        "<script>for (const el of [window.parent.document.querySelector('[data-testid=stMain]'),"
        " window.parent.document.querySelector('[data-testid=stAppViewContainer]')]) { if (el) el.scrollTop = 0; }"
        " window.parent.scrollTo(0, 0);</script>",
        height=0,
    )


def show_storage_error(exc: StorageError) -> None:
    st.error(md(exc), icon=":material/error:")


# Over-long text. Streamlit's max_chars makes the browser ignore a paste that is too long (the
# field stays empty and nothing says why), so text fields carry no max_chars: the submit (or the
# field's change) cuts the text to the limit here, the field shows the cut text and the page says so.


def cut_to_limit(key: str, limit: int) -> None:
    """Widget/submit callback: cut the text field `key` to `limit` characters, remembering the length."""
    text = st.session_state.get(key)
    if isinstance(text, str) and len(text) > limit:
        st.session_state[key] = text[:limit]
        st.session_state[f"bc_cut_{key}"] = len(text)


def say_if_cut(key: str, what: str, limit: int, again: str) -> bool:
    """If `key` was just cut, say so (nothing is saved this time) and return True."""
    had = st.session_state.pop(f"bc_cut_{key}", None)
    if had is None:
        return False
    st.warning(f"The {what} had {had:,} characters; the limit is {limit}. It is cut to {limit} in the field: check "
               f"the end, then press **{again}** again. Nothing was saved yet.", icon=":material/content_cut:")
    return True
