"""Inference Recommender: CreateInferenceRecommendationsJob, DescribeInferenceRecommendationsJob,
ListInferenceRecommendationsJobs and StopInferenceRecommendationsJob (declared), with
ListInferenceRecommendationsJobSteps and GetScalingConfigurationRecommendation, views of a job.

A job benchmarks the model it names (a versioned model package, or a model with its
`ContainerConfig`) on a set of endpoint configurations, and answers the best of them. sagemock runs
no load test: the set is computed from the request and the state (the job's EndpointConfigurations,
else the package's `SupportedRealtimeInferenceInstanceTypes`, else `ContainerConfig`'s
`SupportedInstanceTypes`, else `DEFAULT_INSTANCE_TYPES`), and each benchmark's metrics come from a
small, deterministic performance model of the instance type (`performance`): more vCPUs serve more
invocations at a lower latency and cost more. The numbers are the mock's, documented in
docs/inference-recommender.md, never AWS's measurements; what a test can rely on is their shape, their
order (cheapest per inference first) and that the same request always gives the same numbers.

A job walks PENDING -> IN_PROGRESS -> COMPLETED; StopInferenceRecommendationsJob walks STOPPING ->
STOPPED from PENDING or IN_PROGRESS; `mock.fail_next("inference-recommendations-job", ...)` ends in
FAILED with the reason.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]

KIND = "inference-recommendations-job"
TERMINAL = ("COMPLETED", "FAILED", "STOPPED")
#: The instance types a job benchmarks when neither the request nor the model names any. AWS picks
#: them from its own knowledge of the model (NearestModelName, the framework); the mock's choice is a
#: CPU, a compute-optimised and a GPU type, documented in docs/inference-recommender.md.
DEFAULT_INSTANCE_TYPES = ("ml.m5.xlarge", "ml.c5.xlarge", "ml.g4dn.xlarge")
#: "InferenceRecommendations": at most 10 (the model's bound on the list).
MAX_RECOMMENDATIONS = 10
#: vCPUs by instance size: `large` has 2, `xlarge` 4, `Nxlarge` 4N.
_SIZE = re.compile(r"^ml\.([a-z0-9-]+)\.(\d*)(medium|large|xlarge)$")
_GPU_FAMILIES = ("p", "g", "inf", "trn", "dl")


def vcpus(instance_type: str) -> int:
    found = _SIZE.match(instance_type)
    if found is None:
        return 2
    multiple, size = found.group(2), found.group(3)
    base = {"medium": 1, "large": 2, "xlarge": 4}[size]
    return base * int(multiple) if multiple else base


def accelerated(instance_type: str) -> bool:
    family = instance_type.split(".")[1] if instance_type.count(".") >= 2 else ""
    return family.startswith(_GPU_FAMILIES)


def performance(instance_type: str | None, serverless: Document | None = None) -> Document:
    """The mock's benchmark of one endpoint configuration: RecommendationMetrics.

    Invocations per minute grow with the vCPUs (x4 on an accelerated type), latency falls with
    them, the hourly cost grows with them (x4 accelerated); a serverless endpoint scales with its
    memory and concurrency. Deterministic, so tests can compare runs."""
    if instance_type is None:
        memory = (serverless or {}).get("MemorySizeInMB", 2048)
        concurrency = (serverless or {}).get("MaxConcurrency", 1)
        invocations = int(memory // 1024 * 60 * concurrency)
        latency = max(1, int(4096 * 100 // memory))
        cost_hour = round(memory / 1024 * 0.072, 4)
        cpu = None
    else:
        cores = vcpus(instance_type)
        factor = 4 if accelerated(instance_type) else 1
        invocations = 600 * cores * factor
        latency = max(1, 400 // (cores * factor))
        cost_hour = round(0.058 * cores * factor, 4)
        cpu = 60.0
    metrics: Document = {
        "CostPerHour": cost_hour,
        "CostPerInference": round(cost_hour / (invocations * 60), 10),
        "MaxInvocations": invocations,
        "ModelLatency": latency,
        "MemoryUtilization": 45.0,
        "ModelSetupTime": 120,
    }
    if cpu is not None:
        metrics["CpuUtilization"] = cpu
    return metrics


def _recommendation_id(job_name: str, *parts: str) -> str:
    """`<job name>/<8 characters>`, the form AWS answers: the SageMaker Python SDK's
    `deploy(inference_recommendation_id=...)` accepts only `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}/\\w{8}` and
    reads the job's name before the slash. The same job always gets the same ids (hooks that enter
    a status have no random source)."""
    return f"{job_name}/{hashlib.sha256('/'.join(parts).encode()).hexdigest()[:8]}"


# -- the benchmarks a job runs ----------------------------------------------------------------

def _environment(configuration: Document) -> list[Document] | None:
    """EnvironmentParameterRanges: the first value of each categorical range (the mock benchmarks
    one combination per endpoint configuration)."""
    ranges = (configuration.get("EnvironmentParameterRanges") or {}).get("CategoricalParameterRanges") or ()
    chosen = [{"Key": item["Name"], "ValueType": "String", "Value": item["Value"][0]} for item in ranges]
    return chosen or None


def _plan(document: Document, params: Params, ctx: Context) -> None:
    """The endpoint configurations the job will benchmark, fixed when it is created (from the
    request and, for a model package, the package it names)."""
    config = params["InputConfig"]
    planned: list[Document] = []
    for given in config.get("EndpointConfigurations") or ():
        planned.append({"InstanceType": given.get("InstanceType"), "ServerlessConfig": given.get("ServerlessConfig"),
                        "InferenceSpecificationName": given.get("InferenceSpecificationName"),
                        "EnvironmentParameters": _environment(given)})
    if not planned and config.get("Endpoints"):
        planned = []  # a job on existing endpoints benchmarks those (EndpointPerformances) alone
    elif not planned:
        types: list[str] = []
        arn = config.get("ModelPackageVersionArn")
        if arn:
            package = ctx.store.table("model-package").find(ctx, arn) or {}
            specification = package.get("InferenceSpecification") or {}
            types = list(specification.get("SupportedRealtimeInferenceInstanceTypes") or ())
        if not types:
            types = list((config.get("ContainerConfig") or {}).get("SupportedInstanceTypes") or ())
        planned = [{"InstanceType": kind} for kind in dict.fromkeys(types or DEFAULT_INSTANCE_TYPES)]
    document["_benchmarks"] = planned[:MAX_RECOMMENDATIONS]


def _benchmark(document: Document, index: int, planned: Document) -> Document:
    """One benchmark's InferenceRecommendation (metrics, endpoint, model configuration)."""
    name = document["JobName"]
    endpoint: Document = {"EndpointName": f"{name[:40]}-{index + 1}", "VariantName": "AllTraffic"}
    if planned.get("InstanceType"):
        endpoint["InstanceType"] = planned["InstanceType"]
        endpoint["InitialInstanceCount"] = 1
    elif planned.get("ServerlessConfig"):
        endpoint["ServerlessConfig"] = planned["ServerlessConfig"]
    model: Document = {}
    for member in ("InferenceSpecificationName", "EnvironmentParameters"):
        if planned.get(member):
            model[member] = planned[member]
    return {"RecommendationId": _recommendation_id(name, document["JobArn"], str(index)),
            "Metrics": performance(planned.get("InstanceType"),
                                   None if planned.get("InstanceType") else planned.get("ServerlessConfig")),
            "EndpointConfiguration": endpoint, "ModelConfiguration": model}


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """A completed job answers its recommendations (cheapest per inference first; an Advanced job
    on an existing endpoint, that endpoint's performance); every end stamps CompletionTime."""
    if status in TERMINAL:
        document["CompletionTime"] = now
    if status != "COMPLETED":
        return
    benchmarks = [_benchmark(document, index, planned) for index, planned in
                  enumerate(document.get("_benchmarks") or ())]
    for benchmark in benchmarks:
        benchmark["InvocationStartTime"] = document.get("_started", now)
        benchmark["InvocationEndTime"] = now
    endpoints = document["InputConfig"].get("Endpoints") or ()
    if endpoints:
        document["EndpointPerformances"] = [
            {"Metrics": {key: performance(document.get("_endpoint_types", {}).get(item["EndpointName"]))[key]
                         for key in ("MaxInvocations", "ModelLatency")},
             "EndpointInfo": {"EndpointName": item["EndpointName"]}} for item in endpoints]
    if benchmarks:
        document["InferenceRecommendations"] = sorted(
            benchmarks, key=lambda found: (found["Metrics"]["CostPerInference"], found["RecommendationId"]))
    document["_results"] = benchmarks


def _moved(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    if status == "IN_PROGRESS":
        document.setdefault("_started", now)
    _entered(document, status, store, now)


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="RecommendationJobStatus",
    paths={"create": ("PENDING", "IN_PROGRESS", "COMPLETED"), "stop": ("STOPPING", "STOPPED")},
    failure_paths={"create": ("PENDING", "IN_PROGRESS", "FAILED")},
    name_key="JobName",
    accepts={"stop": ("PENDING", "IN_PROGRESS")},
    stamps_modified=True,
    on_enter=_moved,
)


# -- rules ------------------------------------------------------------------------------------

def _one_model(params: Params, ctx: Context) -> None:
    """"Inference Recommender supports either one model package ARN or a model name as input"; the
    package is a versioned one, the model one that exists."""
    config = params["InputConfig"]
    arn, model = config.get("ModelPackageVersionArn"), config.get("ModelName")
    if (arn is None) == (model is None):
        raise ValidationError("Specify either ModelPackageVersionArn or ModelName in InputConfig, but not both.")
    if arn is not None:
        package = ctx.store.table("model-package").find(ctx, arn)
        if package is None or package.get("ModelPackageVersion") is None:
            raise ValidationError(f"Model package version {arn} does not exist.")
    elif ctx.store.table("model").find(ctx, model) is None:
        raise ValidationError(f"Could not find model \"{ctx.arn_for('model', model)}\".")


def _endpoints(params: Params, ctx: Context) -> None:
    """InputConfig.Endpoints: "Existing customer endpoints on which to run an Inference Recommender
    job" (an Advanced job's); each must exist."""
    for item in params["InputConfig"].get("Endpoints") or ():
        name = item.get("EndpointName")
        if name is None or ctx.store.table("endpoint").find(ctx, name) is None:
            raise ValidationError(f"Could not find endpoint \"{ctx.arn_for('endpoint', name or '')}\".")


def _configurations(params: Params, ctx: Context) -> None:
    """EndpointInputConfiguration: what to benchmark, an instance type or a serverless configuration
    (a configuration with neither names no endpoint; AWS does not say it refuses both, so both are
    kept, and the instance type is benchmarked)."""
    for index, item in enumerate(params["InputConfig"].get("EndpointConfigurations") or (), start=1):
        if item.get("InstanceType") is None and item.get("ServerlessConfig") is None:
            raise ValidationError(f"InputConfig.EndpointConfigurations.{index}: specify InstanceType or "
                                  "ServerlessConfig.")


def _traffic(params: Params, ctx: Context) -> None:
    """TrafficPattern: PHASES uses Phases, STAIRS uses Stairs ("Defines the traffic patterns")."""
    pattern = params["InputConfig"].get("TrafficPattern")
    if not pattern:
        return
    kind = pattern.get("TrafficType") or "PHASES"
    if kind == "STAIRS" and not pattern.get("Stairs"):
        raise ValidationError("TrafficPattern of type STAIRS needs Stairs.")
    if kind == "PHASES" and pattern.get("Stairs") and not pattern.get("Phases"):
        raise ValidationError("TrafficPattern of type PHASES needs Phases.")


def _track(document: Document, params: Params, ctx: Context) -> None:
    _plan(document, params, ctx)
    types: Document = {}
    for item in params["InputConfig"].get("Endpoints") or ():
        endpoint = ctx.store.table("endpoint").find(ctx, item["EndpointName"]) or {}
        variants = endpoint.get("ProductionVariants") or ()
        current = (variants[0].get("CurrentInstanceType") or variants[0].get("InstanceType")) if variants else None
        if current is None and variants:
            config = ctx.store.table("endpoint-config").find(ctx, endpoint.get("EndpointConfigName", "")) or {}
            listed = config.get("ProductionVariants") or ()
            current = listed[0].get("InstanceType") if listed else None
        types[item["EndpointName"]] = current
    document["_endpoint_types"] = types


def _model_name(document: Document) -> Any:
    return document["InputConfig"].get("ModelName")


def _package(document: Document) -> Any:
    return document["InputConfig"].get("ModelPackageVersionArn")


def _payload(document: Document) -> Any:
    return ((document["InputConfig"].get("ContainerConfig") or {}).get("PayloadConfig") or {}).get("SamplePayloadUrl")


RECOMMENDATIONS_JOB = Resource(
    "InferenceRecommendationsJob",
    kind=KIND,
    # DescribeInferenceRecommendationsJob declares ResourceNotFound; AWS's wording is not published.
    missing=not_found("Could not find inference recommendations job {arn}."),
    duplicate=in_use("An inference recommendations job with this name already exists ({arn})."),
    lifecycle=LIFECYCLE,
    rules=(
        Rule(_one_model, "docs.aws.amazon.com/sagemaker/latest/dg/instance-recommendation-create.html: \"Inference "
             "Recommender supports either one model package ARN or a model name as input\""),
        Rule(_endpoints, "RecommendationJobInputConfig.Endpoints: existing endpoints"),
        Rule(_configurations, "EndpointInputConfiguration: InstanceType or ServerlessConfig"),
        Rule(_traffic, "TrafficPattern.TrafficType: PHASES (Phases) or STAIRS (Stairs)",
             ("Choose either PHASES or STAIRS",)),
    ),
    on_create=_track,
    # ListInferenceRecommendationsJobs requires JobDescription in each summary; Create does not.
    summary={"JobDescription": lambda document: document.get("JobDescription", ""), "ModelName": _model_name,
             "ModelPackageVersionArn": _package, "SamplePayloadUrl": _payload},
    filters={"ModelNameEquals": lambda document, value: _model_name(document) == value,
             "ModelPackageVersionArnEquals": lambda document, value: _package(document) == value},
    # The documentation states no default: newest first, as SageMaker's other job lists.
    default_sort=("CreationTime", "Descending"),
    waivers={
        "You can create either an instance recommendation or load test job": "describes JobType (Default or "
        "Advanced), which the model's enum validates",
        "The name must be unique within": "claimed by the engine's duplicate check (ResourceInUse)",
        "must have kms:CreateGrant permission": "IAM and KMS are not modelled",
        "must have kms:GenerateDataKey permission": "IAM and KMS are not modelled",
    },
    example={
        "JobName": "xgb-instances",
        "JobType": "Default",
        "RoleArn": "arn:aws:iam::123456789012:role/recommender",
        "InputConfig": {"ModelName": "xgb", "ContainerConfig": {
            "Domain": "MACHINE_LEARNING", "Task": "CLASSIFICATION", "Framework": "XGBOOST",
            "PayloadConfig": {"SamplePayloadUrl": "s3://bucket/payload.tar.gz", "SupportedContentTypes": ["text/csv"]},
            "SupportedInstanceTypes": ["ml.m5.large", "ml.c5.xlarge"]}},
    },
    example_needs=(("CreateModel", {"ModelName": "xgb", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/model",
                                    "PrimaryContainer": {
                                        "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
                                        "ModelDataUrl": "s3://bucket/model.tar.gz"}}),),
)

_STEP_LISTING = Listing(sort_keys={"Index": "_index"}, default_sort="Index", default_order="Ascending", id_key="_id",
                        status_key="Status")


def _step_status(job_status: str) -> str:
    return {"STOPPING": "STOPPED"}.get(job_status, job_status)


class InferenceRecommender(Backend):
    jobs = RECOMMENDATIONS_JOB.table()

    @operation
    def list_inference_recommendations_job_steps(self, params: Params, ctx: Context) -> Document:
        """One BENCHMARK step per endpoint configuration the job benchmarks, in the job's status
        (with its benchmark once it completed), filtered by Status and StepType."""
        document = self.jobs.require(ctx, params["JobName"])
        status = _step_status(document["Status"])
        results = document.get("_results") or [None] * len(document.get("_benchmarks") or ())
        steps: list[Document] = []
        for index, result in enumerate(results):
            step: Document = {"StepType": "BENCHMARK", "JobName": document["JobName"], "Status": status,
                              "_index": index, "_id": str(index)}
            if result is not None:
                step["InferenceBenchmark"] = {
                    "Metrics": result["Metrics"], "EndpointConfiguration": result["EndpointConfiguration"],
                    "ModelConfiguration": result["ModelConfiguration"],
                    "EndpointMetrics": {key: result["Metrics"][key] for key in ("MaxInvocations", "ModelLatency")},
                    "InvocationStartTime": result["InvocationStartTime"],
                    "InvocationEndTime": result["InvocationEndTime"]}
            elif status == "FAILED":
                step["InferenceBenchmark"] = {"ModelConfiguration": {},
                                              "FailureReason": document.get("FailureReason", "")}
            steps.append(step)
        if params.get("StepType") not in (None, "BENCHMARK"):
            steps = []
        page, token = _STEP_LISTING.run(steps, {**params, "StatusEquals": params.get("Status")})
        return {"Steps": [{key: value for key, value in step.items() if not key.startswith("_")} for step in page],
                "NextToken": token}

    @operation
    def get_scaling_configuration_recommendation(self, params: Params, ctx: Context) -> Document:
        """An autoscaling policy for one benchmark of a completed job, computed from its metrics:
        each instance handles its benchmarked MaxInvocations scaled by the CPU target
        (TargetCpuUtilizationPerCore, 50 when not given), and the capacity covers the expected
        traffic (ScalingPolicyObjective)."""
        name = params["InferenceRecommendationsJobName"]
        document = self.jobs.require(ctx, name)
        wanted, endpoint = params.get("RecommendationId"), params.get("EndpointName")
        if (wanted is None) == (endpoint is None):
            raise ValidationError("Specify either RecommendationId or EndpointName, but not both.")
        if document["Status"] != "COMPLETED":
            raise ValidationError(f"Inference recommendations job {name} is in status {document['Status']}: a scaling "
                                  "recommendation needs a completed job.")
        metrics: Document | None = None
        for result in document.get("_results") or ():
            if result["RecommendationId"] == wanted or result["EndpointConfiguration"]["EndpointName"] == endpoint:
                metrics = result["Metrics"]
        for item in document.get("EndpointPerformances") or ():
            if endpoint is not None and item["EndpointInfo"].get("EndpointName") == endpoint:
                metrics = item["Metrics"]
        if metrics is None:
            missing = f"recommendation {wanted}" if wanted is not None else f"endpoint {endpoint}"
            raise ResourceNotFound(f"Inference recommendations job {name} has no {missing}.")
        target = params.get("TargetCpuUtilizationPerCore") or 50
        per_instance = max(1, math.floor(metrics["MaxInvocations"] * target / 100))
        objective = params.get("ScalingPolicyObjective") or {}
        low, high = objective.get("MinInvocationsPerMinute"), objective.get("MaxInvocationsPerMinute")
        minimum = max(1, math.ceil(low / per_instance)) if low else 1
        maximum = max(minimum, math.ceil(high / per_instance)) if high else minimum
        answer: Document = {
            "InferenceRecommendationsJobName": document["JobName"],
            "TargetCpuUtilizationPerCore": target,
            "Metric": {"InvocationsPerInstance": per_instance, "ModelLatency": metrics["ModelLatency"]},
            "DynamicScalingConfiguration": {
                "MinCapacity": minimum, "MaxCapacity": maximum, "ScaleInCooldown": 300, "ScaleOutCooldown": 300,
                "ScalingPolicies": [{"TargetTracking": {
                    "MetricSpecification": {"Predefined": {
                        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}},
                    "TargetValue": float(per_instance)}}]},
        }
        for member in ("RecommendationId", "EndpointName", "ScalingPolicyObjective"):
            if params.get(member) is not None:
                answer[member] = params[member]
        return answer
