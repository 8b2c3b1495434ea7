"""Exercise figures: joint-angle keyframes (content/poses.yaml) drawn as clean, animated SVG.

Pure Python, no Streamlit and no network. A *figure* is one or more *panels* (a fault and
its fix side by side, or two postures to compare); a panel is a side or front view with a
few named *keyframes*. A keyframe gives each body segment an absolute direction in degrees:

    0 = pointing straight down, 90 = pointing forward (to the right of the picture),
    180 = pointing up, 270 = pointing backwards (left).

Upright figures face right; a figure lying on its back has its head on the left, one
lying face down its head on the right. Segments: the spine in two parts (``spine: [lower,
upper]``), the head, and per limb ``[1, 2]`` (side view: near, far; front view: picture
left, picture right) ``thigh``, ``shin``, ``foot``, ``uarm`` (upper arm) and ``farm``
(forearm with the hand). Keyframes name a ``base`` pose (``bases:`` in the same file) and
override only what differs, so the file stays short.

Each keyframe is put on the floor through its ``contacts`` (joints that must touch it), or
held by ``anchor`` (a joint at a given height, e.g. the hands on a pull-up bar). Validation
refuses a knee or elbow bent backwards, a contact that does not reach the floor, any part
of the body below the floor, unknown bases, joints or props, and (in
:func:`coverage_problems`) an exercise, quiz check, form fault or movement self-check with
no figure, or a figure for an id that does not exist.

Drawing: :func:`figure_svg` returns one inline ``<svg role="img">`` with a ``<title>``;
limbs are rounded strokes in ``currentColor`` (so the figure follows the light or dark
theme), the working body part in the accent colour, the floor and props faint. Keyframes
are interpolated here (angles, eased) and played with CSS ``@keyframes`` on each path's
``d`` in a slow loop; ``prefers-reduced-motion`` stops it on the first keyframe.
:func:`print_svg` draws the start and end keyframes side by side without CSS or colour, for
the PDF handout (fpdf2 draws it as vector paths).
"""

from __future__ import annotations

import math
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal
from xml.sax.saxutils import escape, quoteattr

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

# --------------------------------------------------------------------------- body model

SEG = {  # segment lengths in drawing units (a standing figure is about 165 tall)
    "spine_low": 26.0, "spine_up": 28.0, "neck": 7.0, "thigh": 42.0, "shin": 40.0, "foot": 12.0,
    "uarm": 26.0, "farm": 26.0,
}
HEAD_R = 9.5
HIP_HALF = {"side": 0.0, "front": 9.0, "top": 9.0}
SHOULDER_HALF = {"side": 0.0, "front": 15.0, "top": 15.0}
LIMB_W, TRUNK_W = 8.0, 12.0
FLOOR_TOL = 2.5  # how far a contact may sit from the floor, drawing units
BEND_TOL = 8.0  # degrees a knee or elbow may straighten past straight before it counts as bent backwards

PAIRS = ("thigh", "shin", "foot", "uarm", "farm")
JOINTS = ("hip", "hip1", "hip2", "mid", "shoulder", "shoulder1", "shoulder2", "head", "knee1", "knee2",
          "ankle1", "ankle2", "toe1", "toe2", "elbow1", "elbow2", "hand1", "hand2")
SEGMENTS = ("spine", "pelvis", "spine_low", "spine_up", "head", "glutes", "thigh1", "thigh2", "shin1", "shin2", "foot1",
            "foot2", "uarm1", "uarm2", "farm1", "farm2")

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=60)]
Pair = tuple[float, float]


class PoseError(Exception):
    """content/poses.yaml is missing, unreadable, malformed or inconsistent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Anchor(_Strict):
    joint: Literal[JOINTS]  # type: ignore[valid-type]
    y: float = Field(ge=0, le=260)  # height of that joint above the floor


class Pose(_Strict):
    """A keyframe or a base pose: every field optional, filled from `base` and then the defaults."""

    base: Name | None = None
    name: str | None = None  # shown nowhere; helps people reading the file
    view: Literal["side", "front", "top"] | None = None  # top: lying, seen from the ceiling
    spine: Pair | None = None
    head: float | None = None
    pelvis: float | None = None  # front view: tilt of the hip line (one hip higher), degrees
    turn: float | None = Field(default=None, ge=-80, le=80)  # front view: upper body turned, degrees
    thigh: Pair | None = None
    shin: Pair | None = None
    foot: Pair | None = None
    uarm: Pair | None = None
    farm: Pair | None = None
    contacts: list[Literal[JOINTS]] | None = None  # type: ignore[valid-type]
    anchor: Anchor | None = None
    shift: float | None = None  # move the whole figure sideways (drawing units)
    short: dict[Literal[SEGMENTS], float] | None = None  # type: ignore[valid-type]  # foreshortened: segment -> length factor
    mat: float | None = Field(default=None, ge=0, le=40)  # floor seen slightly from above: contacts may lie this far in front


class Prop(_Strict):
    type: Literal["wall", "bar", "barbell", "dowel", "band", "bench", "box", "chair", "pad"]
    at: Literal[JOINTS] | None = None  # type: ignore[valid-type]  # joint it sits under/at
    to: Literal[JOINTS] | None = None  # type: ignore[valid-type]  # band: second end (a joint)
    to_xy: tuple[float, float] | None = None  # band: second end fixed at (x, height) relative to `at` in frame 1
    dx: float = 0.0
    width: float = Field(default=40.0, gt=0, le=200)
    contact_points: bool = True  # dowel: mark head, upper back and tailbone


class Panel(_Strict):
    label: str | None = Field(default=None, max_length=40)
    mark: Literal["good", "bad"] | None = None
    frames: list[Pose] = Field(min_length=1, max_length=6)
    highlight: list[Literal[SEGMENTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    props: list[Prop] = Field(default_factory=list)
    seconds: float = Field(default=2.2, ge=0.8, le=8)  # per move between keyframes


class Figure(_Strict):
    """One figure: a single panel (`frames` at the top level) or several `panels` side by side."""

    panels: list[Panel] | None = Field(default=None, min_length=1, max_length=3)
    frames: list[Pose] | None = None
    highlight: list[Literal[SEGMENTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    props: list[Prop] = Field(default_factory=list)
    seconds: float = Field(default=2.2, ge=0.8, le=8)

    def all_panels(self) -> list[Panel]:
        if self.panels:
            return list(self.panels)
        return [Panel(frames=self.frames or [], highlight=self.highlight, props=self.props, seconds=self.seconds)]


SECTIONS = ("exercises", "quiz", "faults", "checks")


class PoseBook(_Strict):
    """content/poses.yaml: base poses and one figure per exercise, quiz check, fault and movement self-check."""

    bases: dict[Name, Pose] = Field(default_factory=dict)
    exercises: dict[Name, Figure] = Field(default_factory=dict)
    quiz: dict[Name, Figure] = Field(default_factory=dict)
    faults: dict[Name, Figure] = Field(default_factory=dict)
    checks: dict[Name, Figure] = Field(default_factory=dict)  # movement id -> its self-check (the dowel check)

    def find(self, item_id: str, kind: str | None = None) -> tuple[str, Figure] | None:
        for section in ([kind] if kind else SECTIONS):
            fig = getattr(self, section, {}).get(item_id)
            if fig is not None:
                return section, fig
        return None

    @cached_property
    def resolved(self) -> dict[tuple[str, str], list[list["Frame"]]]:
        """(section, id) -> per panel, the resolved keyframes (filled by validate())."""
        return {}

    @cached_property
    def svgs(self) -> dict[tuple, str]:
        """figure_svg's results by its arguments: the book does not change once loaded, so a figure is
        drawn once per server instead of on every rerun of a page that shows it."""
        return {}


# --------------------------------------------------------------------------- geometry

DEFAULTS: dict[str, Any] = {
    "view": "side", "spine": (180.0, 180.0), "head": 180.0, "pelvis": 0.0, "turn": 0.0,
    "thigh": (0.0, 0.0), "shin": (0.0, 0.0), "foot": (90.0, 90.0), "uarm": (0.0, 0.0), "farm": (0.0, 0.0),
    "contacts": None, "anchor": None, "shift": 0.0, "mat": 0.0, "short": {},
}
ANGLE_FIELDS = ("spine", "head", "pelvis", "turn", *PAIRS)
SHORTENABLE = ("thigh1", "thigh2", "shin1", "shin2", "uarm1", "uarm2", "farm1", "farm2", "spine_low", "spine_up")


def _dir(deg: float) -> tuple[float, float]:
    """Unit vector for a direction in degrees, in y-up coordinates (0 = down, 90 = forward)."""
    r = math.radians(deg)
    return math.sin(r), -math.cos(r)


def _add(p: tuple[float, float], length: float, deg: float) -> tuple[float, float]:
    dx, dy = _dir(deg)
    return p[0] + length * dx, p[1] + length * dy


def _wrap(deg: float) -> float:
    return (deg + 180.0) % 360.0 - 180.0


class Frame:
    """A fully resolved keyframe: every angle known, joints placed relative to the floor (y up)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.view: str = values["view"]
        self.joints: dict[str, tuple[float, float]] = {}
        self._place_at((0.0, 0.0))

    def angles(self) -> dict[str, Any]:
        return {k: self.values[k] for k in ANGLE_FIELDS}

    def _place_at(self, hip: tuple[float, float]) -> None:
        v = self.values
        low, up = v["spine"]
        j: dict[str, tuple[float, float]] = {"hip": hip}
        j["mid"] = _add(hip, SEG["spine_low"] * v["short"].get("spine_low", 1.0), low)
        j["shoulder"] = _add(j["mid"], SEG["spine_up"] * v["short"].get("spine_up", 1.0), up)
        j["head"] = _add(j["shoulder"], SEG["neck"] + HEAD_R, v["head"])
        hh, sh = HIP_HALF[self.view], SHOULDER_HALF[self.view] * math.cos(math.radians(v["turn"]))
        across_hip, across_sh = low - 90 + v["pelvis"], up - 90
        j["hip1"], j["hip2"] = _add(hip, -hh, across_hip), _add(hip, hh, across_hip)
        j["shoulder1"], j["shoulder2"] = _add(j["shoulder"], -sh, across_sh), _add(j["shoulder"], sh, across_sh)
        short = v["short"]
        for i in (1, 2):
            k = i - 1

            def ln(seg: str) -> float:
                return SEG[seg] * short.get(f"{seg}{i}", 1.0)

            j[f"knee{i}"] = _add(j[f"hip{i}"], ln("thigh"), v["thigh"][k])
            j[f"ankle{i}"] = _add(j[f"knee{i}"], ln("shin"), v["shin"][k])
            j[f"toe{i}"] = _add(j[f"ankle{i}"], SEG["foot"], v["foot"][k])
            j[f"elbow{i}"] = _add(j[f"shoulder{i}"], ln("uarm"), v["uarm"][k])
            j[f"hand{i}"] = _add(j[f"elbow{i}"], ln("farm"), v["farm"][k])
        self.joints = j

    def move(self, dx: float, dy: float) -> None:
        hip = self.joints["hip"]
        self._place_at((hip[0] + dx, hip[1] + dy))

    def lowest(self) -> float:
        """Lowest point of the body's centre line; the head counts by its outline (the floor line
        sits half a trunk width below the centre line of a body lying on it)."""
        ys = [p[1] for name, p in self.joints.items() if name != "head"]
        return min([*ys, self.joints["head"][1] - HEAD_R + TRUNK_W / 2])

    def back_dir(self) -> float:
        """Direction (degrees) from the spine towards the person's back."""
        return self.values["spine"][0] + 90.0


def resolve(book: PoseBook, pose: Pose, where: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Fill a keyframe from its base chain and the defaults."""
    values = dict(DEFAULTS)
    if pose.base is not None:
        if pose.base in seen:
            raise PoseError(f"{where}: base '{pose.base}' refers back to itself.")
        base = book.bases.get(pose.base)
        if base is None:
            raise PoseError(f"{where}, field 'base': unknown base pose '{pose.base}' (not under 'bases').")
        values = resolve(book, base, f"poses.yaml: base '{pose.base}'", (*seen, pose.base))
    for key in DEFAULTS:
        own = getattr(pose, key)
        if own is not None:
            values[key] = own
    return values


def _grounded(book: PoseBook, pose: Pose, where: str) -> Frame:
    frame = Frame(resolve(book, pose, where))
    v = frame.values
    if v["anchor"] is not None:
        a = v["anchor"]
        frame.move(0.0, a.y - frame.joints[a.joint][1])
    elif v["contacts"]:
        frame.move(0.0, -frame.joints[v["contacts"][0]][1])  # the first contact sits on the floor
    elif frame.view == "top":
        frame.move(0.0, 70.0)  # seen from above: the floor is behind the whole figure
    else:
        raise PoseError(f"{where}: the figure is not on the floor and not held; give 'contacts' "
                        "(joints that touch the floor) or an 'anchor'.")
    return frame


def _check_frame(frame: Frame, where: str) -> None:
    v = frame.values
    if frame.view == "side":
        for i in (1, 2):
            k = i - 1
            knee = _wrap(v["thigh"][k] - v["shin"][k])
            if knee < -BEND_TOL:
                side = "near" if i == 1 else "far"
                raise PoseError(f"{where}: the {side} knee bends backwards by {-knee:.0f}° "
                                f"(thigh {v['thigh'][k]:g}°, shin {v['shin'][k]:g}°).")
            elbow = _wrap(v["farm"][k] - v["uarm"][k])
            if elbow < -BEND_TOL:
                side = "near" if i == 1 else "far"
                raise PoseError(f"{where}: the {side} elbow bends backwards by {-elbow:.0f}° "
                                f"(upper arm {v['uarm'][k]:g}°, forearm {v['farm'][k]:g}°).")
    for seg, factor in v["short"].items():
        if not 0.05 <= factor <= 1:
            raise PoseError(f"{where}, field 'short': '{seg}' must be shortened to between 0.05 and 1 of its length.")
    if frame.view == "top":
        return
    mat = v["mat"]
    for c in v["contacts"] or []:
        y = frame.joints[c][1]
        if not -mat - FLOOR_TOL <= y <= FLOOR_TOL:
            raise PoseError(f"{where}: '{c}' must be on the floor but is {y:.0f} units "
                            f"{'above' if y > 0 else 'below'} it.")
    low = frame.lowest()
    if low < -mat - FLOOR_TOL:
        name = min(frame.joints, key=lambda n: frame.joints[n][1] - (HEAD_R - TRUNK_W / 2 if n == "head" else 0))
        raise PoseError(f"{where}: '{name}' is {-low - mat:.0f} units below the floor.")


def _panel_frames(book: PoseBook, panel: Panel, where: str) -> list[Frame]:
    frames: list[Frame] = []
    for n, pose in enumerate(panel.frames, start=1):
        label = f"{where}, frame {n}" + (f" ('{pose.name}')" if pose.name else "")
        frame = _grounded(book, pose, label)
        _check_frame(frame, label)
        frames.append(frame)
    views = {f.view for f in frames}
    if len(views) > 1:
        raise PoseError(f"{where}: all frames of a panel need the same view (found {', '.join(sorted(views))}).")
    # keep the figure in place: the first contact (or the anchor) stays where it was in frame 1
    first = frames[0]
    for frame in frames:
        v = frame.values
        key = v["anchor"].joint if v["anchor"] else (v["contacts"] or ["hip"])[0]
        dx = first.joints[key][0] - frame.joints[key][0] if frame is not first else 0.0
        frame.move(dx + v["shift"], 0.0)
    return frames


def validate(book: PoseBook) -> None:
    """Resolve and check every figure; raises PoseError naming the figure and frame."""
    for name, base in book.bases.items():
        resolve(book, base, f"poses.yaml: base '{name}'", (name,))
    for section in SECTIONS:
        for item_id, fig in getattr(book, section).items():
            where = f"poses.yaml: {section} '{item_id}'"
            if bool(fig.panels) == bool(fig.frames):
                raise PoseError(f"{where}: give either 'frames' or 'panels'.")
            panels = fig.all_panels()
            book.resolved[(section, item_id)] = [
                _panel_frames(book, p, where + (f", panel {i}" if len(panels) > 1 else ""))
                for i, p in enumerate(panels, start=1)
            ]


def coverage_problems(book: PoseBook, wanted: dict[str, Iterable[str]]) -> list[str]:
    """Every wanted id needs a figure; every figure needs a wanted id. `wanted`: section -> ids."""
    problems: list[str] = []
    for section, ids in wanted.items():
        ids = list(ids)
        have = getattr(book, section)
        for i in ids:
            if i not in have:
                problems.append(f"poses.yaml: {section} '{i}' has no figure; add one under '{section}:'.")
        for i in have:
            if i not in ids:
                problems.append(f"poses.yaml: {section} '{i}': unknown id (no such item in the content files).")
    return problems


def load_pose_book(path: Path) -> PoseBook:
    """Read and validate content/poses.yaml (geometry included). Raises PoseError."""
    if not path.exists():
        raise PoseError(f"{path.name}: the file is missing from {path.parent}.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise PoseError(f"{path.name}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(raw, dict):
        raise PoseError(f"{path.name}: expected a mapping at the top level.")
    try:
        book = PoseBook.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [str(p) for p in err["loc"]]
        item = f"{loc[0]} '{loc[1]}'" if len(loc) >= 2 and loc[0] in (*SECTIONS, "bases") else ""
        rest = loc[2:] if item else loc
        field = ".".join("frame " + str(int(p) + 1) if p.isdigit() else p for p in rest) or "(whole item)"
        raise PoseError(f"{path.name}: {item + ', ' if item else ''}field '{field}': {err['msg']}.") from exc
    validate(book)
    return book


# --------------------------------------------------------------------------- drawing

ACCENT = "var(--bc-fig-accent, #e0663a)"
GOOD = "var(--bc-fig-good, #2e9e6b)"
BAD = "var(--bc-fig-bad, #d64545)"
PANEL_GAP, PAD, MIN_PANEL_W = 16.0, 10.0, 92.0
_uid_ok = re.compile(r"[^a-zA-Z0-9_-]")


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def _mix(a: Frame, b: Frame, t: float) -> Frame:
    va, vb = a.values, b.values
    vals = dict(va)
    for k in ANGLE_FIELDS:
        x, y = va[k], vb[k]
        vals[k] = tuple(p + (q - p) * t for p, q in zip(x, y)) if isinstance(x, tuple) else x + (y - x) * t
    sa, sb = va["short"], vb["short"]
    vals["short"] = {k: sa.get(k, 1.0) + (sb.get(k, 1.0) - sa.get(k, 1.0)) * t for k in {*sa, *sb}}
    f = Frame(vals)
    ha, hb = a.joints["hip"], b.joints["hip"]
    f._place_at((ha[0] + (hb[0] - ha[0]) * t, ha[1] + (hb[1] - ha[1]) * t))
    return f


def _fmt(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


class _Canvas:
    """Turns y-up drawing coordinates into SVG coordinates for one panel."""

    def __init__(self, x0: float, top: float) -> None:
        self.x0, self.top = x0, top

    def pt(self, p: tuple[float, float]) -> str:
        return f"{_fmt(p[0] - self.x0)} {_fmt(self.top - p[1])}"


def _shapes(frame: Frame, panel: Panel, cv: _Canvas) -> dict[str, tuple[str, str]]:
    """name -> (class, path d) for one frame. Same names and path structure for every frame."""
    j = frame.joints
    out: dict[str, tuple[str, str]] = {}
    far = "far" if frame.view == "side" else "limb"
    order = (2, 1)  # far (or picture-right) limbs first, so near limbs draw on top
    for i in order:
        cls = far if i == 2 else "limb"
        out[f"leg{i}"] = (cls, f"M{cv.pt(j[f'hip{i}'])} L{cv.pt(j[f'knee{i}'])} L{cv.pt(j[f'ankle{i}'])} "
                               f"L{cv.pt(j[f'toe{i}'])}")
        if i == 2:
            out["arm2"] = (cls, f"M{cv.pt(j['shoulder2'])} L{cv.pt(j['elbow2'])} L{cv.pt(j['hand2'])}")
    hip, mid, sh = j["hip"], j["mid"], j["shoulder"]
    ctrl = (2 * mid[0] - (hip[0] + sh[0]) / 2, 2 * mid[1] - (hip[1] + sh[1]) / 2)
    out["trunk"] = ("trunk", f"M{cv.pt(hip)} Q{cv.pt(ctrl)} {cv.pt(sh)}")
    if frame.view == "front":
        out["hips"] = ("limb", f"M{cv.pt(j['hip1'])} L{cv.pt(j['hip2'])}")
        out["shoulders"] = ("limb", f"M{cv.pt(j['shoulder1'])} L{cv.pt(j['shoulder2'])}")
    out["neck"] = ("limb", f"M{cv.pt(sh)} L{cv.pt(_add(sh, SEG['neck'], frame.values['head']))}")
    hx, hy = j["head"]
    out["head"] = ("head", f"M{cv.pt((hx - HEAD_R, hy))} a{_fmt(HEAD_R)} {_fmt(HEAD_R)} 0 1 0 {_fmt(2 * HEAD_R)} 0 "
                           f"a{_fmt(HEAD_R)} {_fmt(HEAD_R)} 0 1 0 {_fmt(-2 * HEAD_R)} 0")
    out["leg1"] = out.pop("leg1")
    out["arm1"] = ("limb", f"M{cv.pt(j['shoulder1'])} L{cv.pt(j['elbow1'])} L{cv.pt(j['hand1'])}")
    # highlights (the working body part), drawn on top
    seg_ends = {
        "spine_low": ("hip", "mid"), "spine_up": ("mid", "shoulder"),
        **{f"{s}{i}": (a + str(i), b + str(i)) for i in (1, 2) for s, a, b in (
            ("thigh", "hip", "knee"), ("shin", "knee", "ankle"), ("foot", "ankle", "toe"),
            ("uarm", "shoulder", "elbow"), ("farm", "elbow", "hand"))},
    }
    for h in panel.highlight:
        if h == "spine":
            out["hl_spine"] = ("hl trunk-hl", f"M{cv.pt(hip)} Q{cv.pt(ctrl)} {cv.pt(sh)}")
        elif h == "pelvis":
            out["hl_pelvis"] = ("hl", f"M{cv.pt(j['hip1'])} L{cv.pt(j['hip2'])}")
        elif h == "head":
            out["hl_head"] = ("hl", out["head"][1])
        elif h == "glutes":
            c = _add(_add(hip, 6.0, frame.back_dir()), 2.0, frame.values["spine"][0])
            out["hl_glutes"] = ("hl glute", f"M{cv.pt(c)} L{cv.pt(_add(c, 0.1, frame.values['spine'][0]))}")
        else:
            a, b = seg_ends[h]
            out[f"hl_{h}"] = ("hl", f"M{cv.pt(j[a])} L{cv.pt(j[b])}")
    # props that follow the body
    for n, prop in enumerate(panel.props):
        if prop.type == "band" and prop.at:
            end = j[prop.to] if prop.to else None
            if end is None and prop.to_xy is not None:
                end = prop_anchor(prop, frame)
            if end is not None:
                out[f"band{n}"] = ("band", f"M{cv.pt(j[prop.at])} L{cv.pt(end)}")
        elif prop.type == "dowel":
            back = frame.back_dir()
            tail = _add(hip, 6.5, back)
            head_back = _add(j["head"], HEAD_R + 1.5, frame.values["spine"][1] + 90)
            ux, uy = head_back[0] - tail[0], head_back[1] - tail[1]
            length = math.hypot(ux, uy) or 1.0
            ux, uy = ux / length, uy / length
            a = (tail[0] - 8 * ux, tail[1] - 8 * uy)
            b = (head_back[0] + 12 * ux, head_back[1] + 12 * uy)
            out[f"dowel{n}"] = ("dowel", f"M{cv.pt(a)} L{cv.pt(b)}")
            if prop.contact_points:
                up_back = _add(sh, 7.5, frame.values["spine"][1] + 90)
                for k, p in enumerate((tail, up_back, head_back)):
                    out[f"dot{n}_{k}"] = ("dot", f"M{cv.pt(p)} L{cv.pt((p[0] + 0.1, p[1]))}")
        elif prop.type == "barbell" and prop.at:
            p = j[prop.at]
            out[f"barbell{n}"] = ("plate", f"M{cv.pt((p[0] - 0.1, p[1]))} L{cv.pt((p[0] + 0.1, p[1]))}")
        elif prop.type == "bar" and prop.at:
            p = j[prop.at]
            out[f"bar{n}"] = ("bar", f"M{cv.pt((p[0] - 0.1, p[1]))} L{cv.pt((p[0] + 0.1, p[1]))}")
    return out


def prop_anchor(prop: Prop, frame: Frame) -> tuple[float, float]:
    """A band's fixed end: `to_xy` is (x, height above the floor) in the panel's units (hip of frame 1 at x 0)."""
    return prop.to_xy or (0.0, 0.0)


def _static_props(panel: Panel, first: Frame, cv: _Canvas, left: float, right: float, top_y: float) -> list[str]:
    """Props that do not move: floor, wall, bench, box, chair, pad, the upright of a bar."""
    out: list[str] = []
    j = first.joints
    for prop in panel.props:
        p = j[prop.at] if prop.at else j["hip"]
        if prop.type == "wall":
            x = p[0] + prop.dx
            out.append(f'<path class="prop" d="M{cv.pt((x, 0))} L{cv.pt((x, top_y))}"/>')
            out.append(f'<path class="hatch" d="M{cv.pt((x, 0))} L{cv.pt((x, top_y))}"/>')
        elif prop.type in ("bench", "box", "pad"):
            top = p[1] - (TRUNK_W / 2 if prop.at in ("hip", "mid", "shoulder") else LIMB_W / 2)
            x0 = p[0] - prop.width / 2 + prop.dx
            h = max(top, 2.0) + LIMB_W / 2 + 1
            out.append(f'<rect class="prop-fill" x="{_fmt(x0 - cv.x0)}" y="{_fmt(cv.top - top)}" '
                       f'width="{_fmt(prop.width)}" height="{_fmt(h)}" rx="3"/>')
        elif prop.type == "chair":
            seat = p[1] - TRUNK_W / 2
            x0, x1 = p[0] - 14 + prop.dx, p[0] + 22 + prop.dx
            out.append(f'<path class="prop" d="M{cv.pt((x0, seat))} L{cv.pt((x1, seat))} '
                       f'M{cv.pt((x0 + 3, seat))} L{cv.pt((x0 + 3, 0))} M{cv.pt((x1 - 3, seat))} L{cv.pt((x1 - 3, 0))} '
                       f'M{cv.pt((x0, seat))} L{cv.pt((x0 - 4, seat + 40))}"/>')
        elif prop.type == "bar":
            out.append(f'<path class="prop" d="M{cv.pt((p[0], p[1] + 4))} L{cv.pt((p[0], top_y))}"/>')
    return out


def _panel_layout(frames: list[Frame], panel: Panel) -> tuple[float, float, float, float]:
    """(left, right, bottom, top) in y-up units covering every frame, its props and the floor."""
    xs: list[float] = []
    ys: list[float] = [0.0]
    for f in frames:
        for name, (x, y) in f.joints.items():
            r = HEAD_R if name == "head" else LIMB_W / 2
            xs += [x - r, x + r]
            ys += [y - r, y + r]
    first = frames[0]
    for prop in panel.props:
        p = first.joints[prop.at] if prop.at else first.joints["hip"]
        if prop.type == "wall":
            xs.append(p[0] + prop.dx)
        elif prop.type in ("bench", "box", "pad"):
            xs += [p[0] - prop.width / 2 + prop.dx, p[0] + prop.width / 2 + prop.dx]
        elif prop.type == "chair":
            xs += [p[0] - 18 + prop.dx, p[0] + 22 + prop.dx]
            ys.append(p[1] + 34)
        elif prop.type == "dowel":
            ys.append(max(f.joints["head"][1] for f in frames) + 22)
        elif prop.type == "bar":
            ys.append(p[1] + 14)
        elif prop.type == "band" and prop.to_xy:
            xs.append(prop.to_xy[0])
            ys.append(prop.to_xy[1])
    if first.view == "top":
        ys += [y for f in frames for _n, (_x, y) in f.joints.items()]
        bottom = min(ys) - PAD
    else:
        bottom = -8.0 - first.values["mat"]
    left, right = min(xs) - PAD, max(xs) + PAD
    top = max(ys) + PAD
    return left, right, bottom, top


def _ground(first: Frame, cv: _Canvas, x0: float, w: float, bottom: float, top: float, printing: bool = False) -> str:
    """The floor: a line, a band seen slightly from above (mat), or for a top view the mat under the figure."""
    fill = 'fill="#eeeeee"' if printing else 'class="mat"'
    line = 'stroke="#777777" stroke-width="1.5" fill="none"' if printing else 'class="floor"'
    if first.view == "top":
        return (f'<rect {fill} x="{_fmt(x0 + 2 - cv.x0)}" y="{_fmt(cv.top - top + 2)}" width="{_fmt(w - 4)}" '
                f'height="{_fmt(top - bottom - 4)}" rx="8"/>')
    floor_y = -LIMB_W / 2 - 1
    out = f'<path {line} d="M{cv.pt((x0, floor_y))} L{cv.pt((x0 + w, floor_y))}"/>'
    mat = first.values["mat"]
    if mat:
        out = (f'<rect {fill} x="{_fmt(x0 - cv.x0)}" y="{_fmt(cv.top - floor_y - 4)}" width="{_fmt(w)}" '
               f'height="{_fmt(mat + 4)}"/>')
    return out


def _keyframe_times(n: int, seconds: float) -> tuple[float, list[tuple[float, int, int, float]]]:
    """Total duration and (time, from, to, t) samples: hold each keyframe, then move to the next."""
    hold = seconds * 0.55
    steps = 6
    samples: list[tuple[float, int, int, float]] = []
    clock = 0.0
    for k in range(n):
        nxt = (k + 1) % n
        samples.append((clock, k, k, 0.0))
        clock += hold
        for s in range(steps):
            samples.append((clock + seconds * s / steps, k, nxt, _ease(s / steps)))
        clock += seconds
    samples.append((clock, 0, 0, 0.0))
    return clock, samples


def figure_svg(book: PoseBook, item_id: str, title: str, kind: str | None = None, uid: str = "f",
               max_width: int = 340, scale: float = 1.5) -> str:
    """The figure for an exercise, quiz check, fault or movement self-check as inline animated SVG."""
    key = (item_id, title, kind, uid, max_width, scale)
    svg = book.svgs.get(key)
    if svg is None:
        svg = book.svgs[key] = _figure_svg(book, item_id, title, kind, uid, max_width, scale)
    return svg


def _figure_svg(book: PoseBook, item_id: str, title: str, kind: str | None, uid: str, max_width: int,
                scale: float) -> str:
    found = book.find(item_id, kind)
    if found is None:
        raise KeyError(item_id)
    section, fig = found
    panels = fig.all_panels()
    resolved = book.resolved.get((section, item_id))
    if resolved is None:
        resolved = [_panel_frames(book, p, f"{section} '{item_id}'") for p in panels]
    uid = _uid_ok.sub("-", f"bcf-{uid}")
    layouts = [_panel_layout(fr, p) for fr, p in zip(resolved, panels)]
    top = max(lay[3] for lay in layouts)
    label_h = 16.0 if any(p.label for p in panels) else 0.0
    height = top - min(lay[2] for lay in layouts) + label_h
    widths = [max(lay[1] - lay[0], MIN_PANEL_W if len(panels) > 1 else 70.0) for lay in layouts]
    total_w = sum(widths) + PANEL_GAP * (len(panels) - 1)
    body: list[str] = []
    css: list[str] = []
    x_off = 0.0
    for pi, (panel, frames, lay, w) in enumerate(zip(panels, resolved, layouts, widths)):
        left, right, bottom, _t = lay
        extra = (w - (right - left)) / 2
        cv = _Canvas(left - extra - x_off, top + label_h)
        body.append('<g class="panel">')
        body.append(_ground(frames[0], cv, left - extra, w, bottom, top))
        body += _static_props(panel, frames[0], cv, left, right, top)
        if panel.label:
            colour = {"good": GOOD, "bad": BAD}.get(panel.mark or "", "currentColor")
            sign = {"good": "✓ ", "bad": "✗ "}.get(panel.mark or "", "")
            body.append(f'<text x="{_fmt(x_off + w / 2)}" y="12" text-anchor="middle" class="lbl" '
                        f'style="fill:{colour}">{escape(sign + panel.label)}</text>')
        shape_frames = [_shapes(f, panel, cv) for f in frames]
        if len(frames) > 1:
            total, samples = _keyframe_times(len(frames), panel.seconds)
            sampled = [(t, _shapes(_mix(frames[a], frames[b], s), panel, cv) if a != b else shape_frames[a])
                       for t, a, b, s in samples]
        else:
            total, sampled = 0.0, []
        for name, (cls, d0) in shape_frames[0].items():
            if cls.startswith("hl") and panel.mark == "bad":
                cls += " bad"
            anim_id = f"{uid}-{pi}-{name}"
            frames_d = [s[name][1] for _t, s in sampled]
            animated = len(set(frames_d)) > 1
            attr = f' style="animation:{anim_id} {_fmt(total)}s linear infinite"' if animated else ""
            body.append(f'<path class="{cls}" d="{d0}"{attr}/>')
            if animated:
                steps = []
                last_pct = None
                for t, shapes in sampled:
                    pct = round(100 * t / total, 2)
                    if pct == last_pct:
                        continue
                    last_pct = pct
                    steps.append(f"{_fmt(pct) if pct % 1 else int(pct)}%{{d:path('{shapes[name][1]}')}}")
                css.append(f"@keyframes {anim_id}{{{''.join(steps)}}}")
        body.append("</g>")
        x_off += w + PANEL_GAP
    style = (
        f"#{uid}{{color:inherit;max-width:{_fmt(min(total_w * scale, max_width * len(panels)))}px;width:100%;height:auto;display:block;margin:0 auto}}"
        f"#{uid} path{{fill:none;stroke:currentColor;stroke-linecap:round;stroke-linejoin:round}}"
        f"#{uid} .limb{{stroke-width:{_fmt(LIMB_W)}}}"
        f"#{uid} .far{{stroke-width:{_fmt(LIMB_W)};opacity:.42}}"
        f"#{uid} .trunk{{stroke-width:{_fmt(TRUNK_W)}}}"
        f"#{uid} .head{{stroke-width:0;fill:currentColor}}"
        f"#{uid} .hl{{stroke:{ACCENT};stroke-width:{_fmt(LIMB_W - 2.5)}}}"
        f"#{uid} .hl.trunk-hl{{stroke-width:{_fmt(TRUNK_W - 4)}}}"
        f"#{uid} .hl.glute{{stroke-width:15}}"
        f"#{uid} .hl.bad{{stroke:{BAD}}}"
        f"#{uid} .floor{{stroke-width:2;opacity:.35}}"
        f"#{uid} .prop{{stroke-width:3;opacity:.5}}"
        f"#{uid} .hatch{{stroke-width:9;opacity:.12;transform:translateX(5px)}}"
        f"#{uid} .prop-fill{{fill:currentColor;opacity:.18}}"
        f"#{uid} .band{{stroke:{ACCENT};stroke-width:2.5;stroke-dasharray:5 3}}"
        f"#{uid} .dowel{{stroke:#b07a3a;stroke-width:3.5}}"
        f"#{uid} .dot{{stroke:{ACCENT};stroke-width:6}}"
        f"#{uid} .bar{{stroke-width:7;opacity:.7}}"
        f"#{uid} .plate{{stroke-width:26;opacity:.45}}"
        f"#{uid} .mat{{fill:currentColor;opacity:.08;stroke:none}}"
        f"#{uid} .lbl{{font:600 11px sans-serif}}"
        + "".join(css)
        + f"@media (prefers-reduced-motion: reduce){{#{uid} path{{animation:none!important}}}}"
    )
    vb = f"0 0 {_fmt(total_w)} {_fmt(height)}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{uid}" class="bc-figure" role="img" '
            f'aria-label={quoteattr(title)} viewBox="{vb}" preserveAspectRatio="xMidYMid meet">'
            f"<title>{escape(title)}</title><style>{style}</style>{''.join(body)}</svg>")


def print_svg(book: PoseBook, item_id: str, kind: str | None = None, every_frame: bool = False) -> str:
    """Start and end keyframes side by side, black on white, no CSS (for the PDF handout).

    The working body part is drawn hollow (a white line inside the black limb), so it reads
    in black and white. With `every_frame`, every keyframe of every panel (contact sheets).
    """
    found = book.find(item_id, kind)
    if found is None:
        raise KeyError(item_id)
    section, fig = found
    panels = fig.all_panels()
    resolved = book.resolved.get((section, item_id)) or [_panel_frames(book, p, item_id) for p in panels]
    if every_frame:
        shown = [(p, f) for p, frames in zip(panels, resolved) for f in frames]
    else:
        frames = resolved[0]
        ends = [frames[0]] if len(frames) == 1 else [frames[0], frames[-1] if len(frames) > 2 else frames[1]]
        if len(panels) > 1:  # a fault and its fix, or postures to compare: the first keyframe of each
            shown = [(p, fr[0]) for p, fr in zip(panels, resolved)]
        else:
            shown = [(panels[0], f) for f in ends]
    parts: list[str] = []
    x_off = 0.0
    lays = [_panel_layout([f], p) for p, f in shown]
    top = max(lay[3] for lay in lays)
    for (panel, f), (left, right, bottom, _t) in zip(shown, lays):
        w = max(right - left, 70.0)
        extra = (w - (right - left)) / 2
        cv = _Canvas(left - extra - x_off, top)
        parts.append(_ground(f, cv, left - extra, w, bottom, top, printing=True))
        for s in _static_props(panel, f, cv, left, right, top):
            s = s.replace('class="prop-fill"', 'fill="#dddddd" stroke="#777777" stroke-width="1"')
            s = s.replace('class="prop"', 'stroke="#777777" stroke-width="2.5" fill="none" stroke-linecap="round"')
            s = s.replace('class="hatch"', 'stroke="#eeeeee" stroke-width="1" fill="none"')
            parts.append(s)
        for name, (cls, d) in _shapes(f, panel, cv).items():
            base = 'fill="none" stroke-linecap="round" stroke-linejoin="round"'
            if cls == "head":
                parts.append(f'<path d="{d}" fill="#000000" stroke="none"/>')
            elif cls == "trunk":
                parts.append(f'<path d="{d}" stroke="#000000" stroke-width="{_fmt(TRUNK_W)}" {base}/>')
            elif cls == "far":
                parts.append(f'<path d="{d}" stroke="#9a9a9a" stroke-width="{_fmt(LIMB_W)}" {base}/>')
            elif cls == "limb":
                parts.append(f'<path d="{d}" stroke="#000000" stroke-width="{_fmt(LIMB_W)}" {base}/>')
            elif cls.startswith("hl"):
                width = 6 if "glute" in cls else (TRUNK_W - 7 if "trunk-hl" in cls else 3)
                parts.append(f'<path d="{d}" stroke="#ffffff" stroke-width="{_fmt(width)}" {base}/>')
            elif cls == "band":
                parts.append(f'<path d="{d}" stroke="#555555" stroke-width="2" stroke-dasharray="4 3" fill="none"/>')
            elif cls == "dowel":
                parts.append(f'<path d="{d}" stroke="#555555" stroke-width="3" {base}/>')
            elif cls in ("dot", "bar", "plate"):
                width = {"dot": 6, "bar": 7, "plate": 26}[cls]
                parts.append(f'<path d="{d}" stroke="#555555" stroke-width="{width}" {base}/>')
        x_off += w + PANEL_GAP
    total_w = x_off - PANEL_GAP
    height = top - min(lay[2] for lay in lays)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(total_w)}" height="{_fmt(height)}" '
            f'viewBox="0 0 {_fmt(total_w)} {_fmt(height)}">{"".join(parts)}</svg>')
