"""Inference optimization jobs: CreateOptimizationJob, DescribeOptimizationJob, ListOptimizationJobs,
StopOptimizationJob and DeleteOptimizationJob, derived from the model by the declared-resource engine.

A job applies optimization techniques (quantization, compilation, sharding, speculative decoding;
each `OptimizationConfig` is a union of one) to a model from S3 or a SageMaker model, and writes
the optimized model to `OutputConfig.S3OutputLocation` (and, with `OutputConfig.SageMakerModel`, as
a SageMaker model: `ModelName` is "The name of a SageMaker model"). It walks STARTING -> INPROGRESS
-> COMPLETED (at once by default, on the mock clock or on reads in the other modes); StopOptimizationJob
walks STOPPING -> STOPPED; `mock.fail_next("optimization-job", ...)` ends in FAILED with the reason.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "optimization-job"
STATUS = "OptimizationJobStatus"
TERMINAL = ("COMPLETED", "FAILED", "STOPPED")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """Start and end times as the job runs (`OptimizationStartTime`, `OptimizationEndTime`)."""
    if status == "INPROGRESS":
        document.setdefault("OptimizationStartTime", now)
    if status in TERMINAL:
        document["OptimizationEndTime"] = now


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape=STATUS,
    paths={"create": ("STARTING", "INPROGRESS", "COMPLETED"), "stop": ("STOPPING", "STOPPED")},
    failure_paths={"create": ("STARTING", "INPROGRESS", "FAILED")},
    failure_key="FailureReason",
    name_key="OptimizationJobName",
    # As for compilation jobs, the other Neo-run job: Stop from STARTING or INPROGRESS; Delete once
    # the job has ended.
    accepts={"stop": ("STARTING", "INPROGRESS"), "delete": TERMINAL},
    stamps_modified=True,
    on_enter=_entered,
)

#: The technique each OptimizationConfig member applies, as ListOptimizationJobs names it
#: (OptimizationContains: "You can specify either Quantization or Compilation").
TECHNIQUES = {"ModelQuantizationConfig": "Quantization", "ModelCompilationConfig": "Compilation",
              "ModelShardingConfig": "Sharding", "ModelSpeculativeDecodingConfig": "SpeculativeDecoding"}


def _techniques(document: Document) -> list[str]:
    return [TECHNIQUES[member] for config in document.get("OptimizationConfigs") or () for member in config
            if member in TECHNIQUES]


def _one_technique_each(params: Params, ctx: Context) -> None:
    """OptimizationConfig "is a UNION, so only one of the following members can be specified"."""
    for index, config in enumerate(params.get("OptimizationConfigs") or (), start=1):
        given = [member for member, value in config.items() if value is not None]
        if len(given) != 1:
            raise ValidationError(f"OptimizationConfigs.{index}: an optimization config sets exactly one technique "
                                  f"(ModelQuantizationConfig, ModelCompilationConfig, ModelShardingConfig or "
                                  f"ModelSpeculativeDecodingConfig); this one sets {len(given)}.")


def _source(params: Params, ctx: Context) -> None:
    """ModelSource: "The location of the source model to optimize", from S3 or a SageMaker model; the
    SageMaker model must exist."""
    source = params["ModelSource"]
    if not source.get("S3") and not source.get("SageMakerModel"):
        raise ValidationError("ModelSource must give the model's location: S3 (S3Uri) or SageMakerModel (ModelName).")
    model = (source.get("SageMakerModel") or {}).get("ModelName")
    if model is not None and ctx.store.table("model").find(ctx, model) is None:
        raise ValidationError(f"Could not find model \"{model}\".")


def _stopping(params: Params, ctx: Context) -> None:
    condition = params["StoppingCondition"]
    runtime, wait = condition.get("MaxRuntimeInSeconds"), condition.get("MaxWaitTimeInSeconds")
    if runtime is not None and wait is not None and wait < runtime:
        raise ValidationError(f"MaxWaitTimeInSeconds ({wait}) must be equal to or greater than MaxRuntimeInSeconds "
                              f"({runtime}).")


def _filters() -> dict[str, Any]:
    return {"OptimizationContains": lambda document, value: value.lower() in
            (technique.lower() for technique in _techniques(document))}


OPTIMIZATION_JOB = Resource(
    "OptimizationJob",
    kind=KIND,
    # The operations declare ResourceNotFound and ResourceInUse; AWS's wording is not published.
    missing=not_found("Could not find optimization job {arn}."),
    duplicate=in_use("An optimization job with this name already exists ({arn})."),
    lifecycle=LIFECYCLE,
    rules=(
        Rule(_one_technique_each, "OptimizationConfig in the API reference: \"This data type is a UNION, so only one "
             "of the following members can be specified\""),
        Rule(_source, "ModelSource (S3 or SageMakerModel); the SageMaker model must exist"),
        Rule(_stopping, "StoppingCondition.MaxWaitTimeInSeconds", ("equal to or greater than MaxRuntimeInSeconds",)),
    ),
    waivers={
        "You can specify at most one training plan": "the model's own bound on TrainingPlanArns (a list of at most "
        "one), validated with every constraint of the input shape",
        "The data must be formatted as ShareGPT, OpenAI Completions or OpenAI Chat Completions": "the training data "
        "is not read",
        "It is not applied per instance type preference": "the job never waits for capacity",
        "You can specify either Quantization or Compilation": "claimed by the OptimizationContains filter "
        "(Quantization, Compilation, and the other techniques' names, Sharding and SpeculativeDecoding, which "
        "OptimizationTypes answers)",
    },
    summary={"OptimizationTypes": _techniques},
    filters=_filters(),
    example={
        "OptimizationJobName": "llama-awq",
        "RoleArn": "arn:aws:iam::123456789012:role/optimization",
        "ModelSource": {"S3": {"S3Uri": "s3://bucket/llama/", "ModelAccessConfig": {"AcceptEula": True}}},
        "DeploymentInstanceType": "ml.g5.12xlarge",
        "OptimizationConfigs": [{"ModelQuantizationConfig": {
            "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.28.0-lmi10.0.0-cu124",
            "OverrideEnvironment": {"OPTION_QUANTIZE": "awq"}}}],
        "OutputConfig": {"S3OutputLocation": "s3://bucket/llama-awq/"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 36000},
    },
)


class Optimization(Backend):
    jobs = OPTIMIZATION_JOB.table()
