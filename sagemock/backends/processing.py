"""Processing jobs: CreateProcessingJob, DescribeProcessingJob, ListProcessingJobs,
StopProcessingJob and DeleteProcessingJob, derived from the model by the declared-resource engine.

A job walks InProgress -> Completed (instantly by default); StopProcessingJob walks Stopping ->
Stopped from InProgress only; a failure planned with `mock.fail_next("processing-job", ...)` ends
in Failed with the reason. DeleteProcessingJob: "You can delete only processing jobs that are in a
terminal state (Stopped, Failed, or Completed). You cannot delete a job that is in the InProgress or
Stopping state. After deleting the job, you can reuse its name to create another processing job."

As for training jobs, SageMaker creates a trial component `<job>-aws-processing-job` whose Source is
the job, joins it to `ExperimentConfig`'s trial, and tracks lineage artifacts for the image, the
inputs and, once the job completes, the outputs (`job_tracking`). Monitoring schedules run their
executions as processing jobs (`MonitoringScheduleArn` names the schedule).
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core import artifacts
from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule
from ..core.state import Store
from . import job_tracking

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "processing-job"
#: ProcessingS3Input.LocalPath "must begin with /opt/ml/processing/".
LOCAL_ROOT = "/opt/ml/processing/"
COMPONENT_SUFFIX = "-aws-processing-job"
SOURCE_TYPE = "SageMakerProcessingJob"
#: What the job's trial component says in each status.
MESSAGES = {"InProgress": "Processing job in progress", "Completed": "Processing job completed",
            "Failed": "Processing job failed", "Stopping": "Stopping the processing job",
            "Stopped": "Processing job stopped"}


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """Start and end times, the trial component, the outputs a completed job wrote, and the exit
    message its container leaves if one was planned (`job_tracking.EXIT_MESSAGE`)."""
    if status == "InProgress":
        document.setdefault("ProcessingStartTime", now)
        cluster = document["ProcessingResources"]["ClusterConfig"]
        preferences = cluster.get("InstancePreferences")
        if preferences:  # every instance type has capacity: the first preference is selected
            cluster["SelectedInstanceType"] = preferences[0]["InstanceType"]
            cluster["SelectedInstanceCount"] = preferences[0].get("InstanceCount", cluster.get("InstanceCount"))
    if status in job_tracking.TERMINAL:
        document["ProcessingEndTime"] = now
    if status == "Completed" and document.get(job_tracking.EXIT_MESSAGE):
        document["ExitMessage"] = document[job_tracking.EXIT_MESSAGE]  # planned (a monitoring execution's)
    component = job_tracking.follow(store, document.get("_component"), status, MESSAGES.get(status, ""),
                                    document.get("ProcessingStartTime"), now)
    if status == "Completed":
        artifacts.write_outputs(store, document["ProcessingJobName"], document)
    if component is not None and status == "Completed":
        for output in (document.get("ProcessingOutputConfig") or {}).get("Outputs") or ():
            uri = (output.get("S3Output") or {}).get("S3Uri")
            if uri:
                job_tracking.produced(store, component, output["OutputName"], uri, "DataSet", now, {})


LIFECYCLE = Lifecycle.job(KIND, "ProcessingJobStatus", name_key="ProcessingJobName", on_enter=_entered)


def _destinations(params: Params, ctx: Context) -> None:
    """Each input is downloaded to its own LocalPath: AWS refuses two inputs with one destination
    (with an empty ValidationException message: aws/sagemaker-python-sdk#4939, "each input should
    have the destination location unique", from AWS support)."""
    paths = [local for item in params.get("ProcessingInputs") or ()
             if (local := (item.get("S3Input") or item.get("DatasetDefinition") or {}).get("LocalPath"))]
    repeated = sorted({path for path in paths if paths.count(path) > 1})
    if repeated:
        raise ValidationError(f"ProcessingInputs: each input needs its own LocalPath; {', '.join(repeated)} is the "
                              "destination of more than one input.")


def _inputs(params: Params, ctx: Context) -> None:
    """What ProcessingInput and ProcessingS3Input state of each input."""
    for item in params.get("ProcessingInputs") or ():
        name, managed = item["InputName"], item.get("AppManaged")
        given = [member for member in ("S3Input", "DatasetDefinition") if item.get(member) is not None]
        if len(given) != 1 and not managed:
            raise ValidationError(f"ProcessingInput {name} needs exactly one of S3Input and DatasetDefinition.")
        s3 = item.get("S3Input") or {}
        local = s3.get("LocalPath") if "S3Input" in item else (item.get("DatasetDefinition") or {}).get("LocalPath")
        if given and not managed and not local:
            raise ValidationError(f"ProcessingInput {name}: LocalPath is a required parameter when AppManaged is "
                                  "False.")
        if "S3Input" in item and local and not local.startswith(LOCAL_ROOT):
            raise ValidationError(f"ProcessingInput {name}: LocalPath {local} must be an absolute path that begins "
                                  f"with {LOCAL_ROOT}.")
        if s3.get("S3CompressionType") == "Gzip" and s3.get("S3InputMode") != "Pipe":
            raise ValidationError(f"ProcessingInput {name}: S3CompressionType Gzip can only be used when S3InputMode "
                                  "is Pipe.")


def _cluster(params: Params, ctx: Context) -> None:
    """ProcessingClusterConfig: an instance type or an ordered list of preferences (never both), and
    the instance count in exactly one place."""
    cluster = params["ProcessingResources"]["ClusterConfig"]
    preferences = cluster.get("InstancePreferences")
    for member in ("SelectedInstanceType", "SelectedInstanceCount"):
        if cluster.get(member) is not None:
            raise ValidationError(f"ProcessingResources.ClusterConfig.{member} is read-only and isn't accepted in "
                                  "CreateProcessingJob requests.")
    if not preferences:
        if not cluster.get("InstanceType"):
            raise ValidationError("ProcessingResources.ClusterConfig needs an InstanceType or InstancePreferences.")
        if cluster.get("InstanceCount") is None:
            raise ValidationError("ProcessingResources.ClusterConfig needs an InstanceCount.")
        return
    if cluster.get("InstanceType"):
        raise ValidationError("InstancePreferences is mutually exclusive with InstanceType.")
    types = [preference["InstanceType"] for preference in preferences]
    repeated = sorted({kind for kind in types if types.count(kind) > 1})
    if repeated:
        raise ValidationError(f"An instance type can appear only once in an InstancePreferences list; "
                              f"{', '.join(repeated)} is repeated.")
    counted = [preference.get("InstanceCount") is not None for preference in preferences]
    if any(counted) and not all(counted):
        raise ValidationError("Either every InstancePreferences entry specifies InstanceCount or none of them do.")
    if all(counted) == (cluster.get("InstanceCount") is not None):
        raise ValidationError("Specify the instance count either on every preference of InstancePreferences or as "
                              "ProcessingClusterConfig.InstanceCount, not both and not neither.")


def _track(document: Document, params: Params, ctx: Context) -> None:
    """The trial component and lineage SageMaker creates with the job (all checks have passed)."""
    name = document["ProcessingJobName"]
    trial = job_tracking.check_experiment(ctx, params.get("ExperimentConfig"))
    document["_component"] = job_tracking.claim_component(ctx, document["ProcessingJobArn"], name + COMPONENT_SUFFIX)
    image = document["AppSpecification"]["ImageUri"]
    cluster = (document.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    parameters: Document = {"SageMaker.ImageUri": {"StringValue": image}}
    if cluster.get("InstanceCount") is not None:
        parameters["SageMaker.InstanceCount"] = {"NumberValue": float(cluster["InstanceCount"])}
    if cluster.get("InstanceType"):
        parameters["SageMaker.InstanceType"] = {"StringValue": cluster["InstanceType"]}
    elif cluster.get("InstancePreferences"):
        parameters["SageMaker.InstanceType"] = {"StringValue": cluster["InstancePreferences"][0]["InstanceType"]}
    inputs: Document = {"SageMaker.ImageUri": {"Value": image}}
    reads: list[tuple[str, str]] = [(image, "Image")]
    for item in document.get("ProcessingInputs") or ():
        uri = (item.get("S3Input") or {}).get("S3Uri")
        if uri:
            inputs[item["InputName"]] = {"Value": uri}
            reads.append((uri, "DataSet"))
    config = document.get("ExperimentConfig") or {}
    job_tracking.track(ctx, document["ProcessingJobArn"], document["_component"], name + COMPONENT_SUFFIX,
                       SOURCE_TYPE, job_tracking.Tracked(parameters, inputs, {}, tuple(reads)), trial,
                       config.get("TrialComponentDisplayName"))


PROCESSING_JOB = Resource(
    "ProcessingJob",
    kind=KIND,
    missing=job_tracking.missing_job,
    # As for training jobs (ResourceInUse, which CreateProcessingJob declares).
    duplicate=job_tracking.name_taken("processing"),
    lifecycle=LIFECYCLE,
    rules=(
        Rule(_destinations, "aws/sagemaker-python-sdk#4939 (AWS support: each input's destination is unique)"),
        Rule(_inputs, "ProcessingInput and ProcessingS3Input (LocalPath, S3CompressionType)",
             ("must begin with /opt/ml/processing/", "Gzip can only be used when Pipe mode")),
        Rule(_cluster, "ProcessingClusterConfig.InstancePreferences and InstanceCount",
             ("InstancePreferences is mutually exclusive with InstanceType",
              "either all five specify InstanceCount or none of them do")),
        job_tracking.EXPERIMENT_RULE,
    ),
    on_create=_track,
    waivers={
        "Exactly one instance type is selected for the job": "the first preference is selected: every instance "
        "type has capacity",
        "You must specify sufficient ML storage": "no data is downloaded",
        "greater than the total size of the local instance storage": "instance storage sizes are not modelled",
        "The name must be unique within an Amazon Web Services Region": "claimed by the engine's duplicate check "
        "(ResourceInUse)",
        "You cannot delete a job that is in the InProgress or Stopping state": "claimed by the lifecycle: Delete is "
        "accepted from Completed, Failed and Stopped only (ResourceInUse otherwise)",
        "CreateProcessingJob.ProcessingResources.ClusterConfig.VolumeKmsKeyId": "which instance types have local "
        "storage is not modelled",
    },
    example={
        "ProcessingJobName": "prep",
        "RoleArn": "arn:aws:iam::123456789012:role/processing",
        "AppSpecification": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/prep:1",
                             "ContainerEntrypoint": ["python3", "/opt/ml/processing/input/code/prep.py"]},
        "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                                 "VolumeSizeInGB": 30}},
        "ProcessingInputs": [{"InputName": "raw", "S3Input": {
            "S3Uri": "s3://bucket/raw", "LocalPath": "/opt/ml/processing/input", "S3DataType": "S3Prefix",
            "S3InputMode": "File"}}],
        "ProcessingOutputConfig": {"Outputs": [{"OutputName": "train", "S3Output": {
            "S3Uri": "s3://bucket/train", "LocalPath": "/opt/ml/processing/train", "S3UploadMode": "EndOfJob"}}]},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    },
)


class Processing(Backend):
    jobs = PROCESSING_JOB.table()
