"""Ten processes writing to one SQLite file at once: no "busy" errors and no lost writes.

The load is bounded and local (10 processes x 100 writes into a file in a temp folder) and
the test asserts counts only. Most writes are read-then-write transactions (import, create,
delete, restore): with a deferred BEGIN those fail at once with "database is busy" when two
processes upgrade their locks together; BEGIN IMMEDIATE makes them wait their turn.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime, timedelta

from backcheck.storage import Store, StorageError
from backcheck.painlog import PainEntry

PROCESSES = 10
WRITES = 100
T0 = datetime(2025, 3, 1, 8, 0)


def _writer(args: tuple[str, int, object]) -> tuple[int, int, list[str]]:
    """One process: create its profile, then 100 entry writes. Returns (profile id, ok, errors)."""
    url, n, barrier = args
    store = Store(url)
    barrier.wait(timeout=120)  # start together, so the transactions really overlap
    errors: list[str] = []
    ok = 0
    try:
        pid = store.profiles.create(f"Writer {n}").id
    except StorageError as exc:
        return -1, 0, [str(exc)]
    for i in range(WRITES):
        when = T0 + timedelta(minutes=i)
        try:
            if i % 4 == 0:  # read-then-write: import (checks for duplicates first)
                added, _ = store.pain.import_entries(pid, [PainEntry(recorded_at=when, pain=i % 11, activity="walking",
                                                                      location="lower_back", notes=f"p{n} i{i}")])
                assert added == 1
            elif i % 4 == 1:  # read-then-write twice: delete and undo, then the entry itself
                eid = store.pain.add(pid, PainEntry(recorded_at=when, pain=i % 11, activity="walking", location="lower_back", notes=f"p{n} i{i}"))
                gone = store.pain.delete(pid, eid)
                assert gone is not None
                store.pain.restore(gone)
            else:
                store.pain.add(pid, PainEntry(recorded_at=when, pain=i % 11, activity="sitting", location="lower_back", notes=f"p{n} i{i}"))
            ok += 1
        except StorageError as exc:
            errors.append(str(exc))
    return pid, ok, errors


def test_ten_processes_write_100_entries_each_without_busy_errors_or_lost_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    Store(url)  # create the file once; the writers then open it together
    ctx = mp.get_context("fork")
    barrier = ctx.Manager().Barrier(PROCESSES)
    with ctx.Pool(PROCESSES) as pool:
        results = pool.map_async(_writer, [(url, n, barrier) for n in range(PROCESSES)]).get(timeout=600)

    errors = [e for _pid, _ok, errs in results for e in errs]
    busy = [e for e in errors if "busy" in e]
    assert busy == [], f"{len(busy)} busy errors, e.g. {busy[:1]}"
    assert errors == []
    assert sum(ok for _pid, ok, _errs in results) == PROCESSES * WRITES

    store = Store(url)
    pids = [pid for pid, _ok, _errs in results]
    assert len(set(pids)) == PROCESSES and -1 not in pids
    for n, pid in enumerate(pids):
        rows = store.pain.all(pid)
        assert len(rows) == WRITES  # nothing lost, nothing doubled
        assert {r.notes for r in rows} == {f"p{n} i{i}" for i in range(WRITES)}
