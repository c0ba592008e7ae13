"""Ground Truth labeling jobs: workers of a work team label the data objects a manifest (or an SNS
topic, for a streaming job) hands them.

A declared resource (`core.resource`): Create, Describe, List and Stop are derived from the model;
ListLabelingJobsForWorkteam, the work team's view, is written here. A static job (an S3 manifest)
walks Initializing -> InProgress -> Completed; a streaming job (an SNS topic) stays InProgress
until it is stopped ("A streaming labeling job runs perpetually until it is manually stopped");
StopLabelingJob walks Stopping -> Stopped. Nothing reads the manifest, so the label counters stay
at zero; a completed or stopped job answers where its output manifest is. docs/labeling-jobs.md
gives the sources.
"""
from __future__ import annotations

import datetime as _dt
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
KIND = "labeling-job"
STATUS = "LabelingJobStatus"
ROLE = "arn:aws:iam::123456789012:role/ground-truth"
#: What a job's counters are before (and, since nothing reads the manifest, after) it labels.
ZERO_COUNTERS = {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0, "FailedNonRetryableError": 0,
                 "Unlabeled": 0}


def _streaming(document: Document) -> bool:
    return "SnsDataSource" in document["InputConfig"]["DataSource"]


def _route(document: Document, trigger: str) -> str:
    """A streaming job's creation takes the path that stays InProgress."""
    return "create-streaming" if trigger == "create" and _streaming(document) else trigger


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """A job that ends with results answers where its output manifest is (Ground Truth writes
    `<S3OutputPath>/<job name>/manifests/output/output.manifest`)."""
    if status in ("Completed", "Stopped"):
        path = document["OutputConfig"]["S3OutputPath"].rstrip("/")
        document["LabelingJobOutput"] = {
            "OutputDatasetS3Uri": f"{path}/{document['LabelingJobName']}/manifests/output/output.manifest"}


LIFECYCLE = Lifecycle(
    resource_type=KIND, status_key=STATUS, status_shape=STATUS,
    paths={"create": ("Initializing", "InProgress", "Completed"), "create-streaming": ("Initializing", "InProgress"),
           "stop": ("Stopping", "Stopped")},
    failure_paths={"create": ("Initializing", "Failed"), "create-streaming": ("Initializing", "Failed")},
    name_key="LabelingJobName",
    accepts={"stop": ("Initializing", "InProgress")},
    stamps_modified=True,
    on_enter=_entered,
    route=_route,
)


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """What SageMaker fills in: the counters (nothing labeled yet) and the job's reference code."""
    document["LabelCounters"] = dict(ZERO_COUNTERS)
    document["JobReferenceCode"] = ctx.random_id(24)


def _one_source(params: Params, ctx: Context) -> None:
    """DataSource: an S3 manifest (a static job) or an SNS topic (a streaming job)."""
    source = params["InputConfig"]["DataSource"]
    if source.get("S3DataSource") is None and source.get("SnsDataSource") is None:
        raise ValidationError("InputConfig.DataSource: you must specify at least one of the following: S3DataSource "
                              "or SnsDataSource.")


def _attribute_name(params: Params, ctx: Context) -> None:
    """The job's output keeps `<name>-metadata` beside each label: a label named so would collide."""
    name = params["LabelAttributeName"]
    if name.endswith("-metadata"):
        raise ValidationError(f"LabelAttributeName {name} is not valid: the name can't end with \"-metadata\".")


def _one_template(params: Params, ctx: Context) -> None:
    """UiConfig names the worker task template by S3 URI or by the ARN of a human task UI, one of them."""
    ui = params["HumanTaskConfig"]["UiConfig"]
    given = [member for member in ("UiTemplateS3Uri", "HumanTaskUiArn") if ui.get(member) is not None]
    if len(given) != 1:
        raise ValidationError("HumanTaskConfig.UiConfig must have exactly one of UiTemplateS3Uri and HumanTaskUiArn.")


def _references(params: Params, ctx: Context) -> None:
    """The work team must exist (the public crowd's and vendors' teams, of other accounts, are taken
    on trust), and so must a human task UI the job names."""
    config = params["HumanTaskConfig"]
    ctx.store.table("workteam").require_own(ctx, config["WorkteamArn"])
    ui = config["UiConfig"].get("HumanTaskUiArn")
    if ui is not None:
        ctx.store.table("human-task-ui").require(ctx, ui)


def _human_task_config(document: Document, member: str) -> Any:
    return document["HumanTaskConfig"].get(member)


LABELING_JOB = Resource(
    "LabelingJob",
    kind=KIND,
    # DescribeLabelingJob and StopLabelingJob declare ResourceNotFound; AWS's wording is not published.
    missing=not_found("Could not find labeling job {arn}."),
    duplicate=in_use("Labeling job {arn} already exists."),
    lifecycle=LIFECYCLE,
    summary={"WorkteamArn": lambda document: _human_task_config(document, "WorkteamArn"),
             "PreHumanTaskLambdaArn": lambda document: _human_task_config(document, "PreHumanTaskLambdaArn"),
             "AnnotationConsolidationLambdaArn": lambda document: (
                 _human_task_config(document, "AnnotationConsolidationConfig") or {}).get(
                 "AnnotationConsolidationLambdaArn")},
    rules=[
        Rule(_one_source, "LabelingJobDataSource: 'You must specify at least one of the following: S3DataSource or "
             "SnsDataSource'", claims=("You must specify at least one of the following: S3DataSource or",)),
        Rule(_attribute_name, "CreateLabelingJob.LabelAttributeName: 'The name can't end with \"-metadata\"'",
             claims=("The name can't end with",)),
        Rule(_one_template, "UiConfig: 'Provide either HumanTaskUiArn or UiTemplateS3Uri'"),
        Rule(_references, "HumanTaskConfig.WorkteamArn: 'The Amazon Resource Name (ARN) of the work team assigned "
             "to complete the tasks'; UiConfig.HumanTaskUiArn names a human task UI"),
    ],
    waivers={
        "Labeling job names must be unique": "claimed by the engine's duplicate check (ResourceInUse)",
        "The LabelAttributeName must meet the following requirements": "introduces the requirements below",
        "the attribute name must end with": "depends on the task type, which the job's templates and Lambda "
                                            "functions define and the mock does not read",
        "must not end with -\"ref\"": "depends on the task type (verification), which the mock does not know",
        "you must use a different LabelAttributeName than the one used in the original": "the original job of an "
        "adjustment or verification job is named only inside its input manifest, which is not read",
        "CreateLabelingJob.InputConfig.DataSource.S3DataSource.ManifestS3Uri": "S3 manifests are not read",
        "must grant this role the necessary permissions": "IAM is not modelled",
        "you must add the required permissions to your KMS key": "KMS is not modelled",
        "CreateLabelingJob.LabelCategoryConfigS3Uri": "the label category configuration file is in S3, which is not "
                                                      "read",
        "You must select one of the following ARNs": "the algorithm specification ARN is kept as given (the model's "
                                                     "pattern is checked); no automated labeling runs",
        "You can only specify a VolumeKmsKeyId when you create a labeling job with automated": "KMS is not modelled; "
        "automated data labeling does not run",
        "You cannot specify an Amazon Web Services KMS key": "describes the console",
        "A job that is stopped cannot be restarted": "there is no operation that restarts a labeling job",
    },
    superseded={
        "the attribute name must not end with \"-ref\"": "botocore 1.35's words for the task-type rule the newer "
                                                          "model states as 'the attribute name must end with'",
    },
    on_create=_computed,
    example={"LabelingJobName": "label-images", "LabelAttributeName": "label",
             "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://bucket/input.manifest"}}},
             "OutputConfig": {"S3OutputPath": "s3://bucket/labels"}, "RoleArn": ROLE,
             "HumanTaskConfig": {
                 "WorkteamArn": "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers",
                 "UiConfig": {"UiTemplateS3Uri": "s3://bucket/template.liquid"},
                 "TaskTitle": "Label", "TaskDescription": "Label the image", "NumberOfHumanWorkersPerDataObject": 1,
                 "TaskTimeLimitInSeconds": 300,
                 # Required by older models (botocore 1.35): AWS's built-in functions for image classification.
                 "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-ImageMultiClass",
                 "AnnotationConsolidationConfig": {"AnnotationConsolidationLambdaArn":
                                                   "arn:aws:lambda:us-east-1:432418664414:function:ACS-ImageMultiClass"}}},
    example_needs=(
        ("CreateWorkteam", {"WorkteamName": "labelers", "Description": "labelers", "MemberDefinitions": [
            {"CognitoMemberDefinition": {"UserPool": "us-east-1_Example1", "UserGroup": "labelers",
                                         "ClientId": "client"}}]}),
    ),
)

#: ListLabelingJobsForWorkteam: "The default is CreationTime" and "The default is Ascending".
FOR_WORKTEAM = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                       default_order="Ascending", id_key="LabelingJobArn")


class LabelingJobs(Backend):
    jobs = LABELING_JOB.table()

    @operation
    def list_labeling_jobs_for_workteam(self, params: Params, ctx: Context) -> Document:
        """The work team's view of the jobs it labels for: each job's reference code, the account
        that asked, and the counts a worker sees (nothing is labeled by the mock's workers)."""
        team = ctx.store.table("workteam").find(ctx, params["WorkteamArn"])
        if team is None:  # the operation declares ResourceNotFound
            raise ResourceNotFound(f"Workteam {params['WorkteamArn']} does not exist.")
        arn = team["WorkteamArn"]
        code = params.get("JobReferenceCodeContains")
        where = [lambda document: document["HumanTaskConfig"]["WorkteamArn"] == arn]
        if code:
            where.append(lambda document: code in document["JobReferenceCode"])
        page, token = FOR_WORKTEAM.walk(self.jobs, ctx, params, where)
        return {"LabelingJobSummaryList": [{
            "LabelingJobName": document["LabelingJobName"],
            "JobReferenceCode": document["JobReferenceCode"],
            "WorkRequesterAccountId": ctx.account,
            "CreationTime": document["CreationTime"],
            "LabelCounters": {"HumanLabeled": document["LabelCounters"]["HumanLabeled"], "PendingHuman": 0,
                              "Total": document["LabelCounters"]["TotalLabeled"]},
            "NumberOfHumanWorkersPerDataObject": document["HumanTaskConfig"]["NumberOfHumanWorkersPerDataObject"],
        } for document in page], "NextToken": token}
