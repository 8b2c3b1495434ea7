"""Home: Today for a returning person (session, week, pain, changes, next step); the steps for a first visit."""

from datetime import datetime

import streamlit as st

from backcheck import services, ui
from backcheck import session as S
from backcheck.painlog import validate_entry

profile = ui.active_profile()
store = ui.store()
pid = profile.id
lib = ui.library()
view = ui.home_view(pid)
gate = view.gate
PAGE = {"safety": ui.SAFETY, "quiz": ui.QUIZ, "form": ui.FORM, "routine": ui.ROUTINE, "library": ui.LIBRARY,
        "pain": ui.PAIN}

# ------------------------------------------------------------------ Today (issue 12): a returning person
returning = view.returning
if returning:
    week = view.week
    act = view.active
    st.title("Today")
    ui.show_flash(S.TODAY_FLASH)
    with st.container(border=True):
        st.subheader("Today's session")
        if gate.reason == "red_flag":
            st.warning(view.flag_summary, icon=":material/warning:")
        elif act is not None:
            st.markdown(f"In progress: exercise {act.state.item + 1} of {len(act.plan.items)}, "
                        f"started {ui.fmt_when(act.started_at)}.")
            if st.button("Resume the session", type="primary", icon=":material/play_arrow:", key=f"today_resume_{pid}"):
                st.switch_page(ui.SESSION)
        elif week.done_today:
            st.success(f"Done today at {week.done_today[-1]:%H:%M}. Well done.", icon=":material/task_alt:")
            if st.button("Start another session", icon=":material/play_arrow:", key=f"today_again_{pid}"):
                st.switch_page(ui.SESSION)
        elif gate.allowed:
            st.markdown("Your routine, one exercise at a time, with timers and a tap per set.")
            if st.button("Start today's session", type="primary", icon=":material/play_arrow:",
                         key=f"today_start_{pid}"):
                st.switch_page(ui.SESSION)
        st.markdown(f"**{week.this_week} session{'' if week.this_week == 1 else 's'} this week.** "  # not "4 of 3"
                    f"{week.goal_source} suggests at least {week.goal} a week.")
        st.progress(week.share)

    with st.container(border=True):
        st.subheader("Pain today")
        tap_pain = ui.pain_picker("Pain today (0 = none, 10 = worst imaginable): one tap saves it",
                                  key=f"today_pain_{pid}_{view.pain_entries}")
        if tap_pain is not None:
            store.pain.add(pid, validate_entry(lib.painlog, datetime.now().replace(microsecond=0), int(tap_pain),
                                               "other", "lower_back"))
            ui.flash(S.TODAY_FLASH, "success", f"Saved: pain {int(tap_pain)}/10 at {datetime.now():%H:%M}. "
                     "Add what you were doing and where it hurts in the pain log.")
            st.rerun()
        st.page_link(ui.PAIN, label="Open the pain log", icon=":material/monitoring:")

    with st.container(border=True):
        st.subheader("Since last week")
        if view.changes:
            st.markdown("\n".join(f"- {c.text}" for c in view.changes))
        else:
            st.caption("Nothing to compare yet: log pain and record sessions, and changes show up here.")

    if view.next_assessment is not None:
        key, why = view.next_assessment
        title = services.StepKey(key).label
        with st.container(border=True):
            st.subheader(f"Next step: {title}")
            st.markdown(why)
            st.page_link(PAGE[key], label=f"Open the {title.lower()}", icon=":material/arrow_forward:")
else:
    st.title("BackCheck")
    st.markdown(
        "A self-check for back pain that comes with training. In a few minutes you can rule out the "
        "warning signs that need a doctor, find out which posture pattern your body leans towards, "
        "and see which exercises strengthen what is weak and stretch what is tight. Everything is "
        "drawn from five coaching and clinic articles, and each item tells you which one."
    )

next_step = view.first_open_step


def show_steps() -> None:
    st.subheader("Your steps")
    for step in view.steps:
        done = step.done
        icon = ":material/check_circle:" if done else (":material/radio_button_unchecked:" if done is False else ":material/menu_book:")
        with st.container(border=True, horizontal=True, vertical_alignment="center", horizontal_alignment="distribute"):
            st.markdown(f"**{step.title}** — {step.blurb}\n\n:gray[{step.status}]")
            st.page_link(PAGE[step.key], label="Open" if done or done is None else "Start", icon=icon, width="content")


if returning:  # Today shows the steps folded, and draws them only when opened (issue 15)
    steps_box = st.expander("All your steps", key=f"home_steps_{pid}", on_change="rerun")
    if steps_box.open:
        with steps_box:
            show_steps()
else:
    show_steps()

if returning:
    pass  # Today above already says what to do next (only when something is missing or stale)
elif gate.reason == "red_flag":
    st.warning(view.flag_summary, icon=":material/warning:")
elif next_step is not None:
    if st.button(f"Next step: {next_step.key.label}", type="primary", icon=":material/arrow_forward:"):
        st.switch_page(PAGE[next_step.key])
