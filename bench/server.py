#!/usr/bin/env python
"""What a request costs through `sagemock server` on loopback, with and without a state file.

Usage:
    python bench/server.py           # full run (about 30 s), prints a table
    python bench/server.py --quick   # CI smoke run (a few seconds; figures are rough)
    python bench/server.py --json    # the results as JSON on stdout

The server runs as users run it, `python -m sagemock server --port 0`, in a process of its own;
the clients are boto3 clients in this process. Timed, per setup (in memory; `--state-file`):

    describe    DescribeModelPackageGroup, one client, one call at a time
    create      CreateModelPackageGroup, one client, one call at a time; the server holds
                `--resources` groups (default 300) before timing starts, since a state file's
                save rewrites the whole state
    burst       8 clients in threads, each creating groups as fast as it can: writes per second

The in-process mock's figures for the same calls are in bench/run.py; the difference is the
HTTP round trip (and, with a state file, the save before each write is answered).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server_process import ServerProcess  # noqa: E402  (the suite's own launcher)

CLIENTS = 8


def per_call_us(call: Callable[[int], Any], calls: int, rounds: int) -> dict[str, float]:
    """Median and spread over `rounds` rounds of the mean per-call time of `calls` calls."""
    means = []
    counter = 0
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            call(counter)
            counter += 1
        means.append((time.perf_counter() - started) / calls * 1e6)
    return {"median_us": statistics.median(means), "min_us": min(means), "max_us": max(means), "calls": calls * rounds}


def burst(server: ServerProcess, writes: int, prefix: str) -> dict[str, float]:
    local = threading.local()

    def write(index: int) -> None:
        if not hasattr(local, "client"):
            local.client = server.client(max_pool_connections=1)
        local.client.create_model_package_group(ModelPackageGroupName=f"{prefix}{index}")

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(write, range(writes)))
    seconds = time.perf_counter() - started
    return {"writes": writes, "seconds": seconds, "writes_per_second": writes / seconds}


def measure(arguments: tuple[str, ...], quick: bool, resources: int) -> dict[str, Any]:
    calls, rounds, writes = (20, 3, 200) if quick else (100, 5, 1000)
    with ServerProcess(*arguments) as server:
        client = server.client()
        client.create_model_package_group(ModelPackageGroupName="target")
        for index in range(resources):
            client.create_model_package_group(ModelPackageGroupName=f"seed{index}")
        describe = per_call_us(lambda _: client.describe_model_package_group(ModelPackageGroupName="target"),
                               calls, rounds)
        create = per_call_us(lambda i: client.create_model_package_group(ModelPackageGroupName=f"new{i}"),
                             calls, rounds)
        return {"describe": describe, "create": create, "burst": burst(server, writes, "burst")}


def run(quick: bool, resources: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        return {
            "resources": resources,
            "clients": CLIENTS,
            "setups": {
                "in-memory": measure((), quick, resources),
                "state-file": measure(("--state-file", str(Path(directory) / "state.json")), quick, resources),
            },
        }


def table(report: dict[str, Any]) -> str:
    lines = [f"sagemock server on loopback ({report['resources']} resources held; burst: {report['clients']} clients)",
             "",
             f"{'setup':<12} {'describe µs':>12} {'create µs':>12} {'burst writes/s':>15}"]
    for name, setup in report["setups"].items():
        lines.append(f"{name:<12} {setup['describe']['median_us']:>12.0f} {setup['create']['median_us']:>12.0f} "
                     f"{setup['burst']['writes_per_second']:>15.0f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time sagemock server over loopback, with and without a state file.")
    parser.add_argument("--quick", action="store_true", help="a few seconds, rough figures (CI smoke)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--resources", type=int, default=None,
                        help="model package groups the server holds before timing (default 300; 50 with --quick)")
    args = parser.parse_args(argv)
    resources = args.resources if args.resources is not None else (50 if args.quick else 300)
    report = run(args.quick, resources)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
