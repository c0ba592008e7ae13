"""Smoke test of the benchmark (bench/run.py): it runs and reports every operation.

No timing is asserted: CI machines are too noisy for that. The benchmark's figures are in
docs/benchmark.md.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "bench" / "run.py"
OPERATIONS = ("describe", "create", "list", "activation")
REQUESTS = ("describe", "create", "list")  # the operations that make a request (and so have a floor)


def _run(*prefix: str) -> dict:
    completed = subprocess.run(
        [sys.executable, *prefix, "--quick", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def _check(report: dict) -> None:
    operations = report["operations"]
    assert set(operations) == set(OPERATIONS)
    for name in OPERATIONS:
        setups = operations[name]["setups"]
        assert {"floor", "sagemock", "moto"} <= set(setups)
        sagemock = setups["sagemock"]
        assert sagemock["n"] > 0
        assert sagemock["median_us"] > 0 and sagemock["p90_us"] >= sagemock["median_us"]
        if name in REQUESTS:
            floor = setups["floor"]
            assert floor["n"] > 0
            assert floor["median_us"] > 0 and floor["p90_us"] >= floor["median_us"]
            assert operations[name]["ratios"]["sagemock_over_floor"] > 0
        else:
            assert setups["floor"]["median_us"] is None  # activation makes no request
    assert {"describe", "activation"} <= {name for name in OPERATIONS if "target" in operations[name]}
    stubber = operations["describe"]["setups"]["stubber"]  # botocore's Stubber: the describe only
    assert stubber["n"] > 0 and stubber["median_us"] > 0 and stubber["p90_us"] >= stubber["median_us"]
    assert operations["describe"]["stubber_add_response"]["n"] > 0
    assert operations["describe"]["ratios"]["sagemock_over_stubber"] > 0
    for name in OPERATIONS[1:]:
        assert operations[name]["setups"]["stubber"]["median_us"] is None
    searches = report["searches"]  # Search over a large registry: the first page and a deep one
    assert set(searches) == {"search", "search_deep"}
    assert report["meta"]["search_packages"] > 0
    for name in ("search", "search_deep"):
        setups = searches[name]["setups"]
        for setup in ("floor", "sagemock"):
            assert setups[setup]["n"] > 0
            assert setups[setup]["median_us"] > 0 and setups[setup]["p90_us"] >= setups[setup]["median_us"]
        assert searches[name]["ratios"]["sagemock_over_floor"] > 0
        assert setups["moto"]["median_us"] is not None or setups["moto"]["note"].startswith("n/a")
    notebook = report["cycles"]["notebook"]["setups"]  # create/stop/delete, each with its waiter
    assert notebook["sagemock"]["n"] > 0 and notebook["sagemock"]["median_us"] > 0
    assert notebook["floor"]["median_us"] is None


def test_benchmark_runs_and_reports_every_operation() -> None:
    report = _run(str(RUN))
    _check(report)
    moto = report["meta"]["moto"]
    for name in OPERATIONS:
        entry = report["operations"][name]["setups"]["moto"]
        if moto is None:
            assert entry["median_us"] is None and entry["note"].startswith("n/a")
        else:  # measured, or n/a with the reason
            assert entry["median_us"] is not None or entry["note"].startswith("n/a")


def test_benchmark_runs_without_moto() -> None:
    """As if moto were not installed: `import moto` raises ImportError in the benchmark."""
    blocker = (
        "import runpy, sys; sys.modules['moto'] = None; "
        f"sys.argv = [{str(RUN)!r}] + sys.argv[1:]; runpy.run_path({str(RUN)!r}, run_name='__main__')"
    )
    report = _run("-c", blocker)
    _check(report)
    assert report["meta"]["moto"] is None
    for name in OPERATIONS:
        moto = report["operations"][name]["setups"]["moto"]
        assert moto["median_us"] is None and "not installed" in moto["note"]
        assert report["operations"][name]["ratios"]["moto_over_sagemock"] is None
    for name in ("search", "search_deep"):
        assert "not installed" in report["searches"][name]["setups"]["moto"]["note"]
        assert report["searches"][name]["ratios"]["moto_over_sagemock"] is None


def test_benchmark_help() -> None:
    completed = subprocess.run([sys.executable, str(RUN), "--help"], cwd=ROOT, capture_output=True, text=True,
                               timeout=60)
    assert completed.returncode == 0
    assert "--quick" in completed.stdout and "--json" in completed.stdout


def test_server_benchmark_runs_and_reports_both_setups():
    completed = subprocess.run([sys.executable, "bench/server.py", "--quick", "--json"], cwd=ROOT,
                               capture_output=True, text=True, timeout=180)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert set(report["setups"]) == {"in-memory", "state-file"}
    for setup in report["setups"].values():
        assert setup["describe"]["median_us"] > 0 and setup["create"]["median_us"] > 0
        assert setup["burst"]["writes"] == 200 and setup["burst"]["writes_per_second"] > 0


def test_cold_start_bench_reports_both_figures_against_their_floors():
    """bench/cold_start.py in one round: every setup measured, ratios and targets reported."""
    completed = subprocess.run([sys.executable, str(ROOT / "bench" / "cold_start.py"), "--rounds", "1", "--json"],
                               cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    cold = report["cold_start"]
    assert {"floor", "sagemock"} <= set(cold["setups"])
    for figures in cold["setups"].values():
        assert figures["n"] == 1 and figures["median_ms"] > 0 and figures["cpu_median_ms"] > 0
        assert figures["peak_mib"] > 0
    assert cold["ratios"]["sagemock_over_floor"] > 0 and cold["target"].startswith("sagemock/floor <= 1.15")
    plugin = report["pytest_plugin"]
    assert plugin["with_plugin"]["median_ms"] > 0 and plugin["without_plugin"]["median_ms"] > 0
    assert isinstance(plugin["overhead_ms"], float) and plugin["target"].startswith("overhead < 20 ms")


def test_snapshot_benchmark_runs_and_reports_every_measure():
    if not Path("/proc/self/clear_refs").exists():
        import pytest

        pytest.skip("bench/snapshot.py reads peaks from Linux's /proc")
    completed = subprocess.run([sys.executable, "bench/snapshot.py", "--quick", "--json"], cwd=ROOT,
                               capture_output=True, text=True, timeout=180)
    assert completed.returncode == 0, completed.stderr
    [result] = json.loads(completed.stdout)
    assert result["packages"] == 300
    for name in ("save", "document", "stream", "load"):
        assert result[name]["seconds"] > 0 and result[name]["peak_extra_mib"] >= 0
    assert result["save"]["file_mib"] > 0


def test_lists_benchmark_reports_every_page_and_the_memory_per_resource():
    """bench/lists.py --quick: every List and Search figure beside its floor, and KiB per resource."""
    if not Path("/proc/self/status").exists():
        import pytest

        pytest.skip("bench/lists.py reads resident memory from Linux's /proc")
    completed = subprocess.run([sys.executable, "bench/lists.py", "--quick", "--json"], cwd=ROOT,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["resources"] == 1000
    for figure in ("first", "deep", "after_write", "list_floor", "write", "search_first", "search_deep",
                   "search_after_write", "search_floor",
                   "models_first", "models_deep", "models_after_write"):
        assert 0 < report[figure]["median_ms"] <= report[figure]["p90_ms"], figure
    assert report["package_kib"] > 0 and report["package_kib_indexed"] > 0
