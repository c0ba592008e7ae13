"""Training sessions: provisioned compute for LoRA fine-tuning of a foundation model.

CreateTrainingSession provisions a session that the Training Session Runtime API then feeds (that
runtime is another service, not SageMaker's control plane, and not mocked). A session is Created,
then Running; StopTrainingSession makes it Stopping, then Stopped ("After the session stops, the
status changes to Stopped"); DeleteTrainingSession refuses a running session ("You must stop a
running session before deleting it") and takes it through Deleting to gone. A planned failure
(`fail_next("training-session")`) ends the creation in Failed with its reason as `ErrorDetails`.

A declared resource: DescribeTrainingSession answers the session inside `TrainingSessionDetail`
(`wrapped=`), with its tags.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core import arns
from ..core.backend import Backend, Params
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
KIND = "training-session"
STATUS = "TrainingSessionStatus"
#: The statuses in which a session runs (or may start to): Delete refuses them, Stop accepts them.
RUNNING = ("Created", "Scheduled", "Blocked", "Running")
#: Statuses a session leaves only by being deleted; entering one ends it (EndTime).
ENDED = ("Stopped", "Failed", "Expired")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    if status in ENDED:
        document.setdefault("EndTime", now)


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape="TrainingSessionStatus",
    paths={"create": ("Created", "Running"), "stop": ("Stopping", "Stopped"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Created", "Failed")},
    failure_key="ErrorDetails",
    name_key="TrainingSessionName",
    accepts={"stop": RUNNING, "delete": (*ENDED, "DeletionFailed")},
    stamps_modified=True,
    on_enter=_entered,
)


def _group_exists(params: Params, ctx: Context) -> None:
    """Checkpoints are published to the group: one of this account's must exist (CreateTrainingSession
    declares ResourceNotFound); another account's is taken on trust, as the mock cannot see it."""
    group = params.get("ModelPackageGroupArn")
    if group is None:
        return
    parsed = arns.parse(group)
    own = parsed is None or parsed.account == ctx.account
    if own and ctx.store.table("model-package-group").find(ctx, group) is None:
        raise ResourceNotFound(f"Model package group {group} does not exist.")


def _unused(document: Document, params: Params, ctx: Context) -> None:
    """No runtime request reaches a mock session: nothing received, nothing billed."""
    document["LastReceivedSequenceNumber"] = 0
    document["BillableTokenUsage"] = {"PrefillTokenCount": 0, "SampleTokenCount": 0, "TrainingTokenCount": 0}


def _refused(trigger: str, status: str, accepted: tuple[str, ...]) -> ValidationError:
    done = "deleted" if trigger == "delete" else "stopped"
    advice = " Stop the session first." if done == "deleted" and status in RUNNING else ""
    return ValidationError(f"The training session is in status {status}: only a session that is "
                           f"{' or '.join(accepted)} can be {done}.{advice}")


TRAINING_SESSION = Resource(
    "TrainingSession",
    kind=KIND,
    wrapped="TrainingSessionDetail",
    missing=not_found("Training session {arn} does not exist."),
    duplicate=in_use("Training session {arn} already exists."),
    lifecycle=LIFECYCLE,
    refusal=_refused,
    # ListTrainingSessions has no SortBy: newest first, as SageMaker's lists default.
    default_sort=("CreationTime", "Descending"),
    on_create=_unused,
    rules=(Rule(_group_exists, "CreateTrainingSession.ModelPackageGroupArn names the group checkpoints are "
                "published to; the operation declares ResourceNotFound"),),
    waivers={
        "The role must have permissions": "IAM permissions are not modelled",
        "You must stop a running session before deleting it":
            "claimed by the lifecycle: Delete is accepted from Stopped, Failed, Expired and DeletionFailed only "
            "(ValidationException otherwise, saying to stop it first)",
    },
    example={"TrainingSessionName": "tune", "RoleArn": "arn:aws:iam::123456789012:role/sessions",
             "LoraConfig": {"Rank": 8, "Alpha": 16},
             "ModelConfig": {"BaseModelArn": "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/"
                                             "huggingface-llm-mistral-7b"},
             "OutputConfig": {"S3Location": {"Path": "s3://bucket/sessions"}}},
)


class TrainingSessions(Backend):
    sessions = TRAINING_SESSION.table()
