"""The lineage SageMaker records when a model package is registered.

"Amazon SageMaker AI–Created Tracking Entities", Tracking Entities for Model Packages (Developer
Guide): a context for each model package group, an artifact for each model package associated with
its group's context, and, for each container the package defines, an artifact for its image and one
for its model, each associated with the package's artifact. As real accounts show them (DataHub's
SageMaker ingestion stubs; the SageMaker Python SDK's lineage integration fixtures), the package's
artifact is typed `Model` with the package ARN as its SourceUri, the group's context is typed
`ModelGroup` with the group ARN as its SourceUri (SourceType `ARN`), the package artifact is
`AssociatedWith` the group context, and the model data and image artifacts are `ContributedTo` the
package artifact.

Artifacts are found by SourceUri, so the model data a training job produced (its `S3ModelArtifacts`,
`Produced` by the job's trial component) is the artifact the package's container names: the package
reaches the job and its input data sets through it, which is what the SDK's
`ModelArtifact.dataset_artifacts()` and `training_job_arns()` walk. This module reaches the lineage
family through the store (`store.owner`), never by importing it.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.context import Context

Document = dict[str, Any]

#: The artifact type of a model package's artifact (the SDK's `LineageSourceEnum.MODEL`).
PACKAGE_ARTIFACT_TYPE = "Model"
#: The context type of a model package group's context (the SDK's `LineageSourceEnum.MODEL_GROUP`).
GROUP_CONTEXT_TYPE = "ModelGroup"


def track(ctx: Context, package: Document) -> str:
    """Record the package's lineage (each entity once: existing ones are reused by SourceUri and
    existing associations kept); the ARN of the package's artifact."""
    lineage = ctx.store.owner("artifact")
    now, user = ctx.now, ctx.user_for("artifact")
    artifact: str = lineage.track_artifact(package["ModelPackageArn"], PACKAGE_ARTIFACT_TYPE, now, user)
    group = package.get("ModelPackageGroupName")
    if group:
        context = lineage.track_entity(
            "context", f"{group}-{int(now.timestamp())}-aws-model-package-group",
            {"SourceUri": ctx.arn("model-package-group", group), "SourceType": "ARN"}, GROUP_CONTEXT_TYPE, now, user)
        lineage.link(artifact, context, "AssociatedWith", now, user)
    for uri, artifact_type in dict.fromkeys(sources(package)):
        source = lineage.track_artifact(uri, artifact_type, now, user)
        lineage.link(source, artifact, "ContributedTo", now, user)
    return artifact


def sources(package: Document) -> Iterable[tuple[str, str]]:
    """(SourceUri, ArtifactType) of what the package is made of: each container's model data
    (`Model`) and image (`Image`), its additional inference specifications' containers, and the
    model data of each source algorithm."""
    specifications = [package.get("InferenceSpecification") or {}]
    specifications += package.get("AdditionalInferenceSpecifications") or []
    for specification in specifications:
        for container in specification.get("Containers") or ():
            data = model_data(container)
            if data:
                yield data, "Model"
            if container.get("Image"):
                yield container["Image"], "Image"
    for algorithm in (package.get("SourceAlgorithmSpecification") or {}).get("SourceAlgorithms") or ():
        data = model_data(algorithm)
        if data:
            yield data, "Model"


def model_data(container: Document) -> str | None:
    """A container's (or source algorithm's) model data: `ModelDataUrl`, or its `ModelDataSource`'s S3 URI."""
    url = container.get("ModelDataUrl") or ((container.get("ModelDataSource") or {}).get("S3DataSource") or {}).get(
        "S3Uri")
    return str(url) if url else None
