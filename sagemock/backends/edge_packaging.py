"""SageMaker Edge Manager packaging jobs: CreateEdgePackagingJob, DescribeEdgePackagingJob,
ListEdgePackagingJobs and StopEdgePackagingJob, declared.

A packaging job signs and packages the model a SageMaker Neo compilation job compiled, so the job
it names must exist and be COMPLETED (read through the store's `compilation-job` table, never by
importing the compilation family). It walks STARTING -> INPROGRESS -> COMPLETED (instantly by
default), StopEdgePackagingJob walks STOPPING -> STOPPED, and a failure planned with
`mock.fail_next("edge-packaging-job", ...)` ends it in FAILED with the reason in
`EdgePackagingJobStatusMessage`. A completed job names its packaged artifact, the digest that signs
it, and, where `OutputConfig.PresetDeploymentType` asks for one, the AWS IoT Greengrass V2 component
made from it. docs/edge.md gives each rule's source and what sagemock chose where AWS is silent.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import Lifecycle
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store

Document = dict[str, Any]
Params = dict[str, Any]

KIND = "edge-packaging-job"
#: PresetDeploymentConfig's defaults: "the default name generated consists of "SagemakerEdgeManager"
#: and the name of your SageMaker Edge Manager packaging job"; the version is sagemock's (1.0.0,
#: the first release in Greengrass's semantic versions).
COMPONENT_PREFIX = "SagemakerEdgeManager"
COMPONENT_VERSION = "1.0.0"


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """What a completed job produced: the packaged model, its signature, the Greengrass component."""
    if status != "COMPLETED":
        return
    output = document["OutputConfig"]
    artifact = f"{output['S3OutputLocation'].rstrip('/')}/{document['ModelName']}-{document['ModelVersion']}.tar.gz"
    document["ModelArtifact"] = artifact
    document["ModelSignature"] = hashlib.sha256(f"{document['EdgePackagingJobArn']}\n{artifact}".encode()).hexdigest()
    preset = output.get("PresetDeploymentType")
    if preset is not None:
        config = _preset_config(output)
        name = config.get("ComponentName") or COMPONENT_PREFIX + document["EdgePackagingJobName"]
        version = config.get("ComponentVersion") or COMPONENT_VERSION
        arn = document["EdgePackagingJobArn"].split(":")
        document["PresetDeploymentOutput"] = {
            "Type": preset, "Status": "COMPLETED",
            "Artifact": f"arn:{arn[1]}:greengrass:{arn[3]}:{arn[4]}:components:{name}:versions:{version}"}


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="EdgePackagingJobStatus",
    status_shape="EdgePackagingJobStatus",
    paths={"create": ("STARTING", "INPROGRESS", "COMPLETED"), "stop": ("STOPPING", "STOPPED")},
    failure_paths={"create": ("STARTING", "INPROGRESS", "FAILED")},
    failure_key="EdgePackagingJobStatusMessage",
    name_key="EdgePackagingJobName",
    accepts={"stop": ("STARTING", "INPROGRESS")},
    stamps_modified=True,
    on_enter=_entered,
)


def _preset_config(output: Document) -> Document:
    text = output.get("PresetDeploymentConfig")
    if not text:
        return {}
    parsed = json.loads(text)
    return parsed if isinstance(parsed, dict) else {}


def _compiled(params: Params, ctx: Context) -> None:
    """The compilation job locates the model artifacts to package: it must have completed."""
    name = params["CompilationJobName"]
    job = ctx.store.table("compilation-job").find(ctx, name)
    if job is None:
        raise ValidationError(f"Compilation job {name} does not exist.")
    if job["CompilationJobStatus"] != "COMPLETED":
        raise ValidationError(f"Compilation job {name} is {job['CompilationJobStatus']}: only a COMPLETED "
                              "compilation job's model artifacts can be packaged.")


def _preset(params: Params, ctx: Context) -> None:
    """PresetDeploymentConfig: "Specify configuration options with a JSON string"."""
    output = params["OutputConfig"]
    text = output.get("PresetDeploymentConfig")
    if text is None:
        return
    try:
        parsed = json.loads(text)
    except ValueError:
        raise ValidationError(f"OutputConfig.PresetDeploymentConfig is not a JSON string: {text!r}") from None
    if not isinstance(parsed, dict):
        raise ValidationError("OutputConfig.PresetDeploymentConfig must be a JSON object of configuration options.")
    if output.get("PresetDeploymentType") is None:
        raise ValidationError("OutputConfig.PresetDeploymentConfig configures a PresetDeploymentType: specify one.")


EDGE_PACKAGING_JOB = Resource(
    "EdgePackagingJob",
    kind=KIND,
    missing=not_found("Edge packaging job {arn} does not exist."),
    duplicate=in_use("Edge packaging job {arn} already exists."),
    lifecycle=LIFECYCLE,
    sort_members={"NAME": "EdgePackagingJobName", "MODEL_NAME": "ModelName", "CREATION_TIME": "CreationTime",
                  "LAST_MODIFIED_TIME": "LastModifiedTime", "STATUS": "EdgePackagingJobStatus"},
    # ListEdgePackagingJobs documents no default order: the newest first, as SageMaker's lists default to.
    default_sort=("CREATION_TIME", "Descending"),
    filters={"ModelNameContains": lambda document, value: value.lower() in document["ModelName"].lower()},
    rules=(
        Rule(_compiled, "CreateEdgePackagingJob.CompilationJobName (the Neo job that locates the model artifacts)"),
        Rule(_preset, "EdgeOutputConfig.PresetDeploymentConfig (\"Specify configuration options with a JSON string\")"),
    ),
    example={"EdgePackagingJobName": "package", "CompilationJobName": "compile", "ModelName": "detector",
             "ModelVersion": "1.0", "RoleArn": "arn:aws:iam::123456789012:role/edge",
             "OutputConfig": {"S3OutputLocation": "s3://bucket/packaged"}},
    example_needs=(("CreateCompilationJob", {
        "CompilationJobName": "compile", "RoleArn": "arn:aws:iam::123456789012:role/neo",
        "InputConfig": {"S3Uri": "s3://bucket/model.tar.gz", "Framework": "PYTORCH",
                        "DataInputConfig": '{"input0": [1, 3, 224, 224]}'},
        "OutputConfig": {"S3OutputLocation": "s3://bucket/compiled", "TargetDevice": "jetson_nano"},
        "StoppingCondition": {"MaxRuntimeInSeconds": 900}}),),
)


class EdgePackaging(Backend):
    jobs = EDGE_PACKAGING_JOB.table()
