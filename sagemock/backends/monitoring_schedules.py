"""Monitoring schedules, their executions and their alerts.

A declared resource (`core.resource`): CreateMonitoringSchedule, DescribeMonitoringSchedule,
ListMonitoringSchedules, UpdateMonitoringSchedule, StartMonitoringSchedule, StopMonitoringSchedule and
DeleteMonitoringSchedule are derived from the model; ListMonitoringExecutions, ListMonitoringAlerts,
UpdateMonitoringAlert and ListMonitoringAlertHistory are written here.

The status machine: a new schedule is Pending, then Scheduled ("By default, when you successfully
create a new schedule, the status of a monitoring schedule is scheduled", StartMonitoringSchedule; a
transcript reads Pending right after the create). An update, a start and a stop each pass through
Pending again (the SageMaker Python SDK waits for a schedule to leave Pending after each) and end in
Scheduled, Scheduled and Stopped. A schedule in Pending can be neither updated nor deleted (AWS:
"Monitoring schedule in status Pending"), nor while its latest execution is still running (AWS's
SageMaker controller for Kubernetes waits for both before it modifies or deletes one).

The schedule runs a job definition named with its MonitoringType, or an inline
MonitoringJobDefinition; the definition must exist, and so must the endpoint it monitors ("SageMaker
verifies that an endpoint exists in the same workspace as the monitoring schedule",
aws/sagemaker-python-sdk#4873). When its runs fall due is `schedule_expressions`' business; each run is
a processing job (`monitoring_executions`), and the alerts follow the executions
(`monitoring_alerts`: each schedule has a default alert). Runs fall due on the mock clock only in the
"seconds" transitions mode, where a test moves time (`mock.advance`, freezegun); in every mode a NOW
schedule runs once as soon as it is Scheduled after its create or an update (not again after a stop
and a start), and `mock.run_monitoring_schedule(arn)` runs a schedule's job at once. Executions are
brought up to date whenever the schedule is read or changed.
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

from ..core import arns, service, shape
from ..core.backend import Backend, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing, digest, offset_page
from ..core.quiet import Quiet
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store
from . import monitoring_alerts, monitoring_executions, schedule_expressions
from .monitoring_types import DEFAULT_TYPE, KINDS, Job, from_definition, from_inline

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "monitoring-schedule"
STATUS = "MonitoringScheduleStatus"
#: The statuses a schedule can be updated and deleted in: not Pending.
SETTLED = ("Scheduled", "Stopped", "Failed")
#: The analysis window of a run that states none: the hour before it.
DEFAULT_WINDOW = _dt.timedelta(hours=1)
MAX_WINDOW = _dt.timedelta(hours=24)
#: The exit message the schedule's next execution leaves (`mock.complete_with_violations`).
VIOLATIONS_NEXT = "_violations_next"
#: DataAnalysisStartTime and DataAnalysisEndTime are at most 15 characters (AWS CloudFormation,
#: AWS::SageMaker::MonitoringSchedule ScheduleConfig: "Pattern: ^.?P.* Minimum: 1 Maximum: 15").
OFFSET_LENGTH = 15
#: Set on a NOW schedule once its one run has started; a create or an update (a new configuration,
#: NOW again) clears it, a start does not (the one run was had: "one time, without recurring").
ONCE_RAN = "_once_ran"


def _expression(document: Document) -> schedule_expressions.Expression:
    return schedule_expressions.parse(document["MonitoringScheduleConfig"]["ScheduleConfig"]["ScheduleExpression"])


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """A Scheduled schedule's next run falls due (at once for a NOW schedule that has not run since
    it was created or updated); a stopped or failed one has none."""
    if status == "Scheduled":
        expression = _expression(document)
        if expression.once:
            document["_next_due"] = None if document.get(ONCE_RAN) else now
        else:
            document["_next_due"] = expression.next_after(now)
    elif status in ("Stopped", "Failed"):
        document["_next_due"] = None


LIFECYCLE = Lifecycle(
    resource_type=KIND, status_key=STATUS, status_shape="ScheduleStatus",
    paths={"create": ("Pending", "Scheduled"), "update": ("Pending", "Scheduled"), "start": ("Pending", "Scheduled"),
           "stop": ("Pending", "Stopped")},
    failure_paths={"create": ("Pending", "Failed")},
    name_key="MonitoringScheduleName",
    accepts={"update": SETTLED, "delete": SETTLED},
    stamps_modified=True, on_enter=_entered)


def job_of(config: Document, ctx: Context) -> Job:
    """The job a MonitoringScheduleConfig runs (the job definition it names must exist)."""
    name = config.get("MonitoringJobDefinitionName")
    if name:
        monitoring_type = config.get("MonitoringType") or DEFAULT_TYPE
        return from_definition(ctx.store.table(KINDS[monitoring_type]).require(ctx, name), monitoring_type)
    return from_inline(config.get("MonitoringJobDefinition") or {})


# -- AWS's rules ------------------------------------------------------------------------------------

def _definition(params: Params, ctx: Context) -> None:
    """The schedule runs one job: a job definition it names (which must exist) or one it defines."""
    config = params["MonitoringScheduleConfig"]
    given = [member for member in ("MonitoringJobDefinition", "MonitoringJobDefinitionName") if config.get(member)]
    if len(given) != 1:
        raise ValidationError("MonitoringScheduleConfig needs exactly one of MonitoringJobDefinition and "
                              f"MonitoringJobDefinitionName; this request gives {' and '.join(given) or 'neither'}.")
    for item in (config.get("MonitoringJobDefinition") or {}).get("MonitoringInputs") or ():
        inputs = [member for member in ("EndpointInput", "BatchTransformInput") if item.get(member)]
        if len(inputs) != 1:
            raise ValidationError("Each of MonitoringInputs needs exactly one of EndpointInput and "
                                  f"BatchTransformInput; this one gives {' and '.join(inputs) or 'neither'}.")
    job_of(config, ctx)


def _endpoint(params: Params, ctx: Context) -> None:
    """The endpoint the job monitors exists in this account and region."""
    endpoint = job_of(params["MonitoringScheduleConfig"], ctx).endpoint
    if endpoint is not None:
        ctx.store.table(monitoring_executions.ENDPOINT).require(ctx, endpoint)


def _schedule(params: Params, ctx: Context) -> None:
    """ScheduleExpression is NOW or a cron expression; NOW needs both ends of the analysis window;
    each end is an offset of at most 15 characters and 100 years; the window spans at most 24 hours."""
    schedule = params["MonitoringScheduleConfig"].get("ScheduleConfig")
    if not schedule:
        return
    text = schedule["ScheduleExpression"]
    try:
        expression = schedule_expressions.parse(text)
    except ValueError as reason:
        raise ValidationError(f"Invalid ScheduleExpression {text!r}: {reason}.") from None
    start, end = schedule.get("DataAnalysisStartTime"), schedule.get("DataAnalysisEndTime")
    if expression.once and (start is None or end is None):
        raise ValidationError("DataAnalysisStartTime and DataAnalysisEndTime are required when ScheduleExpression "
                              "is NOW.")
    offsets = {}
    for member, text_value in (("DataAnalysisStartTime", start), ("DataAnalysisEndTime", end)):
        if text_value is not None:
            if len(text_value) > OFFSET_LENGTH:
                raise ValidationError(f"Invalid {member}: {text_value!r} is longer than the {OFFSET_LENGTH} characters "
                                      "an ISO 8601 offset may take.")
            try:
                offsets[member] = schedule_expressions.duration(text_value)
            except ValueError as reason:
                raise ValidationError(f"Invalid {member}: {reason}.") from None
    if len(offsets) == 2 and offsets["DataAnalysisEndTime"] - offsets["DataAnalysisStartTime"] > MAX_WINDOW:
        raise ValidationError("The DataAnalysisStartTime must not precede the DataAnalysisEndTime by more than 24 "
                              f"hours ({start} to {end}).")


def _runtime(params: Params, ctx: Context) -> None:
    """"The MaxRuntimeInSeconds cannot exceed the frequency of the job" (MonitoringStoppingCondition)."""
    config = params["MonitoringScheduleConfig"]
    schedule = config.get("ScheduleConfig")
    if not schedule:
        return  # a daily run AWS times itself; MaxRuntimeInSeconds is at most a day by its shape
    period = schedule_expressions.parse(schedule["ScheduleExpression"]).period()
    runtime = (job_of(config, ctx).stopping or {}).get("MaxRuntimeInSeconds")
    if period is not None and runtime is not None and runtime > period.total_seconds():
        raise ValidationError(f"The MaxRuntimeInSeconds ({runtime}) cannot exceed the frequency of the job "
                              f"({int(period.total_seconds())} seconds for {schedule['ScheduleExpression']}).")


def _not_running(params: Params, ctx: Context) -> None:
    """A schedule whose latest execution is still running is neither updated nor deleted."""
    schedule = ctx.store.table(KIND).find(ctx, params["MonitoringScheduleName"])
    last = (schedule or {}).get("LastMonitoringExecutionSummary") or {}
    status = last.get("MonitoringExecutionStatus")
    if status in monitoring_executions.RUNNING:
        verb = "updated" if ctx.operation.startswith("Update") else "deleted"
        arn = ctx.arn(KIND, params["MonitoringScheduleName"])
        raise ValidationError(f"Monitoring schedule {arn} cannot be {verb} while its monitoring execution "
                              f"{last.get('ProcessingJobArn')} is {status}.")


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """What AWS fills in: the schedule's type and endpoint, and a daily schedule where none is given
    ("Amazon SageMaker AI will pick a time for running every day": sagemock picks the hour the
    schedule is created or updated in)."""
    config = document["MonitoringScheduleConfig"]
    if not config.get("ScheduleConfig"):
        hour = ctx.now.astimezone(_dt.timezone.utc).hour
        config["ScheduleConfig"] = {"ScheduleExpression": f"cron(0 {hour} ? * * *)"}
    document["MonitoringType"] = config.get("MonitoringType") or DEFAULT_TYPE
    endpoint = job_of(config, ctx).endpoint
    if endpoint is None:
        document.pop("EndpointName", None)
    else:
        document["EndpointName"] = endpoint
    document.setdefault("_executions", [])
    document.pop(ONCE_RAN, None)  # a NOW configuration, new or restated, has its one run to come
    if monitoring_alerts.ALERTS not in document:  # a new schedule: its default alert
        monitoring_alerts.put(document, monitoring_alerts.default_name(document["MonitoringType"]),
                              monitoring_alerts.DATAPOINTS, monitoring_alerts.PERIOD, True, (), ctx.now)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """AWS's words: "ValidationException ... DeleteMonitoringSchedule operation: Monitoring schedule in
    status Pending" (aws/amazon-sagemaker-examples#2342)."""
    return ValidationError(f"Monitoring schedule in status {status}")


def _prepare(backend: Any, params: Params, ctx: Context) -> None:
    backend.catch_up_named(params.get("MonitoringScheduleName"), ctx)


def _aside(ctx: Context) -> Context:
    """The request's context for what SageMaker does between requests: its looks at the schedule are
    not the request's reads (in "reads" mode only the request's own read walks a resource on)."""
    return dataclasses.replace(ctx, operation="") if ctx.state.config.transitions == "reads" else ctx


ENDPOINT_CONFIG = {"EndpointConfigName": "churn-monitored", "ProductionVariants": [{
    "VariantName": "AllTraffic", "ModelName": "churn-monitored", "InstanceType": "ml.m5.large",
    "InitialInstanceCount": 1}],
    "DataCaptureConfig": {"EnableCapture": True, "InitialSamplingPercentage": 100,
                          "DestinationS3Uri": "s3://monitoring/churn/capture",
                          "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]}}
DEFINITION = {
    "JobDefinitionName": "churn-monitor-quality",
    "DataQualityAppSpecification": {"ImageUri": "156813124566.dkr.ecr.us-east-1.amazonaws.com/"
                                                "sagemaker-model-monitor-analyzer"},
    "DataQualityJobInput": {"EndpointInput": {"EndpointName": "churn-monitored",
                                              "LocalPath": "/opt/ml/processing/input/endpoint"}},
    "DataQualityJobOutputConfig": {"MonitoringOutputs": [{"S3Output": {
        "S3Uri": "s3://monitoring/churn/reports", "LocalPath": "/opt/ml/processing/output"}}]},
    "JobResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}},
    "RoleArn": "arn:aws:iam::123456789012:role/monitoring",
}

MONITORING_SCHEDULE = Resource(
    "MonitoringSchedule",
    kind=KIND,
    # "Monitoring Schedule" begins AWS's messages for a schedule that does not exist (the prefix AWS's
    # SageMaker controller for Kubernetes first matched them by); the rest is sagemock's.
    missing=not_found("Monitoring Schedule {arn} does not exist."),
    duplicate=in_use("Monitoring Schedule {arn} already exists."),
    lifecycle=LIFECYCLE,
    summary={"MonitoringJobDefinitionName":
             lambda document: document["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")},
    filters={"MonitoringJobDefinitionName":
             lambda document, value: document["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName") == value},
    rules=(
        Rule(_definition, "MonitoringScheduleConfig: a job definition named with its MonitoringType, or an inline "
             "MonitoringJobDefinition; the named definition must exist", on=("create", "update")),
        Rule(_endpoint, "aws/sagemaker-python-sdk#4873: SageMaker verifies that the endpoint exists in the "
             "schedule's account", on=("create", "update")),
        Rule(_schedule, "ScheduleConfig: NOW or a cron expression (EventBridge's cron syntax); with NOW both "
             "DataAnalysisStartTime and DataAnalysisEndTime; a window of at most 24 hours; offsets of at most 15 "
             "characters (AWS CloudFormation's ScheduleConfig)", on=("create", "update"),
             claims=("must not precede the end time that you specify by more than 24 hours",
                     "must not follow the start time that you specify by more than 24 hours")),
        Rule(_runtime, "MonitoringStoppingCondition.MaxRuntimeInSeconds", on=("create", "update"),
             claims=("The MaxRuntimeInSeconds cannot exceed the frequency of the job",)),
        Rule(_not_running, "AWS's SageMaker controller for Kubernetes (monitoring_schedule/hooks.go): a schedule is "
             "modified or deleted only when no execution is pending or in progress", on=("update", "delete")),
    ),
    refusal=_refusal,
    prepare=_prepare,
    on_create=_computed,
    on_update=_computed,
    waivers={
        "The name must be unique within an Amazon Web Services Region within an Amazon Web Services account":
            "claimed by the engine's duplicate check (ResourceInUse)",
        "You must specify sufficient ML storage": "no data is downloaded",
    },
    example={
        "MonitoringScheduleName": "churn-monitor",
        "MonitoringScheduleConfig": {"ScheduleConfig": {"ScheduleExpression": "cron(0 0 ? * * *)"},
                                     "MonitoringJobDefinitionName": "churn-monitor-quality",
                                     "MonitoringType": "DataQuality"},
    },
    example_needs=(
        ("CreateModel", {"ModelName": "churn-monitored",
                         "ExecutionRoleArn": "arn:aws:iam::123456789012:role/monitoring",
                         "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"}}),
        ("CreateEndpointConfig", ENDPOINT_CONFIG),
        ("CreateEndpoint", {"EndpointName": "churn-monitored", "EndpointConfigName": "churn-monitored"}),
        ("CreateDataQualityJobDefinition", DEFINITION),
    ),
)

EXECUTIONS = Listing(
    sort_keys={"CreationTime": "CreationTime", "ScheduledTime": "ScheduledTime",
               "Status": "MonitoringExecutionStatus"},
    default_sort="CreationTime", default_order="Descending", id_key="ProcessingJobArn",
    status_key="MonitoringExecutionStatus")
ALERT_HISTORY = Listing(
    sort_keys={"CreationTime": "CreationTime", "Status": "AlertStatus"}, default_sort="CreationTime",
    default_order="Descending", default_max=100, id_key="_id", status_key="AlertStatus", inclusive_after=True)
#: ListMonitoringExecutions' filters that name a member of the execution.
EXECUTION_FILTERS = {"MonitoringScheduleName": "MonitoringScheduleName", "EndpointName": "EndpointName",
                     "MonitoringJobDefinitionName": "MonitoringJobDefinitionName",
                     "MonitoringTypeEquals": "MonitoringType"}


#: What the last catch-up of every schedule saw, per store (`core.quiet`). A schedule moves between
#: requests only when a run falls due (`_next_due`) or its executions' processing jobs move; while
#: the schedules and processing jobs are unchanged, none in transition, and no run has fallen due
#: since, a List has nothing to catch up, so it costs what its page does, not what every schedule does.
_QUIET = Quiet(KIND, monitoring_executions.PROCESSING)


class MonitoringSchedules(Backend):
    schedules = MONITORING_SCHEDULE.table()

    def __init__(self, store: Store):
        super().__init__(store)
        #: Processing job ARN -> the record of the execution it is (kept when the schedule is deleted).
        self.executions: dict[str, Document] = {}

    # -- executions -----------------------------------------------------------------------------

    def catch_up_named(self, name: str | None, ctx: Context) -> None:
        """Bring one schedule (or, with no name, every schedule) up to date."""
        ctx = _aside(ctx)
        if name is None:
            store, now = ctx.store, ctx.now
            if _QUIET.holds(store, now):
                return
            for document in self.schedules.live(ctx):
                due = document.get("_next_due")
                if (due is not None and due <= now) or document.get("_executions"):  # else nothing to do
                    self.catch_up(document, ctx)
            _QUIET.keep(store, [due for document in self.schedules.documents.values()
                                if (due := document.get("_next_due")) is not None], now)
            return
        found = self.schedules.find(ctx, name)
        if found is not None:
            self.catch_up(found, ctx)

    def catch_up(self, document: Document, ctx: Context) -> None:
        """Run what fell due since the schedule was last looked at, and follow its executions."""
        due = document.get("_next_due")
        if document[STATUS] == "Scheduled" and due is not None and due <= ctx.now:
            expression = _expression(document)
            if expression.once:
                document["_next_due"] = None
                document[ONCE_RAN] = True
                self.run(document, due, ctx)
            elif ctx.state.config.transitions == "seconds":
                runs = [due, *expression.runs(due, ctx.now)]
                document["_next_due"] = expression.next_after(runs[-1])
                for run in runs:
                    self.run(document, run, ctx)
        if document.get("_executions"):  # a schedule that never ran has nothing to follow
            self._follow(document, ctx)

    def run(self, document: Document, scheduled: _dt.datetime, ctx: Context) -> str | None:
        """Start one run of the schedule's job, scheduled at `scheduled`; its processing job's ARN."""
        config = document["MonitoringScheduleConfig"]
        try:
            job = job_of(config, ctx)
        except ServiceError:
            return None  # the definition is gone (it cannot be deleted while the schedule runs it)
        expression = _expression(document)
        window = (scheduled - (expression.period() or DEFAULT_WINDOW), scheduled)
        schedule_config = config["ScheduleConfig"]
        if schedule_config.get("DataAnalysisStartTime") and schedule_config.get("DataAnalysisEndTime"):
            window = (scheduled + schedule_expressions.duration(schedule_config["DataAnalysisStartTime"]),
                      scheduled + schedule_expressions.duration(schedule_config["DataAnalysisEndTime"]))
        record = monitoring_executions.start(job, document, scheduled, window, ctx,
                                             exit_message=document.pop(VIOLATIONS_NEXT, None))
        record["_seq"] = len(self.executions)
        self.executions[record["ProcessingJobArn"]] = record
        document.setdefault("_executions", []).append(record["ProcessingJobArn"])
        return str(record["ProcessingJobArn"])

    def complete_with_violations(self, arn: str, violations: int, ctx: Context) -> None:
        """`mock.complete_with_violations`: the next execution of the schedule `arn` names, or the
        execution whose processing job it names, completes with `violations` violations."""
        message = monitoring_executions.violations_message(violations)
        if arns.kind(arn) == KIND:
            self.schedules.require(ctx, arn)[VIOLATIONS_NEXT] = message
            return
        record = self.executions.get(arn)
        job = ctx.store.table(monitoring_executions.PROCESSING).find(ctx, arn)
        if record is None or job is None:
            raise ValueError(f"{arn} is not a monitoring execution's processing job: give a monitoring schedule's ARN "
                             "or the ProcessingJobArn of one of its executions")
        monitoring_executions.plan_exit(job, message)
        schedule = self.schedules.find(ctx, record["_schedule"])
        if schedule is None or (schedule.get("_executions") or [None])[-1] != arn:
            monitoring_executions.refresh(record, ctx)  # the latest one the schedule's catch-up reads again
        if schedule is not None:
            self.catch_up(schedule, ctx)

    def _records(self, document: Document) -> list[Document]:
        return [self.executions[arn] for arn in document.get("_executions") or () if arn in self.executions]

    def _follow(self, document: Document, ctx: Context) -> None:
        """The latest execution's summary on the schedule, and the alerts after every execution that ended."""
        records = self._records(document)
        finished: list[tuple[str, _dt.datetime]] = []
        running = changed = False
        for index, record in enumerate(records):
            # An ended execution stays ended (the latest is read again: `mock.set_status` may move its job).
            if record["MonitoringExecutionStatus"] not in monitoring_executions.TERMINAL or index == len(records) - 1:
                changed = monitoring_executions.refresh(record, ctx) or changed
            if record["MonitoringExecutionStatus"] in monitoring_executions.TERMINAL and not running:
                finished.append((record["MonitoringExecutionStatus"], record["LastModifiedTime"]))
            else:
                running = True
        last = document.get("LastMonitoringExecutionSummary")
        if records and (changed or last is None or last.get("ProcessingJobArn") != records[-1]["ProcessingJobArn"]):
            document["LastMonitoringExecutionSummary"] = monitoring_executions.summary(records[-1])
        monitoring_alerts.follow(document, finished)

    def _outcomes(self, document: Document) -> list[str]:
        """The statuses of the schedule's executions that ended, oldest first, up to one still running."""
        outcomes = []
        for record in self._records(document):
            if record["MonitoringExecutionStatus"] not in monitoring_executions.TERMINAL:
                break
            outcomes.append(record["MonitoringExecutionStatus"])
        return outcomes

    @operation
    def list_monitoring_executions(self, params: Params, ctx: Context) -> Document:
        self.catch_up_named(params.get("MonitoringScheduleName"), ctx)
        records = [record for record in self.executions.values()
                   if all(params.get(member) is None or record.get(key) == params[member]
                          for member, key in EXECUTION_FILTERS.items())]
        after, before = params.get("ScheduledTimeAfter"), params.get("ScheduledTimeBefore")
        records = [record for record in records if (after is None or record["ScheduledTime"] > after)
                   and (before is None or record["ScheduledTime"] < before)]
        for record in records:
            monitoring_executions.refresh(record, ctx)
        page, token = EXECUTIONS.run(records, params)
        return {"MonitoringExecutionSummaries": [monitoring_executions.summary(record) for record in page],
                "NextToken": token}

    # -- alerts ---------------------------------------------------------------------------------

    def _schedule(self, params: Params, ctx: Context) -> Document:
        self.catch_up_named(params["MonitoringScheduleName"], ctx)
        return self.schedules.require(ctx, params["MonitoringScheduleName"])

    @operation
    def list_monitoring_alerts(self, params: Params, ctx: Context) -> Document:
        document = self._schedule(params, ctx)
        alerts = list((document.get(monitoring_alerts.ALERTS) or {}).values())
        page, token = offset_page(alerts, params, 100, digest(params))
        answer: Document = {"NextToken": token}
        if page:  # the list holds one alert at least (a schedule has its default alert), or is left out
            summary = service.shape("MonitoringAlertSummary")
            answer["MonitoringAlertSummaries"] = [shape.project(alert, summary) for alert in page]
        return answer

    @operation
    def update_monitoring_alert(self, params: Params, ctx: Context) -> Document:
        document = self._schedule(params, ctx)
        name = params["MonitoringAlertName"]
        alert = (document.get(monitoring_alerts.ALERTS) or {}).get(name)
        if alert is None:
            raise ResourceNotFound(f"Monitoring alert {name} of monitoring schedule "
                                   f"{document['MonitoringScheduleArn']} does not exist.")
        monitoring_alerts.criteria(document, alert, params["DatapointsToAlert"], params["EvaluationPeriod"],
                                   self._outcomes(document), ctx.now)
        return {"MonitoringScheduleArn": document["MonitoringScheduleArn"], "MonitoringAlertName": name}

    @operation
    def list_monitoring_alert_history(self, params: Params, ctx: Context) -> Document:
        if params.get("MonitoringScheduleName"):
            documents = [self._schedule(params, ctx)]
        else:
            self.catch_up_named(None, ctx)
            documents = self.schedules.live(ctx)
        alert, before = params.get("MonitoringAlertName"), params.get("CreationTimeBefore")  # "on or before"
        filters = {"CreationTimeAfter": params.get("CreationTimeAfter"), "StatusEquals": params.get("StatusEquals")}
        entries = [entry for document in documents for entry in document.get(monitoring_alerts.HISTORY) or ()
                   if alert in (None, entry["MonitoringAlertName"])
                   and (before is None or entry["CreationTime"] <= before)]
        page, token = ALERT_HISTORY.page(ALERT_HISTORY.filter(entries, filters), params)
        summary = service.shape("MonitoringAlertHistorySummary")
        return {"MonitoringAlertHistory": [shape.project(entry, summary) for entry in page], "NextToken": token}
