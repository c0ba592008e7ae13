"""AI workload configurations, AI benchmark jobs and AI recommendation jobs (SageMaker AI's
generative-AI inference recommender): Create/Describe/List/Delete of each, Stop of the jobs,
declared on the resource engine.

A workload configuration holds the datasets and the benchmark tool's workload specification
(YAML or JSON, kept as given). A benchmark job runs that workload against an endpoint (and,
optionally, inference components on it); a recommendation job analyses a model from S3 against
the workload and performance targets and recommends deployments. Both jobs name the workload
configuration by name or ARN (it must exist: ResourceNotFound), walk InProgress -> Completed (at
once by default), Stopping -> Stopped from InProgress, and Failed through
`mock.fail_next("ai-benchmark-job" | "ai-recommendation-job", reason)`.

DeleteAIWorkloadConfig: "You cannot delete a configuration that is referenced by an active
benchmark job" (ResourceInUse while a benchmark job naming it is InProgress or Stopping).

A completed recommendation job's `Recommendations` are computed from its request: one per
instance type of `ComputeSpec.InstanceTypes`, each deploying the model's S3 location (and its S3
LoRA adapters) on one instance with one copy, with kernel tuning unless `OptimizeModel` is false.
What cannot be computed without running the model -- expected latency, throughput and cost, the
container image AWS picks -- is left out (docs/ai-jobs.md).
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Any

from ..core import arns, service
from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
Params = dict[str, Any]

WORKLOAD = "ai-workload-config"
BENCHMARK = "ai-benchmark-job"
RECOMMENDATION = "ai-recommendation-job"
ACTIVE = ("InProgress", "Stopping")
TERMINAL = ("Completed", "Failed", "Stopped")
#: A private field: neither job's Describe answers LastModifiedTime, which the job preset stamps.
MODIFIED = "_LastModifiedTime"
#: The workload configuration a job resolved its identifier to (a name or an ARN) on create.
WORKLOAD_NAME = "_workload"
ROLE = "arn:aws:iam::123456789012:role/ai-jobs"


def _benchmark_entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """StartTime when the job runs, EndTime when it ends."""
    if status == "InProgress":
        document.setdefault("StartTime", now)
    if status in TERMINAL:
        document["EndTime"] = now


def _recommendation_entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """StartTime, EndTime, and the recommendations a completed job reports."""
    _benchmark_entered(document, status, store, now)
    if status == "InProgress":  # (a job the test put back to work has not recommended yet)
        document.pop("Recommendations", None)
    if status == "Completed":
        document["Recommendations"] = _recommendations(document)


BENCHMARK_LIFECYCLE = Lifecycle.job(BENCHMARK, "AIBenchmarkJobStatus", name_key="AIBenchmarkJobName",
                                    on_enter=_benchmark_entered, deletable=False, modified_key=MODIFIED)
RECOMMENDATION_LIFECYCLE = Lifecycle.job(RECOMMENDATION, "AIRecommendationJobStatus",
                                         name_key="AIRecommendationJobName", on_enter=_recommendation_entered,
                                         deletable=False, modified_key=MODIFIED)


# -- what a request names -----------------------------------------------------------------------

def _named(ctx: Context, kind: str, identifier: str, what: str) -> Document:
    """The resource a name-or-ARN identifier names, or ResourceNotFound (which the Create
    operations declare) naming it."""
    found = ctx.store.table(kind).find(ctx, identifier)
    if found is None:
        raise ResourceNotFound(f"{what} {ctx.arn_for(kind, identifier)} does not exist.")
    return found


def _workload(params: Params, ctx: Context) -> None:
    """AIWorkloadConfigIdentifier: "The name or Amazon Resource Name (ARN) of the AI workload
    configuration to use" -- it must exist."""
    _named(ctx, WORKLOAD, params["AIWorkloadConfigIdentifier"], "AI workload configuration")


def _mlflow(params: Params, ctx: Context) -> None:
    """MlflowConfig.MlflowResourceArn names a SageMaker managed MLflow tracking server, which must
    exist (an MLflow App's ARN is taken on trust: sagemock keeps no MLflow Apps)."""
    arn = ((params.get("OutputConfig") or {}).get("MlflowConfig") or {}).get("MlflowResourceArn")
    if arn is not None and arns.kind(arn) == "mlflow-tracking-server":
        _named(ctx, "mlflow-tracking-server", arn, "MLflow tracking server")


def _target(params: Params, ctx: Context) -> None:
    """BenchmarkTarget.Endpoint: the SageMaker endpoint (name or ARN) to benchmark and the
    inference components on it; each must exist."""
    endpoint = (params["BenchmarkTarget"].get("Endpoint") or {})
    if endpoint.get("Identifier") is None:
        raise ValidationError("BenchmarkTarget must name the endpoint to benchmark (Endpoint.Identifier).")
    _named(ctx, "endpoint", endpoint["Identifier"], "Endpoint")
    for component in endpoint.get("InferenceComponents") or ():
        _named(ctx, "inference-component", component["Identifier"], "Inference component")


def _adapters(params: Params, ctx: Context) -> None:
    """AIAdapterSource: each AdapterId is "A unique identifier for the adapter" (the inference
    component name when the adapter is deployed), and a model package it names must exist."""
    source = params.get("AdapterSource") or {}
    if params.get("AdapterSource") is not None and len([form for form in source.values() if form is not None]) != 1:
        raise ValidationError("AdapterSource: specify either a list of model package ARNs (ModelPackageArns) or "
                              "Amazon S3 URIs (S3Uris) for your LoRA adapters, not both.")
    counted = Counter(entry["AdapterId"] for form in ("ModelPackageArns", "S3Uris") for entry in source.get(form) or ())
    repeated = sorted(adapter for adapter, times in counted.items() if times > 1)
    if repeated:
        raise ValidationError(f"AdapterSource: each AdapterId must be unique; {', '.join(repeated)} is given more "
                              "than once.")
    for entry in source.get("ModelPackageArns") or ():
        _named(ctx, "model-package", entry["ModelPackageArn"], "Model package")


def _package_group(params: Params, ctx: Context) -> None:
    """OutputConfig.ModelPackageGroupIdentifier: "The name or Amazon Resource Name (ARN) of the
    model package group where the optimized model is registered" -- it must exist."""
    group = (params.get("OutputConfig") or {}).get("ModelPackageGroupIdentifier")
    if group is not None:
        _named(ctx, "model-package-group", group, "Model package group")


def _not_in_use(params: Params, ctx: Context) -> None:
    """DeleteAIWorkloadConfig: "You cannot delete a configuration that is referenced by an active
    benchmark job"."""
    config = ctx.store.table(WORKLOAD).find(ctx, params["AIWorkloadConfigName"])
    if config is None:
        return
    for job in ctx.store.table(BENCHMARK).live(ctx):
        if job.get(WORKLOAD_NAME) == config["AIWorkloadConfigName"] and job["AIBenchmarkJobStatus"] in ACTIVE:
            raise ResourceInUse(f"AI workload configuration {config['AIWorkloadConfigArn']} is referenced by the "
                                f"active benchmark job {job['AIBenchmarkJobArn']}.")


# -- what SageMaker fills in --------------------------------------------------------------------

def _resolve_workload(document: Document, params: Params, ctx: Context) -> None:
    document[WORKLOAD_NAME] = _named(ctx, WORKLOAD, params["AIWorkloadConfigIdentifier"],
                                     "AI workload configuration")["AIWorkloadConfigName"]


def _recommendation_created(document: Document, params: Params, ctx: Context) -> None:
    """The workload it names, and an output location where the request gives none: Describe's
    AIRecommendationOutputResult requires S3OutputLocation, Create's does not (sagemock uses the
    SageMaker default bucket, `sagemaker-<region>-<account>`, as the SageMaker SDKs do)."""
    _resolve_workload(document, params, ctx)
    output = document.setdefault("OutputConfig", {})
    output.setdefault("S3OutputLocation", f"s3://sagemaker-{ctx.store.region}-{ctx.store.account}/"
                                          f"ai-recommendation-jobs/{document['AIRecommendationJobName']}/")


def _recommendations(document: Document) -> list[Document]:
    """One recommendation per candidate instance type, computed from the request alone."""
    spec = document.get("ComputeSpec") or {}
    candidates = spec.get("InstanceTypes") or service.enum_values("AIRecommendationInstanceType")[:1]
    model = ((document.get("ModelSource") or {}).get("S3") or {}).get("S3Uri")
    channels = [{"ChannelName": "model", "Uri": model}] if model else []
    channels += [{"ChannelName": entry["AdapterId"], "Uri": entry["S3Uri"]}
                 for entry in (document.get("AdapterSource") or {}).get("S3Uris") or ()]
    framework = (document.get("InferenceSpecification") or {}).get("Framework")
    optimize = document.get("OptimizeModel", True)
    found: list[Document] = []
    for instance_type in candidates:
        detail = {"InstanceType": instance_type, "InstanceCount": 1, "CopyCountPerInstance": 1}
        recommendation: Document = {
            "RecommendationDescription": f"Deploy the model{' with ' + framework if framework else ''} on one "
                                         f"{instance_type} instance, one copy"
                                         f"{', with kernel tuning' if optimize else ''}.",
            "ModelDetails": {"InstanceDetails": [detail]},
            "DeploymentConfiguration": {"S3": channels, **detail},
        }
        if optimize:
            recommendation["OptimizationDetails"] = [{"OptimizationType": "KernelTuning"}]
        found.append(recommendation)
    return found


_MLFLOW_RULE = Rule(_mlflow, "AIMlflowConfig.MlflowResourceArn: the SageMaker managed MLflow resource (it must exist)")
_WORKLOAD_RULE = Rule(_workload, "AIWorkloadConfigIdentifier: the name or ARN of the AI workload configuration "
                      "(it must exist; CreateAI*Job declares ResourceNotFound)")

_UNIQUE_NAME = {"The name must be unique within your Amazon Web Services account": "claimed by the engine's "
                "duplicate check (ResourceInUse)"}


def _job(noun: str, kind: str, words: str, lifecycle: Lifecycle, **declared: Any) -> Resource:
    """A job's declaration: what the two AI jobs share (their errors' words, the modification time
    kept privately, the unique name), and what each declares."""
    return Resource(noun, kind=kind, lifecycle=lifecycle,
                    missing=not_found(f"{words} {{arn}} does not exist."),
                    duplicate=in_use(f"An {words} with this name already exists ({{arn}})."),
                    undescribed={"LastModifiedTime": MODIFIED},
                    waivers={**_UNIQUE_NAME, **declared.pop("waivers", {})}, **declared)


AI_WORKLOAD_CONFIG = Resource(
    "AIWorkloadConfig",
    kind=WORKLOAD,
    # The operations declare ResourceNotFound and ResourceInUse; AWS's wording is not published.
    missing=not_found("AI workload configuration {arn} does not exist."),
    duplicate=in_use("An AI workload configuration with this name already exists ({arn})."),
    rules=(Rule(_not_in_use, "DeleteAIWorkloadConfig: \"You cannot delete a configuration that is referenced by an "
                "active benchmark job\"", ("referenced by an active benchmark job",), on=("delete",)),),
    waivers=_UNIQUE_NAME,
    example={
        "AIWorkloadConfigName": "chat-workload",
        "DatasetConfig": {"InputDataConfig": [{"ChannelName": "prompts",
                                               "DataSource": {"S3DataSource": {"S3Uri": "s3://bucket/prompts/"}}}]},
        "AIWorkloadConfigs": {"WorkloadSpec": {"Inline": "{\"concurrency\": [1, 4, 16], \"max_tokens\": 256}"}},
    },
)

AI_BENCHMARK_JOB = _job(
    "AIBenchmarkJob", BENCHMARK, "AI benchmark job", BENCHMARK_LIFECYCLE,
    summary={"AIWorkloadConfigName": WORKLOAD_NAME},
    rules=(_WORKLOAD_RULE,
           Rule(_target, "AIBenchmarkTarget: \"Specify a SageMaker endpoint by providing its name or Amazon Resource "
                "Name (ARN)\"; its inference components (each must exist)"),
           _MLFLOW_RULE),
    on_create=_resolve_workload,
    example={
        "AIBenchmarkJobName": "chat-benchmark",
        "BenchmarkTarget": {"Endpoint": {"Identifier": "chat"}},
        "OutputConfig": {"S3OutputLocation": "s3://bucket/benchmarks/"},
        "AIWorkloadConfigIdentifier": "chat-benchmark-workload",
        "RoleArn": ROLE,
    },
    example_needs=(
        ("CreateAIWorkloadConfig", {"AIWorkloadConfigName": "chat-benchmark-workload"}),
        ("CreateModel", {"ModelName": "chat", "ExecutionRoleArn": ROLE,
                         "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/chat:1"}}),
        ("CreateEndpointConfig", {"EndpointConfigName": "chat", "ProductionVariants": [
            {"VariantName": "AllTraffic", "ModelName": "chat", "InstanceType": "ml.g5.xlarge",
             "InitialInstanceCount": 1}]}),
        ("CreateEndpoint", {"EndpointName": "chat", "EndpointConfigName": "chat"}),
    ),
)

AI_RECOMMENDATION_JOB = _job(
    "AIRecommendationJob", RECOMMENDATION, "AI recommendation job", RECOMMENDATION_LIFECYCLE,
    rules=(_WORKLOAD_RULE,
           Rule(_package_group, "AIRecommendationOutputConfig.ModelPackageGroupIdentifier: the name or ARN of the "
                "model package group (it must exist)"),
           Rule(_adapters, "AIAdapterModelPackageEntry / AIAdapterS3Entry: \"A unique identifier for the adapter\"; "
                "the model packages named must exist; AIAdapterSource is a union of the two forms",
                ("Specify either a list of model package ARNs or Amazon S3 URIs for your LoRA adapters",)),
           _MLFLOW_RULE),
    on_create=_recommendation_created,
    waivers={
        "The ID must start and end with an alphanumeric character": "the model's own pattern on AIAdapterId, "
        "validated with every constraint of the input shape",
    },
    example={
        "AIRecommendationJobName": "chat-recommendation",
        "ModelSource": {"S3": {"S3Uri": "s3://bucket/models/chat/"}},
        "OutputConfig": {"S3OutputLocation": "s3://bucket/recommendations/"},
        "AIWorkloadConfigIdentifier": "chat-recommendation-workload",
        "PerformanceTarget": {"Constraints": [{"Metric": "ttft-ms"}]},
        "RoleArn": ROLE,
        "InferenceSpecification": {"Framework": "VLLM"},
        "ComputeSpec": {"InstanceTypes": ["ml.g5.12xlarge", "ml.g6e.2xlarge"]},
    },
    example_needs=(("CreateAIWorkloadConfig", {"AIWorkloadConfigName": "chat-recommendation-workload"}),),
)


class AIJobs(Backend):
    workloads = AI_WORKLOAD_CONFIG.table()
    benchmarks = AI_BENCHMARK_JOB.table()
    recommendations = AI_RECOMMENDATION_JOB.table()
