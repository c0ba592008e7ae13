"""Smoke test of bench/state_file.py (issue 16's target for the state file): it runs and reports
each figure for both kinds of state file. No timing is asserted (CI machines are too noisy); the
figures are in docs/benchmark.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_state_file_benchmark_reports_every_figure():
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "state_file.py"), "--quick", "--json"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["fsync_ms"] > 0
    [media] = report["sizes"].values()
    assert set(media) == {"json", "sqlite"}
    for measured in media.values():
        assert measured["writes"] > 0 and 0 < measured["median_ms"] <= measured["p90_ms"]
        assert measured["start_s"] > 0 and measured["file_mib"] > 0


def test_the_state_file_benchmark_runs_one_kind_of_state_file_alone():
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "state_file.py"), "--quick", "--json",
                                "--media", "sqlite"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    [media] = json.loads(completed.stdout)["sizes"].values()
    assert set(media) == {"sqlite"} and media["sqlite"]["median_ms"] > 0
