"""Smoke test of bench/feature_groups.py (issue 14's speed targets for a declared family): it runs and
reports each figure. No timing is asserted (CI machines are too noisy); the figures are in
docs/feature-store.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_feature_group_benchmark_reports_every_figure():
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "feature_groups.py"), "--quick", "--json"],
                               cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["groups"] > 0
    for figure, setups in (("describe", ("floor", "sagemock")), ("list", ("ListModelPackages", "ListFeatureGroups")),
                           ("create", ("sagemock",))):
        for setup in setups:
            measured = report[figure][setup]
            assert measured["n"] > 0 and 0 < measured["median_us"] <= measured["p90_us"]
    assert report["describe"]["ratio"] > 0 and report["list"]["ratio"] > 0
