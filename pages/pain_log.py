"""Pain log: quick entries, the chart, honest verdicts, function scores, import/export, clinician report.

Speed: what the page shows comes from ``ui.painlog_overview`` / ``ui.painlog_figure`` (the
database groups the log; the result is cached per profile and data version, so a click
never re-reads the log and a write is never hidden by the cache). The chart, the entry form
and the tabs are fragments: a click inside one reruns only that part; a save reruns the page.
The first view is kept light for the browser (issue 15): the chart is written first, only the
open tab is drawn, and the heavy widgets (date and time inputs, the sortable table, the edit
form, the sessions chart) are drawn when asked for.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import streamlit as st

from backcheck import csvio, painlog as pl, report, services, ui
from backcheck.painlog import EntryError
from backcheck.storage import StorageError
from backcheck.text import fmt_day, md, name_key

lib = ui.library()
cfg = lib.painlog
rules = cfg.rules
profile = ui.active_profile()
store = ui.store()
pid = profile.id
W = f"pain_w_{pid}_"  # widget keys (per profile, so switching profile starts fresh)
S = "pain_s_"  # session-state names this page sets itself
OTHER_ACTIVITY = "__own__"
RECENT = 10  # the newest entries listed (and offered for editing) in the Entries tab
ACT_IDS = [c.id for c in cfg.activities]
LOC_IDS = [c.id for c in cfg.locations]


def gen(name: str) -> int:
    """A counter that is part of a form's widget keys; bumping it gives the form fresh defaults."""
    return st.session_state.setdefault(f"{S}gen_{pid}_{name}", 0)


def bump(name: str) -> None:
    st.session_state[f"{S}gen_{pid}_{name}"] = gen(name) + 1


def flash(kind: str, message: str) -> None:
    ui.flash(S, kind, message)


def show_problems(problems: list[str], what: str = "Not saved") -> None:
    st.error(f"**{what}.** Please fix the following, then try again:\n\n" + "\n".join(f"- {md(p)}" for p in problems),
             icon=":material/edit_note:")


PICK_PAIN = "Pick your pain right now: tap a number from 0 (no pain) to 10 (worst imaginable)."


def pick_pain(problems: list[str]) -> list[str]:
    """The problems of an entry saved without a pain rating, said as what to do."""
    return [PICK_PAIN] + [p for p in problems if not p.startswith("Pain must")]


def note(text: str) -> str:
    """A caption-like paragraph to end a markdown element with (one element instead of two; issue 15).
    ``text`` is markdown: escape outside text with md() first."""
    return f"\n\n:small[:gray[{text}]]"


def now_minute() -> datetime:
    return datetime.now().replace(second=0, microsecond=0)


# --------------------------------------------------------------------------- page top

st.title("Pain log")
st.markdown(
    "Note how your back feels, what you were doing and where it hurts, whenever you like (several times a "
    "day is fine). BackCheck turns the entries into a chart and tells you, without overselling it, whether "
    "the change since your first week is big enough to matter."
)

ui.show_flash(S)

undo = st.session_state.get(f"{S}undo")
if undo is not None and undo.profile_id == pid:
    cols = st.columns([4, 1], vertical_alignment="center")
    cols[0].info(f"Deleted the entry from {ui.fmt_when(undo.recorded_at)} (pain {undo.pain}).",
                 icon=":material/delete:")
    if cols[1].button("Undo delete", key=f"{W}undo", icon=":material/undo:"):
        try:
            store.pain.restore(undo)
        except StorageError as exc:
            ui.show_storage_error(exc)
        else:
            st.session_state.pop(f"{S}undo", None)
            flash("success", "The entry is back in your log.")
            st.rerun()

ov = ui.painlog_overview(pid)
activities = ov.activities
ratings = ov.ratings

# --------------------------------------------------------------------------- add an entry


@st.fragment
def add_entry() -> None:
    g = gen("add")
    with st.container(border=True):
        st.subheader("Add an entry")
        # An entry is for now unless the person picks another day or time: the date and time
        # controls stay off the first view (their browser code is heavy to load; issue 15).
        other = st.toggle("Another day or time", key=f"{W}add_other_{g}",
                          help="Off: the entry is for now, the moment you press Save entry.")
        with st.form(f"{W}add_form_{g}", border=False):
            if other:
                c1, c2 = st.columns(2)
                day = c1.date_input("Date", value=date.today(), max_value=date.today(), format="DD/MM/YYYY",
                                    key=f"{W}add_day_{g}")
                at = c2.time_input("Time", value=now_minute().time(), step=timedelta(minutes=1), key=f"{W}add_time_{g}")
            # No default: an untouched control must not record "no pain" (issue 14).
            pain = ui.pain_picker("Pain right now (0 = no pain, 5 = moderate, 10 = worst imaginable)",
                                  key=f"{W}add_pain_{g}",
                                  help="The 0-10 numeric rating scale: 0 = no pain, 10 = the worst pain you can imagine.")
            activity = st.selectbox("What were you doing?", ACT_IDS, index=None, format_func=cfg.activity_label.__getitem__,
                                    placeholder="Choose an activity", key=f"{W}add_activity_{g}")
            location = st.selectbox("Where does it hurt?", LOC_IDS, index=None, format_func=cfg.location_label.__getitem__,
                                    placeholder="Choose a place", key=f"{W}add_location_{g}")
            notes = st.text_area("Notes (optional)", height=80, key=f"{W}add_notes_{g}",
                                 placeholder="e.g. stiff after a long drive")
            save = st.form_submit_button("Save entry", type="primary", icon=":material/add:",
                                         on_click=ui.cut_to_limit, args=(f"{W}add_notes_{g}", pl.NOTES_MAX))
    if save and not ui.say_if_cut(f"{W}add_notes_{g}", "note", pl.NOTES_MAX, "Save entry"):
        when = (datetime.combine(day, at) if day and at else None) if other else now_minute()
        try:
            entry = pl.validate_entry(cfg, when, pain, activity, location, notes)
            new_id = store.pain.add(pid, entry)
        except EntryError as exc:
            show_problems(pick_pain(exc.problems) if pain is None else exc.problems)
        except StorageError as exc:
            ui.show_storage_error(exc)
        else:
            bump("add")
            st.session_state[f"{S}edit_selected"] = new_id  # the edit picker shows the new entry
            flash("success", f"Saved: pain {entry.pain} on {ui.fmt_when(entry.recorded_at)} · "
                             f"{cfg.activity_label[entry.activity]}.")
            st.rerun()


@st.fragment
def clinician_report() -> None:
    """The one-page PDF for the physio or doctor, near the top (issue 14), in its own box."""
    with st.container(border=True, key="pain_report"):
        st.markdown("**Clinician report** · one page for the physiotherapist or doctor" + note(
            "The pain chart, the verdict and the rule behind it, pain with and without activities, function scores, "
            "routine sessions per week, and the latest safety check, posture quiz and form check, written for the "
            "clinician. Notes are not included."))
        size = st.segmented_control("Paper", ["A4", "Letter"], default="A4", required=True, key=f"{W}paper")

        def make_report(profile_id: int = pid, paper: str = size or "A4") -> bytes:
            try:
                # the profile this run checked (the callable may run outside the script run, where st.user is not at hand)
                return report.clinician_report(lib, store, profile, page_size=paper,  # type: ignore[arg-type]
                                               ov=ui.painlog_overview(profile_id))
            except StorageError as exc:
                return report.failure_pdf(str(exc))

        st.download_button("Download clinician report (PDF)", data=make_report,
                           file_name=report.report_filename(profile.name), mime="application/pdf",
                           on_click="ignore", icon=":material/picture_as_pdf:", type="primary", key=f"{W}report")


@st.fragment
def pain_chart() -> None:
    """The range control and the chart: picking a range reruns only this part."""
    range_choice = st.segmented_control("Show", list(pl.RANGES), default=ov.default_range(),
                                        required=True, key=f"{W}range")
    fig, shown, averaged, bucket = ui.painlog_figure(pid, range_choice or "All")
    if not shown:
        st.caption("No entries in this period; pick a longer one to see older entries.")
    st.plotly_chart(fig, config={"displayModeBar": False}, key=f"{W}chart")
    each = ("one day's average" if bucket == 1 else f"the average of {bucket} days") if averaged else ""
    st.caption((f"{shown:,} entries in this period, so each dot is {each}. " if averaged else "")
               + f"Dots are your entries (shape and colour show the activity), the line is the {rules.window_days}-day "
               "average, the shaded band around your first-week average is the range of no meaningful change, and "
               "triangles along the bottom mark routine sessions.")


# --------------------------------------------------------------------------- the entry form, the verdict, the chart

v = ov.verdict
# The order on the screen: the entry form beside the verdict, then the chart. The chart is
# written first, into its place below the two columns, so the browser starts loading the
# plotting code (the page's heaviest part) before it lays out the rest (issue 15).
left, right = st.columns(2, gap="large")
if v.status != "empty":
    st.subheader("Pain over time")
    pain_chart()

with left:
    add_entry()

with right:
    st.subheader("How it is going")
    if v.status == "empty":
        st.info(
            "**Your log is empty.** Add your first entry: it takes ten seconds. After a week you will see "
            "your baseline (your first week's average), and after two weeks whether things are changing.",
            icon=":material/edit_note:",
        )
        st.page_link(ui.PROFILES, label="Or load the demo patient to see a 12-week log", icon=":material/science:")
    else:
        box = {"improved": st.success, "worse": st.warning}.get(v.kind or "", st.info)
        icon = {"improved": ":material/trending_down:", "worse": ":material/trending_up:"}.get(v.kind or "", ":material/insights:")
        box(f"**{v.headline.rstrip('.')}.** {v.detail}", icon=icon)
        if v.baseline is not None:
            metrics = st.container(horizontal=True, gap="large")
            metrics.metric("First week", f"{v.baseline:.1f}", help="Your baseline: the mean of the daily averages over your first 7 days.")
            if v.current is not None:
                metrics.metric("Latest 7 days", f"{v.current:.1f}", delta=f"{v.change:+.1f}", delta_color="inverse")
            else:
                metrics.metric("Latest 7 days", "—")
        st.caption((f"For your baseline a change counts as meaningful from {v.needed:.1f} points. "
                    if v.baseline is not None else "")
                   + f"{ov.entry_count:,} entr{'ies' if ov.entry_count != 1 else 'y'} on {len(ov.daily):,} "
                   f"day{'s' if len(ov.daily) != 1 else ''}.")
        with st.expander("How BackCheck decides"):
            st.markdown(pl.rule_text(rules) + note(f"Source: {md(lib.cite(rules.mcid_source))}"))
    clinician_report()

if v.status != "empty":
    st.subheader("Pain and activities")
    comps = ov.comparisons
    enough = [c for c in comps if c.enough]
    if enough:
        st.markdown("\n".join(f"- {c.sentence()}" for c in enough))
    short = [c for c in comps if not c.enough]
    st.caption(("Not enough days yet to compare: " + "; ".join(
        f"{c.label} ({c.days_with} day{'s' if c.days_with != 1 else ''} with, {c.days_without} without)" for c in short)
        + ". " if short else "") + pl.comparison_note(rules))


@st.fragment
def sessions_chart() -> None:
    """Every week's sessions as a chart, on request: a second chart on the first view added about
    230 ms of the browser's work before the pain chart showed (issue 15); the latest weeks are in
    the text above."""
    if st.toggle("Show every week as a chart", key=f"{W}sessions_chart_on"):
        st.plotly_chart(ui.painlog_side_figures(pid)[0], config={"displayModeBar": False}, key=f"{W}sessions_chart")


st.subheader("Routine sessions")
summary = ov.sessions
st.markdown(summary.sentence(lib.source_by_id[lib.sessions_goal_source].short)
            + (f" Sessions per week (week starting): {summary.weeks_text(5)}." if summary.total else "")
            + note(f"Source: {md(lib.cite(lib.sessions_goal_source))}"))
if summary.total:
    sessions_chart()
st.page_link(ui.ROUTINE, label="Mark a session done on the routine page", icon=":material/fitness_center:")

# --------------------------------------------------------------------------- tabs


@st.fragment
def tabs() -> None:
    """The three tabs: a click inside them reruns only this part (a save reruns the page)."""
    # keyed, so the open tab survives the reruns that uploads and buttons cause
    # and only the open tab's contents are drawn (a click on another tab reruns this fragment)
    tab_entries, tab_function, tab_files = st.tabs(
        ["Entries", "Function scores", "Import / export"], key=f"{W}tabs", on_change="rerun")
    for tab, draw in ((tab_entries, entries_tab), (tab_function, function_tab), (tab_files, files_tab)):
        if tab.open:
            with tab:
                draw()


def entries_tab() -> None:
    if ov.empty:
        st.caption("Your entries will be listed here.")
    else:
        recent = ui.painlog_recent(pid, RECENT)  # the newest few, ready to show (cached per data version)
        # The newest few as a plain table; all of them (up to services.TABLE_MAX_ROWS) in the
        # scrolling, sortable table on request (its browser code is heavy to load; issue 15).
        full = st.toggle("Show all as a table you can sort and scroll, with the notes", key=f"{W}entries_full")
        listed = len(ui.painlog_table(pid)[0]) if full else len(recent.ids)
        about = (f"The newest {listed:,} of your {ov.entry_count:,} entries, newest first. The CSV export "
                 "(Import / export) has them all." if listed < ov.entry_count else f"All {ov.entry_count:,} entries, newest first.")
        if full:
            st.dataframe(ui.painlog_table(pid)[1], hide_index=True, height=300,
                         column_config={"Pain": st.column_config.NumberColumn(format="%d")})
            st.caption(about)
        else:
            st.markdown(recent.markdown + note(about))

        st.markdown("**Edit or delete an entry**")
        # The newest entries to pick from; any older one by its day.
        by_day = st.toggle("Find an older entry by its day", key=f"{W}edit_by_day")
        if by_day:
            first_day, last_day = ov.first_entry.date(), ov.last_entry.date()
            pick_day = st.date_input("Day of the entry", value=last_day, min_value=first_day,
                                     max_value=max(last_day, date.today()), format="DD/MM/YYYY", key=f"{W}edit_day")
            records = services.painlog_day(store, pid, pick_day).to_dict("records")[::-1] if pick_day else []
            options = [r["id"] for r in records]
            labels = {r["id"]: pl.entry_label(r, cfg) for r in records}
            rows = {r["id"]: r for r in records}
        else:
            pick_day, options, labels, rows = "recent", list(recent.ids), recent.labels, recent.rows
        if not options:
            st.caption("No entries on that day.")
        else:
            # Newest first. The widget key follows the labels (a changed entry gets a fresh widget
            # showing its new label); the picked entry itself is remembered separately.
            wanted = st.session_state.get(f"{S}edit_selected")
            digest = hashlib.sha1("|".join(labels[i] for i in options).encode()).hexdigest()[:10]
            eid = st.selectbox("Entry", options, index=options.index(wanted) if wanted in options else 0,
                               format_func=labels.__getitem__, key=f"{W}edit_pick_{pick_day}_{digest}")
            st.session_state[f"{S}edit_selected"] = eid
            row = rows[eid]  # read only: the recent rows are shared from the cache
            original = row["recorded_at"].to_pydatetime()
            editing_key, confirm_key = f"{S}editing", f"{S}confirm_delete"
            if row["notes"]:
                st.text(f"Note: {row['notes']}")  # as typed (never markdown)
            confirming = st.session_state.get(confirm_key) == eid
            if not confirming:
                with st.container(horizontal=True):
                    # The edit form (date, time and slider: heavy browser code) opens on request.
                    edit = st.button("Edit this entry", icon=":material/edit:", key=f"{W}edit_{eid}")
                    delete = st.button("Delete this entry", icon=":material/delete:", key=f"{W}del_{eid}")
                if edit:
                    st.session_state[editing_key] = eid
                if delete:
                    st.session_state[confirm_key] = eid
                    st.session_state.pop(editing_key, None)
                    st.rerun()
            if st.session_state.get(editing_key) == eid:
                edit_form(eid, row, original)
            if st.session_state.get(confirm_key) == eid:
                st.warning("Delete this entry? You can undo it straight afterwards.", icon=":material/delete:")
                y, n = st.columns(2)
                if y.button("Yes, delete it", type="primary", key=f"{W}del_yes_{eid}"):
                    st.session_state.pop(confirm_key, None)
                    try:
                        gone = store.pain.delete(pid, int(eid))
                    except StorageError as exc:
                        ui.show_storage_error(exc)
                    else:
                        if gone is not None:
                            st.session_state[f"{S}undo"] = gone
                        st.rerun()
                if n.button("Keep it", key=f"{W}del_no_{eid}"):
                    st.session_state.pop(confirm_key, None)
                    st.rerun()


def edit_form(eid: int, row: dict, original: datetime) -> None:
    with st.form(f"{W}edit_form_{eid}_{gen('edit')}"):
        e1, e2 = st.columns(2)
        e_day = e1.date_input("Date", value=original.date(), max_value=date.today(), format="DD/MM/YYYY",
                              key=f"{W}e_day_{eid}")
        e_time = e2.time_input("Time", value=original.time().replace(second=0, microsecond=0),
                               step=timedelta(minutes=1), key=f"{W}e_time_{eid}")
        e_pain = st.slider("Pain (0-10)", 0, 10, value=int(row["pain"]), key=f"{W}e_pain_{eid}")
        e3, e4 = st.columns(2)
        e_act = e3.selectbox("What were you doing?", ACT_IDS,
                             index=ACT_IDS.index(row["activity"]) if row["activity"] in ACT_IDS else None,
                             format_func=cfg.activity_label.__getitem__, key=f"{W}e_act_{eid}")
        e_loc = e4.selectbox("Where does it hurt?", LOC_IDS,
                             index=LOC_IDS.index(row["location"]) if row["location"] in LOC_IDS else None,
                             format_func=cfg.location_label.__getitem__, key=f"{W}e_loc_{eid}")
        e_notes = st.text_area("Notes", value=row["notes"], height=80, key=f"{W}e_notes_{eid}")
        with st.container(horizontal=True):
            changed = st.form_submit_button("Save changes", icon=":material/save:", on_click=ui.cut_to_limit,
                                            args=(f"{W}e_notes_{eid}", pl.NOTES_MAX))
            cancel = st.form_submit_button("Cancel", icon=":material/close:")
    if cancel:
        st.session_state.pop(f"{S}editing", None)
        st.rerun()
    if changed and not ui.say_if_cut(f"{W}e_notes_{eid}", "note", pl.NOTES_MAX, "Save changes"):
        when = datetime.combine(e_day, e_time) if e_day and e_time else None
        if when is not None and when == original.replace(second=0, microsecond=0):
            when = original  # the time was not touched: keep its seconds
        try:
            entry = pl.validate_entry(cfg, when, e_pain, e_act, e_loc, e_notes)
            ok = store.pain.update(pid, int(eid), entry)
        except EntryError as exc:
            show_problems(exc.problems)
        except StorageError as exc:
            ui.show_storage_error(exc)
        else:
            bump("edit")
            st.session_state.pop(f"{S}editing", None)
            flash("success" if ok else "warning",
                  "Changes saved." if ok else "That entry no longer exists; nothing was changed.")
            st.rerun()


def function_tab() -> None:
    st.markdown(
        f"Pick up to {cfg.max_function_activities} activities your back makes hard and rate each from 0 (cannot do it) "
        "to 10 (as well as before the pain). Re-rate every week or two: these numbers often move before the pain does."
    )
    trends = ov.functions
    if activities:
        g = gen("rate")
        with st.form(f"{W}rate_form_{g}"):
            scores = {}
            for i, t in enumerate(trends, start=1):
                st.text(t.name)  # user text: shown as typed (widget labels would read it as markdown)
                scores[t.activity_id] = st.slider(
                    f"Activity {i} score (0-10)", 0, 10, value=t.latest if t.latest is not None else 5,
                    key=f"{W}rate_{t.activity_id}_{g}", label_visibility="collapsed",
                    help="0 = cannot do it · 10 = as before the pain")
            rated = st.form_submit_button("Save today's scores", type="primary", icon=":material/save:")
        if rated:
            try:
                store.functions.rate(pid, {aid: pl.parse_score(s) for aid, s in scores.items()})
            except EntryError as exc:
                show_problems(exc.problems)
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                bump("rate")
                flash("success", "Function scores saved.")
                st.rerun()
        table = [{"Activity": t.name, "First": t.first, "Latest": t.latest, "Change": t.change,
                  "Last rated": fmt_day(t.latest_at) if t.latest_at else "not yet", "Ratings": t.ratings}
                 for t in trends]
        st.dataframe(table, hide_index=True)
        function_fig = ui.painlog_side_figures(pid)[1]
        if function_fig is not None:
            st.plotly_chart(function_fig, config={"displayModeBar": False}, key=f"{W}fn_chart")
    else:
        st.info("No activities yet. Add one below, such as squatting or sitting through a working day.",
                icon=":material/directions_run:")

    if len(activities) < cfg.max_function_activities:
        st.markdown("**Add an activity**")
        taken = {name_key(a.name) for a in activities}
        options = [s.label for s in cfg.function_suggestions if name_key(s.label) not in taken] + [OTHER_ACTIVITY]
        g = gen("add_fn")
        choice = st.selectbox("Activity", options, index=None, placeholder="Choose a suggestion",
                              format_func=lambda o: "Something else (type it)" if o == OTHER_ACTIVITY else o,
                              key=f"{W}fn_choice_{g}")
        own = st.text_input("Your activity", key=f"{W}fn_own_{g}",
                            on_change=ui.cut_to_limit, args=(f"{W}fn_own_{g}", pl.FUNCTION_NAME_MAX)) if choice == OTHER_ACTIVITY else ""
        cut = ui.say_if_cut(f"{W}fn_own_{g}", "activity name", pl.FUNCTION_NAME_MAX, "Add activity")
        if st.button("Add activity", icon=":material/add:", key=f"{W}fn_add_{g}") and not cut:
            try:
                name = pl.clean_function_name(own if choice == OTHER_ACTIVITY else choice)
                store.functions.add_activity(pid, name, cfg.max_function_activities)
            except EntryError as exc:
                show_problems(exc.problems, "Not added")
            except ValueError as exc:
                st.error(f"Not added. {md(exc)}", icon=":material/block:")
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                bump("add_fn")
                flash("success", "Added. Rate it now with the slider above.")
                st.rerun()
    if activities:
        with st.expander("Remove an activity"):
            rid = st.selectbox("Activity to remove", [a.id for a in activities],
                               format_func={a.id: a.name for a in activities}.__getitem__, key=f"{W}fn_remove_pick")
            if st.checkbox("Yes, remove it and all its scores", key=f"{W}fn_remove_ok_{rid}"):
                if st.button("Remove activity", icon=":material/delete:", key=f"{W}fn_remove_{rid}"):
                    try:
                        store.functions.remove_activity(pid, rid)
                    except StorageError as exc:
                        ui.show_storage_error(exc)
                    else:
                        flash("success", "Activity removed.")
                        st.rerun()



def files_tab() -> None:
    st.markdown("**Export**")
    st.caption("A CSV file with one row per entry: recorded_at (ISO 8601), pain, activity, location, notes. "
               "It opens in any spreadsheet and imports back into BackCheck unchanged.")

    def make_csv(profile_id: int = pid) -> bytes:
        return csvio.export_csv(store.pain.all(profile_id))

    st.download_button(f"Download CSV ({ov.entry_count:,} entries)", data=make_csv,
                       file_name=csvio.export_filename(profile.name), mime="text/csv", on_click="ignore",
                       icon=":material/download:", disabled=ov.empty, key=f"{W}export")

    st.markdown("**Import**")
    st.caption("Use the same columns (a BackCheck export, or a spreadsheet saved as CSV; semicolons work too). "
               "Every row is checked first; nothing is saved until you choose. Entries already in your log are "
               "skipped, so importing the same file twice adds nothing. Row numbers count the header as row 1.")
    g = gen("upload")
    upload = st.file_uploader("CSV file", type=["csv", "txt"], key=f"{W}upload_{g}")
    if upload is not None:
        try:
            checked = csvio.read_csv(upload.getvalue(), cfg, store.pain.key_frame(pid))
        except csvio.CsvError as exc:
            st.error(f"**Nothing imported.** {md(exc)}", icon=":material/error:")
        else:
            new = len(checked.entries)
            (st.warning if checked.rejected else st.info)(checked.summary(), icon=":material/fact_check:")
            if checked.rejected:
                st.dataframe(checked.rejected_table(), hide_index=True, height=min(300, 38 + 35 * len(checked.rejected)))
            if new:
                c1, c2 = st.columns(2)
                label = (f"Import the {new} valid entr{'ies' if new != 1 else 'y'}" if checked.rejected
                         else f"Import {new} entr{'ies' if new != 1 else 'y'}")
                if c1.button(label, type="primary", icon=":material/upload:", key=f"{W}import_go_{g}"):
                    try:
                        added, skipped = store.pain.import_entries(pid, checked.entries)
                    except StorageError as exc:
                        ui.show_storage_error(exc)
                    else:
                        bump("upload")
                        extra = f" {skipped} were already in your log." if skipped else ""
                        flash("success", f"Imported {added} entr{'ies' if added != 1 else 'y'}.{extra}")
                        st.rerun()
                if c2.button("Import nothing", icon=":material/close:", key=f"{W}import_no_{g}"):
                    bump("upload")
                    flash("info", "Nothing was imported.")
                    st.rerun()
            else:
                st.caption("There is nothing new to import from this file.")



tabs()
