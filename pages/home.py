"""Home: Today for a returning person (session, week, pain, changes, next step); the steps for a first visit."""

from datetime import date, datetime

import streamlit as st

from backcheck import ui
from backcheck.form_check import describe as describe_form_check
from backcheck.routine import sessions_this_week
from backcheck.safety import exercise_gate
from backcheck.session import is_returning

profile = ui.active_profile()
store = ui.store()
progress = store.progress(profile.id)
safety = store.latest_safety_check(profile.id)
quiz = store.latest_quiz_result(profile.id)
gate = exercise_gate(ui.library().safety, safety)

# ------------------------------------------------------------------ Today (issue 12): a returning person
returning = is_returning(progress)
if returning:
    from backcheck import session as S

    lib = ui.library()
    pid = profile.id
    today = date.today()
    st.title("Today")
    ui.show_flash(S.TODAY_FLASH)
    sessions = store.routine_sessions(pid)
    target = lib.routine.session.sessions_per_week_min
    week = sessions_this_week([r["done_at"] for r in sessions], today)
    done_today = [r for r in sessions if r["done_at"].date() == today]
    act = S.active(store, pid)
    with st.container(border=True):
        st.subheader("Today's session")
        if gate.reason == "red_flag":
            st.warning("Your last safety check found warning signs. "
                       f"**{ui.library().safety.levels[gate.result.level].headline}** "
                       "Redo the safety check once the signs are gone.", icon=":material/warning:")
        elif act is not None:
            st.markdown(f"In progress: exercise {act.state.item + 1} of {len(act.plan.items)}, "
                        f"started {ui.fmt_when(act.started_at)}.")
            if st.button("Resume the session", type="primary", icon=":material/play_arrow:", key=f"today_resume_{pid}"):
                st.switch_page(ui.SESSION)
        elif done_today:
            st.success(f"Done today at {done_today[0]['done_at']:%H:%M}. Well done.", icon=":material/task_alt:")
            if st.button("Start another session", icon=":material/play_arrow:", key=f"today_again_{pid}"):
                st.switch_page(ui.SESSION)
        elif gate.allowed:
            st.markdown("Your routine, one exercise at a time, with timers and a tap per set.")
            if st.button("Start today's session", type="primary", icon=":material/play_arrow:",
                         key=f"today_start_{pid}"):
                st.switch_page(ui.SESSION)
        st.markdown(f"**{week} of {target} sessions this week.** Article 003 suggests at least {target} a week.")
        st.progress(min(1.0, week / target))

    with st.container(border=True):
        st.subheader("Pain today")
        entries = store.pain_entries(pid)
        tap_pain = ui.pain_picker("Pain today (0 = none, 10 = worst imaginable): one tap saves it",
                                  key=f"today_pain_{pid}_{len(entries)}")
        if tap_pain is not None:
            store.add_pain_entry(pid, datetime.now().replace(microsecond=0), int(tap_pain), "other", "lower_back")
            ui.flash(S.TODAY_FLASH, "success", f"Saved: pain {int(tap_pain)}/10 at {datetime.now():%H:%M}. "
                     "Add what you were doing and where it hurts in the pain log.")
            st.rerun()
        st.page_link(ui.PAIN, label="Open the pain log", icon=":material/monitoring:")

    with st.container(border=True):
        st.subheader("Since last week")
        changes = S.changes_since_last_week(store.level_changes(pid), entries, sessions, lib, today)
        if changes:
            st.markdown("\n".join(f"- {c.text}" for c in changes))
        else:
            st.caption("Nothing to compare yet: log pain and record sessions, and changes show up here.")

    if gate.reason == "outdated":
        step = ("safety", "The safety check has new questions since you last answered it. Please answer it "
                          "again before the next session.")
    else:
        step = S.next_assessment_step(progress, "clear" if gate.allowed else "flagged", today)
    if step is not None:
        key, why = step
        page = {"safety": ui.SAFETY, "quiz": ui.QUIZ, "form": ui.FORM}[key]
        title = {"safety": "Safety check", "quiz": "Posture quiz", "form": "Form check"}[key]
        with st.container(border=True):
            st.subheader(f"Next step: {title}")
            st.markdown(why)
            st.page_link(page, label=f"Open the {title.lower()}", icon=":material/arrow_forward:")
else:
    st.title("BackCheck")
    st.markdown(
        "A self-check for back pain that comes with training. In a few minutes you can rule out the "
        "warning signs that need a doctor, find out which posture pattern your body leans towards, "
        "and see which exercises strengthen what is weak and stretch what is tight. Everything is "
        "drawn from five coaching and clinic articles, and each item tells you which one."
    )


if safety is None:
    safety_status = "Not done yet."
elif gate.allowed:
    safety_status = f"Clear on {ui.fmt_when(safety['taken_at'])}."
elif gate.reason == "outdated":
    safety_status = f"Answered on {ui.fmt_when(safety['taken_at'])}, before new questions were added: please answer it again."
else:
    safety_status = (f"Warning signs reported on {ui.fmt_when(safety['taken_at'])}: "
                     f"{ui.library().safety.levels[gate.result.level].headline}")

if quiz is None:
    quiz_status = "Not done yet."
else:
    lib = ui.library()
    names = [lib.pattern_by_id[p].short_name for p in quiz["leading"] if p in lib.pattern_by_id]
    found = ", ".join(names) if names else "no clear pattern"
    quiz_status = f"Done on {ui.fmt_when(quiz['taken_at'])}: {found}."

form = store.latest_form_check(profile.id)
form_status = "Not done yet." if form is None else (
    f"Done on {ui.fmt_when(form['taken_at'])}: {describe_form_check(ui.library(), form)}.")

routine_sessions = store.routine_sessions(profile.id)
if not routine_sessions:
    routine_status = "No session marked done yet."
else:
    week = sessions_this_week([r["done_at"] for r in routine_sessions], date.today())
    routine_status = (f"Last session {ui.fmt_when(routine_sessions[0]['done_at'])}; {week} this week "
                      f"(aim for at least {ui.library().routine.session.sessions_per_week_min}).")

pain_latest = store.latest_pain_entry(profile.id)
pain_status = "No entries yet." if pain_latest is None else (
    f"Latest entry: pain {pain_latest['pain']}/10 on {ui.fmt_when(pain_latest['recorded_at'])} · "
    f"{ui.library().painlog.activity_label.get(pain_latest['activity'], pain_latest['activity'])}.")

steps = [
    ("1. Safety check", "A minute of yes/no questions about signs that need a doctor.", ui.SAFETY,
     progress["safety"] is not None and gate.allowed, safety_status),
    ("2. Posture quiz", "Eleven questions in front of a mirror or on the floor.", ui.QUIZ,
     progress["quiz"] is not None, quiz_status),
    ("3. Form check", "Tick the hip-hinge, squat and handstand faults you notice.", ui.FORM,
     progress["form"] is not None, form_status),
    ("4. My routine", "A session built from your answers, goal and time — printable and shareable.", ui.ROUTINE,
     progress["session"] is not None, routine_status),
    ("5. Exercise library", "Every exercise from the articles, with cues, doses and sources.", ui.LIBRARY,
     None, "Browse any time."),
    ("6. Pain log", "Log pain in a few taps and see whether it is really changing.", ui.PAIN,
     True if pain_latest else None, pain_status),
]

next_step = next((s for s in steps if s[3] is False), None)
steps_box = st.expander("All your steps") if returning else st.container()  # Today shows them folded
steps_box.subheader("Your steps")
for title, blurb, page, done, status in steps:
    with steps_box, st.container(border=True):
        icon = ":material/check_circle:" if done else (":material/radio_button_unchecked:" if done is False else ":material/menu_book:")
        cols = st.columns([3, 1], vertical_alignment="center")
        with cols[0]:
            st.markdown(f"**{title}** — {blurb}")
            st.caption(status)
        with cols[1]:
            st.page_link(page, label="Open" if done or done is None else "Start", icon=icon)

if returning:
    pass  # Today above already says what to do next (only when something is missing or stale)
elif gate.reason == "red_flag":
    st.warning(
        "Your last safety check found warning signs. "
        f"**{ui.library().safety.levels[gate.result.level].headline}** "
        "Redo the safety check when you have been seen and the signs are gone.",
        icon=":material/warning:",
    )
elif next_step is not None:
    if st.button(f"Next step: {next_step[0][3:]}", type="primary", icon=":material/arrow_forward:"):
        st.switch_page(next_step[2])
