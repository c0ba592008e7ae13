#!/usr/bin/env python
"""Where sagemock's own time goes on the describe path (DescribeModelPackageGroup).

    python bench/profile_describe.py            # stage timings + cProfile of sagemock's own code
    python bench/profile_describe.py --pyinstrument   # also a pyinstrument tree (if installed)

1. End to end: a boto3 describe through sagemock vs. the same call answered by a canned response
   (the floor, as in bench/run.py); the difference is the mock's cost.
2. Stage by stage: each step of the interception hook and of `dispatch.handle`, timed alone on
   the request botocore actually sends, so the difference in 1. can be attributed.
3. cProfile of many describes, restricted to sagemock's files (tottime and cumtime).

This is a diagnostic for developers, not part of the benchmark run; it needs nothing beyond
sagemock's own dependencies (pyinstrument only with --pyinstrument).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (bench/run.py: clients, canned responses)
from botocore.awsrequest import AWSResponse  # noqa: E402

from sagemock import mock_sagemaker  # noqa: E402
from sagemock.core import backend, context, dispatch, identity, intercept, protocol, service, shape, validate  # noqa: E402


def median_us(fn: Callable[[], Any], n: int) -> float:
    for _ in range(min(200, n)):
        fn()
    samples = []
    clock = time.perf_counter_ns
    for _ in range(n):
        start = clock()
        fn()
        samples.append(clock() - start)
    samples.sort()
    return samples[len(samples) // 2] / 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3000)
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()
    n = args.n

    setups = run.Setups(use_moto=False)
    mock = mock_sagemaker(strict=False)
    mock.start()
    read = setups.client(run.READ_REGION, "sagemock")
    read.create_model_package_group(ModelPackageGroupName=run.GROUP)
    describe = lambda: read.describe_model_package_group(ModelPackageGroupName=run.GROUP)  # noqa: E731
    floor_client = setups.client(run.READ_REGION, "floor")
    canned = run.capture(read, "DescribeModelPackageGroup", describe)
    floor_client.meta.events.register("before-send.sagemaker.DescribeModelPackageGroup", run.canned(canned))
    floor = lambda: floor_client.describe_model_package_group(ModelPackageGroupName=run.GROUP)  # noqa: E731
    # sagemock's requests are not signed: the same floor without a signature shows the mock's own cost.
    unsigned_client = setups.client(run.READ_REGION, "unsigned floor")
    unsigned_client.meta.events.register("before-send.sagemaker.DescribeModelPackageGroup", run.canned(canned))
    unsigned = lambda: unsigned_client.describe_model_package_group(ModelPackageGroupName=run.GROUP)  # noqa: E731

    # The request exactly as botocore hands it to the hook.
    seen: dict[str, Any] = {}

    def grab(request: Any, **_kwargs: Any) -> None:
        seen["request"] = request

    read.meta.events.register_first("before-send.sagemaker.DescribeModelPackageGroup", grab)
    describe()
    read.meta.events.unregister("before-send.sagemaker.DescribeModelPackageGroup", grab)
    request = seen["request"]
    body, headers, url = request.body, request.headers, request.url
    state = intercept.active[0]
    op = "DescribeModelPackageGroup"
    op_model = service.operation(op)
    params = protocol.parse_body(body)
    store = state.store("123456789012", "us-east-1")
    cls, method = backend.lookup(op)
    ctx = context.Context(state, store, op, "AKIA", {}, state.clock.now())
    document = method(store.backend(cls), params, ctx)
    out = shape.output(op_model.output_shape, document, False)
    try:  # request_id takes the mock's random source in newer sagemock
        protocol.request_id(state.random)
        new_request_id = lambda: protocol.request_id(state.random)  # noqa: E731
    except TypeError:
        new_request_id = protocol.request_id
    rid = new_request_id()
    rendered = protocol.render(out, rid)

    print(f"end to end, median of {n} calls (us):")
    e2e_mock, e2e_floor, e2e_unsigned = median_us(describe, n), median_us(floor, n), median_us(unsigned, n)
    print(f"  sagemock {e2e_mock:8.1f}   floor {e2e_floor:8.1f}   difference {e2e_mock - e2e_floor:6.1f}"
          f"   ratio {e2e_mock / e2e_floor:.2f}x")
    print(f"  against the unsigned floor {e2e_unsigned:8.1f} (sagemock's own cost)   difference "
          f"{e2e_mock - e2e_unsigned:6.1f}   ratio {e2e_mock / e2e_unsigned:.2f}x")

    def hook_body() -> None:  # what intercept.before_send does, minus dispatch
        response = AWSResponse(url, 200, rendered[1], run._Body(rendered[2]))
        response._content = rendered[2]

    stages: list[tuple[str, Callable[[], Any]]] = [
        ("intercept.before_send (whole hook)",
         lambda: intercept.before_send(_Req(body, headers, url), event_name="before-send.sagemaker." + op)),
        ("  dispatch.handle", lambda: dispatch.handle(state, op, body, headers, url)),
        ("    protocol.request_id", new_request_id),
        ("    backend.lookup (xform_name)", lambda: backend.lookup(op)),
        ("    service.operation (lru_cache)", lambda: service.operation(op)),
        ("    protocol.parse_body (json.loads)", lambda: protocol.parse_body(body)),
        ("    validate.request", lambda: validate.request(op_model, dict(params))),
        ("    context.credential_scope", lambda: context.credential_scope(headers)),
        ("    identity.account_for + state.store", lambda: state.store(identity.account_for("AKIA", "123456789012"),
                                                                        "us-east-1")),
        ("    store.lock acquire/release", lambda: store.lock.__enter__() or store.lock.__exit__(None, None, None)),
        ("    clock.now", state.clock.now),
        ("    Context(...)", lambda: context.Context(state, store, op, "AKIA", {}, ctx.now)),
        ("    backend method (describe_model_package_group)", lambda: method(store.backend(cls), params, ctx)),
        ("    shape.output", lambda: shape.output(op_model.output_shape, document, False)),
        ("    protocol.render (json dumps + headers)", lambda: protocol.render(out, rid)),
        ("  AWSResponse(...) in the hook", hook_body),
    ]
    print("\nstage by stage, median (us):")
    for label, fn in stages:
        print(f"  {label:<55}{median_us(fn, n):8.2f}")

    print("\nin situ (each stage wrapped with a timer while real describes run; wrappers add ~0.1 us), median (us):")
    for label, value in in_situ(describe, n):
        print(f"  {label:<55}{value:8.2f}")

    print(f"\ncProfile of {n} sagemock describes, sagemock's own functions (sorted by tottime):")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        describe()
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats("sagemock", 25)
    print(stream.getvalue())
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(20)
    print("all functions, top 20 by tottime:")
    print(stream.getvalue())

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler2 = Profiler(interval=0.0001)
        profiler2.start()
        for _ in range(n):
            describe()
        profiler2.stop()
        print(profiler2.output_text(unicode=False, color=False, show_all=False))
    mock.stop()


def in_situ(describe: Callable[[], Any], n: int) -> list[tuple[str, float]]:
    """Time each stage of the hook inside real describes: botocore's work between them leaves the
    caches colder than a stage timed alone in a loop, so these are the figures that add up."""
    from sagemock.core import state as state_module

    samples: dict[str, list[int]] = {}
    restore: list[tuple[Any, str, Any]] = []
    clock = time.perf_counter_ns

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        restore.append((owner, name, original))
        setattr(owner, name, run.timing(original, samples.setdefault(label, []), clock))

    wrap(dispatch, "handle", "  dispatch.handle")
    wrap(protocol, "request_id", "    protocol.request_id")
    wrap(backend, "lookup", "    backend.lookup")
    wrap(service, "operation", "    service.operation")
    wrap(protocol, "parse_body", "    protocol.parse_body")
    wrap(validate, "request", "    validate.request")
    wrap(dispatch, "credential_scope", "    credential_scope (Authorization header)")
    wrap(state_module.State, "store", "    State.store")
    wrap(dispatch, "Context", "    Context(...)")
    wrap(shape, "output", "    shape.output")
    wrap(protocol, "render", "    protocol.render")
    cls, method = backend.METHODS["describe_model_package_group"]
    backend.METHODS["describe_model_package_group"] = (cls, run.timing(method, samples.setdefault("    backend method", []),
                                                                       clock))
    try:
        for _ in range(n):
            describe()
    finally:
        backend.METHODS["describe_model_package_group"] = (cls, method)
        for owner, name, original in reversed(restore):
            setattr(owner, name, original)
    result = []
    for label, values in samples.items():
        if values:
            values.sort()
            result.append((label, values[len(values) // 2] / 1000))
        else:
            result.append((label, float("nan")))
    return result


class _Req:
    """A stand-in for the AWSPreparedRequest the hook receives (it sets `url`)."""

    __slots__ = ("body", "headers", "url")

    def __init__(self, body: Any, headers: Any, url: str):
        self.body, self.headers, self.url = body, headers, url


if __name__ == "__main__":
    main()
