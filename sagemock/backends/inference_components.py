"""Inference components: models deployed onto an endpoint's variant, each with its own copies.

A declared resource (`core.resource`): Create, Describe, List and Delete are derived from the
model; the two updates are written here, since each changes only part of the component (its
specification, its copies) and the answer keeps the rest. A component lives on a variant of an
existing endpoint (`store.table("endpoint")`); its `Specification` names an existing model (or
carries its own container), or, for an adapter, an existing base component. Describe answers the
specification as deployed: the container's image pinned to a digest (`DeployedImage`), the copies
asked for (`DesiredCopyCount`) and those running (`CurrentCopyCount`, which reaches the desired
count when the component is InService). An endpoint cannot be deleted while components live on
it (endpoints.py reads this family's table).
"""
from __future__ import annotations

from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule, invalid
from ..core.state import Store
from . import container_images

Document = dict[str, Any]
STATUS = "InferenceComponentStatus"
KIND = "inference-component"


def _entered(document: Document, status: str, store: Store, now: Any) -> None:
    """Copies run once the component is InService; a failed deployment runs none."""
    runtime = document.get("RuntimeConfig")
    if runtime is None:
        return
    if status == "InService":
        runtime["CurrentCopyCount"] = runtime["DesiredCopyCount"]
    elif status == "Failed":
        runtime["CurrentCopyCount"] = 0


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape=STATUS,
    paths={"create": ("Creating", "InService"), "update": ("Updating", "InService"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "Failed")},
    name_key="InferenceComponentName",
    # A component that is still being deployed cannot be deleted (aws/amazon-sagemaker-examples#3432:
    # "I need to delete the InferenceComponent - but I can't while it is in the 'Creating' state").
    accepts={"update": ("InService",), "delete": ("InService", "Failed")},
    on_enter=_entered,
)


# -- rules ------------------------------------------------------------------------------------

def _specifications(params: Params) -> list[Document]:
    single = params.get("Specification")
    return [single] if single is not None else list(params.get("Specifications") or ())


def _one_form(params: Params, ctx: Context) -> None:
    """Specifications: "You can use either this parameter or the singular Specification parameter,
    but not both"; a component needs one of them (older models require Specification)."""
    if params.get("Specification") is not None and params.get("Specifications") is not None:
        raise ValidationError("Specify either Specification or Specifications, but not both.")
    if params.get("Specification") is None and params.get("Specifications") is None:
        raise ValidationError("An inference component needs a Specification (or Specifications).")
    several = params.get("Specifications") or ()
    if len(several) > 1:
        if any(not specification.get("InstanceType") for specification in several):
            raise ValidationError("InstanceType is required in every specification when Specifications has more "
                                  "than one entry.")
        types = [specification["InstanceType"] for specification in several]
        if len(set(types)) != len(types):
            raise ValidationError("Specifications holds one specification per instance type: an instance type is "
                                  "repeated.")


def _update_form(params: Params, ctx: Context) -> None:
    if params.get("Specification") is not None and params.get("Specifications") is not None:
        raise ValidationError("Specify either Specification or Specifications, but not both.")


def _variant(params: Params, ctx: Context) -> None:
    """VariantName: "The name of an existing production variant where you host the inference
    component" (the endpoint itself is a reference, checked before the rules). The newer models
    leave it optional without saying what stands in: the endpoint's only variant; an endpoint of
    several leaves no way to tell, and is refused."""
    _host_variant(params, ctx)


def _host_variant(params: Params, ctx: Context) -> str:
    endpoint = ctx.store.table("endpoint").require(ctx, params["EndpointName"])
    names: list[str] = [variant["VariantName"] for variant in endpoint.get("ProductionVariants") or ()]
    wanted = params.get("VariantName")
    if wanted is None:
        if len(names) == 1:
            return names[0]
        raise ValidationError(f"Endpoint {endpoint['EndpointArn']} has {len(names)} production variants: name the "
                              "one to host the inference component in VariantName.")
    if wanted not in names:
        raise ValidationError(f"Variant {wanted} does not exist on endpoint {endpoint['EndpointArn']}; it has "
                              f"{', '.join(sorted(names)) or 'no variants'}.")
    return str(wanted)


def _contents(params: Params, ctx: Context) -> None:
    """What each specification deploys: ModelName "The name of an existing SageMaker AI model",
    BaseInferenceComponentName "The name of an existing inference component" (an adapter, which
    "uses the compute resources of the base inference component": "Omit this parameter
    [ComputeResourceRequirements] if your request is meant to create an adapter"), and a MIG
    partition ("when set, NumberOfAcceleratorDevicesRequired must be 1")."""
    for specification in _specifications(params):
        model = specification.get("ModelName")
        if model is not None:
            ctx.store.table("model").require(ctx, model)
        base = specification.get("BaseInferenceComponentName")
        if base is not None:
            found = ctx.store.table(KIND).require(ctx, base)
            if specification.get("ComputeResourceRequirements") is not None:
                raise ValidationError("An adapter inference component (BaseInferenceComponentName) uses the compute "
                                      "resources of its base component: omit ComputeResourceRequirements.")
            if params.get("EndpointName") is not None and found["EndpointName"] != params["EndpointName"]:
                raise ValidationError(f"The base inference component {base} is hosted on endpoint "
                                      f"{found['EndpointName']}, not {params['EndpointName']}.")
        if model is None and base is None and not (specification.get("Container") or {}).get("Image"):
            raise ValidationError("An inference component's specification needs a ModelName, a Container with an "
                                  "Image, or a BaseInferenceComponentName.")
        compute = specification.get("ComputeResourceRequirements") or {}
        if compute.get("AcceleratorPartitionType") is not None \
                and compute.get("NumberOfAcceleratorDevicesRequired") not in (None, 1, 1.0):
            raise ValidationError("When AcceleratorPartitionType is set, NumberOfAcceleratorDevicesRequired must "
                                  "be 1.")
        low, high = compute.get("MinMemoryRequiredInMb"), compute.get("MaxMemoryRequiredInMb")
        if low is not None and high is not None and high < low:
            raise ValidationError(f"MaxMemoryRequiredInMb ({high}) cannot be less than MinMemoryRequiredInMb ({low}).")


# -- the document as Describe answers it --------------------------------------------------------

def _deployed(specification: Document, ctx: Context) -> Document:
    """A specification as InferenceComponentSpecificationSummary describes it."""
    summary = {key: value for key, value in specification.items() if key not in ("Container", "DataCacheConfig")}
    container = specification.get("Container")
    if container is not None:
        deployed = {key: container[key] for key in ("ArtifactUrl", "Environment", "ContainerMetricsConfig")
                    if key in container}
        if container.get("Image"):
            deployed["DeployedImage"] = container_images.deployed(container["Image"], ctx)
        summary["Container"] = deployed
    cache = specification.get("DataCacheConfig")
    if cache is not None:
        summary["DataCacheConfig"] = {"EnableCaching": cache["EnableCaching"]}
    return summary


def _apply_specification(document: Document, params: Params, ctx: Context) -> None:
    """Deploy the request's specification(s); the request's own form is kept (`_specification`)
    for an update to build on."""
    if params.get("Specification") is not None:
        document["_specification"] = params["Specification"]
        document["Specification"] = _deployed(params["Specification"], ctx)
        document.pop("Specifications", None)
    elif params.get("Specifications") is not None:
        document["_specification"] = params["Specifications"]
        deployed = [_deployed(specification, ctx) for specification in params["Specifications"]]
        document["Specifications"] = deployed
        document["Specification"] = deployed[0]  # "populated when ... created with multiple specifications"


def _updated(document: Document, params: Params) -> Params:
    """An update's request as it applies: a Specification changes only what it names (the SDK's
    `update_predictor` sends the compute requirements alone, keeping the model), on top of the
    specification deployed so far."""
    update = dict(params)
    current = document.get("_specification")
    if update.get("Specification") is not None and isinstance(current, dict):
        update["Specification"] = {**current, **update["Specification"]}
    return update


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """What AWS fills in: the endpoint's ARN, the deployed specification, the copies."""
    endpoint = ctx.store.table("endpoint").require(ctx, params["EndpointName"])
    document["EndpointArn"] = endpoint["EndpointArn"]
    document["VariantName"] = _host_variant(params, ctx)
    _apply_specification(document, params, ctx)
    runtime = params.get("RuntimeConfig")
    if runtime is not None:
        document["RuntimeConfig"] = {"DesiredCopyCount": runtime["CopyCount"], "CurrentCopyCount": 0}


SPEC = {"ModelName": "churn", "ComputeResourceRequirements": {"NumberOfCpuCoresRequired": 1,
                                                               "MinMemoryRequiredInMb": 1024}}

INFERENCE_COMPONENT = Resource(
    "InferenceComponent",
    kind=KIND,
    # The messages of endpoints, whose wording AWS publishes (see docs/endpoints.md); AWS's own for
    # inference components is not published.
    missing=invalid('Could not find inference component "{arn}".'),
    duplicate=invalid('Cannot create already existing inference component "{arn}".'),
    lifecycle=LIFECYCLE,
    references={"EndpointName": "endpoint"},
    rules=(
        Rule(_one_form, "CreateInferenceComponent.Specifications: 'You can use either this parameter or the "
             "singular Specification parameter, but not both'; InferenceComponentSpecification.InstanceType: "
             "'Required when using the Specifications parameter with multiple entries'",
             claims=("but not both", "Required when using the Specifications parameter")),
        Rule(_variant, "CreateInferenceComponent.VariantName: 'The name of an existing production variant where "
             "you host the inference component'"),
        Rule(_contents, "InferenceComponentSpecification: ModelName, BaseInferenceComponentName and "
             "ComputeResourceRequirements; InferenceComponentComputeResourceRequirements.AcceleratorPartitionType",
             claims=("Specify this parameter only if your request is meant to create an adapter",
                     "you must have an existing inference component that contains the foundation model",
                     "NumberOfAcceleratorDevicesRequired must be 1")),
    ),
    on_create=_computed,
    # Describe answers these as deployed (InferenceComponentSpecificationSummary, the copies asked
    # for and running), not as the request gave them.
    not_echoed=("Specification", "Specifications", "RuntimeConfig"),
    waivers={
        "It must be one of the partition profiles declared in the target endpoint": "accelerator partition "
        "layouts of endpoints are not modelled: the profile's form is checked by the model's pattern",
        "This field is required when the endpoint's production variant has an accelerator partition layout":
        "accelerator partition layouts of endpoints are not modelled",
        "This path must point to a single gzip compressed tar archive": "nothing is downloaded: the URL is kept "
        "as given",
        "The value must be between 5% to 50% of the copy count": "the rolling update is not staged: an update "
        "completes as one step, so the batch size changes nothing",
        "The path must start with / and can contain alphanumeric characters": "no metrics are scraped: the path "
        "is kept as given, within the model's pattern and lengths",
        "PERMISSIVE The endpoint attempts to balance copies across Availability Zones": "copies are not placed "
        "on instances or zones: the scheduling configuration is kept as given",
        "This parameter applies only when the endpoint has instances across two or more Availability Zones":
        "copies are not placed on instances or zones",
        "Defines the capacity size, either as a number of inference component copies or a capacity percentage":
        "the rolling update is not staged",
    },
    example={"InferenceComponentName": "churn-ic", "EndpointName": "churn", "VariantName": "AllTraffic",
             "Specification": SPEC, "RuntimeConfig": {"CopyCount": 1}},
    example_needs=(
        ("CreateModel", {"ModelName": "churn", "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker",
                         "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1"}}),
        ("CreateEndpointConfig", {"EndpointConfigName": "churn",
                                  "ExecutionRoleArn": "arn:aws:iam::123456789012:role/sagemaker",
                                  "ProductionVariants": [{"VariantName": "AllTraffic", "InstanceType": "ml.m5.large",
                                                          "InitialInstanceCount": 1}]}),
        ("CreateEndpoint", {"EndpointName": "churn", "EndpointConfigName": "churn"}),
    ),
)


def _refuse_update(document: Document) -> None:
    def refuse(status: str, accepted: tuple[str, ...]) -> ValidationError:
        return ValidationError(f"Cannot update inference component {document['InferenceComponentArn']} while it is "
                               f"{status}: it must be {' or '.join(accepted)}.")

    LIFECYCLE.guard(document, "update", refuse)


class InferenceComponents(Backend):
    components = INFERENCE_COMPONENT.table()

    @operation
    def update_inference_component(self, params: Params, ctx: Context) -> Document:
        """A new specification, copy count or both, deployed through Updating; the rest is kept."""
        document = self.components.require(ctx, params["InferenceComponentName"])
        _refuse_update(document)
        _update_form(params, ctx)
        params = _updated(document, params)
        _contents({**params, "EndpointName": document["EndpointName"]}, ctx)
        _apply_specification(document, params, ctx)
        runtime = params.get("RuntimeConfig")
        if runtime is not None:
            self._desire(document, runtime["CopyCount"])
        if params.get("DeploymentConfig") is not None:
            document["LastDeploymentConfig"] = params["DeploymentConfig"]
        document["LastModifiedTime"] = ctx.now
        LIFECYCLE.begin(document, "update", ctx)
        return {"InferenceComponentArn": document["InferenceComponentArn"]}

    @operation
    def update_inference_component_runtime_config(self, params: Params, ctx: Context) -> Document:
        """The number of copies (DesiredRuntimeConfig.CopyCount), reached through Updating."""
        document = self.components.require(ctx, params["InferenceComponentName"])
        _refuse_update(document)
        self._desire(document, params["DesiredRuntimeConfig"]["CopyCount"])
        document["LastModifiedTime"] = ctx.now
        LIFECYCLE.begin(document, "update", ctx)
        return {"InferenceComponentArn": document["InferenceComponentArn"]}

    def _desire(self, document: Document, copies: int) -> None:
        runtime = document.setdefault("RuntimeConfig", {"CurrentCopyCount": 0})
        runtime["DesiredCopyCount"] = copies
