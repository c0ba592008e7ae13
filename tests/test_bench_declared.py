"""Smoke test of bench/declared.py (issue 14's speed targets for every declared resource): it seeds a
resource from its own example, and reports each figure. No timing is asserted (CI machines are too
noisy); the figures are in docs/benchmark.md."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_declared_resources_benchmark_reports_every_figure():
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "declared.py"), "--quick", "--json",
                                "--only", "ProcessingJob", "--only", "Model"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert sorted(report["resources"]) == ["Model", "ProcessingJob"]
    for figures in report["resources"].values():
        for figure, setups in (("describe", ("floor", "sagemock")), ("list", ("hand-written", "declared"))):
            for setup in setups:
                measured = figures[figure][setup]
                assert measured["n"] > 0 and 0 < measured["median_us"] <= measured["p90_us"]
            assert figures[figure]["ratio"] > 0
        own = figures["list"]["own"]  # sagemock's own part of the page, and the hand-written page's beside it
        for part in (own, own["hand-written"]):
            assert 0 < part["shaping_us"] < part["own_us"] and part["bytes"] > 0
        assert own["ratio"] > 0 and own["per_kb_ratio"] > 0
    reference = report["hand-written describe"]
    assert reference["operation"] == "DescribeModelPackageGroup" and reference["ratio"] > 0


def test_every_declared_resource_has_a_store_of_its_own():
    """The benchmark seeds each declared resource in a place of its own: there are enough places for
    all of them (it once ran out of regions as resources were declared)."""
    import importlib.util

    from sagemock.core import backend
    from sagemock.core.resource import RESOURCES

    spec = importlib.util.spec_from_file_location("bench_declared", ROOT / "bench" / "declared.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    saved = list(sys.path)  # the script puts bench/ first on the path, for its `import run`
    try:
        spec.loader.exec_module(bench)
    finally:
        sys.path[:] = saved
    backend.load_all()
    assert len(set(bench.PLACES)) == len(bench.PLACES) >= len(RESOURCES)
