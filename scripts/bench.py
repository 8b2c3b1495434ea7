"""Speed as ratios: BackCheck against a bare Streamlit page, and a long pain log against a short one.

Run with `make bench` (not part of the test suite). Absolute times depend on the machine and
on whatever else runs on it, so every measure is a ratio of two things timed in the same run,
interleaved A B A B, and each ratio is compared with its target (issue 15):

* every screen's full script run on a real server (a session over Streamlit's websocket, the
  demo patient active, caches warm) vs a bare Streamlit page that draws one plotly chart, served
  with the same TCP_NODELAY fix as BackCheck (backcheck.serve.tcp_nodelay): <= 1.3x;
* every screen's full script run for a profile with 100,000 entries vs one with 100 (both with the
  demo patient's safety check, quiz and form check, so every screen draws all it has): <= 2x, the
  click's target - no screen may slow down as the log grows;
* every screen's full script run for the demo patient in the database whose other profiles hold
  the long logs vs in one where the same profiles hold 100 entries each: <= 1.5x - no screen may
  slow down with other patients' logs either;
* the pain-log rerun on a click (the chart's range control, as the browser sends it) with
  100,000 entries vs 100: <= 2x;
* browser load to chart drawn (Debian's Chromium) for the pain log vs the bare page: <= 1.2x;
* chart payload (the plotly spec the browser gets) for 100,000 entries vs 1,000: <= 2x;
* CSV import check of 100,000 rows vs pandas.read_csv of the same file: <= 3x (what the page does on
  upload: the profile's keys, then csvio.read_csv; an empty profile); reported: the same check into the
  100,000-entry log, and the import's insert of the checked rows vs DataFrame.to_sql into the same file;
  CSV export vs DataFrame.to_csv of the same rows: <= 2x;
* clinician report (PDF) with 100,000 entries vs 100: <= 1.5x;
* 50 concurrent sessions clicking on the pain log of one server (each waits 3-8 s between clicks,
  as a person reading the chart would; 2 rounds of 3 clicks each): p95 rerun <= 2x the p95 of one
  session clicking alone (30 clicks a round, 0.2-0.4 s apart, the others idle);
* peak server memory with 100,000 entries vs 100: reported (no target).

Everything runs on 127.0.0.1 in a temporary folder, every wait is bounded, and the servers it
starts are stopped at the end. Exits 1 when a target is not met.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from backcheck import csvio  # noqa: E402
from backcheck.content import load_library  # noqa: E402
from backcheck.demo import DEMO_NAME, demo_data  # noqa: E402
from backcheck.report import clinician_report  # noqa: E402
from backcheck.services import painlog_overview  # noqa: E402
from backcheck.painlog import PainEntry  # noqa: E402
from backcheck.player import RoutineSession  # noqa: E402
from backcheck.storage import Store  # noqa: E402

CHROMIUM = os.environ.get("BACKCHECK_CHROMIUM", "/usr/bin/chromium")
BARE_PAGE = '''
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
st.plotly_chart(go.Figure(go.Scatter(x=list(range(100)), y=[(i * 7) % 11 for i in range(100)], mode="markers")))
'''
# The same bare page plus plain text lines, up to n elements in all (?n=...): what Streamlit itself
# costs for as many elements as a screen draws (reported beside each screen's ratio, no target).
FLOOR_PAGE = BARE_PAGE + '''
for i in range(int(st.query_params.get("n", "2")) - 2):
    st.markdown(f"Line {i} of plain text, a sentence of the usual length for a screen.")
'''
BARE_LAUNCHER = ("import sys; from streamlit.web import cli; from backcheck.serve import tcp_nodelay; tcp_nodelay(); "
                 "sys.argv = ['streamlit', 'run', *sys.argv[1:]]; cli.main()")
# url paths (home is "")
SCREENS = ["home", "safety", "posture_quiz", "form_check", "routine", "session", "library", "pain_log", "profiles"]
SCREEN_ROUNDS = 3  # a screen run takes milliseconds: three times the pairs, for a steadier median
THINK = (3.0, 8.0)  # seconds a person looks at the chart before the next click (50 sessions: ~9 clicks/s)
PARTS = ["screens", "growth", "others", "clicks", "payload", "csv", "report", "sessions", "browser", "memory"]  # --only
SERVER_FLAGS = ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
                "--server.fileWatcherType", "none", "--server.runOnSave", "false"]


@dataclass
class Ratio:
    name: str
    a: float
    b: float
    unit: str
    target: float | None  # None: reported only

    @property
    def ratio(self) -> float:
        return self.a / self.b if self.b else float("inf")

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target


def fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms"
    if unit == "B":
        return f"{value / 1024:.0f} KB"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def interleave(a: Callable[[], Any], b: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """Median seconds of a and of b, timed alternately A B A B so machine noise hits both alike."""
    ta: list[float] = []
    tb: list[float] = []
    for _ in range(rounds):
        for fn, out in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


async def ainterleave(*runs: Callable[[], Any], rounds: int) -> tuple[float, ...]:
    """interleave() for coroutines (two or more, in turn: A B C A B C); each returns the seconds it
    measured itself. The median of each."""
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, out in zip(runs, times):
            out.append(await run())
    return tuple(statistics.median(t) for t in times)


def log(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- data


def synthetic_rows(n: int, per_day: int = 10, seed: int = 1) -> list[PainEntry]:
    """n entries, per_day a day, ending today, pain drifting down from about 6 to about 3."""
    cfg = load_library().painlog
    rng = random.Random(seed)
    days = -(-n // per_day)
    start = datetime.combine(date.today() - timedelta(days=days - 1), datetime.min.time()).replace(hour=6)
    acts = [c.id for c in cfg.activities]
    locs = [c.id for c in cfg.locations]
    rows = []
    for i in range(n):
        when = start + timedelta(days=i // per_day, minutes=(i % per_day) * (960 // per_day) + rng.randint(0, 50))
        trend = 6 - 3 * i / n
        rows.append(PainEntry.model_validate(
            {"recorded_at": when, "pain": max(0, min(10, round(trend + rng.gauss(0, 1.2)))),
             "activity": rng.choice(acts), "location": rng.choice(locs),
             "notes": rng.choice(["", "", "", "stiff, after sitting", 'said "ouch"'])}, context={"cfg": cfg}))
    return rows


def fill(store: Store, name: str, n: int) -> int:
    """A profile with n entries, a session every other day, function scores, and the demo patient's
    safety check, quiz and form check, so that every screen draws all it can for it."""
    pid = store.profiles.create(name).id
    demo = demo_data(load_library())
    for check in demo.safety_checks:
        store.safety.add(pid, check)
    for quiz in demo.quiz_results:
        store.quiz.add(pid, quiz)
    for form in demo.form_checks:
        store.form_checks.add(pid, form)
    rows = synthetic_rows(n)
    store.pain.import_entries(pid, rows)
    first = rows[0].recorded_at
    for d in range(0, (rows[-1].recorded_at - first).days + 1, 2):
        store.sessions.add(pid, RoutineSession(20, {}, done_at=first + timedelta(days=d, hours=6)))
    aid = store.functions.add_activity(pid, "Squatting to full depth", 3)
    store.functions.rate(pid, {aid: 4}, rated_at=first)
    store.functions.rate(pid, {aid: 6})
    return pid


# --------------------------------------------------------------------------- AppTest


def apptest(db: Path, profile_id: int, page: str | None):
    """A warm AppTest of app.py on `page` with `profile_id` active (Streamlit's legacy pages mode off)."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.testing.v1 import AppTest

    from backcheck.serve import NavigationOnlyPagesManager

    app_test_module.PagesManager = NavigationOnlyPagesManager
    os.environ["BACKCHECK_DB_PATH"] = str(db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["active_profile_id"] = profile_id
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    if at.exception:
        raise RuntimeError(f"{page}: {[e.message for e in at.exception]}")
    at.run()  # warm: caches filled
    return at


def spec_bytes(at) -> int:
    return len(at.get("plotly_chart")[0].proto.spec.encode())


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run` of BackCheck (through backcheck.serve) or of the bare page, on 127.0.0.1."""

    def __init__(self, tmp: Path, db: Path, script: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (tmp / f"server-{self.port}.log").open("w")
        # The bare page runs with the same server fix as BackCheck (backcheck.serve.tcp_nodelay), so
        # the ratio measures what BackCheck's screens add, not a transport difference.
        cmd = ([sys.executable, "-c", BARE_LAUNCHER, str(script)] if script else
               [sys.executable, "-m", "backcheck.serve"])
        env = {**os.environ, "BACKCHECK_DB_PATH": str(db)}
        self.proc = subprocess.Popen([*cmd, "--server.port", str(self.port), *SERVER_FLAGS], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("a streamlit server exited early")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("a streamlit server did not become healthy in 60 s")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class Session:
    """One simulated browser session over Streamlit's websocket (the protobuf protocol the page uses)."""

    def __init__(self, url: str, query: str = "", page: str = "") -> None:
        self.ws_url = url.replace("http", "ws") + "/_stcore/stream"
        self.query, self.page = query, page
        self.ws: Any = None
        self.range_id: str | None = None
        self.range_fragment = ""
        self.range_options: list[str] = []
        self.elements = 0  # elements and blocks the last run drew

    async def open(self) -> float:
        import websockets

        self.ws = await websockets.connect(self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30)
        return await self.run()

    async def run(self, widget: tuple[str, str] | None = None, fragment: str = "") -> float:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string, state.page_name = self.query, self.page
        if fragment:
            state.fragment_id = fragment
        if widget:
            w = state.widget_states.widgets.add()
            w.id = widget[0]
            w.string_array_value.data.append(widget[1])
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        self.elements = 0
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=120))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") in ("new_element", "add_block"):
                self.elements += 1
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                if el.WhichOneof("type") == "button_group" and el.button_group.label == "Show":
                    self.range_id = el.button_group.id
                    self.range_fragment = fm.delta.fragment_id
                    self.range_options = [o.content for o in el.button_group.options]
            elif kind == "script_finished":
                if fm.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return time.perf_counter() - t0
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue
                raise RuntimeError(f"script run ended with status {fm.script_finished}")

    async def click_range(self, choice: str) -> float:
        """A click on the chart's range control: a rerun of the chart's fragment, as the browser sends it."""
        assert self.range_id, "the range control was not drawn"
        return await self.run((self.range_id, choice), self.range_fragment)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def clicks(session: Session, n: int, think: tuple[float, float], rng: random.Random) -> list[float]:
    out = []
    for i in range(n):
        await asyncio.sleep(rng.uniform(*think))
        out.append(await session.click_range(["4 weeks", "3 months"][i % 2]))
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


async def concurrency(url: str, query: str, sessions: int, clicks_each: int, rounds: int) -> tuple[float, float, int]:
    """p95 click rerun with one session alone vs with `sessions` clicking at once (interleaved)."""
    rng = random.Random(7)
    crowd = [Session(url, query, "pain_log") for _ in range(sessions)]
    for i in range(0, sessions, 10):  # connect in small groups; the first load is not measured
        await asyncio.gather(*(s.open() for s in crowd[i:i + 10]))
    alone = crowd[0]
    single: list[float] = []
    together: list[float] = []
    try:
        for _ in range(rounds):
            single += await clicks(alone, clicks_each * 10, (0.2, 0.4), rng)  # 30 a round: a steadier p95
            results = await asyncio.wait_for(
                asyncio.gather(*(clicks(s, clicks_each, THINK, random.Random(rng.random())) for s in crowd)),
                timeout=300)
            together += [t for r in results for t in r]
    finally:
        await asyncio.gather(*(s.close() for s in crowd), return_exceptions=True)
    return p95(together), p95(single), len(together)


async def beside_a_long_log(url: str, demo: int, alone_url: str, alone_demo: int, rounds: int,
                            screens: list[str]) -> list[Ratio]:
    """Each screen for the demo patient in the database whose other profiles hold the long logs vs
    in one whose same profiles hold 100 entries each: no screen may slow down with other patients'
    logs. Only the other logs' lengths differ, so the target is tighter than the growth lines'."""
    out = []
    for page in screens:
        log(f"screen {page}, beside the long log vs alone")
        path = "" if page == "home" else page
        beside, alone = Session(url, f"profile={demo}", path), Session(alone_url, f"profile={alone_demo}", path)
        a, b = await screen_pair(beside, alone, rounds)
        out.append(Ratio(f"screen run, demo beside long vs short logs: {page}", a, b, "s", 1.5))
    return out


async def screen_pair(a: Session, b: Session, rounds: int) -> tuple[float, float]:
    """Full runs of two screen sessions, warm, in turn (A B A B): the median seconds of each."""
    for s in (a, b):
        await s.open()
        await s.run()  # warm
    times = await ainterleave(a.run, b.run, rounds=rounds * SCREEN_ROUNDS)
    for s in (a, b):
        await s.close()
    return times[0], times[1]


async def screens_and_clicks(url: str, bare_url: str, floor_url: str, demo: int, big: int, small: int,
                             rounds: int, only: set[str], screens: list[str]) -> list[Ratio]:
    """Full runs of every screen vs the bare page (and, for reference, the bare page with as many
    plain elements as the screen), then each screen and a click for the long vs the short log."""
    out = []
    bare = Session(bare_url)
    await bare.open()
    for page in screens if "screens" in only else []:
        log(f"screen {page}")
        s = Session(url, f"profile={demo}", "" if page == "home" else page)
        await s.open()
        await s.run()  # warm; counts the screen's elements
        floor = Session(floor_url, f"n={s.elements}")
        await floor.open()
        a, f, b = await ainterleave(s.run, floor.run, bare.run, rounds=rounds * SCREEN_ROUNDS)
        out.append(Ratio(f"screen run: {page} vs bare page", a, b, "s", 1.3))
        out.append(Ratio(f"  Streamlit alone: bare page with {s.elements} elements", f, b, "s", None))
        await s.close()
        await floor.close()
    await bare.close()
    # The title: no screen may slow down as the log grows. Each screen, full runs, for the
    # long log vs the short one (both with the same checks done), against the click ratio's target.
    for page in screens if "growth" in only else []:
        log(f"screen {page}, long vs short log")
        path = "" if page == "home" else page
        a, b = await screen_pair(Session(url, f"profile={big}", path), Session(url, f"profile={small}", path), rounds)
        out.append(Ratio(f"screen run, long vs 100 entries: {page}", a, b, "s", 2.0))
    if "clicks" not in only:
        return out
    log("pain-log click rerun, long vs short log")
    long_log, short_log = Session(url, f"profile={big}", "pain_log"), Session(url, f"profile={small}", "pain_log")
    for s in (long_log, short_log):
        await s.open()
        await s.click_range("4 weeks")
    flips = {"long": 0, "short": 0}

    def clicker(s: Session, name: str) -> Callable[[], Any]:
        def click():
            flips[name] += 1
            return s.click_range("3 months" if flips[name] % 2 else "4 weeks")
        return click

    a, b = await ainterleave(clicker(long_log, "long"), clicker(short_log, "short"), rounds=rounds * 2)
    out.append(Ratio("pain log click: long vs 100 entries", a, b, "s", 2.0))
    for s in (long_log, short_log):
        await s.close()
    return out


async def load_and_browse(url: str, query: str) -> None:
    """Open the pain log, then show the whole log (the biggest chart) once."""
    s = Session(url, query, "pain_log")
    await s.open()
    await s.click_range("All")
    await s.close()


# --------------------------------------------------------------------------- browser


def browser_ratio(ours: str, bare: str, rounds: int) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    chart = '[data-testid="stPlotlyChart"] .main-svg'
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])

        def load(url: str) -> Callable[[], None]:
            def run() -> None:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(url, wait_until="commit", timeout=60_000)
                page.locator(chart).first.wait_for(state="visible", timeout=60_000)
                context.close()
            return run

        load(ours)(), load(bare)()  # warm the servers' caches
        result = interleave(load(ours), load(bare), rounds)
        browser.close()
    return result


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000, help="the long log (default 100,000)")
    parser.add_argument("--rounds", type=int, default=5, help="A/B pairs per timed ratio (default 5)")
    parser.add_argument("--sessions", type=int, default=50, help="concurrent sessions (default 50)")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the Chromium measure")
    parser.add_argument("--screens", default=",".join(SCREENS), help="screens for the screen-run ratios (default all)")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated subset to run, to iterate on one ratio (default all: {','.join(PARTS)})")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if only - set(PARTS):
        parser.error(f"unknown part(s): {', '.join(sorted(only - set(PARTS)))}")
    big_n, rounds = args.entries, args.rounds
    lib = load_library()
    cfg = lib.painlog
    results: list[Ratio] = []
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="backcheck-bench-") as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "bench.db"
        log(f"building the logs ({big_n:,}, 1,000 and 100 entries, the demo patient)")
        store = Store(f"sqlite:///{db}")
        big = fill(store, "Long log", big_n)
        thousand = fill(store, "Thousand", 1_000)
        small = fill(store, "Short log", 100)
        demo = store.profiles.create_demo(DEMO_NAME, demo_data(lib)).id

        servers: list[Server] = []
        try:
            (tmp / "bare.py").write_text(BARE_PAGE)
            server = Server(tmp, db)
            servers.append(server)
            bare_server = Server(tmp, db, script=tmp / "bare.py")
            servers.append(bare_server)
            (tmp / "floor.py").write_text(FLOOR_PAGE)
            floor_server = Server(tmp, db, script=tmp / "floor.py")
            servers.append(floor_server)
            # 1 and 2. every screen vs a bare one-chart page; a click on the long vs the short pain log
            for r in asyncio.run(screens_and_clicks(server.url, bare_server.url, floor_server.url, demo, big, small,
                                                    rounds, only, args.screens.split(","))):
                results.append(Ratio(r.name.replace("long", f"{big_n:,}"), r.a, r.b, r.unit, r.target))

            # 2b. the demo patient beside other patients' long log vs in a database of its own
            if "others" in only:
                alone_db = tmp / "alone.db"  # the same profiles, every log short
                alone_store = Store(f"sqlite:///{alone_db}")
                for name in ("Long log", "Thousand", "Short log"):
                    fill(alone_store, name, 100)
                alone_demo = alone_store.profiles.create_demo(DEMO_NAME, demo_data(lib)).id
                alone_server = Server(tmp, alone_db)
                servers.append(alone_server)
                results += asyncio.run(beside_a_long_log(server.url, demo, alone_server.url, alone_demo, rounds,
                                                         args.screens.split(",")))

            # 3. chart payload, long log vs 1,000 entries (default range and the whole log)
            if "payload" in only:
                log("chart payload")
                at_big, at_k = apptest(db, big, "pages/pain_log.py"), apptest(db, thousand, "pages/pain_log.py")
                for choice in ("3 months", "All"):
                    for at, pid in ((at_big, big), (at_k, thousand)):
                        at.segmented_control(key=f"pain_w_{pid}_range").set_value(choice).run()
                    label = "default range, 3 months" if choice == "3 months" else "whole log"
                    results.append(Ratio(f"chart payload ({label}): {big_n:,} vs 1,000", spec_bytes(at_big),
                                         spec_bytes(at_k), "B", 2.0))

            # 4. CSV import check and export vs pandas
            if "csv" in only:
                log("CSV import and export")
                rows = store.pain.all(big)
                data = csvio.export_csv(rows)
                empty = store.profiles.create("CSV import (empty)").id

                def check(pid: int = empty) -> csvio.ImportReport:  # what the page does on upload
                    return csvio.read_csv(data, cfg, store.pain.key_frame(pid))

                def plain() -> pd.DataFrame:
                    return pd.read_csv(io.BytesIO(data))

                check(), plain()  # warm: first-use costs (imports, compiled patterns) are not the check's
                a, b = interleave(check, plain, max(9, 3 * rounds))
                results.append(Ratio(f"CSV import check: {big_n:,} rows vs pandas.read_csv", a, b, "s", 3.0))
                a, b = interleave(lambda: check(big), plain, rounds)
                results.append(Ratio(f"CSV import check into the {big_n:,}-entry log vs pandas.read_csv", a, b, "s",
                                     None))
                # the import itself: the checked rows into an empty profile vs DataFrame.to_sql into the same file
                # (an engine with the store's SQLite settings, without its write tracking)
                entries = check().entries
                frame = entries.frame.assign(profile_id=empty, created_at=datetime.now())
                engine = Store._make_engine(f"sqlite:///{db}")
                targets = [store.profiles.create(f"CSV import {k}").id for k in range(rounds)]
                queue = iter(targets)
                a, b = interleave(lambda: store.pain.import_entries(next(queue), entries),
                                  lambda: frame.to_sql("bench_to_sql", engine, if_exists="replace", index=False),
                                  rounds)
                results.append(Ratio(f"CSV import insert: {big_n:,} rows vs DataFrame.to_sql", a, b, "s", None))
                for pid in [empty, *targets]:
                    store.profiles.delete(pid)
                with engine.begin() as conn:
                    conn.exec_driver_sql("DROP TABLE bench_to_sql")
                engine.dispose()
                a, b = interleave(lambda: csvio.export_csv(rows), lambda: pd.DataFrame(rows).to_csv(index=False),
                                  rounds)
                results.append(Ratio(f"CSV export: {big_n:,} rows vs DataFrame.to_csv", a, b, "s", 2.0))

            # 5. clinician report, long vs short log
            if "report" in only:
                log("clinician report")
                # From the screen's download button the overview is already at hand (the page's cache), so the
                # report draws aggregates only; cold, it first groups the whole log in the database (reported).
                p_big, p_small = store.profiles.get(big), store.profiles.get(small)
                ov_big = painlog_overview(store, big, cfg, sessions_goal=lib.sessions_goal)
                ov_small = painlog_overview(store, small, cfg, sessions_goal=lib.sessions_goal)
                a, b = interleave(lambda: clinician_report(lib, store, p_big, ov=ov_big),
                                  lambda: clinician_report(lib, store, p_small, ov=ov_small), rounds)
                results.append(Ratio(f"clinician report from the screen: {big_n:,} vs 100 entries", a, b, "s", 1.5))
                a, b = interleave(lambda: clinician_report(lib, store, p_big),
                                  lambda: clinician_report(lib, store, p_small), rounds)
                results.append(Ratio(f"clinician report, cold (no cache): {big_n:,} vs 100", a, b, "s", None))

            # 6. one server: many sessions clicking at once vs one alone; then the browser
            if "sessions" in only:
                log(f"{args.sessions} concurrent sessions on one server")
                crowd_p95, single_p95, n_clicks = asyncio.run(
                    concurrency(server.url, f"profile={demo}", args.sessions, 3, 2))
                results.append(Ratio(f"{args.sessions} sessions clicking: p95 vs one session's p95 "
                                     f"({n_clicks} clicks)", crowd_p95, single_p95, "s", 2.0))
            if "browser" in only and not args.skip_browser:
                log("browser load to chart drawn")
                a, b = browser_ratio(f"{server.url}/pain_log?profile={demo}", bare_server.url, rounds)
                results.append(Ratio("browser load to chart: pain log (demo) vs bare page", a, b, "s", 1.2))
            for s in servers:
                s.stop()
            servers.clear()

            # 7. peak server memory, long vs short log (a fresh server each)
            peaks = {}
            if "memory" in only:
                log("peak server memory")
            for name, pid in (("big", big), ("small", small)) if "memory" in only else ():
                srv = Server(tmp, db)
                servers.append(srv)
                asyncio.run(load_and_browse(srv.url, f"profile={pid}"))
                peaks[name] = srv.peak_mb()
                srv.stop()
                servers.remove(srv)
            if peaks:
                    results.append(Ratio(f"peak server memory: {big_n:,} vs 100 entries", peaks["big"], peaks["small"],
                                     "MB", None))
        finally:
            for s in servers:
                s.stop()

    print(f"\nBackCheck speed as ratios ({big_n:,}-entry log; medians of {rounds} interleaved A/B pairs, "
          f"{rounds * SCREEN_ROUNDS} for screen runs; "
          f"{os.cpu_count()} CPUs; {time.perf_counter() - started:.0f} s)\n")
    print(f"| {'measure':<62} | {'A':>9} | {'B':>9} | {'ratio':>6} | {'target':>6} | result |")
    print(f"|{'-' * 64}|{'-' * 11}|{'-' * 11}|{'-' * 8}|{'-' * 8}|--------|")
    for r in results:
        target = "report" if r.target is None else f"{r.target:.1f}x"
        verdict = "—" if r.met is None else ("met" if r.met else "NOT MET")
        print(f"| {r.name:<62} | {fmt(r.a, r.unit):>9} | {fmt(r.b, r.unit):>9} | {r.ratio:>5.2f}x | {target:>6} | "
              f"{verdict:<6} |")
    judged = [r for r in results if r.met is not None]
    missed = [r for r in judged if not r.met]
    print(f"\nSummary: {len(judged) - len(missed)} of {len(judged)} ratios within target"
          + (f"; not met: {'; '.join(r.name for r in missed)}." if missed else "."))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
