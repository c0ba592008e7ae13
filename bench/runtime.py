#!/usr/bin/env python
"""What an InvokeEndpoint costs under sagemock against botocore's own floor for the same call.

Usage:
    python bench/runtime.py           # about 20 s; prints the medians and the ratio
    python bench/runtime.py --quick   # a few seconds; rough figures
    python bench/runtime.py --json    # the results as JSON

The method is bench/run.py's. `floor`: botocore alone, a `before-send.sagemaker-runtime.InvokeEndpoint`
handler on the client returns a pre-built AWSResponse holding exactly the bytes sagemock answered
(captured once): it pays for validation, serialisation, endpoint resolution, signing and parsing,
but for no mock work. `sagemock`: the mock active, the endpoint answering canned bytes registered
with `set_endpoint_response`. Calls are timed one by one with perf_counter_ns after a warm-up, the
setups interleaved in rounds; figures are medians and 90th percentiles in microseconds per call.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from typing import Any

try:
    import sagemock
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import sagemock  # noqa: F401

import boto3

from sagemock import mock_sagemaker

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: the floor's canned answer, shared)

REGION = "us-east-1"
CREDENTIALS = {"aws_access_key_id": "123456789012", "aws_secret_access_key": "bench"}
ROLE = "arn:aws:iam::123456789012:role/bench"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:1"
BODY = b'{"instances": [[1.0, 2.0, 3.0]]}'
ANSWER = b'{"predictions": [0.93]}'
TARGET = 1.3  # issue 17: an InvokeEndpoint with a canned answer costs at most 1.3x the floor


def client() -> Any:
    found = boto3.client("sagemaker-runtime", region_name=REGION, **CREDENTIALS)
    return found


def invoke(runtime: Any) -> None:
    runtime.invoke_endpoint(EndpointName="bench", Body=BODY, ContentType="application/json")["Body"].read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    rounds, per_round, warmup = (2, 100, 20) if options.quick else (10, 400, 100)

    mock = mock_sagemaker()
    mock.start()
    sm = boto3.client("sagemaker", region_name=REGION, **CREDENTIALS)
    sm.create_model(ModelName="bench", ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_endpoint_config(EndpointConfigName="bench", ProductionVariants=[
        {"VariantName": "AllTraffic", "ModelName": "bench", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
    sm.create_endpoint(EndpointName="bench", EndpointConfigName="bench")
    mock.set_endpoint_response("bench", (ANSWER, "application/json"))

    mocked = client()
    invoke(mocked)
    floor_client = run.captured_floor(client, "sagemaker-runtime", "InvokeEndpoint", invoke)

    samples: dict[str, list[int]] = {"floor": [], "sagemock": []}
    calls = {"floor": floor_client, "sagemock": mocked}
    for runtime in calls.values():
        for _ in range(warmup):
            invoke(runtime)
    gc.collect()
    for _ in range(rounds):
        for name, runtime in calls.items():
            out = samples[name]
            for _ in range(per_round):
                start = time.perf_counter_ns()
                invoke(runtime)
                out.append(time.perf_counter_ns() - start)
    mock.stop()

    def figures(values: list[int]) -> dict[str, float]:
        ordered = sorted(values)
        return {"median_us": statistics.median(ordered) / 1000, "p90_us": ordered[int(len(ordered) * 0.9)] / 1000,
                "n": len(ordered)}

    results = {name: figures(values) for name, values in samples.items()}
    ratio = results["sagemock"]["median_us"] / results["floor"]["median_us"]
    report = {"InvokeEndpoint": results, "ratio": ratio, "target": TARGET}
    if options.json:
        print(json.dumps(report, indent=2))
        return
    for name, found in results.items():
        print(f"{name:9} median {found['median_us']:8.1f} us   p90 {found['p90_us']:8.1f} us   n={found['n']}")
    print(f"ratio {ratio:.2f}x the floor (target <= {TARGET}x)")


if __name__ == "__main__":
    main()
