"""Inference experiments (shadow tests): CreateInferenceExperiment, DescribeInferenceExperiment,
ListInferenceExperiments, StartInferenceExperiment, UpdateInferenceExperiment and
DeleteInferenceExperiment (declared), and StopInferenceExperiment (written here: where it ends and
what becomes of each variant depend on the request).

An experiment runs on an existing endpoint and compares a production variant (the source) with a
shadow variant, each an existing model on its own infrastructure. Its statuses are the model's:
Creating -> Created, and from Created the experiment runs (Starting -> Running) at its scheduled
start, or at once on StartInferenceExperiment; it completes at its scheduled end. "If you don't
specify [Schedule], the experiment automatically starts immediately upon creation and concludes
after 7 days". The schedule is read on the mock clock (`mock.advance`) before every operation of
the family. Stop ends a Created or Running experiment in DesiredState (Completed unless Cancelled)
and applies ModelVariantActions to the variants: Remove marks a variant Deleted, Promote and Retain
keep it InService (the endpoint itself is not redeployed: see docs/inference-experiments.md).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ServiceError, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.quiet import Quiet
from ..core.resource import Resource, Rule, generated_methods, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]

KIND = "inference-experiment"
#: "If you don't specify this field, the experiment automatically starts immediately upon creation
#: and concludes after 7 days." (CreateInferenceExperiment.Schedule)
DEFAULT_DURATION = _dt.timedelta(days=7)
#: Statuses in which an operation is still at work on the experiment.
TRANSIENT = ("Creating", "Updating", "Starting", "Stopping")
VARIANT_ACTIONS = ("Promote", "Retain", "Remove")


def _variants_enter(document: Document, status: str) -> None:
    for variant in document.get("ModelVariants") or ():
        if variant.get("Status") == "Deleted":
            continue
        variant["Status"] = {"Creating": "Creating", "Updating": "Updating"}.get(status, "InService")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    _variants_enter(document, status)
    if status == "Running":
        schedule = document.setdefault("Schedule", {})
        if schedule.get("StartTime") is None or schedule["StartTime"] > now:
            schedule["StartTime"] = now  # started now (StartInferenceExperiment)
    if status in ("Completed", "Cancelled"):
        document["CompletionTime"] = now
        reason = document.pop("_failure_reason", None) or document.pop("_reason", None)
        if reason is not None:
            document["StatusReason"] = reason


def _route(document: Document, trigger: str) -> str:
    """Update returns the experiment to the status it was updated from; Create runs it at once when
    its schedule starts now (or has no start)."""
    if trigger == "update":
        return "update-running" if document.get("_resume") == "Running" else "update-created"
    if trigger == "create":
        return "create-later" if document.get("_scheduled") else "create"
    return trigger


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="InferenceExperimentStatus",
    paths={"create": ("Creating", "Created", "Starting", "Running"), "create-later": ("Creating", "Created"),
           "start": ("Starting", "Running"), "update-created": ("Updating", "Created"),
           "update-running": ("Updating", "Running"), "run": ("Starting", "Running"), "complete": ("Completed",),
           "stop-completed": ("Stopping", "Completed"), "stop-cancelled": ("Stopping", "Cancelled")},
    failure_paths={"create": ("Creating", "Cancelled"), "create-later": ("Creating", "Cancelled")},
    # StatusReason says why an experiment was cancelled (a planned failure) or stopped (Stop's
    # Reason); kept by `_entered`, since the lifecycle would drop a failure member on each status.
    failure_key=None,
    name_key="Name",
    # UpdateInferenceExperiment: "The status of the inference experiment has to be either Created,
    # Running"; Start runs a Created experiment; Delete waits for the operation at work to end.
    accepts={"update": ("Created", "Running"), "start": ("Created",), "stop": ("Created", "Running"),
             "delete": ("Created", "Running", "Completed", "Cancelled"),
             # Where each routed path starts (drawn in the status diagram; `route` picks them).
             "update-created": ("Created",), "update-running": ("Running",), "run": ("Created",),
             "complete": ("Running",), "stop-completed": ("Created", "Running"),
             "stop-cancelled": ("Created", "Running")},
    stamps_modified=True,
    on_enter=_entered,
    route=_route,
)


def _refusal(trigger: str, status: str, accepted: tuple[str, ...]) -> ServiceError:
    """ConflictException, which Start, Stop, Update and Delete declare, for an experiment in a
    status the operation does not accept."""
    verb = {"update": "updated", "start": "started", "delete": "deleted", "stop": "stopped"}.get(trigger, trigger)
    return ConflictError(f"The inference experiment is in status {status}: only an experiment that is "
                         f"{' or '.join(accepted)} can be {verb}.")


# -- rules ------------------------------------------------------------------------------------

def _existing(params: Params, ctx: Context) -> Document | None:
    return ctx.store.table(KIND).find(ctx, params["Name"]) if ctx.operation.startswith("Update") else None


def _variants(params: Params, ctx: Context) -> None:
    """Each variant's model exists; variant names are distinct; ShadowModeConfig names the source
    and the shadow among ModelVariants, two different variants."""
    current = _existing(params, ctx) or {}
    variants = params.get("ModelVariants") or current.get("ModelVariants") or ()
    names = [variant["VariantName"] for variant in variants]
    if len(set(names)) != len(names):
        raise ValidationError("ModelVariants: each variant needs its own VariantName.")
    if params.get("ModelVariants") is not None:
        for variant in params["ModelVariants"]:
            if ctx.store.table("model").find(ctx, variant["ModelName"]) is None:
                raise ValidationError(f"Could not find model \"{ctx.arn_for('model', variant['ModelName'])}\".")
    shadow = params.get("ShadowModeConfig") or current.get("ShadowModeConfig")
    if not shadow:
        return
    source = shadow["SourceModelVariantName"]
    shadows = [item["ShadowModelVariantName"] for item in shadow["ShadowModelVariants"]]
    for name in (source, *shadows):
        if name not in names:
            raise ValidationError(f"ShadowModeConfig names the variant {name}, which is not one of ModelVariants "
                                  f"({', '.join(names)}).")
    if source in shadows:
        raise ValidationError(f"ShadowModeConfig: the variant {source} cannot be both the source and a shadow.")


#: "The default duration is 7 days and the maximum is 30 days." (Create a shadow test, in the
#: SageMaker developer guide)
MAX_DURATION = _dt.timedelta(days=30)


def _schedule(params: Params, ctx: Context) -> None:
    """InferenceExperimentSchedule: the experiment ends after it starts, 30 days later at most."""
    schedule = params.get("Schedule") or {}
    start, end = schedule.get("StartTime"), schedule.get("EndTime")
    if start is not None and end is not None and end <= start:
        raise ValidationError("Schedule.EndTime must be after Schedule.StartTime.")
    if end is not None and end - (start if start is not None else ctx.now) > MAX_DURATION:
        raise ValidationError("An inference experiment runs for 30 days at most: Schedule.EndTime is more than 30 "
                              "days after its start.")


def _compatible(params: Params, ctx: Context) -> None:
    """The developer guide's Exclusions of shadow tests: "If your endpoint uses any of the following
    features you cannot use shadow tests on your endpoint, and your request to setup shadow tests will
    lead to validation errors": serverless inference, asynchronous inference, multiple-container and
    multi-model endpoints, Inf1 instances, Elastic Inference (Marketplace containers are not known
    to the mock)."""
    found: list[str] = []
    endpoint = ctx.store.table("endpoint").find(ctx, params["EndpointName"]) if params.get("EndpointName") else None
    config = ctx.store.table("endpoint-config").find(ctx, endpoint.get("EndpointConfigName", "")) if endpoint else None
    for variant in (config or {}).get("ProductionVariants") or ():
        if variant.get("ServerlessConfig"):
            found.append("serverless inference")
        if variant.get("AcceleratorType"):
            found.append("Elastic Inference")
        if str(variant.get("InstanceType", "")).startswith("ml.inf1."):
            found.append("Inf1 instances")
    if (config or {}).get("AsyncInferenceConfig"):
        found.append("asynchronous inference")
    for variant in params.get("ModelVariants") or ():
        instance = variant["InfrastructureConfig"]["RealTimeInferenceConfig"]["InstanceType"]
        if instance.startswith("ml.inf1."):
            found.append("Inf1 instances")
        model = ctx.store.table("model").find(ctx, variant["ModelName"]) or {}
        containers = model.get("Containers") or [model.get("PrimaryContainer") or {}]
        if len(containers) > 1:
            found.append("multiple containers")
        if any(container.get("Mode") == "MultiModel" for container in containers):
            found.append("a multi-model endpoint")
    if found:
        raise ValidationError("Shadow tests are not supported on endpoints that use "
                              f"{', '.join(dict.fromkeys(found))}.")


def _endpoint(params: Params, ctx: Context) -> None:
    """The endpoint the experiment runs on exists (ValidationException, as CreateEndpointConfig's
    and UpdateEndpoint's missing endpoint)."""
    ctx.store.table("endpoint").require(ctx, params["EndpointName"])


def _metadata(document: Document, store: Store, ctx: Context) -> None:
    """EndpointMetadata, read from the endpoint as it is now (or as it was last seen, once gone)."""
    metadata = document["EndpointMetadata"]
    endpoint = store.table("endpoint").find(ctx, metadata["EndpointName"])
    if endpoint is not None:
        metadata["EndpointConfigName"] = endpoint.get("EndpointConfigName")
        metadata["EndpointStatus"] = endpoint.get("EndpointStatus")
        if endpoint.get("FailureReason"):
            metadata["FailureReason"] = endpoint["FailureReason"]


def _created(document: Document, params: Params, ctx: Context) -> None:
    document["EndpointMetadata"] = {"EndpointName": params["EndpointName"]}
    document["ModelVariants"] = [{**variant, "Status": "Creating"} for variant in params["ModelVariants"]]
    schedule = dict(params.get("Schedule") or {})
    start = schedule.get("StartTime")
    if start is None:
        schedule["StartTime"] = ctx.now
    elif start > ctx.now:
        document["_scheduled"] = True  # runs when the mock clock reaches StartTime (`_prepare`)
    schedule.setdefault("EndTime", schedule["StartTime"] + DEFAULT_DURATION)
    document["Schedule"] = schedule
    _metadata(document, ctx.store, ctx)


def _updated(document: Document, params: Params, ctx: Context) -> None:
    document["_resume"] = document["Status"]
    if params.get("ModelVariants") is not None:
        document["ModelVariants"] = [{**variant, "Status": "Updating"} for variant in params["ModelVariants"]]


#: What the last walk of the experiments saw, per store (`core.quiet`): a request that finds the
#: experiments and endpoints unchanged, none in transition, and no schedule fallen due since, has
#: nothing to walk, so a Describe costs what one experiment does, not what all of them do.
_QUIET = Quiet(KIND, "endpoint")


def _prepare(backend: Any, params: Params, ctx: Context) -> None:
    """What SageMaker does on the schedule between requests: a Created experiment runs once its
    StartTime passes, a Running one completes once its EndTime passes (and EndpointMetadata follows
    the endpoint). Nothing to do while nothing changed and no schedule fell due (`_QUIET`)."""
    table = backend.experiments
    store = ctx.store
    if _QUIET.holds(store, ctx.now):
        return
    # Looking at every experiment's schedule is SageMaker's work, not the request's reads: in "reads"
    # mode only the request's own read walks an experiment on (as monitoring schedules do).
    aside = dataclasses.replace(ctx, operation="") if ctx.state.config.transitions == "reads" else ctx
    for document in table.live(aside):
        schedule = document.get("Schedule") or {}
        status = document["Status"]
        if LIFECYCLE.in_transition(document):
            continue
        if status == "Created" and document.get("_scheduled") and schedule["StartTime"] <= ctx.now:
            document.pop("_scheduled")
            LIFECYCLE.begin(document, "run", ctx)
            status = document["Status"]
        if status == "Running" and schedule.get("EndTime") is not None and schedule["EndTime"] <= ctx.now:
            LIFECYCLE.begin(document, "complete", ctx)
        _metadata(document, ctx.store, ctx)
    _QUIET.keep(store, [moment for document in table.values() for moment in _next_due(document)], ctx.now)


def _next_due(document: Document) -> list[_dt.datetime]:
    """When the experiment's schedule next moves it: its start (Created, scheduled) or its end
    (Running)."""
    schedule = document.get("Schedule") or {}
    if document["Status"] == "Created" and document.get("_scheduled"):
        return [schedule["StartTime"]]
    if document["Status"] == "Running" and schedule.get("EndTime") is not None:
        return [schedule["EndTime"]]
    return []


INFERENCE_EXPERIMENT = Resource(
    "InferenceExperiment",
    kind=KIND,
    # The operations declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("Could not find inference experiment {arn}."),
    duplicate=in_use("An inference experiment with this name already exists ({arn})."),
    lifecycle=LIFECYCLE,
    refusal=_refusal,
    prepare=_prepare,
    rules=(
        Rule(_endpoint, "CreateInferenceExperiment.EndpointName: \"The name of the Amazon SageMaker endpoint on which "
             "you want to run the inference experiment\""),
        Rule(_variants, "ModelVariants and ShadowModeConfig (SourceModelVariantName, ShadowModelVariantName)",
             on=("create", "update")),
        Rule(_schedule, "InferenceExperimentSchedule (StartTime, EndTime); docs.aws.amazon.com/sagemaker/latest/dg/"
             "shadow-tests-create.html: \"the maximum is 30 days\"", on=("create", "update")),
        Rule(_compatible, "docs.aws.amazon.com/sagemaker/latest/dg/shadow-tests-exclusions.html (the features that "
             "make an endpoint incompatible with shadow tests)", on=("create", "update")),
    ),
    on_create=_created,
    on_update=_updated,
    # The documentation states no default: newest first, as SageMaker's other lists.
    default_sort=("CreationTime", "Descending"),
    waivers={
        "must include permissions to call kms:Encrypt": "IAM and KMS are not modelled",
    },
    example={
        "Name": "shadow-candidate",
        "Type": "ShadowMode",
        "RoleArn": "arn:aws:iam::123456789012:role/experiments",
        "EndpointName": "shadow-endpoint",
        "ModelVariants": [
            {"ModelName": "shadow-prod", "VariantName": "production", "InfrastructureConfig": {
                "InfrastructureType": "RealTimeInference",
                "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}},
            {"ModelName": "shadow-new", "VariantName": "shadow", "InfrastructureConfig": {
                "InfrastructureType": "RealTimeInference",
                "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}}}],
        "ShadowModeConfig": {"SourceModelVariantName": "production",
                             "ShadowModelVariants": [{"ShadowModelVariantName": "shadow", "SamplingPercentage": 50}]},
    },
    example_needs=(
        *(("CreateModel", {"ModelName": name, "ExecutionRoleArn": "arn:aws:iam::123456789012:role/model",
                           "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/shadow:1"}})
          for name in ("shadow-prod", "shadow-new")),
        ("CreateEndpointConfig", {"EndpointConfigName": "shadow-endpoint", "ProductionVariants": [{
            "VariantName": "production", "ModelName": "shadow-prod", "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1}]}),
        ("CreateEndpoint", {"EndpointName": "shadow-endpoint", "EndpointConfigName": "shadow-endpoint"}),
    ),
)


#: The engine's operations, which the family's answer as Create, Start, Update and Delete do: those
#: answer the ARN as `InferenceExperimentArn` (Describe names it `Arn`).
_ENGINE = generated_methods(INFERENCE_EXPERIMENT, "experiments")


class InferenceExperiments(Backend):
    experiments = INFERENCE_EXPERIMENT.table()

    def _answered(self, verb: str, params: Params, ctx: Context) -> Document:
        _ENGINE[f"{verb}_inference_experiment"](self, params, ctx)
        return {"InferenceExperimentArn": ctx.arn(KIND, params["Name"])}

    @operation
    def create_inference_experiment(self, params: Params, ctx: Context) -> Document:
        return self._answered("create", params, ctx)

    @operation
    def start_inference_experiment(self, params: Params, ctx: Context) -> Document:
        return self._answered("start", params, ctx)

    @operation
    def update_inference_experiment(self, params: Params, ctx: Context) -> Document:
        return self._answered("update", params, ctx)

    @operation
    def delete_inference_experiment(self, params: Params, ctx: Context) -> Document:
        return self._answered("delete", params, ctx)

    @operation
    def stop_inference_experiment(self, params: Params, ctx: Context) -> Document:
        """Ends a Created or Running experiment in DesiredState (Completed by default), applying
        ModelVariantActions (each key a variant of the experiment) and, where given, the
        DesiredModelVariants' infrastructure to the variants kept."""
        _prepare(self, params, ctx)
        document = self.experiments.require(ctx, params["Name"])
        LIFECYCLE.guard(document, "stop", lambda status, accepted: _refusal("stop", status, accepted))
        variants = {variant["VariantName"]: variant for variant in document.get("ModelVariants") or ()}
        actions = params["ModelVariantActions"]
        unknown = sorted(set(actions) - set(variants))
        if unknown:
            raise ValidationError(f"ModelVariantActions names {', '.join(unknown)}, which is not a variant of the "
                                  f"inference experiment ({', '.join(variants)}).")
        bad = sorted(action for action in actions.values() if action not in VARIANT_ACTIONS)
        if bad:
            raise ValidationError(f"ModelVariantActions: {', '.join(bad)} is not one of {', '.join(VARIANT_ACTIONS)}.")
        desired = {variant["VariantName"]: variant for variant in params.get("DesiredModelVariants") or ()}
        for name in desired:
            if name not in variants:
                raise ValidationError(f"DesiredModelVariants names {name}, which is not a variant of the inference "
                                      "experiment.")
            if ctx.store.table("model").find(ctx, desired[name]["ModelName"]) is None:
                raise ValidationError(f"Could not find model \"{ctx.arn_for('model', desired[name]['ModelName'])}\".")
        for name, action in actions.items():
            if action == "Remove":
                variants[name]["Status"] = "Deleted"
            elif name in desired:
                variants[name].update({key: desired[name][key] for key in ("ModelName", "InfrastructureConfig")})
        document["_actions"] = dict(actions)
        if params.get("Reason") is not None:
            document["_reason"] = params["Reason"]
        state = params.get("DesiredState") or "Completed"
        LIFECYCLE.begin(document, "stop-" + state.lower(), ctx)
        return {"InferenceExperimentArn": document["Arn"]}
