"""Crash safety: `kg ingest` killed with SIGKILL at random points, 20 times in a row.

After every kill the store must open, pass `kg validate`, hold no half document, and reach
exactly the counts of a clean load when the same ingest is run again. A second `kg ingest` on a
store that is in use fails fast with a clear message.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

KG = str(Path(sys.executable).parent / "kg")
RUNS = 20


def _inputs(tmp: Path) -> list[str]:
    data = tmp / "events.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "2000", str(data)],
        check=True,
        capture_output=True,
    )
    reports = sorted(str(p) for p in (ROOT / "examples" / "reports").glob("0[1-4]-*.txt"))
    return [*reports, str(data)]


def _run(store: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KG, "--store", str(store), *args], capture_output=True, text=True, timeout=timeout
    )


def _counts(store: Path) -> dict[str, int]:
    out = _run(store, "stats", "--format", "json")
    assert out.returncode == 0, out.stderr
    return {r["what"]: r["count"] for r in json.loads(out.stdout)}


def test_ingest_killed_at_random_points_recovers_every_time(tmp_path: Path):
    inputs = _inputs(tmp_path)
    clean = tmp_path / "clean"
    done = _run(clean, "ingest", *inputs)
    assert done.returncode == 0, done.stderr
    expected = _counts(clean)
    assert expected["events"] > 2000 and expected["documents"] == len(inputs)

    # how long a first load and a reload take here, so the kills land all along them
    timing = tmp_path / "timing"
    t0 = time.perf_counter()
    _run(timing, "ingest", *inputs)
    first_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    _run(timing, "ingest", "--force", *inputs)
    reload = time.perf_counter() - t0

    rng = random.Random(20261124)
    store = tmp_path / "victim"
    killed_mid_load = 0
    for i in range(RUNS):
        # even runs kill a first load into an empty store, odd runs a forced reload of a full one
        if i % 2 == 0 and store.exists():
            shutil.rmtree(store)
        args = ["ingest", *inputs] if i % 2 == 0 else ["ingest", "--force", *inputs]
        proc = subprocess.Popen(
            [KG, "--store", str(store), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.05, (first_load if i % 2 == 0 else reload) * 0.9))
        if proc.poll() is None:
            killed_mid_load += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # the store opens and passes validation whatever was happening
        check = _run(store, "validate")
        assert check.returncode == 0, f"run {i}: {check.stdout[-500:]} {check.stderr[-500:]}"
        # no document is there in part: what is there is at most what a clean load gives
        got = _counts(store)
        assert all(got[k] <= expected[k] for k in ("documents", "events", "claims")), got
        # running the ingest again completes the store to exactly the clean counts
        again = _run(store, "ingest", *inputs)
        assert again.returncode == 0, again.stderr
        assert _counts(store) == expected, f"run {i}"
    assert killed_mid_load >= RUNS // 2  # most kills really hit a running load


def test_a_second_ingest_on_a_busy_store_fails_fast(tmp_path: Path):
    inputs = _inputs(tmp_path)
    store = tmp_path / "busy"
    first = subprocess.Popen(
        [KG, "--store", str(store), "ingest", *inputs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.time() + 30
        while not (store / "LOCK").exists() and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        if first.poll() is not None:
            pytest.fail("the first ingest finished before the second could start")
        t0 = time.perf_counter()
        second = _run(store, "ingest", inputs[0], timeout=60)
        assert time.perf_counter() - t0 < 20
        assert second.returncode != 0
        assert "in use by another kg process" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.wait(timeout=300)
    assert first.returncode == 0
    assert os.path.isdir(store)
