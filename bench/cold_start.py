#!/usr/bin/env python
"""What a user waits for before the first test: a cold start, and the pytest plugin's cost.

Usage:
    python bench/cold_start.py            # 21 rounds of each (about a minute), prints a table
    python bench/cold_start.py --quick    # 3 rounds (CI smoke run; figures are rough)
    python bench/cold_start.py --json     # the results as JSON on stdout
    python bench/cold_start.py --no-moto  # skip moto even if it is installed

Cold start: a fresh interpreter imports boto3 and the mock, makes a SageMaker client, starts the
mock, and has one CreateModelPackageGroup and one DescribeModelPackageGroup answered. Setups:

    floor     the same process answering through botocore's Stubber (the answers queued with
              add_response): what any test of SageMaker code pays without a mock
    sagemock  mock_sagemaker()
    moto      moto's mock_aws() (if moto is importable)

pytest plugin: a one-test pytest run (a test that does nothing, in an empty folder) with the
plugin loaded as installed, and with `-p no:sagemock`: the difference is what every pytest run
pays for having sagemock installed.

Each figure is the wall time of a whole fresh process (interpreter start-up included), as a
user waits for it. The setups alternate within each round, in rotating order, so machine noise
falls on all alike; the table gives medians and 90th percentiles over the rounds, and each
process's peak memory (ru_maxrss). A warm-up run of each setup first writes the bytecode caches,
as a user's second run finds them.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_COLD = 1.15  # sagemock / floor (issue 15)
TARGET_PLUGIN_MS = 20.0

_REPORT = """
import json, resource, sys
print(json.dumps({"maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
_CALLS = """
sm.create_model_package_group(ModelPackageGroupName="g")
sm.describe_model_package_group(ModelPackageGroupName="g")
"""
CREDENTIALS = 'region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"'

SCRIPTS = {
    "floor": f"""
import datetime
import boto3
from botocore.stub import Stubber
sm = boto3.client("sagemaker", {CREDENTIALS})
arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"
with Stubber(sm) as stubber:
    stubber.add_response("create_model_package_group", {{"ModelPackageGroupArn": arn}})
    stubber.add_response("describe_model_package_group", {{
        "ModelPackageGroupName": "g", "ModelPackageGroupArn": arn, "CreationTime": datetime.datetime.now(),
        "CreatedBy": {{}}, "ModelPackageGroupStatus": "Completed"}})
{_CALLS.replace(chr(10), chr(10) + "    ")}
""" + _REPORT,
    "sagemock": f"""
import boto3
from sagemock import mock_sagemaker
sm = boto3.client("sagemaker", {CREDENTIALS})
with mock_sagemaker():
{_CALLS.replace(chr(10), chr(10) + "    ")}
""" + _REPORT,
    "moto": f"""
import boto3
from moto import mock_aws
sm = boto3.client("sagemaker", {CREDENTIALS})
with mock_aws():
{_CALLS.replace(chr(10), chr(10) + "    ")}
""" + _REPORT,
}

ONE_TEST = "def test_nothing():\n    pass\n"


def _environment() -> dict[str, str]:
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # users have bytecode caches
    env.pop("PYTEST_ADDOPTS", None)
    return env


def _run(argv: list[str], cwd: Path) -> tuple[float, float, int | None]:
    """Wall and CPU (user + system) seconds of one fresh process, and its peak memory in KiB
    (when it reports it). CPU time is what the process itself spent, whatever else the machine
    is doing: on a shared machine it is the steadier figure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=_environment(), capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    memory = None
    lines = done.stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        memory = json.loads(lines[-1])["maxrss_kib"]
    return elapsed, cpu, memory


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _summary(times: list[float], cpu: list[float], memories: list[int]) -> dict[str, Any]:
    return {"n": len(times), "median_ms": round(statistics.median(times) * 1000, 1),
            "p90_ms": round(_p90(times) * 1000, 1), "cpu_median_ms": round(statistics.median(cpu) * 1000, 1),
            "peak_mib": round(statistics.median(memories) / 1024, 1) if memories else None}


def _difference(left: list[float], right: list[float]) -> float:
    """The median of per-round differences (the two runs of a round are neighbours in time), ms."""
    return round(statistics.median(a - b for a, b in zip(left, right, strict=True)) * 1000, 1)


def measure(rounds: int, with_moto: bool) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="sagemock-cold-"))
    setups = ["floor", "sagemock"] + (["moto"] if with_moto else [])
    commands: dict[str, tuple[list[str], Path]] = {}
    for setup in setups:
        path = work / f"cold_{setup}.py"
        path.write_text(SCRIPTS[setup])
        commands[setup] = ([sys.executable, str(path)], ROOT)
    tests = work / "one-test"
    tests.mkdir()
    (tests / "test_one.py").write_text(ONE_TEST)
    pytest_base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_one.py"]
    commands["pytest"] = (pytest_base, tests)
    commands["pytest -p no:sagemock"] = (pytest_base + ["-p", "no:sagemock"], tests)

    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    cpus: dict[str, list[float]] = {name: [] for name in names}
    memories: dict[str, list[int]] = {name: [] for name in names}
    for name in names:  # warm-up: bytecode caches, file system caches
        _run(*commands[name])
    for index in range(rounds):
        order = names[index % len(names):] + names[:index % len(names)]
        for name in order:
            elapsed, cpu, memory = _run(*commands[name])
            times[name].append(elapsed)
            cpus[name].append(cpu)
            if memory is not None:
                memories[name].append(memory)

    cold = {setup: _summary(times[setup], cpus[setup], memories[setup]) for setup in setups}
    floor, sagemock = cold["floor"], cold["sagemock"]
    cold_ratios = {"sagemock_over_floor": round(sagemock["median_ms"] / floor["median_ms"], 3),
                   "sagemock_over_floor_cpu": round(sagemock["cpu_median_ms"] / floor["cpu_median_ms"], 3)}
    if "moto" in cold:
        cold_ratios["moto_over_sagemock"] = round(cold["moto"]["median_ms"] / sagemock["median_ms"], 3)
    with_plugin, without = "pytest", "pytest -p no:sagemock"
    plugin = {
        "with_plugin": _summary(times[with_plugin], cpus[with_plugin], []),
        "without_plugin": _summary(times[without], cpus[without], []),
        "overhead_ms": _difference(times[with_plugin], times[without]),
        "overhead_cpu_ms": _difference(cpus[with_plugin], cpus[without]),
    }
    return {
        "meta": {"rounds": rounds, "python": platform.python_version(), "machine": platform.machine(),
                 "cores": os.cpu_count(), "botocore": _version("botocore"), "moto": _version("moto"),
                 "sagemock": _version("sagemock"),
                 "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)]},
        "cold_start": {"setups": cold, "ratios": cold_ratios,
                       "target": f"sagemock/floor <= {TARGET_COLD}: "
                                 f"{'met' if cold_ratios['sagemock_over_floor'] <= TARGET_COLD else 'NOT met'}"},
        "pytest_plugin": {**plugin, "target": f"overhead < {TARGET_PLUGIN_MS:g} ms: "
                                              f"{'met' if plugin['overhead_ms'] < TARGET_PLUGIN_MS else 'NOT met'}"},
    }


def _version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def table(report: dict[str, Any]) -> str:
    lines = [f"{'cold start (fresh process)':32}{'median ms':>11}{'p90 ms':>10}{'CPU ms':>10}{'peak MiB':>10}"]
    for setup, figures in report["cold_start"]["setups"].items():
        lines.append(f"{setup:32}{figures['median_ms']:>11,.1f}{figures['p90_ms']:>10,.1f}"
                     f"{figures['cpu_median_ms']:>10,.1f}{figures['peak_mib']:>10}")
    ratios = report["cold_start"]["ratios"]
    lines.append(f"sagemock/floor {ratios['sagemock_over_floor']:.2f}x (CPU {ratios['sagemock_over_floor_cpu']:.2f}x)"
                 + (f", moto/sagemock {ratios['moto_over_sagemock']:.2f}x" if "moto_over_sagemock" in ratios else "")
                 + f"  ({report['cold_start']['target']})")
    plugin = report["pytest_plugin"]
    lines += ["", f"{'one-test pytest run':32}{'median ms':>11}{'p90 ms':>10}{'CPU ms':>10}"]
    for label, key in (("with the plugin", "with_plugin"), ("-p no:sagemock", "without_plugin")):
        lines.append(f"{label:32}{plugin[key]['median_ms']:>11,.1f}{plugin[key]['p90_ms']:>10,.1f}"
                     f"{plugin[key]['cpu_median_ms']:>10,.1f}")
    lines.append(f"plugin overhead (median of per-round differences): {plugin['overhead_ms']:.1f} ms, "
                 f"CPU {plugin['overhead_cpu_ms']:.1f} ms ({plugin['target']})")
    meta = report["meta"]
    lines.append(f"\n{meta['rounds']} rounds; Python {meta['python']}, botocore {meta['botocore']}, "
                 f"moto {meta['moto']}, sagemock {meta['sagemock']}, {meta['cores']} cores, "
                 f"load average {meta['load_average'][0]} -> {meta['load_average'][1]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds (a CI smoke run)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of each setup (default 21)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--no-moto", action="store_true", help="skip moto even if it is installed")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 21)
    try:
        import moto  # noqa: F401
        with_moto = not args.no_moto
    except ImportError:
        with_moto = False
    report = measure(rounds, with_moto)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
