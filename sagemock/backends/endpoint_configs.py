"""Endpoint configurations: which models an endpoint hosts, on what compute, with which options.

A configuration has no status and cannot be changed once created. Each production (or shadow)
variant is either instance-based (instance type and count, or instance pools) or serverless,
and names a model that must exist when it is created; a variant without a model belongs to an
endpoint for inference components. Its ARN lower-cases the name (`endpoint-config` is in
`arns.LOWER_CASE`). Endpoints look configurations up through `EndpointConfigs.require`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.pagination import Listing
from .models import Models

Document = dict[str, Any]

#: ListEndpointConfigs: SortBy defaults to CreationTime and SortOrder to Descending (the input shape's docs).
LISTING = Listing(
    sort_keys={"Name": "EndpointConfigName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Descending", id_key="EndpointConfigArn",
    name_key="EndpointConfigName",
    inclusive_after=True,
)

#: Members of a variant that only an instance-based variant has.
_INSTANCE_MEMBERS = ("InstanceType", "InitialInstanceCount", "InstancePools")


def missing(arn: str) -> ValidationError:
    return ValidationError(f'Could not find endpoint configuration "{arn}".')


class EndpointConfigs(Backend):
    def __init__(self, store: Any):
        super().__init__(store)
        self.configs: dict[str, Document] = {}  # arns.key("endpoint-config", name) -> Describe document

    def require(self, ctx: Context, name_or_arn: str) -> Document:
        """The configuration a request names, or SageMaker's `Could not find endpoint configuration "arn".`"""
        return self.find(ctx, self.configs, name_or_arn, "endpoint-config", missing)

    @operation
    def create_endpoint_config(self, params: Params, ctx: Context) -> Document:
        name = params["EndpointConfigName"]
        arn = ctx.arn("endpoint-config", name)
        key = arns.key("endpoint-config", name)
        if key in self.configs:
            raise ValidationError(f'Cannot create already existing endpoint configuration "{arn}".')
        tags.check(params.get("Tags"))
        production = params["ProductionVariants"]
        shadow = params.get("ShadowProductionVariants") or []
        self._check_variants(ctx, production, shadow, params)
        _check_explainer(params.get("ExplainerConfig"))

        document: Document = {"EndpointConfigName": name, "EndpointConfigArn": arn, "CreationTime": ctx.now}
        document.update({member: params[member] for member in _echoed() if member in params})
        for variant in [*production, *shadow]:
            # "If unspecified, it defaults to 1.0." (ProductionVariant.InitialVariantWeight)
            variant.setdefault("InitialVariantWeight", 1.0)
        capture = document.get("DataCaptureConfig")
        if capture is not None:
            # "Whether data capture should be enabled or disabled (defaults to enabled)."
            capture.setdefault("EnableCapture", True)
        self.keep(self.configs, key, arn, document, params.get("Tags"))
        return {"EndpointConfigArn": arn}

    @operation
    def describe_endpoint_config(self, params: Params, ctx: Context) -> Document:
        return self.require(ctx, params["EndpointConfigName"])

    @operation
    def list_endpoint_configs(self, params: Params, ctx: Context) -> Document:
        page, token = LISTING.run(self.configs.values(), params)
        summary = service.shape("EndpointConfigSummary")
        return {"EndpointConfigs": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def delete_endpoint_config(self, params: Params, ctx: Context) -> None:
        """Deletion is immediate; AWS does not refuse it for a configuration an endpoint uses."""
        document = self.require(ctx, params["EndpointConfigName"])
        self.drop(self.configs, arns.key("endpoint-config", document["EndpointConfigName"]),
                  document["EndpointConfigArn"])
        return None

    def _check_variants(self, ctx: Context, production: list[Document], shadow: list[Document],
                        params: Params) -> None:
        """The rules of ProductionVariants stated in prose, and the models they name."""
        if shadow and (len(production) != 1 or len(shadow) != 1):
            raise ValidationError("With ShadowProductionVariants you can only specify one variant for "
                                  "ProductionVariants and one variant for ShadowProductionVariants.")
        variants = [*production, *shadow]
        seen: set[str] = set()
        for variant in variants:
            if variant["VariantName"] in seen:
                raise ValidationError(f"Variant names must be unique within an endpoint configuration: "
                                      f"{variant['VariantName']} is used more than once.")
            seen.add(variant["VariantName"])
        serverless = [variant for variant in variants if variant.get("ServerlessConfig") is not None]
        if serverless and len(serverless) != len(variants):
            raise ValidationError("An endpoint configuration is either serverless or instance-based: all its "
                                  "variants need a ServerlessConfig, or none of them.")
        if params.get("CrossRegionTrafficConfig") is not None and (serverless or params.get("AsyncInferenceConfig")):
            raise ValidationError("CrossRegionTrafficConfig cannot be specified with serverless variants or with "
                                  "AsyncInferenceConfig.")
        models = self.family(Models)
        for variant in variants:
            _check_variant(variant)
            for model_name in _model_names(variant):
                model = models.require(ctx, model_name)
                if variant.get("ServerlessConfig") is not None and _uses_model_data_source(model):
                    raise ValidationError(f"Variant {variant['VariantName']}: model {model_name} uses ModelDataSource, "
                                          "which serverless endpoints do not support.")


def _model_names(variant: Document) -> Iterable[str]:
    if variant.get("ModelName"):
        yield variant["ModelName"]
    for pool in variant.get("InstancePools") or ():
        if pool.get("ModelNameOverride"):
            yield pool["ModelNameOverride"]


def _uses_model_data_source(model: Document) -> bool:
    containers = [model["PrimaryContainer"]] if model.get("PrimaryContainer") else model.get("Containers") or []
    return any(container.get("ModelDataSource") for container in containers)


def _check_variant(variant: Document) -> None:
    name = variant["VariantName"]
    serverless = variant.get("ServerlessConfig")
    if serverless is not None:
        given = [member for member in _INSTANCE_MEMBERS if variant.get(member) is not None]
        if given:
            raise ValidationError(f"Variant {name} has a ServerlessConfig, which replaces the instance-based "
                                  f"configuration: it cannot also specify {', '.join(given)}.")
        memory = serverless["MemorySizeInMB"]
        if memory % 1024:
            raise ValidationError(f"Variant {name}: MemorySizeInMB must be in 1 GB increments (1024, 2048, ...), "
                                  f"not {memory}.")
        provisioned = serverless.get("ProvisionedConcurrency")
        if provisioned is not None and provisioned > serverless["MaxConcurrency"]:
            raise ValidationError(f"Variant {name}: ProvisionedConcurrency ({provisioned}) must be less than or equal "
                                  f"to MaxConcurrency ({serverless['MaxConcurrency']}).")
    else:
        if variant.get("InstanceType") is None and not variant.get("InstancePools"):
            raise ValidationError(f"Variant {name} needs an InstanceType (or InstancePools), or a ServerlessConfig.")
        if variant.get("InitialInstanceCount") is None:
            raise ValidationError(f"Variant {name} needs an InitialInstanceCount, or a ServerlessConfig.")
    scaling = variant.get("ManagedInstanceScaling")
    if scaling is not None:
        if variant.get("ModelName"):
            raise ValidationError("ManagedInstanceScaling is only supported for inference component endpoints.")
        low, high = scaling.get("MinInstanceCount"), scaling.get("MaxInstanceCount")
        if low is not None and high is not None and low > high:
            raise ValidationError(f"Variant {name}: ManagedInstanceScaling MinInstanceCount ({low}) cannot exceed "
                                  f"MaxInstanceCount ({high}).")
    routing = variant.get("RoutingConfig")
    if routing is not None and routing.get("PrefixAwareRoutingConfig") is not None \
            and routing["RoutingStrategy"] != "PREFIX_AWARE":
        raise ValidationError(f"Variant {name}: specify PrefixAwareRoutingConfig only when RoutingStrategy is "
                              "PREFIX_AWARE.")


def _check_explainer(explainer: Document | None) -> None:
    """ClarifyShapBaselineConfig: "ShapBaseline and ShapBaselineUri are mutually exclusive parameters.
    One or the either is required to configure a SHAP baseline." """
    clarify = (explainer or {}).get("ClarifyExplainerConfig")
    if clarify is None:
        return
    baseline = clarify["ShapConfig"]["ShapBaselineConfig"]
    given = [member for member in ("ShapBaseline", "ShapBaselineUri") if baseline.get(member) is not None]
    if len(given) != 1:
        raise ValidationError("ShapBaselineConfig needs exactly one of ShapBaseline and ShapBaselineUri.")


def _echoed() -> tuple[str, ...]:
    """The CreateEndpointConfig members DescribeEndpointConfig returns as given."""
    return service.echoed_members("CreateEndpointConfig", "DescribeEndpointConfig", ("EndpointConfigName",))
