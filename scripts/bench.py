"""Speed and memory targets for long pain logs (run with `make bench`; not part of the test suite).

Builds a synthetic log of 20,000 entries (about ten a day for five and a half years) with
routine sessions and function scores, then times every step the pain-log screen and its
exports run: loading from SQLite, the verdict and comparisons, the chart (whole log and
three months), the CSV export and the row-by-row import check, and the clinician report.
Each step is measured with its peak Python memory (tracemalloc) against a target.
Exits with status 1 if a target is missed, so it can gate a release by hand.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backcheck import csvio, painlog as pl  # noqa: E402
from backcheck.content import load_library  # noqa: E402
from backcheck.figures import pain_figure  # noqa: E402
from backcheck.report import clinician_report  # noqa: E402
from backcheck.storage import Store  # noqa: E402

# step -> (seconds, MB of peak Python memory)
TARGETS: dict[str, tuple[float, float]] = {
    "store: import the log": (2.0, 100),
    "store: read the log": (1.0, 60),
    "verdict + comparisons + sessions": (0.5, 40),
    "chart: whole log (daily means)": (0.5, 40),
    "chart: last 3 months": (0.5, 40),
    "chart JSON (what the browser gets)": (0.5, 40),
    "CSV export": (1.0, 40),
    "CSV import check (every row)": (2.0, 100),
    "clinician report (PDF)": (2.0, 60),
}


def synthetic_rows(n: int, seed: int = 1) -> list[dict]:
    cfg = load_library().painlog
    rng = random.Random(seed)
    start = datetime.now().replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=n // 10)
    acts = [c.id for c in cfg.activities]
    locs = [c.id for c in cfg.locations]
    rows = []
    for i in range(n):
        when = start + timedelta(minutes=144 * i + rng.randint(0, 60))
        trend = 6 - 3 * i / n
        rows.append({"recorded_at": when, "pain": max(0, min(10, round(trend + rng.gauss(0, 1.2)))),
                     "activity": rng.choice(acts), "location": rng.choice(locs),
                     "notes": rng.choice(["", "", "", "stiff, after sitting", 'said "ouch"'])})
    return rows


def measure(name: str, fn: Callable[[], Any], results: list, again: Callable[[], Any] | None = None) -> Any:
    """Time one run, then trace the memory of a second run (tracing slows code down, so not both at once).

    ``again`` replaces ``fn`` for the traced run when ``fn`` changes state (the import).
    """
    t0 = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    (again or fn)()
    peak = tracemalloc.get_traced_memory()[1] / 1_048_576
    tracemalloc.stop()
    results.append((name, seconds, peak))
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    args = parser.parse_args()

    lib = load_library()
    cfg = lib.painlog
    rows = synthetic_rows(args.entries)
    results: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        pid = store.list_profiles()[0].id
        measure("store: import the log", lambda: store.import_pain_entries(pid, rows), results,
                again=lambda: store.import_pain_entries(store.create_profile("Traced copy").id, rows))
        for d in range(0, args.entries // 10, 2):
            store.save_routine_session(pid, 20, {}, done_at=rows[0]["recorded_at"] + timedelta(days=d, hours=12))
        aid = store.add_function_activity(pid, "Squatting to full depth", cfg.max_function_activities)
        store.rate_functions(pid, {aid: 4})

        entry_rows = measure("store: read the log", lambda: store.pain_entries(pid), results)
        sessions = store.routine_sessions(pid)
        ov = measure("verdict + comparisons + sessions",
                     lambda: pl.overview(cfg, entry_rows, sessions, store.function_activities(pid), store.function_ratings(pid)),
                     results)
        fig = measure("chart: whole log (daily means)", lambda: pain_figure(ov, cfg, sessions), results)
        start = pl.range_start(ov.entries, "3 months")
        measure("chart: last 3 months", lambda: pain_figure(ov, cfg, sessions, start=start), results)
        spec = measure("chart JSON (what the browser gets)", fig.to_json, results)
        data = measure("CSV export", lambda: csvio.export_csv(entry_rows), results)
        existing = {Store.entry_key(r) for r in entry_rows}
        report = measure("CSV import check (every row)", lambda: csvio.read_csv(data, cfg, existing), results)
        pdf = measure("clinician report (PDF)", lambda: clinician_report(lib, store, store.get_profile(pid)), results)

    print(f"BackCheck pain-log benchmark: {args.entries:,} entries, {len(sessions):,} sessions "
          f"({ov.verdict.headline})")
    print(f"  chart JSON {len(spec) / 1024:.0f} KB, CSV {len(data) / 1024:.0f} KB, "
          f"import check: {len(report.entries)} new / {report.duplicates:,} duplicates, PDF {len(pdf) / 1024:.0f} KB\n")
    print(f"  {'step':<38} {'seconds':>8} {'target':>7} {'peak MB':>8} {'target':>7}  result")
    missed = 0
    for name, seconds, peak in results:
        t_sec, t_mb = TARGETS.get(name, (float("inf"), float("inf")))
        ok = seconds <= t_sec and peak <= t_mb
        missed += not ok
        print(f"  {name:<38} {seconds:>8.3f} {t_sec:>7.1f} {peak:>8.1f} {t_mb:>7.0f}  {'ok' if ok else 'MISSED'}")
    print("\nAll targets met." if not missed else f"\n{missed} target(s) missed.")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
