"""Endpoint configurations: which models an endpoint hosts, on what compute, with which options.

A configuration has no status and cannot be changed once created. Each production (or shadow)
variant is either instance-based (instance type and count, or instance pools) or serverless,
and names a model that must exist when it is created; a variant without a model belongs to an
endpoint for inference components. Its ARN lower-cases the name (`endpoint-config` is in
`arns.LOWER_CASE`). A declared resource (`core.resource`): Create, Describe, List and Delete are
derived from the model; written here are AWS's messages, the variants' prose rules and the
defaults AWS documents. Endpoints read configurations through `store.table("endpoint-config")`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.backend import Backend
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.resource import Resource, Rule, invalid

Document = dict[str, Any]
Params = dict[str, Any]

#: Members of a variant that only an instance-based variant has.
_INSTANCE_MEMBERS = ("InstanceType", "InitialInstanceCount", "InstancePools")


def _check_variants(params: Params, ctx: Context) -> None:
    """The rules of ProductionVariants stated in prose, and the models they name."""
    production = params["ProductionVariants"]
    shadow = params.get("ShadowProductionVariants") or []
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
    models = ctx.store.table("model")
    for variant in variants:
        _check_variant(variant)
        for model_name in _model_names(variant):
            model = models.require(ctx, model_name)
            if variant.get("ServerlessConfig") is not None and _uses_model_data_source(model):
                raise ValidationError(f"Variant {variant['VariantName']}: model {model_name} uses ModelDataSource, "
                                      "which serverless endpoints do not support.")


def _explainer(params: Params, ctx: Context) -> None:
    _check_explainer(params.get("ExplainerConfig"))


def _defaults(document: Document, params: Params, ctx: Context) -> None:
    """The defaults AWS documents for members the request left out."""
    for variant in [*document["ProductionVariants"], *(document.get("ShadowProductionVariants") or [])]:
        # "If unspecified, it defaults to 1.0." (ProductionVariant.InitialVariantWeight)
        variant.setdefault("InitialVariantWeight", 1.0)
    capture = document.get("DataCaptureConfig")
    if capture is not None:
        # "Whether data capture should be enabled or disabled (defaults to enabled)."
        capture.setdefault("EnableCapture", True)


ENDPOINT_CONFIG = Resource(
    "EndpointConfig",
    kind="endpoint-config",
    # Real answers: aws/amazon-sagemaker-examples#2339, awslabs/spot-tagging-bot-for-digital-assets#2.
    missing=invalid('Could not find endpoint configuration "{arn}".'),
    duplicate=invalid('Cannot create already existing endpoint configuration "{arn}".'),
    # ListEndpointConfigs: CreationTimeAfter "A filter that returns only endpoint configurations with
    # a creation time greater than or equal to the specified time".
    inclusive_after=True,
    rules=(
        Rule(_check_variants, "ProductionVariants, ShadowProductionVariants, ServerlessConfig, "
             "ManagedInstanceScaling, RoutingConfig and CrossRegionTrafficConfig in the model's documentation",
             claims=("PREFIX_AWARE", "one variant for ProductionVariants",
                     "You can't specify it with serverless variants or with AsyncInferenceConfig")),
        Rule(_explainer, "ClarifyShapBaselineConfig: 'ShapBaseline and ShapBaselineUri are mutually exclusive "
             "parameters. One or the either is required to configure a SHAP baseline.'"),
    ),
    on_create=_defaults,
    waivers={
        "must retain when it scales down": "describes what scaling keeps; nothing scales in the mock",
        "applies prefix-aware routing only when two or more instances": "describes how requests are routed; no "
        "requests are routed",
        "When the endpoint can't find an instance or copy that holds the start of the prompt": "describes how "
        "requests are routed; no requests are routed",
        "only if the response size is less than or equal to 128 KB": "no inference runs",
        "Required only when the model container input is in JSON Lines format": "the container's input format is not "
        "known to the mock",
        "FeatureTypes must have at least one 'text' string": "no explanation runs; kept as given (AWS documents no "
        "error code for it)",
        "You must not delete an EndpointConfig in use": "AWS declares no error for it and documents no refusal: a "
        "configuration in use may be deleted (the endpoint keeps running)",
    },
    superseded={
        "You can't request a KmsKeyId when using an instance type with local storage": "KmsKeyId: 'If any of the "
        "models that you specify in the ProductionVariants parameter use nitro-based instances with local storage, "
        "the KmsKeyId parameter does not encrypt instance local storage': accepted and kept (the older sentence is "
        "botocore 1.35's; AWS declares no error for it)",
    },
    example={"EndpointConfigName": "churn-config", "ProductionVariants": [
        {"VariantName": "AllTraffic", "ModelName": "churn", "InstanceType": "ml.m5.large",
         "InitialInstanceCount": 1}]},
    example_needs=(("CreateModel", {"ModelName": "churn", "PrimaryContainer": {
        "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"}}),),
)


class EndpointConfigs(Backend):
    configs = ENDPOINT_CONFIG.table()


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

