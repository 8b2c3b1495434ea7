"""Home: what BackCheck does and the profile's next step."""

from datetime import date

import streamlit as st

from backcheck import ui
from backcheck.form_check import describe as describe_form_check
from backcheck.routine import sessions_this_week
from backcheck.safety import exercise_gate

profile = ui.active_profile()
store = ui.store()
progress = store.progress(profile.id)
safety = store.latest_safety_check(profile.id)
quiz = store.latest_quiz_result(profile.id)

st.title("BackCheck")
st.markdown(
    "A self-check for back pain that comes with training. In a few minutes you can rule out the "
    "warning signs that need a doctor, find out which posture pattern your body leans towards, "
    "and see which exercises strengthen what is weak and stretch what is tight. Everything is "
    "drawn from five coaching and clinic articles, and each item tells you which one."
)

gate = exercise_gate(ui.library().safety, safety)
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

st.subheader("Your steps")
next_step = next((s for s in steps if s[3] is False), None)
for title, blurb, page, done, status in steps:
    with st.container(border=True):
        icon = ":material/check_circle:" if done else (":material/radio_button_unchecked:" if done is False else ":material/menu_book:")
        cols = st.columns([3, 1], vertical_alignment="center")
        with cols[0]:
            st.markdown(f"**{title}** — {blurb}")
            st.caption(status)
        with cols[1]:
            st.page_link(page, label="Open" if done or done is None else "Start", icon=icon)

if gate.reason == "red_flag":
    st.warning(
        "Your last safety check found warning signs. "
        f"**{ui.library().safety.levels[gate.result.level].headline}** "
        "Redo the safety check when you have been seen and the signs are gone.",
        icon=":material/warning:",
    )
elif next_step is not None:
    if st.button(f"Next step: {next_step[0][3:]}", type="primary", icon=":material/arrow_forward:"):
        st.switch_page(next_step[2])
