"""Model customization jobs: CreateJob, DescribeJob, ListJobs, StopJob and DeleteJob, declared on
the resource engine.

"Creates a model customization job in Amazon SageMaker. A job runs a workload based on the job
category and configuration you provide" (CreateJob): agent reinforcement fine-tuning, evaluations,
synthetic data generation, data transformation ... A job is keyed by its category and name, as
every operation on it names both (`scope=("JobCategory",)`), and its ARN is
`job/<JobCategory>/<JobName>`. It walks InProgress -> Completed (at once by default); StopJob
walks Stopping -> Stopped ("When you call StopJob, Amazon SageMaker sets the job status to
Stopping. After the job stops, the status changes to Stopped"); DeleteJob walks Deleting -> gone
once the job has ended ("If the job is currently running, you must stop it before deleting it").
Each status a job enters is also its `SecondaryStatus`, recorded in `SecondaryStatusTransitions`.
Search finds jobs (`Resource="Job"`).

The configuration schemas (DescribeJobSchemaVersion, ListJobSchemaVersions) are AWS's own,
unpublished catalog: core.unanswerable lists them with the reason, and CreateJob takes any
well-formed schema version with any JSON document.
"""
from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "job"
TERMINAL = ("Completed", "Failed", "Stopped")
#: The secondary status a job is first in: "Starting", as for training jobs.
FIRST = "Starting"


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """EndTime once the job ends; each status entered opens a secondary status transition (and
    closes the one before), as DescribeJob's SecondaryStatusTransitions record them."""
    transitions = document.setdefault("SecondaryStatusTransitions", [])
    secondary = FIRST if status == "InProgress" else status
    if transitions and transitions[-1]["Status"] == secondary:
        return
    if transitions:
        transitions[-1]["EndTime"] = now
    transitions.append({"Status": secondary, "StartTime": now})
    document["SecondaryStatus"] = secondary
    if status in TERMINAL:
        document["EndTime"] = now


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="JobStatus",
    status_shape="JobStatus",
    paths={"create": ("InProgress", "Completed"), "stop": ("Stopping", "Stopped"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("InProgress", "Failed"), "delete": ("Deleting", "DeleteFailed")},
    name_key="JobName",
    # StopJob "Stops a running job"; DeleteJob: "If the job is currently running, you must stop it
    # before deleting it" and "This operation is idempotent" (a job already Deleting, or whose
    # deletion failed, may be deleted again).
    accepts={"stop": ("InProgress",), "delete": (*TERMINAL, "Deleting", "DeleteFailed")},
    stamps_modified=True,
    on_enter=_entered,
)


def _json_document(params: Params, ctx: Context) -> None:
    """JobConfigDocument: "The JSON configuration document for the job"."""
    try:
        json.loads(params["JobConfigDocument"])
    except ValueError as error:
        raise ValidationError(f"JobConfigDocument is not a valid JSON document: {error}.") from None


JOB = Resource(
    "Job",
    kind=KIND,
    scope=("JobCategory",),
    # The operations declare ResourceNotFound and ResourceInUse; AWS's wording is not published.
    missing=not_found("Job {arn} does not exist."),
    duplicate=in_use("A job with this name already exists ({arn})."),
    lifecycle=LIFECYCLE,
    summary={"JobSecondaryStatus": "SecondaryStatus"},
    # ListJobs states no default sort: the newest first, as the other List operations of SageMaker.
    default_sort=("CreationTime", "Descending"),
    rules=(Rule(_json_document, "CreateJob's JobConfigDocument: \"The JSON configuration document for the job\""),),
    waivers={
        "The name must be unique within your account and Amazon Web Services Region": "claimed by the engine's "
        "duplicate check (ResourceInUse), per job category (every operation names a job by category and name)",
        "The JobConfigDocument must conform to the schema specified by JobConfigSchemaVersion": "AWS's schemas are "
        "not published (DescribeJobSchemaVersion is unanswerable): any JSON document is accepted",
        "The document must conform to the schema specified by": "AWS's schemas are not published: any JSON document "
        "is accepted",
        "The role must have the necessary permissions": "IAM is not modelled",
        "If the job is currently running, you must stop it before deleting it": "claimed by the lifecycle: DeleteJob "
        "is accepted once the job has ended (ResourceInUse otherwise)",
    },
    example={
        "JobName": "support-agent-rft",
        "RoleArn": "arn:aws:iam::123456789012:role/customization",
        "JobCategory": "AgentRFT",
        "JobConfigSchemaVersion": "1.0.0",
        "JobConfigDocument": json.dumps({"BaseModel": "example-base-model",
                                         "TrainingData": {"S3Uri": "s3://bucket/prompts/train.jsonl"}}),
    },
)


class Jobs(Backend):
    jobs = JOB.table()


provide(Provider("Job", "Job", "JobArn", lambda store: store.table(KIND).values(), lifecycle=LIFECYCLE,
                 computed={"Tags": own_tags("JobArn")}, family="Jobs", kind=KIND, table=KIND))
