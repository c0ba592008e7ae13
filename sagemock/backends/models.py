"""Models: the containers (images, artifacts, environment) that hosting and batch transform run.

A declared resource (`core.resource`): CreateModel, DescribeModel, ListModels and DeleteModel are
derived from the model. A model has no status and cannot be changed once created. Its ARN
lower-cases the name (`model` is in `arns.LOWER_CASE`), so two names that differ only in case are
the same model. What is written here is what the botocore model cannot say: AWS's messages, the
rules CreateModel states in prose, the model package a container may name, and the one member AWS
fills in (`EnableNetworkIsolation`). Other families reach models through `store.table("model")`.
"""
from __future__ import annotations

from typing import Any

from ..core import service, shape
from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.resource import Resource, Rule, invalid
from ..core.searchable import Provider, provide, tag_list
from ..core.state import Store

Document = dict[str, Any]
Params = dict[str, Any]

#: ContainerDefinition.Environment: "The maximum length of all keys and values in the map, combined,
#: is 32 KB. If you pass multiple containers to a CreateModel request, then the maximum length of
#: all of their maps, combined, is also 32 KB." The model states this in prose only.
ENVIRONMENT_BYTES = 32 * 1024


def _containers(params: Params, ctx: Context) -> None:
    """The rules CreateModel states in prose rather than in its shape."""
    primary = params.get("PrimaryContainer")
    pipeline = params.get("Containers") or []
    if primary is not None and pipeline:
        raise ValidationError("A model takes either PrimaryContainer or Containers, not both.")
    if primary is None and not pipeline:
        raise ValidationError("A model needs a container: specify PrimaryContainer or Containers.")
    containers = [primary] if primary is not None else pipeline
    for index, container in enumerate(containers):
        where = "PrimaryContainer" if primary is not None else f"Containers[{index}]"
        if not container.get("Image") and not container.get("ModelPackageName"):
            raise ValidationError(f"{where} needs an Image or a ModelPackageName.")
        if container.get("Mode") == "MultiModel" and container.get("ModelDataSource"):
            raise ValidationError(f"{where}: ModelDataSource cannot be used with multi-model endpoints "
                                  "(Mode MultiModel).")
    if pipeline:
        hostnames = [container.get("ContainerHostname") for container in pipeline]
        named = [hostname for hostname in hostnames if hostname]
        if named and len(named) != len(hostnames):
            raise ValidationError("If you specify ContainerHostname for any container of an inference pipeline, "
                                  "you must specify it for every container of the pipeline.")
        if len(set(named)) != len(named):
            raise ValidationError("ContainerHostname must be unique within an inference pipeline.")
    size = sum(len(key.encode()) + len(value.encode())
               for container in containers for key, value in (container.get("Environment") or {}).items())
    if size > ENVIRONMENT_BYTES:
        raise ValidationError(f"The environment variables of a model's containers may hold at most {ENVIRONMENT_BYTES} "
                              f"bytes of keys and values combined; these hold {size}.")


def _packages(params: Params, ctx: Context) -> None:
    """A container built from a model package needs that package in the registry; a package ARN of
    another account (an AWS Marketplace listing, say) is taken on trust."""
    containers = [params["PrimaryContainer"]] if params.get("PrimaryContainer") else params.get("Containers") or []
    for container in containers:
        reference = container.get("ModelPackageName")
        if reference is None:
            continue
        ctx.store.table("model-package").require_own(ctx, reference)


def _computed(document: Document, params: Params, ctx: Context) -> None:
    document.setdefault("EnableNetworkIsolation", False)  # answered false when not asked for


MODEL = Resource(
    "Model",
    kind="model",
    # Real answers: aws/sagemaker-python-sdk#2112 ("Could not find model"); astronomer-providers#1055.
    missing=invalid('Could not find model "{arn}".'),
    duplicate=invalid('Cannot create already existing model "{arn}".'),
    # ListModels: CreationTimeAfter "A filter that returns only models with a creation time greater
    # than or equal to the specified time".
    inclusive_after=True,
    rules=(
        Rule(_containers, "CreateModel: 'you name the model and describe a primary container'; the older API "
             "reference: 'you must define a container'; ContainerDefinition.ContainerHostname, "
             "ModelDataSource and Environment", claims=("ContainerHostName for any ContainerDefinition",
                                                         "ModelDataSource")),
        Rule(_packages, "ContainerDefinition.ModelPackageName: 'The name or Amazon Resource Name (ARN) of the "
             "model package to use to create the model'"),
    ),
    on_create=_computed,
    waivers={
        "accessible from the same VPC": "registries and VPCs are not modelled: the image is kept as given",
        "only if you specified Vpc as the value for the RepositoryAccessMode": "the authentication config is kept; "
        "AWS documents no error for it with Platform access",
        "The path must start with /": "kept as given: the model's pattern is what AWS's validator checks",
    },
    example={"ModelName": "churn", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker",
             "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1",
                                  "ModelDataUrl": "s3://bucket/churn/model.tar.gz"}},
)


class Models(Backend):
    models = MODEL.table()


def _dashboard_model(store: Store, document: Document) -> Document:
    """The `Model` member of a Model record (a model dashboard entry), tags as a map for paths."""
    return {**document, "Tags": store.tags.get(document["ModelArn"]) or {}}


def _build_model(provider: Provider, store: Store, document: Document) -> Document:
    model = shape.project(document, service.shape("Model"))
    model["Tags"] = tag_list(store.tags.get(document["ModelArn"]))
    return {"Model": {"Model": model}}


provide(Provider("Model", "Model", "ModelArn", lambda store: store.table("model").values(),
                 computed={"Model": _dashboard_model}, build=_build_model, default_sort="Model.CreationTime",
                 family="Models", kind="model", table="model"))
