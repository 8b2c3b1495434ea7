"""Session player: one exercise at a time, with timers, in big type; records how it went.

The player's state lives in storage (saved after every step), never in widget keys: a
reload or a dropped connection resumes where the clock says the person is (see
backcheck/player.py). The timer ticks through ``st.fragment(run_every=...)``, switched on
only while a countdown runs.
"""

import time
from dataclasses import replace
from datetime import datetime

import streamlit as st

from backcheck import player as P
from backcheck import session as S
from backcheck import ui
from backcheck.text import md
from backcheck.progression import Effort
from backcheck.routine import RoutineInputError, RoutineInputs, build_routine
from backcheck.storage import StorageError

lib = ui.library()
store = ui.store()
profile = ui.active_profile()
pid = profile.id
K = f"pl_{pid}_"  # widget keys carry the profile id
rules = lib.progression.rules

st.html("""<style>
.bc-now {font-size: clamp(1.4rem, 5vw, 2.4rem); font-weight: 600; line-height: 1.25; margin: .2rem 0;}
.bc-timer {font-size: clamp(4rem, 22vw, 9rem); font-weight: 700; line-height: 1; text-align: center;
           font-variant-numeric: tabular-nums; margin: .5rem 0;}
.bc-timer.bc-paused {opacity: .45;}
.bc-sub {font-size: clamp(1.1rem, 4vw, 1.6rem); text-align: center; margin-bottom: .4rem;}
.bc-cue {background: #d9f2e3; border-radius: .6rem; padding: .6rem 1rem; font-size: clamp(1.1rem, 4vw, 1.5rem);
         font-weight: 600; text-align: center; animation: bc-pulse 1s ease-out 2;}
@keyframes bc-pulse {0% {background: #7fd19f;} 100% {background: #d9f2e3;}}
.st-key-pl_controls button, .st-key-pl_main button {min-height: 3.2rem; font-size: 1.15rem;}
</style>""")

st.title("Session")
ui.show_flash(K)

ui.require_safe_to_exercise("the session")  # one gate for every screen that asks for exercise


def save(session_id: int, state: P.PlayerState) -> None:
    if not store.player.save_state(pid, session_id, state):
        st.warning("This session was finished or set aside in another window.", icon=":material/info:")
        st.stop()


def beep_and_flash() -> None:
    """A short tone made in the browser (WebAudio: no sound file, no request)."""
    st.html(
        "<script>(function(){try{const w=window.parent||window;const A=w.AudioContext||w.webkitAudioContext;"
        "if(!A)return;w.bcAudio=w.bcAudio||new A();const c=w.bcAudio;const o=c.createOscillator();"
        "const g=c.createGain();o.frequency.value=660;g.gain.setValueAtTime(0.0001,c.currentTime);"
        "g.gain.exponentialRampToValueAtTime(0.2,c.currentTime+0.02);"
        "g.gain.exponentialRampToValueAtTime(0.0001,c.currentTime+0.5);o.connect(g);g.connect(c.destination);"
        "o.start();o.stop(c.currentTime+0.55);}catch(e){}})();</script>",
        unsafe_allow_javascript=True,
    )


# ------------------------------------------------------------------ no session yet: start one

act = S.active(store, pid)
if act is None:
    chosen = st.session_state.get("pl_routine_inputs")  # set by My routine's Start button (a plain name)
    if isinstance(chosen, dict) and chosen.get("profile") == pid:
        base = RoutineInputs.from_dict(chosen["inputs"])
        where = "the choices you made on My routine"
    else:
        base = S.todays_inputs(lib, store.quiz.latest(pid), store.form_checks.latest(pid), store.sessions.latest(pid))
        where = "your saved results and the choices of your last session"
    st.markdown("The player takes you through today's routine one exercise at a time: what to do now, "
                "a countdown for holds, a breath count for stretches and a tap for each set.")
    st.caption(f"Built from {where}. To change goals, minutes or equipment, use My routine.")
    with st.container(border=True, key="pl_main"):
        pain = ui.pain_picker("Pain right now, before you start (0 = none, 10 = worst imaginable)",
                              key=f"{K}pain_before")
        if st.button("Start the session", type="primary", icon=":material/play_arrow:", key=f"{K}start",
                     width="stretch"):
            try:
                value = P.check_pain(pain)
                inputs = replace(base, pain=value)
                routine = build_routine(lib, inputs)
                S.begin(lib, store, pid, routine, value, time.time(), inputs=inputs.to_dict())
            except (P.PlayerError, RoutineInputError) as exc:
                st.error(md(exc), icon=":material/error:")
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                st.session_state.pop("pl_routine_inputs", None)
                st.rerun()
    st.page_link(ui.ROUTINE, label="See the whole routine first", icon=":material/event_note:")
    st.stop()

plan = act.plan
now = time.time()
v = P.view(plan, act.state, now)
if v.state != act.state:  # timers that ran out while nobody was looking (or across a reload)
    save(act.id, v.state)
state = v.state

# ------------------------------------------------------------------ finished: how did it go?

if state.finished:
    done = [r for r in P.results(plan, state)]
    n_done = sum(1 for r in done if r["outcome"] == "done")
    st.success(f"**Session finished.** {n_done} of {len(done)} exercises done.", icon=":material/celebration:")
    with st.container(border=True, key="pl_main"):
        st.markdown("**How did it go?** Both answers are needed to record the session.")
        pain_after = ui.pain_picker("Pain now (0 = none, 10 = worst imaginable)", key=f"{K}pain_after")
        effort = st.radio("How hard did it feel?", list(Effort), index=None, format_func=Effort.label_of,
                          horizontal=True, key=f"{K}effort")
        if st.button("Record the session", type="primary", icon=":material/task_alt:", key=f"{K}record",
                     width="stretch"):
            try:
                decisions = S.record(lib, store, pid, act, pain_after, effort, now=datetime.now())
            except P.PlayerError as exc:
                st.error(md(exc), icon=":material/error:")
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                moved = [d for d in decisions if d.changed]
                msg = "Session recorded. It counts towards this week's sessions."
                if moved:
                    msg += " " + " ".join(f"{lib.exercise_by_id[d.exercise].name}: {d.reason}." for d in moved)
                ui.flash(S.TODAY_FLASH, "success", msg)
                st.switch_page(ui.HOME)
    st.markdown("**What you did**")
    st.markdown("\n".join(f"- {r['name']} ({r['dose']}): {P.Outcome.label_of(r['outcome'], 'Not done')}"
                          + (f" · {md(r['note'])}" if r["note"] and r["outcome"] != "hurt" else "") for r in done))
    st.stop()

# ------------------------------------------------------------------ the player

item, step = v.item, v.step
assert item is not None and step is not None
st.progress(v.done_count / v.total, text=f"Exercise {state.item + 1} of {v.total}")

if state.pain_stop:
    st.warning(f"**Pain went up by {rules.pain_rise_points} or more points, so the strength work is left out "
               f"today.** {lib.routine.painful_day.message}", icon=":material/healing:")
    ui.cite(rules.painful_day_source)

ask = st.session_state.get(f"{K}ask_pain")
if ask == act.id:
    with st.container(border=True):
        st.markdown("**Sorry it hurt.** How much does it hurt now?")
        pain_now = ui.pain_picker("Pain now (0 = none, 10 = worst imaginable)", key=f"{K}pain_now")
        c1, c2 = st.columns(2)
        if c1.button("Save", type="primary", key=f"{K}pain_save", width="stretch"):
            try:
                new = P.report_pain(plan, state, pain_now, time.time(), rules.pain_rise_points, rules.hard_kinds)
            except P.PlayerError as exc:
                st.error(md(exc), icon=":material/error:")
            else:
                save(act.id, new)
                st.session_state.pop(f"{K}ask_pain", None)
                st.rerun()
        if c2.button("Not now", key=f"{K}pain_skip", width="stretch"):
            st.session_state.pop(f"{K}ask_pain", None)
            st.rerun()

if state.cue == "item_done" and state.item > 0:
    prev = plan.items[state.item - 1]
    st.html(f"<div class='bc-cue'>✓ {prev.name} done</div>")

st.header(item.name)
level = f" · level {item.level} of {item.levels}" if item.level else ""
st.markdown(f"**Dose:** {item.dose}{level}")

# ---- FIGURE SLOT (issue 12) -------------------------------------------------------------
# The exercise figure goes here, once, when the figures helper exists (built in parallel).
# Until then nothing is shown. `item.shown` is the exercise whose figure fits (a variant such
# as the one-leg bridge may differ from the routine's exercise).
_figure = getattr(ui, "figure", None)
if callable(_figure):
    _figure(item.shown)  # main's ui.figure(item_id): exercises first; draws nothing without a figure
# ------------------------------------------------------------------------------------------


def now_text(v: P.View) -> tuple[str, str]:
    """What to do now (big line) and a sub-line, for the step in view."""
    st_ = v.step
    side = f" · {st_.side} side" if st_.side else ""
    sets = f"Set {st_.set_no} of {st_.sets}{side}" if st_.sets > 1 or st_.side else ""
    if st_.kind == "intro":
        return "Get into position, then tap Start.", ""
    if st_.kind == "ready":
        return "Get ready…", sets
    if st_.kind == "hold":
        return "Hold.", sets
    if st_.kind == "breaths":
        return f"Breath {v.breath} of {st_.amount}: slow and deep, ease further as you breathe out.", sets
    if st_.kind == "timer":
        return "Keep going.", sets
    if st_.kind == "reps":
        return f"{st_.amount} reps{side}, then tap Set done.", f"Set {st_.set_no} of {st_.sets}" if st_.sets > 1 else ""
    return "Rest.", f"Next: set {st_.set_no + 1} of {st_.sets}"


with st.container(border=True):
    @st.fragment(run_every=1 if v.running else None)
    def timer() -> None:
        live = P.view(plan, state, time.time())
        if (live.state.item, live.state.step, live.state.finished) != (state.item, state.step, state.finished):
            save(act.id, live.state)  # a timer ran out: the step changed, redraw the whole page
            st.rerun()
        big, sub = now_text(live)
        if live.step.kind == "rest" and live.state.cue == "hold_done":
            st.html("<div class='bc-cue'>✓ Hold done. Rest.</div>")
        elif live.step.kind == "ready" and live.step.side == "right" and live.state.cue == "hold_done":
            st.html("<div class='bc-cue'>✓ Done. Switch sides.</div>")
        st.html(f"<div class='bc-now'>{big}</div>")
        if live.remaining is not None:
            paused = " bc-paused" if live.paused else ""
            st.html(f"<div class='bc-timer{paused}' data-testid='bc-timer'>{P.seconds_text(live.remaining)}</div>")
        if sub:
            st.html(f"<div class='bc-sub'>{sub}</div>")
        if live.paused:
            st.caption("Paused.")

    timer()

fresh_cue = state.cue in ("hold_done", "item_done") and state.cue_at is not None and now - state.cue_at < 3
if fresh_cue:
    beep_and_flash()

with st.container(key="pl_controls"):
    main_label = {"intro": "Start", "reps": "Set done", "rest": "Skip the rest"}.get(step.kind, "Next")
    main_icon = {"intro": ":material/play_arrow:", "reps": ":material/check:"}.get(step.kind, ":material/skip_next:")
    if st.button(main_label, type="primary", icon=main_icon, key=f"{K}tap", width="stretch"):
        save(act.id, P.tap(plan, state, time.time()))
        st.rerun()
    row = st.container(horizontal=True, gap="small")  # stays one row at phone width (columns would stack)
    if row.button("Back", icon=":material/undo:", key=f"{K}back", width="stretch",
                   help="Restart this exercise; at its start, go back to the one before."):
        save(act.id, P.back(plan, state, time.time()))
        st.rerun()
    if row.button("Skip", icon=":material/redo:", key=f"{K}skip", width="stretch", help="Skip this exercise."):
        save(act.id, P.skip(plan, state, time.time()))
        st.rerun()
    if row.button("It hurts", icon=":material/healing:", key=f"{K}hurt", width="stretch",
                   help="Stop this exercise because it hurts."):
        save(act.id, P.hurt(plan, state, time.time()))
        st.session_state[f"{K}ask_pain"] = act.id
        st.rerun()
    if step.timed:
        if v.paused:
            if row.button("Resume", icon=":material/play_arrow:", key=f"{K}resume", width="stretch"):
                save(act.id, P.resume(plan, state, time.time()))
                st.rerun()
        elif row.button("Pause", icon=":material/pause:", key=f"{K}pause", width="stretch"):
            save(act.id, P.pause(plan, state, time.time()))
            st.rerun()

st.markdown("**Key cues**")
st.markdown("\n".join(f"- {cue}" for cue in item.cues[: lib.routine.session.key_cues]))
ex = lib.exercise_by_id[item.shown]
if ex.caution:
    st.caption(f"Take care: {ex.caution}")
ui.cite(item.source)
if v.next_name:
    st.caption(f"Next exercise: {v.next_name}")

with st.expander("End the session early"):
    st.caption("Everything not done yet counts as skipped; you then record how it went.")
    if st.button("End the session now", key=f"{K}end", icon=":material/stop:"):
        save(act.id, P.finish_early(plan, state, time.time()))
        st.rerun()
