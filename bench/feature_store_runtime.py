#!/usr/bin/env python
"""What PutRecord and GetRecord cost under sagemock against botocore's own floor, and whether
GetRecord stays flat as a feature group grows (issue 17: each at most 1.3x its floor; GetRecord flat
to 100,000 records).

Usage:
    python bench/feature_store_runtime.py           # about a minute; prints the medians and ratios
    python bench/feature_store_runtime.py --quick   # a few seconds; rough figures, 2,000 records
    python bench/feature_store_runtime.py --json    # the results as JSON

The method is bench/runtime.py's. `floor`: botocore alone, a `before-send` handler on the client
returns a pre-built AWSResponse holding exactly the bytes sagemock answered for the call (captured
once): it pays for validation, serialisation, endpoint resolution, signing and parsing, but for no
mock work (`run.captured_floor`). `sagemock`: the mock active, the group holding 100 records, then
grown through PutRecord to 100,000 for GetRecord. Timing is bench/run.py's `measure` (warm-up,
interleaved rounds); figures are medians and 90th percentiles in microseconds per call.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from typing import Any

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import run  # noqa: E402  (bench/run.py: the floor captured from sagemock's answer)

from sagemock import mock_sagemaker  # noqa: E402

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "123456789012", "aws_secret_access_key": "bench"}
SERVICE = "sagemaker-featurestore-runtime"
TARGET = 1.3  # issue 17: PutRecord/GetRecord cost at most 1.3x their floor
FLAT = 1.3  # GetRecord among 100,000 records: at most this much slower than among 100 (noise allowed)
FEATURES = [{"FeatureName": "customer_id", "FeatureType": "String"},
            {"FeatureName": "event_time", "FeatureType": "Fractional"},
            *({"FeatureName": f"f{index}", "FeatureType": "Fractional"} for index in range(8))]


def values(customer: str, event_time: float) -> list[dict[str, str]]:
    return [{"FeatureName": "customer_id", "ValueAsString": customer},
            {"FeatureName": "event_time", "ValueAsString": repr(event_time)},
            *({"FeatureName": f"f{index}", "ValueAsString": f"{index}.5"} for index in range(8))]


def client() -> Any:
    return boto3.client(SERVICE, region_name=REGION, **CREDENTIALS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    plan = run.Plan(options.quick)
    large = 2_000 if options.quick else 100_000

    mock = mock_sagemaker()
    mock.start()
    sm = boto3.client("sagemaker", region_name=REGION, **CREDENTIALS)
    sm.create_feature_group(FeatureGroupName="bench", RecordIdentifierFeatureName="customer_id",
                            EventTimeFeatureName="event_time", FeatureDefinitions=FEATURES,
                            OnlineStoreConfig={"EnableOnlineStore": True})
    records = client()
    for index in range(100):
        records.put_record(FeatureGroupName="bench", Record=values(f"c-{index}", 1_700_000_000.0))
    clock = iter(range(1, 10**9))

    def put(target: Any) -> None:  # each put is newer than the last: it always replaces the record
        target.put_record(FeatureGroupName="bench", Record=values("c-1", 1_700_000_000.0 + next(clock)))

    def get(target: Any) -> None:
        target.get_record(FeatureGroupName="bench", RecordIdentifierValueAsString="c-7")

    report: dict[str, Any] = {}
    for operation, call in (("PutRecord", put), ("GetRecord", get)):
        floor = run.captured_floor(client, SERVICE, operation, call)
        results = run.measure({"floor": functools.partial(call, floor), "sagemock": functools.partial(call, records)},
                              plan)
        ratio = results["sagemock"]["median_us"] / results["floor"]["median_us"]
        report[operation] = {**results, "ratio": ratio, "target": TARGET}

    # Grow the group to `large` records through PutRecord itself, then time GetRecord again.
    for index in range(100, large):
        records.put_record(FeatureGroupName="bench", Record=values(f"c-{index}", 1_700_000_000.0))
    grown = run.measure({"sagemock": functools.partial(get, records)}, plan)["sagemock"]
    flat = grown["median_us"] / report["GetRecord"]["sagemock"]["median_us"]
    report["GetRecord_large"] = {"records": large, "sagemock": grown, "ratio_to_small": flat, "target": FLAT}
    mock.stop()

    if options.json:
        print(json.dumps(report, indent=2))
        return
    for operation in ("PutRecord", "GetRecord"):
        found = report[operation]
        print(f"{operation}: floor {found['floor']['median_us']:.1f} us, sagemock {found['sagemock']['median_us']:.1f}"
              f" us (p90 {found['sagemock']['p90_us']:.1f}): {found['ratio']:.2f}x the floor (target <= {TARGET}x)")
    print(f"GetRecord among {large:,} records: {grown['median_us']:.1f} us, {flat:.2f}x the figure among 100 "
          f"(target <= {FLAT}x)")


if __name__ == "__main__":
    main()
