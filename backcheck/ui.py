"""Streamlit glue shared by the pages: cached library and store, active profile, small widgets.

This is the only core module that imports Streamlit; everything else in the package is
plain Python that the unit tests use directly.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from datetime import date

import streamlit as st

from . import ICON, auth, services
from .content import CONTENT_DIR, ContentError, Exercise, Library, load_library
from .profiles import Profile
from .repos import ProfileRepository
from .storage import Store, StorageError, database_url
from .text import BadParam, fmt_when, md, parse_int, shown  # fmt_when: shared with the services

# The favicon as a data URI, made once: given the file, set_page_config read it, checked it with
# PIL and filed it with the media manager on every run, and the browser fetched it on every load.
ICON_URI = "data:image/png;base64," + base64.b64encode(ICON.read_bytes()).decode("ascii")

# Page files, by role. Pages link to each other through these paths.
HOME = "pages/home.py"
SAFETY = "pages/safety.py"
QUIZ = "pages/posture_quiz.py"
FORM = "pages/form_check.py"
ROUTINE = "pages/routine.py"
LIBRARY = "pages/library.py"
PAIN = "pages/pain_log.py"
PROFILES = "pages/profiles.py"
SESSION = "pages/session.py"  # the session player



@st.cache_resource(show_spinner="Loading the exercise library…")
def _library(content_dir: str) -> Library:
    return load_library(content_dir)


@st.cache_resource(show_spinner="Opening your data…")
def _store(url: str) -> Store:
    return Store(url)


# Plain dicts in front of the two cache_resource functions: a page asks for the library and the store
# dozens of times per run, and each cache_resource call hashes its argument and records stats.
_LIBRARIES: dict[str, Library] = {}
_STORES: dict[str, Store] = {}


def library() -> Library:
    """The validated content; BACKCHECK_CONTENT_DIR points at another folder (tests do)."""
    content = _content_dir()
    lib = _LIBRARIES.get(content)
    if lib is None:
        lib = _LIBRARIES[content] = _library(content)
    return lib


def store() -> Store:
    url = database_url()
    found = _STORES.get(url)
    if found is None:
        found = _STORES[url] = _store(url)
    return found


def _content_dir() -> str:
    return os.environ.get("BACKCHECK_CONTENT_DIR") or str(CONTENT_DIR)


# Pain-log data, cached per profile and data version: every committed write to the profile's
# rows changes Store.data_version, so a cached overview or chart is never older than the log.
# The cache is shared by every session of the server (its keys hold no session state). Kept as
# objects (cache_resource), read-only: st.cache_data would unpickle a copy on every call (about
# 1 ms a run for the overview); no page, figure or report changes what it reads from them.


@st.cache_resource(show_spinner=False, max_entries=64)
def _painlog_overview(url: str, profile_id: int, version: str, today: date, content: str) -> services.PainlogOverview:
    lib = _library(content)
    return services.painlog_overview(_store(url), profile_id, lib.painlog, today=today, sessions_goal=lib.sessions_goal)


# Figures are cached as objects (cache_resource, read-only): unpickling a plotly figure costs more
# than drawing it, while st.plotly_chart only reads the figure (to_dict) on each run. They are
# kept frozen (figures.frozen): their dict is made once, not deep-copied on every run.
@st.cache_resource(show_spinner=False, max_entries=128)
def _painlog_figure(url: str, profile_id: int, version: str, today: date, content: str, choice: str):
    from .figures import frozen, pain_chart

    cfg = _library(content).painlog
    ov = _painlog_overview(url, profile_id, version, today, content)
    view = services.painlog_chart(_store(url), ov, cfg, ov.range_start(choice))
    changes = _store(url).player.level_changes(profile_id)
    names = {e.id: e.name for e in _library(content).exercises}
    return frozen(pain_chart(view, cfg, changes, names)), view.shown, view.entries is None, view.bucket_days


@st.cache_resource(show_spinner=False, max_entries=64)
def _painlog_side_figures(url: str, profile_id: int, version: str, today: date, content: str):
    from .figures import frozen, function_figure, sessions_figure
    from .painlog import ratings_frame

    ov = _painlog_overview(url, profile_id, version, today, content)
    sessions = frozen(sessions_figure(ov.sessions)) if ov.sessions is not None and ov.sessions.total else None
    functions = frozen(function_figure(ratings_frame(ov.ratings))) if ov.ratings else None
    return sessions, functions


def painlog_side_figures(profile_id: int, today: date | None = None):
    """(routine sessions per week, function scores) figures for the profile; None where there is nothing."""
    url = database_url()
    return _painlog_side_figures(url, profile_id, _store(url).data_version(profile_id), today or date.today(),
                                 _content_dir())


@st.cache_resource(show_spinner=False, max_entries=64)
def _painlog_table(url: str, profile_id: int, version: str, content: str):
    from .painlog import entries_table

    newest = services.painlog_table(_store(url), profile_id)
    return newest, entries_table(newest, _library(content).painlog)


def painlog_table(profile_id: int):
    """(the newest entries, the same as a table for people), cached per profile and data version."""
    url = database_url()
    return _painlog_table(url, profile_id, _store(url).data_version(profile_id), _content_dir())


@dataclass(frozen=True)
class RecentEntries:
    """The Entries tab's first view: the newest few as markdown, and as the edit picker's labels
    and rows (newest first). Read-only: shared by every session from the cache."""

    markdown: str
    ids: tuple[int, ...]
    labels: dict
    rows: dict


# The Entries tab's first view, made once per data version and day (the markdown shows the year
# for entries of other years): it cost about 2 ms of pandas on every run of the pain log.
@st.cache_resource(show_spinner=False, max_entries=64)
def _painlog_recent(url: str, profile_id: int, version: str, content: str, count: int, today: date) -> RecentEntries:
    from .painlog import entries_markdown, entry_label_with_day

    cfg = _library(content).painlog
    newest, _table = _painlog_table(url, profile_id, version, content)
    recent = newest.iloc[-count:]
    records = recent.to_dict("records")[::-1]
    return RecentEntries(entries_markdown(recent, cfg, today), tuple(r["id"] for r in records),
                         {r["id"]: entry_label_with_day(r, cfg) for r in records}, {r["id"]: r for r in records})


def painlog_recent(profile_id: int, count: int, today: date | None = None) -> RecentEntries:
    """The newest ``count`` entries, ready to show (see RecentEntries)."""
    url = database_url()
    return _painlog_recent(url, profile_id, _store(url).data_version(profile_id), _content_dir(), count,
                           today or date.today())


# Home's view, kept per profile and data version like the pain log's (read-only: the page never
# changes it). Every write to the profile's rows (a check, a session, an entry, the player) gives
# it a new version, so Home never shows an older state; a click on Home costs one version read.
@st.cache_resource(show_spinner=False, max_entries=256)
def _home_view(url: str, profile_id: int, version: str, today: date, content: str) -> services.HomeView:
    return services.home_steps(_store(url), profile_id, _library(content), today)


def home_view(profile_id: int, today: date | None = None) -> services.HomeView:
    """services.home_steps for the profile, from the cache unless the profile's data changed."""
    url = database_url()
    return _home_view(url, profile_id, _store(url).data_version(profile_id), today or date.today(), _content_dir())


# A routine depends only on its inputs and the content: built once per server for each set of
# answers (read-only), with its "did not fit" line, which builds it again at other lengths.
@st.cache_resource(show_spinner=False, max_entries=256)
def _routine_plan(inputs, content: str):
    from .routine import build_routine

    lib = _library(content)
    routine = build_routine(lib, inputs)
    return routine, services.fit_line(lib, routine)


def routine_plan(inputs):
    """(routine.build_routine, services.fit_line) for these inputs; RoutineInputError as build_routine."""
    return _routine_plan(inputs, _content_dir())


# The quiz's evidence chart, built once per server for each set of bars (read-only): building the
# plotly figure took about 5 ms, on every visit to the quiz while a result is shown (issue 15).
@st.cache_resource(show_spinner=False, max_entries=256)
def _quiz_figure(bars: tuple, content: str, _result):
    from .figures import frozen, quiz_evidence_figure

    return frozen(quiz_evidence_figure(_result, _library(content)))


def quiz_figure(result):
    """figures.quiz_evidence_figure for this result, from the cache when the same bars were drawn before."""
    bars = tuple((s.pattern_id, s.share, s.strength) for s in result.scores)
    return _quiz_figure(bars, _content_dir(), result)


def painlog_overview(profile_id: int, today: date | None = None) -> services.PainlogOverview:
    """services.painlog_overview for the profile, from the cache unless the profile's data changed."""
    url = database_url()
    return _painlog_overview(url, profile_id, _store(url).data_version(profile_id), today or date.today(), _content_dir())


def painlog_figure(profile_id: int, choice: str, today: date | None = None):
    """(figure, entries in the range, drawn as averages?, days per averaged point) for the range choice."""
    url = database_url()
    return _painlog_figure(url, profile_id, _store(url).data_version(profile_id), today or date.today(),
                           _content_dir(), choice)


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


def profile_repo() -> ProfileRepository:
    """The profiles this session may see: the signed-in account's in hosted mode, else the local ones.

    Every screen takes its profile from here (active_profile), so no URL value, share link or
    stale session can reach another account's profile or anything stored under it."""
    return store().profiles_of(auth.account())


def _run_memo() -> dict:
    """A dict that lives for one script run (a full run or a fragment's), for values several
    callers need in the same run. A new run starts with an empty one: Streamlit gives every run
    a new ``cursors`` dict on its context, and holding it here keeps that identity unique."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    marker = getattr(get_script_run_ctx(), "cursors", None)
    if marker is None:  # no run (a bare import) or a Streamlit without the field: no sharing
        return {}
    held = st.session_state.get("bc_run_memo")
    if held is None or held[0] is not marker:
        held = st.session_state["bc_run_memo"] = (marker, {})
    return held[1]


# What each profile holds (the Profiles page): counted over whole tables, so its cost grows with
# every profile's log (7 ms a visit with one 100,000-entry log); kept until one of the account's
# profiles is written to, or the list of profiles changes (read-only: the page only reads it).
@st.cache_resource(show_spinner=False, max_entries=64)
def _profile_counts(url: str, account: str, ids: tuple[int, ...], versions: str) -> dict:
    return _store(url).profiles_of(account).counts()


def profile_counts() -> dict:
    """ProfileRepository.counts for the profiles this session may see, from the cache while unchanged."""
    url = database_url()
    ids = tuple(sorted(p.id for p in run_profiles()))
    return _profile_counts(url, auth.account(), ids, _store(url).data_versions(ids))


def run_profiles() -> list[Profile]:
    """This account's profiles, read once per run (the sidebar, the banner and the page all ask)."""
    memo = _run_memo()
    if "profiles" not in memo:
        memo["profiles"] = profile_repo().list_or_start()
    return memo["profiles"]


def active_profile() -> Profile:
    """The profile chosen in the sidebar (kept in the session and in the URL for reloads)."""
    profiles = run_profiles()
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
    """The name, marked "(demo)" unless the name already says so ("Demo patient (Alex)")."""
    return f"{p.name} (demo)" if p.is_demo and "demo" not in p.name.lower() else p.name


def sidebar(current_page: str | None = None) -> None:
    """The shared sidebar under Streamlit's page menu (app.py): the active profile and the disclaimer."""
    current = active_profile()
    profiles = run_profiles()
    ids = [p.id for p in profiles]
    labels = {p.id: profile_label(p) for p in profiles}
    with st.sidebar:
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
        account_box()
        st.caption(DISCLAIMER)
        st.page_link(SAFETY, label="Red-flag safety check", icon=":material/health_and_safety:")
        if current_page is not None:
            close_sidebar_after_page_change(current_page)


# Streamlit's page menu (1.67) stays open after a tap on a phone, over the page (issue 14).
# After a page change at phone width (where the sidebar lies over the page) this static,
# app-owned script presses the sidebar's own collapse button. It fetches nothing; the counter
# makes each page change a new script run.
_CLOSE_SIDEBAR = (
    "<script>/* {n} */ const d = window.parent.document;"
    " if (window.parent.innerWidth < 768) {{"
    " const bar = d.querySelector('[data-testid=stSidebar]');"
    " const close = d.querySelector('[data-testid=stSidebarCollapseButton] button');"
    " if (bar && close && bar.getAttribute('data-collapsed') !== 'true') close.click(); }}</script>"
)


def close_sidebar_after_page_change(page_key: str) -> None:
    """On a page change, fold the sidebar away at phone width (call inside the sidebar)."""
    last = st.session_state.get("bc_last_page")
    st.session_state["bc_last_page"] = page_key
    if last is not None and last != page_key:
        n = st.session_state["bc_page_changes"] = st.session_state.get("bc_page_changes", 0) + 1
        page_script(_CLOSE_SIDEBAR.format(n=n))


DISCLAIMER = (
    "BackCheck is a self-assessment aid, not a diagnosis. It does not replace a doctor or "
    "physiotherapist; if something feels wrong, get checked."
)


def account_box() -> None:
    """Hosted mode: who is signed in (their name is outside text: plain text only) and a way out."""
    if not auth.enabled():
        return
    st.caption("Signed in as")
    st.text(auth.display_name())
    st.button("Sign out", icon=":material/logout:", on_click=st.logout, key="bc_sign_out")


def sign_in_page() -> None:
    """Hosted mode: the only screen before sign-in."""
    st.title("BackCheck")
    st.write(
        "This BackCheck is hosted for a clinic or a group, so your data is kept under your own account. "
        "Sign in to see your profiles, routine and pain log; nobody else who signs in here can see them."
    )
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    st.caption(DISCLAIMER)


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




def cite(source_id: str) -> None:
    st.caption(f"Source: {library().cite(source_id)}")


PAIN_SCALE = list(range(11))


def pain_picker(label: str, key: str, *, default: int | None = None, help: str | None = None, where=None):
    """A 0-10 pain rating with nothing picked until the person taps a number (issue 14: an
    untouched control must not record "no pain"). One row that fits a phone's width."""
    return (where or st).segmented_control(label, PAIN_SCALE, default=default, key=key, help=help, width="stretch")


# One icon per kind of exercise, so a list of links says at a glance what each one is (issue 14).
KIND_ICON = {
    "strengthen": ":material/fitness_center:",
    "stretch": ":material/self_improvement:",
    "mobility": ":material/autorenew:",
    "control": ":material/center_focus_strong:",
}


def kind_icon(kind: str) -> str:
    return KIND_ICON.get(kind, ":material/fitness_center:")


def exercise_link(ex: Exercise) -> None:
    st.page_link(LIBRARY, label=ex.name, icon=kind_icon(ex.kind), query_params={"exercise": ex.id})


def figure_label(item_id: str, kind: str | None = None) -> str:
    """The text alternative for a figure: an exercise's first cue, a quiz check's question,
    a fault and its cue, a movement's self-check and its first step."""
    lib = library()
    if kind in (None, "exercises") and item_id in lib.exercise_by_id:
        ex = lib.exercise_by_id[item_id]
        return f"{ex.name}: {ex.cues[0]}"
    if kind in (None, "faults") and item_id in lib.fault_by_id:
        f = lib.fault_by_id[item_id]
        return f"Fault: {f.name}. Fix: {f.cue}"
    questions = {q.id: q for q in lib.quiz.questions}
    if kind in (None, "quiz") and item_id in questions:
        return f"{questions[item_id].text} {questions[item_id].how_to_check}"
    movement = lib.faults.movement_by_id.get(item_id)
    if movement is not None and movement.self_check is not None:
        return f"{movement.self_check.name}: {movement.self_check.steps[0]}"
    return item_id


def figure(item_id: str, kind: str | None = None, *, max_width: int = 340) -> None:
    """Draw the animated figure for an exercise, quiz check ("quiz"), form fault ("faults") or a
    movement's self-check ("checks") inline. `kind` picks the section when an id could be in two;
    without it exercises come first. Draws nothing if the item has no figure."""
    from .poses import figure_svg

    book = library().poses
    if book is None or book.find(item_id, kind) is None:
        return
    st.markdown(figure_svg(book, item_id, figure_label(item_id, kind), kind=kind, uid=f"{kind or 'x'}-{item_id}",
                           max_width=max_width), unsafe_allow_html=True)


def page_script(script: str) -> None:
    """Run a static, app-owned script on the page (never outside text): an invisible same-origin
    frame, through st.iframe (Streamlit's components.html it replaces is deprecated)."""
    st.iframe("<style>html,body{margin:0;height:0;overflow:hidden}</style>" + script, height=1)


def scroll_to_top() -> None:
    """Bring the top of the page into view (after a save replaces a long form with its result)."""
    page_script(
        "<script>for (const el of [window.parent.document.querySelector('[data-testid=stMain]'),"
        " window.parent.document.querySelector('[data-testid=stAppViewContainer]')]) { if (el) el.scrollTop = 0; }"
        " window.parent.scrollTo(0, 0);</script>"
    )


def show_storage_error(exc: StorageError) -> None:
    st.error(md(exc), icon=":material/error:")


# ------------------------------------------------------------------ safety gate (issue 8)

LEVEL_BOX = {"emergency": ("error", ":material/emergency:"), "urgent": ("error", ":material/local_hospital:"),
             "soon": ("warning", ":material/stethoscope:")}


def show_safety_result(result) -> None:
    """The headline for the most urgent level, then every warning sign under its own level."""
    from .safety import SafetyLevel

    safety = library().safety
    box, icon = LEVEL_BOX[result.level]
    text = safety.levels[result.level]
    getattr(st, box)(f"**{text.headline}** {text.message}", icon=icon)
    for level in reversed(SafetyLevel):
        lines = [ln for ln in result.lines if ln.urgency == level]
        if not lines:
            continue
        label = "Because you answered yes to:"
        if level.rank < SafetyLevel(result.level).rank:
            own = safety.levels[level].headline
            label = f"Also tell them about these (on their own they would mean: {own[0].lower()}{own[1:]})"
        st.markdown(f"**{label}**")
        st.markdown("\n".join(
            f"- {ln.question}" + (f" — {ln.advice}" if ln.advice else "")
            + (" *(asked in an earlier version of this check)*" if ln.retired else "") for ln in lines))


def require_safe_to_exercise(screen: str) -> None:
    """Stop a screen that asks for a physical test or exercise unless the safety check allows it.

    screen: what is withheld, e.g. "the posture quiz". The exercise library stays open.
    """
    from . import phone_ui
    from .safety import NEW_QUESTIONS, REDO_AFTER_FLAG, exercise_gate, withheld_headline

    back = phone_ui.safety_link_params()  # a shared routine opened on a phone comes back to itself
    gate = exercise_gate(library().safety, store().safety.latest(active_profile().id))
    if gate.allowed:
        return
    if gate.reason == "no_check":
        st.info(f"**Safety check first.** {screen[0].upper()}{screen[1:]} asks you to move and test your back. "
                "Before that, answer a couple of minutes of yes/no questions about warning signs that need a "
                "doctor rather than exercise.", icon=":material/health_and_safety:")
        st.page_link(SAFETY, label="Do the safety check", icon=":material/arrow_forward:", query_params=back)
    elif gate.reason == "outdated":
        st.info(f"**{NEW_QUESTIONS}** Your check from {fmt_when(gate.taken_at)} was answered "
                f"before they were added. Please answer it again before {screen}.",
                icon=":material/health_and_safety:")
        st.page_link(SAFETY, label="Answer the safety check again", icon=":material/refresh:", query_params=back)
    else:
        st.markdown(f"**{withheld_headline(screen)}** It asks for movements and tests that should wait until a "
                    "doctor has seen you.")
        show_safety_result(gate.result)
        st.caption(f"From your safety check on {fmt_when(gate.taken_at)}. {REDO_AFTER_FLAG}")
        st.page_link(SAFETY, label="Open the safety check", icon=":material/health_and_safety:")
        st.page_link(LIBRARY, label="You can still read the exercise library", icon=":material/menu_book:")
    st.stop()


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
