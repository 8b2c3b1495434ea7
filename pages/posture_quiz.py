"""Posture quiz: mirror and floor self-tests, scored into an explained pattern result."""

import pandas as pd
import streamlit as st

from backcheck import ui
from backcheck.quiz import NOT_SURE, NOT_SURE_LABEL, QuizRecord, QuizResult, QuizVerdict, score_quiz
from backcheck.storage import StorageError

lib = ui.library()
quiz = lib.quiz
profile = ui.active_profile()
store = ui.store()

SETTING_TITLE = {
    "mirror": "In front of a mirror",
    "floor": "On the floor",
    "movement": "While you move",
    "pain": "When it hurts",
}
AVOID_WORD = {"strengthen": "strengthening", "stretch": "stretching", "mobility": "mobility", "control": "control"}
STRENGTH_TEXT = {"strong": "strong evidence", "moderate": "moderate evidence"}

INTRO = (
    "Answer what you see and feel, not what you think you should. You need a full-length "
    "mirror, a bit of floor and about ten minutes. Pick **Not sure** whenever you cannot tell; "
    "it adds nothing either way."
)

st.title("Posture quiz")
ui.require_safe_to_exercise("the posture quiz")


def render_result(result: QuizResult, when: str) -> None:
    leading = [lib.pattern_by_id[p] for p in result.leading]
    names = " and ".join(p.name for p in leading)
    if result.verdict == "too_few":
        st.info(
            f"**Not enough answers to tell.** You answered {result.answered} of {result.total} questions "
            f"with something other than Not sure; at least {quiz.scoring.min_answered} are needed. "
            "Try the mirror and floor checks, then take the quiz again.",
            icon=":material/help:",
        )
    elif result.verdict == "none":
        st.info(
            "**No clear pattern.** Your answers do not point strongly to any one posture pattern. "
            "That is common. The clinic base sequence (spinal control, bracing, hip extension, hip hinge) "
            "suits everyone, and the exercise library is open to you.",
            icon=":material/balance:",
        )
    elif result.verdict == "mixed":
        st.warning(f"**Mixed result:** your answers point to {names}.", icon=":material/call_split:")
        if result.conflicting:
            st.markdown(
                "Anterior and posterior tilt pull the pelvis in opposite directions, so both cannot be "
                "the main story. A physiotherapist can look at you in person and tell which it is."
            )
    else:
        st.success(f"**Your answers point to {names}.**", icon=":material/my_location:")
    st.caption(f"Quiz taken {when}.")
    st.plotly_chart(ui.quiz_figure(result), config={"displayModeBar": False})

    for pattern in leading:
        score = result.score(pattern.id)
        # Text that reads as one passage is one element, and each group's exercise links share one
        # wrapping row: a result is drawn on every visit, so it stays light (issue 15).
        with st.container(border=True):
            st.subheader(f"{pattern.name} — {STRENGTH_TEXT.get(score.strength, score.strength)}")
            st.markdown(pattern.description + "\n\n**What pointed here**\n\n"
                        + "\n".join(f"- {c.question} — *{c.answer}*" for c in score.contributions))
            for block, title in (("strengthen", "Strengthen"), ("stretch", "Stretch"), ("practise", "Practise")):
                for i, group in enumerate(getattr(pattern, block)):
                    st.markdown((f"**{title}**\n\n" if i == 0 else "")
                                + f"*{lib.muscle_label[group.muscle]}* — {group.why}")
                    with st.container(horizontal=True, gap="medium"):
                        for ex_id in group.exercises:
                            ui.exercise_link(lib.exercise_by_id[ex_id])
            for avoid in pattern.avoid:
                st.warning(f"**Leave out {AVOID_WORD[avoid.kind]} work for the {lib.muscle_label[avoid.muscle].lower()}.** {avoid.reason}",
                           icon=":material/block:")
            if pattern.tips:
                st.markdown("\n".join(f"- {tip}" for tip in pattern.tips))
            st.caption("Sources: " + "; ".join(lib.cite(s) for s in pattern.sources))
    st.info(
        "This quiz is a self-check, not a diagnosis. Confirm the result with a physiotherapist, "
        "who can assess your posture in person before you commit to a plan.",
        icon=":material/stethoscope:",
    )


history = store.quiz.history(profile.id)
if st.session_state.pop(f"quiz_saved_{profile.id}", False):
    ui.scroll_to_top()

show_form = not history or st.session_state.get(f"quiz_retake_{profile.id}", False)
if history:
    latest = history[0]
    render_result(QuizResult.from_dict(latest.result), ui.fmt_when(latest.taken_at))
    if len(history) > 1:
        earlier = st.expander(f"Earlier results ({len(history) - 1})", key=f"quiz_earlier_{profile.id}", on_change="rerun")
        if earlier.open:  # the table is drawn only when opened
            rows = [
                {
                    "Taken": ui.fmt_when(h.taken_at),
                    "Result": QuizVerdict.label_of(h.verdict),
                    "Patterns": ", ".join(lib.pattern_by_id[p].short_name for p in h.leading if p in lib.pattern_by_id) or "—",
                }
                for h in history[1:]
            ]
            earlier.dataframe(pd.DataFrame(rows), hide_index=True)
    if not show_form:
        # the result leads on (issue 14): the next step first, retaking second
        with st.container(border=True, key="quiz_next"):
            st.markdown("**Next step**")
            if store.form_checks.latest(profile.id) is None:
                st.page_link(ui.FORM, label="Check your hip hinge, squat and handstand form",
                             icon=":material/checklist:")
                st.page_link(ui.ROUTINE, label="Or go straight to your routine", icon=":material/event_note:")
            else:
                st.page_link(ui.ROUTINE, label="See your routine, built from this result",
                             icon=":material/event_note:")
            if st.button("Retake the quiz", icon=":material/refresh:"):
                st.session_state[f"quiz_retake_{profile.id}"] = True
                st.rerun()

if show_form:
    if history:
        st.divider()
        st.header("Retake the quiz")
    st.markdown(INTRO)
    groups: dict[str, list] = {}
    for q in quiz.questions:
        groups.setdefault(q.setting, []).append(q)
    with st.form(f"quiz_form_{profile.id}"):  # keys carry the profile: a switch never carries answers over
        answers: dict[str, str | None] = {}
        number = 0
        for setting, questions in groups.items():
            st.subheader(SETTING_TITLE[setting])
            for q in questions:
                number += 1
                options = [o.id for o in q.options] + [NOT_SURE]
                labels = {o.id: o.label for o in q.options} | {NOT_SURE: NOT_SURE_LABEL}
                answers[q.id] = st.radio(
                    f"{number}. {q.text}",
                    options,
                    index=None,
                    format_func=labels.__getitem__,
                    key=f"quiz_{profile.id}_{q.id}",
                )
                check_from = f" ({lib.source_by_id[q.check_source].short})" if q.check_source else ""
                st.caption(f"How to check{check_from}: {q.how_to_check} · "
                           f"What it points to: {lib.source_by_id[q.source].short}")
                ui.figure(q.id, "quiz", max_width=200)
        submitted = st.form_submit_button("See my result", type="primary")

    if submitted:
        numbers = {q.id: i for i, q in enumerate((q for qs in groups.values() for q in qs), start=1)}
        missing = [str(numbers[qid]) for qid, a in answers.items() if a is None]
        if missing:
            st.warning(
                f"Please answer every question (Not sure is fine) — still open: {', '.join(missing)}. Nothing was saved.",
                icon=":material/edit_note:",
            )
        else:
            result = score_quiz(quiz, answers, [p.id for p in lib.patterns])
            try:
                store.quiz.add(profile.id, QuizRecord.of(answers, result))
            except StorageError as exc:
                ui.show_storage_error(exc)
            else:
                st.session_state[f"quiz_saved_{profile.id}"] = True
                st.session_state[f"quiz_retake_{profile.id}"] = False
                st.rerun()
