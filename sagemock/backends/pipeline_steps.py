"""What a pipeline step creates: the job, model or model package its arguments describe.

A Training, Processing, Transform, Tuning, Model or RegisterModel step (and the ClarifyCheck and
QualityCheck steps, which run processing jobs) has `Arguments` in the request form of the API it
calls, less the name the pipeline gives the resource ("The `CreateTrainingJob` request is not quite
the args list that workflow needs": the SageMaker Python SDK leaves `TrainingJobName` out). When
the execution runs the step, its arguments are evaluated (parameters, execution variables,
`Std:Join`, and the properties of the resources earlier steps created: "The `properties` attribute
of a Pipelines step matches the object returned by a `Describe` call for the corresponding
SageMaker AI job type", Developer Guide, "Pipelines steps") and the resource is created through
the owning family's own Create operation (`dispatch.call`), so that it is checked as a client's
request would be, and exists afterwards like any other: listed, described, searchable.

This module knows each step type's operations and members; it never imports another family. The
walk itself (statuses, order, conditions) stays in `pipelines`.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from botocore.model import Shape

from ..core import dispatch, service, validate
from ..core.context import Context
from ..core.errors import ServiceError

Document = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Creates:
    """How a step type creates its resource and how the execution follows it."""

    create: str  #: the Create operation
    name_member: str | None  #: the request member the pipeline fills with the resource's name
    arn_member: str  #: the Create answer's member holding the new ARN
    describe: str  #: the Describe operation (the step's properties)
    describe_member: str  #: the Describe request's member naming the resource (ARN accepted)
    kind: str  #: the store table of the resource
    metadata: str  #: the `PipelineExecutionStepMetadata` member
    longest: int  #: the longest name the resource type accepts
    status_key: str | None = None  #: the resource's status (None: done once created)
    end_key: str | None = None  #: when a job ended
    stop: str | None = None  #: the Stop operation of a job


_TRAINING = Creates("CreateTrainingJob", "TrainingJobName", "TrainingJobArn", "DescribeTrainingJob",
                    "TrainingJobName", "training-job", "TrainingJob", 63, "TrainingJobStatus", "TrainingEndTime",
                    "StopTrainingJob")
_PROCESSING = Creates("CreateProcessingJob", "ProcessingJobName", "ProcessingJobArn", "DescribeProcessingJob",
                      "ProcessingJobName", "processing-job", "ProcessingJob", 63, "ProcessingJobStatus",
                      "ProcessingEndTime", "StopProcessingJob")
#: Step type -> what it creates. Condition, Fail, Callback, Lambda, EMR and the others create nothing.
CREATES: dict[str, Creates] = {
    "Training": _TRAINING,
    "Processing": _PROCESSING,
    "Transform": Creates("CreateTransformJob", "TransformJobName", "TransformJobArn", "DescribeTransformJob",
                         "TransformJobName", "transform-job", "TransformJob", 63, "TransformJobStatus",
                         "TransformEndTime", "StopTransformJob"),
    "Tuning": Creates("CreateHyperParameterTuningJob", "HyperParameterTuningJobName", "HyperParameterTuningJobArn",
                      "DescribeHyperParameterTuningJob", "HyperParameterTuningJobName", "hyper-parameter-tuning-job",
                      "TuningJob", 32, "HyperParameterTuningJobStatus", "HyperParameterTuningEndTime",
                      "StopHyperParameterTuningJob"),
    "Model": Creates("CreateModel", "ModelName", "ModelArn", "DescribeModel", "ModelName", "model", "Model", 63),
    "RegisterModel": Creates("CreateModelPackage", None, "ModelPackageArn", "DescribeModelPackage",
                             "ModelPackageName", "model-package", "RegisterModel", 63, "ModelPackageStatus"),
    "QualityCheck": dataclasses.replace(_PROCESSING, metadata="QualityCheck"),
    "ClarifyCheck": dataclasses.replace(_PROCESSING, metadata="ClarifyCheck"),
}
#: The step-level members of a check step that its `Metadata` repeats (as the model names them).
CHECK_MEMBERS = ("CheckType", "ModelPackageGroupName", "SkipCheck", "RegisterNewBaseline")
#: A resource's status: done and good, done and bad.
SUCCEEDED = frozenset(("Completed",))
FAILED = frozenset(("Failed", "Stopped"))

_TOKEN = re.compile(r"\.?([A-Za-z0-9_]+)|\[(\d+)\]|\[['\"](.+?)['\"]\]")


class Unknown(Exception):
    """A value the mock cannot know (a property file, a property the resource does not have)."""


def refusal(operation: str, error: ServiceError) -> str:
    """A step's `FailureReason` when the service refused its request, as AWS words it ("ClientError:
    Failed to invoke sagemaker:CreateTrainingJob. Error Details: ...")."""
    return f"ClientError: Failed to invoke sagemaker:{operation}. Error Details: {error.message}"


def request(creates: Creates, arguments: Any, name: str) -> Document:
    """The Create request of a step: its evaluated arguments, typed as the operation's input shape
    types them (a parameter's number where the API wants text), and the name the pipeline gives."""
    params = coerce(arguments if isinstance(arguments, dict) else {},
                    service.operation(creates.create).input_shape)
    if creates.name_member is not None:
        params[creates.name_member] = name
    return dict(params)


def coerce(value: Any, shape: Shape | None) -> Any:
    """`value` with its scalars converted to the shape's types where the conversion is exact:
    numbers and booleans become text for string members, numeric text becomes numbers."""
    if shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        return {key: coerce(item, members.get(key)) for key, item in value.items()}
    if kind == "list" and isinstance(value, list):
        return [coerce(item, shape.member) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: coerce(item, shape.value) for key, item in value.items()}
    if kind == "string" and isinstance(value, (bool, int, float)):
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if kind in ("integer", "long") and isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    if kind in ("float", "double") and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def create(ctx: Context, creates: Creates, params: Document) -> str:
    """Create the resource through its family's own operation; its ARN. Raises what the service
    would answer a refused request with.

    A RegisterModel step registers into the group it names, which it creates when there is none
    (the SageMaker Python SDK writes no CreateModelPackageGroup into a pipeline, and its
    `RegisterModel` documents that "tags will only be applied to newly created model package
    groups"); a request the model refuses creates no group."""
    if creates.create == "CreateModelPackage":
        group = params.get("ModelPackageGroupName")
        if isinstance(group, str) and not group.startswith("arn:"):
            validate.request(service.operation(creates.create), params)
            if ctx.store.table("model-package-group").find(ctx, group) is None:
                dispatch.call(ctx, "CreateModelPackageGroup", {"ModelPackageGroupName": group})
    answer = dispatch.call(ctx, creates.create, params)
    return str(answer[creates.arn_member])


def metadata(creates: Creates, check: Document, arn: str) -> Document:
    """The step's `Metadata` once its resource exists (`check`: a check step's evaluated
    `CHECK_MEMBERS`)."""
    if creates.metadata in ("QualityCheck", "ClarifyCheck"):
        check = {**check, "CheckJobArn": arn}
        return {creates.metadata: check}
    return {creates.metadata: {"Arn": arn}}


def properties(ctx: Context, creates: Creates, arn: str) -> Document:
    """The step's properties: the resource's Describe answer. A tuning step's also holds its
    training jobs with an objective value, best first, as `TrainingJobSummaries` (the SageMaker
    Python SDK's `get_top_model_s3_uri`: "The best training job model is at index 0")."""
    described = dispatch.call(ctx, creates.describe, {creates.describe_member: _identifier(creates, arn)})
    if creates.create == "CreateHyperParameterTuningJob":
        objective = (described.get("HyperParameterTuningJobConfig") or {}).get("HyperParameterTuningJobObjective") or {}
        listed = dispatch.call(ctx, "ListTrainingJobsForHyperParameterTuningJob", {
            "HyperParameterTuningJobName": described["HyperParameterTuningJobName"],
            "SortBy": "FinalObjectiveMetricValue", "MaxResults": 100,
            "SortOrder": "Ascending" if objective.get("Type") == "Minimize" else "Descending"})
        described = {**described, "TrainingJobSummaries": listed.get("TrainingJobSummaries") or []}
    return described


def _identifier(creates: Creates, arn: str) -> str:
    """How a request names the resource: its name, or its ARN for a model package version."""
    return arn if creates.create == "CreateModelPackage" else arn.rsplit("/", 1)[-1]


def read(document: Any, path: str) -> Any:
    """The value at a property path (`ModelArtifacts.S3ModelArtifacts`,
    `ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri`, `FinalMetricDataList['mse'].Value`,
    `TrainingJobSummaries[0].TrainingJobName`). A list indexed by text is searched for the item
    whose name (`OutputName`, `MetricName`, `ChannelName` ...) is that text."""
    position = 0
    value = document
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None or match.end() == position:
            raise Unknown(path)
        position = match.end()
        member, index, key = match.groups()
        if member is not None:
            if not isinstance(value, dict) or member not in value or member.startswith("_"):
                raise Unknown(path)
            value = value[member]
        elif index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                raise Unknown(path)
            value = value[int(index)]
        else:
            value = _keyed(value, key, path)
    if value is None:
        raise Unknown(path)
    return value


def _keyed(value: Any, key: str, path: str) -> Any:
    if isinstance(value, dict):
        if key not in value:
            raise Unknown(path)
        return value[key]
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and any(name.endswith("Name") and item[name] == key for name in item):
                return item
    raise Unknown(path)


def status(ctx: Context, creates: Creates, arn: str) -> tuple[str | None, Document | None]:
    """The resource's status as this request reads it (its own transitions move on), and its
    document; (None, None) once it is gone."""
    document = ctx.store.table(creates.kind).find(ctx, arn)
    if document is None:
        return None, None
    return (document.get(creates.status_key) if creates.status_key else "Completed"), document


def stop(ctx: Context, creates: Creates, arn: str) -> None:
    """Stop a running job through its family's Stop operation (one that has ended stays as it is)."""
    if creates.stop is None:
        return
    try:
        dispatch.call(ctx, creates.stop, {creates.describe_member: _identifier(creates, arn)})
    except ServiceError:
        pass
