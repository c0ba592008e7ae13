"""AutoML (Autopilot) jobs: CreateAutoMLJob, CreateAutoMLJobV2, DescribeAutoMLJob,
DescribeAutoMLJobV2, ListAutoMLJobs, StopAutoMLJob and ListCandidatesForAutoMLJob.

A declared resource (`core.resource`): the model gives the key, the ARN (`automl-job`), the
status, the members Describe echoes, and ListAutoMLJobs' filters, sorts and summary, which the
engine answers. Both versions of Create make the same resource: "CreateAutoMLJobV2 and
DescribeAutoMLJobV2 are new versions of CreateAutoMLJob and DescribeAutoMLJob which offer backward
compatibility" (CreateAutoMLJobV2); DescribeAutoMLJobV2 "Returns information about an AutoML job
created by calling CreateAutoMLJobV2 or CreateAutoMLJob", while "AutoML jobs created by calling
CreateAutoMLJobV2 cannot be described by DescribeAutoMLJob" (DescribeAutoMLJob). A job is kept as
its DescribeAutoMLJob document (a V2 job's with the V2 members beside), and each Describe reads
its view of it.

A job walks AutoMLJobStatus InProgress -> Completed while its AutoMLJobSecondaryStatus walks the
stages of its kind of job (`STAGES`), at the pace of the mock's transitions; at the stage that
trains models it launches its candidates as training jobs (`automl_candidates`), and what it
reports of them (BestCandidate, ListCandidatesForAutoMLJob) is read from them whenever it is read.
A job with a ModelDeployConfig deploys its best candidate (CreateModel, CreateEndpointConfig,
CreateEndpoint) once it has one. StopAutoMLJob walks Stopping -> Stopped and stops the candidates
still training.

The rules AWS states, their sources and the choices where AWS is silent are in docs/automl.md.
"""
from __future__ import annotations

import copy
import datetime as _dt
import functools
import re
from collections.abc import Callable
from typing import Any

from ..core import dispatch, service, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule
from ..core.state import Store
from . import automl_candidates as candidates

Document = dict[str, Any]

KIND = "automl-job"
#: The secondary statuses each kind of job walks while InProgress, in order. AWS documents the
#: values (AutoMLJobSecondaryStatus), not their order: these follow the job's documented steps
#: ("data preprocessing, model training, tuning, and evaluation", CreateAutoMLJob) and the stage
#: each value names; docs/automl.md shows them.
STAGES: dict[str, tuple[str, ...]] = {
    # Tabular, HYPERPARAMETER_TUNING or AUTO mode.
    "create": ("Starting", "AnalyzingData", "FeatureEngineering", "ModelTuning", "GeneratingExplainabilityReport",
               "GeneratingModelInsightsReport"),
    # Tabular, ENSEMBLING mode: base models and their stack are trained together, no tuning.
    "ensemble": ("Starting", "AnalyzingData", "TrainingModels", "GeneratingExplainabilityReport",
                 "GeneratingModelInsightsReport"),
    # GenerateCandidateDefinitionsOnly: the data is analysed and candidates defined, none trained.
    "definitions": ("Starting", "AnalyzingData"),
    # Image and text classification: one candidate trained.
    "train": ("Starting", "AnalyzingData", "TrainingModels"),
    # Time-series forecasting: one ensemble trained, then explained.
    "forecast": ("Starting", "AnalyzingData", "TrainingModels", "GeneratingExplainabilityReport"),
    # Text generation (LLM fine-tuning): the base model is fine-tuned directly.
    "finetune": ("Starting", "TrainingModels"),
}
#: The secondary status a completed job of each kind ends in.
FINAL = {"create": "MaxCandidatesReached", "definitions": "CandidateDefinitionsGenerated"}
#: The stages at which a job has trained its candidates.
TRAINING_STAGES = ("ModelTuning", "TrainingModels")
DEPLOYING = "DeployingModel"
DONE = ("Completed", "Failed", "Stopped")
#: MaxAutoMLJobRuntimeInSeconds a job resolves when none is given (sagemock's choice: AWS's
#: "Resource limits" page allows an AutoML job 30 days).
MOST_JOB_RUNTIME = 30 * 24 * 3600


def _path(plan: str, deploying: bool) -> tuple[str, ...]:
    return ("InProgress",) * (len(STAGES[plan]) + deploying) + ("Completed",)


def _trigger(plan: str, deploying: bool) -> str:
    return plan + ("+deploy" if deploying else "")


def _stages(document: Document) -> tuple[str, ...]:
    return STAGES[document["_plan"]] + ((DEPLOYING,) if document.get("ModelDeployConfig") else ())


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """The secondary status of each status entered, the end time, and what each stage leaves: the
    notebooks and resolved attributes once the data is analysed, the candidates once models train."""
    if status == "InProgress":
        stages = _stages(document)
        document["_stage"] = min(document.get("_stage", -1) + 1, len(stages) - 1)
        secondary = stages[document["_stage"]]
        document.pop("EndTime", None)
    elif status == "Completed":
        secondary = FINAL.get(document["_plan"], "Completed")
        document["_stage"] = len(_stages(document))
        document["EndTime"] = now
    else:  # Failed, Stopping, Stopped
        secondary = status
        if status in DONE:
            document["EndTime"] = now
    document["AutoMLJobSecondaryStatus"] = secondary
    analysed = document["_stage"] >= 2 or (status == "Completed")
    if analysed and status != "Failed":
        _resolve(document)
    if status == "Completed" or secondary in TRAINING_STAGES or secondary == DEPLOYING:
        document["_due"] = document["_plan"] != "definitions"


def _resolve(document: Document) -> None:
    """What a job knows once its data is analysed: the problem type, objective and completion
    criteria it resolved (ResolvedAttributes), and, for tabular jobs, its notebooks."""
    completion: Document = dict(document["_completion"] or {})
    if document["_plan"] != "definitions":
        completion.setdefault("MaxCandidates", candidates.count(document))
    completion.setdefault("MaxRuntimePerTrainingJobInSeconds", candidates.MOST_RUNTIME)
    completion.setdefault("MaxAutoMLJobRuntimeInSeconds", MOST_JOB_RUNTIME)
    resolved: Document = {"CompletionCriteria": completion}
    if document["_metric"] in service.enum_values("AutoMLMetricEnum"):
        resolved["AutoMLJobObjective"] = {"MetricName": document["_metric"]}
    if document["_tabular_type"] is not None:
        resolved["ProblemType"] = document["_tabular_type"]
    document["_resolved"] = resolved
    if not document.get("_v2"):
        document["ResolvedAttributes"] = copy.deepcopy(resolved)
    if document["_problem"] == "Tabular" and document["_plan"] != "ensemble":
        prefix = f"{document['OutputDataConfig']['S3OutputPath'].rstrip('/')}/{document['AutoMLJobName']}"
        document["AutoMLJobArtifacts"] = {
            "CandidateDefinitionNotebookLocation":
                f"{prefix}/sagemaker-automl-candidates/notebooks/SageMakerAutopilotCandidateDefinitionNotebook.ipynb",
            "DataExplorationNotebookLocation":
                f"{prefix}/sagemaker-automl-candidates/notebooks/SageMakerAutopilotDataExplorationNotebook.ipynb"}


def _lifecycle() -> Lifecycle:
    paths: dict[str, tuple[str, ...]] = {"stop": ("Stopping", "Stopped")}
    failures: dict[str, tuple[str, ...]] = {}
    for plan in STAGES:
        for deploying in (False, True):
            paths[_trigger(plan, deploying)] = _path(plan, deploying)
            failures[_trigger(plan, deploying)] = ("InProgress", "Failed")
    return Lifecycle(resource_type=KIND, status_key="AutoMLJobStatus", status_shape="AutoMLJobStatus", paths=paths,
                     failure_paths=failures, name_key="AutoMLJobName", accepts={"stop": ("InProgress",)},
                     stamps_modified=True, on_enter=_entered)


LIFECYCLE = _lifecycle()


def _missing(arn: str) -> ServiceError:
    # The wording is sagemock's, in the form of the other jobs' ("Could not find ...").
    return ResourceNotFound(f"Could not find AutoML job with name {arn.rsplit('/', 1)[-1]}.")


def _duplicate(arn: str) -> ServiceError:
    return ResourceInUse(f"AutoML job {arn.rsplit('/', 1)[-1]} already exists ({arn}).")


# -- the rules of a request -----------------------------------------------------------------------

@functools.cache
def _algorithms_by_mode() -> dict[str, list[str]]:
    """AutoMLAlgorithmConfig.AutoMLAlgorithms: the algorithms each training mode (and time-series
    forecasting) may choose from, read from the model's documentation."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", service.shape("AutoMLAlgorithmConfig")
                                       .members["AutoMLAlgorithms"].documentation or ""))
    found: dict[str, list[str]] = {}
    for mode, stop in (("ENSEMBLING", "In HYPERPARAMETER_TUNING"), ("HYPERPARAMETER_TUNING", "For the time-series"),
                       ("TimeSeriesForecasting", "$")):
        start = text.find("In ENSEMBLING mode") if mode == "ENSEMBLING" else \
            text.find("In HYPERPARAMETER_TUNING mode") if mode == "HYPERPARAMETER_TUNING" else \
            text.find("TimeSeriesForecastingJobConfig")
        if start < 0:
            continue
        end = len(text) if stop == "$" else text.find(stop, start + 1)
        found[mode] = re.findall(r'"([a-z-]+)"', text[start:end if end > 0 else len(text)])
    return found


def _check_objective(problem: str | None, objective: Document | None, where: str, *, paired: bool = True) -> None:
    """The metric among those AutoMLJobObjective.MetricName lists for the problem type and, where
    AWS says so (`paired`: TabularJobConfig.ProblemType, CreateAutoMLJobV2.AutoMLJobObjective),
    "You must either specify the type of supervised learning problem in ProblemType and provide the
    AutoMLJobObjective metric, or none at all"."""
    if paired and (problem is None) != (objective is None):
        raise ValidationError(f"{where}: specify both the ProblemType and the AutoMLJobObjective, or neither.")
    if problem is not None and objective is not None:
        allowed = candidates.AVAILABLE_METRICS.get(problem, ())
        if allowed and objective["MetricName"] not in allowed:
            raise ValidationError(f"The objective metric {objective['MetricName']} is not supported for problem type "
                                  f"{problem}; choose one of {', '.join(allowed)}.")


def _check_channels(channels: list[Document], where: str, *, tabular: bool = True) -> None:
    """One training channel and at most one validation channel ("The default value is training"),
    which "must share the same ContentType and TargetAttributeName"."""
    kinds = [channel.get("ChannelType") or "training" for channel in channels]
    if kinds.count("training") != 1 or kinds.count("validation") > 1:
        raise ValidationError(f"{where} needs exactly one training channel and at most one validation channel.")
    for index, channel in enumerate(channels):
        # The model leaves AutoMLChannel.DataSource optional, but a channel without one names no
        # data to learn from ("The data source for an AutoML channel").
        if channel.get("DataSource") is None:
            raise ValidationError(f"{where}[{index}] needs a DataSource: the S3 location of the channel's data.")
    if len(channels) == 2:
        first, second = channels
        for member in ("ContentType", "TargetAttributeName"):
            if first.get(member) != second.get(member):
                raise ValidationError(f"{where}: channels for training and validation must share the same {member}.")


def _check_deploy(config: Document | None) -> None:
    """ModelDeployConfig: "If you set AutoGenerateEndpointName to True, do not specify the
    EndpointName"; "Specify the EndpointName if and only if you set AutoGenerateEndpointName to
    False" (both: "otherwise a 400 error is thrown")."""
    if config is None:
        return
    generated = bool(config.get("AutoGenerateEndpointName"))
    if generated == bool(config.get("EndpointName")):
        raise ValidationError("ModelDeployConfig: specify the EndpointName if and only if AutoGenerateEndpointName is "
                              "False.")


def _check_algorithms(mode: str | None, generation: Document | None, where: str, forecasting: bool = False) -> None:
    """AlgorithmsConfig: "should not be set if the training mode is set on AUTO"; "one
    AutoMLAlgorithms attribute must be set and one only"; the algorithms "must belong to the list
    corresponding to the training mode"."""
    configs = (generation or {}).get("AlgorithmsConfig")
    if configs is None:
        return
    if not forecasting and (mode or "AUTO") == "AUTO":
        raise ValidationError(f"{where}: AlgorithmsConfig should not be set if the training mode is AUTO.")
    if len(configs) != 1:
        raise ValidationError(f"{where}: when AlgorithmsConfig is provided, one AutoMLAlgorithms attribute must be set "
                              "and one only.")
    allowed = _algorithms_by_mode().get("TimeSeriesForecasting" if forecasting else str(mode))
    chosen = configs[0].get("AutoMLAlgorithms") or []
    wrong = [name for name in chosen if allowed is not None and name not in allowed]
    if wrong:
        raise ValidationError(f"{where}: the algorithms {', '.join(wrong)} do not belong to those of "
                              f"{'time-series forecasting' if forecasting else f'{mode} mode'} "
                              f"({', '.join(allowed or ())}).")


def _check_completion(problem: str, completion: Document | None, where: str) -> None:
    """MaxCandidates: "For text and image classification, time-series forecasting, as well as text
    generation (LLMs fine-tuning) problem types, the supported value is 1. For tabular problem
    types, the maximum value is 750."."""
    most = (completion or {}).get("MaxCandidates")
    if most is None:
        return
    if problem != "Tabular" and most != 1:
        raise ValidationError(f"{where}.MaxCandidates: the supported value for the {problem} problem type is 1.")
    if problem == "Tabular" and most > 750:
        raise ValidationError(f"{where}.MaxCandidates: the maximum value for tabular problem types is 750.")


def _check_v1(params: Params, ctx: Context) -> None:
    config = params.get("AutoMLJobConfig") or {}
    _check_objective(params.get("ProblemType"), params.get("AutoMLJobObjective"), "CreateAutoMLJob", paired=False)
    _check_channels(params["InputDataConfig"], "InputDataConfig")
    if config.get("DataSplitConfig") and any(channel.get("ChannelType") == "validation"
                                             for channel in params["InputDataConfig"]):
        # "How to specify training and validation datasets" (Developer Guide): a validation channel, or
        # a split of the training data, not both.
        raise ValidationError("AutoMLJobConfig.DataSplitConfig cannot be given with a validation channel.")
    _check_algorithms(config.get("Mode"), config.get("CandidateGenerationConfig"), "AutoMLJobConfig")
    _check_completion("Tabular", config.get("CompletionCriteria"), "AutoMLJobConfig.CompletionCriteria")
    if params.get("GenerateCandidateDefinitionsOnly") and config.get("Mode") == "ENSEMBLING":
        raise ValidationError("GenerateCandidateDefinitionsOnly is supported in HYPERPARAMETER_TUNING mode only.")


def _check_deploy_rule(params: Params, ctx: Context) -> None:
    _check_deploy(params.get("ModelDeployConfig"))


def _check_output(params: Params, ctx: Context) -> None:
    """AutoMLOutputDataConfig.S3OutputPath: "Must be 512 characters or less" (the shape allows 1024)."""
    path = params["OutputDataConfig"]["S3OutputPath"]
    if len(path) > 512:
        raise ValidationError(f"OutputDataConfig.S3OutputPath must be 512 characters or less; it has {len(path)}.")


def _check_split(params: Params, ctx: Context) -> None:
    """AutoMLDataSplitConfig.ValidationFraction: "values must be greater than 0 and less than 1"
    (the shape admits both bounds)."""
    split = params.get("DataSplitConfig") or (params.get("AutoMLJobConfig") or {}).get("DataSplitConfig") or {}
    fraction = split.get("ValidationFraction")
    if fraction is not None and not 0 < fraction < 1:
        raise ValidationError(f"DataSplitConfig.ValidationFraction must be greater than 0 and less than 1; it is "
                              f"{fraction}.")


def _described_by_v1(document: Document) -> None:
    """DescribeAutoMLJob: "AutoML jobs created by calling CreateAutoMLJobV2 cannot be described by
    DescribeAutoMLJob" (the error's code and words are sagemock's: ValidationException)."""
    if document.get("_v2"):
        raise ValidationError(f"AutoML job {document['AutoMLJobName']} was created by CreateAutoMLJobV2 and cannot be "
                              "described by DescribeAutoMLJob: use DescribeAutoMLJobV2.")


def _problem_config(params: Params) -> tuple[str, Document]:
    """The one problem type an AutoMLProblemTypeConfig (a union) names, and its configuration."""
    config = params["AutoMLProblemTypeConfig"]
    given = [(member, value) for member, value in config.items() if value is not None]
    if len(given) != 1:
        raise ValidationError("AutoMLProblemTypeConfig must name exactly one problem type configuration.")
    member, value = given[0]
    return member[:-len("JobConfig")], value


def _check_v2(params: Params, ctx: Context) -> None:
    problem, config = _problem_config(params)
    objective = params.get("AutoMLJobObjective")
    channels = params["AutoMLJobInputDataConfig"]
    if problem == "Tabular":
        _check_objective(config.get("ProblemType"), objective, "CreateAutoMLJobV2")
        _check_algorithms(config.get("Mode"), config.get("CandidateGenerationConfig"), "TabularJobConfig")
    elif problem == "TimeSeriesForecasting":
        _check_algorithms(None, config.get("CandidateGenerationConfig"), "TimeSeriesForecastingJobConfig", True)
        if params.get("DataSplitConfig"):
            raise ValidationError("DataSplitConfig must not be set for the time-series forecasting problem type: "
                                  "Autopilot splits the input dataset itself.")
    if objective is not None and problem != "Tabular":
        allowed = candidates.AVAILABLE_METRICS.get(problem, ())
        if problem == "TextGeneration" or objective["MetricName"] not in allowed:
            raise ValidationError(f"The objective metric {objective['MetricName']} is not supported for problem type "
                                  f"{problem}" + (f"; choose one of {', '.join(allowed)}." if allowed else "."))
    kinds = [channel.get("ChannelType") or "training" for channel in channels]
    if kinds.count("training") != 1 or kinds.count("validation") > 1:
        raise ValidationError("AutoMLJobInputDataConfig needs exactly one training channel and at most one validation "
                              "channel.")
    if params.get("DataSplitConfig") and "validation" in kinds:
        raise ValidationError("DataSplitConfig cannot be given with a validation channel.")
    formats = _formats().get(problem)
    for index, channel in enumerate(channels):
        if channel.get("DataSource") is None:  # optional in the model, but the channel then names no data
            raise ValidationError(f"AutoMLJobInputDataConfig[{index}] needs a DataSource: the S3 location of the "
                                  "channel's data.")
        data_type = channel["DataSource"]["S3DataSource"]["S3DataType"]
        if formats and data_type not in formats:
            raise ValidationError(f"S3DataType {data_type} is not supported for the {problem} problem type; the "
                                  f"supported formats are {', '.join(formats)}.")
    _check_completion(problem, config.get("CompletionCriteria"), f"{problem}JobConfig.CompletionCriteria")
    _check_deploy(params.get("ModelDeployConfig"))
    _check_output(params, ctx)
    _check_split(params, ctx)


@functools.cache
def _formats() -> dict[str, list[str]]:
    """CreateAutoMLJobV2.AutoMLJobInputDataConfig: "The supported formats depend on the problem
    type", read from the model's documentation."""
    doc = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", service.operation("CreateAutoMLJobV2").input_shape
                                     .members["AutoMLJobInputDataConfig"].documentation or ""))
    names = {"tabular problem types": "Tabular", "image classification": "ImageClassification",
             "text classification": "TextClassification", "time-series forecasting": "TimeSeriesForecasting",
             "text generation": "TextGeneration"}
    found: dict[str, list[str]] = {}
    for phrase, problem in names.items():
        match = re.search(rf"For {re.escape(phrase)}[^:]*:\s*([A-Za-z0-9 ,]+?)\s*\.", doc)
        if match:
            found[problem] = [item.strip() for item in match.group(1).split(",") if item.strip()]
    return found


AUTOML_JOB = Resource(
    "AutoMLJob",
    kind=KIND,
    missing=_missing,
    duplicate=_duplicate,
    lifecycle=LIFECYCLE,
    rules=(
        Rule(_check_v1, "CreateAutoMLJob, AutoMLChannel, AutoMLJobConfig, AutoMLAlgorithmConfig and "
             "AutoMLJobCompletionCriteria (the model's documentation)",
             ("Channels for training and validation must share the same ContentType",
              "one AutoMLAlgorithms attribute must be set and one only",
              "Selected algorithms must belong to the list corresponding to the training mode")),
        Rule(_check_deploy_rule, "ModelDeployConfig (the model's documentation)",
             ("Specify the EndpointName if and only if",)),
        Rule(_check_output, "AutoMLOutputDataConfig.S3OutputPath", ("Must be 512 characters or less",)),
        Rule(_check_split, "AutoMLDataSplitConfig.ValidationFraction",
             ("values must be greater than 0 and less than 1",)),
    ),
    waivers={
        "must not include the target column": "the feature specification file is not read",
        "let Autopilot choose for you based on the dataset size": "the data is not read: AUTO trains as "
        "HYPERPARAMETER_TUNING does (the mode for datasets of 100 MB or more)",
        "The name must be unique to your account and is case insensitive": "claimed by the engine's duplicate check "
        "(ResourceInUse), with automl-job names looked up regardless of case (core.arns.CASE_INSENSITIVE)",
        "cannot be described by DescribeAutoMLJob": "claimed by DescribeAutoMLJob (hand-written, _described_by_v1): "
        "ValidationException",
    },
    example={
        "AutoMLJobName": "churn",
        "InputDataConfig": [{"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                             "S3Uri": "s3://bucket/churn/train"}},
                             "TargetAttributeName": "churned"}],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/churn/output"},
        "ProblemType": "BinaryClassification",
        "AutoMLJobObjective": {"MetricName": "F1"},
        "AutoMLJobConfig": {"CompletionCriteria": {"MaxCandidates": 2}},
        "RoleArn": "arn:aws:iam::123456789012:role/autopilot",
    },
)


# -- the documents --------------------------------------------------------------------------------

def _tabular_type(problem: str | None, metric: str | None) -> str:
    """The tabular problem type a job resolves: the one given, else the only one the objective
    metric belongs to; sagemock reads no data, so a job that says nothing is a binary classification."""
    if problem:
        return problem
    owners = [kind for kind in ("BinaryClassification", "MulticlassClassification", "Regression")
              if metric in candidates.AVAILABLE_METRICS[kind]]
    return owners[0] if len(owners) == 1 else "BinaryClassification"


def _plan(problem: str, mode: str | None, definitions_only: bool) -> str:
    if problem == "Tabular":
        if definitions_only:
            return "definitions"
        return "ensemble" if mode == "ENSEMBLING" else "create"
    return {"TimeSeriesForecasting": "forecast", "TextGeneration": "finetune"}.get(problem, "train")


def _private(document: Document, problem: str, tabular_type: str | None, metric: str, plan: str,
             completion: Document | None, security: Document | None, generation: Document | None) -> None:
    algorithms = ((generation or {}).get("AlgorithmsConfig") or [{}])[0].get("AutoMLAlgorithms")
    document.update({
        "_problem": problem, "_tabular_type": tabular_type, "_metric": metric, "_plan": plan,
        "_completion": copy.deepcopy(completion), "_security": copy.deepcopy(security),
        "_algorithms": list(algorithms or ()), "_candidates": [], "_stage": -1,
        "_classifying": tabular_type != "Regression" if problem == "Tabular" else problem.endswith("Classification"),
    })


def _document_v1(params: Params, ctx: Context) -> Document:
    bound = AUTOML_JOB.bound
    document: Document = {member: copy.deepcopy(params[member]) for member in bound.echoed if member in params}
    config = params.get("AutoMLJobConfig") or {}
    tabular = _tabular_type(params.get("ProblemType"), (params.get("AutoMLJobObjective") or {}).get("MetricName"))
    metric = (params.get("AutoMLJobObjective") or {}).get("MetricName") or candidates.DEFAULT_METRIC[tabular]
    _private(document, "Tabular", tabular, metric,
             _plan("Tabular", config.get("Mode"), bool(params.get("GenerateCandidateDefinitionsOnly"))),
             config.get("CompletionCriteria"), config.get("SecurityConfig"), config.get("CandidateGenerationConfig"))
    return document


#: V2 members a V2 job keeps as given.
V2_ECHOED = ("AutoMLJobInputDataConfig", "OutputDataConfig", "RoleArn", "AutoMLJobObjective", "AutoMLProblemTypeConfig",
             "SecurityConfig", "ModelDeployConfig", "DataSplitConfig", "AutoMLComputeConfig")


def _target(problem: str, config: Document) -> str | None:
    if problem == "Tabular":
        return str(config["TargetAttributeName"])
    if problem == "TextClassification":
        return str(config["TargetLabelColumn"])
    if problem == "TimeSeriesForecasting":
        return str(config["TimeSeriesConfig"]["TargetAttributeName"])
    return None


def _document_v2(params: Params, ctx: Context) -> Document:
    problem, config = _problem_config(params)
    document: Document = {member: copy.deepcopy(params[member]) for member in V2_ECHOED if member in params}
    document["AutoMLProblemTypeConfigName"] = problem
    # The DescribeAutoMLJob view every job holds (the document is its answer): the channels with
    # the target the problem configuration names.
    target = _target(problem, config)
    document["InputDataConfig"] = [
        {**copy.deepcopy(channel), **({"TargetAttributeName": target} if target else {})}
        for channel in params["AutoMLJobInputDataConfig"]]
    tabular = _tabular_type(config.get("ProblemType"), (params.get("AutoMLJobObjective") or {}).get("MetricName")) \
        if problem == "Tabular" else None
    metric = (params.get("AutoMLJobObjective") or {}).get("MetricName") or \
        candidates.DEFAULT_METRIC.get(tabular or problem, "CrossEntropyLoss")
    _private(document, problem, tabular, metric,
             _plan(problem, config.get("Mode"), bool(config.get("GenerateCandidateDefinitionsOnly"))),
             config.get("CompletionCriteria"), params.get("SecurityConfig"), config.get("CandidateGenerationConfig"))
    document["_v2"] = True
    return document


def _v2_view(document: Document) -> Document:
    """A job as DescribeAutoMLJobV2 answers it: a V1 job's members in their V2 places
    ("Migrate a CreateAutoMLJob to CreateAutoMLJobV2", Developer Guide)."""
    view = {member: value for member, value in document.items()
            if member in service.operation("DescribeAutoMLJobV2").output_shape.members}
    if not document.get("_v2"):
        config = document.get("AutoMLJobConfig") or {}
        channels = document["InputDataConfig"]
        view.pop("InputDataConfig", None)
        view["AutoMLJobInputDataConfig"] = [{member: value for member, value in channel.items()
                                             if member in ("ChannelType", "ContentType", "CompressionType",
                                                           "DataSource")} for channel in channels]
        tabular: Document = {"TargetAttributeName": channels[0]["TargetAttributeName"]}
        for member in ("CompletionCriteria", "Mode"):
            if config.get(member) is not None:
                tabular[member] = copy.deepcopy(config[member])
        generation = config.get("CandidateGenerationConfig") or {}
        if generation.get("FeatureSpecificationS3Uri"):
            tabular["FeatureSpecificationS3Uri"] = generation["FeatureSpecificationS3Uri"]
        if generation.get("AlgorithmsConfig") is not None:
            tabular["CandidateGenerationConfig"] = {"AlgorithmsConfig": copy.deepcopy(generation["AlgorithmsConfig"])}
        if document.get("GenerateCandidateDefinitionsOnly") is not None:
            tabular["GenerateCandidateDefinitionsOnly"] = document["GenerateCandidateDefinitionsOnly"]
        if document.get("ProblemType"):
            tabular["ProblemType"] = document["ProblemType"]
        weight = channels[0].get("SampleWeightAttributeName")
        if weight:
            tabular["SampleWeightAttributeName"] = weight
        view["AutoMLProblemTypeConfig"] = {"TabularJobConfig": tabular}
        view["AutoMLProblemTypeConfigName"] = "Tabular"
        for member in ("SecurityConfig", "DataSplitConfig"):
            if config.get(member) is not None:
                view[member] = copy.deepcopy(config[member])
    resolved = document.get("_resolved")
    if resolved is not None:
        answer: Document = {member: copy.deepcopy(resolved[member])
                            for member in ("AutoMLJobObjective", "CompletionCriteria") if member in resolved}
        if document["_problem"] == "Tabular":
            answer["AutoMLProblemTypeResolvedAttributes"] = {
                "TabularResolvedAttributes": {"ProblemType": resolved["ProblemType"]}}
        elif document["_problem"] == "TextGeneration":
            base = (document["AutoMLProblemTypeConfig"]["TextGenerationJobConfig"] or {}).get("BaseModelName")
            answer["AutoMLProblemTypeResolvedAttributes"] = {
                "TextGenerationResolvedAttributes": {"BaseModelName": base or "Falcon7BInstruct"}}
        view["ResolvedAttributes"] = answer
    return view


# -- the family -----------------------------------------------------------------------------------

class AutoML(Backend):
    jobs = AUTOML_JOB.table()

    def _create(self, params: Params, ctx: Context, checks: list[Callable[[Params, Context], None]],
                build: Callable[[Params, Context], Document]) -> Document:
        name = params["AutoMLJobName"]
        existing = self.jobs.find(ctx, name)
        if existing is not None:
            raise _duplicate(existing["AutoMLJobArn"])
        tags.check(params.get("Tags"))
        for check in checks:
            check(params, ctx)
        document = build(params, ctx)
        arn = ctx.arn(KIND, name)
        document.update({"AutoMLJobName": name, "AutoMLJobArn": arn, "CreationTime": ctx.now,
                         "LastModifiedTime": ctx.now})
        self.jobs.add(document, params.get("Tags"))
        LIFECYCLE.begin(document, _trigger(document["_plan"], bool(document.get("ModelDeployConfig"))), ctx)
        self._advance(document, ctx)
        return {"AutoMLJobArn": arn}

    @operation
    def create_auto_ml_job(self, params: Params, ctx: Context) -> Document:
        return self._create(params, ctx, [rule.check for rule in AUTOML_JOB.rules], _document_v1)

    @operation
    def create_auto_ml_job_v2(self, params: Params, ctx: Context) -> Document:
        return self._create(params, ctx, [_check_v2], _document_v2)

    def _job(self, ctx: Context, name: str) -> tuple[Document, list[candidates.Candidate]]:
        document = self.jobs.require(ctx, name)
        return document, self._advance(document, ctx)

    def _advance(self, document: Document, ctx: Context) -> list[candidates.Candidate]:
        """Bring a job up to date: launch its candidates once it trains, deploy its best candidate
        once it deploys, and read the candidates as they now are."""
        if document.pop("_due", False) and not document["_candidates"]:
            candidates.launch(document, ctx)
        found = candidates.read(document, ctx.store, ctx)
        config = document.get("ModelDeployConfig")
        if config and not document.get("ModelDeployResult") and document["_stage"] >= len(_stages(document)) - 1 \
                and document["AutoMLJobStatus"] != "Failed":
            chosen = candidates.best(document, found)
            if chosen is not None:
                self._deploy(document, chosen, config, ctx)
        return found

    def _deploy(self, document: Document, chosen: candidates.Candidate, config: Document, ctx: Context) -> None:
        """One-click deployment of the best candidate: a model of its inference containers, an
        endpoint configuration and an endpoint, each made through its own family's operation."""
        name = config.get("EndpointName") or f"{document['AutoMLJobName'][:40]}-{ctx.random_id(8)}"
        model = f"{name}-model"[:63]
        containers = candidates.describe(document, chosen, ctx.region, best_one=True)["InferenceContainers"]
        try:
            dispatch.call(ctx, "CreateModel", {"ModelName": model, "ExecutionRoleArn": document["RoleArn"],
                                               "Containers": [copy.deepcopy(item) for item in containers]})
            dispatch.call(ctx, "CreateEndpointConfig", {
                "EndpointConfigName": f"{name}-config"[:63],
                "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": model, "InitialInstanceCount": 1,
                                        "InstanceType": "ml.m5.large"}]})
            dispatch.call(ctx, "CreateEndpoint", {"EndpointName": name, "EndpointConfigName": f"{name}-config"[:63]})
        except ServiceError as error:
            # The deployment stage fails the job, as any stage's failure does; the request that
            # started the job was accepted long before (an endpoint name already taken, say).
            document.pop("_transition", None)
            document["_failure_reason"] = f"Deploying the best candidate failed: {error.message}"
            LIFECYCLE._enter(document, "Failed", ctx.store, ctx.now)
            return
        document["ModelDeployResult"] = {"EndpointName": name}

    def _derived(self, document: Document, found: list[candidates.Candidate], ctx: Context) -> Document:
        chosen = candidates.best(document, found)
        derived: Document = {}
        if chosen is not None:
            derived["BestCandidate"] = candidates.describe(document, chosen, ctx.region, best_one=True)
        return derived

    @operation
    def describe_auto_ml_job(self, params: Params, ctx: Context) -> Document:
        document, found = self._job(ctx, params["AutoMLJobName"])
        _described_by_v1(document)
        return {**document, **self._derived(document, found, ctx)}

    @operation
    def describe_auto_ml_job_v2(self, params: Params, ctx: Context) -> Document:
        document, found = self._job(ctx, params["AutoMLJobName"])
        return {**_v2_view(document), **self._derived(document, found, ctx)}

    @operation
    def stop_auto_ml_job(self, params: Params, ctx: Context) -> None:
        document, found = self._job(ctx, params["AutoMLJobName"])
        LIFECYCLE.guard(document, "stop", _refuse_stop(document))
        candidates.stop(found, ctx)
        LIFECYCLE.begin(document, "stop", ctx)
        return None

    @operation
    def list_candidates_for_auto_ml_job(self, params: Params, ctx: Context) -> Document:
        document, found = self._job(ctx, params["AutoMLJobName"])
        chosen = candidates.best(document, found)
        described = []
        for candidate in found:
            answer = candidates.describe(document, candidate, ctx.region, best_one=candidate is chosen)
            metric = answer.get("FinalAutoMLJobObjectiveMetric")
            # Sorted by value, the best first in Descending order (a minimized metric's lowest value).
            answer["_objective"] = candidate.goodness(document["_metric"]) if metric else float("-inf")
            described.append(answer)
        if params.get("CandidateNameEquals"):
            described = [answer for answer in described if answer["CandidateName"] == params["CandidateNameEquals"]]
        page, token = candidates.LISTING.run(described, params)
        return {"Candidates": [{member: value for member, value in answer.items() if not member.startswith("_")}
                               for answer in page], "NextToken": token}


def _refuse_stop(document: Document) -> Callable[[str, tuple[str, ...]], ServiceError]:
    # The wording is sagemock's, in the form of the other jobs' refusals.
    name = document["AutoMLJobName"]
    return lambda status, accepted: ValidationError(
        f"The request was rejected because the AutoML job {name} is in status {status}: only a job that is "
        "InProgress can be stopped.")
