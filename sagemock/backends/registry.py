"""The model registry: model package groups and the model packages (versions) they hold.

Versioned packages live in a group and are numbered 1, 2, 3 ... in creation order (numbers are
never reused); unversioned packages stand alone under their own name. Every package and group is
kept as its Describe document; List and BatchDescribe project from it.
"""
from __future__ import annotations

from typing import Any

from ..core import arns, policies, service, shape, tags, updates
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.searchable import Provider, own_tags, provide
from ..core.state import Store
from ..core.table import Table
from . import package_lineage
from .card_content import metadata_only
from .validation_status import follow_status

Document = dict[str, Any]


def _package_entered(document: Document, status: str, store: Any, now: Any) -> None:
    """Validation and image scans follow the package's status (validation is skipped on request)."""
    follow_status(document["ModelPackageStatusDetails"]["ValidationStatuses"], status,
                  document.get("_failure_reason", "Model package validation failed."))


GROUP_LIFECYCLE = Lifecycle(
    resource_type="model-package-group",
    status_key="ModelPackageGroupStatus",
    status_shape="ModelPackageGroupStatus",
    paths={"create": ("Pending", "InProgress", "Completed"), "delete": ("Deleting", GONE)},
)
PACKAGE_LIFECYCLE = Lifecycle(
    resource_type="model-package",
    status_key="ModelPackageStatus",
    status_shape="ModelPackageStatus",
    paths={"create": ("Pending", "InProgress", "Completed")},
    failure_paths={"create": ("Pending", "InProgress", "Failed")},
    failure_key=None,
    name_key="ModelPackageName",
    on_enter=_package_entered,
)

GROUP_LISTING = Listing(
    sort_keys={"Name": "ModelPackageGroupName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="ModelPackageGroupArn",
    name_key="ModelPackageGroupName",
)
PACKAGE_LISTING = Listing(
    sort_keys={"Name": "ModelPackageName", "CreationTime": "CreationTime"},
    default_sort="CreationTime", default_order="Ascending", id_key="ModelPackageArn",
    name_key="ModelPackageName",
)

#: Members of CreateModelPackage kept verbatim in the package's document.
_PACKAGE_MEMBERS = (
    "ModelPackageDescription", "ModelPackageRegistrationType", "InferenceSpecification",
    "SourceAlgorithmSpecification", "ValidationSpecification", "CertifyForMarketplace",
    "MetadataProperties", "ModelMetrics", "Domain", "Task", "SamplePayloadUrl",
    "CustomerMetadataProperties", "DriftCheckBaselines", "AdditionalInferenceSpecifications",
    "SkipModelValidation", "SourceUri", "SecurityConfig", "ModelCard", "ModelLifeCycle",
    "ManagedStorageType",
)


class Registry(Backend):
    groups = Table.of("model-package-group", arn="ModelPackageGroupArn", name="ModelPackageGroupName",
                      missing=lambda arn: ValidationError(f"ModelPackageGroup {arn} does not exist."),
                      lifecycle=GROUP_LIFECYCLE)
    #: By what the ARN ends in: the name of an unversioned package, `group/version` of a versioned one.
    packages = Table.of("model-package", arn="ModelPackageArn", name="ModelPackageName",
                        missing=lambda arn: ValidationError(f"ModelPackage {arn} does not exist."),
                        lifecycle=PACKAGE_LIFECYCLE)

    def __init__(self, store: Any):
        super().__init__(store)
        self.next_version: dict[str, int] = {}
        self.policies: dict[str, str] = {}

    # -- model package groups ---------------------------------------------------------------

    def _group(self, ctx: Context, name_or_arn: str, missing: str | None = None) -> Document:
        if missing is None:
            return self.groups.require(ctx, name_or_arn)
        found = self.groups.find(ctx, name_or_arn)
        if found is None:
            raise ValidationError(missing.format(arn=ctx.arn_for("model-package-group", name_or_arn)))
        return found

    @operation
    def create_model_package_group(self, params: Params, ctx: Context) -> Document:
        name = params["ModelPackageGroupName"]
        arn = ctx.arn("model-package-group", name)
        if name in self.groups:
            raise ValidationError(f"Model Package Group already exists: {arn}")
        tags.check(params.get("Tags"))
        document: Document = {
            "ModelPackageGroupName": name,
            "ModelPackageGroupArn": arn,
            "ModelPackageGroupDescription": params.get("ModelPackageGroupDescription"),
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for("model-package-group"),
            "ManagedConfiguration": params.get("ManagedConfiguration"),
        }
        GROUP_LIFECYCLE.begin(document, "create", ctx)
        self.groups.add(document, params.get("Tags"))
        self.next_version[name] = 1
        return {"ModelPackageGroupArn": arn}

    @operation
    def describe_model_package_group(self, params: Params, ctx: Context) -> Document:
        return self._group(ctx, params["ModelPackageGroupName"])

    @operation
    def list_model_package_groups(self, params: Params, ctx: Context) -> Document:
        if params.get("CrossAccountFilterOption") == "CrossAccount":
            # "the resources made discoverable to you from other accounts": sharing goes through AWS
            # RAM, which sagemock does not model, so none are (as Search answers for the same option).
            return {"ModelPackageGroupSummaryList": []}
        page, token = GROUP_LISTING.walk(self.groups, ctx, params)
        summary = service.shape("ModelPackageGroupSummary")
        return {"ModelPackageGroupSummaryList": [shape.project(document, summary) for document in page],
                "NextToken": token}

    @operation
    def delete_model_package_group(self, params: Params, ctx: Context) -> None:
        document = self._group(ctx, params["ModelPackageGroupName"])
        name = document["ModelPackageGroupName"]
        if any(package.get("ModelPackageGroupName") == name for package in self.packages.values()):
            raise ConflictError(
                f"Model Package Group {document['ModelPackageGroupArn']} cannot be deleted because it still "
                "contains model packages. Delete its model packages first."
            )
        GROUP_LIFECYCLE.begin(document, "delete", ctx)
        return None

    def _remove_group(self, document: Document) -> None:
        name = document["ModelPackageGroupName"]
        self.policies.pop(name, None)
        self.groups.remove(document)

    @operation
    def put_model_package_group_policy(self, params: Params, ctx: Context) -> Document:
        document = self._group(ctx, params["ModelPackageGroupName"], "Cannot find Model Package Group: {arn}")
        policy = params["ResourcePolicy"]
        policies.check(policy)
        self.policies[document["ModelPackageGroupName"]] = policy
        return {"ModelPackageGroupArn": document["ModelPackageGroupArn"]}

    @operation
    def get_model_package_group_policy(self, params: Params, ctx: Context) -> Document:
        document = self._group(ctx, params["ModelPackageGroupName"], "Cannot find Model Package Group: {arn}")
        policy = self.policies.get(document["ModelPackageGroupName"])
        if policy is None:
            raise ValidationError(f"Cannot find resource policy for: {document['ModelPackageGroupArn']}")
        return {"ResourcePolicy": policy}

    @operation
    def delete_model_package_group_policy(self, params: Params, ctx: Context) -> None:
        document = self._group(ctx, params["ModelPackageGroupName"], "Cannot find Model Package Group: {arn}")
        if self.policies.pop(document["ModelPackageGroupName"], None) is None:
            raise ValidationError(f"Cannot find resource policy for: {document['ModelPackageGroupArn']}")
        return None

    # -- model packages ---------------------------------------------------------------------

    def package(self, ctx: Context, name_or_arn: str) -> Document:
        """The model package a request names (by name, ARN or versioned ARN)."""
        return self.packages.require(ctx, name_or_arn)

    @operation
    def create_model_package(self, params: Params, ctx: Context) -> Document:
        name = params.get("ModelPackageName")
        group_ref = params.get("ModelPackageGroupName")
        if name and group_ref:
            raise ValidationError("Both ModelPackageName and ModelPackageGroupName are provided in the input. "
                                  "Cannot determine which one to use.")
        if not name and not group_ref:
            raise ValidationError("Missing ARN")
        self._check_package_request(params, versioned=bool(group_ref), ctx=ctx)
        document: Document = {key: params[key] for key in _PACKAGE_MEMBERS if key in params}
        if group_ref:
            group = self._group(ctx, group_ref)
            group_name = group["ModelPackageGroupName"]
            version = self.next_version[group_name]
            resource = f"{group_name}/{version}"
            document.update({
                "ModelPackageName": group_name,
                "ModelPackageGroupName": group_name,
                "ModelPackageVersion": version,
                "ModelApprovalStatus": params.get("ModelApprovalStatus") or "PendingManualApproval",
            })
        else:
            resource = str(name)
            if resource in self.packages:
                raise ValidationError(f"ModelPackage already exists: {ctx.arn('model-package', resource)}")
            document["ModelPackageName"] = name
        arn = ctx.arn("model-package", resource)
        skip_validation = params.get("SkipModelValidation") == "All"
        profiles = (params.get("ValidationSpecification") or {}).get("ValidationProfiles") or []
        document.update({
            "ModelPackageArn": arn,
            "CreationTime": ctx.now,
            "CreatedBy": ctx.user_for("model-package"),
            "LastModifiedTime": ctx.now,
            "LastModifiedBy": ctx.user_for("model-package"),
            "ModelPackageStatusDetails": {
                "ValidationStatuses": [] if skip_validation else
                [{"Name": profile["ProfileName"], "Status": "NotStarted"} for profile in profiles],
                "ImageScanStatuses": [],
            },
        })
        PACKAGE_LIFECYCLE.begin(document, "create", ctx)
        if group_ref:
            self.next_version[document["ModelPackageGroupName"]] += 1
        self.packages.add(document, params.get("Tags"))
        package_lineage.track(ctx, document)
        return {"ModelPackageArn": arn}

    def _check_package_request(self, params: Params, versioned: bool, ctx: Context) -> None:
        """The rules CreateModelPackage has beyond its input shape."""
        tags.check(params.get("Tags"))
        if versioned and params.get("Tags"):
            raise ValidationError("Tags cannot be specified for a versioned model package: it uses the tags "
                                  "of its model package group.")
        # A package needs none of InferenceSpecification, SourceAlgorithmSpecification and SourceUri:
        # the SageMaker SDK registers one without them (`get_create_model_package_request` with no
        # containers; `create_model_package_from_containers` sets SourceUri by a later update) and
        # adds the inference specification later (`ModelPackage.update_inference_specification`).
        inference = params.get("InferenceSpecification")
        source = params.get("SourceAlgorithmSpecification")
        if inference and not versioned:
            for key in ("SupportedTransformInstanceTypes", "SupportedRealtimeInferenceInstanceTypes"):
                if not inference.get(key):
                    raise ValidationError(f"{key} is required for unversioned model packages.")
            if any(container.get("Environment") for container in inference["Containers"]):
                raise ValidationError("1 validation errors detected:Environment variable map cannot be specified "
                                      "when using non-versioned ModelPackages")
        _check_additional_specifications(params.get("AdditionalInferenceSpecifications") or [])
        if source:
            for named in source["SourceAlgorithms"]:
                ctx.store.table("algorithm").require_own(ctx, named["AlgorithmName"])

    @operation
    def describe_model_package(self, params: Params, ctx: Context) -> Document:
        document = self.package(ctx, params["ModelPackageName"])
        card = document.get("ModelCard")
        if params.get("IncludedData") == "MetadataOnly" and card and card.get("ModelCardContent") is not None:
            # "the embedded ModelCard.ModelCardContent sanitized to include only a small set of unencrypted
            # metadata fields ... All other top-level response fields ... are returned unchanged."
            return {**document, "ModelCard": {**card, "ModelCardContent": metadata_only(card["ModelCardContent"])}}
        return document

    @operation
    def list_model_packages(self, params: Params, ctx: Context) -> Document:
        group_ref = params.get("ModelPackageGroupName")
        kind = params.get("ModelPackageType") or ("Versioned" if group_ref else "Unversioned")
        group_name = arns.resolve(group_ref, "model-package-group", ctx.region, ctx.account) if group_ref else None
        if group_ref and group_name is None:  # a group ARN of another account names nothing here
            return {"ModelPackageSummaryList": []}
        approval = params.get("ModelApprovalStatus")

        def selected(document: Document) -> bool:
            versioned = "ModelPackageGroupName" in document
            if kind == "Versioned" and not versioned or kind == "Unversioned" and versioned:
                return False
            if group_ref and document.get("ModelPackageGroupName") != group_name:
                return False
            return not approval or document.get("ModelApprovalStatus") == approval

        page, token = PACKAGE_LISTING.walk(self.packages, ctx, params, [selected])
        return {"ModelPackageSummaryList": [_summary(document) for document in page], "NextToken": token}

    @operation
    def update_model_package(self, params: Params, ctx: Context) -> Document:
        document = self.package(ctx, params["ModelPackageArn"])
        additional = params.get("AdditionalInferenceSpecificationsToAdd") or []
        merged_additional = (document.get("AdditionalInferenceSpecifications") or []) + additional
        cap = service.max_of("AdditionalInferenceSpecifications")
        if len(merged_additional) > cap:
            raise ValidationError(f"The total number of AdditionalInferenceSpecifications cannot exceed {cap}.")
        _check_additional_specifications(merged_additional)
        metadata = updates.merged_map(document.get("CustomerMetadataProperties"),
                                      params.get("CustomerMetadataProperties"),
                                      params.get("CustomerMetadataPropertiesToRemove"),
                                      service.max_of("CustomerMetadataMap"), "CustomerMetadataProperties",
                                      "CustomerMetadataPropertiesToRemove", "A model package")
        for key in ("ModelApprovalStatus", "ApprovalDescription", "ModelPackageRegistrationType",
                    "InferenceSpecification", "SourceUri", "ModelCard", "ModelLifeCycle"):
            if key in params:
                document[key] = params[key]
        if "ModelPackageGroupName" not in document:
            # ModelApprovalStatus "does not apply to unversioned models" (CreateModelPackage): ignored,
            # as CreateModelPackage ignores it (the SageMaker SDK always sends one).
            document.pop("ModelApprovalStatus", None)
        if additional:
            document["AdditionalInferenceSpecifications"] = merged_additional
        if metadata is not None:
            document["CustomerMetadataProperties"] = metadata or None
        updates.touch(document, ctx, "model-package")
        if "InferenceSpecification" in params or additional:  # containers added: their artifacts join
            package_lineage.track(ctx, document)
        return {"ModelPackageArn": document["ModelPackageArn"]}

    @operation
    def delete_model_package(self, params: Params, ctx: Context) -> None:
        document = self.package(ctx, params["ModelPackageName"])
        self.packages.remove(document)
        return None

    @operation
    def batch_describe_model_package(self, params: Params, ctx: Context) -> Document:
        summaries: dict[str, Document] = {}
        failures: dict[str, Document] = {}
        for arn in params["ModelPackageArnList"]:
            parsed = arns.parse(arn)
            document = None
            if parsed and parsed.resource_type == "model-package" and (parsed.region, parsed.account) == (
                    ctx.region, ctx.account):
                document = self.packages.get(parsed.resource)
            if document is None:
                failures[arn] = {"ErrorCode": "ValidationException",
                                 "ErrorResponse": f"ModelPackage {arn} does not exist."}
            elif "ModelPackageGroupName" not in document or "InferenceSpecification" not in document:
                failures[arn] = {"ErrorCode": "ValidationException",
                                 "ErrorResponse": f"ModelPackage {arn} is not a versioned model package with an "
                                                  "InferenceSpecification."}
            else:
                PACKAGE_LIFECYCLE.observe(document, ctx)
                summaries[arn] = shape.project(document, service.shape("BatchDescribeModelPackageSummary"))
        return {"ModelPackageSummaries": summaries, "BatchDescribeModelPackageErrorMap": failures}


def _summary(document: Document) -> Document:
    summary = shape.project(document, service.shape("ModelPackageSummary"))
    if "ModelPackageGroupName" in document:
        summary.pop("ModelPackageName", None)  # AWS lists versions by group, version and ARN only
    return summary


def _check_additional_specifications(specifications: list[Document]) -> None:
    names = [specification["Name"] for specification in specifications]
    if len(set(names)) != len(names):
        raise ValidationError("AdditionalInferenceSpecifications names must be unique within a model package.")


def _group_gone(document: Document, status: str, store: Any, now: Any) -> None:
    store.backend(Registry)._remove_group(document)


GROUP_LIFECYCLE.on_gone = _group_gone


def _package_tags(store: Store, document: Document) -> dict[str, str]:
    """A versioned package carries its group's tags (it cannot be created with its own), with any
    tag added to the version itself over them."""
    own = store.tags.get(document["ModelPackageArn"]) or {}
    group = document.get("ModelPackageGroupName")
    if not group:
        return own
    group_arn = arns.build(store.region, store.account, "model-package-group", group)
    return {**(store.tags.get(group_arn) or {}), **own}


provide(Provider("ModelPackage", "ModelPackage", "ModelPackageArn",
                 lambda store: store.table("model-package").values(), PACKAGE_LIFECYCLE,
                 {"Tags": _package_tags}, family="Registry", kind="model-package", table="model-package"))
provide(Provider("ModelPackageGroup", "ModelPackageGroup", "ModelPackageGroupArn",
                 lambda store: store.table("model-package-group").values(), GROUP_LIFECYCLE,
                 {"Tags": own_tags("ModelPackageGroupArn")}, family="Registry",
                 kind="model-package-group", table="model-package-group"))
