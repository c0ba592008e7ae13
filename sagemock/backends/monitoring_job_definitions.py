"""Model monitoring job definitions: data quality, model quality, model bias and model explainability.

Four declared resources (`core.resource`), one per kind, each with Create, Describe, List and Delete
derived from the model: a definition has no status and cannot be changed once created. What is
declared here is what the model cannot say:

* the List operations name their summary members `MonitoringJobDefinitionName` and
  `MonitoringJobDefinitionArn` and add the `EndpointName` the definition monitors (the empty string
  for a definition of a batch transform's captured data: the member is required and no endpoint is
  monitored); their `EndpointName` filter tests that endpoint;
* AWS's rules in prose, each with its source: the job monitors exactly one input; a model quality
  job names the attribute that holds the inference; a definition a monitoring schedule runs cannot
  be deleted (the SageMaker Python SDK: "Job definition is locked by schedule");
* AWS's messages, as far as they are known (docs/monitoring.md).

A monitoring schedule names a definition by name and `MonitoringType`; the schedules family reaches
these tables through `store.table(monitoring_types.KINDS[type])`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.resource import Resource, Rule, in_use, not_found
from . import monitoring_types
from .monitoring_types import KINDS

Document = dict[str, Any]
Params = dict[str, Any]

SCHEDULE = "monitoring-schedule"
ROLE = "arn:aws:iam::123456789012:role/monitoring"
ANALYZER = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
CLARIFY = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"


def _one_input(monitoring_type: str) -> Callable[[Params, Context], None]:
    def check(params: Params, ctx: Context) -> None:
        """A job monitors one source of captured data: an endpoint or a batch transform job."""
        job_input = params.get(f"{monitoring_type}JobInput") or {}
        given = [member for member in ("EndpointInput", "BatchTransformInput") if job_input.get(member)]
        if len(given) != 1:
            raise ValidationError(f"{monitoring_type}JobInput needs exactly one of EndpointInput and "
                                  f"BatchTransformInput; this request gives {' and '.join(given) or 'neither'}.")
    return check


def _inference_attribute(params: Params, ctx: Context) -> None:
    """A model quality job compares inferences with ground truth, so it names the inference
    attribute: AWS answers "InvalidParameter: 1 validation error(s) found. - missing required field,
    CreateModelQualityJobDefinitionInput.ModelQualityJobInputs.EndpointInput.InferenceAttribute."
    (aws/sagemaker-python-sdk#3959)."""
    job_input = params.get("ModelQualityJobInput") or {}
    for member in ("EndpointInput", "BatchTransformInput"):
        given = job_input.get(member)
        if given and not given.get("InferenceAttribute"):
            raise ValidationError("InvalidParameter: 1 validation error(s) found.\n- missing required field, "
                                  f"CreateModelQualityJobDefinitionInput.ModelQualityJobInputs.{member}."
                                  "InferenceAttribute.\n")


def _not_in_use(monitoring_type: str) -> Callable[[Params, Context], None]:
    def check(params: Params, ctx: Context) -> None:
        """A definition a monitoring schedule runs cannot be deleted until the schedule is."""
        name = params["JobDefinitionName"]
        for schedule in ctx.store.table(SCHEDULE).live(ctx):
            config = schedule.get("MonitoringScheduleConfig") or {}
            if config.get("MonitoringJobDefinitionName") == name and \
                    (config.get("MonitoringType") or monitoring_types.DEFAULT_TYPE) == monitoring_type:
                raise ValidationError(f"Monitoring Job Definition {ctx.arn(KINDS[monitoring_type], name)} is in use "
                                      f"by monitoring schedule {schedule['MonitoringScheduleArn']}: delete the "
                                      "schedule first.")
    return check


def _endpoint(monitoring_type: str) -> Callable[[Document], str]:
    def endpoint(document: Document) -> str:
        return monitoring_types.from_definition(document, monitoring_type).endpoint or ""
    return endpoint


def _monitors(monitoring_type: str) -> Callable[[Document, Any], bool]:
    endpoint = _endpoint(monitoring_type)
    return lambda document, value: endpoint(document) == value


SHARED_WAIVERS = {
    "You must specify sufficient ML storage": "no data is downloaded",
    "The MaxRuntimeInSeconds cannot exceed the frequency of the job": "a definition has no frequency of its own: "
    "checked when a monitoring schedule runs it (CreateMonitoringSchedule and UpdateMonitoringSchedule)",
    "The name must be unique within an Amazon Web Services Region": "claimed by the engine's duplicate check "
    "(ResourceInUse)",
}

OUTPUT = {"MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://monitoring/churn/reports",
                                              "LocalPath": "/opt/ml/processing/output"}}]}
RESOURCES = {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20}}
ENDPOINT_INPUT = {"EndpointName": "churn", "LocalPath": "/opt/ml/processing/input/endpoint"}
GROUND_TRUTH = {"S3Uri": "s3://monitoring/churn/ground-truth"}

#: A Create request of each kind that succeeds (the contract tests' and the fuzz world's example).
EXAMPLES: dict[str, Document] = {
    "DataQuality": {
        "JobDefinitionName": "churn-data-quality",
        "DataQualityBaselineConfig": {
            "ConstraintsResource": {"S3Uri": "s3://monitoring/churn/baseline/constraints.json"},
            "StatisticsResource": {"S3Uri": "s3://monitoring/churn/baseline/statistics.json"}},
        "DataQualityAppSpecification": {"ImageUri": ANALYZER, "Environment": {"publish_cloudwatch_metrics": "Enabled"}},
        "DataQualityJobInput": {"EndpointInput": ENDPOINT_INPUT},
        "DataQualityJobOutputConfig": OUTPUT,
        "JobResources": RESOURCES,
        "RoleArn": ROLE,
        "StoppingCondition": {"MaxRuntimeInSeconds": 1800},
    },
    "ModelQuality": {
        "JobDefinitionName": "churn-model-quality",
        "ModelQualityAppSpecification": {"ImageUri": ANALYZER, "ProblemType": "BinaryClassification"},
        "ModelQualityJobInput": {"EndpointInput": {**ENDPOINT_INPUT, "InferenceAttribute": "0",
                                                   "ProbabilityAttribute": "0", "ProbabilityThresholdAttribute": 0.5},
                                 "GroundTruthS3Input": GROUND_TRUTH},
        "ModelQualityJobOutputConfig": OUTPUT,
        "JobResources": RESOURCES,
        "RoleArn": ROLE,
    },
    "ModelBias": {
        "JobDefinitionName": "churn-model-bias",
        "ModelBiasAppSpecification": {"ImageUri": CLARIFY, "ConfigUri": "s3://monitoring/churn/bias/analysis_config.json"},
        "ModelBiasJobInput": {"EndpointInput": {**ENDPOINT_INPUT, "FeaturesAttribute": "features"},
                              "GroundTruthS3Input": GROUND_TRUTH},
        "ModelBiasJobOutputConfig": OUTPUT,
        "JobResources": RESOURCES,
        "RoleArn": ROLE,
    },
    "ModelExplainability": {
        "JobDefinitionName": "churn-explainability",
        "ModelExplainabilityAppSpecification": {"ImageUri": CLARIFY,
                                                "ConfigUri": "s3://monitoring/churn/shap/analysis_config.json"},
        "ModelExplainabilityJobInput": {"EndpointInput": ENDPOINT_INPUT},
        "ModelExplainabilityJobOutputConfig": OUTPUT,
        "JobResources": RESOURCES,
        "RoleArn": ROLE,
    },
}


def _declare(monitoring_type: str) -> Resource:
    """The declaration of one kind of job definition."""
    kind = KINDS[monitoring_type]
    rules = [
        Rule(_one_input(monitoring_type), "the job monitors one source of captured data (EndpointInput or "
             "BatchTransformInput); the SageMaker Python SDK refuses neither and both alike"),
        Rule(_not_in_use(monitoring_type), "the SageMaker Python SDK waits for a schedule's deletion before deleting "
             "its definition: \"Job definition is locked by schedule\"", on=("delete",)),
    ]
    if monitoring_type == "ModelQuality":
        rules.append(Rule(_inference_attribute, "aws/sagemaker-python-sdk#3959 (AWS's answer: missing required field "
                          "...EndpointInput.InferenceAttribute)"))
    return Resource(
        f"{monitoring_type}JobDefinition",
        kind=kind,
        # "Monitoring Job Definition" begins AWS's messages for a definition that does not exist (the prefix
        # AWS's SageMaker controller for Kubernetes first matched them by); the rest is sagemock's.
        missing=not_found("Monitoring Job Definition {arn} does not exist."),
        duplicate=in_use("Monitoring Job Definition {arn} already exists."),
        summary={"MonitoringJobDefinitionName": "JobDefinitionName", "MonitoringJobDefinitionArn": "JobDefinitionArn",
                 "EndpointName": _endpoint(monitoring_type)},
        filters={"EndpointName": _monitors(monitoring_type)},
        rules=rules,
        # The data quality operations do not state the uniqueness of the name; the others do.
        waivers={fragment: reason for fragment, reason in SHARED_WAIVERS.items()
                 if monitoring_type != "DataQuality" or not fragment.startswith("The name")},
        example=EXAMPLES[monitoring_type],
    )


DATA_QUALITY = _declare("DataQuality")
MODEL_QUALITY = _declare("ModelQuality")
MODEL_BIAS = _declare("ModelBias")
MODEL_EXPLAINABILITY = _declare("ModelExplainability")


class MonitoringJobDefinitions(Backend):
    data_quality = DATA_QUALITY.table()
    model_quality = MODEL_QUALITY.table()
    model_bias = MODEL_BIAS.table()
    model_explainability = MODEL_EXPLAINABILITY.table()
