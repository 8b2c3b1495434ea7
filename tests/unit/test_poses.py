"""Exercise figures: every item has a pose that validates and renders; broken poses fail loudly."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ContentStream

from backcheck.content import CONTENT_DIR, ContentError, load_library
from backcheck.exports import routine_pdf
from backcheck.poses import figure_svg, print_svg
from backcheck.routine import RoutineInputs, build_routine

LIB = load_library()
BOOK = LIB.poses
SVG = "{http://www.w3.org/2000/svg}"

ITEMS = (
    [("exercises", e.id) for e in LIB.exercises]
    + [("quiz", q.id) for q in LIB.quiz.questions]
    + [("faults", f.id) for f in LIB.faults.faults]
    + [("checks", m.id) for m in LIB.faults.movements if m.self_check is not None]
)


def test_every_exercise_check_fault_and_self_check_has_a_figure():
    assert BOOK is not None
    assert len([i for i in ITEMS if i[0] == "exercises"]) == len(LIB.exercises) >= 40
    for section, item_id in ITEMS:
        assert BOOK.find(item_id, section) is not None, (section, item_id)
    assert ("checks", "hinge") in ITEMS  # the dowel check with its three contact points


@pytest.mark.parametrize("section, item_id", ITEMS, ids=[f"{s}:{i}" for s, i in ITEMS])
def test_each_figure_renders_as_accessible_scalable_svg(section, item_id):
    svg = figure_svg(BOOK, item_id, f"Label for {item_id}", kind=section, uid=item_id)
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-label") == f"Label for {item_id}"
    assert root.find(f"{SVG}title").text == f"Label for {item_id}"
    assert root.get("viewBox") and "width:100%" in svg and "height:auto" in svg
    assert "prefers-reduced-motion" in svg
    assert "currentColor" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    paths = root.findall(f".//{SVG}path")
    assert len(paths) >= 8  # limbs, trunk, head, floor at least
    fig = BOOK.find(item_id, section)[1]
    if any(len(p.frames) > 1 for p in fig.all_panels()):
        assert "@keyframes" in svg and "infinite" in svg  # moves between its keyframes
    if len(fig.all_panels()) > 1:
        labels = [t.text for t in root.iter(f"{SVG}text")]
        assert all(p.label for p in fig.all_panels()) and len(labels) == len(fig.all_panels())
    ElementTree.fromstring(print_svg(BOOK, item_id, section))  # the handout version too


def test_faults_show_the_fault_beside_its_fix():
    for fault in LIB.faults.faults:
        panels = BOOK.faults[fault.id].all_panels()
        assert [p.mark for p in panels] == ["bad", "good"], fault.id


def test_text_in_a_figure_is_escaped():
    svg = figure_svg(BOOK, "plank", 'Plank <script>alert("x")</script> & more', kind="exercises")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ElementTree.fromstring(svg)


def test_figures_animate_slowly_and_stop_for_reduced_motion():
    svg = figure_svg(BOOK, "bridge_hold", "x", kind="exercises", uid="b")
    seconds = [float(s) for s in re.findall(r"animation:\S+ ([0-9.]+)s linear infinite", svg)]
    assert seconds and min(seconds) >= 3  # a slow loop
    assert re.search(r"@media \(prefers-reduced-motion: reduce\)\{#bcf-b path\{animation:none", svg)


def test_bridge_lifts_the_hips_with_shoulders_and_feet_down():
    start, top = BOOK.resolved[("exercises", "bridge_hold")][0]
    for frame in (start, top):
        assert abs(frame.joints["shoulder"][1]) < 3 and abs(frame.joints["ankle1"][1]) < 3
    assert top.joints["hip"][1] > start.joints["hip"][1] + 15


def test_hang_is_off_the_floor_and_handstand_is_on_the_hands():
    hang = BOOK.resolved[("exercises", "pull_up")][0][0]
    assert hang.lowest() > 3 and hang.joints["hand1"][1] > hang.joints["head"][1]
    hand = BOOK.resolved[("faults", "handstand_banana_back")][1][0]
    assert abs(hand.joints["hand1"][1]) < 3 and hand.joints["ankle1"][1] > hand.joints["head"][1]


def test_handout_has_one_figure_per_exercise_beside_its_dose():
    routine = build_routine(LIB, RoutineInputs(goals=("squat", "handstand"), minutes=30, equipment=("band", "wall"),
                                               patterns=("anterior_tilt",), weekdays=("mon", "wed", "fri")))
    reader = PdfReader(io.BytesIO(routine_pdf(LIB, routine)))
    alts = []
    for page in reader.pages:
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"BDC" and operands[0] == "/Figure":
                alts.append(str(operands[1]["/Alt"]))
    assert len(alts) == len(routine.items) > 5
    assert [a.split(":")[0] for a in alts] == [it.exercise.name.encode("ascii", "replace").decode().replace("(", "[")
                                               .replace(")", "]") for it in routine.items]


# ----------------------------------------------------------------- broken poses


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit_poses(folder: Path, change) -> None:
    path = folder / "poses.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: d["exercises"]["bridge_hold"]["frames"][1].update(shin=[150, 150]),
         r"poses.yaml: exercises 'bridge_hold', frame 2 \('hips up'\): the near knee bends backwards"),
        (lambda d: d["exercises"]["air_squat"]["frames"][0].update(thigh=[0, 40]),
         r"poses.yaml: exercises 'air_squat', frame 1: 'ankle2' must be on the floor but is \d+ units above it"),
        (lambda d: d["exercises"]["bridge_hold"]["frames"][0].update(head=300),
         r"poses.yaml: exercises 'bridge_hold', frame 1: 'head' is \d+ units below the floor"),
        (lambda d: d["exercises"].pop("clam"), r"poses.yaml: exercises 'clam' has no figure"),
        (lambda d: d["exercises"].update(moonwalk=d["exercises"]["plank"]),
         r"poses.yaml: exercises 'moonwalk': unknown id"),
        (lambda d: d["faults"].pop("squat_butt_wink"), r"poses.yaml: faults 'squat_butt_wink' has no figure"),
        (lambda d: d["quiz"].pop("hip_height"), r"poses.yaml: quiz 'hip_height' has no figure"),
        (lambda d: d["exercises"]["plank"]["frames"][0].update(base="starfish"),
         r"exercises 'plank', frame 1, field 'base': unknown base pose 'starfish'"),
        (lambda d: d["exercises"]["plank"]["frames"][0].update(wings=2),
         r"poses.yaml: exercises 'plank', field 'frames.frame 1.wings': Extra inputs"),
        (lambda d: d["exercises"]["plank"].update(highlight=["tail"]),
         r"poses.yaml: exercises 'plank', field 'highlight.frame 1'"),
    ],
)
def test_a_broken_pose_names_the_file_item_and_problem(content_copy, change, expected):
    edit_poses(content_copy, change)
    with pytest.raises(ContentError, match=expected):
        load_library(content_copy)


def test_missing_poses_file_is_named(content_copy):
    (content_copy / "poses.yaml").unlink()
    with pytest.raises(ContentError, match=r"poses.yaml: the file is missing"):
        load_library(content_copy)
