#!/usr/bin/env python
"""What snapshots and the state file cost as the state grows: time and peak memory.

Usage:
    python bench/snapshot.py                     # 10,000 and 100,000 model packages (about 5 min)
    python bench/snapshot.py --packages 2000     # any sizes
    python bench/snapshot.py --quick             # CI smoke run (a few seconds; figures are rough)
    python bench/snapshot.py --json              # the results as JSON on stdout

For each size, each measurement runs in a fresh process that first builds the state (one group
holding that many model packages, created through boto3 against the in-process mock), so no
measurement reuses memory another one freed and every peak is the measurement's own. Timed, with
the peak resident memory above what the process held before it:

    save        what the server's --state-file does on each write: the state to its file
    document    mock.snapshot(): the state as a JSON-ready dict
    stream      GET /_sagemock/snapshot without a state file: the document's text, piece by piece
    load        a fresh process restoring the file (the server's start): time and the whole peak

Peaks are read from /proc/self/status (VmHWM, reset through /proc/self/clear_refs), so Linux only.
Run it against another checkout (PYTHONPATH=<checkout>) to compare versions: where the newer
modules are missing it measures the older equivalents (json.dumps of the whole document).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
MEASURES = ("save", "document", "stream", "load")


# -- in the child process ---------------------------------------------------------------------------


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    raise LookupError(field)


def _reset_peak() -> float:
    gc.collect()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")
    return _status("VmRSS")


def _save(state: Any, path: str) -> None:
    from sagemock.core import snapshot

    if not hasattr(snapshot, "chunks"):  # an older sagemock: the whole document, then its whole text
        Path(path).write_text(json.dumps(snapshot.dump(state), separators=(",", ":")), encoding="utf-8")
        return
    from sagemock.json_state import JsonStateFile

    JsonStateFile(path).write(state)


def _stream(state: Any) -> None:
    from sagemock.core import snapshot

    chunks = getattr(snapshot, "chunks", None)
    if chunks is None:  # an older sagemock: the whole text at once
        json.dumps(snapshot.dump(state))
        return
    for _chunk in chunks(state):
        pass


def _child(measure: str, path: str, packages: int) -> dict[str, Any]:
    import boto3

    from sagemock import mock_sagemaker

    with mock_sagemaker() as mock:
        if measure == "load":
            base = _reset_peak()
            started = time.perf_counter()
            mock.restore(json.loads(Path(path).read_text(encoding="utf-8")))
            seconds = time.perf_counter() - started
            rss = _status("VmRSS")
            return {"seconds": seconds, "state_mib": rss - base, "peak_extra_mib": _status("VmHWM") - rss}
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a",
                              aws_secret_access_key="b")
        client.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(packages):
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC,
                                        ModelApprovalStatus="Approved")
        base = _reset_peak()
        started = time.perf_counter()
        if measure == "save":
            _save(mock.state, path)
        elif measure == "document":
            mock.snapshot()
        else:
            _stream(mock.state)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "state_mib": base, "peak_extra_mib": _status("VmHWM") - base,
                "file_mib": os.path.getsize(path) / 2**20 if os.path.exists(path) else 0.0}


# -- the driver -------------------------------------------------------------------------------------


def _run_child(measure: str, path: str, packages: int) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", measure, path, str(packages)],
                          capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{measure} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(packages: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as directory:
        path = str(Path(directory) / "state.json")
        results: dict[str, Any] = {"packages": packages}
        for name in MEASURES:  # (save first: load reads the file it writes)
            runs = [_run_child(name, path, packages) for _ in range(rounds)]
            results[name] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        return results


def table(report: list[dict[str, Any]]) -> str:
    lines = [f"{'packages':>9} {'measure':<9} {'seconds':>8} {'process MiB':>12} {'peak above MiB':>15}"]
    for result in report:
        for name in MEASURES:
            row = result[name]
            lines.append(f"{result['packages']:>9} {name:<9} {row['seconds']:>8.2f} {row['state_mib']:>12.0f} "
                         f"{row['peak_extra_mib']:>15.0f}")
        lines.append(f"{'':>9} state file: {result['save']['file_mib']:.1f} MiB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments[:1] == ["--child"]:
        _measure, path, packages = arguments[1:4]
        print(json.dumps(_child(_measure, path, int(packages))))
        return 0
    parser = argparse.ArgumentParser(description="Time and peak memory of snapshots and state-file saves.")
    parser.add_argument("--packages", type=int, nargs="+", default=None,
                        help="state sizes in model packages (default 10000 100000; 300 with --quick)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each measurement (the median is reported)")
    parser.add_argument("--quick", action="store_true", help="a few seconds, rough figures (CI smoke)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = parser.parse_args(arguments)
    sizes = args.packages or ([300] if args.quick else [10_000, 100_000])
    report = [measure(size, args.rounds) for size in sizes]
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
