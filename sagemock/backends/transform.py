"""Batch transform jobs: CreateTransformJob, DescribeTransformJob, ListTransformJobs and
StopTransformJob, derived from the model by the declared-resource engine.

A job walks InProgress -> Completed (instantly by default); StopTransformJob walks Stopping ->
Stopped from InProgress only, and "when you stop a batch transform job before it is completed,
Amazon SageMaker doesn't store the job's output in Amazon S3", so a stopped job produces nothing; a
failure planned with `mock.fail_next("transform-job", ...)` ends in Failed with the reason. The model
has no DeleteTransformJob: a job's name is taken for good.

The model named by ModelName must exist. As for training and processing jobs, SageMaker creates a
trial component `<job>-aws-transform-job` whose Source is the job, joins it to `ExperimentConfig`'s
trial, and tracks the input data and, once the job completes, the results (`job_tracking`).

ListTransformJobs answers, filters and sorts on `LastModifiedTime`, which DescribeTransformJob does not
answer: the lifecycle keeps it in the private `_LastModifiedTime` (`undescribed=`).
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from ..core import artifacts, validate
from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule
from ..core.state import Store
from . import job_tracking

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "transform-job"
COMPONENT_SUFFIX = "-aws-transform-job"
SOURCE_TYPE = "SageMakerTransformJob"
MODIFIED = "_LastModifiedTime"
#: MaxPayloadInMB: "The value of MaxPayloadInMB cannot be greater than 100 MB", nor MaxConcurrentTransforms
#: times it. TransformResources.InstanceCount: "The default value is 1, and the maximum is 100."
PAYLOAD_LIMIT_MB = 100
INSTANCE_LIMIT = 100
#: The members those limits bound, refused in the input validator's words (`Rule.refuses`).
PAYLOAD, INSTANCES = "MaxPayloadInMB", "TransformResources.InstanceCount"
#: The trial component's input and output artifact names, as a transform job's component shows them.
INPUT_ARTIFACT = "SageMaker.TransformInput"
OUTPUT_ARTIFACT = "SageMaker.TransformOutput"
#: What AWS answers for members left out of a request (the describe the SageMaker controller for
#: Kubernetes recorded, and the defaults it copies back: aws-controllers-k8s/sagemaker-controller,
#: transform_job custom_delta.go and testdata success_completed_describe.json).
INPUT_DEFAULTS = {"CompressionType": "None", "SplitType": "None"}
OUTPUT_DEFAULTS = {"AssembleWith": "None", "KmsKeyId": ""}
PROCESSING_DEFAULTS = {"InputFilter": "$", "JoinSource": "None", "OutputFilter": "$"}
#: The characters a DataProcessing filter may hold: names and indexes (letters and digits; AWS refuses
#: "_"), and the JSONPath operators SageMaker supports ("Unexpected "_" in JsonPath. Supported operators
#: for "application/jsonlines" are ['$', '[', ']', '*', '.', ' ', ',', ':', '-', ''']", aws/aws-sdk#184).
OPERATORS = "$[]*. ,:-'"
_UNSUPPORTED = re.compile(r"[^\w$\[\]*. ,:\-']|_")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """Start and end times, the trial component, and the results a completed job wrote."""
    if status == "InProgress":
        document.setdefault("TransformStartTime", now)
    if status in job_tracking.TERMINAL:
        document["TransformEndTime"] = now
    # The form a transform job's component shows: "Status: Completed, failure reason: null".
    message = f"Status: {status}, failure reason: {document.get('FailureReason') or 'null'}"
    component = job_tracking.follow(store, document.get("_component"), status, message,
                                    document.get("TransformStartTime"), now)
    if status == "Completed":
        artifacts.write_results(store, document["TransformJobName"], document)
    if component is not None and status == "Completed":
        job_tracking.produced(store, component, OUTPUT_ARTIFACT, document["TransformOutput"]["S3OutputPath"],
                              "DataSet", now, {})


LIFECYCLE = Lifecycle.job(KIND, "TransformJobStatus", name_key="TransformJobName", on_enter=_entered,
                          deletable=False, modified_key=MODIFIED)


def _model(params: Params, ctx: Context) -> None:
    """The model exists, and SageMaker Batch can run it: none of its containers takes its artifacts from
    ModelDataSource ("SageMaker Batch currently doesn't support Model entity with container definitions
    which use ModelDataSource attribute")."""
    model = ctx.store.table("model").require(ctx, params["ModelName"])
    containers = [model["PrimaryContainer"]] if model.get("PrimaryContainer") else model.get("Containers") or []
    if any(container.get("ModelDataSource") for container in containers):
        raise ValidationError("SageMaker Batch currently doesn't support Model entity with container definitions "
                              "which use ModelDataSource attribute")


def _payload(params: Params, ctx: Context) -> None:
    """MaxPayloadInMB is at most 100 MB, and so is MaxConcurrentTransforms times MaxPayloadInMB when
    both are given."""
    payload, concurrent = params.get("MaxPayloadInMB"), params.get("MaxConcurrentTransforms")
    if payload is not None and payload > PAYLOAD_LIMIT_MB:
        raise ValidationError(validate.message([(validate.request_path(PAYLOAD), payload, "Member must have value "
                                                 f"less than or equal to {PAYLOAD_LIMIT_MB}")]))
    if payload is not None and concurrent is not None and payload * concurrent > PAYLOAD_LIMIT_MB:
        raise ValidationError(f"MaxConcurrentTransforms * MaxPayloadInMB ({concurrent} * {payload} = "
                              f"{concurrent * payload} MB) cannot exceed {PAYLOAD_LIMIT_MB} MB.")


def _instances(params: Params, ctx: Context) -> None:
    """TransformResources.InstanceCount is at most 100 ("the maximum is 100")."""
    count = params["TransformResources"]["InstanceCount"]
    if count > INSTANCE_LIMIT:
        raise ValidationError(validate.message([(validate.request_path(INSTANCES), count, "Member must have "
                                                 f"value less than or equal to {INSTANCE_LIMIT}")]))


def _filters(params: Params, ctx: Context) -> None:
    """DataProcessing's InputFilter and OutputFilter are JSONPath expressions that begin with `$` and
    use only the operators SageMaker supports."""
    processing = params.get("DataProcessing") or {}
    content = (params["TransformInput"].get("ContentType") or "").strip()
    operators = "[" + ", ".join(f"'{operator}'" for operator in OPERATORS) + "]"
    supported = f'Supported operators for "{content}" are {operators}' if content else \
        f"Supported operators are {operators}"
    for member in ("InputFilter", "OutputFilter"):
        path = processing.get(member)
        if not path:
            continue
        if not path.startswith("$"):
            raise ValidationError(f'Invalid {member}: "{path}". A JsonPath must begin with "$". {supported}')
        unexpected = _UNSUPPORTED.search(path)
        if unexpected:
            raise ValidationError(f'Invalid {member}: "{path}". Unexpected "{unexpected.group()}" in JsonPath. '
                                  f"{supported}")


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """The defaults AWS answers for members left out, then the trial component and lineage SageMaker
    creates with the job (all checks have passed)."""
    document["TransformInput"] = {**INPUT_DEFAULTS, **document["TransformInput"]}
    document["TransformOutput"] = {**OUTPUT_DEFAULTS, **document["TransformOutput"]}
    document["DataProcessing"] = {**PROCESSING_DEFAULTS, **(document.get("DataProcessing") or {})}
    _track(document, params, ctx)


def _track(document: Document, params: Params, ctx: Context) -> None:
    """The component's parameters name the model and its primary container, its input artifact is the
    data to transform (with its MediaType), as a transform job's component shows them; the input data
    `ContributedTo` the component."""
    name = document["TransformJobName"]
    trial = job_tracking.check_experiment(ctx, params.get("ExperimentConfig"))
    document["_component"] = job_tracking.claim_component(ctx, document["TransformJobArn"], name + COMPONENT_SUFFIX)
    resources = document["TransformResources"]
    parameters: Document = {"SageMaker.InstanceCount": {"NumberValue": float(resources["InstanceCount"])},
                            "SageMaker.InstanceType": {"StringValue": resources["InstanceType"]},
                            "SageMaker.ModelName": {"StringValue": document["ModelName"]}}
    model = ctx.store.table("model").find(ctx, document["ModelName"]) or {}
    primary = model.get("PrimaryContainer") or {}
    if primary.get("ModelDataUrl"):
        parameters["SageMaker.ModelPrimary.DataUrl"] = {"StringValue": primary["ModelDataUrl"]}
    if primary.get("Image"):
        parameters["SageMaker.ModelPrimary.Image"] = {"StringValue": primary["Image"]}
    transform_input = document["TransformInput"]
    uri = transform_input["DataSource"]["S3DataSource"]["S3Uri"]
    artifact: Document = {"Value": uri}
    if transform_input.get("ContentType"):
        artifact["MediaType"] = transform_input["ContentType"]
    config = document.get("ExperimentConfig") or {}
    job_tracking.track(ctx, document["TransformJobArn"], document["_component"], name + COMPONENT_SUFFIX,
                       SOURCE_TYPE, job_tracking.Tracked(parameters, {INPUT_ARTIFACT: artifact}, {},
                                                         ((uri, "DataSet"),)),
                       trial, config.get("TrialComponentDisplayName"))


TRANSFORM_JOB = Resource(
    "TransformJob",
    kind=KIND,
    # generator.yaml of AWS's SageMaker controller for Kubernetes: TransformJob 404 is ValidationException
    # with message_prefix "Could not find requested job with name".
    missing=job_tracking.missing_job,
    # No transcript of AWS's answer was found: the form AWS gives for training jobs, as for processing.
    duplicate=job_tracking.name_taken("transform"),
    lifecycle=LIFECYCLE,
    undescribed={"LastModifiedTime": MODIFIED},
    references={"ModelName": "model"},
    rules=(
        Rule(_model, "CreateTransformJob: 'ModelName must be the name of an existing Amazon SageMaker model'; "
             "the missing-model message as a client's tests stub it (intuit/mlctl tests/sagemaker/test_batch.py: "
             "'Could not find model \"arn\".'); ModelDataSource: AWS's answer quoted in "
             "aws/sagemaker-python-sdk#4777 and #5160",
             ("ModelName must be the name of an existing",)),
        Rule(_payload, "CreateTransformJob.MaxPayloadInMB",
             ("MaxPayloadInMB cannot be greater than 100 MB",
              "the value of (MaxConcurrentTransforms * MaxPayloadInMB) also cannot exceed 100 MB"),
             refuses=(PAYLOAD,)),
        Rule(_instances, "TransformResources.InstanceCount: 'The default value is 1, and the maximum is 100.'",
             refuses=(INSTANCES,)),
        Rule(_filters, "DataProcessing filters: aws/aws-sdk#184 (AWS's answer 'Invalid OutputFilter: ... Unexpected "
             "\"_\" in JsonPath. Supported operators for \"application/jsonlines\" are [...]', and the SageMaker "
             "team: only the operators of the Developer Guide's table are supported); the guide: '$' is "
             "'required at the beginning of all path expressions'"),
        job_tracking.EXPERIMENT_RULE,
    ),
    on_create=_computed,
    waivers={
        "The name must be unique within an Amazon Web Services Region": "claimed by the engine's duplicate check "
        "(ResourceInUse)",
        "must be greater than, or equal to, the size of a single record": "records are not read",
        "To enable the batch strategy, you must set the SplitType property": "says how a strategy takes effect "
        "(SplitType: 'When splitting is enabled, the size of a mini-batch depends on ... BatchStrategy'); AWS "
        "documents no refusal of a strategy without splitting, and the SageMaker SDK sends one",
        "set BatchStrategy to SingleRecord and SplitType to Line": "advice on how to send one record a request",
        "creates an . out file only if the transform job succeeds on the entire file": "S3 objects are not written",
        "You can't request a VolumeKmsKeyId when using an instance type with local storage": "which instance types "
        "have local storage is not modelled",
        "The joined result for JSON must be a key-value pair object": "describes the output data; nothing is joined",
    },
    example={
        "TransformJobName": "score",
        "ModelName": "churn",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/batch/in"}},
                           "ContentType": "text/csv", "SplitType": "Line"},
        "TransformOutput": {"S3OutputPath": "s3://bucket/batch/out", "AssembleWith": "Line", "Accept": "text/csv"},
        "TransformResources": {"InstanceCount": 1, "InstanceType": "ml.m5.large"},
        "BatchStrategy": "MultiRecord",
        "MaxPayloadInMB": 6,
        "MaxConcurrentTransforms": 4,
        "DataProcessing": {"InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$[0,-1]"},
    },
    example_needs=(("CreateModel", {"ModelName": "churn", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sm",
                                    "PrimaryContainer": {
                                        "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1",
                                        "ModelDataUrl": "s3://bucket/churn/model.tar.gz"}}),),
)


class Transform(Backend):
    jobs = TRANSFORM_JOB.table()
