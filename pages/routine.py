"""My routine: a session built from the profile's answers, explained, printable and shareable."""

import math
from datetime import date, datetime, timedelta

import streamlit as st

from backcheck import phone_ui, services, ui
from backcheck.exports import SHARE_KEYS, calendar_ics, routine_pdf, share_url
from backcheck.routine import (
    BLOCKS,
    WEEKDAY_LABEL,
    WEEKDAYS,
    RoutineInputError,
    RoutineInputs,
    block_intro,
    left_for_time,
)
from backcheck.player import RoutineSession
from backcheck.storage import StorageError
from backcheck.text import fmt_day_month, fmt_minutes, md, md_list

from backcheck.progression import level_text
from backcheck.session import levels as exercise_levels

lib = ui.library()
rules = lib.routine
profile = ui.active_profile()
store = ui.store()
fault_by_id = lib.fault_by_id

st.title("My routine")
st.markdown(
    "A session made for you from your posture result, your form faults, your goals and the time "
    "you have. Every exercise says why it is in your session and which article the idea comes from."
)

# ------------------------------------------------------------------ safety first

ui.require_safe_to_exercise("your routine")

# ------------------------------------------------------------------ where the inputs come from

ctx = services.routine_context(store, profile.id, lib, st.query_params.to_dict())
shared, link_problems, quiz, form = ctx.shared, ctx.link_problems, ctx.quiz, ctx.form
defaults, patterns, faults, widget_suffix = ctx.defaults, ctx.patterns, ctx.faults, ctx.widget_suffix

if shared:
    with st.container(border=True):
        st.info(
            "**Opened from a shared link.** This routine is built from the answers in the link — posture "
            "pattern, form faults, goals, minutes, equipment and pain — not from the results saved on "
            "this profile. You can still change the goals, minutes, equipment and pain below.",
            icon=":material/link:",
        )
        if link_problems:
            st.warning("Parts of this link could not be used: " + md_list(link_problems, "; ") + ".",
                       icon=":material/link_off:")
        if st.button("Use my own results instead", icon=":material/person:", key=f"rt_leave_link_{profile.id}"):
            for key in SHARE_KEYS.values():
                if key in st.query_params:
                    del st.query_params[key]
            st.rerun()

st.subheader("What your routine is based on")
c1, c2 = st.columns(2)
with c1, st.container(border=True):
    st.markdown("**Posture**")
    names = " and ".join(lib.pattern_by_id[p].name for p in patterns)
    if shared:
        st.markdown(f"From the link: {names or 'no posture pattern'}.")
    elif quiz is None:
        st.markdown("No posture quiz yet. Without it, the routine cannot aim the warm-up and stretches at "
                    "your weak and tight muscles, so it uses general ones.")
        st.page_link(ui.QUIZ, label="Take the posture quiz", icon=":material/arrow_forward:")
    elif quiz.verdict == "too_few":
        st.markdown(f"Your quiz on {ui.fmt_when(quiz.taken_at)} had too few answers to tell a pattern.")
        st.page_link(ui.QUIZ, label="Retake the posture quiz", icon=":material/refresh:")
    elif not patterns:
        st.markdown(f"No clear pattern in your quiz on {ui.fmt_when(quiz.taken_at)}: general warm-up and stretches.")
    else:
        st.markdown(f"{names} — from your quiz on {ui.fmt_when(quiz.taken_at)}.")
with c2, st.container(border=True):
    st.markdown("**Form faults**")
    fault_names = "; ".join(fault_by_id[f].name for f in faults)
    if shared:
        st.markdown(f"From the link: {fault_names or 'none'}.")
    elif form is None:
        st.markdown("No form check yet. With it, the routine adds the drills that fix the faults you find "
                    "in your hinge, squat or handstand.")
        st.page_link(ui.FORM, label="Do the form check", icon=":material/arrow_forward:")
    elif not faults:
        st.markdown(f"No faults ticked in your check on {ui.fmt_when(form.taken_at)}.")
    else:
        st.markdown(f"{fault_names} — from your check on {ui.fmt_when(form.taken_at)}.")

# ------------------------------------------------------------------ today's choices

s = rules.session
with st.container(border=True):
    st.markdown("**Today's session**")
    goals = st.pills(
        "Goal movements", [g.id for g in rules.goals], selection_mode="multi", default=list(defaults.goals),
        format_func=lambda g: rules.goal_by_id[g].label, key=f"rt_goals_{widget_suffix}",
        help="Each goal adds a few exercises for that movement. Pick none to keep to the basics.",
    )
    minutes = st.slider(
        "Minutes per session", s.minutes_min, s.minutes_max,
        value=min(max(defaults.minutes, s.minutes_min), s.minutes_max), step=s.minutes_step,
        key=f"rt_minutes_{widget_suffix}",
    )
    # No default of its own (issue 14): an untouched control must not mean "no pain". A shared
    # link carries the pain it was made with.
    pain = ui.pain_picker(
        "Pain right now (0 = none, 10 = worst imaginable)", key=f"rt_pain_{widget_suffix}",
        default=defaults.pain if shared else None,
        help=f"From {rules.painful_day.threshold} the session switches to a gentle version. {rules.painful_day.threshold_text}",
    )
    if pain is None:
        st.caption(f"Tap your pain: from {rules.painful_day.threshold} today's session turns gentle. "
                        "Until then you see the usual session.")
    equipment = st.pills(
        "Equipment at hand", [t.id for t in lib.vocabulary.equipment], selection_mode="multi",
        default=list(defaults.equipment), format_func=lambda e: lib.equipment_label[e],
        key=f"rt_equipment_{widget_suffix}",
        help="Pick nothing if you have no equipment: the routine then uses only exercises that need none.",
    )
    if not equipment:
        st.caption("No equipment picked: only exercises that need nothing.")

inputs = RoutineInputs(goals=tuple(goals or ()), minutes=int(minutes), equipment=tuple(equipment or ()),
                       pain=int(pain) if pain is not None else 0,
                       patterns=patterns, faults=faults, weekdays=defaults.weekdays)
try:
    routine, fit = ui.routine_plan(inputs)  # built once per set of answers (cached, read-only)
except RoutineInputError as exc:
    st.error(f"{md(exc)} Change the choices above and try again.", icon=":material/error:")
    st.stop()

# ------------------------------------------------------------------ the routine

st.header("Your session")

# The summary and every action come first (issue 14); the exercise cards follow and fold.
# what was asked for and did not fit: one line at the top, with the length that fits it (issue 8)
if fit is not None:
    minutes_key = f"rt_minutes_{widget_suffix}"
    with st.container(border=True, key="rt_fit_line"):
        cols = st.columns([3, 1], vertical_alignment="center")
        cols[0].markdown(f":material/timer: {fit.text}")
        if fit.fit_minutes:
            cols[1].button(f"Make it {fit.fit_minutes} minutes", key="rt_fit", type="primary",
                           on_click=st.session_state.__setitem__, args=(minutes_key, fit.fit_minutes))
with st.container(horizontal=True, key="rt_summary"):  # one row, on a phone too
    st.metric("Total", fmt_minutes(routine.total_minutes), help=f"Fits your {routine.budget} minutes.")
    for block in BLOCKS:
        st.metric(rules.blocks[block].title, fmt_minutes(routine.block_minutes(block)))

for note in routine.notes:
    if note.kind == "gentle":
        st.warning(f"**Gentle session — your pain is {routine.inputs.pain}/10.** {note.text}\n\n"
                   f"*Why {rules.painful_day.threshold}?* {rules.painful_day.threshold_text}",
                   icon=":material/healing:")
    elif note.kind == "severe":
        st.error(note.text, icon=":material/stethoscope:")
        st.page_link(ui.SAFETY, label="Redo the safety check", icon=":material/health_and_safety:")
    elif note.kind == "conflicting":
        st.info(note.text, icon=":material/call_split:")
    elif note.kind == "short":
        continue  # said at the top, with the length that keeps the 5 + 5 minutes
    else:
        st.caption(note.text)

if not left_for_time(routine) and routine.spare_minutes >= 1:
    st.caption(f"About {fmt_minutes(routine.spare_minutes)} to spare: repeat a stretch you like or take an easy walk.")

# ------------------------------------------------------------------ start it, mark it done

today = date.today()
try:
    week = services.week_progress(store, profile.id, lib, today)
except StorageError as exc:
    ui.show_storage_error(exc)
    week = services.WeekProgress(0, lib.sessions_goal, lib.source_by_id[lib.sessions_goal_source].short, [])
this_week, target, done_today = week.this_week, week.goal, list(week.done_today)
with st.container(border=True, key="rt_actions"):
    act = st.columns(2)
    # Session player (issue 12): take the person through this routine one exercise at a time.
    if act[0].button("Start session", type="primary", icon=":material/play_arrow:", key=f"rt_start_{profile.id}",
                     width="stretch",
                     help="One exercise at a time, with timers for holds, a breath count for stretches and a tap per set."):
        st.session_state["pl_routine_inputs"] = {"profile": profile.id, "inputs": routine.inputs.to_dict()}
        st.switch_page(ui.SESSION)
    if act[1].button("Mark today's session done", icon=":material/task_alt:", key=f"rt_mark_done_{profile.id}",
                     width="stretch"):
        if pain is None:
            st.warning("**Not saved yet.** Tap your pain right now under *Today's session* (0 = none, 10 = worst "
                       "imaginable), then mark the session done again.", icon=":material/touch_app:")
        else:
            session = RoutineSession(max(1, math.ceil(routine.total_minutes)),
                                     {**routine.inputs.to_dict(), "shared_link": shared})
            try:
                store.sessions.add(profile.id, session)
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                this_week += 1
                done_today.append(session.done_at)
                st.success(f"Saved: today's session ({math.ceil(routine.total_minutes)} min).",
                           icon=":material/task_alt:")
    count = (f"{this_week} of at least {target}" if this_week < target else  # never "4 of at least 3"
             f"{this_week}, the weekly goal met")
    st.markdown(f"**Sessions this week: {count}.** "
                f"{week.goal_source} suggests at least {target} a week; imbalances come back if the work stops.")
    st.progress(min(1.0, this_week / target))
    if done_today:
        st.caption(f"Marked done today at {done_today[-1]:%H:%M}" if len(done_today) == 1 else
                   f"Marked done {len(done_today)} times today.")

# ------------------------------------------------------------------ take it with you

levels = exercise_levels(store, profile.id)


def level_line(ex_id: str) -> str | None:
    """'Level 2 of 4: 2 × 20 each leg (up from 20 reps each leg after three easy sessions)'."""
    text = level_text(lib, ex_id, levels.get(ex_id))
    if text and ex_id in levels and levels[ex_id].reason:
        text += f" ({levels[ex_id].reason})"
    return text


cal = rules.calendar
# Only the open tab is drawn (a rerun when another is picked, issue 15). The days and the paper
# size are kept in the session, since a widget's value goes when its tab is not drawn.
tab_pdf, tab_cal, tab_share = st.tabs(["Printable handout", "Calendar reminders", "Share link"],
                                      key=f"rt_take_{profile.id}", on_change="rerun")
kept_days, kept_paper = f"rt_days_kept_{widget_suffix}", f"rt_paper_kept_{profile.id}"
days = st.session_state.get(kept_days, list(defaults.weekdays))
if tab_pdf.open:
    with tab_pdf:
        st.caption("Every exercise with its dose, all the steps, why it is there and its source.")
        papers = ["A4", "Letter"]
        size = st.radio("Paper size", papers, horizontal=True, key=f"rt_paper_{profile.id}",
                        index=papers.index(st.session_state.get(kept_paper, "A4")))
        st.session_state[kept_paper] = size
        st.download_button(
            "Download the handout (PDF)", data=lambda: routine_pdf(lib, routine, size, made_for=profile.name,
                                    levels={it.id: t for it in routine.items if (t := level_line(it.id))}),
            file_name=f"backcheck-routine-{size.lower()}.pdf", mime="application/pdf", on_click="ignore",
            icon=":material/picture_as_pdf:", key=f"rt_pdf_{profile.id}",
        )
if tab_cal.open:
    with tab_cal:
        st.caption(f"A calendar file for your own calendar app: at least {target} days a week, "
                   f"with a reminder {cal.reminder_minutes} minutes before.")
        days = st.pills("Session days", list(WEEKDAYS), selection_mode="multi", default=days,
                        format_func=WEEKDAY_LABEL.__getitem__, key=f"rt_days_{widget_suffix}")
        days = st.session_state[kept_days] = [d for d in WEEKDAYS if d in (days or [])]
        dc = st.columns(2)
        weeks = dc[0].number_input("Weeks ahead", 1, cal.weeks_max, value=cal.weeks_default, step=1,
                                   key=f"rt_weeks_{profile.id}")
        at = dc[1].time_input("Start time", value=datetime.strptime(cal.time_default, "%H:%M").time(),
                              key=f"rt_time_{profile.id}", step=timedelta(minutes=15))
        if len(days) < target:
            st.warning(f"Pick at least {target} days — you have {len(days)}. "
                       "The calendar file is ready once you do.", icon=":material/event_busy:")
        else:
            first = today + timedelta(days=1)
            st.download_button(
                "Download the calendar (.ics)",
                data=lambda: calendar_ics(lib, routine, days, int(weeks), first, at),
                file_name="backcheck-sessions.ics", mime="text/calendar", on_click="ignore",
                icon=":material/event:", key=f"rt_ics_{profile.id}",
            )
            st.caption(f"{int(weeks)} weeks from {first:%a} {fmt_day_month(first)}: "
                       + ", ".join(WEEKDAY_LABEL[d] for d in days) + f" at {at:%H:%M}.")
if tab_share.open:
    with tab_share:
        shared_inputs = RoutineInputs.from_dict({**routine.inputs.to_dict(), "weekdays": days})
        base = phone_ui.network_url(st.context.url or "http://localhost:8501/routine")
        st.code(share_url(base, shared_inputs), language=None, wrap_lines=True)
        st.caption("Opening this link shows the same routine. It holds only these answers — goals, minutes, "
                   "equipment, pain, posture pattern, form faults and days — and no name or profile.")
        phone_ui.phone_panel(share_url(base, shared_inputs))

# ------------------------------------------------------------------ the exercises, folded


def show_item(item, open_: bool) -> None:
    """An exercise's folding card. Its contents are drawn only while it is open (a rerun on open),
    so a session of twelve exercises costs twelve closed cards, not a hundred elements (issue 15)."""
    box = st.expander(f"**{item.name}** · {fmt_minutes(item.minutes)} · {item.dose}", expanded=open_,
                      icon=ui.kind_icon(item.exercise.kind), key=f"rt_card_{profile.id}_{item.id}", on_change="rerun")
    if not box.open:
        return
    with box:
        if (lvl := level_line(item.id)):
            st.markdown(f"**Your level:** {lvl}")
        ui.figure(item.id, max_width=260)
        parts = ["\n".join(f"- {cue}" for cue in item.exercise.cues[: s.key_cues])]
        if item.exercise.progression is not None:
            prog = item.exercise.progression
            parts.append(f"**Progression:** {prog.text} *({lib.source_by_id[prog.source].short})*")
        parts += [f"**Why:** {reason.text}" for reason in item.reasons]
        st.markdown("\n\n".join(parts))
        notes = [*item.swaps, *([f"Take care: {item.exercise.caution}"] if item.exercise.caution else []),
                 "Source: " + "; ".join(lib.cite(src) for src in item.sources)]
        st.caption("\n\n".join(notes))
        st.page_link(ui.LIBRARY, label=f"How to do {item.name}, in the exercise library",
                     icon=ui.kind_icon(item.exercise.kind), query_params={"exercise": item.id})


st.caption("Tap an exercise to open its card: the steps, why it is in your session and where the idea comes from.")
first_item = True
for block in BLOCKS:
    meta = rules.blocks[block]
    st.subheader(f"{meta.title} · {fmt_minutes(routine.block_minutes(block))}")
    st.caption(f"{block_intro(rules, routine, block)} ({lib.source_by_id[meta.source].short})")
    if not routine.blocks[block]:
        st.caption("Nothing fitted here at this length; choose more minutes.")
    for item in routine.blocks[block]:
        show_item(item, open_=first_item)  # the first card open, to show what a card holds
        first_item = False

if routine.left_out:
    with st.expander(f"Left out this time ({len(routine.left_out)})"):
        st.markdown("\n".join(f"- **{lo.name}** ({lo.because}): {lo.reason}" for lo in routine.left_out))

st.caption(rules.messages.professional)
