"""Models: the containers (images, artifacts, environment) that hosting and batch transform run.

A model has no status and cannot be changed once created: CreateModel, DescribeModel,
ListModels and DeleteModel are all there is. Its ARN lower-cases the name (`model` is in
`arns.LOWER_CASE`), so two names that differ only in case are the same model. A container may be
built from a model package of the registry, which must then exist. Endpoint configurations look
models up through `Models.require`.
"""
from __future__ import annotations

from typing import Any

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.pagination import Listing
from .registry import Registry

Document = dict[str, Any]

#: ListModels: SortBy defaults to CreationTime and SortOrder to Descending (the input shape's docs).
LISTING = Listing(
    sort_keys={"Name": "ModelName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Descending", id_key="ModelArn", name_key="ModelName",
    inclusive_after=True,
)

#: ContainerDefinition.Environment: "The maximum length of all keys and values in the map, combined,
#: is 32 KB. If you pass multiple containers to a CreateModel request, then the maximum length of
#: all of their maps, combined, is also 32 KB." The model states this in prose only.
ENVIRONMENT_BYTES = 32 * 1024


def missing(arn: str) -> ValidationError:
    """What SageMaker answers for a model that does not exist (DescribeModel, CreateEndpointConfig...)."""
    return ValidationError(f'Could not find model "{arn}".')


class Models(Backend):
    def __init__(self, store: Any):
        super().__init__(store)
        self.models: dict[str, Document] = {}  # arns.key("model", name) -> DescribeModel document

    def require(self, ctx: Context, name_or_arn: str) -> Document:
        """The model a request names, or SageMaker's `Could not find model "arn".`"""
        return self.find(ctx, self.models, name_or_arn, "model", missing)

    @operation
    def create_model(self, params: Params, ctx: Context) -> Document:
        name = params["ModelName"]
        arn = ctx.arn("model", name)
        key = arns.key("model", name)
        if key in self.models:
            raise ValidationError(f'Cannot create already existing model "{arn}".')
        tags.check(params.get("Tags"))
        for container in _containers(params):
            self._check_package(ctx, container)
        document: Document = {"ModelName": name, "ModelArn": arn, "CreationTime": ctx.now,
                               "EnableNetworkIsolation": False}
        document.update({member: params[member] for member in _echoed() if member in params})
        self.keep(self.models, key, arn, document, params.get("Tags"))
        return {"ModelArn": arn}

    def _check_package(self, ctx: Context, container: Document) -> None:
        """A container built from a model package needs that package in the registry.

        A package ARN of another account (an AWS Marketplace listing, say) is taken on trust.
        """
        reference = container.get("ModelPackageName")
        if reference is None:
            return
        parsed = arns.parse(reference)
        if parsed is not None and parsed.account != ctx.account:
            return
        self.family(Registry).package(ctx, reference)

    @operation
    def describe_model(self, params: Params, ctx: Context) -> Document:
        return self.require(ctx, params["ModelName"])

    @operation
    def list_models(self, params: Params, ctx: Context) -> Document:
        page, token = LISTING.run(self.models.values(), params)
        summary = service.shape("ModelSummary")
        return {"Models": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def delete_model(self, params: Params, ctx: Context) -> None:
        """Deletion is immediate; endpoint configurations naming the model are left as they are."""
        document = self.require(ctx, params["ModelName"])
        self.drop(self.models, arns.key("model", document["ModelName"]), document["ModelArn"])
        return None


def _containers(params: Params) -> list[Document]:
    """The model's containers, after the rules CreateModel states in prose rather than in its shape."""
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
    return containers


def _echoed() -> tuple[str, ...]:
    """The CreateModel members DescribeModel returns as given."""
    return service.echoed_members("CreateModel", "DescribeModel", ("ModelName",))
