#!/usr/bin/env python
"""sagemock's benchmark: what a SageMaker call costs under sagemock, under moto, under botocore's
Stubber, and with no mock.

Usage:
    python bench/run.py            # full run (about 2 min with moto: its 10,000-package Search registry), prints a table
    python bench/run.py --quick    # CI smoke run (a few seconds; figures are rough)
    python bench/run.py --json     # the results as JSON on stdout (the table is not printed)
    python bench/run.py --no-moto  # skip moto even if it is installed

Operations timed, each through a boto3 client:

    describe    DescribeModelPackageGroup
    create      CreateModelPackage into a model package group (a new version per call)
    list        ListModelPackages with MaxResults=100 over a group of 120 versions (a page of 100)
    activation  m = mock_sagemaker(); m.start(); m.stop()   (moto: m = mock_aws(); ...)

Search is timed over a large registry (10,000 model packages; 1,200 with --quick), reported under
"searches" in the JSON:

    search       Search(ModelPackage, ModelApprovalStatus Equals Approved, MaxResults=100): the first
                 page of 100 out of a third of the packages
    search_deep  the same query's page three quarters of the way through the results (via its
                 NextToken): a page's cost should not grow with its index

A multi-call cycle is timed the same way and reported beside the operations (under "cycles" in
the JSON; it has no floor, since no single canned answer stands for several calls):

    notebook    CreateNotebookInstance, then boto3's notebook_instance_in_service waiter,
                StopNotebookInstance + notebook_instance_stopped waiter, DeleteNotebookInstance +
                notebook_instance_deleted waiter (6 requests; a waiter that had to sleep would
                take 30 s, so the figure also proves that none does)
    tuning      CreateHyperParameterTuningJob launching 4 training jobs (2 at a time), then
                DescribeHyperParameterTuningJob, ListTrainingJobsForHyperParameterTuningJob,
                DeleteHyperParameterTuningJob and DeleteTrainingJob of each training job, as a
                test and its teardown would (9 requests; sagemock creates the 4 training jobs with
                their trial components and lineage inside the first)

Setups:

    floor     botocore alone: a `before-send.sagemaker.<Operation>` handler on the client returns
              a pre-built AWSResponse holding exactly the bytes sagemock answered that call with
              (captured once). The floor pays for parameter validation, serialisation, endpoint
              resolution, signing and parsing, but for no mock work.
    sagemock  mock_sagemaker() active; the client's requests go through sagemock's hook.
    moto      moto's mock_aws() active (only if moto is importable; else reported as n/a).
    stubber   botocore.stub.Stubber on the client (describe only): each timed call queues the
              canned answer with add_response(..., expected_params) and then makes the call, since
              a Stubber answers each queued response once. Its figure includes that queueing (its
              add_response validates the answer against the output shape); the queueing alone is
              reported beside it ("stubber_add_response" in the JSON). The Stubber answers at
              botocore's before-call event with an already parsed dict, so it skips signing, the
              HTTP layer and response parsing, which the floor pays for.

Each client carries only its own setup's hook (the hooks the other libraries add to every botocore
session are unregistered from it), so each setup is measured as if the others were not installed.
Calls are timed one by one with time.perf_counter_ns after a warm-up, and the setups are
interleaved in rounds so that machine noise falls on all of them alike. Figures are medians and
90th percentiles in microseconds per call.
"""
from __future__ import annotations

import argparse
import functools
import gc
import itertools
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable
from typing import Any

try:
    import sagemock
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import sagemock

import boto3
import botocore
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.stub import Stubber

from sagemock import mock_sagemaker
from sagemock.core import intercept

OPERATIONS = ("describe", "create", "list", "activation")
CYCLES = ("notebook", "tuning")
SEARCHES = ("search", "search_deep")
SETUPS = ("floor", "sagemock", "moto", "stubber")
STUBBED = ("describe",)  # the operations with a Stubber column
LABELS = {
    "describe": "DescribeModelPackageGroup",
    "create": "CreateModelPackage",
    "list": "ListModelPackages (page of 100)",
    "activation": "mock start()+stop()",
    "notebook": "notebook create/stop/delete+wait",
    "tuning": "tuning job of 4 + teardown",
    "search": "Search p.1, 100 of N",
    "search_deep": "Search deep page, 100 of N",
}
#: The botocore operation behind each timed request.
API = {"describe": "DescribeModelPackageGroup", "create": "CreateModelPackage", "list": "ListModelPackages"}

SAGEMOCK_EVENT = getattr(intercept, "EVENT", "before-send.sagemaker")
DESCRIBE_TARGET = 1.3  # a describe costs at most 1.3x the floor
ACTIVATION_TARGET_US = 1000.0  # start/stop under 1 ms
STUBBER_SCOPE = "the Stubber column times DescribeModelPackageGroup only"

READ_REGION = "us-east-1"  # describe and list
WRITE_REGION = "us-west-2"  # create: its growing store never slows the reads down
SEARCH_REGION = "eu-west-1"  # search: its own large registry
SEARCH_GROUP = "bench-search"
SEARCH_PACKAGES = 10_000
SEARCH_PACKAGES_QUICK = 1_200
SEARCH_TARGET_US = 20_000.0  # issue 6: a filtered page of 100 out of 10,000 packages under 20 ms
SEARCH_EXPRESSION = {"Filters": [{"Name": "ModelApprovalStatus", "Operator": "Equals", "Value": "Approved"}]}
GROUP = "bench-group"
CREATE_GROUP = "bench-create"
LIST_VERSIONS = 120
PAGE = 100

CREDENTIALS = {"aws_access_key_id": "AKIASAGEMOCKBENCH000", "aws_secret_access_key": "bench"}
INFERENCE = {
    "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest",
                    "ModelDataUrl": "s3://bench/model.tar.gz"}],
    "SupportedContentTypes": ["text/csv"],
    "SupportedResponseMIMETypes": ["text/csv"],
}


# -- plan ---------------------------------------------------------------------------------------

class Plan:
    """How long to run: per (operation, setup), warm up, then time about `budget_s` of calls
    (between `min_n` and `max_n` calls) in `rounds` interleaved rounds."""

    def __init__(self, quick: bool):
        if quick:
            self.warmup, self.budget_s, self.min_n, self.max_n, self.rounds = 3, 0.08, 5, 200, 2
        else:
            self.warmup, self.budget_s, self.min_n, self.max_n, self.rounds = 50, 2.5, 30, 5000, 10

    def iterations(self, per_call_ns: float) -> int:
        wanted = int(self.budget_s * 1e9 / max(per_call_ns, 1.0))
        return max(self.min_n, min(self.max_n, wanted))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- statistics ---------------------------------------------------------------------------------

def percentile(sorted_ns: list[int], q: float) -> float:
    """Nearest-rank percentile."""
    index = max(0, math.ceil(q * len(sorted_ns)) - 1)
    return float(sorted_ns[index])


def summarise(samples_ns: list[int]) -> dict[str, Any]:
    ordered = sorted(samples_ns)
    return {
        "n": len(ordered),
        "median_us": round(percentile(ordered, 0.5) / 1000, 2) if len(ordered) % 2 else
        round((ordered[len(ordered) // 2 - 1] + ordered[len(ordered) // 2]) / 2000, 2),
        "p90_us": round(percentile(ordered, 0.9) / 1000, 2),
        "min_us": round(ordered[0] / 1000, 2),
    }


def unavailable(reason: str) -> dict[str, Any]:
    return {"n": 0, "median_us": None, "p90_us": None, "min_us": None, "note": f"n/a: {reason}"}


# -- timing -------------------------------------------------------------------------------------

#: What a call is timed with: wall-clock time. bench/declared.py's `--cpu` sets the calling thread's
#: CPU time instead (`time.thread_time_ns`), which time spent waiting for a shared machine's cores
#: does not inflate (everything a mocked call does runs in the calling thread).
CLOCK: Callable[[], int] = time.perf_counter_ns


def time_calls(fn: Callable[[], Any], n: int, out: list[int]) -> None:
    clock = CLOCK
    for _ in range(n):
        start = clock()
        fn()
        out.append(clock() - start)


def timing(function: Callable[..., Any], into: list[int], clock: Callable[[], int]) -> Callable[..., Any]:
    """`function`, timing each call into `into` by `clock` (for timing a stage from inside a call:
    bench/profile_describe.py, bench/declared.py's own part of a page)."""
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            into.append(clock() - start)

    return timed


def measure(calls: dict[str, Callable[[], Any]], plan: Plan, same_n: bool = False) -> dict[str, dict[str, Any]]:
    """Time each setup's call, interleaving the setups in rounds (the order rotates each round)."""
    estimates: dict[str, float] = {}
    for setup, fn in calls.items():
        warm: list[int] = []
        time_calls(fn, plan.warmup, warm)
        warm.sort()
        estimates[setup] = float(warm[len(warm) // 2])
    counts = {setup: plan.iterations(estimate) for setup, estimate in estimates.items()}
    if same_n:  # every setup makes the same number of calls (for calls that grow the state)
        fewest = min(counts.values())
        counts = dict.fromkeys(counts, fewest)
    samples: dict[str, list[int]] = {setup: [] for setup in calls}
    order = list(calls)
    gc.collect()
    for round_index in range(plan.rounds):
        for setup in order[round_index % len(order):] + order[:round_index % len(order)]:
            total = counts[setup]
            chunk = total // plan.rounds + (1 if round_index < total % plan.rounds else 0)
            time_calls(calls[setup], chunk, samples[setup])
    return {setup: summarise(values) for setup, values in samples.items()}


# -- clients ------------------------------------------------------------------------------------

class Setups:
    """The clients of every setup, each carrying only its own setup's hook."""

    def __init__(self, use_moto: bool):
        self.moto_error: str | None = None
        self.mock_aws: Any = None
        self.moto_stubber: Any = None
        self.moto_version: str | None = None
        if use_moto:
            try:
                import moto
                from moto import mock_aws
                from moto.core.models import botocore_stubber
            except ImportError as error:
                self.moto_error = f"moto is not installed ({error})"
            else:
                self.mock_aws, self.moto_stubber = mock_aws, botocore_stubber
                self.moto_version = getattr(moto, "__version__", "?")
        else:
            self.moto_error = "skipped (--no-moto)"
        # One boto3 session (made after every library is imported, so it carries their hooks).
        self.session = boto3.session.Session(region_name=READ_REGION, **CREDENTIALS)

    def client(self, region: str, keep: str, account: str | None = None) -> Any:
        """A client of one setup (`keep`: "sagemock", "moto", "floor", or "unsigned floor": the floor
        of a client that signs nothing, as sagemock's requests are not signed, so that the mock's own
        cost can be told from the signature it spares); in `account`, where given (a 12-digit access
        key names the mock's account), else the session's."""
        keys: dict[str, Any] = {"aws_access_key_id": account, "aws_secret_access_key": "bench"} if account else {}
        if keep == "unsigned floor":
            keys["config"] = Config(signature_version=botocore.UNSIGNED)
        client = self.session.client("sagemaker", region_name=region, **keys)
        events = client.meta.events
        if keep != "sagemock":
            for event, handler in getattr(intercept, "HANDLERS", ((SAGEMOCK_EVENT, intercept.before_send),)):
                events.unregister(event, handler)
        if keep != "moto" and self.moto_stubber is not None:
            events.unregister("before-send", self.moto_stubber)
        return client


def seed(read: Any, write: Any) -> None:
    """The resources every setup holds before timing: one group of LIST_VERSIONS versions to
    describe and list, and (in the write region) an empty group to create versions in."""
    read.create_model_package_group(ModelPackageGroupName=GROUP, ModelPackageGroupDescription="benchmark")
    for _ in range(LIST_VERSIONS):
        read.create_model_package(ModelPackageGroupName=GROUP, InferenceSpecification=INFERENCE,
                                  ModelApprovalStatus="Approved")
    write.create_model_package_group(ModelPackageGroupName=CREATE_GROUP)


def calls_for(read: Any, write: Any) -> dict[str, Callable[[], Any]]:
    return {
        "describe": functools.partial(read.describe_model_package_group, ModelPackageGroupName=GROUP),
        "create": functools.partial(write.create_model_package, ModelPackageGroupName=CREATE_GROUP,
                                    InferenceSpecification=INFERENCE),
        "list": functools.partial(read.list_model_packages, ModelPackageGroupName=GROUP, MaxResults=PAGE),
    }


def capture(client: Any, operation: str, call: Callable[[], Any]) -> AWSResponse:
    """Make `call` once through sagemock and keep the HTTP answer it got, as an AWSResponse."""
    seen: dict[str, Any] = {}

    def keep(response_dict: Any = None, **_kwargs: Any) -> None:
        seen["response"] = response_dict

    event = f"response-received.sagemaker.{operation}"
    client.meta.events.register(event, keep, unique_id="sagemock-bench-capture")
    try:
        call()
    finally:
        client.meta.events.unregister(event, unique_id="sagemock-bench-capture")
    answer = seen["response"]
    body = answer["body"]
    response = AWSResponse("https://sagemock.bench/", answer["status_code"], dict(answer["headers"]),
                           _Body(body))
    response._content = body
    return response


class _Body:
    """The `raw` of an AWSResponse whose body is already in memory (as sagemock's hook makes)."""

    __slots__ = ("_body",)

    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_kwargs: Any) -> Any:
        yield self._body

    def read(self, *_args: Any) -> bytes:
        return self._body


def canned(response: AWSResponse) -> Callable[..., AWSResponse]:
    def handler(request: Any = None, **_kwargs: Any) -> AWSResponse:
        return response

    return handler


def captured_floor(make_client: Callable[[], Any], service_name: str, operation: str,
                   call: Callable[[Any], Any]) -> Any:
    """A client of a data-plane service answered by botocore alone with exactly the answer sagemock
    gave `call` (captured once, from a client the mock answers): the floor pays for validation,
    serialisation, endpoint resolution, signing and parsing, but for no mock work."""
    from sagemock.core import intercept

    mocked = make_client()
    captured: dict[str, Any] = {}
    mocked.meta.events.register(f"after-call.{service_name}.{operation}", lambda http_response=None, **_: (
        captured.update(status=http_response.status_code, headers=dict(http_response.headers),
                        body=http_response.content)))
    call(mocked)
    floor = make_client()
    for event, handler in intercept.HANDLERS:  # the floor carries no sagemock hook
        floor.meta.events.unregister(event, handler)
    response = AWSResponse(mocked.meta.endpoint_url, captured["status"], captured["headers"], _Body(captured["body"]))
    response._content = captured["body"]
    floor.meta.events.register(f"before-send.{service_name}.{operation}", canned(response))
    return floor


NOTEBOOK = "bench-notebook"
NOTEBOOK_ROLE = "arn:aws:iam::123456789012:role/bench"


def notebook_cycle(client: Any) -> Callable[[], None]:
    """One notebook's life, as a user's code drives it: each step waits with boto3's waiter."""
    in_service = client.get_waiter("notebook_instance_in_service")
    stopped = client.get_waiter("notebook_instance_stopped")
    deleted = client.get_waiter("notebook_instance_deleted")

    def cycle() -> None:
        client.create_notebook_instance(NotebookInstanceName=NOTEBOOK, InstanceType="ml.t3.medium",
                                        RoleArn=NOTEBOOK_ROLE)
        in_service.wait(NotebookInstanceName=NOTEBOOK)
        client.stop_notebook_instance(NotebookInstanceName=NOTEBOOK)
        stopped.wait(NotebookInstanceName=NOTEBOOK)
        client.delete_notebook_instance(NotebookInstanceName=NOTEBOOK)
        deleted.wait(NotebookInstanceName=NOTEBOOK)

    return cycle


TUNING = "bench-tuning"
TUNING_REQUEST: dict[str, Any] = {
    "HyperParameterTuningJobName": TUNING,
    "HyperParameterTuningJobConfig": {
        "Strategy": "Random",
        "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2},
        "ParameterRanges": {"ContinuousParameterRanges": [{"Name": "eta", "MinValue": "0.1", "MaxValue": "0.5"}],
                            "IntegerParameterRanges": [{"Name": "max_depth", "MinValue": "3", "MaxValue": "9"}]},
    },
    "TrainingJobDefinition": {
        "StaticHyperParameters": {"num_round": "50"},
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:latest",
                                   "TrainingInputMode": "File",
                                   "MetricDefinitions": [{"Name": "validation:auc", "Regex": "auc=(.*)"}]},
        "RoleArn": NOTEBOOK_ROLE,
        "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://bench/train"}}}],
        "OutputDataConfig": {"S3OutputPath": "s3://bench/tuning"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    },
}


def tuning_cycle(client: Any) -> Callable[[], None]:
    """One tuning job's life in a test: create it, read it and its training jobs, and clean up."""

    # Botocore before DeleteTrainingJob (1.35) cannot clean up the training jobs: each cycle then
    # names its tuning job afresh, so its training jobs' names are new too.
    can_delete = hasattr(client, "delete_training_job")
    cycles = itertools.count()

    def cycle() -> None:
        name = TUNING if can_delete else f"{TUNING}-{next(cycles)}"
        client.create_hyper_parameter_tuning_job(**{**TUNING_REQUEST, "HyperParameterTuningJobName": name})
        client.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        launched = client.list_training_jobs_for_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name)["TrainingJobSummaries"]
        client.delete_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        for summary in launched if can_delete else ():
            client.delete_training_job(TrainingJobName=summary["TrainingJobName"])

    return cycle


def seed_search(client: Any, packages: int) -> None:
    """A group of `packages` versions, a third of them Approved, ten container images among them."""
    client.create_model_package_group(ModelPackageGroupName=SEARCH_GROUP)
    for index in range(packages):
        inference = {**INFERENCE, "Containers": [{**INFERENCE["Containers"][0],
                                                  "Image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/bench:{index % 10}"}]}
        client.create_model_package(ModelPackageGroupName=SEARCH_GROUP, InferenceSpecification=inference,
                                    ModelApprovalStatus="Approved" if index % 3 == 0 else "PendingManualApproval")


def search_calls(client: Any) -> dict[str, Callable[[], Any]]:
    """The first page of the query, and (if the answer pages at all) one three quarters deep."""
    first = functools.partial(client.search, Resource="ModelPackage", SearchExpression=SEARCH_EXPRESSION,
                              MaxResults=PAGE)
    calls: dict[str, Callable[[], Any]] = {"search": first}
    tokens = []
    answer = first()
    while answer.get("NextToken"):
        tokens.append(answer["NextToken"])
        answer = first(NextToken=tokens[-1])
    if tokens:
        calls["search_deep"] = functools.partial(first, NextToken=tokens[(len(tokens) * 3) // 4])
    return calls


def stubber_calls(client: Any, answer: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The describe as a Stubber test makes it: queue the answer (with the expected parameters), then
    call. Also the queueing alone, on a second Stubber whose queue is never drained."""
    expected = {"ModelPackageGroupName": GROUP}
    stubber = Stubber(client)
    stubber.activate()
    queue_only = Stubber(client)  # never activated: its queue only grows

    def call() -> Any:
        stubber.add_response("describe_model_package_group", answer, expected)
        return client.describe_model_package_group(ModelPackageGroupName=GROUP)

    def queue() -> None:
        queue_only.add_response("describe_model_package_group", answer, expected)

    return call, queue


def check_page(name: str, result: dict[str, Any]) -> None:
    got = len(result.get("ModelPackageSummaryList", []))
    if got != PAGE:
        raise SystemExit(f"{name}: ListModelPackages answered {got} summaries, not {PAGE}")


# -- the run ------------------------------------------------------------------------------------

def run(quick: bool, use_moto: bool) -> dict[str, Any]:
    plan = Plan(quick)
    started = time.perf_counter()
    setups = Setups(use_moto)
    have_moto = setups.mock_aws is not None

    # The very first activation in a process also installs the hook (a one-off gc walk).
    first = mock_sagemaker()
    begin = time.perf_counter_ns()
    first.start()
    first.stop()
    first_activation_us = (time.perf_counter_ns() - begin) / 1000

    # sagemock
    sm = mock_sagemaker(strict=False)
    sm.start()
    sm_read, sm_write = setups.client(READ_REGION, "sagemock"), setups.client(WRITE_REGION, "sagemock")
    seed(sm_read, sm_write)
    sm_calls = calls_for(sm_read, sm_write)
    check_page("sagemock", sm_calls["list"]())
    sm_cycles = {"notebook": notebook_cycle(sm_write), "tuning": tuning_cycle(sm_write)}
    search_packages = SEARCH_PACKAGES_QUICK if quick else SEARCH_PACKAGES
    log(f"seeding {search_packages} model packages for Search ...")
    sm_search = setups.client(SEARCH_REGION, "sagemock")
    seed_search(sm_search, search_packages)
    sm_searches = search_calls(sm_search)
    for op in SEARCHES:
        got = len(sm_searches[op]()["Results"]) if op in sm_searches else 0
        if got != PAGE:
            raise SystemExit(f"sagemock: {LABELS[op]} answered {got} results, not {PAGE}")

    # floor: the bytes sagemock answers, canned at the HTTP layer
    floor_read, floor_write = setups.client(READ_REGION, "floor"), setups.client(WRITE_REGION, "floor")
    sm_clients = {"describe": sm_read, "create": sm_write, "list": sm_read}
    floor_clients = {"describe": floor_read, "create": floor_write, "list": floor_read}
    captured: dict[str, int] = {}
    for op, api in API.items():
        response = capture(sm_clients[op], api, sm_calls[op])
        captured[op] = len(response._content)
        floor_clients[op].meta.events.register(f"before-send.sagemaker.{api}", canned(response))
    floor_calls = calls_for(floor_read, floor_write)
    check_page("floor", floor_calls["list"]())

    # botocore's Stubber, answering with the describe sagemock gave (parsed, as a test would write it)
    answer = {key: value for key, value in sm_calls["describe"]().items() if key != "ResponseMetadata"}
    stub_call, stub_queue = stubber_calls(setups.client(READ_REGION, "stubber"), answer)
    if stub_call().get("ModelPackageGroupArn") != answer["ModelPackageGroupArn"]:
        raise SystemExit("stubber: DescribeModelPackageGroup did not answer the queued response")
    floor_searches: dict[str, Callable[[], Any]] = {}
    for op in SEARCHES:
        response = capture(sm_search, "Search", sm_searches[op])
        captured[op] = len(response._content)
        floor_search = setups.client(SEARCH_REGION, "floor")
        floor_search.meta.events.register("before-send.sagemaker.Search", canned(response))
        floor_searches[op] = functools.partial(floor_search.search, Resource="ModelPackage",
                                               SearchExpression=SEARCH_EXPRESSION, MaxResults=PAGE)

    # moto
    moto_mock = None
    moto_calls: dict[str, Callable[[], Any]] = {}
    moto_missing: dict[str, str] = {}
    moto_cycles: dict[str, Callable[[], Any]] = {}
    moto_searches: dict[str, Callable[[], Any]] = {}
    moto_notes: dict[str, str] = {}
    if have_moto:
        moto_mock = setups.mock_aws()
        moto_mock.start()
        mo_read, mo_write = setups.client(READ_REGION, "moto"), setups.client(WRITE_REGION, "moto")
        try:
            seed(mo_read, mo_write)
        except Exception as error:  # moto lacks (part of) the model registry
            reason = f"moto could not set up the model registry: {type(error).__name__}: {error}"
            moto_missing = dict.fromkeys(API, reason)
        else:
            for op, fn in calls_for(mo_read, mo_write).items():
                try:
                    result = fn()
                except Exception as error:  # e.g. NotImplementedError / ClientError from moto
                    moto_missing[op] = f"moto does not answer {API[op]}: {type(error).__name__}: {error}"
                    continue
                if op == "list" and len(result.get("ModelPackageSummaryList", [])) != PAGE:
                    got = len(result.get("ModelPackageSummaryList", []))
                    moto_missing[op] = f"moto answered a page of {got}, not {PAGE}"
                    continue
                moto_calls[op] = fn
        for name, make in (("notebook", notebook_cycle), ("tuning", tuning_cycle)):
            cycle = make(mo_write)
            try:
                cycle()
            except Exception as error:  # moto lacks an operation of the cycle or waits differently
                moto_missing[name] = f"moto cannot run the {name} cycle: {type(error).__name__}: {error}"
            else:
                moto_cycles[name] = cycle
        log(f"seeding {search_packages} model packages for Search in moto ...")
        mo_search = setups.client(SEARCH_REGION, "moto")
        try:
            seed_search(mo_search, search_packages)
            moto_searches = search_calls(mo_search)
            got = len(moto_searches["search"]()["Results"])
        except Exception as error:  # moto lacks Search for model packages
            reason = f"moto cannot search model packages: {type(error).__name__}: {error}"
            moto_missing.update(dict.fromkeys(SEARCHES, reason))
            moto_searches = {}
        else:
            if got != PAGE:  # moto ignores MaxResults: measured anyway, as a user would meet it
                moto_notes["search"] = f"moto ignores MaxResults and NextToken: it answered all {got} matches in one page"
            if "search_deep" not in moto_searches:
                moto_missing["search_deep"] = "moto returns no NextToken, so it has no deep page"

    results: dict[str, dict[str, Any]] = {}
    for op in API:
        log(f"timing {LABELS[op]} ...")
        calls = {"floor": floor_calls[op], "sagemock": sm_calls[op]}
        if op in moto_calls:
            calls["moto"] = moto_calls[op]
        if op in STUBBED:
            calls["stubber"] = stub_call
            calls["stubber_add_response"] = stub_queue
        measured = measure(calls, plan, same_n=(op == "create"))
        if "moto" not in measured:
            measured["moto"] = unavailable(moto_missing.get(op) or setups.moto_error or "moto not measured")
        if "stubber" not in measured:
            measured["stubber"] = unavailable(STUBBER_SCOPE)
        results[op] = measured
    for op in CYCLES:
        log(f"timing {LABELS[op]} ...")
        calls = {"sagemock": sm_cycles[op]}
        if op in moto_cycles:
            calls["moto"] = moto_cycles[op]
        measured = measure(calls, plan)
        measured["floor"] = unavailable("a cycle of several calls has no single canned answer, so no floor")
        measured["stubber"] = unavailable(STUBBER_SCOPE)
        if "moto" not in measured:
            measured["moto"] = unavailable(moto_missing.get(op) or setups.moto_error or "moto not measured")
        results[op] = measured

    search_plan = Plan(quick)  # a moto search over 10,000 packages takes seconds: fewer warm-ups
    search_plan.warmup, search_plan.min_n = min(plan.warmup, 3), min(plan.min_n, 5)
    for op in SEARCHES:
        log(f"timing {LABELS[op].replace(' of N', f' of {search_packages:,}')} ...")
        calls = {"floor": floor_searches[op], "sagemock": sm_searches[op]}
        if op in moto_searches:
            calls["moto"] = moto_searches[op]
        measured = measure(calls, search_plan)
        if "moto" not in measured:
            measured["moto"] = unavailable(moto_missing.get(op) or setups.moto_error or "moto not measured")
        elif op in moto_notes:
            measured["moto"]["note"] = moto_notes[op]
        measured["stubber"] = unavailable(STUBBER_SCOPE)
        results[op] = measured

    sm.stop()
    if moto_mock is not None:
        moto_mock.stop()

    # activation, with no mock active (a nested start would only share the outer state)
    log("timing activation ...")

    def sagemock_activation() -> None:
        m = mock_sagemaker()
        m.start()
        m.stop()

    activation_calls: dict[str, Callable[[], Any]] = {"sagemock": sagemock_activation}
    if have_moto:
        mock_aws = setups.mock_aws

        def moto_activation() -> None:
            m = mock_aws()
            m.start()
            m.stop()

        activation_calls["moto"] = moto_activation
    measured = measure(activation_calls, plan)
    measured["floor"] = unavailable("activation makes no request, so botocore has no floor for it")
    if "moto" not in measured:
        measured["moto"] = unavailable(setups.moto_error or "moto not measured")
    measured["stubber"] = unavailable(STUBBER_SCOPE)
    results["activation"] = measured

    report: dict[str, Any] = {
        "meta": {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
            "boto3": boto3.__version__,
            "botocore": botocore.__version__,
            "sagemock": sagemock.__version__,
            "moto": setups.moto_version,
            "stubber": f"botocore.stub.Stubber (botocore {botocore.__version__}), for: {', '.join(STUBBED)}",
            "quick": quick,
            "first_activation_us": round(first_activation_us, 1),
            "response_bytes": captured,
            "list_group_versions": LIST_VERSIONS,
            "search_packages": search_packages,
            "seconds": None,
        },
        "operations": {},
        "cycles": {},
        "searches": {},
    }
    for op in OPERATIONS + CYCLES + SEARCHES:
        setups_result = {setup: results[op][setup] for setup in SETUPS}
        floor, mock, moto_result, stub = (setups_result[s]["median_us"] for s in SETUPS)
        ratios = {
            "sagemock_over_floor": round(mock / floor, 3) if mock and floor else None,
            "moto_over_sagemock": round(moto_result / mock, 3) if moto_result and mock else None,
            "sagemock_over_stubber": round(mock / stub, 3) if mock and stub else None,
        }
        entry: dict[str, Any] = {"label": LABELS[op], "setups": setups_result, "ratios": ratios}
        if "stubber_add_response" in results[op]:  # the Stubber's queueing alone, part of its figure
            entry["stubber_add_response"] = results[op]["stubber_add_response"]
        if op == "describe":
            ratio = ratios["sagemock_over_floor"]
            entry["target"] = {"description": f"sagemock/floor <= {DESCRIBE_TARGET}",
                               "met": ratio is not None and ratio <= DESCRIBE_TARGET}
        elif op in SEARCHES and not quick:
            entry["target"] = {"description": f"sagemock median < {SEARCH_TARGET_US / 1000:.0f} ms",
                               "met": mock is not None and mock < SEARCH_TARGET_US}
        elif op == "activation":
            entry["target"] = {"description": f"sagemock median < {ACTIVATION_TARGET_US:.0f} us",
                               "met": mock is not None and mock < ACTIVATION_TARGET_US}
        entry["label"] = entry["label"].replace(" of N", f" of {search_packages:,}") if op in SEARCHES else entry["label"]
        report["cycles" if op in CYCLES else "searches" if op in SEARCHES else "operations"][op] = entry
    report["meta"]["seconds"] = round(time.perf_counter() - started, 1)
    return report


# -- output -------------------------------------------------------------------------------------

def _num(value: float | None, width: int) -> str:
    if value is None:
        return "n/a".rjust(width)
    return f"{value:,.1f}".rjust(width)


def _ratio(value: float | None) -> str:
    return "n/a".rjust(8) if value is None else f"{value:.2f}x".rjust(8)


def table(report: dict[str, Any]) -> str:
    meta = report["meta"]
    lines = [
        f"sagemock {meta['sagemock']} benchmark  (python {meta['python']}, botocore {meta['botocore']}, "
        f"moto {meta['moto'] or 'not installed'}, {meta['cpu_count']} cpus{', QUICK: rough figures' if meta['quick'] else ''})",
        "microseconds per call",
        "",
        f"{'operation':<32}{'floor':^20}{'sagemock':^20}{'moto':^24}{'stubber':^20}"
        f"{'sagemock':>10}{'moto':>10}{'sagemock':>10}",
        f"{'':<32}{'median':>10}{'p90':>10}{'median':>10}{'p90':>10}{'median':>12}{'p90':>12}"
        f"{'median':>10}{'p90':>10}{'/floor':>10}{'/sagemock':>10}{'/stubber':>10}  target",
    ]
    lines.append("-" * len(lines[-1]) + "-" * 24)
    notes = []
    sections = [("operations", op) for op in OPERATIONS] + [("searches", op) for op in report.get("searches", {})] \
        + [("cycles", op) for op in report.get("cycles", {})]
    for section, op in sections:
        entry = report[section][op]
        s = entry["setups"]
        target = entry.get("target")
        verdict = ""
        if target:
            verdict = f"{target['description']}: {'met' if target['met'] else 'NOT met'}"
        lines.append(
            f"{entry['label']:<32}"
            f"{_num(s['floor']['median_us'], 10)}{_num(s['floor']['p90_us'], 10)}"
            f"{_num(s['sagemock']['median_us'], 10)}{_num(s['sagemock']['p90_us'], 10)}"
            f"{_num(s['moto']['median_us'], 12)}{_num(s['moto']['p90_us'], 12)}"
            f"{_num(s['stubber']['median_us'], 10)}{_num(s['stubber']['p90_us'], 10)}"
            f"{_ratio(entry['ratios']['sagemock_over_floor']):>10}{_ratio(entry['ratios']['moto_over_sagemock']):>10}"
            f"{_ratio(entry['ratios']['sagemock_over_stubber']):>10}"
            f"  {verdict}"
        )
        for setup in SETUPS:
            note = s[setup].get("note")
            if note and not (setup == "floor" and (op == "activation" or section == "cycles")) \
                    and not (setup == "stubber" and op not in STUBBED):
                notes.append(f"  {setup} / {entry['label']}: {note}")
        queued = entry.get("stubber_add_response")
        if queued:
            notes.append(f"  stubber / {entry['label']}: includes add_response (queue the answer with its expected "
                         f"parameters), which alone takes median {queued['median_us']:,.1f} us, p90 {queued['p90_us']:,.1f} us")
    lines.append("")
    lines.append("calls timed per setup: " + ", ".join(
        f"{op} " + "/".join(str(report[section][op]['setups'][s]['n']) for s in SETUPS) for section, op in sections
    ) + "  (" + "/".join(SETUPS) + ")")
    lines.append(f"first activation in a process (installs the hook, one-off): {meta['first_activation_us']:,.0f} us")
    lines.append("activation has no floor (it makes no request), nor has a cycle of several calls; "
                 f"run took {meta['seconds']} s")
    if notes:
        lines.append("notes (n/a and caveats):")
        lines.extend(notes)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark sagemock against moto, botocore's Stubber and "
                                                 "botocore's floor.")
    parser.add_argument("--quick", action="store_true", help="a few seconds, rough figures (CI smoke)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--no-moto", action="store_true", help="do not measure moto even if it is installed")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    report = run(quick=args.quick, use_moto=not args.no_moto)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
