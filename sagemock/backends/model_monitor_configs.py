"""Model monitor configurations: scheduled evaluations of a SageMaker endpoint's or a Bedrock model's traces.

A configuration (CreateModelMonitorConfig, in public preview) names what it monitors
(`MonitoringSource`: "Specify exactly one member"), the Eval Criteria it scores with
(`EvaluationConfig`: "Specify exactly one member"), a schedule and a role. Create and Update "run
synchronously": a new configuration is Active at once, an update counts a new `Version`, and
`Enabled` pauses (Inactive) or resumes (Active) it. Delete "is asynchronous": Deleting, then gone.

These configurations are not the monitoring schedules of `monitoring_schedules` (which start
processing jobs over an endpoint's captured data): no job is made. Their executions are a view of
the configuration's history (`_periods`, when it was enabled, and `_versions`): one execution at
each time its schedule names while it was enabled (the schedule is read by `schedule_expressions`,
as a monitoring schedule's is; `NOW` runs once, when the configuration is enabled). The mock sees no
traces, so each execution completes with `ReasonCode` NoTraffic and no trace read.

The configuration is a declared resource (`core.resource`): Create, Get, List, Update and Delete
are generated from the model, named by `ModelMonitorConfigName` and read by
`ModelMonitorConfigNameOrArn` (`named_by=`). The executions are written here: a view, not a noun
of their own.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import digest, offset_page
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store
from . import schedule_expressions

Document = dict[str, Any]
KIND = "model-monitor-config"
ARN, NAME = "ModelMonitorConfigArn", "ModelMonitorConfigName"
#: The most recent runs of one enabled period an execution view holds (a schedule every minute
#: over a year of the mock clock would otherwise be half a million).
MAX_RUNS = 5000

def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """The enabled periods the executions are a view of: one opens when the configuration becomes
    Active ("Create ... runs synchronously"), and the open one ends when its deletion starts."""
    periods = document.setdefault("_periods", [])
    is_open = bool(periods) and periods[-1][1] is None
    if status == "Active" and not is_open:
        periods.append([now, None])
    elif status == "Deleting" and is_open:
        periods[-1][1] = now


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="ModelMonitorConfigStatus",
    paths={"create": ("Active",), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Failed",)},
    failure_key="StatusReason",
    name_key=NAME,
    on_enter=_entered,
)
#: ListModelMonitorConfigs' TargetType -> the MonitoringSource member and the member naming the target.
TARGETS = {"SageMakerEndpoint": "EndpointName", "BedrockModel": "ModelId"}


def _exactly_one(params: Params, member: str) -> None:
    """MonitoringSource and EvaluationConfig: "Specify exactly one member"."""
    given = [name for name, value in (params.get(member) or {}).items() if value is not None]
    if len(given) != 1:
        raise ValidationError(f"Specify exactly one member of {member}; the request gives "
                              f"{len(given)}{': ' + ', '.join(given) if given else ''}.")


def _criteria_version(config: Document) -> str | None:
    evaluation = config.get("EvaluationConfig") or {}
    criteria: Document = evaluation.get("EvalCriteria") or next(iter(evaluation.get("EvalCriteriaList") or []), {})
    version = criteria.get("EvalCriteriaVersion")
    return str(version) if version is not None else None


def _scorers(config: Document) -> int:
    evaluation = config.get("EvaluationConfig") or {}
    return len(evaluation.get("EvalCriteriaList") or []) or (1 if evaluation.get("EvalCriteria") else 0)


def _whole_seconds(moment: _dt.datetime) -> _dt.datetime:
    return moment.replace(microsecond=0)


def _runs(config: Document, start: _dt.datetime, end: _dt.datetime) -> list[_dt.datetime]:
    """The times the configuration's schedule names in [start, end] (NOW: `start`), the latest
    `MAX_RUNS`; none for an expression that is not NOW or a cron expression."""
    try:
        expression = schedule_expressions.parse(config["ScheduleConfig"]["ScheduleExpression"])
    except ValueError:
        return []
    if expression.once:
        return [_whole_seconds(start)] if start <= end else []
    period = expression.period()
    if period is not None and end - start > period * MAX_RUNS:
        start = end - period * MAX_RUNS
    return list(expression.runs(start - _dt.timedelta(microseconds=1), end))


def executions(config: Document, now: _dt.datetime) -> list[Document]:
    """Every execution of the configuration so far, oldest first: a view of its enabled periods."""
    found: list[Document] = []
    versions = config.get("_versions") or []
    for start, end in config.get("_periods") or []:
        for scheduled in _runs(config, start, end or now):
            version = [entry for entry in versions if entry[0] <= scheduled] or versions[:1]
            execution: Document = {
                ARN: config[ARN], NAME: config[NAME], "ScheduledAt": scheduled, "StartedAt": scheduled,
                "EndedAt": scheduled, "Status": "Completed", "ReasonCode": "NoTraffic", "TracesRead": 0,
                "TracesSampled": 0, "ScorerCount": version[-1][2] if version else _scorers(config),
                "ScorerInvocationsRun": 0, "ScorerInvocationsSucceeded": 0, "ScorerInvocationsFailed": 0}
            if version:
                execution["ConfigVersion"] = version[-1][1]
                if version[-1][3] is not None:
                    execution["EvalCriteriaVersion"] = version[-1][3]
            found.append(execution)
    return found


def _source(params: Params, ctx: Context) -> None:
    """MonitoringSource names exactly one endpoint or Bedrock model."""
    _exactly_one(params, "MonitoringSource")


def _evaluation_given(params: Params, ctx: Context) -> None:
    """Create: "Specify EvaluationConfig." (the model marks it optional)."""
    if params.get("EvaluationConfig") is None:
        raise ValidationError("EvaluationConfig is required: specify the Eval Criteria to evaluate with.")


def _evaluation(params: Params, ctx: Context) -> None:
    """EvaluationConfig, where given, names exactly one Eval Criteria or list of them."""
    if params.get("EvaluationConfig") is not None:
        _exactly_one(params, "EvaluationConfig")


def _held(params: Params, ctx: Context) -> Document:
    return ctx.store.table(KIND).require(ctx, params["ModelMonitorConfigNameOrArn"])


def _not_deleting(params: Params, ctx: Context) -> None:
    """A configuration being deleted is not updated (ConflictException)."""
    config = _held(params, ctx)
    if config["Status"] == "Deleting":
        raise ConflictError(f"Model monitor config {config[ARN]} is being deleted.")


def _switchable(params: Params, ctx: Context) -> None:
    """Enabled pauses or resumes only an Active or Inactive configuration (ConflictException)."""
    config = _held(params, ctx)
    if params.get("Enabled") is not None and config["Status"] not in ("Active", "Inactive"):
        raise ConflictError(f"You can enable or disable a configuration only when its status is Active or "
                            f"Inactive; {config[ARN]} is {config['Status']}.")


def _not_deleted_twice(params: Params, ctx: Context) -> None:
    """A configuration being deleted is not deleted again (ConflictException)."""
    config = _held(params, ctx)
    if config["Status"] == "Deleting":
        raise ConflictError(f"Model monitor config {config[ARN]} is already being deleted.")


def _created(config: Document, params: Params, ctx: Context) -> None:
    """Version 1, CreatedAt and UpdatedAt, and the history the executions are a view of (the
    enabled periods open as the lifecycle enters Active: `_entered`)."""
    now = ctx.now
    config.update({"Version": 1, "CreatedAt": now, "UpdatedAt": now})
    config["_versions"] = [[now, 1, _scorers(config), _criteria_version(config)]]
    config["_periods"] = []


def _updated(config: Document, params: Params, ctx: Context) -> None:
    """`Enabled` pauses (Inactive) or resumes (Active); every update counts a version."""
    now, enabled, status = ctx.now, params.get("Enabled"), config["Status"]
    periods = config.setdefault("_periods", [])
    if enabled is True and status == "Inactive":
        config["Status"] = "Active"
        periods.append([now, None])
    elif enabled is False and status == "Active":
        config["Status"] = "Inactive"
        if periods and periods[-1][1] is None:
            periods[-1][1] = now
    config["Version"] += 1
    config["UpdatedAt"] = now
    config.setdefault("_versions", []).append([now, config["Version"], _scorers(config), _criteria_version(config)])


def _target(config: Document) -> Document:
    """The summary's Target: the one member of MonitoringSource, and the name of what it monitors."""
    source = next(member for member in TARGETS if config["MonitoringSource"].get(member))
    return {"TargetType": source, "TargetName": config["MonitoringSource"][source][TARGETS[source]]}


_EXAMPLE_CRITERIA = "arn:aws:sagemaker:us-east-1:123456789012:hub-content/evals/JsonDoc/helpfulness/1.0.0"
_EXACTLY_ONE = "MonitoringSource and EvaluationConfig: 'Specify exactly one member' (the model's union shapes)"
_CONFLICT = ("UpdateModelMonitorConfig: 'You can enable or disable a configuration only when its status is Active or "
             "Inactive. Otherwise, you get a ConflictException.'")
MODEL_MONITOR_CONFIG = Resource(
    "ModelMonitorConfig",
    kind=KIND,
    # The operations declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("Model monitor config {arn} does not exist."),
    duplicate=in_use("Model monitor config {arn} already exists."),  # CreateModelMonitorConfig declares ResourceInUse
    lifecycle=LIFECYCLE,
    named_by=NAME,
    # ListModelMonitorConfigs: "newest first"; it has no SortBy, and keeps the creation time as CreatedAt.
    sort_members={"CreationTime": "CreatedAt"},
    default_sort=("CreationTime", "Descending"),
    # "attached to a single target": the TargetType and TargetName a configuration's MonitoringSource names.
    filters={"TargetType": lambda config, value: bool(config["MonitoringSource"].get(value)),
             "TargetName": lambda config, value: _target(config)["TargetName"] == value},
    summary={"Target": _target},
    list_example={"TargetType": "SageMakerEndpoint", "TargetName": "chat"},
    # (In the order the checks run: a request breaking two rules is answered by the first.)
    rules=(Rule(_source, _EXACTLY_ONE),
           Rule(_evaluation_given, "CreateModelMonitorConfig.EvaluationConfig: 'Specify EvaluationConfig.' (the "
                "model marks it optional: see docs/model-monitor-configs.md)"),
           Rule(_not_deleting, "DeleteModelMonitorConfig: 'the status of the configuration changes to Deleting' "
                "(UpdateModelMonitorConfig declares ConflictException)", on=("update",)),
           Rule(_switchable, _CONFLICT, claims=("You can enable or disable a configuration only when",),
                on=("update",)),
           Rule(_evaluation, _EXACTLY_ONE, on=("create", "update")),
           Rule(_not_deleted_twice, "DeleteModelMonitorConfig: 'the status of the configuration changes to Deleting' "
                "(DeleteModelMonitorConfig declares ConflictException)", on=("delete",))),
    waivers={"completes no more than one time": "core.idempotency answers a repeated ClientToken as the first "
             "request was answered, for every operation"},
    on_create=_created,
    on_update=_updated,
    example={NAME: "quality", "MonitoringSource": {"SageMakerEndpoint": {"EndpointName": "chat"}},
             "EvaluationConfig": {"EvalCriteria": {"EvalCriteriaArn": _EXAMPLE_CRITERIA,
                                                   "Sampling": {"SamplingPercentage": 10.0}}},
             "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
             "RoleArn": "arn:aws:iam::123456789012:role/monitor"},
)


class ModelMonitorConfigs(Backend):
    configs = MODEL_MONITOR_CONFIG.table()

    @operation
    def get_model_monitor_execution(self, params: Params, ctx: Context) -> Document:
        config = self.configs.require(ctx, params["ModelMonitorConfigNameOrArn"])
        wanted = params["ScheduledAt"]
        found = next((execution for execution in executions(config, ctx.now) if execution["ScheduledAt"] == wanted),
                     None)
        if found is None:
            raise ResourceNotFound(f"Model monitor config {config[ARN]} has no execution scheduled at "
                                   f"{wanted.isoformat()}.")
        return found

    @operation
    def list_model_monitor_executions(self, params: Params, ctx: Context) -> Document:
        config = self.configs.require(ctx, params["ModelMonitorConfigNameOrArn"])
        status, after, before = params.get("StatusEquals"), params.get("ScheduledAfter"), params.get("ScheduledBefore")
        listed = [execution for execution in reversed(executions(config, ctx.now))  # newest first
                  if (status is None or execution["Status"] == status)
                  and (after is None or execution["ScheduledAt"] > after)
                  and (before is None or execution["ScheduledAt"] < before)]
        page, token = offset_page(listed, params, 10, digest({**params, ARN: config[ARN]}))
        return {"ModelMonitorExecutionSummaries": [
            {key: execution.get(key) for key in ("ScheduledAt", "Status", "StartedAt", "EndedAt", "TracesSampled",
                                                  "ReasonCode")} for execution in page], "NextToken": token}
