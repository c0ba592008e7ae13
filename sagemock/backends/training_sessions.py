"""Training sessions: provisioned compute for LoRA fine-tuning of a foundation model.

CreateTrainingSession provisions a session that the Training Session Runtime API then feeds (that
runtime is another service, not SageMaker's control plane, and not mocked). A session is Created,
then Running; StopTrainingSession makes it Stopping, then Stopped ("After the session stops, the
status changes to Stopped"); DeleteTrainingSession refuses a running session ("You must stop a
running session before deleting it") and takes it through Deleting to gone. A planned failure
(`fail_next("training-session")`) ends the creation in Failed with its reason as `ErrorDetails`.

Written by hand rather than declared: DescribeTrainingSession answers the session inside
`TrainingSessionDetail`, where the engine reads a Describe answer's top-level members.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core import arns, service, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.resource import not_found
from ..core.state import Store
from ..core.table import Table

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

LISTING = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                  # ListTrainingSessions has no SortBy: newest first, as SageMaker's lists default.
                  default_order="Descending", id_key="TrainingSessionArn", name_key="TrainingSessionName",
                  status_key=STATUS, default_max=10)


class TrainingSessions(Backend):
    sessions = Table.of(KIND, arn="TrainingSessionArn", name="TrainingSessionName",
                        missing=not_found("Training session {arn} does not exist."), lifecycle=LIFECYCLE)

    @operation
    def create_training_session(self, params: Params, ctx: Context) -> Document:
        name = params["TrainingSessionName"]
        existing = self.sessions.find(ctx, name)
        if existing is not None:
            raise ResourceInUse(f"Training session {existing['TrainingSessionArn']} already exists.")
        tags.check(params.get("Tags"))
        group = params.get("ModelPackageGroupArn")
        if group is not None:
            # Checkpoints are published to the group: one of this account's must exist (CreateTrainingSession
            # declares ResourceNotFound); another account's is taken on trust, as the mock cannot see it.
            parsed = arns.parse(group)
            own = parsed is None or parsed.account == ctx.account
            if own and ctx.store.table("model-package-group").find(ctx, group) is None:
                raise ResourceNotFound(f"Model package group {group} does not exist.")
        arn = ctx.arn(KIND, name)
        document: Document = {
            "TrainingSessionArn": arn, "TrainingSessionName": name, STATUS: "Created",
            "CreationTime": ctx.now, "LastModifiedTime": ctx.now, "LastReceivedSequenceNumber": 0,
            "BillableTokenUsage": {"PrefillTokenCount": 0, "SampleTokenCount": 0, "TrainingTokenCount": 0}}
        for member in ("ModelPackageGroupArn", "VpcConfig", "RoleArn", "LoraConfig", "ModelConfig", "OutputConfig"):
            if member in params:
                document[member] = params[member]
        self.sessions.add(document, params.get("Tags"))
        LIFECYCLE.begin(document, "create", ctx)
        return {"TrainingSessionArn": arn}

    @operation
    def describe_training_session(self, params: Params, ctx: Context) -> Document:
        """The session, with its tags (the detail carries them)."""
        document = self.sessions.require(ctx, params["TrainingSessionName"])
        members = service.shape("TrainingSessionDetail").members
        detail = {key: value for key, value in document.items() if key in members}
        found = ctx.store.tags.get(document["TrainingSessionArn"])
        if "Tags" in members and found:
            detail["Tags"] = [{"Key": key, "Value": value} for key, value in found.items()]
        return {"TrainingSessionDetail": detail}

    @operation
    def list_training_sessions(self, params: Params, ctx: Context) -> Document:
        page, token = LISTING.walk(self.sessions, ctx, params)
        members = service.shape("TrainingSessionSummary").members
        return {"TrainingSessionSummaries": [{key: value for key, value in document.items() if key in members}
                                             for document in page], "NextToken": token}

    @operation
    def stop_training_session(self, params: Params, ctx: Context) -> Document:
        return self._move(params, ctx, "stop", "stopped")

    @operation
    def delete_training_session(self, params: Params, ctx: Context) -> Document:
        return self._move(params, ctx, "delete", "deleted")

    def _move(self, params: Params, ctx: Context, trigger: str, done: str) -> Document:
        """Stop or Delete: refused unless the session's status accepts it, else its path begins."""
        document = self.sessions.require(ctx, params["TrainingSessionName"])
        LIFECYCLE.guard(document, trigger, _refused(done))
        LIFECYCLE.begin(document, trigger, ctx)
        return {}


def _refused(done: str) -> Any:
    def refuse(status: str, accepted: tuple[str, ...]) -> ValidationError:
        advice = " Stop the session first." if done == "deleted" and status in RUNNING else ""
        return ValidationError(f"The training session is in status {status}: only a session that is "
                               f"{' or '.join(accepted)} can be {done}.{advice}")
    return refuse

