#!/usr/bin/env python
"""What a declared resource's calls cost under sagemock (issue 14's speed targets), for every one.

Usage:
    python bench/declared.py            # full run (10,000 of each resource; a few minutes)
    python bench/declared.py --quick    # 500 of each; figures are rough
    python bench/declared.py --json     # the results as JSON on stdout
    python bench/declared.py --only ProcessingJob --only TransformJob
    python bench/declared.py --cpu      # time calls in the thread's CPU time (a shared, busy machine)

Every declared resource (`sagemock.core.resource.RESOURCES`) is seeded N times from its own
example request (the contract tests' and the fuzz world's), then timed through boto3 clients with
bench/run.py's method (interleaved rounds, medians in us):

    describe   its Describe (or Get) of one resource, against the floor: botocore alone answering
               the very bytes sagemock answered (target: at most 1.15x)
    list       its List, MaxResults=100, the first page among N, against ListModelPackages,
               MaxResults=100, the first page among N versions of one group (a hand-written family)
               (target: at most 2x); beside it, the list's floor (botocore alone answering the very
               bytes sagemock answered) against the same hand-written page: what botocore alone
               spends on the resource's page (its summaries' members, their timestamps), which no
               change to sagemock can take off
    own        sagemock's own part of each page, measured inside it: the thread's CPU time within
               `dispatch.handle` (parse, validate, the List, shaping, encoding), median of OWN_CALLS
               calls, against the hand-written page's; then per kilobyte of the answer's body against
               the hand-written page's per kilobyte: the same amount of page (target: at most 2x).
               Shaping and encoding (`shape.output`, the JSON encoder), which every family shares, cost
               in proportion to what a page holds, and pages differ: a training plan's summary is three
               times a model package's. The JSON gives each part.

Each resource gets a store of its own (a region, then the regions again in a second account), so one
resource's store never slows another's calls.
"""
from __future__ import annotations

import argparse
import copy
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import boto3  # noqa: E402
import run  # noqa: E402  (bench/run.py: its plan, timing and clients)
from botocore import xform_name  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from sagemock import mock_sagemaker  # noqa: E402
from sagemock.core import backend, dispatch, protocol, service, shape  # noqa: E402
from sagemock.core.resource import RESOURCES, Resource, resolve  # noqa: E402

DESCRIBE_TARGET = 1.15
LIST_TARGET = 2.0
COUNT, COUNT_QUICK = 10_000, 500
#: Regions for the resources, one each (and the hand-written family's list in the first): the regions
#: the installed botocore knows SageMaker in, us-east-1 aside, so the list grows with the model.
REGIONS = tuple(region for region in boto3.session.Session().get_available_regions("sagemaker")
                if region != "us-east-1")
#: Where each resource is seeded: a region of its own, then the regions again in a second account
#: (a 12-digit access key names the mock's account), so the places grow with the model's regions.
PLACES = tuple((region, None) for region in REGIONS[1:]) + tuple((region, "210987654321") for region in REGIONS[1:])


def _named(resource: Resource, index: int, answers: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The resource's example request, under a name of its own."""
    request: dict[str, Any] = resolve(copy.deepcopy(dict(resource.example)), answers)
    name = resource.named_by or resource.bound.name
    member = service.operation(resource.bound.operations["Create"]).input_shape.members[name]
    longest = member.metadata.get("max", 63)  # a tuning job's name is at most 32 characters
    return resource.renamed(request, f"{str(request[name])[:min(40, longest - 7)]}-{index:06d}")


def _seed(client: Any, resource: Resource, count: int) -> Callable[[], Any]:
    """N of the resource in the client's region; the Describe of one of them."""
    answers: dict[str, dict[str, Any]] = {}
    for operation, params in resource.example_needs:
        answers[operation] = getattr(client, xform_name(operation))(**resolve(params, answers))
    bound = resource.bound
    create = getattr(client, xform_name(bound.operations["Create"]))
    key: dict[str, Any] = {}
    for index in range(count):
        request = _named(resource, index, answers)
        answer = create(**request)
        if index == count // 2:
            key = bound.made_key(request, answer)
    verb = "Describe" if "Describe" in bound.operations else "Get"
    describe = getattr(client, xform_name(bound.operations[verb]))
    return functools.partial(describe, **key)


#: Calls timed from inside sagemock for its own part of a List page (`own_parts`), in rounds.
OWN_CALLS, OWN_ROUNDS = 40, 4


def own_parts(calls: dict[str, Callable[[], Any]], rounds: int = OWN_ROUNDS,
              per_round: int = OWN_CALLS // OWN_ROUNDS) -> dict[str, dict[str, float]]:
    """sagemock's own part of each call, timed from inside it (the calling thread's CPU time, medians,
    the calls interleaved in rounds as `run.measure` does): all of it (`dispatch.handle`), the
    shaping and encoding of the answer within it, and the answer's body in bytes. The timers wrap the
    module functions for these calls only."""
    spent: dict[str, list[int]] = {"own": [], "shaping": [], "bytes": []}
    found = {name: {"own": [], "shaping": [], "bytes": []} for name in calls}
    clock = time.thread_time_ns
    originals = dispatch.handle, shape.output, protocol._encoded

    handle, output = run.timing(originals[0], spent["own"], clock), run.timing(originals[1], spent["shaping"], clock)

    def encoded(payload: Any) -> bytes:
        start = clock()
        try:
            body: bytes = originals[2](payload)
            spent["bytes"].append(len(body))
            return body
        finally:
            spent["shaping"][-1] += clock() - start

    dispatch.handle, shape.output, protocol._encoded = handle, output, encoded
    try:
        for _ in range(rounds):
            for name, call in calls.items():
                for _ in range(per_round):
                    call()
                for part, values in spent.items():
                    found[name][part] += values
                    values.clear()
    finally:
        dispatch.handle, shape.output, protocol._encoded = originals
    return {name: {"own_us": round(statistics.median(parts["own"]) / 1000, 1),
                   "shaping_us": round(statistics.median(parts["shaping"]) / 1000, 1),
                   "bytes": statistics.median(parts["bytes"])} for name, parts in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", action="append", default=[], help="a resource noun (repeatable)")
    parser.add_argument("--cpu", action="store_true", help="time in the calling thread's CPU time, not wall-clock")
    args = parser.parse_args()
    if args.cpu:
        run.CLOCK = time.thread_time_ns
    plan = run.Plan(args.quick)
    count = COUNT_QUICK if args.quick else COUNT
    backend.load_all()
    nouns = sorted(args.only or RESOURCES)
    if len(nouns) > len(PLACES):
        raise SystemExit(f"bench/declared.py: {len(nouns)} resources but {len(PLACES)} places: add an account")
    setups = run.Setups(use_moto=False)
    report: dict[str, Any] = {"count": count, "clock": "thread CPU time" if args.cpu else "wall-clock",
                              "resources": {}}
    with mock_sagemaker(strict=False):
        packages = setups.client(REGIONS[0], "sagemock")
        run.log(f"seeding {count} model packages ...")
        packages.create_model_package_group(ModelPackageGroupName="bench-list")
        for _ in range(count):
            packages.create_model_package(ModelPackageGroupName="bench-list", InferenceSpecification=run.INFERENCE)
        hand_written = functools.partial(packages.list_model_packages, ModelPackageGroupName="bench-list",
                                         MaxResults=run.PAGE)
        # Its floor: botocore alone answering the same bytes, unsigned as sagemock's requests are, so
        # that what sagemock itself spends on a page can be told from what botocore spends parsing it.
        hand_floor_client = setups.client(REGIONS[0], "unsigned floor")
        hand_floor_client.meta.events.register("before-send.sagemaker.ListModelPackages",
                                               run.canned(run.capture(packages, "ListModelPackages", hand_written)))
        hand_floor = functools.partial(hand_floor_client.list_model_packages, **hand_written.keywords)
        # The same measure of a hand-written family's Describe, so the engine's share can be told
        # from what every mocked call costs.
        group = functools.partial(packages.describe_model_package_group, ModelPackageGroupName="bench-list")
        group_floor = setups.client(REGIONS[0], "floor")
        group_floor.meta.events.register("before-send.sagemaker.DescribeModelPackageGroup",
                                         run.canned(run.capture(packages, "DescribeModelPackageGroup", group)))
        run.log("timing the hand-written DescribeModelPackageGroup ...")
        floor = functools.partial(group_floor.describe_model_package_group, ModelPackageGroupName="bench-list")
        # sagemock's requests are not signed: against a floor that signs nothing either, its own cost.
        unsigned_floor = setups.client(REGIONS[0], "unsigned floor")
        unsigned_floor.meta.events.register("before-send.sagemaker.DescribeModelPackageGroup",
                                            run.canned(run.capture(packages, "DescribeModelPackageGroup", group)))
        unsigned = functools.partial(unsigned_floor.describe_model_package_group, ModelPackageGroupName="bench-list")
        measured = run.measure({"floor": floor, "unsigned floor": unsigned, "sagemock": group}, plan)
        report["hand-written describe"] = {
            **measured, "operation": "DescribeModelPackageGroup",
            "ratio": round(measured["sagemock"]["median_us"] / measured["floor"]["median_us"], 2),
            "own_ratio": round(measured["sagemock"]["median_us"] / measured["unsigned floor"]["median_us"], 2)}
        for noun, (region, account) in zip(nouns, PLACES[:len(nouns)], strict=True):
            resource = RESOURCES[noun]
            if resource.most is not None and resource.most < count:  # one workforce a region, 25 work teams
                report.setdefault("skipped", {})[noun] = f"a region holds at most {resource.most}"
                run.log(f"skipped {noun}: a region holds at most {resource.most}, not {count}")
                continue
            client = setups.client(region, "sagemock", account)
            run.log(f"seeding {count} of {noun} ...")
            try:
                describe = _seed(client, resource, count)
            except ClientError as error:  # an example naming us-east-1's resources by ARN (a flow definition's team)
                report.setdefault("skipped", {})[noun] = str(error)
                run.log(f"skipped {noun}: its example cannot be made in {region}: {error}")
                continue
            operation = resource.bound.operations.get("Describe") or resource.bound.operations["Get"]
            floor_client = setups.client(region, "floor", account)
            floor_client.meta.events.register(f"before-send.sagemaker.{operation}",
                                              run.canned(run.capture(client, operation, describe)))
            floor = functools.partial(getattr(floor_client, xform_name(operation)), **describe.keywords)
            listing = getattr(client, xform_name(resource.list_operation or f"List{noun}s"))
            # A List that requires the scope (ListJobs' JobCategory) lists within the example's.
            scoped = resource.bound.list_request(resource.example)
            declared = functools.partial(listing, MaxResults=run.PAGE, **scoped)
            assert len(declared()[resource.bound.list_member]) == run.PAGE
            list_operation = resource.list_operation or f"List{noun}s"
            list_floor_client = setups.client(region, "unsigned floor", account)
            list_floor_client.meta.events.register(f"before-send.sagemaker.{list_operation}",
                                                   run.canned(run.capture(client, list_operation, declared)))
            list_floor = functools.partial(getattr(list_floor_client, listing.__name__), **declared.keywords)
            run.log(f"timing {noun} ...")
            described = run.measure({"floor": floor, "sagemock": describe}, plan)
            listed = run.measure({"hand-written": hand_written, "declared": declared, "floor": list_floor,
                                  "hand-written floor": hand_floor}, plan)
            # (The hand-written page's own part beside it each time: the process grows as resources are
            # seeded, and a larger heap slows every page a little.)
            parts = own_parts({"hand-written": hand_written, "declared": declared})
            part, hand_part = parts["declared"], parts["hand-written"]
            per_kb, hand_per_kb = (part["own_us"] / part["bytes"], hand_part["own_us"] / hand_part["bytes"])
            report["resources"][noun] = {
                "describe": {**described, "operation": operation, "target": DESCRIBE_TARGET,
                             "ratio": round(described["sagemock"]["median_us"] / described["floor"]["median_us"], 2)},
                "list": {**listed, "operation": listing.__name__, "target": LIST_TARGET,
                         "ratio": round(listed["declared"]["median_us"] / listed["hand-written"]["median_us"], 2),
                         "floor_ratio": round(listed["floor"]["median_us"] / listed["hand-written"]["median_us"], 2),
                         "own": {**part, "hand-written": hand_part,
                                 "ratio": round(part["own_us"] / hand_part["own_us"], 2),
                                 "per_kb_ratio": round(per_kb / hand_per_kb, 2)}},
            }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"among {count:,} of each resource; medians in us ({report['clock']}); list pages against "
          f"ListModelPackages among {count:,} versions")
    print(f"{'resource':<16} {'describe':>9} {'floor':>9} {'ratio':>6}   {'list':>9} {'hand':>9} {'ratio':>6}"
          f"   {'floor':>9} {'ratio':>6}   {'own':>7} {'ratio':>6} {'KiB':>5} {'/KiB':>5}")
    for noun, figures in report["resources"].items():
        described, listed = figures["describe"], figures["list"]
        print(f"{noun:<16} {described['sagemock']['median_us']:>9} {described['floor']['median_us']:>9} "
              f"{described['ratio']:>6}   {listed['declared']['median_us']:>9} {listed['hand-written']['median_us']:>9} "
              f"{listed['ratio']:>6}   {listed['floor']['median_us']:>9} {listed['floor_ratio']:>6}   "
              f"{listed['own']['own_us']:>7} {listed['own']['ratio']:>6} {listed['own']['bytes'] / 1024:>5.1f} "
              f"{listed['own']['per_kb_ratio']:>5}")
    for noun, why in report.get("skipped", {}).items():
        print(f"{noun:<16} skipped: {why}")
    reference = report["hand-written describe"]
    print(f"{'(hand-written) DescribeModelPackageGroup':<16} {reference['sagemock']['median_us']:>9} "
          f"{reference['floor']['median_us']:>9} {reference['ratio']:>6}")
    print(f"  against an unsigned floor ({reference['unsigned floor']['median_us']} us), sagemock's own cost: "
          f"{reference['own_ratio']}x")
    hands = [figures["list"]["own"]["hand-written"] for figures in report["resources"].values()]
    if hands:
        print(f"  the hand-written page's own part: {min(h['own_us'] for h in hands)}-{max(h['own_us'] for h in hands)} "
              f"us for {hands[0]['bytes'] / 1024:.1f} KiB (timed beside each resource's)")
    print(f"targets: describe <= {DESCRIBE_TARGET}x the floor; sagemock's own part of a list page <= {LIST_TARGET}x "
          "the hand-written page's for the same amount of page (/KiB). Columns after the list's: its floor "
          "(botocore alone, unsigned) and that against the hand-written page; then sagemock's own part of the "
          "page (thread CPU inside it), that against the hand-written page's, the page's size, and the own part "
          "per KiB against the hand-written page's")


if __name__ == "__main__":
    main()
