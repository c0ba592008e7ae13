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
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core import tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing, digest, offset_page
from ..core.resource import not_found
from ..core.table import Table
from . import schedule_expressions

Document = dict[str, Any]
KIND = "model-monitor-config"
ARN, NAME = "ModelMonitorConfigArn", "ModelMonitorConfigName"
#: The most recent runs of one enabled period an execution view holds (a schedule every minute
#: over a year of the mock clock would otherwise be half a million).
MAX_RUNS = 5000

def _gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.table(KIND).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="ModelMonitorConfigStatus",
    paths={"create": ("Active",), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Failed",)},
    failure_key="StatusReason",
    name_key=NAME,
    on_gone=_gone,
)
LISTING = Listing(sort_keys={"CreatedAt": "CreatedAt"}, default_sort="CreatedAt", id_key=ARN,
                  default_order="Descending")
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


class ModelMonitorConfigs(Backend):
    configs = Table.of(KIND, arn=ARN, name=NAME, lifecycle=LIFECYCLE,
                       # The operations declare ResourceNotFound; AWS's wording is not published.
                       missing=not_found("Model monitor config {arn} does not exist."))

    @operation
    def create_model_monitor_config(self, params: Params, ctx: Context) -> Document:
        name = params[NAME]
        existing = self.configs.find(ctx, name)
        if existing is not None:
            raise ResourceInUse(f"Model monitor config {existing[ARN]} already exists.")
        _exactly_one(params, "MonitoringSource")
        if params.get("EvaluationConfig") is None:
            raise ValidationError("EvaluationConfig is required: specify the Eval Criteria to evaluate with.")
        _exactly_one(params, "EvaluationConfig")
        tags.check(params.get("Tags"))
        now = ctx.now
        config: Document = {
            ARN: ctx.arn(KIND, name), NAME: name, "MonitoringSource": params["MonitoringSource"],
            "EvaluationConfig": params["EvaluationConfig"], "ScheduleConfig": params["ScheduleConfig"],
            "RoleArn": params["RoleArn"], "Version": 1, "CreatedAt": now, "UpdatedAt": now,
        }
        config["_versions"] = [[now, 1, _scorers(config), _criteria_version(config)]]
        self.configs.add(config, params.get("Tags"))
        LIFECYCLE.begin(config, "create", ctx)
        config["_periods"] = [[now, None]] if config["Status"] == "Active" else []
        return {ARN: config[ARN]}

    @operation
    def get_model_monitor_config(self, params: Params, ctx: Context) -> Document:
        return self.configs.require(ctx, params["ModelMonitorConfigNameOrArn"])

    @operation
    def list_model_monitor_configs(self, params: Params, ctx: Context) -> Document:
        member, target = TARGETS[params["TargetType"]], params["TargetName"]
        source = params["TargetType"]
        attached = [config for config in self.configs.live(ctx)
                    if (config["MonitoringSource"].get(source) or {}).get(member) == target]
        page, token = LISTING.page(attached, {key: params.get(key) for key in ("NextToken", "MaxResults")} |
                                   {"_target": [source, target]})
        return {"ModelMonitorConfigSummaries": [
            {ARN: config[ARN], NAME: config[NAME], "Status": config["Status"], "CreatedAt": config["CreatedAt"],
             "Target": {"TargetType": source, "TargetName": target}} for config in page], "NextToken": token}

    @operation
    def update_model_monitor_config(self, params: Params, ctx: Context) -> Document:
        config = self.configs.require(ctx, params["ModelMonitorConfigNameOrArn"])
        status = config["Status"]
        if status == "Deleting":
            raise ConflictError(f"Model monitor config {config[ARN]} is being deleted.")
        enabled = params.get("Enabled")
        if enabled is not None and status not in ("Active", "Inactive"):
            raise ConflictError(f"You can enable or disable a configuration only when its status is Active or "
                                f"Inactive; {config[ARN]} is {status}.")
        if params.get("EvaluationConfig") is not None:
            _exactly_one(params, "EvaluationConfig")
        now = ctx.now
        for member in ("EvaluationConfig", "ScheduleConfig", "RoleArn"):
            if params.get(member) is not None:
                config[member] = params[member]
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
        return {ARN: config[ARN], "Version": config["Version"], "Status": config["Status"]}

    @operation
    def delete_model_monitor_config(self, params: Params, ctx: Context) -> Document:
        config = self.configs.require(ctx, params["ModelMonitorConfigNameOrArn"])
        if config["Status"] == "Deleting":
            raise ConflictError(f"Model monitor config {config[ARN]} is already being deleted.")
        periods = config.get("_periods") or []
        if periods and periods[-1][1] is None:
            periods[-1][1] = ctx.now
        LIFECYCLE.begin(config, "delete", ctx)
        return {}

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
