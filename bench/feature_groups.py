#!/usr/bin/env python
"""What a feature group call costs under sagemock (issue 14's speed targets for declared families).

Usage:
    python bench/feature_groups.py            # full run (10,000 groups and packages; about a minute)
    python bench/feature_groups.py --quick    # a few seconds; figures are rough
    python bench/feature_groups.py --json     # the results as JSON on stdout

Timed, through boto3 clients, with bench/run.py's method (interleaved rounds, medians in us):

    describe      DescribeFeatureGroup of a group with 20 features, against the floor: botocore
                  alone answering the very bytes sagemock answered (target: at most 1.15x)
    list          ListFeatureGroups, MaxResults=100, the first page among N groups (a declared
                  resource), against ListModelPackages, MaxResults=100, the first page among N
                  versions of one group (a hand-written family) (target: at most 2x)
    create        CreateFeatureGroup into a store already holding N groups (no target: reported so
                  the cost of the per-create quota check, a scan of the store, is seen)
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import run  # noqa: E402  (bench/run.py: its plan, timing and clients)

from sagemock import mock_sagemaker  # noqa: E402

DESCRIBE_TARGET = 1.15
LIST_TARGET = 2.0
GROUPS, GROUPS_QUICK = 10_000, 1_000
ROLE = "arn:aws:iam::123456789012:role/bench"
FEATURES = [{"FeatureName": "id", "FeatureType": "String"}, {"FeatureName": "event_time", "FeatureType": "Fractional"},
            *({"FeatureName": f"feature_{index}", "FeatureType": "Integral"} for index in range(18))]


def request(name: str) -> dict[str, Any]:
    return {"FeatureGroupName": name, "RecordIdentifierFeatureName": "id", "EventTimeFeatureName": "event_time",
            "FeatureDefinitions": FEATURES, "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://bench/fs"}},
            "RoleArn": ROLE}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    plan = run.Plan(args.quick)
    count = GROUPS_QUICK if args.quick else GROUPS
    setups = run.Setups(use_moto=False)
    with mock_sagemaker(strict=False):
        groups = setups.client(run.READ_REGION, "sagemock")
        packages = setups.client(run.SEARCH_REGION, "sagemock")
        writes = setups.client(run.WRITE_REGION, "sagemock")
        run.log(f"seeding {count} feature groups and {count} model packages ...")
        for index in range(count):
            groups.create_feature_group(**request(f"group-{index:05d}"))
        packages.create_model_package_group(ModelPackageGroupName="bench-list")
        for _ in range(count):
            packages.create_model_package(ModelPackageGroupName="bench-list", InferenceSpecification=run.INFERENCE)
        for index in range(count):
            writes.create_feature_group(**request(f"seed-{index:05d}"))
        describe = functools.partial(groups.describe_feature_group, FeatureGroupName="group-00042")
        floor_client = setups.client(run.READ_REGION, "floor")
        floor_client.meta.events.register("before-send.sagemaker.DescribeFeatureGroup",
                                          run.canned(run.capture(groups, "DescribeFeatureGroup", describe)))
        floor = functools.partial(floor_client.describe_feature_group, FeatureGroupName="group-00042")
        declared = functools.partial(groups.list_feature_groups, MaxResults=run.PAGE)
        hand_written = functools.partial(packages.list_model_packages, ModelPackageGroupName="bench-list",
                                         MaxResults=run.PAGE)
        assert len(declared()["FeatureGroupSummaries"]) == run.PAGE
        assert len(hand_written()["ModelPackageSummaryList"]) == run.PAGE
        names = (f"new-{index:06d}" for index in range(10**6))
        create = functools.partial(lambda: writes.create_feature_group(**request(next(names))))
        run.log("timing DescribeFeatureGroup ...")
        described = run.measure({"floor": floor, "sagemock": describe}, plan)
        run.log("timing list pages ...")
        listed = run.measure({"ListModelPackages": hand_written, "ListFeatureGroups": declared}, plan)
        run.log("timing CreateFeatureGroup ...")
        created = run.measure({"sagemock": create}, plan)
    report = {
        "groups": count,
        "describe": {**described, "ratio": round(described["sagemock"]["median_us"] / described["floor"]["median_us"],
                                                 2), "target": DESCRIBE_TARGET},
        "list": {**listed, "ratio": round(listed["ListFeatureGroups"]["median_us"]
                                          / listed["ListModelPackages"]["median_us"], 2), "target": LIST_TARGET},
        "create": created,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"among {count:,} feature groups (and {count:,} model packages); medians, p90 in us")
    print(f"DescribeFeatureGroup  floor {described['floor']['median_us']:>9}  sagemock "
          f"{described['sagemock']['median_us']:>9} (p90 {described['sagemock']['p90_us']})  "
          f"ratio {report['describe']['ratio']} (target <= {DESCRIBE_TARGET})")
    print(f"list page of 100      ListModelPackages {listed['ListModelPackages']['median_us']:>9}  ListFeatureGroups "
          f"{listed['ListFeatureGroups']['median_us']:>9}  ratio {report['list']['ratio']} (target <= {LIST_TARGET})")
    print(f"CreateFeatureGroup    sagemock {created['sagemock']['median_us']:>9} (p90 {created['sagemock']['p90_us']})")


if __name__ == "__main__":
    main()
