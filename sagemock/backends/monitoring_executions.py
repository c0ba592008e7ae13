"""Monitoring executions: the processing jobs a monitoring schedule starts, and their summaries.

"Creates a schedule that regularly starts Amazon SageMaker AI Processing Jobs to monitor the data
captured for an Amazon SageMaker AI Endpoint" (CreateMonitoringSchedule). Each run is a processing job
in the processing family's table (`store.table("processing-job")`), whose `MonitoringScheduleArn`
names the schedule; ListMonitoringExecutions and the schedule's `LastMonitoringExecutionSummary` read
its status from the job, which walks its own lifecycle (instantly by default, on the mock clock in
"seconds" mode; `mock.fail_next("processing-job", ...)` makes it fail).

The job is built as AWS documents it: the environment of the container contract ("Container Contract
Inputs": `dataset_format`, `dataset_source`, `output_path`, `publish_cloudwatch_metrics`,
`sagemaker_endpoint_name`, `sagemaker_monitoring_schedule_name`, `start_time`, `end_time`), the
captured data of the endpoint as input (its DataCaptureConfig destination, `/{endpoint}/...`) and the
report written under `{S3Uri}/{endpoint}/{schedule}/yyyy/mm/dd/hh` (the reports of
SageMaker-ModelMonitoring_outputs.ipynb in aws/amazon-sagemaker-examples). An endpoint that captures
no data gives its executions nothing to read: they fail with "Job inputs had no data" (what users
report, aws/amazon-sagemaker-examples#2934). A mock runs no analysis, so an execution never finds
violations by itself: `mock.complete_with_violations(arn)` makes one find them, as AWS's analyzer
reports it (the processing job's ExitMessage "CompletedWithViolations: Job completed successfully
with 60 violations.").

Executions outlive their schedule ("This does not delete the job execution history of the monitoring
schedule", DeleteMonitoringSchedule): their records stay in the schedules family, keyed by the
processing job's ARN.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import string
from typing import Any

from ..core import service, shape
from ..core.context import Context
from .job_tracking import EXIT_MESSAGE
from .monitoring_types import Job

Document = dict[str, Any]

PROCESSING = "processing-job"
ENDPOINT = "endpoint"
#: What the processing job's status means for the execution ("CompletedWithViolations" when the
#: analyzer's exit message says so: "CompletedWithViolations: Job completed successfully with 60
#: violations.", SageMaker-ModelMonitoring_outputs.ipynb).
STATUSES = {"InProgress": "InProgress", "Completed": "Completed", "Failed": "Failed", "Stopping": "Stopping",
            "Stopped": "Stopped"}
VIOLATIONS = "CompletedWithViolations"
TERMINAL = frozenset(("Completed", VIOLATIONS, "Failed", "Stopped"))
RUNNING = frozenset(("Pending", "InProgress", "Stopping"))
NO_DATA = "Job inputs had no data"
OUTPUT_NAME = "monitoring_output"
#: The `dataset_format` of captured endpoint data (Container Contract Inputs).
CAPTURE_FORMAT = json.dumps({"sagemakerCaptureJson": {"captureIndexNames": ["endpointInput", "endpointOutput"]}})


def violations_message(violations: int) -> str:
    """The exit message of an analysis that found `violations` violations, in AWS's analyzer's words."""
    return f"{VIOLATIONS}: Job completed successfully with {violations} violations."


def plan_exit(job: Document, message: str) -> None:
    """Make the execution's processing job leave `message` as its ExitMessage: now if it completed,
    when it completes if it still runs; ValueError if it failed or was stopped (it found nothing)."""
    status = job["ProcessingJobStatus"]
    if status == "Completed":
        job["ExitMessage"] = message
    elif status in ("Failed", "Stopping", "Stopped"):
        raise ValueError(f"{job['ProcessingJobArn']} is {status}: only an execution that completes (or is still "
                         "running) finds violations")
    job[EXIT_MESSAGE] = message


def start(job: Job, schedule: Document, scheduled: _dt.datetime, window: tuple[_dt.datetime, _dt.datetime],
          ctx: Context, exit_message: str | None = None) -> Document:
    """Start the run of `schedule` due at `scheduled` as a processing job (leaving `exit_message` when
    it completes, if given); its execution record."""
    config = schedule["MonitoringScheduleConfig"]
    run_ctx = dataclasses.replace(ctx, now=scheduled)
    name = f"model-monitoring-{scheduled:%Y%m%d%H%M}-{ctx.random_id(24, string.hexdigits[:16])}"
    arn = ctx.arn(PROCESSING, name)
    document, failure = _processing_job(name, arn, job, schedule, scheduled, window, ctx)
    if exit_message is not None:
        document[EXIT_MESSAGE] = exit_message
    processing = ctx.store.table(PROCESSING)
    processing.put(document)
    lifecycle = processing.spec.lifecycle
    assert lifecycle is not None
    lifecycle.begin(document, "create", run_ctx, failure=failure)
    record: Document = {
        "MonitoringScheduleName": schedule["MonitoringScheduleName"],
        "ScheduledTime": scheduled,
        "CreationTime": scheduled,
        "LastModifiedTime": scheduled,
        "MonitoringExecutionStatus": "Pending",
        "ProcessingJobArn": arn,
        "MonitoringType": schedule["MonitoringType"],
        "_schedule": schedule["MonitoringScheduleArn"],
    }
    if job.endpoint is not None:
        record["EndpointName"] = job.endpoint
    if config.get("MonitoringJobDefinitionName"):
        record["MonitoringJobDefinitionName"] = config["MonitoringJobDefinitionName"]
    refresh(record, ctx)
    return record


def refresh(record: Document, ctx: Context) -> bool:
    """Bring an execution's status up to date from its processing job (kept as it was if the job was
    deleted); whether it changed."""
    job = ctx.store.table(PROCESSING).find(ctx, record["ProcessingJobArn"])
    if job is None:
        return False
    status = STATUSES.get(job["ProcessingJobStatus"], "Pending")
    if status == "Completed" and str(job.get("ExitMessage") or "").startswith(VIOLATIONS):
        status = VIOLATIONS
    found = {"MonitoringExecutionStatus": status,
             "LastModifiedTime": job.get("LastModifiedTime") or record["LastModifiedTime"],
             "FailureReason": job.get("FailureReason")}
    if all(record.get(member) == value for member, value in found.items()):
        return False
    record.update(found)
    if record["FailureReason"] is None:
        del record["FailureReason"]
    return True


def summary(record: Document) -> Document:
    """The record as a MonitoringExecutionSummary."""
    return shape.project(record, service.shape("MonitoringExecutionSummary"))


def _processing_job(name: str, arn: str, job: Job, schedule: Document, scheduled: _dt.datetime,
                    window: tuple[_dt.datetime, _dt.datetime], ctx: Context) -> tuple[Document, str | None]:
    """The processing job of one run, and why it fails if it must (None: it runs)."""
    failure = None
    inputs: list[Document] = []
    dataset_format = CAPTURE_FORMAT
    for index, item in enumerate(job.inputs, start=1):
        if item.get("EndpointInput"):
            given = item["EndpointInput"]
            source = _captured(given["EndpointName"], ctx)
            if source is None:
                failure, source = NO_DATA, ""
            input_name = f"endpoint_input_{index}"
        else:
            given = item["BatchTransformInput"]
            source = given["DataCapturedDestinationS3Uri"]
            dataset_format = json.dumps(_lower_keys(given.get("DatasetFormat") or {}))
            input_name = f"batch_transform_input_{index}"
        inputs.append({"InputName": input_name, "AppManaged": False, "S3Input": {
            "S3Uri": source, "LocalPath": given["LocalPath"], "S3DataType": "S3Prefix",
            "S3InputMode": given.get("S3InputMode") or "File",
            "S3DataDistributionType": given.get("S3DataDistributionType") or "FullyReplicated"}})
    monitoring_output = job.output["MonitoringOutputs"][0]["S3Output"]
    folders = [part for part in (job.endpoint, schedule["MonitoringScheduleName"]) if part]
    report = "/".join([monitoring_output["S3Uri"].rstrip("/"), *folders, f"{scheduled:%Y/%m/%d/%H}"])
    output_config: Document = {"Outputs": [{"OutputName": OUTPUT_NAME, "AppManaged": False, "S3Output": {
        "S3Uri": report, "LocalPath": monitoring_output["LocalPath"],
        "S3UploadMode": monitoring_output.get("S3UploadMode") or "Continuous"}}]}
    if job.output.get("KmsKeyId"):
        output_config["KmsKeyId"] = job.output["KmsKeyId"]
    environment = {
        "dataset_format": dataset_format,
        "dataset_source": inputs[0]["S3Input"]["LocalPath"] if inputs else "",
        "output_path": monitoring_output["LocalPath"],
        "publish_cloudwatch_metrics": "Enabled",
        "sagemaker_monitoring_schedule_name": schedule["MonitoringScheduleName"],
        "start_time": f"{window[0]:%Y-%m-%dT%H:%M:%SZ}",
        "end_time": f"{window[1]:%Y-%m-%dT%H:%M:%SZ}",
        **({"sagemaker_endpoint_name": job.endpoint} if job.endpoint else {}),
        **job.environment,
    }
    app = {member: job.app[member] for member in ("ImageUri", "ContainerEntrypoint", "ContainerArguments")
           if job.app.get(member)}
    document: Document = {
        "ProcessingJobName": name,
        "ProcessingJobArn": arn,
        "ProcessingInputs": inputs,
        "ProcessingOutputConfig": output_config,
        "ProcessingResources": {"ClusterConfig": dict(job.cluster)},
        "AppSpecification": app,
        "Environment": environment,
        "RoleArn": job.role,
        "MonitoringScheduleArn": schedule["MonitoringScheduleArn"],
        "CreationTime": scheduled,
        "LastModifiedTime": scheduled,
    }
    if job.stopping:
        document["StoppingCondition"] = dict(job.stopping)
    if job.network:
        document["NetworkConfig"] = dict(job.network)
    return document, failure


def _captured(endpoint_name: str, ctx: Context) -> str | None:
    """Where the endpoint's captured data lies (`{DestinationS3Uri}/{endpoint}`), or None if it captures none."""
    endpoint = ctx.store.table(ENDPOINT).find(ctx, endpoint_name)
    capture = (endpoint or {}).get("DataCaptureConfig") or {}
    destination = capture.get("DestinationS3Uri")
    if not destination or capture.get("EnableCapture") is False:
        return None
    return f"{destination.rstrip('/')}/{endpoint_name}"


def _lower_keys(value: Any) -> Any:
    """A MonitoringDatasetFormat as the container contract spells it (`{"csv": {"header": true}}`)."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: _lower_keys(item) for key, item in value.items()}
    return value
