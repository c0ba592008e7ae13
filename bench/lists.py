#!/usr/bin/env python
"""What a List page costs among many resources: the first page, a deep one, and one right after a
write; Search right after a write; and the memory each resource holds.

Usage:
    python bench/lists.py                   # 100,000 model packages and 100,000 models (several minutes)
    python bench/lists.py --resources 20000 # any size
    python bench/lists.py --quick           # CI smoke run (1,000 of each; figures are rough)
    python bench/lists.py --json            # the results as JSON on stdout

One process, one mock. It creates one model package group holding that many model packages, and
that many models (a declared resource, whose List the engine generates), through boto3 against the
in-process mock, then times, each through a boto3 client, in milliseconds per call (median and
90th percentile of the calls):

    first       ListModelPackages(ModelPackageGroupName=g, MaxResults=100): the first page
    deep        the page three quarters of the way through the group (via its NextToken), or
                page `--deep-page`
    after write the first page again, each call right after an UpdateModelPackage of a package
                (the update's own cost is reported beside it, as "write")
    search      Search(Resource=ModelPackage, MaxResults=100) (its default sort: LastModifiedTime,
                descending): the first page, the deep page (as above, via its NextToken), and the
                first page right after an UpdateModelPackage
    models      ListModels(MaxResults=100) (a generated List, sorted by CreationTime descending):
                the first page, the page at three quarters, and the first page right after a
                CreateModel (models have no update)

Beside the List and Search pages, their floor: botocore alone answering the same bytes (a
`before-send` handler returning the answer sagemock gave, captured once, as in bench/run.py), so
what sagemock adds is the difference.

And the memory the resources hold: the process's resident memory after creating them (and after
the first Lists, which build the sorted indexes), less what it held before, per resource, in KiB.
Resident memory is read from /proc/self/status, so Linux only.

Run it against another checkout (PYTHONPATH=<checkout>) to compare versions.
"""
from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import canned, capture  # noqa: E402  (the floor as bench/run.py makes it)

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"
SPEC = {"Containers": [{"Image": IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
PAGE = 100


def _rss_kib() -> float:
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return float(line.split()[1])
    raise LookupError("VmRSS")


def _timed(call: Any, rounds: int, before: Any = None) -> dict[str, float]:
    """Median and 90th percentile, in ms, of `call` (after `before`, untimed, if given)."""
    samples = []
    for _ in range(rounds):
        if before is not None:
            before()
        started = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    samples.sort()
    return {"median_ms": round(statistics.median(samples), 3),
            "p90_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.9))], 3), "n": len(samples)}


def _deep_token(list_page: Any, pages: int) -> str:
    """The NextToken of the page after `pages` pages."""
    token = None
    for _ in range(max(1, pages)):
        token = list_page(NextToken=token)["NextToken"] if token else list_page()["NextToken"]
    assert token is not None
    return token


def _floor_client(operation: str, response: Any) -> Any:
    """A client that botocore alone answers with `response`, sagemock's hook taken off it."""
    import boto3

    from sagemock.core import intercept

    client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    for event, handler in getattr(intercept, "HANDLERS", (("before-send.sagemaker", intercept.before_send),)):
        client.meta.events.unregister(event, handler)
    client.meta.events.register(f"before-send.sagemaker.{operation}", canned(response))
    return client


def measure(resources: int, rounds: int, deep: int | None = None) -> dict[str, Any]:
    import boto3

    from sagemock import mock_sagemaker

    deep = resources * 3 // 4 // PAGE if deep is None else deep
    report: dict[str, Any] = {"resources": resources, "deep_page": deep + 1}
    with mock_sagemaker():
        client = boto3.client("sagemaker", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        client.create_model_package_group(ModelPackageGroupName="g")
        client.list_model_packages(ModelPackageGroupName="g")  # (imports and first-use costs before the baseline)
        base = _rss_kib()
        started = time.perf_counter()
        arns = [client.create_model_package(ModelPackageGroupName="g", InferenceSpecification=SPEC)["ModelPackageArn"]
                for _ in range(resources)]
        report["seed_packages_s"] = round(time.perf_counter() - started, 1)
        report["package_kib"] = round((_rss_kib() - base) / resources, 2)

        def packages(**extra: Any) -> Any:
            return client.list_model_packages(ModelPackageGroupName="g", MaxResults=PAGE, **extra)

        written = iter(range(10**9))

        def write() -> None:
            arn = arns[next(written) % len(arns)]
            client.update_model_package(ModelPackageArn=arn, ApprovalDescription=f"checked {arn}")

        report["first"] = _timed(packages, rounds)
        floor = _floor_client("ListModelPackages", capture(client, "ListModelPackages", packages))
        report["list_floor"] = _timed(lambda: floor.list_model_packages(ModelPackageGroupName="g", MaxResults=PAGE),
                                      rounds)
        report["package_kib_indexed"] = round((_rss_kib() - base) / resources, 2)
        token = _deep_token(packages, deep)
        report["deep"] = _timed(lambda: packages(NextToken=token), rounds)
        report["write"] = _timed(write, rounds)
        report["after_write"] = _timed(packages, rounds, before=write)
        def search(**extra: Any) -> Any:
            return client.search(Resource="ModelPackage", MaxResults=PAGE, **extra)

        report["search_first"] = _timed(search, rounds)
        search_token = _deep_token(search, deep)
        report["search_deep"] = _timed(lambda: search(NextToken=search_token), rounds)
        report["search_after_write"] = _timed(search, rounds, before=write)
        floor = _floor_client("Search", capture(client, "Search",
                                                lambda: client.search(Resource="ModelPackage", MaxResults=PAGE)))
        report["search_floor"] = _timed(lambda: floor.search(Resource="ModelPackage", MaxResults=PAGE), rounds)

        base = _rss_kib()
        started = time.perf_counter()
        for number in range(resources):
            client.create_model(ModelName=f"m-{number}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
        report["seed_models_s"] = round(time.perf_counter() - started, 1)
        made = iter(range(resources, 10**9))

        def models(**extra: Any) -> Any:
            return client.list_models(MaxResults=PAGE, **extra)

        def create() -> None:
            client.create_model(ModelName=f"m-{next(made)}", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})

        report["models_first"] = _timed(models, rounds)
        report["model_kib_indexed"] = round((_rss_kib() - base) / resources, 2)
        model_token = _deep_token(models, deep)
        report["models_deep"] = _timed(lambda: models(NextToken=model_token), rounds)
        report["models_after_write"] = _timed(models, rounds, before=create)
    return report


FIGURES = (("first", "ListModelPackages, first page"), ("deep", "ListModelPackages, deep page"),
           ("after_write", "ListModelPackages, first page after a write"),
           ("list_floor", "  its floor (botocore alone, same answer)"),
           ("write", "UpdateModelPackage (the write)"),
           ("search_first", "Search ModelPackage, first page"), ("search_deep", "Search ModelPackage, deep page"),
           ("search_after_write", "Search ModelPackage, first page after a write"),
           ("search_floor", "  its floor (botocore alone, same answer)"),
           ("models_first", "ListModels, first page"), ("models_deep", "ListModels, deep page"),
           ("models_after_write", "ListModels, first page after a CreateModel"))


def table(report: dict[str, Any]) -> str:
    lines = [f"{report['resources']:,} model packages in one group, and as many models; a page of {PAGE}; "
             f"the deep page is page {report['deep_page']:,}",
             f"{'':<46} {'median ms':>10} {'p90 ms':>8}"]
    for key, label in FIGURES:
        lines.append(f"{label:<46} {report[key]['median_ms']:>10.2f} {report[key]['p90_ms']:>8.2f}")
    lines.append(f"memory per model package: {report['package_kib']:.2f} KiB "
                 f"({report['package_kib_indexed']:.2f} KiB with the first List's indexes); "
                 f"per model: {report['model_kib_indexed']:.2f} KiB")
    lines.append(f"seeding: {report['seed_packages_s']} s (packages), {report['seed_models_s']} s (models)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="List pages among many resources, and memory per resource.")
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--quick", action="store_true", help="1,000 resources, 5 rounds (a smoke run)")
    parser.add_argument("--deep-page", type=int, help="the deep page's number (default: three quarters through); "
                        "walking to it costs as many pages, which an older sagemock makes slow")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    resources, rounds = (1000, 5) if args.quick else (args.resources, args.rounds)
    report = measure(resources, rounds, None if args.deep_page is None else args.deep_page - 1)
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
