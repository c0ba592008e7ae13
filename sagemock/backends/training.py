"""Training jobs: Create, Describe, List, Stop, Update and Delete, with what SageMaker creates alongside.

A job is kept as the document DescribeTrainingJob returns. Its `TrainingJobStatus` walks the
lifecycle (instantly by default): InProgress -> Completed, while `SecondaryStatus` walks Starting
-> Downloading -> Training -> Uploading -> Completed, one `SecondaryStatusTransitions` entry per
step. StopTrainingJob walks Stopping -> Stopped; a failure planned with
`mock.fail_next("training-job", ...)` ends in Failed with the reason as `FailureReason`.

What AWS documents and sagemock enforces (API reference, the botocore model, and real answers):

* Names are unique per account and region, regardless of case (the ARN carries the name in lower
  case); a duplicate is ResourceInUse: "Training job names must be unique within an AWS account
  and region, and a training job with this name already exists (<arn>)".
* A job that does not exist is a ValidationException "Requested resource not found." for
  Describe, Stop and Update alike, although the model declares ResourceNotFound
  (boto/boto3#2808; the AWS controllers for Kubernetes map TrainingJob's 404 the same way).
* AlgorithmSpecification: "You must specify either the algorithm name to the AlgorithmName
  parameter or the image URI of the algorithm container to the TrainingImage parameter ...
  AlgorithmName is mutually exclusive with TrainingImage". An algorithm of this account must
  exist ("Algorithm <arn> does not exist.", amazon-sagemaker-examples#3923).
* StoppingCondition: MaxRuntimeInSeconds "The default value is 1 day. The maximum value is 28
  days" (both read from the model's documentation); MaxWaitTimeInSeconds "must be equal to or
  greater than MaxRuntimeInSeconds".
* Channel: AugmentedManifestFile "can only be used if the Channel's input mode is Pipe".
* StopTrainingJob: "SageMaker changes the status of the job to Stopping. After SageMaker stops the
  job, it sets the status to Stopped"; a job that is not InProgress is refused with
  ValidationException "The request was rejected because the training job is in status <s>."
* DeleteTrainingJob: "You can delete only training jobs that are in a terminal state (Stopped,
  Failed, or Completed) and don't retain an Available managed warm pool ... After deleting the
  job, you can reuse its name to create another training job" (model documentation).
* UpdateTrainingJob: RemoteDebugConfig "when the SecondaryStatus of the job is Downloading or
  Training" (model documentation).
* ListTrainingJobs: "The default is CreationTime" (SortBy), "The default is Ascending"
  (SortOrder); "When StatusEquals and MaxResults are set at the same time, the MaxResults number
  of training jobs are first retrieved ignoring the StatusEquals parameter and then they are
  filtered by the StatusEquals parameter".
* Automatic tracking (Developer Guide, "Amazon SageMaker AI-Created Tracking Entities" and
  "Lineage Tracking Entities"): a trial component `<job>-aws-training-job` whose source is the
  job, and lineage artifacts for the training image, each input channel's S3 URI and the model,
  reused by SourceUri.

The choices where AWS is silent are listed in docs/training.md.
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from ..core import arns, artifacts, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store
from ..core.table import Table
from . import job_tracking, plan_use

Document = dict[str, Any]

RESOURCE_TYPE = "training-job"
#: The SourceType of the trial component SageMaker creates for a training job.
SOURCE_TYPE = "SageMakerTrainingJob"
#: The suffix of that trial component's name.
COMPONENT_SUFFIX = "-aws-training-job"
#: SecondaryStatus while the job is InProgress, in order.
RUNNING = ("Starting", "Downloading", "Training", "Uploading")
#: TrainingJobStatus -> the SecondaryStatus it shows, for statuses that are not InProgress.
SECONDARY = {"Completed": "Completed", "Failed": "Failed", "Stopping": "Stopping", "Stopped": "Stopped"}
#: The StatusMessage of each SecondaryStatusTransitions entry, as SageMaker writes them (the
#: SageMaker Python SDK prints them while it waits for a job: "Downloading - Downloading input data").
MESSAGES = {
    "Starting": "Preparing the instances for training",
    "Downloading": "Downloading input data",
    "Training": "Training image download completed. Training in progress.",
    "Uploading": "Uploading generated training model",
    "Completed": "Training job completed",
    "Failed": "Training job failed",
    "Stopping": "Stopping the training job",
    "Stopped": "Training job stopped",
}
TERMINAL = frozenset(("Completed", "Failed", "Stopped"))
#: A rule evaluation's status while its job is in each TrainingJobStatus.
RULE_STATUS = {"InProgress": "InProgress", "Completed": "NoIssuesFound", "Failed": "Stopped",
               "Stopping": "Stopping", "Stopped": "Stopped"}


def _not_found(arn: str) -> ValidationError:
    return ValidationError("Requested resource not found.")


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """Each status: the secondary status and its transition, times, rules, warm pool, and what
    SageMaker keeps alongside (the trial component's status, the model's lineage artifact)."""
    if status == "InProgress":
        step = document.get("_step", 0)
        secondary = RUNNING[min(step, len(RUNNING) - 1)]
        document["_step"] = step + 1
    else:
        secondary = SECONDARY.get(status, status)
    transitions = document["SecondaryStatusTransitions"]
    if not transitions or transitions[-1]["Status"] != secondary:
        if transitions:
            transitions[-1]["EndTime"] = now
        transitions.append({"Status": secondary, "StartTime": now, "StatusMessage": MESSAGES.get(secondary, "")})
    document["SecondaryStatus"] = secondary
    if secondary == "Downloading":
        document.setdefault("TrainingStartTime", now)
    if status in TERMINAL:
        transitions[-1]["EndTime"] = now
        document["TrainingEndTime"] = now
        started = document.get("TrainingStartTime")
        seconds = int((now - started).total_seconds()) if started is not None else 0
        document["TrainingTimeInSeconds"] = seconds
        document["BillableTimeInSeconds"] = seconds
    for key in ("DebugRuleEvaluationStatuses", "ProfilerRuleEvaluationStatuses"):
        for rule in document.get(key) or ():
            rule["RuleEvaluationStatus"] = RULE_STATUS.get(status, rule["RuleEvaluationStatus"])
            rule["LastModifiedTime"] = now
    keep_alive = (document.get("ResourceConfig") or {}).get("KeepAlivePeriodInSeconds")
    if keep_alive:
        document["WarmPoolStatus"] = {"Status": "InUse" if status in ("InProgress", "Stopping") else
                                      "Available" if status == "Completed" else "Terminated",
                                      "ResourceRetainedBillableTimeInSeconds": 0}
    _follow(document, status, secondary, store, now)


def _follow(document: Document, status: str, secondary: str, store: Store, now: _dt.datetime) -> None:
    """The job's trial component follows its status; a completed job's model joins the lineage."""
    component = job_tracking.follow(store, document["_component"], status, MESSAGES.get(secondary, ""),
                                    document.get("TrainingStartTime"), now)
    if status == "Completed":
        model = document["ModelArtifacts"]["S3ModelArtifacts"]
        artifacts.write(store, RESOURCE_TYPE, document["TrainingJobName"], document, model)
        if component is not None:
            job_tracking.produced(store, component, "SageMaker.ModelArtifact", model, "Model", now, document["_user"])


LIFECYCLE = Lifecycle(
    resource_type=RESOURCE_TYPE,
    status_key="TrainingJobStatus",
    status_shape="TrainingJobStatus",
    # One InProgress step per running SecondaryStatus (Starting, Downloading, Training, Uploading).
    paths={"create": ("InProgress",) * len(RUNNING) + ("Completed",), "stop": ("Stopping", "Stopped")},
    failure_paths={"create": ("InProgress",) * 3 + ("Failed",)},
    failure_key="FailureReason",
    name_key="TrainingJobName",
    accepts={"stop": ("InProgress",), "profiler": ("InProgress",)},
    stamps_modified=True,
    on_enter=_entered,
)
#: ListTrainingJobs: "The default is CreationTime" (SortBy), "The default is Ascending" (SortOrder).
LISTING = Listing(
    sort_keys={"Name": "TrainingJobName", "CreationTime": "CreationTime", "Status": "TrainingJobStatus"},
    default_sort="CreationTime", default_order="Ascending", id_key="TrainingJobArn",
    name_key="TrainingJobName", status_key="TrainingJobStatus",
)


def _documented_days(phrase: str) -> int:
    """A limit StoppingCondition.MaxRuntimeInSeconds states in days ("The default value is 1 day")."""
    doc = service.shape("StoppingCondition").members["MaxRuntimeInSeconds"].documentation or ""
    found = re.search(phrase + r" (\d+) days?", doc)
    if found is None:
        raise LookupError(f"the model no longer documents MaxRuntimeInSeconds' {phrase!r}")
    return int(found.group(1)) * 86400


class Training(Backend):
    jobs = Table.of(RESOURCE_TYPE, arn="TrainingJobArn", name="TrainingJobName", missing=_not_found,
                    lifecycle=LIFECYCLE)

    def _job(self, ctx: Context, name: str) -> Document:
        return self.jobs.require(ctx, name)

    # -- CreateTrainingJob ----------------------------------------------------------------------

    @operation
    def create_training_job(self, params: Params, ctx: Context) -> Document:
        name = params["TrainingJobName"]
        existing = self.jobs.get(arns.key(RESOURCE_TYPE, name))
        if existing is not None:
            raise ResourceInUse("Training job names must be unique within an AWS account and region, and a training "
                                f"job with this name already exists ({existing['TrainingJobArn']})")
        tags.check(params.get("Tags"))
        plan = (params.get("ResourceConfig") or {}).get("TrainingPlanArn")
        if plan:
            plan_use.require(ctx, plan, "training-job")
        algorithm = self._check_algorithm(params, ctx)
        channels = _check_channels(params)
        stopping = _stopping_condition(params)
        trial = job_tracking.check_experiment(ctx, params.get("ExperimentConfig"))
        component_key = job_tracking.claim_component(ctx, ctx.arn(RESOURCE_TYPE, name), name + COMPONENT_SUFFIX)

        arn = ctx.arn(RESOURCE_TYPE, name)
        output = params["OutputDataConfig"]["S3OutputPath"].rstrip("/")
        document: Document = {
            member: params[member]
            for member in service.echoed_members("CreateTrainingJob", "DescribeTrainingJob", exclude=("Tags",))
            if member in params
        }
        document.update({
            "TrainingJobName": name,
            "TrainingJobArn": arn,
            # KmsKeyId is "" when none was given, as AWS answers (transcripts; the SageMaker SDK's
            # `Estimator.attach` reads it unconditionally, as do its unit-test fixtures).
            "OutputDataConfig": {"KmsKeyId": "", **params["OutputDataConfig"]},
            "ModelArtifacts": {"S3ModelArtifacts": f"{output}/{name}/output/model.tar.gz"},
            "StoppingCondition": stopping,
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "SecondaryStatusTransitions": [],
            "_user": ctx.user_for("artifact"),
            "_component": component_key,
        })
        for flag in ("EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "EnableManagedSpotTraining"):
            document.setdefault(flag, False)
        if "InputDataConfig" in document:
            document["InputDataConfig"] = channels
        _rule_statuses(document, "DebugRuleConfigurations", "DebugRuleEvaluationStatuses", ctx.now)
        _rule_statuses(document, "ProfilerRuleConfigurations", "ProfilerRuleEvaluationStatuses", ctx.now)
        if "ProfilerConfig" in params:
            document["ProfilingStatus"] = "Disabled" if params["ProfilerConfig"].get("DisableProfiler") else "Enabled"

        self.jobs.add(document, params.get("Tags"))
        self._track(document, algorithm, trial, ctx)
        LIFECYCLE.begin(document, "create", ctx)
        return {"TrainingJobArn": arn}

    def _check_algorithm(self, params: Params, ctx: Context) -> Document | None:
        """Exactly one of TrainingImage and AlgorithmName; the algorithm it names (if ours)."""
        specification = params.get("AlgorithmSpecification")
        if specification is None:
            if params.get("ServerlessJobConfig") is not None:
                return None
            raise ValidationError("AlgorithmSpecification is required: specify the TrainingImage or the AlgorithmName "
                                  "of the training algorithm.")
        image, name = specification.get("TrainingImage"), specification.get("AlgorithmName")
        if image and name:
            raise ValidationError("AlgorithmName is mutually exclusive with TrainingImage: if you specify a value for "
                                  "AlgorithmName, you can't specify a value for TrainingImage.")
        if not image and not name:
            raise ValidationError("You must specify either the algorithm name to the AlgorithmName parameter or the "
                                  "image URI of the algorithm container to the TrainingImage parameter.")
        if name:
            return ctx.store.table("algorithm").require_own(ctx, name)
        return None

    def _track(self, document: Document, algorithm: Document | None, trial: Document | None, ctx: Context) -> None:
        """The trial component and the input lineage artifacts SageMaker creates with the job."""
        specification = document.get("AlgorithmSpecification") or {}
        image = specification.get("TrainingImage")
        resources = document.get("ResourceConfig") or {}
        hyperparameters = document.get("HyperParameters") or {}
        parameters: Document = {key: _parameter(value) for key, value in hyperparameters.items()}
        if image:
            parameters["SageMaker.ImageUri"] = {"StringValue": image}
        if resources.get("InstanceCount") is not None:
            parameters["SageMaker.InstanceCount"] = {"NumberValue": float(resources["InstanceCount"])}
        if resources.get("InstanceType"):
            parameters["SageMaker.InstanceType"] = {"StringValue": resources["InstanceType"]}
        inputs: Document = {}
        uris: list[tuple[str, str]] = []  # (source URI, artifact type) of what the job reads
        if image:
            inputs["SageMaker.ImageUri"] = {"Value": image}
            uris.append((image, "Image"))
        for channel in document.get("InputDataConfig") or ():
            uri = ((channel.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri")
            if uri:
                artifact: Document = {"Value": uri}
                if channel.get("ContentType"):
                    artifact["MediaType"] = channel["ContentType"]
                inputs[channel["ChannelName"]] = artifact
                uris.append((uri, "DataSet"))
        checkpoint = (document.get("CheckpointConfig") or {}).get("S3Uri")
        if checkpoint:  # "The location for the managed spot checkpoint data" is tracked too
            uris.append((checkpoint, "DataSet"))
        outputs: Document = {}
        if (document.get("DebugHookConfig") or {}).get("S3OutputPath"):
            outputs["SageMaker.DebugHookOutput"] = {"Value": document["DebugHookConfig"]["S3OutputPath"]}
        config = document.get("ExperimentConfig") or {}
        job_tracking.track(ctx, document["TrainingJobArn"], document["_component"],
                           document["TrainingJobName"] + COMPONENT_SUFFIX, SOURCE_TYPE,
                           job_tracking.Tracked(parameters, inputs, outputs, tuple(uris)), trial,
                           config.get("TrialComponentDisplayName"))

    # -- DescribeTrainingJob / ListTrainingJobs -------------------------------------------------

    @operation
    def describe_training_job(self, params: Params, ctx: Context) -> Document:
        return self._job(ctx, params["TrainingJobName"])

    @operation
    def list_training_jobs(self, params: Params, ctx: Context) -> Document:
        warm_pool, plan = params.get("WarmPoolStatusEquals"), params.get("TrainingPlanArnEquals")
        where = []
        if warm_pool is not None:
            where.append(lambda doc: (doc.get("WarmPoolStatus") or {}).get("Status") == warm_pool)
        if plan is not None:
            where.append(lambda doc: (doc.get("ResourceConfig") or {}).get("TrainingPlanArn") == plan)
        status = params.get("StatusEquals")
        if status is not None and params.get("MaxResults") is not None:
            # AWS takes the page first and filters it by status afterwards (ListTrainingJobs' docs).
            page, token = LISTING.walk(self.jobs, ctx, params, where, filters={**params, "StatusEquals": None})
            page = [doc for doc in page if doc["TrainingJobStatus"] == status]
        else:
            page, token = LISTING.walk(self.jobs, ctx, params, where)
        return {"TrainingJobSummaries": [_summary(doc) for doc in page], "NextToken": token}

    # -- DeleteTrainingJob -----------------------------------------------------------------------

    @operation
    def delete_training_job(self, params: Params, ctx: Context) -> None:
        document = self._job(ctx, params["TrainingJobName"])
        status = document["TrainingJobStatus"]
        if status not in TERMINAL:
            raise ResourceInUse(f"The request was rejected because the training job is in status {status}: only "
                                "training jobs that are Completed, Failed or Stopped can be deleted.")
        if (document.get("WarmPoolStatus") or {}).get("Status") == "Available":
            raise ResourceInUse("The request was rejected because the training job retains an Available managed "
                                "warm pool: wait until the warm pool is Terminated, or set its "
                                "KeepAlivePeriodInSeconds to 0 with UpdateTrainingJob.")
        self.jobs.remove(document)
        return None

    # -- StopTrainingJob / UpdateTrainingJob ----------------------------------------------------

    @operation
    def stop_training_job(self, params: Params, ctx: Context) -> None:
        document = self._job(ctx, params["TrainingJobName"])
        LIFECYCLE.guard(document, "stop", _rejected)
        LIFECYCLE.begin(document, "stop", ctx)
        return None

    @operation
    def update_training_job(self, params: Params, ctx: Context) -> Document:
        document = self._job(ctx, params["TrainingJobName"])
        given = [member for member in ("ProfilerConfig", "ProfilerRuleConfigurations", "ResourceConfig",
                                       "RemoteDebugConfig") if params.get(member) is not None]
        if not given:  # AWS states no refusal (the SDK refuses it on the client): nothing changes
            return {"TrainingJobArn": document["TrainingJobArn"]}
        if "ProfilerConfig" in given or "ProfilerRuleConfigurations" in given:
            LIFECYCLE.guard(document, "profiler", _rejected)
        rules = params.get("ProfilerRuleConfigurations") or []
        names = [rule["RuleConfigurationName"] for rule in document.get("ProfilerRuleConfigurations") or []]
        for rule in rules:
            if rule["RuleConfigurationName"] in names:
                raise ValidationError(f"A profiler rule named {rule['RuleConfigurationName']} is already configured "
                                      "for this training job: rule configuration names must be unique.")
            names.append(rule["RuleConfigurationName"])
        keep_alive = (params.get("ResourceConfig") or {}).get("KeepAlivePeriodInSeconds")
        if keep_alive is not None:
            warm_pool = (document.get("WarmPoolStatus") or {}).get("Status")
            if document["TrainingJobStatus"] != "InProgress" and warm_pool != "Available":
                raise ValidationError("The warm pool retention period can be updated only while the training job is "
                                      "InProgress or its warm pool is Available; the job is "
                                      f"{document['TrainingJobStatus']} and its warm pool is {warm_pool or 'absent'}.")
        if "RemoteDebugConfig" in given and document["SecondaryStatus"] not in ("Downloading", "Training"):
            raise ValidationError("You can update the remote debugging configuration only when the SecondaryStatus of "
                                  f"the job is Downloading or Training; it is {document['SecondaryStatus']}.")

        if "ProfilerConfig" in params:
            profiler = {**(document.get("ProfilerConfig") or {}), **params["ProfilerConfig"]}
            document["ProfilerConfig"] = profiler
            document["ProfilingStatus"] = "Disabled" if profiler.get("DisableProfiler") else "Enabled"
        if rules:
            document["ProfilerRuleConfigurations"] = [*(document.get("ProfilerRuleConfigurations") or []), *rules]
            statuses = document.setdefault("ProfilerRuleEvaluationStatuses", [])
            statuses += [{"RuleConfigurationName": rule["RuleConfigurationName"], "RuleEvaluationStatus": "InProgress",
                          "LastModifiedTime": ctx.now} for rule in rules]
        if keep_alive is not None:
            document["ResourceConfig"] = {**(document.get("ResourceConfig") or {}),
                                          "KeepAlivePeriodInSeconds": keep_alive}
            if keep_alive == 0 and document.get("WarmPoolStatus", {}).get("Status") == "Available":
                document["WarmPoolStatus"]["Status"] = "Terminated"
        if "RemoteDebugConfig" in params:
            document["RemoteDebugConfig"] = {**(document.get("RemoteDebugConfig") or {}), **params["RemoteDebugConfig"]}
        document["LastModifiedTime"] = ctx.now
        return {"TrainingJobArn": document["TrainingJobArn"]}

    # -- what the training container reports -------------------------------------------------

    def record_final_metrics(self, document: Document, metrics: dict[str, float], now: _dt.datetime) -> None:
        """The final values of the job's metrics (`FinalMetricDataList`), mirrored on its trial component.

        A job that declares metric definitions (its own or its algorithm's) may report only
        those; one that declares none runs a built-in algorithm, which emits its own metrics. A value
        that is not finite (NaN, infinity: what a diverging job prints) is not recorded: SageMaker's
        metrics go through CloudWatch, where "special values (for example, NaN, +Infinity,
        -Infinity) are not supported" (MetricDatum.Value).
        """
        if "TrainingJobArn" not in document:
            raise ValueError(f"{document.get('_arn', 'that resource')} is not a training job: only a training job "
                             "reports final metrics")
        declared = self._declared_metrics(document)
        unknown = sorted(set(metrics) - declared) if declared else []
        if unknown:
            raise ValueError(f"training job {document['TrainingJobName']} declares no metric definition for "
                             f"{', '.join(unknown)}; its MetricDefinitions name {', '.join(sorted(declared))}")
        metrics = {name: value for name, value in metrics.items() if math.isfinite(float(value))}
        final = {item["MetricName"]: item for item in document.get("FinalMetricDataList") or []}
        for name, value in metrics.items():
            final[name] = {"MetricName": name, "Value": float(value), "Timestamp": now}
        document["FinalMetricDataList"] = list(final.values())
        self.store.changed("Training", "Experiments")  # written outside any operation: Search views are stale
        experiments = self.store.owner(job_tracking.COMPONENT)
        component = experiments.components.get(document["_component"])
        if component is not None:
            experiments.record_metrics(component, {name: [value] for name, value in metrics.items()},
                                                    now, source_arn=document["TrainingJobArn"])

    def _declared_metrics(self, document: Document) -> set[str]:
        specification = document.get("AlgorithmSpecification") or {}
        declared = {item["Name"] for item in specification.get("MetricDefinitions") or ()}
        name = specification.get("AlgorithmName")
        if name:
            resource = arns.resolve(name, "algorithm", self.store.region, self.store.account) if arns.is_arn(name) \
                else name
            algorithm = self.store.table("algorithm").get(resource or "")
            if algorithm is not None:
                declared |= {item["Name"] for item in
                             algorithm["TrainingSpecification"].get("MetricDefinitions") or ()}
        return declared


def _rejected(status: str, accepted: tuple[str, ...]) -> ValidationError:
    return ValidationError(f"The request was rejected because the training job is in status {status}.")


def _parameter(value: str) -> Document:
    """A hyperparameter as a trial component parameter: a number where it reads as one."""
    try:
        number = float(value)
    except ValueError:
        return {"StringValue": value}
    if number != number or number in (float("inf"), float("-inf")):
        return {"StringValue": value}
    return {"NumberValue": number}


def _check_channels(params: Params) -> list[Document]:
    """The input channels, with the rules their shape cannot state."""
    channels = [dict(channel) for channel in params.get("InputDataConfig") or ()]
    names = [channel["ChannelName"] for channel in channels]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"Channel names must be unique within a training job: {', '.join(repeated)} is repeated.")
    mode = (params.get("AlgorithmSpecification") or {}).get("TrainingInputMode")
    for channel in channels:
        source = (channel.get("DataSource") or {}).get("S3DataSource") or {}
        if source.get("S3DataType") == "AugmentedManifestFile" and (channel.get("InputMode") or mode) != "Pipe":
            raise ValidationError(f"Channel {channel['ChannelName']}: AugmentedManifestFile can only be used if the "
                                  "Channel's input mode is Pipe.")
    return channels


def _stopping_condition(params: Params) -> Document:
    """StoppingCondition with its documented default (1 day), checked against its documented limits."""
    condition = dict(params.get("StoppingCondition") or {})
    condition.setdefault("MaxRuntimeInSeconds", _documented_days("default value is"))
    runtime, wait = condition["MaxRuntimeInSeconds"], condition.get("MaxWaitTimeInSeconds")
    longest = _documented_days("maximum value is")
    if runtime > longest:
        raise ValidationError(f"MaxRuntimeInSeconds {runtime} is more than the maximum of {longest} seconds "
                              f"({longest // 86400} days).")
    if wait is not None and wait < runtime:
        raise ValidationError(f"MaxWaitTimeInSeconds ({wait}) must be equal to or greater than MaxRuntimeInSeconds "
                              f"({runtime}).")
    if wait is not None and not params.get("EnableManagedSpotTraining"):
        # AWS's words (reported in aws/sagemaker-python-sdk#4140 and Kenza-AI/sagify#111).
        raise ValidationError("Invalid MaxWaitTimeInSeconds. It is only supported when EnableManagedSpotTraining "
                              "is set to true")
    return condition


def _rule_statuses(document: Document, configurations: str, statuses: str, now: _dt.datetime) -> None:
    rules = document.get(configurations) or []
    if rules:
        document[statuses] = [{"RuleConfigurationName": rule["RuleConfigurationName"],
                               "RuleEvaluationStatus": "InProgress", "LastModifiedTime": now} for rule in rules]


def _summary(document: Document) -> Document:
    summary = shape.project(document, service.shape("TrainingJobSummary"))
    plan = (document.get("ResourceConfig") or {}).get("TrainingPlanArn")
    if plan and "TrainingPlanArn" in service.shape("TrainingJobSummary").members:
        summary["TrainingPlanArn"] = plan
    return summary


provide(Provider("TrainingJob", "TrainingJob", "TrainingJobArn",
                 lambda store: store.backend(Training).jobs.values(), LIFECYCLE,
                 {"Tags": own_tags("TrainingJobArn")}, family="Training", kind="training-job",
                 table=RESOURCE_TYPE))
