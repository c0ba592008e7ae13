"""SageMaker Edge Manager deployment plans and their stages.

A plan deploys the models of edge packaging jobs (`ModelConfigs`) to a device fleet, stage by stage.
The plan is a declared resource (CreateEdgeDeploymentPlan, ListEdgeDeploymentPlans,
DeleteEdgeDeploymentPlan); DescribeEdgeDeploymentPlan is written by hand, since it pages the plan's
stages and counts their devices, and so are the stages: they live inside the plan
(CreateEdgeDeploymentStage, DeleteEdgeDeploymentStage, StartEdgeDeploymentStage,
StopEdgeDeploymentStage, ListStageDevices).

A stage's status is `DeploymentStatus.StageStatus`, moved by its own lifecycle (kind
`edge-deployment/stage`): CREATING -> READYTODEPLOY when made, STARTING -> INPROGRESS -> DEPLOYED when
started (FAILED with `mock.fail_next("edge-deployment/stage", ...)`), STOPPING -> STOPPED when stopped.
The devices a stage deploys to are chosen from the fleet by its `DeviceSelectionConfig` when it
starts; once DEPLOYED, each of them carries the plan's model versions (DescribeDevice's `Models`,
which GetDeviceFleetReport counts). Every device picks the deployment up at once, as every job of
the mock completes at once: no Edge Manager agent runs. docs/edge.md gives the sources and choices.
"""
from __future__ import annotations

import datetime as _dt
import functools
import math
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import digest, offset_page
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]

KIND = "edge-deployment"
STAGE = "edge-deployment/stage"
DEVICE = "device-fleet/device"
#: CreateEdgeDeploymentPlan.Stages: "The number of stages is limited to 10 per deployment."
MAX_STAGES = 10
#: EdgeDeploymentConfig.FailureHandlingPolicy: "By default this is turned on" (the rollback).
DEFAULT_POLICY = "ROLLBACK_ON_FAILURE"
#: A stage's status -> its devices' deployment status (DeviceDeploymentStatus has no CREATING,
#: STARTING: a device of a stage being made is ready, one of a stage starting is in progress).
DEVICE_STATUS = {"CREATING": "READYTODEPLOY", "READYTODEPLOY": "READYTODEPLOY", "STARTING": "INPROGRESS",
                 "INPROGRESS": "INPROGRESS", "DEPLOYED": "DEPLOYED", "FAILED": "FAILED", "STOPPING": "STOPPING",
                 "STOPPED": "STOPPED"}
#: The statuses of a stage at work: DeleteEdgeDeploymentStage deletes a stage "if (and only if) the
#: stage is inactive", DeleteEdgeDeploymentPlan a plan whose stages all are.
ACTIVE = ("STARTING", "INPROGRESS", "STOPPING")


def _entered(status_document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """A deployed stage's devices carry the plan's models (a model of the same name replaced)."""
    if status == "STARTING":
        status_document["EdgeDeploymentStageStartTime"] = now
    if status != "DEPLOYED":
        return
    devices = store.table(DEVICE)
    for key in status_document["_devices"]:
        device = devices.get(key)
        if device is None:  # deregistered since
            continue
        names = {model["ModelName"] for model in status_document["_models"]}
        device["_Models"] = [model for model in device["_Models"] if model["ModelName"] not in names] + \
            [dict(model) for model in status_document["_models"]]
        device.setdefault("_deployed", {})[status_document["_plan"]] = status_document["_StageName"]


STAGE_LIFECYCLE = Lifecycle(
    resource_type=STAGE,
    status_key="StageStatus",
    status_shape="StageStatus",
    paths={"create": ("CREATING", "READYTODEPLOY"), "start": ("STARTING", "INPROGRESS", "DEPLOYED"),
           "stop": ("STOPPING", "STOPPED")},
    failure_paths={"start": ("STARTING", "INPROGRESS", "FAILED")},
    failure_key="EdgeDeploymentStatusMessage",
    name_key="_StageName",
    accepts={"start": ("READYTODEPLOY", "STOPPED", "FAILED"), "stop": ("STARTING", "INPROGRESS", "DEPLOYED")},
    on_enter=_entered,
)


def _selection(config: Document, where: str) -> None:
    """A DeviceSelectionConfig names the member its DeviceSubsetType reads."""
    needed = {"PERCENTAGE": "Percentage", "SELECTION": "DeviceNames", "NAMECONTAINS": "DeviceNameContains"}
    member = needed[config["DeviceSubsetType"]]
    if config.get(member) is None:
        raise ValidationError(f"{where}.DeviceSelectionConfig: DeviceSubsetType {config['DeviceSubsetType']} "
                              f"needs {member}.")


def _stages(stages: list[Document], taken: list[str]) -> None:
    """Stage names are unique in a plan; a plan holds at most ten stages."""
    names = [stage["StageName"] for stage in stages]
    repeated = sorted({name for name in names if names.count(name) > 1 or name in taken})
    if repeated:
        raise ValidationError(f"Stage names must be unique in an edge deployment plan: {', '.join(repeated)} "
                              "is used more than once.")
    if len(names) + len(taken) > MAX_STAGES:
        raise ResourceLimitExceeded(f"The number of stages is limited to {MAX_STAGES} per edge deployment plan; "
                                    f"this request would make {len(names) + len(taken)}.")
    for index, stage in enumerate(stages):
        _selection(stage["DeviceSelectionConfig"], f"Stages[{index}]")


def _check_plan(params: Params, ctx: Context) -> None:
    """At most ten stages, each named once and selecting devices by the member its type reads; every
    packaging job the plan deploys exists, and each model handle is used once."""
    handles = [config["ModelHandle"] for config in params["ModelConfigs"]]
    repeated = sorted({handle for handle in handles if handles.count(handle) > 1})
    if repeated:
        raise ValidationError(f"ModelConfigs: model handle {', '.join(repeated)} is used more than once; the device "
                              "application names each model by its handle.")
    jobs = ctx.store.table("edge-packaging-job")
    for config in params["ModelConfigs"]:
        if jobs.find(ctx, config["EdgePackagingJobName"]) is None:
            raise ValidationError(f"Edge packaging job {config['EdgePackagingJobName']} does not exist.")
    _stages(params.get("Stages") or [], [])


def _new_stage(given: Document, plan: Document, ctx: Context) -> Document:
    status: Document = {"EdgeDeploymentSuccessInStage": 0, "EdgeDeploymentPendingInStage": 0,
                        "EdgeDeploymentFailedInStage": 0, "_StageName": given["StageName"],
                        "_plan": plan["EdgeDeploymentPlanName"], "_devices": [], "_models": []}
    stage = {"StageName": given["StageName"], "DeviceSelectionConfig": given["DeviceSelectionConfig"],
             "DeploymentConfig": given.get("DeploymentConfig") or {"FailureHandlingPolicy": DEFAULT_POLICY},
             "DeploymentStatus": status}
    STAGE_LIFECYCLE.begin(status, "create", ctx)
    return stage


def _stages_made(document: Document, params: Params, ctx: Context) -> None:
    document["Stages"] = []
    for given in params.get("Stages") or ():
        document["Stages"].append(_new_stage(given, document, ctx))


def _no_active_stage(params: Params, ctx: Context) -> None:
    """A plan is deleted only while none of its stages is STARTING, INPROGRESS or STOPPING."""
    plan = ctx.store.table(KIND).find(ctx, params["EdgeDeploymentPlanName"])
    if plan is None:
        return
    active = [stage["StageName"] for stage in _observed(plan, ctx) if stage["DeploymentStatus"]["StageStatus"]
              in ACTIVE]
    if active:
        raise ResourceInUse(f"Edge deployment plan {plan['EdgeDeploymentPlanName']} has active stages "
                            f"({', '.join(active)}): a plan can be deleted only when all its stages are inactive.")


def _observed(plan: Document, ctx: Context) -> list[Document]:
    """The plan's stages, each status brought up to date (see `Lifecycle.observe`)."""
    for stage in plan["Stages"]:
        STAGE_LIFECYCLE.observe(stage["DeploymentStatus"], ctx)
        _count(stage)
    return list(plan["Stages"])


def _count(stage: Document) -> None:
    status = stage["DeploymentStatus"]
    devices = len(status["_devices"])
    state = status["StageStatus"]
    status["EdgeDeploymentSuccessInStage"] = devices if state == "DEPLOYED" else 0
    status["EdgeDeploymentPendingInStage"] = devices if state in ("STARTING", "INPROGRESS") else 0
    status["EdgeDeploymentFailedInStage"] = devices if state == "FAILED" else 0


_TOTALS = ("EdgeDeploymentSuccess", "EdgeDeploymentPending", "EdgeDeploymentFailed")


def _total(total: str, plan: Document) -> int:
    """One of a plan's totals: the sum of its stages' counts (each summary member sums its own)."""
    member = total + "InStage"
    return sum(stage["DeploymentStatus"][member] for stage in plan["Stages"])


def _totals(plan: Document) -> Document:
    return {total: _total(total, plan) for total in _TOTALS}


EDGE_DEPLOYMENT_PLAN = Resource(
    "EdgeDeploymentPlan",
    kind=KIND,
    missing=not_found("Edge deployment plan {arn} does not exist."),
    duplicate=in_use("Edge deployment plan {arn} already exists."),
    references={"DeviceFleetName": "device-fleet"},
    sort_members={"NAME": "EdgeDeploymentPlanName", "DEVICE_FLEET_NAME": "DeviceFleetName",
                  "CREATION_TIME": "CreationTime", "LAST_MODIFIED_TIME": "LastModifiedTime"},
    # ListEdgeDeploymentPlans documents no default order: the newest first, as SageMaker's lists default to.
    default_sort=("CREATION_TIME", "Descending"),
    filters={"DeviceFleetNameContains": lambda document, value: value.lower() in document["DeviceFleetName"].lower()},
    summary={total: functools.partial(_total, total) for total in _TOTALS},
    rules=(
        Rule(_check_plan, "CreateEdgeDeploymentPlan.Stages (\"limited to 10 per deployment\") and ModelConfigs"),
        Rule(_no_active_stage, "DeleteEdgeDeploymentPlan (\"if (and only if) all the stages in the plan are "
             "inactive\")", ("all the stages in the plan are inactive",), on=("delete",)),
    ),
    on_create=_stages_made,
    example={"EdgeDeploymentPlanName": "rollout", "DeviceFleetName": "fleet-for-plans",
             "ModelConfigs": [{"ModelHandle": "detector", "EdgePackagingJobName": "package-for-plans"}],
             "Stages": [{"StageName": "canary", "DeviceSelectionConfig": {"DeviceSubsetType": "PERCENTAGE",
                                                                          "Percentage": 10}}]},
    example_needs=(
        ("CreateDeviceFleet", {"DeviceFleetName": "fleet-for-plans",
                               "OutputConfig": {"S3OutputLocation": "s3://bucket/edge"}}),
        ("CreateCompilationJob", {
            "CompilationJobName": "compile-for-plans", "RoleArn": "arn:aws:iam::123456789012:role/neo",
            "InputConfig": {"S3Uri": "s3://bucket/model.tar.gz", "Framework": "PYTORCH",
                            "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
            "OutputConfig": {"S3OutputLocation": "s3://bucket/compiled", "TargetDevice": "jetson_nano"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 900}}),
        ("CreateEdgePackagingJob", {
            "EdgePackagingJobName": "package-for-plans", "CompilationJobName": "compile-for-plans",
            "ModelName": "detector", "ModelVersion": "1.0", "RoleArn": "arn:aws:iam::123456789012:role/edge",
            "OutputConfig": {"S3OutputLocation": "s3://bucket/packaged"}}),
    ),
)

#: DescribeEdgeDeploymentPlan pages the stages: "50 by default" (MaxResults), at most 10 by its shape.
STAGE_PAGE = 10
#: ListStageDevices documents no default page size (10, as sagemock's other lists).
STAGE_DEVICES_PAGE = 10


class EdgeDeployments(Backend):
    plans = EDGE_DEPLOYMENT_PLAN.table()

    def _plan(self, ctx: Context, name: str) -> Document:
        return self.plans.require(ctx, name)

    def _stage(self, ctx: Context, params: Params) -> tuple[Document, Document]:
        """The plan and the stage of it a request names (ResourceNotFound, where declared, if none)."""
        plan, name = self._plan(ctx, params["EdgeDeploymentPlanName"]), params["StageName"]
        for stage in _observed(plan, ctx):
            if stage["StageName"] == name:
                return plan, stage
        raise ResourceNotFound(f"Stage {name} does not exist in edge deployment plan {plan['EdgeDeploymentPlanName']}.")

    @operation
    def describe_edge_deployment_plan(self, params: Params, ctx: Context) -> Document:
        plan = self._plan(ctx, params["EdgeDeploymentPlanName"])
        stages = _observed(plan, ctx)
        page, token = offset_page(stages, params, STAGE_PAGE, digest(params))
        answer = {key: value for key, value in plan.items() if key != "Stages"}
        answer.update(_totals(plan))
        answer["Stages"] = page
        answer["NextToken"] = token
        return answer

    @operation
    def create_edge_deployment_stage(self, params: Params, ctx: Context) -> None:
        plan = self._plan(ctx, params["EdgeDeploymentPlanName"])
        _stages(params["Stages"], [stage["StageName"] for stage in plan["Stages"]])
        for given in params["Stages"]:
            plan["Stages"].append(_new_stage(given, plan, ctx))
        plan["LastModifiedTime"] = ctx.now
        return None

    @operation
    def delete_edge_deployment_stage(self, params: Params, ctx: Context) -> None:
        plan, stage = self._stage(ctx, params)
        status = stage["DeploymentStatus"]["StageStatus"]
        if status in ACTIVE:
            raise ResourceInUse(f"Stage {stage['StageName']} is {status}: a stage can be deleted only when it is "
                                "inactive. Stop it first.")
        plan["Stages"].remove(stage)
        plan["LastModifiedTime"] = ctx.now
        return None

    @operation
    def start_edge_deployment_stage(self, params: Params, ctx: Context) -> None:
        plan, stage = self._stage(ctx, params)
        status = stage["DeploymentStatus"]
        _guard(stage, "start", "started")
        jobs = ctx.store.table("edge-packaging-job")
        models = []
        for config in plan["ModelConfigs"]:
            job = jobs.find(ctx, config["EdgePackagingJobName"])
            if job is None or job["EdgePackagingJobStatus"] != "COMPLETED":
                state = "deleted" if job is None else job["EdgePackagingJobStatus"]
                raise ValidationError(f"Edge packaging job {config['EdgePackagingJobName']} is {state}: a stage "
                                      "deploys only the models of COMPLETED packaging jobs.")
            models.append({"ModelName": job["ModelName"], "ModelVersion": job["ModelVersion"]})
        status["_devices"] = [_key(device) for device in _selected(ctx, plan, stage)]
        status["_models"] = models
        STAGE_LIFECYCLE.begin(status, "start", ctx)
        _count(stage)
        plan["LastModifiedTime"] = ctx.now
        return None

    @operation
    def stop_edge_deployment_stage(self, params: Params, ctx: Context) -> None:
        plan, stage = self._stage(ctx, params)
        _guard(stage, "stop", "stopped")
        STAGE_LIFECYCLE.begin(stage["DeploymentStatus"], "stop", ctx)
        _count(stage)
        plan["LastModifiedTime"] = ctx.now
        return None

    @operation
    def list_stage_devices(self, params: Params, ctx: Context) -> Document:
        """The stage's devices: those it deployed to once started, those its selection takes now
        before; ExcludeDevicesDeployedInOtherStage leaves out devices another stage of the plan
        deployed to last."""
        plan, stage = self._stage(ctx, params)
        status = stage["DeploymentStatus"]
        table = ctx.store.table(DEVICE)
        if status["StageStatus"] in ("CREATING", "READYTODEPLOY"):
            devices = _selected(ctx, plan, stage)
        else:
            devices = [table[key] for key in status["_devices"] if key in table]
        name = plan["EdgeDeploymentPlanName"]
        if params.get("ExcludeDevicesDeployedInOtherStage"):
            devices = [device for device in devices
                       if (device.get("_deployed") or {}).get(name, stage["StageName"]) == stage["StageName"]]
        rows = [_summary(plan, stage, device) for device in sorted(devices, key=lambda found: found["DeviceName"])]
        page, token = offset_page(rows, params, STAGE_DEVICES_PAGE, digest(params))
        return {"DeviceDeploymentSummaries": page, "NextToken": token}


def _guard(stage: Document, trigger: str, done: str) -> None:
    """Refuse a Start or Stop the stage's status does not accept (ValidationException: neither
    operation declares another error)."""
    STAGE_LIFECYCLE.guard(stage["DeploymentStatus"], trigger, lambda now, accepted: ValidationError(
        f"Stage {stage['StageName']} cannot be {done} because it is {now}: only a stage that is "
        f"{' or '.join(accepted)} can be {done}."))


def _key(device: Document) -> str:
    return f"{device['DeviceFleetName']}/device/{device['DeviceName']}"


def _selected(ctx: Context, plan: Document, stage: Document) -> list[Document]:
    """The fleet's devices a stage's DeviceSelectionConfig takes, in name order."""
    fleet = plan["DeviceFleetName"]
    devices = sorted((device for device in ctx.store.table(DEVICE).values() if device["DeviceFleetName"] == fleet),
                     key=lambda device: device["DeviceName"])
    config = stage["DeviceSelectionConfig"]
    subset = config["DeviceSubsetType"]
    if subset == "SELECTION":
        chosen = set(config.get("DeviceNames") or ())
        return [device for device in devices if device["DeviceName"] in chosen]
    if subset == "NAMECONTAINS":
        return [device for device in devices if config["DeviceNameContains"] in device["DeviceName"]]
    return devices[:math.ceil(len(devices) * config["Percentage"] / 100)]


def _summary(plan: Document, stage: Document, device: Document) -> Document:
    status = stage["DeploymentStatus"]
    summary: Document = {
        "EdgeDeploymentPlanArn": plan["EdgeDeploymentPlanArn"],
        "EdgeDeploymentPlanName": plan["EdgeDeploymentPlanName"],
        "StageName": stage["StageName"],
        "DeviceFleetName": device["DeviceFleetName"],
        "DeviceName": device["DeviceName"],
        "DeviceArn": device["DeviceArn"],
        "DeviceDeploymentStatus": DEVICE_STATUS[status["StageStatus"]],
        "Description": device.get("Description"),
        "DeploymentStartTime": status.get("EdgeDeploymentStageStartTime"),
        "DeployedStageName": (device.get("_deployed") or {}).get(plan["EdgeDeploymentPlanName"]),
    }
    if status.get("EdgeDeploymentStatusMessage"):
        summary["DeviceDeploymentStatusMessage"] = status["EdgeDeploymentStatusMessage"]
    return summary

