"""Home: what BackCheck does and the profile's next step."""

import streamlit as st

from backcheck import ui

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
if profile.is_demo:
    st.info("You are looking at a demo profile with made-up data.", icon=":material/info:")

if safety is None:
    safety_status = "Not done yet."
elif safety["level"] == "clear":
    safety_status = f"Clear on {ui.fmt_when(safety['taken_at'])}."
else:
    safety_status = f"Warning signs reported on {ui.fmt_when(safety['taken_at'])}: see a doctor before exercising."

if quiz is None:
    quiz_status = "Not done yet."
else:
    lib = ui.library()
    names = [lib.pattern_by_id[p].short_name for p in quiz["leading"] if p in lib.pattern_by_id]
    found = ", ".join(names) if names else "no clear pattern"
    quiz_status = f"Done on {ui.fmt_when(quiz['taken_at'])}: {found}."

steps = [
    ("1. Safety check", "A minute of yes/no questions about signs that need a doctor.", ui.SAFETY,
     progress["safety"] is not None and safety["level"] == "clear", safety_status),
    ("2. Posture quiz", "Eleven questions in front of a mirror or on the floor.", ui.QUIZ,
     progress["quiz"] is not None, quiz_status),
    ("3. Exercise library", "Every exercise from the articles, with cues, doses and sources.", ui.LIBRARY,
     None, "Browse any time."),
]

st.subheader(f"Your steps, {profile.name}")
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

if safety is not None and safety["level"] != "clear":
    st.warning(
        "Your last safety check found warning signs. Please see a doctor before you start the exercises. "
        "Redo the safety check when you have been seen and the signs are gone.",
        icon=":material/warning:",
    )
elif next_step is not None:
    if st.button(f"Next step: {next_step[0][3:]}", type="primary", icon=":material/arrow_forward:"):
        st.switch_page(next_step[2])
