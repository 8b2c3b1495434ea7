"""Exercise library: browse, search and filter every exercise from the articles."""

import streamlit as st

from backcheck import ui
from backcheck.content import ExerciseKind
from backcheck.library import filter_exercises
from backcheck.text import BadParam, md, parse_choice

lib = ui.library()

st.title("Exercise library")
st.markdown(
    "Every exercise named in the five source articles, with how to do it, how much, and where "
    "it comes from. Doses marked *suggested start* are ours: the article names the exercise but "
    "gives no amount."
)

deep_link = st.query_params.get("exercise")
if deep_link is not None:
    try:
        deep_link = parse_choice(deep_link, lib.exercise_by_id, "exercise")
    except BadParam as exc:
        st.caption(f":material/link_off: Link: {md(exc)} (showing every exercise).")
        deep_link = None

query = st.text_input("Search", placeholder="name, muscle or cue — e.g. glute, plank, hamstring", key="lib_search",
                      value=lib.exercise_by_id[deep_link].name if deep_link else "")
kind = st.segmented_control("Type", [k.label for k in ExerciseKind], key="lib_kind",
                            help="Strengthen builds what is weak, stretch releases what is tight.")
c3, c4 = st.columns(2)
muscles = c3.multiselect("Trains", list(lib.muscle_label), format_func=lib.muscle_label.__getitem__, key="lib_trains",
                         placeholder="Any muscle or capacity")
equipment = c4.selectbox("Equipment", ["any", "none", *lib.equipment_label], key="lib_equipment",
                         format_func=lambda e: {"any": "Any", "none": "None needed"}.get(e, lib.equipment_label.get(e, e)))

kind_id = next((k.value for k in ExerciseKind if k.label == kind), None)
found = filter_exercises(lib, query=query, kind=kind_id, trains=muscles, equipment=equipment)

if not found:
    st.info("No exercise matches all of these filters. Clear the search or a filter to see more.", icon=":material/search_off:")
else:
    st.caption(f"{len(found)} of {len(lib.exercises)} exercises")

def details(ex) -> None:
    """One exercise, opened: how to do it, the figure, dose, progression, equipment, caution, source."""
    if ex.dose.from_article:
        origin = "from the article"
    elif "suggested start" in ex.dose.text:  # the dose says so already: say only why
        origin = "the article gives no amount"
    else:
        origin = "suggested start; the article gives no amount"
    st.markdown(ex.summary)
    ui.figure(ex.id)
    needs = ", ".join(lib.equipment_label[e] for e in ex.equipment) or "Nothing"
    extra = ", ".join(lib.equipment_label[e] for e in ex.optional_equipment)
    parts = ["**How to do it**", "\n".join(f"{i}. {cue}" for i, cue in enumerate(ex.cues, start=1)),
             f"**Dose:** {ex.dose.text} *({origin})*"]
    if ex.progression is not None:
        parts.append(f"**Progression:** {ex.progression.text} *({lib.source_by_id[ex.progression.source].short})*")
    parts.append(f"**Equipment:** {needs}" + (f" · optional: {extra}" if extra else ""))
    st.markdown("\n\n".join(parts))  # one element: the library lists every exercise (issue 15)
    if ex.caution:
        st.warning(ex.caution, icon=":material/warning:")
    ui.cite(ex.source)


# Each exercise's details are drawn only while it is open (a rerun on open): the closed list is
# one element per exercise instead of eight, so the page costs the server and the browser little.
for ex in found:
    label = f"**{ex.name}** · {ExerciseKind(ex.kind).label} · {', '.join(lib.muscle_label[m] for m in ex.trains)}"
    box = st.expander(label, expanded=len(found) == 1 or ex.id == deep_link, key=f"lib_open_{ex.id}", on_change="rerun")
    if box.open:
        with box:
            details(ex)
