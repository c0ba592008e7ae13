"""The four kinds of model monitoring job definition, and what a monitoring job is made of.

A monitoring schedule runs either a job definition of one of the four kinds (data quality, model
quality, model bias, model explainability), named with its `MonitoringType`, or an inline
`MonitoringJobDefinition`. Each kind keeps the same parts under its own member names
(`DataQualityAppSpecification`, `ModelBiasJobInput` ...); `Job` reads either form the same way, so
the families of job definitions, schedules and executions agree on what a job monitors without
importing each other.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]

#: MonitoringType -> the kind of its job definitions (their ARN's resource type).
KINDS: dict[str, str] = {
    "DataQuality": "data-quality-job-definition",
    "ModelQuality": "model-quality-job-definition",
    "ModelBias": "model-bias-job-definition",
    "ModelExplainability": "model-explainability-job-definition",
}
#: The type a schedule monitors when it names none: the inline MonitoringJobDefinition is the data
#: quality (or bring-your-own-container) job, and AWS describes such a schedule as DataQuality.
DEFAULT_TYPE = "DataQuality"


@dataclass(frozen=True)
class Job:
    """A monitoring job's parts, whichever form defines them."""

    app: Mapping[str, Any]
    #: Each input as `{"EndpointInput": ...}` or `{"BatchTransformInput": ...}`.
    inputs: tuple[Mapping[str, Any], ...]
    output: Mapping[str, Any]
    cluster: Mapping[str, Any]
    role: str
    environment: Mapping[str, str] = field(default_factory=dict)
    stopping: Mapping[str, Any] | None = None
    network: Mapping[str, Any] | None = None
    baseline: Mapping[str, Any] | None = None
    ground_truth: Mapping[str, Any] | None = None

    @property
    def endpoint(self) -> str | None:
        """The endpoint the job monitors (None for a batch transform's captured data)."""
        for item in self.inputs:
            if item.get("EndpointInput"):
                return str(item["EndpointInput"]["EndpointName"])
        return None


def from_definition(document: Mapping[str, Any], monitoring_type: str) -> Job:
    """The job a job definition of `monitoring_type` describes (its Create request or Describe document)."""
    app = document.get(f"{monitoring_type}AppSpecification") or {}
    job_input = document.get(f"{monitoring_type}JobInput") or {}
    inputs = tuple({member: job_input[member]} for member in ("EndpointInput", "BatchTransformInput")
                   if job_input.get(member))
    return Job(app=app, inputs=inputs, output=document.get(f"{monitoring_type}JobOutputConfig") or {},
               cluster=(document.get("JobResources") or {}).get("ClusterConfig") or {},
               role=str(document.get("RoleArn") or ""), environment=app.get("Environment") or {},
               stopping=document.get("StoppingCondition"), network=document.get("NetworkConfig"),
               baseline=document.get(f"{monitoring_type}BaselineConfig"),
               ground_truth=job_input.get("GroundTruthS3Input"))


def from_inline(definition: Mapping[str, Any]) -> Job:
    """The job a schedule's inline MonitoringJobDefinition describes."""
    return Job(app=definition.get("MonitoringAppSpecification") or {},
               inputs=tuple(definition.get("MonitoringInputs") or ()),
               output=definition.get("MonitoringOutputConfig") or {},
               cluster=(definition.get("MonitoringResources") or {}).get("ClusterConfig") or {},
               role=str(definition.get("RoleArn") or ""), environment=definition.get("Environment") or {},
               stopping=definition.get("StoppingCondition"), network=definition.get("NetworkConfig"),
               baseline=definition.get("BaselineConfig"))
