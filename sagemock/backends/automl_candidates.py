"""The candidates of an AutoML job: the training jobs it launches, and what it reports of them.

An AutoML job's candidates are real training jobs, launched through the training family's own
CreateTrainingJob (`dispatch.call`) once the job reaches the stage that trains models, so
ListTrainingJobs lists them, DescribeTrainingJob describes them and each is a `CandidateSteps`
entry of its candidate. What a candidate reports (its status, objective metric, times) is read
from its training job whenever the AutoML job is read, as a tuning job reads its training jobs:
a test reports a candidate's objective with `mock.put_training_metrics(arn, {"F1": 0.93})` (the
training job's metric definitions are named after the AutoML objective metric), and the next read
chooses the best candidate with it. A candidate whose training job reported nothing has a value
drawn once, when it was launched, from the metric's range.

The choices where AWS is silent (how many candidates, which images, where artifacts go) are in
docs/automl.md.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..core import dispatch, service
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.pagination import Listing
from ..core.state import Store

Document = dict[str, Any]

TRAINING = "training-job"
HEX = "0123456789abcdef"
RUNNING = ("InProgress", "Stopping")
#: How many candidates a tabular job trains when MaxCandidates does not say fewer (sagemock's
#: choice: AWS trains up to 250 by default, a mock keeps it small and the outcome the same).
TABULAR_CANDIDATES = 3
#: The objective metrics a better candidate has less of; the others it has more of.
MINIMIZED = frozenset({"MSE", "RMSE", "MAE", "MAPE", "MASE", "WAPE", "AverageWeightedQuantileLoss"})
#: The default objective metric per problem type (AutoMLJobObjective.MetricName: "Default objective
#: metrics: Regression: MSE. Binary classification: F1. Multiclass classification: Accuracy." ...
#: image or text classification: Accuracy; time-series forecasting: AverageWeightedQuantileLoss).
DEFAULT_METRIC = {"Regression": "MSE", "BinaryClassification": "F1", "MulticlassClassification": "Accuracy",
                  "ImageClassification": "Accuracy", "TextClassification": "Accuracy",
                  "TimeSeriesForecasting": "AverageWeightedQuantileLoss"}
#: The metrics AutoMLJobObjective.MetricName lists as available per problem type.
AVAILABLE_METRICS = {
    "Regression": ("MAE", "MSE", "R2", "RMSE"),
    "BinaryClassification": ("Accuracy", "AUC", "BalancedAccuracy", "F1", "Precision", "Recall"),
    "MulticlassClassification": ("Accuracy", "BalancedAccuracy", "F1macro", "PrecisionMacro", "RecallMacro"),
    "ImageClassification": ("Accuracy",),
    "TextClassification": ("Accuracy",),
    "TimeSeriesForecasting": ("RMSE", "AverageWeightedQuantileLoss", "MASE", "MAPE", "WAPE"),
}
#: The registry of the SageMaker-managed images in the job's region (sagemock's choice: the
#: account that serves us-east-1; the images are never pulled).
REGISTRY = "683313688378"
#: Tabular candidates cycle through these algorithms (three of those "Autopilot algorithm support"
#: lists for HYPERPARAMETER_TUNING mode); ENSEMBLING mode's candidates are AutoGluon ensembles.
ALGORITHMS = (("xgboost", "sagemaker-xgboost:1.7-1"), ("linear-learner", "linear-learner:1"),
              ("mlp", "autogluon-training:0.4.3-cpu-py38"))
SKLEARN = "sagemaker-sklearn-automl:2.5-1-cpu-py3"
AUTOGLUON = "autogluon-inference:0.4.3-cpu-py38"
INSTANCE = "ml.m5.2xlarge"
#: "the maximum time defaults to 72 hours (259200 seconds)" (MaxRuntimePerTrainingJobInSeconds,
#: for text generation); sagemock uses it for every candidate that states no limit.
MOST_RUNTIME = 259200


def image(ctx: Context, name: str) -> str:
    return f"{REGISTRY}.dkr.ecr.{ctx.region}.amazonaws.com/{name}"


def minimized(metric: str) -> bool:
    return metric in MINIMIZED


def draw(ctx: Context, metric: str) -> float:
    """A value of `metric` a plausible candidate reaches (seeded by the mock's random source)."""
    rng = ctx.state.random
    if metric in MINIMIZED:
        return round(rng.uniform(0.05, 0.6), 6)
    return round(rng.uniform(0.6, 0.98), 6)


class Candidate:
    """One candidate as the job reports it now: its record and its training job as last read."""

    __slots__ = ("record", "training", "status", "value")

    def __init__(self, record: Document, training: Document, metric: str):
        self.record, self.training = record, training
        self.status: str = training["TrainingJobStatus"]
        reported = [item["Value"] for item in training.get("FinalMetricDataList") or ()
                    if item["MetricName"] == metric]
        self.value: float = float(reported[-1]) if reported else float(record["drawn"])

    @property
    def name(self) -> str:
        return str(self.record["name"])

    @property
    def evaluated(self) -> bool:
        return self.status == "Completed"

    def goodness(self, metric: str) -> float:
        return -self.value if minimized(metric) else self.value


def read(document: Document, store: Store, ctx: Context | None = None) -> list[Candidate]:
    """The job's candidates whose training jobs still exist, in launch order. With `ctx`, each
    training job is read as the request reads it (its own transitions move on)."""
    table = store.table(TRAINING)
    metric = document["_metric"]
    found = []
    for record in document.get("_candidates") or ():
        training = table.find(ctx, record["name"]) if ctx is not None else table.get(table.key(record["name"]))
        if training is not None and "_gone" not in training:
            found.append(Candidate(record, training, metric))
    return found


def best(document: Document, candidates: list[Candidate]) -> Candidate | None:
    """The completed candidate with the best objective value (the first launched among equals)."""
    metric = document["_metric"]
    evaluated = [candidate for candidate in candidates if candidate.evaluated]
    return max(evaluated, key=lambda candidate: candidate.goodness(metric), default=None)


# -- launching ------------------------------------------------------------------------------------

def count(document: Document) -> int:
    """How many candidates the job trains: one for the problem types MaxCandidates allows only one
    for, otherwise at most `TABULAR_CANDIDATES` and at most MaxCandidates."""
    if document["_problem"] not in ("Tabular",):
        return 1
    most = (document["_completion"] or {}).get("MaxCandidates")
    return min(TABULAR_CANDIDATES, most) if most else TABULAR_CANDIDATES


def launch(document: Document, ctx: Context) -> None:
    """Launch the job's candidates through CreateTrainingJob, with the job's tags ("Tags that you
    specify ... are also added to all" the jobs it launches, as for tuning jobs)."""
    table = ctx.store.table(TRAINING)
    labels = ctx.store.tags.get(document["AutoMLJobArn"]) or {}
    for index in range(count(document)):
        name = f"{document['AutoMLJobName']}-{index + 1:03d}-{ctx.random_id(8, HEX)}"
        while table.get(table.key(name)) is not None:
            name = f"{document['AutoMLJobName']}-{index + 1:03d}-{ctx.random_id(8, HEX)}"
        algorithm, training_image = _algorithm(document, index)
        request = _training_request(document, name, image(ctx, training_image), labels)
        dispatch.call(ctx, "CreateTrainingJob", request)
        document["_candidates"].append({"name": name, "algorithm": algorithm, "drawn": draw(ctx, document["_metric"]),
                                        "index": index})


def _algorithm(document: Document, index: int) -> tuple[str, str]:
    if document["_plan"] == "ensemble":
        return "autogluon", "autogluon-training:0.4.3-cpu-py38"
    if document["_problem"] != "Tabular":
        return document["_problem"].lower(), "autogluon-training:0.4.3-cpu-py38"
    chosen = document.get("_algorithms") or [name for name, _image in ALGORITHMS]
    known = dict(ALGORITHMS)
    algorithm = chosen[index % len(chosen)]
    return algorithm, known.get(algorithm, ALGORITHMS[0][1])


def _training_request(document: Document, name: str, training_image: str, labels: Mapping[str, str]) -> Document:
    """The CreateTrainingJob request of one candidate: the job's data, role, output, security and
    per-training-job runtime limit."""
    output = document["OutputDataConfig"]
    security = document["_security"] or {}
    completion = document["_completion"] or {}
    channels = []
    for channel in document["InputDataConfig"]:
        source = channel["DataSource"]["S3DataSource"]
        item: Document = {"ChannelName": channel.get("ChannelType") or "training",
                          "DataSource": {"S3DataSource": {"S3DataType": source["S3DataType"], "S3Uri": source["S3Uri"],
                                                          "S3DataDistributionType": "FullyReplicated"}}}
        for member in ("ContentType", "CompressionType"):
            if channel.get(member):
                item[member] = channel[member]
        if source["S3DataType"] == "AugmentedManifestFile":
            item["InputMode"] = "Pipe"  # CreateTrainingJob reads an augmented manifest in Pipe mode only
        channels.append(item)
    resources: Document = {"InstanceType": INSTANCE, "InstanceCount": 1, "VolumeSizeInGB": 50}
    if security.get("VolumeKmsKeyId"):
        resources["VolumeKmsKeyId"] = security["VolumeKmsKeyId"]
    metric = document["_metric"]
    request: Document = {
        "TrainingJobName": name,
        "RoleArn": document["RoleArn"],
        "AlgorithmSpecification": {"TrainingImage": training_image, "TrainingInputMode": "File",
                                   "MetricDefinitions": [{"Name": metric, "Regex": f"{metric}: ([0-9.eE+-]+)"}]},
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": f"{output['S3OutputPath'].rstrip('/')}/{document['AutoMLJobName']}/"
                                             "tuning",
                             **({"KmsKeyId": output["KmsKeyId"]} if output.get("KmsKeyId") else {})},
        "ResourceConfig": resources,
        "StoppingCondition": {"MaxRuntimeInSeconds": completion.get("MaxRuntimePerTrainingJobInSeconds")
                              or MOST_RUNTIME},
    }
    if security.get("VpcConfig"):
        request["VpcConfig"] = copy.deepcopy(security["VpcConfig"])
    if security.get("EnableInterContainerTrafficEncryption"):
        request["EnableInterContainerTrafficEncryption"] = True
    if labels:
        request["Tags"] = [{"Key": key, "Value": value} for key, value in labels.items()]
    return request


def stop(candidates: list[Candidate], ctx: Context) -> None:
    """Stop the candidates still training, through StopTrainingJob."""
    for candidate in candidates:
        if candidate.status == "InProgress":
            try:
                dispatch.call(ctx, "StopTrainingJob", {"TrainingJobName": candidate.name})
            except ValidationError:  # it ended in the reads that brought it here
                pass


# -- what a candidate reports ---------------------------------------------------------------------

def _containers(document: Document, candidate: Candidate, ctx_region: str) -> list[Document]:
    """The inference pipeline of a candidate: for tabular candidates the feature transform, the
    algorithm and, for classification, the inverse label transform (the containers Autopilot's
    candidates list, with the environment the SDK's `AutoML.deploy` reads:
    SAGEMAKER_INFERENCE_SUPPORTED); one container otherwise."""
    prefix = f"{document['OutputDataConfig']['S3OutputPath'].rstrip('/')}/{document['AutoMLJobName']}"
    model = candidate.training.get("ModelArtifacts", {}).get("S3ModelArtifacts") or \
        f"{prefix}/tuning/{candidate.name}/output/model.tar.gz"
    registry = f"{REGISTRY}.dkr.ecr.{ctx_region}.amazonaws.com"
    algorithm = candidate.record["algorithm"]
    if document["_problem"] != "Tabular" or document["_plan"] == "ensemble":
        supported = ("predicted_label,probability,probabilities,labels" if document["_classifying"]
                     else "predicted_label")
        return [{"Image": f"{registry}/{AUTOGLUON}", "ModelDataUrl": model,
                 "Environment": {"SAGEMAKER_INFERENCE_OUTPUT": "predicted_label",
                                 "SAGEMAKER_INFERENCE_SUPPORTED": supported}}]
    transform = f"{prefix}/data-processor-models/{candidate.name}-dpp/output/model.tar.gz"
    containers = [
        {"Image": f"{registry}/{SKLEARN}", "ModelDataUrl": transform,
         "Environment": {"AUTOML_TRANSFORM_MODE": "feature-transform",
                         "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "application/x-recordio-protobuf",
                         "SAGEMAKER_PROGRAM": "sagemaker_serve", "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}},
        {"Image": f"{registry}/{dict(ALGORITHMS).get(algorithm, ALGORITHMS[0][1])}", "ModelDataUrl": model,
         "Environment": {"MAX_CONTENT_LENGTH": "20971520", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv",
                         "SAGEMAKER_INFERENCE_OUTPUT": "predicted_label",
                         "SAGEMAKER_INFERENCE_SUPPORTED": "predicted_label,probability,probabilities"
                         if document["_classifying"] else "predicted_label"}},
    ]
    if document["_classifying"]:
        containers.append(
            {"Image": f"{registry}/{SKLEARN}", "ModelDataUrl": transform,
             "Environment": {"AUTOML_TRANSFORM_MODE": "inverse-label-transform",
                             "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv",
                             "SAGEMAKER_INFERENCE_INPUT": "predicted_label",
                             "SAGEMAKER_INFERENCE_OUTPUT": "predicted_label",
                             "SAGEMAKER_INFERENCE_SUPPORTED": "predicted_label,probability,labels,probabilities",
                             "SAGEMAKER_PROGRAM": "sagemaker_serve",
                             "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code"}})
    return containers


def describe(document: Document, candidate: Candidate, region: str, *, best_one: bool) -> Document:
    """The AutoMLCandidate a List or Describe answers, read from its training job now."""
    training = candidate.training
    metric = document["_metric"]
    objective_status = ("Pending" if candidate.status in RUNNING else
                        "Succeeded" if candidate.status == "Completed" else "Failed")
    answer: Document = {
        "CandidateName": candidate.name,
        "ObjectiveStatus": objective_status,
        "CandidateSteps": [{"CandidateStepType": "AWS::SageMaker::TrainingJob",
                            "CandidateStepArn": training["TrainingJobArn"],
                            "CandidateStepName": training["TrainingJobName"]}],
        "CandidateStatus": candidate.status,
        "CreationTime": training["CreationTime"],
        "LastModifiedTime": training.get("LastModifiedTime") or training["CreationTime"],
        "InferenceContainers": _containers(document, candidate, region),
    }
    if training.get("TrainingEndTime") is not None:
        answer["EndTime"] = training["TrainingEndTime"]
    if training.get("FailureReason"):
        answer["FailureReason"] = training["FailureReason"]
    if objective_status == "Succeeded":
        kind = "Minimize" if minimized(metric) else "Maximize"
        answer["FinalAutoMLJobObjectiveMetric"] = {"Type": kind, "MetricName": metric, "Value": candidate.value,
                                                   "StandardMetricName": metric}
        properties: Document = {"CandidateMetrics": [{"MetricName": metric, "StandardMetricName": metric,
                                                      "Value": candidate.value, "Set": "Validation"}]}
        if best_one and document["_problem"] in ("Tabular", "TimeSeriesForecasting"):
            properties["CandidateArtifactLocations"] = artifact_locations(document)
        answer["CandidateProperties"] = properties
    if document["_problem"] in ("ImageClassification", "TextClassification", "TextGeneration"):
        containers = answer["InferenceContainers"]
        answer["InferenceContainerDefinitions"] = {"CPU": copy.deepcopy(containers),
                                                   "GPU": copy.deepcopy(containers)}
    described = service.shape("AutoMLCandidate").members
    return {member: value for member, value in answer.items() if member in described}


def artifact_locations(document: Document) -> Document:
    """Where the reports of the best candidate are written (sagemock's choice of prefixes under the
    job's output path)."""
    prefix = f"{document['OutputDataConfig']['S3OutputPath'].rstrip('/')}/{document['AutoMLJobName']}"
    locations = {"Explainability": f"{prefix}/documentation/explainability/output",
                 "ModelInsights": f"{prefix}/documentation/model_monitor/output"}
    if document["_problem"] == "TimeSeriesForecasting":
        locations["BacktestResults"] = f"{prefix}/documentation/backtest_results/output"
    members = service.shape("CandidateArtifactLocations").members
    return {member: value for member, value in locations.items() if member in members}


#: ListCandidatesForAutoMLJob: SortOrder "The default is Ascending"; SortBy states no default
#: ("The default is Descending" is a SortOrder's word): sagemock sorts by CreationTime.
LISTING = Listing(
    sort_keys={"CreationTime": "CreationTime", "Status": "CandidateStatus", "FinalObjectiveMetricValue": "_objective"},
    default_sort="CreationTime", default_order="Ascending", id_key="CandidateName", status_key="CandidateStatus")
