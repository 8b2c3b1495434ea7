"""A demo patient with 12 weeks of made-up but realistic data, for trying BackCheck out.

"Alex" starts at about 6/10, improves to about 2-3/10 with a flare-up in week 7 (moving
house), does the routine 3-4 times in most weeks (once in the flare-up week), logs
squats, hinges, sitting, walking and routine sessions, and re-rates three activities
every two weeks. A clear safety check, a posture quiz taken twice (first mixed, then
clearly anterior tilt) and three form checks (so the check-to-check comparison shows what
cleared) make every screen show something. The data is generated from a fixed seed and ends on
the day it is loaded, so the same day always gives the same patient.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .content import Library
from .form_check import FormCheckRecord
from .painlog import PainEntry
from .player import RoutineSession
from .progression import LevelChange, SessionResult, decide
from .quiz import QuizRecord, score_quiz
from .safety import SafetyCheck, evaluate_safety

DEMO_NAME = "Demo patient (Alex)"
DEMO_SEED = 20240507
WEEKS = 12

# Mirror and floor answers that point to anterior pelvic tilt (lordosis).
QUIZ_ANSWERS = {
    "mirror_pelvis": "stick_out", "mirror_low_back": "deep_arch", "mirror_upper_back": "upright",
    "hip_height": "level", "hip_flexor_tight": "very_tight", "bridge_cramp": "cramp",
    "hamstring_length": "near_vertical", "plank_sag": "sags", "side_steady": "similar",
    "pain_position": "arching", "hinge_pelvis": "arches",
}
# The first quiz, in the first week: one hip looked higher and one side weaker as well, so the
# result was mixed; retaken in week 5 with a friend watching, it points to anterior tilt alone.
FIRST_QUIZ_DAY, RETAKE_DAY = 0, 33
FIRST_QUIZ_CHANGES = {"hip_height": "clearly_higher", "side_steady": "one_weaker"}
# Form checks (day, faults per movement): faults clear over the weeks; the squat's butt wink stays.
FORM_CHECKS = [
    (1, {"hinge": ["hinge_pelvis_tips_forward", "hinge_too_low"], "squat": ["squat_butt_wink", "squat_no_brace"]}),
    (40, {"hinge": ["hinge_pelvis_tips_forward"], "squat": ["squat_butt_wink"]}),
    (79, {"hinge": [], "squat": ["squat_butt_wink"]}),
]
FORM_FAULTS = FORM_CHECKS[-1][1]  # the latest check

# activity id -> (weight in a normal entry, pain offset on that entry)
ACTIVITY_MIX = {"sitting": (0.30, 0.5), "walking": (0.22, -0.4), "squat": (0.18, 0.7),
                "hip_hinge": (0.14, 0.6), "other": (0.06, 0.0), "routine": (0.10, -0.5)}
LOCATION_MIX = {"lower_back": 0.62, "one_side": 0.16, "buttock": 0.14, "leg": 0.08}
NOTES = {
    "sitting": ["Stiff after a long afternoon at my desk.", "Long drive today; got up twice to stretch."],
    "squat": ["Took the weight off the bar and did air squats.", "Stopped above the depth where my back rounds."],
    "hip_hinge": ["Practised the hinge with a dowel; kept three points of contact.", "Braced before each rep; felt better."],
    "walking": ["30-minute walk; toes forward, rolled through the foot.", "Walk loosened things up."],
    "routine": ["Did the routine; hip flexor stretch felt good.", "Routine done, 10 breaths in each stretch."],
    "other": ["Carried the shopping home.", "Gardening for an hour."],
}
FUNCTIONS = [  # name, scores on the rating days
    ("Squatting to full depth", [3, 4, 5, 3, 5, 6, 7]),
    ("Sitting through a working day", [4, 4, 5, 4, 6, 7, 7]),
    ("Deadlifting or hip hinging", [2, 3, 4, 2, 4, 5, 6]),
]
RATING_DAYS = [0, 14, 28, 46, 56, 70, 83]
FLARE_DAY = 44  # in week 7
# Exercise level changes (content/progression.yaml), each at the first routine session on or after the day:
# (day, exercise, "advance" | "back"; None = the latest session). Only exercises of the demo's routine at
# the time: the clam (routine from the first quiz) moves up; the air squat (in the routine after the quiz
# retake on RETAKE_DAY) moves up, steps back in the flare-up and moves up again at the latest session
# (Today's "what changed"). The demo has no equipment, so no step needs any.
LEVEL_STEPS = [(16, "clam", "advance"), (41, "air_squat", "advance"), (FLARE_DAY, "air_squat", "back"),
               (None, "air_squat", "advance")]


def _pick(rng: random.Random, mix: dict[str, float] | dict[str, tuple[float, float]]) -> str:
    keys = list(mix)
    weights = [v[0] if isinstance(v, tuple) else v for v in mix.values()]
    return rng.choices(keys, weights=weights)[0]


def _pain_level(day: int, total_days: int) -> float:
    """The underlying trend: ~6 at the start, ~2.5 at the end, a flare-up around day 44."""
    trend = 6.3 - 3.3 * (day / (total_days - 1)) ** 0.8
    flare = 2.8 * math.exp(-((day - FLARE_DAY) / 3.0) ** 2) if day >= FLARE_DAY - 2 else 0.0
    return trend + flare


@dataclass(frozen=True)
class DemoActivity:
    """A followed activity with its function scores (rated_at, score), oldest first."""

    name: str
    created_at: datetime
    ratings: list[tuple[datetime, int]] = field(default_factory=list)


@dataclass(frozen=True)
class DemoData:
    """Everything the demo patient holds (for store.profiles.create_demo)."""

    pain_entries: list[PainEntry] = field(default_factory=list)
    routine_sessions: list[RoutineSession] = field(default_factory=list)
    function_activities: list[DemoActivity] = field(default_factory=list)
    safety_checks: list[SafetyCheck] = field(default_factory=list)
    quiz_results: list[QuizRecord] = field(default_factory=list)
    form_checks: list[FormCheckRecord] = field(default_factory=list)
    level_changes: list[LevelChange] = field(default_factory=list)  # oldest first


def demo_data(lib: Library, today: date | None = None, seed: int = DEMO_SEED, now: datetime | None = None) -> DemoData:
    """The demo patient's records; nothing later than `now` (default: the current time)."""
    now = now or datetime.now()
    today = today or now.date()
    rng = random.Random(seed)
    total = WEEKS * 7
    start = today - timedelta(days=total - 1)
    valid_acts = {c.id for c in lib.painlog.activities}
    valid_locs = {c.id for c in lib.painlog.locations}

    def at(day: int, hour: int, minute: int) -> datetime:
        return datetime.combine(start + timedelta(days=day), time(hour, minute))

    # routine sessions per calendar week (Monday to Sunday): 3-4 most weeks, 2 in the
    # first and in a busy week, 1 in the flare-up week
    sessions: list[RoutineSession] = []
    session_days: set[int] = set()
    first_monday = start - timedelta(days=start.weekday())
    flare_monday = (start + timedelta(days=FLARE_DAY)) - timedelta(days=(start + timedelta(days=FLARE_DAY)).weekday())
    monday, week = first_monday, 0
    while monday <= today:
        days = [d for d in ((monday - start).days + i for i in range(7)) if 0 <= d < total]
        if monday == flare_monday:
            count = 1
        elif week in (0, 8):  # getting started; a busy week
            count = 2
        else:
            count = rng.choice([3, 3, 4, 4])
        for day in sorted(rng.sample(days, min(count, len(days)))):
            when = at(day, 18, rng.choice([0, 15, 30, 45]))
            if when > now:
                continue
            session_days.add(day)
            sessions.append(RoutineSession(rng.choice([15, 20, 20, 25]), {"demo": True}, done_at=when))
        monday += timedelta(days=7)
        week += 1

    entries: list[PainEntry] = []
    for day in range(total):
        first_week = day < 7
        n = 2 if first_week else rng.choices([0, 1, 2], weights=[0.12, 0.48, 0.40])[0]
        if day in session_days and n == 0:
            n = 1
        level = _pain_level(day, total)
        slots = [(8, rng.randint(0, 50)), (20, rng.randint(0, 50))][:n] if n else []
        for k, (hour, minute) in enumerate(slots):
            when = at(day, hour, minute)
            if when > now:
                continue
            act = "routine" if day in session_days and k == len(slots) - 1 else _pick(rng, ACTIVITY_MIX)
            offset = ACTIVITY_MIX[act][1]
            pain = int(round(min(10, max(0, level + offset + rng.gauss(0, 0.8)))))
            note = ""
            if day == FLARE_DAY - 1 and k == 0:
                note = "Helped a friend move house at the weekend; back seized up."
            elif rng.random() < 0.12:
                note = rng.choice(NOTES[act])
            entries.append(PainEntry.model_validate(
                {"recorded_at": when, "pain": pain, "activity": act, "location": _pick(rng, LOCATION_MIX), "notes": note},
                context={"cfg": lib.painlog, "now": now}))
    assert {e.activity for e in entries} <= valid_acts and {e.location for e in entries} <= valid_locs

    functions = []
    for name, scores in FUNCTIONS:
        ratings = [(at(d, 21, 0), s) for d, s in zip(RATING_DAYS, scores) if at(d, 21, 0) <= now]
        functions.append(DemoActivity(name, at(0, 9, 30), ratings))

    safety = evaluate_safety(lib.safety, {f.id: False for f in lib.safety.flags})
    asked = {x.id: {o.id for o in x.options} for x in lib.quiz.questions}
    answers = {q: a for q, a in QUIZ_ANSWERS.items() if q in asked}
    result = score_quiz(lib.quiz, answers, [p.id for p in lib.patterns])
    first_answers = {**answers, **{q: a for q, a in FIRST_QUIZ_CHANGES.items() if a in asked.get(q, ())}}
    first = score_quiz(lib.quiz, first_answers, [p.id for p in lib.patterns])
    fault_ids = set(lib.fault_by_id)
    form_checks = [FormCheckRecord({m: [i for i in ids if i in fault_ids] for m, ids in check.items()},
                                   taken_at=at(day, 19, 0))
                   for day, check in FORM_CHECKS if at(day, 19, 0) <= now]
    return DemoData(
        level_changes=_level_changes(lib, [s.done_at for s in sessions], start),
        pain_entries=entries,
        routine_sessions=sessions,
        function_activities=functions,
        safety_checks=[SafetyCheck.of(safety, {f.id: False for f in lib.safety.flags}, taken_at=at(0, 9, 0))],
        quiz_results=[  # newest first, as the store lists them
            QuizRecord.of(answers, result, taken_at=at(RETAKE_DAY, 19, 30)),
            QuizRecord.of(first_answers, first, taken_at=at(FIRST_QUIZ_DAY, 9, 15)),
        ],
        form_checks=form_checks,
    )


def _level_changes(lib: Library, session_times: list[datetime], start: date) -> list[LevelChange]:
    """LEVEL_STEPS as stored level changes, with the reasons the progression rules give (progression.decide)."""
    pg = lib.progression
    levels: dict[str, int] = {}
    out: list[LevelChange] = []
    times = sorted(session_times)
    for day, ex, action in LEVEL_STEPS:
        if day is None:
            when = times[-1] if times else None
        else:
            first = datetime.combine(start + timedelta(days=day), time(0, 0))
            when = next((t for t in times if t >= first), None)
        if when is None or (out and when <= out[-1].changed_at):
            continue  # not reached yet on this day (a demo loaded early in its history)
        ladder = pg.ladder_by_exercise[ex]
        level = levels.get(ex, 1)
        if action == "advance":
            easy = [SessionResult(when, "easy", 3, 3, {ex: "done"})] * pg.rules.advance_after_easy
            decision = decide(pg, ladder, level, easy, equipment=())
        else:
            decision = decide(pg, ladder, level, [SessionResult(when, "right", 4, 5, {ex: "hurt"})])
        if not decision.changed:
            continue
        levels[ex] = decision.to_level
        out.append(LevelChange(ex, when, decision.from_level, decision.to_level, decision.reason))
    return out
