"""Endpoints: the hosted deployments of endpoint configurations.

An endpoint walks the status machine the model documents (EndpointStatus): created Creating ->
InService (or Failed, after `mock.fail_next("endpoint", ...)`), updated with a new configuration
or new weights and capacities Updating -> InService, deleted Deleting -> gone. Its ARN lower-cases
the name (`endpoint` is in `arns.LOWER_CASE`).

The Describe document is built from the configuration when a deployment starts: each production
(and shadow) variant becomes a ProductionVariantSummary with the images the variant's models run
(`DeployedImages`, each resolved to a sha256 digest from the seeded random source), its weight and
instance count (desired while the deployment runs, current once it is in service) or its serverless
configuration. While an UpdateEndpoint deployment runs, the endpoint keeps serving its old
configuration and shows the new one in `PendingDeploymentSummary`.

As AWS's automatic lineage tracking does for endpoints, a deployment records an `Endpoint`
context (SourceUri the endpoint ARN), a `ModelDeployment` action for the configuration, and
artifacts for the models' data (`Model`), images (`Image`) and model packages (the `Model` artifact
registration made, SourceUri the package ARN), each artifact associated with the action and the
action with the context. Artifacts are found by
SourceUri, so a training job's model output and the model deployed from it are one artifact.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from ..core import arns, service, shape, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide, tag_list
from ..core.table import Table
from . import container_images, package_lineage

Document = dict[str, Any]

ENDPOINT = "endpoint"
MONITORING_SCHEDULE = "monitoring-schedule"
INFERENCE_COMPONENT = "inference-component"
#: Statuses in which an operation on the endpoint is still running (EndpointStatus's documentation).
IN_PROGRESS = ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting")


def missing(arn: str) -> ValidationError:
    """What SageMaker answers for an endpoint that does not exist (the endpoint_deleted waiter's success)."""
    return ValidationError(f'Could not find endpoint "{arn}".')


def _entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Every status change is a modification; entering InService completes the deployment."""
    pending = document.get("_pending")
    if status == "InService":
        if pending is not None:
            _deploy(document, pending)
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            for variant in document.get(key) or ():
                _settle(variant)
    elif status == "Failed":
        document.pop("_pending", None)
        document.pop("PendingDeploymentSummary", None)
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            for variant in document.get(key) or ():
                variant.pop("VariantStatus", None)
    elif status == "Deleting":
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            for variant in document.get(key) or ():
                variant["VariantStatus"] = [{"Status": "Deleting", "StartTime": now}]


def _deploy(document: Document, pending: Document) -> None:
    """The deployment `pending` describes becomes the endpoint's (its configuration, variants, options)."""
    document.pop("_pending", None)
    document.pop("PendingDeploymentSummary", None)
    document["EndpointConfigName"] = pending["EndpointConfigName"]
    document["_variant_models"] = pending["_variant_models"]
    for key in ("ProductionVariants", "ShadowProductionVariants", "DataCaptureConfig", "LastDeploymentConfig",
                *_from_config()):
        if pending.get(key) is not None:
            document[key] = pending[key]
        else:
            document.pop(key, None)


def _settle(variant: Document) -> None:
    """A variant in service: what was desired is now current."""
    variant.pop("VariantStatus", None)
    if "DesiredWeight" in variant:
        variant["CurrentWeight"] = variant["DesiredWeight"]
    if "DesiredInstanceCount" in variant:
        variant["CurrentInstanceCount"] = variant["DesiredInstanceCount"]
        pools = variant.get("InstancePools")
        if pools:
            _distribute(pools, variant["DesiredInstanceCount"])
    if "DesiredServerlessConfig" in variant:
        variant["CurrentServerlessConfig"] = dict(variant["DesiredServerlessConfig"])


def _gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.table(ENDPOINT).remove(document)


LIFECYCLE = Lifecycle(
    resource_type=ENDPOINT,
    status_key="EndpointStatus",
    status_shape="EndpointStatus",
    paths={
        "create": ("Creating", "InService"),
        "update": ("Updating", "InService"),
        "weights": ("Updating", "InService"),
        "delete": ("Deleting", GONE),
    },
    failure_paths={"create": ("Creating", "Failed")},
    failure_key="FailureReason",
    name_key="EndpointName",
    # EndpointStatus's documentation: a Failed endpoint can only be deleted; a SystemUpdating one
    # "cannot be updated or deleted or re-scaled until it has completed"; an UpdateRollbackFailed
    # one is in service and is remedied by an update. The rest is in docs/endpoints.md.
    accepts={
        "update": ("InService", "UpdateRollbackFailed"),
        "weights": ("InService",),
        "delete": ("OutOfService", "Creating", "Updating", "RollingBack", "InService", "Failed",
                   "UpdateRollbackFailed"),
    },
    stamps_modified=True,
    on_enter=_entered,
    on_gone=_gone,
)

#: ListEndpoints: SortBy defaults to CreationTime and SortOrder to Descending; CreationTimeAfter is
#: "greater than or equal to" (the input shape's docs).
LISTING = Listing(
    sort_keys={"Name": "EndpointName", "CreationTime": "CreationTime", "Status": "EndpointStatus"},
    default_sort="CreationTime", default_order="Descending", id_key="EndpointArn", name_key="EndpointName",
    status_key="EndpointStatus", inclusive_after=True,
)


class Endpoints(Backend):
    endpoints = Table.of(ENDPOINT, arn="EndpointArn", name="EndpointName", missing=missing, lifecycle=LIFECYCLE)

    def _endpoint(self, ctx: Context, name_or_arn: str) -> Document:
        return self.endpoints.require(ctx, name_or_arn)

    # -- operations ---------------------------------------------------------------------------

    @operation
    def create_endpoint(self, params: Params, ctx: Context) -> Document:
        name = params["EndpointName"]
        arn = ctx.arn(ENDPOINT, name)
        existing = self.endpoints.get(self.endpoints.key(name))
        if existing is not None and LIFECYCLE.observe(existing, ctx):
            raise ValidationError(f'Cannot create already existing endpoint "{existing["EndpointArn"]}".')
        config = self.store.table("endpoint-config").require(ctx, params["EndpointConfigName"])
        tags.check(params.get("Tags"))
        deployment = params.get("DeploymentConfig")
        _check_deployment_config(deployment)

        pending = self._deployment(ctx, config, None, deployment, retained=())
        document: Document = {
            "EndpointName": name,
            "EndpointArn": arn,
            "EndpointConfigName": config["EndpointConfigName"],
            "CreationTime": ctx.now,
            "LastModifiedTime": ctx.now,
            "_pending": pending,
        }
        # While it is created, the endpoint shows the variants it is creating.
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            if pending.get(key):
                document[key] = [_with_status(variant, "Creating", ctx) for variant in pending[key]]
        document["PendingDeploymentSummary"] = _pending_summary(pending, "Creating", ctx)
        LIFECYCLE.begin(document, "create", ctx)
        self.endpoints.add(document, params.get("Tags"))
        self._track(ctx, document, config, pending)
        return {"EndpointArn": arn}

    @operation
    def describe_endpoint(self, params: Params, ctx: Context) -> Document:
        return self._endpoint(ctx, params["EndpointName"])

    @operation
    def list_endpoints(self, params: Params, ctx: Context) -> Document:
        page, token = LISTING.walk(self.endpoints, ctx, params)
        summary = service.shape("EndpointSummary")
        return {"Endpoints": [shape.project(document, summary) for document in page], "NextToken": token}

    @operation
    def update_endpoint(self, params: Params, ctx: Context) -> Document:
        document = self._endpoint(ctx, params["EndpointName"])
        config = self.store.table("endpoint-config").require(ctx, params["EndpointConfigName"])
        _guard(document, "update")
        arn = document["EndpointArn"]
        if arns.key("endpoint-config", config["EndpointConfigName"]) == \
                arns.key("endpoint-config", document["EndpointConfigName"]):
            raise ValidationError(f'Cannot update endpoint "{arn}" with the endpoint configuration it already uses '
                                  f'("{config["EndpointConfigName"]}"): to update an endpoint, create a new '
                                  "EndpointConfig.")
        retain_all = bool(params.get("RetainAllVariantProperties"))
        # ExcludeRetainedVariantProperties means something only "When you are updating endpoint
        # resources with RetainAllVariantProperties ... set to true"; without it AWS states no refusal.
        excluded = [item["VariantPropertyType"] for item in params.get("ExcludeRetainedVariantProperties") or ()]
        if "DataCaptureConfig" in excluded:
            raise ValidationError("VariantPropertyType DataCaptureConfig is not currently supported in "
                                  "ExcludeRetainedVariantProperties.")
        deployment = params.get("DeploymentConfig")
        _check_deployment_config(deployment)
        if params.get("RetainDeploymentConfig"):
            if deployment is not None:
                raise ValidationError("DeploymentConfig and RetainDeploymentConfig cannot both be specified: "
                                      "RetainDeploymentConfig reuses the last deployment configuration.")
            deployment = document.get("LastDeploymentConfig")
        retained = tuple(key for key in ("DesiredInstanceCount", "DesiredWeight") if key not in excluded) \
            if retain_all else ()
        # Every rule holds: start the deployment.
        pending = self._deployment(ctx, config, document, deployment, retained)
        document["_pending"] = pending
        document["PendingDeploymentSummary"] = _pending_summary(pending, "Creating", ctx)
        LIFECYCLE.begin(document, "update", ctx)
        self._track(ctx, document, config, pending)
        return {"EndpointArn": arn}

    @operation
    def update_endpoint_weights_and_capacities(self, params: Params, ctx: Context) -> Document:
        document = self._endpoint(ctx, params["EndpointName"])
        _guard(document, "weights")
        variants = {variant["VariantName"]: variant
                    for key in ("ProductionVariants", "ShadowProductionVariants")
                    for variant in document.get(key) or ()}
        desired = params["DesiredWeightsAndCapacities"]
        seen: set[str] = set()
        for item in desired:
            name = item["VariantName"]
            if name in seen:
                raise ValidationError(f'The variant name "{name}" was non-unique within the request.')
            seen.add(name)
            variant = variants.get(name)
            if variant is None:
                raise ValidationError(f'The variant name(s) "{name}" is/are not present within endpoint '
                                      f'configuration "{document["EndpointConfigName"]}".')
            _check_desired(item, variant)
        # Every rule holds: apply the desired values, in service once the update completes.
        for item in desired:
            variant = variants[item["VariantName"]]
            if item.get("DesiredWeight") is not None:
                variant["DesiredWeight"] = item["DesiredWeight"]
            if item.get("DesiredInstanceCount") is not None:
                variant["DesiredInstanceCount"] = item["DesiredInstanceCount"]
            update = item.get("ServerlessUpdateConfig")
            if update:
                variant["DesiredServerlessConfig"] = {**variant["DesiredServerlessConfig"], **update}
            variant["VariantStatus"] = [{"Status": "Updating", "StartTime": ctx.now}]
        LIFECYCLE.begin(document, "weights", ctx)
        return {"EndpointArn": document["EndpointArn"]}

    @operation
    def delete_endpoint(self, params: Params, ctx: Context) -> None:
        document = self._endpoint(ctx, params["EndpointName"])
        _guard(document, "delete")
        # The components hosted on an endpoint are deleted before it: AWS refuses the endpoint
        # while they live ("There are some underlying Models that are part of this endpoint ...
        # Once all Models are deleted, you can delete this endpoint", aws/amazon-sagemaker-feedback#143
        # and #49, where the models were inference components).
        hosted = sorted(component["InferenceComponentName"]
                        for component in self.store.table(INFERENCE_COMPONENT).values()
                        if component["EndpointName"] == document["EndpointName"])
        if hosted:
            raise ValidationError(f'Cannot delete endpoint "{document["EndpointArn"]}" while inference components '
                                  f"are hosted on it ({', '.join(hosted)}): delete them first.")
        LIFECYCLE.begin(document, "delete", ctx)
        return None

    # -- deployments --------------------------------------------------------------------------

    def _deployment(self, ctx: Context, config: Document, current: Document | None,
                    deployment: Document | None, retained: tuple[str, ...]) -> Document:
        """What the endpoint will be once the configuration is deployed (kept until InService)."""
        previous = {variant["VariantName"]: variant
                    for key in ("ProductionVariants", "ShadowProductionVariants")
                    for variant in (current or {}).get(key) or ()}
        pending: Document = {"EndpointConfigName": config["EndpointConfigName"], "StartTime": ctx.now,
                             "_variant_models": {}}
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            summaries = []
            for variant in config.get(key) or ():
                summaries.append(self._summary(ctx, variant, previous.get(variant["VariantName"]), retained))
                pending["_variant_models"][variant["VariantName"]] = list(_model_names(variant))
            pending[key] = summaries or None
        capture = config.get("DataCaptureConfig")
        if capture is not None:
            enabled = capture.get("EnableCapture", True)
            pending["DataCaptureConfig"] = {
                "EnableCapture": enabled,
                "CaptureStatus": "Started" if enabled else "Stopped",
                "CurrentSamplingPercentage": capture["InitialSamplingPercentage"],
                "DestinationS3Uri": capture["DestinationS3Uri"],
                "KmsKeyId": capture.get("KmsKeyId") or "",
            }
        pending["LastDeploymentConfig"] = deployment
        for key in _from_config():
            pending[key] = config.get(key)
        return pending

    def _summary(self, ctx: Context, variant: Document, previous: Document | None,
                 retained: tuple[str, ...]) -> Document:
        """A ProductionVariantSummary of a configuration's variant, before it is in service."""
        summary: Document = {"VariantName": variant["VariantName"],
                             "DeployedImages": self._images(ctx, variant),
                             "DesiredWeight": float(variant.get("InitialVariantWeight", 1.0))}
        serverless = variant.get("ServerlessConfig")
        if serverless is not None:
            summary["DesiredServerlessConfig"] = dict(serverless)
        else:
            summary["DesiredInstanceCount"] = variant["InitialInstanceCount"]
            # A pending deployment's summary names the instance type; an endpoint's does not.
            if variant.get("InstanceType"):
                summary["_InstanceType"] = variant["InstanceType"]
            pools = variant.get("InstancePools")
            if pools:
                summary["InstancePools"] = [{"InstanceType": pool["InstanceType"], "CurrentInstanceCount": 0}
                                            for pool in sorted(pools, key=lambda pool: pool.get("Priority", 0))]
        if previous is not None:
            if "DesiredWeight" in retained and previous.get("CurrentWeight") is not None:
                summary["DesiredWeight"] = previous["CurrentWeight"]
            if "DesiredInstanceCount" in retained and previous.get("CurrentInstanceCount") is not None \
                    and "DesiredInstanceCount" in summary:
                summary["DesiredInstanceCount"] = previous["CurrentInstanceCount"]
        if variant.get("AcceleratorType"):
            summary["_AcceleratorType"] = variant["AcceleratorType"]
        for key in _echoed_variant_members():
            if variant.get(key) is not None:
                summary[key] = variant[key]
        return summary

    def _images(self, ctx: Context, variant: Document) -> list[Document]:
        """The images the variant's models run, each resolved to a digest at deployment time."""
        deployed = []
        for container in self._containers(ctx, variant):
            image = container.get("Image")
            if image:
                deployed.append(container_images.deployed(image, ctx))
        return deployed

    def _containers(self, ctx: Context, variant: Document) -> list[Document]:
        """The containers of the variant's models; a container built from a model package runs the
        package's inference containers. A model deleted since the configuration was made runs nothing."""
        containers: list[Document] = []
        models = self.store.table("model")
        for model_name in _model_names(variant):
            model = models.get(arns.key("model", model_name))
            if model is None:
                continue
            for container in ([model["PrimaryContainer"]] if model.get("PrimaryContainer")
                              else model.get("Containers") or []):
                containers.append(container)
                package = self._package(ctx, container)
                if package is not None and not container.get("Image"):
                    containers.extend((package.get("InferenceSpecification") or {}).get("Containers") or ())
        return containers

    def _package(self, ctx: Context, container: Document) -> Document | None:
        reference = container.get("ModelPackageName")
        if not reference:
            return None
        try:
            return self.store.table("model-package").find(ctx, reference)
        except ServiceError:  # a package of another account, or one deleted since
            return None

    # -- lineage ------------------------------------------------------------------------------

    def _track(self, ctx: Context, document: Document, config: Document, pending: Document) -> None:
        """The lineage entities AWS creates for an endpoint deployment (docs/endpoints.md)."""
        lineage = self.store.owner("artifact")
        now, user = ctx.now, ctx.user_for("context")  # lineage entities: one rule for all
        stamp = int(now.timestamp())
        context = lineage.track_entity(
            "context", f"{document['EndpointName']}-{stamp}-aws-endpoint",
            {"SourceUri": document["EndpointArn"], "SourceType": "ARN"}, "Endpoint", now, user)
        action = lineage.track_entity(
            "action", f"{config['EndpointConfigName']}-{stamp}-aws-model-deployment",
            {"SourceUri": config["EndpointConfigArn"], "SourceType": "ARN"}, "ModelDeployment", now, user)
        artifacts: list[str] = []
        for key in ("ProductionVariants", "ShadowProductionVariants"):
            for variant in config.get(key) or ():
                for container in self._containers(ctx, variant):
                    for uri, kind in _container_sources(container, self._package(ctx, container)):
                        artifacts.append(lineage.track_artifact(uri, kind, now, user))
        for artifact in dict.fromkeys(artifacts):
            lineage.link(artifact, action, "ContributedTo", now, user)
        lineage.link(action, context, "AssociatedWith", now, user)


# -- module helpers ------------------------------------------------------------------------------

def _guard(document: Document, trigger: str) -> None:
    """Refuse `trigger` unless the endpoint is in a status it is accepted from."""
    arn = document["EndpointArn"]
    verb = "delete" if trigger == "delete" else "update"

    def refuse(status: str, accepted: tuple[str, ...]) -> ValidationError:
        if status in IN_PROGRESS:
            return ValidationError(f'Cannot {verb} in-progress endpoint "{arn}".')
        if status == "Failed":
            return ValidationError(f'Cannot {verb} failed endpoint "{arn}": DeleteEndpoint is the only operation '
                                   "that can be performed on a failed endpoint.")
        return ValidationError(f'Cannot {verb} endpoint "{arn}" in status {status}; it must be in '
                               f"{' or '.join(accepted)}.")

    LIFECYCLE.guard(document, trigger, refuse)


def _check_deployment_config(deployment: Document | None) -> None:
    """DeploymentConfig: "Only one update policy should be used in the deployment configuration.\""""
    if deployment and deployment.get("BlueGreenUpdatePolicy") and deployment.get("RollingUpdatePolicy"):
        raise ValidationError("DeploymentConfig can specify either BlueGreenUpdatePolicy or RollingUpdatePolicy, "
                              "not both.")


def _check_desired(item: Document, variant: Document) -> None:
    """One DesiredWeightAndCapacity against the variant it names."""
    name = item["VariantName"]
    update = item.get("ServerlessUpdateConfig")  # (an item that asks for nothing changes nothing)
    serverless = variant.get("DesiredServerlessConfig")
    if serverless is not None and item.get("DesiredInstanceCount") is not None:
        raise ValidationError(f"Variant {name} is serverless: it has no instance count to update "
                              "(use ServerlessUpdateConfig).")
    if update:
        if serverless is None:
            raise ValidationError(f"Variant {name} is not serverless: ServerlessUpdateConfig does not apply.")
        merged = {**serverless, **update}
        provisioned = merged.get("ProvisionedConcurrency")
        if provisioned is not None and provisioned > merged["MaxConcurrency"]:
            raise ValidationError(f"Variant {name}: ProvisionedConcurrency ({provisioned}) must be less than or equal "
                                  f"to MaxConcurrency ({merged['MaxConcurrency']}).")


def _with_status(variant: Document, status: str, ctx: Context) -> Document:
    return {**variant, "VariantStatus": [{"Status": status, "StartTime": ctx.now}]}


def _pending_variant(variant: Document, status: str, ctx: Context) -> Document:
    """A PendingProductionVariantSummary: the variant being deployed, with its instance type."""
    pending = _with_status(variant, status, ctx)
    for key in ("InstanceType", "AcceleratorType"):
        if variant.get("_" + key):
            pending[key] = variant["_" + key]
    return shape.project(pending, service.shape("PendingProductionVariantSummary"))


def _pending_summary(pending: Document, status: str, ctx: Context) -> Document:
    """PendingDeploymentSummary: the configuration being deployed and its variants."""
    summary: Document = {"EndpointConfigName": pending["EndpointConfigName"], "StartTime": pending["StartTime"]}
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        if pending.get(key):
            summary[key] = [_pending_variant(variant, status, ctx) for variant in pending[key]]
    return summary


def _distribute(pools: list[Document], count: int) -> None:
    """Instances go to the pool of highest priority (the first); the others hold none."""
    for index, pool in enumerate(pools):
        pool["CurrentInstanceCount"] = count if index == 0 else 0


def _model_names(variant: Document) -> Iterable[str]:
    if variant.get("ModelName"):
        yield variant["ModelName"]
    for pool in variant.get("InstancePools") or ():
        if pool.get("ModelNameOverride"):
            yield pool["ModelNameOverride"]


def _container_sources(container: Document, package: Document | None) -> Iterable[tuple[str, str]]:
    """(SourceUri, ArtifactType) of the artifacts AWS tracks for a deployed container: the model
    package it runs first (the artifact its registration made: `Model`, SourceUri the package ARN),
    then its model data (`Model`) and image (`Image`)."""
    if container.get("ModelPackageName"):
        yield (package["ModelPackageArn"] if package else container["ModelPackageName"]), \
            package_lineage.PACKAGE_ARTIFACT_TYPE
    data = package_lineage.model_data(container)
    if data:
        yield data, "Model"
    if container.get("Image"):
        yield container["Image"], "Image"


@functools.cache
def _from_config() -> tuple[str, ...]:
    """Members DescribeEndpoint shows as the configuration has them (AsyncInferenceConfig, ...)."""
    described = service.operation("DescribeEndpoint").output_shape.members
    config = service.operation("DescribeEndpointConfig").output_shape.members
    return tuple(name for name, member in described.items()
                 if name in config and config[name].name == member.name
                 and name not in ("EndpointConfigName", "CreationTime"))


@functools.cache
def _echoed_variant_members() -> tuple[str, ...]:
    """ProductionVariant members a ProductionVariantSummary repeats (ManagedInstanceScaling, ...)."""
    summary = service.shape("ProductionVariantSummary").members
    return tuple(name for name, member in service.shape("ProductionVariant").members.items()
                 if name in summary and name != "VariantName" and _same_shape(summary[name], member))


def _same_shape(first: Any, second: Any) -> bool:
    """Two members of one shape, or lists of one element shape."""
    if first.type_name == "list" and second.type_name == "list":
        return bool(first.member.name == second.member.name)
    return bool(first.name == second.name)


def _monitoring_schedules(store: Any, document: Document) -> list[Document]:
    """An endpoint record's `MonitoringSchedules` (the Endpoint shape of Search: "A list of
    monitoring schedules for the endpoint"): the schedules that monitor it, oldest first, each as
    DescribeMonitoringSchedule answers it, with its tags."""
    member = service.shape("MonitoringSchedule")
    schedules = [schedule for schedule in store.table(MONITORING_SCHEDULE).values()
                 if schedule.get("EndpointName") == document["EndpointName"]]
    schedules.sort(key=lambda schedule: (schedule["CreationTime"], schedule.get("_seq", 0)))
    return [{**shape.project(schedule, member),
             "Tags": tag_list(store.tags.get(schedule["MonitoringScheduleArn"]))} for schedule in schedules]


provide(Provider("Endpoint", "Endpoint", "EndpointArn",
                 lambda store: store.table(ENDPOINT).values(), LIFECYCLE,
                 {"Tags": own_tags("EndpointArn"), "MonitoringSchedules": _monitoring_schedules},
                 family="Endpoints", kind="endpoint", related=("MonitoringSchedules", MONITORING_SCHEDULE),
                 table=ENDPOINT))
