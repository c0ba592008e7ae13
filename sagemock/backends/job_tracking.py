"""What SageMaker creates alongside a job it runs (training, processing, transform): its trial
component and the lineage artifacts of what it reads and writes.

"Amazon SageMaker AI-Created Tracking Entities" (Developer Guide): for each job SageMaker creates a
trial component `<job>-aws-<training|processing|transform>-job` whose Source is the job, joins it to
the trial `ExperimentConfig` names, and tracks an artifact for each input and output, reused by
SourceUri. The component's status follows the job's. These helpers reach the experiments and
lineage families through the store (`store.table`, `store.owner`), never by importing them, so any
job family can use them.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..core import arns
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ServiceError, ValidationError
from ..core.resource import Rule
from ..core.state import Store

Document = dict[str, Any]

EXPERIMENT = "experiment"
TRIAL = "experiment-trial"
COMPONENT = "experiment-trial-component"
#: A job status -> whether it is one a job ends in.
TERMINAL = frozenset(("Completed", "Failed", "Stopped"))
#: The private field of a job document holding the message its container leaves when it completes
#: (the job's `ExitMessage` from then on): a job family writes it on Completed, whoever planned it.
EXIT_MESSAGE = "_exit_message"


def missing_job(arn: str) -> ServiceError:
    """SageMaker's answer for a processing or transform job that does not exist: a ValidationException,
    although the operations declare ResourceNotFound. AWS's SageMaker controller for Kubernetes takes
    "Could not find requested job with name" as not-found for both (aws-controllers-k8s/sagemaker-controller
    generator.yaml; aws-controllers-k8s/community#431: "(Processing) `Could not find requested job`")."""
    return ValidationError(f"Could not find requested job with name {arn.rsplit('/', 1)[-1]}")


def name_taken(words: str) -> Callable[[str], ServiceError]:
    """The answer for a job name in use, given the existing job's ARN: ResourceInUse in the form AWS gives
    for training jobs ("Training job names must be unique within an AWS account and region, and a
    training job with this name already exists (<arn>)"), for a job of `words` ("processing")."""
    def refuse(arn: str) -> ServiceError:
        return ResourceInUse(f"{words.capitalize()} job names must be unique within an AWS account and region, and "
                             f"a {words} job with this name already exists ({arn})")

    return refuse


@dataclass(frozen=True)
class Tracked:
    """What a job asks to be tracked: its component's parameters, and the URIs it reads."""

    parameters: Mapping[str, Document]
    inputs: Mapping[str, Document]
    outputs: Mapping[str, Document]
    #: (source URI, artifact type) of each thing the job reads (`ContributedTo` its component).
    reads: tuple[tuple[str, str], ...] = ()


def check_experiment(ctx: Context, config: Mapping[str, Any] | None) -> Document | None:
    """ExperimentConfig names an experiment and a trial that exist, the trial of that experiment;
    the trial, if one is named."""
    config = config or {}
    experiment = None
    if config.get("ExperimentName"):
        experiment = ctx.store.table(EXPERIMENT).find(ctx, config["ExperimentName"])
        if experiment is None:
            raise ResourceNotFound(f"Experiment '{ctx.arn_for(EXPERIMENT, config['ExperimentName'])}' does not exist.")
    if not config.get("TrialName"):
        return None
    trial = ctx.store.table(TRIAL).find(ctx, config["TrialName"])
    if trial is None:
        raise ResourceNotFound(f"Trial '{ctx.arn_for(TRIAL, config['TrialName'])}' does not exist.")
    if experiment is not None and trial["ExperimentName"].lower() != experiment["ExperimentName"].lower():
        raise ValidationError(f"Trial '{trial['TrialArn']}' does not belong to experiment "
                              f"'{experiment['ExperimentArn']}'.")
    return trial


def _experiment(params: Mapping[str, Any], ctx: Context) -> None:
    """The experiment and trial ExperimentConfig names exist, the trial in that experiment."""
    check_experiment(ctx, params.get("ExperimentConfig"))


#: The rule of every job that takes an ExperimentConfig, checked before anything changes.
EXPERIMENT_RULE = Rule(_experiment, "ExperimentConfig: the experiment and trial must exist (as for training jobs)")


def claim_component(ctx: Context, job_arn: str, component_name: str) -> str | None:
    """The key of the component a new job gets, or None when the name is another component's.

    The component of a deleted job of this name is removed from its trials to make way; one that
    is not a job's is left alone, and the job runs without a component (AWS documents no refusal).
    """
    components = ctx.store.table(COMPONENT)
    component = components.get(arns.key(COMPONENT, component_name))
    if component is None:
        return arns.key(COMPONENT, component_name)
    source = (component.get("Source") or {}).get("SourceArn") or ""
    if source.lower() != job_arn.lower():
        return None
    ctx.store.owner(COMPONENT).retire_component(component, ctx)
    return arns.key(COMPONENT, component_name)


def track(ctx: Context, job_arn: str, component_key: str | None, component_name: str, source_type: str,
          tracked: Tracked, trial: Document | None, display_name: str | None = None) -> None:
    """The job's trial component (joined to `trial`) and the artifacts of what it reads."""
    lineage = ctx.store.owner("artifact")
    if component_key is None:  # the name is another component's: lineage without one
        for uri, artifact_type in tracked.reads:
            lineage.track_artifact(uri, artifact_type, ctx.now, ctx.user_for("artifact"))
        return
    component_arn = ctx.arn(COMPONENT, component_name)
    component: Document = {
        "TrialComponentName": component_name,
        "TrialComponentArn": component_arn,
        "DisplayName": display_name or component_name,
        "CreationTime": ctx.now,
        "CreatedBy": ctx.user_for(COMPONENT),
        "LastModifiedTime": ctx.now,
        "LastModifiedBy": ctx.user_for(COMPONENT),
        "Parameters": dict(tracked.parameters),
        "InputArtifacts": dict(tracked.inputs),
        "OutputArtifacts": dict(tracked.outputs),
        "LineageGroupArn": lineage.default_group(ctx),
        "Source": {"SourceArn": job_arn, "SourceType": source_type},
        "Sources": [{"SourceArn": job_arn, "SourceType": source_type}],
        "_trials": [],
    }
    ctx.store.table(COMPONENT).put(component)
    if trial is not None:
        trial["_components"].append(component_key)
        component["_trials"].append(arns.key(TRIAL, trial["TrialName"]))
        trial["LastModifiedTime"], trial["LastModifiedBy"] = ctx.now, ctx.user_for(TRIAL)
    for uri, artifact_type in tracked.reads:
        artifact_arn = lineage.track_artifact(uri, artifact_type, ctx.now, ctx.user_for("artifact"))
        lineage.link(artifact_arn, component_arn, "ContributedTo", ctx.now, ctx.user_for("association"))


def follow(store: Store, component_key: str | None, status: str, message: str, started: _dt.datetime | None,
           now: _dt.datetime) -> Document | None:
    """The job's trial component follows its status; the component, unless the user deleted it."""
    component = store.table(COMPONENT).get(component_key) if component_key else None
    if component is None:
        return None
    component["Status"] = {"PrimaryStatus": status, "Message": message}
    if started is not None:
        component["StartTime"] = started
    if status in TERMINAL:
        component["EndTime"] = now
    component["LastModifiedTime"] = now
    return component  # type: ignore[no-any-return]


def produced(store: Store, component: Document, name: str, uri: str, artifact_type: str, now: _dt.datetime,
             user: Document) -> None:
    """An output the job produced: on the component's OutputArtifacts, and `Produced` in lineage."""
    outputs = dict(component.get("OutputArtifacts") or {})
    outputs[name] = {"Value": uri}
    component["OutputArtifacts"] = outputs
    lineage = store.owner("artifact")
    artifact = lineage.track_artifact(uri, artifact_type, now, user)
    lineage.link(component["TrialComponentArn"], artifact, "Produced", now, user)
