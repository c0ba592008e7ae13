#!/usr/bin/env python
"""What a durable write costs as a `--state-file` server's state grows, per kind of state file.

Usage:
    python bench/state_file.py                      # 10,000 and 100,000 model packages (about 15 min)
    python bench/state_file.py --packages 2000      # any sizes
    python bench/state_file.py --quick              # CI smoke run (a few seconds; figures are rough)
    python bench/state_file.py --media sqlite       # one kind of state file only (a JSON save at 100,000
                                                    # packages takes seconds per write)
    python bench/state_file.py --json               # the results as JSON on stdout

For each size the state (one group holding that many model packages, created through boto3
against the in-process mock) is built once, in a process of its own, and written as a JSON state
file. Then, for each kind of state file, `python -m sagemock server --state-file ...` runs in a
process of its own holding that state:

    json      the JSON snapshot file (what every state file was before issue 16: each save
              rewrites the whole state); started on a copy of the built file
    sqlite    an SQLite database (what a new state file is now: each save writes the rows a
              write changed); started on a new file, the built snapshot restored into it

and a boto3 client in this process times CreateModelPackage (a new version in the group), one
call at a time: each is answered only once it is durable. Also reported: how long the server
took to start (load the file) and the state file's size.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.server_process import ServerProcess  # noqa: E402  (the suite's own launcher)

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
MEDIA = ("json", "sqlite")


def _build(packages: int, path: str) -> None:
    """(child process) `packages` model packages in group "g", written as a JSON state file."""
    import boto3

    from sagemock import mock_sagemaker
    from sagemock.json_state import JsonStateFile

    with mock_sagemaker() as mock:
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.create_model_package_group(ModelPackageGroupName="g")
        for _ in range(packages):
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        JsonStateFile(path).write(mock.state)


def _files_size(path: Path) -> int:
    return sum(found.stat().st_size for found in path.parent.iterdir()
               if found.name.startswith(path.name) and not found.name.endswith(".lock"))


def _measure(medium: str, built: Path, directory: Path, writes: int) -> dict[str, Any]:
    path = directory / ("state.json" if medium == "json" else "state.db")
    if medium == "json":
        shutil.copyfile(built, path)
    began = time.perf_counter()
    server = ServerProcess("--state-file", path).start()
    started = time.perf_counter() - began
    try:
        if medium == "sqlite":
            request = urllib.request.Request(server.url + "/_sagemock/restore", data=built.read_bytes(), method="POST")
            with urllib.request.urlopen(request, timeout=3600) as answer:
                answer.read()
        client = server.client(retries={"max_attempts": 0}, read_timeout=600)
        for _ in range(1 if medium == "json" else 3):  # warm up: connections, the family's first use
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
        times = []
        for _ in range(writes):
            start = time.perf_counter()
            client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)
            times.append(time.perf_counter() - start)
        size = _files_size(path)
    finally:
        server.stop()
    restart = time.perf_counter()
    with ServerProcess("--state-file", path):
        loaded = time.perf_counter() - restart
    times.sort()
    return {"writes": writes, "median_ms": statistics.median(times) * 1e3,
            "p90_ms": times[int(len(times) * 0.9) - 1 if len(times) > 1 else 0] * 1e3,
            "start_s": loaded, "first_start_s": started, "file_mib": size / 2**20}


def fsync_ms(directory: str, samples: int = 50) -> float:
    """The disk's own floor: the median time to flush 4 KiB appended to a file in `directory`
    (a durable write cannot be answered faster than one such flush)."""
    import os

    times = []
    with tempfile.NamedTemporaryFile(dir=directory) as handle:
        for _ in range(samples):
            os.write(handle.fileno(), b"x" * 4096)
            start = time.perf_counter()
            os.fsync(handle.fileno())
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run(sizes: list[int], json_writes: int, sqlite_writes: int, media: tuple[str, ...] = MEDIA) -> dict[str, Any]:
    results: dict[str, Any] = {"fsync_ms": fsync_ms(tempfile.gettempdir()), "sizes": {}}
    for packages in sizes:
        with tempfile.TemporaryDirectory() as directory:
            built = Path(directory) / "built.json"
            began = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--build", str(packages), str(built)], check=True)
            print(f"built {packages:,} packages in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            for medium in media:
                where = Path(directory) / medium
                where.mkdir()
                writes = json_writes if medium == "json" else sqlite_writes
                found = results["sizes"].setdefault(str(packages), {})[medium] = _measure(medium, built, where, writes)
                print(f"  {medium}: {found}", file=sys.stderr)
    return results


def _table(results: dict[str, Any]) -> str:
    lines = ["| packages | state file | durable CreateModelPackage, median (p90) | start (load) | file |",
             "|---:|---|---:|---:|---:|"]
    for packages, media in results["sizes"].items():
        for medium, found in media.items():
            lines.append(f"| {int(packages):,} | {medium} | {found['median_ms']:.1f} ms ({found['p90_ms']:.1f}) "
                         f"| {found['start_s']:.1f} s | {found['file_mib']:.0f} MiB |")
    lines.append(f"\nThe disk's own flush (fsync of 4 KiB appended to a file), median: {results['fsync_ms']:.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time a durable write against a --state-file server as it grows.")
    parser.add_argument("--packages", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--quick", action="store_true", help="a few seconds, rough figures (CI smoke)")
    parser.add_argument("--json", action="store_true", help="the results as JSON on stdout")
    parser.add_argument("--media", nargs="+", choices=MEDIA, default=list(MEDIA), help="the kinds of state file")
    parser.add_argument("--build", nargs=2, metavar=("PACKAGES", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        _build(int(args.build[0]), args.build[1])
        return 0
    sizes = [200] if args.quick else args.packages
    results = run(sizes, json_writes=3, sqlite_writes=10 if args.quick else 200, media=tuple(args.media))
    print(json.dumps(results, indent=2) if args.json else _table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
