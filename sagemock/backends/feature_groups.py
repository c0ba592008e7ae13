"""Feature groups and feature metadata: the control plane of SageMaker Feature Store.

A declared resource (`core.resource`): CreateFeatureGroup, ListFeatureGroups and DeleteFeatureGroup
are derived from the model; DescribeFeatureGroup (its `NextToken`), UpdateFeatureGroup (an
asynchronous change with its own status, `LastUpdateStatus`) and the feature metadata operations
(a sub-resource keyed by group and feature name, which the engine's one-name key cannot express)
are written here.

A group is Creating, then Created (or CreateFailed); Delete goes through Deleting (or ends in
DeleteFailed). An update is a second, nested status machine on the group's `LastUpdateStatus`:
InProgress, then Successful (the change is applied) or Failed (it is not). `FeatureGroupLifecycle`
reads the nested one wherever the group is read, so every mode of transition (`instant`, `reads`,
`seconds`) moves both, and `mock.fail_next("feature-group/update")` fails the next update.

What AWS fills in and this module computes: the offline store's `ResolvedOutputS3Uri` at creation,
the Glue table AWS names (`DataCatalogConfig`) and `OfflineStoreStatus` once the group is Created,
the documented defaults (`EnableOnlineStore`, `DisableGlueTableCreation`, the on-demand
`ThroughputConfig`), and each feature's metadata. The rules, each with its source, are in
docs/feature-store.md. Records themselves (PutRecord, GetRecord ...) belong to the
`sagemaker-featurestore-runtime` service, answered by `feature_store_runtime` against these groups
(docs/feature-store-runtime.md).
"""
from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Sequence
from typing import Any

from ..core import pagination, service
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ResourceInUse, ResourceLimitExceeded, ResourceNotFound, ServiceError, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.resource import Resource, Rule
from ..core.searchable import Provider, own_tags, provide
from ..core.state import State, Store

Document = dict[str, Any]

KIND = "feature-group"
UPDATE_KIND = "feature-group/update"
#: The statuses a group takes an update in (the ACK controller's "FeatureGroup in Creating state
#: cannot be modified or deleted", aws-controllers-k8s/sagemaker-controller feature_group tests).
UPDATABLE = ("Created",)
#: "Maximum number of concurrent feature group creation workflows: 4" (feature-store-quotas.html).
CONCURRENT_CREATIONS = 4
#: "Max Read/Write Capacity Units (RCU/WCU) that can be provisioned on a single feature group:
#: 40000", "... across all feature groups in a region: 80000" (feature-store-quotas.html).
GROUP_CAPACITY, REGION_CAPACITY = 40_000, 80_000
#: The Glue database and catalog of the tables Feature Store creates (real DescribeFeatureGroup
#: answers: sagemaker-python-sdk's feature_processor lineage test_constants.py, 2023).
DATABASE, CATALOG = "sagemaker_featurestore", "AwsDataCatalog"
_CAPACITIES = ("ProvisionedReadCapacityUnits", "ProvisionedWriteCapacityUnits")


# -- what the model's documentation states ----------------------------------------------------------

@functools.cache
def reserved_names() -> frozenset[str]:
    """FeatureDefinition.FeatureName: "FeatureName cannot be any of the following: is_deleted,
    write_time, api_invocation_time" (read from the installed model)."""
    doc = service.shape("FeatureDefinition").members["FeatureName"].documentation or ""
    found = re.search(r"cannot be any of the following:(.*?)\.?</p>", doc)
    if found is None:
        raise LookupError("the model no longer lists the reserved feature names")
    return frozenset(re.findall(r"<code>(\w+)</code>", found.group(1)))


@functools.cache
def event_time_types() -> frozenset[str]:
    """CreateFeatureGroup.EventTimeFeatureName: "An EventTime can be a String or Fractional"."""
    doc = service.operation("CreateFeatureGroup").input_shape.members["EventTimeFeatureName"].documentation or ""
    found = re.search(r"EventTime</code> can be a <code>(\w+)</code> or <code>(\w+)</code>", doc)
    if found is None:
        raise LookupError("the model no longer states the event time feature's types")
    return frozenset(found.groups())


def max_features() -> int:
    """"You can create up to 2,500 FeatureDefinitions per FeatureGroup" (the shape's max)."""
    return int(service.shape("FeatureDefinitions").metadata["max"])


def max_parameters() -> int:
    return int(service.shape("FeatureParameters").metadata["max"])


# -- the rules of a group's definition ----------------------------------------------------------------

def _online(config: Document | None) -> bool:
    return bool(config and config.get("EnableOnlineStore"))


def _storage_type(config: Document | None) -> str | None:
    """The online store's storage type (`Standard` by default: feature-store-storage-configurations-
    online-store.html, "Standard is the default storage type"); None without an online store."""
    if config is None or not _online(config):
        return None
    return config.get("StorageType") or "Standard"


def _check_features(definitions: Sequence[Document], storage: str | None, where: str,
                    existing: Sequence[Document] = ()) -> None:
    """Names unique and not reserved; collection types only where AWS supports them."""
    seen = {feature["FeatureName"] for feature in existing}
    reserved = reserved_names()
    vectors = sum(1 for feature in existing if feature.get("CollectionType") == "Vector")
    for feature in definitions:
        name = feature["FeatureName"]
        if name in reserved:
            raise ValidationError(f"{where}: {name} is a reserved feature name. FeatureName cannot be any of the "
                                  f"following: {', '.join(sorted(reserved))}.")
        if name in seen:
            raise ValidationError(f"{where}: the feature name {name} is used more than once. Feature names must be "
                                  "unique within a feature group.")
        seen.add(name)
        collection = feature.get("CollectionType")
        vector = (feature.get("CollectionConfig") or {}).get("VectorConfig")
        if collection is None:
            if vector is not None:
                raise ValidationError(f"{where}: feature {name} has a CollectionConfig but no CollectionType.")
            continue
        if storage != "InMemory":
            raise ValidationError(f"{where}: feature {name} is a {collection} collection. Only InMemory online "
                                  "store feature groups support collection types.")
        if collection == "Vector":
            vectors += 1
            if feature["FeatureType"] != "Fractional":
                raise ValidationError(f"{where}: the Vector feature {name} must have elements of the Fractional "
                                      "feature type.")
            if vector is None:
                raise ValidationError(f"{where}: the Vector feature {name} needs CollectionConfig.VectorConfig with "
                                      "its Dimension.")
            if vectors > 1:
                raise ValidationError(f"{where}: you may only have one Vector collection type per InMemory feature "
                                      "group.")
        elif vector is not None:
            raise ValidationError(f"{where}: feature {name} is a {collection}; VectorConfig is for Vector features "
                                  "only.")


def _check_definition(params: Params, ctx: Context) -> None:
    """What CreateFeatureGroup states of the features in prose."""
    online, offline = params.get("OnlineStoreConfig"), params.get("OfflineStoreConfig")
    definitions = params["FeatureDefinitions"]
    _check_features(definitions, _storage_type(online), "FeatureDefinitions")
    by_name = {feature["FeatureName"]: feature for feature in definitions}
    identifier = params["RecordIdentifierFeatureName"]
    if identifier not in by_name:
        raise ValidationError(f"The RecordIdentifierFeatureName {identifier} must be one of the feature definitions' "
                              "names.")
    event_time = params["EventTimeFeatureName"]
    feature = by_name.get(event_time)
    if feature is None:
        raise ValidationError(f"The EventTimeFeatureName {event_time} must be one of the feature definitions' names.")
    allowed = event_time_types()
    kind = feature["FeatureType"] if not feature.get("CollectionType") else f"{feature['CollectionType']} collection"
    if kind not in allowed:
        raise ValidationError(f"The EventTimeFeatureName {event_time} is a {kind} feature: an EventTime can be a "
                              f"{' or '.join(sorted(allowed))}.")
    if offline is not None and offline.get("TableFormat") == "Iceberg" and feature["FeatureType"] != "String":
        raise ValidationError(f"The EventTimeFeatureName {event_time} is {feature['FeatureType']}: for feature groups "
                              "in the Iceberg table format, you can only use String type for the event time.")


def _check_stores(params: Params, ctx: Context) -> None:
    """At least one store; the combinations of stores and throughput AWS does not support."""
    online, offline = params.get("OnlineStoreConfig"), params.get("OfflineStoreConfig")
    if online is None and offline is None:
        raise ValidationError("You must include at least one of OnlineStoreConfig and OfflineStoreConfig to create a "
                              "FeatureGroup.")
    storage = _storage_type(online)
    if storage == "InMemory" and offline is not None:
        raise ValidationError("An online store feature group with the InMemory storage type does not support an "
                              "offline store (no online to offline replication): remove OfflineStoreConfig.")
    _check_ttl(online, removable=False)
    if offline is not None and offline.get("TableFormat") == "Iceberg" and offline.get("DisableGlueTableCreation"):
        raise ValidationError("The Iceberg table format is only supported when DisableGlueTableCreation is set to "
                              "False.")
    throughput = params.get("ThroughputConfig")
    if throughput is not None:
        _check_throughput(throughput, storage, ctx, None)


def _check_ttl(config: Document | None, *, removable: bool) -> None:
    ttl = (config or {}).get("TtlDuration")
    if ttl is None:
        return
    given = [member for member in ("Unit", "Value") if ttl.get(member) is not None]
    if len(given) == 1 or (not given and not removable):
        raise ValidationError("TtlDuration needs both its Unit and its Value"
                              + (" (or neither, to remove the default TtlDuration)." if removable else "."))


def _check_throughput(throughput: Document, storage: str | None, ctx: Context, document: Document | None) -> None:
    """ThroughputConfig: "PROVISIONED throughput mode is supported only for feature groups that are
    offline-only, or use the Standard tier online store", and the capacity quotas."""
    current = (document or {}).get("ThroughputConfig") or {}
    mode = throughput.get("ThroughputMode") or current.get("ThroughputMode")
    if mode != "Provisioned":
        return
    if storage == "InMemory":
        raise ValidationError("PROVISIONED throughput mode is supported only for feature groups that are offline-only, "
                              "or use the Standard tier online store.")
    for member in _CAPACITIES:
        units = throughput.get(member, current.get(member)) or 0
        if units > GROUP_CAPACITY:
            raise ResourceLimitExceeded(f"{member} of {units} exceeds the {GROUP_CAPACITY} capacity units that can be "
                                        "provisioned on a single feature group.")
        others = sum(((other.get("ThroughputConfig") or {}).get(member) or 0)
                     for other in ctx.store.table(KIND).values()
                     if other is not document and (other.get("ThroughputConfig") or {}).get("ThroughputMode")
                     == "Provisioned")
        if others + units > REGION_CAPACITY:
            raise ResourceLimitExceeded(f"{member}: {others + units} capacity units would be provisioned across the "
                                        f"feature groups of this region; at most {REGION_CAPACITY} can be.")


def _check_parallel_creations(params: Params, ctx: Context) -> None:
    """The quota on feature groups being created at once, in AWS's words (a 2024 transcript quoted by
    SuperCowPowers/workbench docs/aws_setup/aws_limits.md)."""
    family = ctx.store.backend(FeatureGroups)
    table = family.groups
    for key in list(family.creating):  # brought up to date: reading a group may move it on
        document = table.get(key)
        if document is None or not LIFECYCLE.observe(document, ctx):
            family.creating.pop(key, None)
    creating = len(family.creating)
    if creating >= CONCURRENT_CREATIONS:
        raise ResourceLimitExceeded(
            "The account-level service limit 'Maximum number of feature group creation workflows executing in "
            f"parallel' is {CONCURRENT_CREATIONS} FeatureGroups, with current utilization of {creating} FeatureGroups "
            "and a request delta of 1 FeatureGroups. Please use AWS Service Quotas to request an increase for this "
            "quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.")


# -- what AWS fills in --------------------------------------------------------------------------------

def _epoch(document: Document) -> int:
    return int(document["CreationTime"].timestamp())


def _computed(document: Document, params: Params, ctx: Context) -> None:
    """The defaults the model documents, the offline store's resolved S3 path, feature metadata."""
    # LastModifiedTime is "when the feature group was last updated": real answers of groups never
    # updated carry none (sagemaker-python-sdk's lineage test_constants.py, 2023).
    document.pop("LastModifiedTime", None)
    online = document.get("OnlineStoreConfig")
    if online is not None:
        online.setdefault("EnableOnlineStore", False)  # "The default value is False."
    # "The On-demand (default) throughput mode" (feature-store-throughput-mode.html).
    document.setdefault("ThroughputConfig", {"ThroughputMode": "OnDemand"})
    offline = document.get("OfflineStoreConfig")
    if offline is not None:
        offline.setdefault("DisableGlueTableCreation", False)  # "The default value is False."
        storage = offline["S3StorageConfig"]
        # "<S3Uri>/<account>/sagemaker/<region>/offline-store/<name>-<creation epoch>/data"
        # (feature-store-offline.html; real answers of 2021 and 2023).
        storage["ResolvedOutputS3Uri"] = (f"{storage['S3Uri'].rstrip('/')}/{ctx.account}/sagemaker/{ctx.region}/"
                                          f"offline-store/{document['FeatureGroupName']}-{_epoch(document)}/data")
    # DescribeFeatureGroup's NextToken is required by the model: every feature fits one page (2,500
    # are returned by default, and a group holds at most 2,500), so it is always empty.
    document["NextToken"] = ""
    document["_metadata"] = {feature["FeatureName"]: _feature_metadata(document, feature, ctx.now)
                             for feature in document["FeatureDefinitions"]}


def _feature_metadata(group: Document, feature: Document, now: _dt.datetime) -> Document:
    return {"FeatureGroupArn": group["FeatureGroupArn"], "FeatureGroupName": group["FeatureGroupName"],
            "FeatureName": feature["FeatureName"], "FeatureType": feature["FeatureType"], "CreationTime": now,
            "LastModifiedTime": now, "Parameters": [], "_id": f"{group['FeatureGroupArn']}#{feature['FeatureName']}"}


def _entered(document: Document, status: str, store: Store, now: _dt.datetime) -> None:
    """Once Created: the Glue table AWS names when none was given (`<name>_<creation epoch>` in
    `sagemaker_featurestore` of `AwsDataCatalog`), and an active offline store. The family keeps
    the groups Creating (the parallel-creation quota counts them)."""
    creating = store.backend(FeatureGroups).creating
    if status == "Creating":
        creating[document["FeatureGroupName"]] = True
    else:
        creating.pop(document["FeatureGroupName"], None)
    offline = document.get("OfflineStoreConfig")
    if status != "Created" or offline is None:
        return
    if not offline.get("DisableGlueTableCreation") and "DataCatalogConfig" not in offline:
        offline["DataCatalogConfig"] = {"TableName": f"{document['FeatureGroupName']}_{_epoch(document)}",
                                        "Catalog": CATALOG, "Database": DATABASE}
    if "OfflineStoreStatus" not in document:
        set_offline_store_status(document, "Active")


def set_offline_store_status(document: Document, status: str, reason: str | None = None) -> None:
    """A group's OfflineStoreStatus (Active, Blocked or Disabled), with the reason it is Blocked."""
    document["OfflineStoreStatus"] = {"Status": status, **({"BlockedReason": reason} if reason else {})}
    document["_offline_store_status"] = status  # what ListFeatureGroups sorts by


def report_offline_store_status(state: State, arn: str, status: str, reason: str | None) -> None:
    """The test's hand on the offline store (`MockSageMaker.set_offline_store_status`)."""
    allowed = service.enum_values("OfflineStoreStatusValue")
    if status not in allowed:
        raise ValueError(f"{status!r} is not an OfflineStoreStatus: {', '.join(allowed)}")
    store, document = state.locate(arn)
    with store.altering(arn, document):
        if document.get("OfflineStoreConfig") is None:
            raise ValueError(f"{document['FeatureGroupName']} has no offline store")
        store.changed(KIND)  # outside any operation: Search's cached views are stale
        set_offline_store_status(document, status, reason)


# -- the two status machines ---------------------------------------------------------------------------

class FeatureGroupLifecycle(Lifecycle):
    """The group's status machine, which also moves the status of the group's last update (a nested
    `Lifecycle` on the `LastUpdateStatus` document) wherever the group is read, and applies the
    update's changes when it succeeds."""

    def observe(self, document: Document, ctx: Context) -> bool:
        update = document.get("LastUpdateStatus")
        if update is not None and "_changes" in update:
            UPDATE_LIFECYCLE.observe(update, ctx)
            _settle(document, update, ctx.now)
        return super().observe(document, ctx)

    def in_transition(self, document: Document) -> bool:
        update = document.get("LastUpdateStatus")
        return super().in_transition(document) or (update is not None and UPDATE_LIFECYCLE.in_transition(update))

    def unsettled(self, document: Document) -> bool:
        update = document.get("LastUpdateStatus")
        return super().unsettled(document) or (update is not None and "_changes" in update)


#: The kind of the Feature Store runtime's records (`feature_store_runtime`), which go with their group.
RECORD_KIND = "feature-group-record"


def _gone(document: Document, _status: str, store: Store, _now: _dt.datetime) -> None:
    """A deleted group leaves its table, and its records go with it (the runtime family keeps them)."""
    store.table(KIND).remove(document)
    store.owner(RECORD_KIND).forget(document)


LIFECYCLE = FeatureGroupLifecycle(
    resource_type=KIND,
    status_key="FeatureGroupStatus",
    status_shape="FeatureGroupStatus",
    paths={"create": ("Creating", "Created"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "CreateFailed"), "delete": ("Deleting", "DeleteFailed")},
    name_key="FeatureGroupName",
    # DeleteFailed: "Delete failed, we need to try again" (aws-controllers-k8s feature_group hooks.go).
    accepts={"delete": ("Created", "CreateFailed", "DeleteFailed")},
    on_enter=_entered,
    on_gone=_gone,
)

#: LastUpdateStatus: "Throughput update is an asynchronous operation, and the outcome should be
#: monitored by polling LastUpdateStatus field in DescribeFeatureGroup response."
UPDATE_LIFECYCLE = Lifecycle(
    resource_type=UPDATE_KIND,
    status_key="Status",
    status_shape="LastUpdateStatusValue",
    paths={"update": ("InProgress", "Successful")},
    failure_paths={"update": ("InProgress", "Failed")},
    name_key="_name",
)


def _settle(group: Document, update: Document, now: _dt.datetime) -> None:
    """Apply a finished update's changes to the group (a failed update changes nothing)."""
    if update["Status"] == "InProgress":
        return
    changes = update.pop("_changes")
    if update["Status"] != "Successful":
        return
    additions = changes.get("FeatureAdditions") or []
    group["FeatureDefinitions"] = [*group["FeatureDefinitions"], *additions]
    for feature in additions:
        group["_metadata"][feature["FeatureName"]] = _feature_metadata(group, feature, now)
    online = changes.get("OnlineStoreConfig")
    if online is not None:
        config = group.setdefault("OnlineStoreConfig", {})
        if online.get("StorageType"):
            config["StorageType"] = online["StorageType"]
        ttl = online.get("TtlDuration")
        if ttl is not None:
            if ttl.get("Unit") is None:  # "set the TtlDuration Unit and Value to null" removes it
                config.pop("TtlDuration", None)
            else:
                config["TtlDuration"] = ttl
    throughput = changes.get("ThroughputConfig")
    if throughput is not None:
        config = group["ThroughputConfig"]
        mode = throughput.get("ThroughputMode") or config["ThroughputMode"]
        if mode == "OnDemand" and config["ThroughputMode"] != "OnDemand":
            group["_on_demand_since"] = now
        merged = {**config, **throughput, "ThroughputMode": mode}
        if mode == "OnDemand":
            for member in _CAPACITIES:
                merged.pop(member, None)
        group["ThroughputConfig"] = merged
    group["LastModifiedTime"] = now


# -- the declaration ------------------------------------------------------------------------------------

def _name_of(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _missing(arn: str) -> ServiceError:
    return ResourceNotFound(f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name {_name_of(arn)}")


def _duplicate(arn: str) -> ServiceError:
    name = _name_of(arn)
    return ResourceInUse(f"Resource Already Exists: FeatureGroup with name {name} already exists. Choose a "
                              f"different name.\nInfo: Feature Group '{name}' already exists.")

FEATURE_GROUP = Resource(
    "FeatureGroup",
    kind=KIND,
    missing=_missing,
    duplicate=_duplicate,
    lifecycle=LIFECYCLE,
    # The model states no default sort; SageMaker's other lists default to CreationTime, Descending.
    default_sort=("CreationTime", "Descending"),
    sort_members={"OfflineStoreStatus": "_offline_store_status"},
    filters={"OfflineStoreStatusEquals":
             lambda document, value: (document.get("OfflineStoreStatus") or {}).get("Status") == value},
    rules=(
        Rule(_check_stores, "CreateFeatureGroup: 'You must include at least one of OnlineStoreConfig and "
             "OfflineStoreConfig'; feature-store-storage-configurations-offline-store.html (InMemory has no offline "
             "store); DisableGlueTableCreation ('The Iceberg table format is only supported when this is set to "
             "False'); ThroughputConfig ('PROVISIONED ... only for feature groups that are offline-only, or use the "
             "Standard tier online store'); feature-store-quotas.html (capacity units)",
             claims=("You must include at least one of",)),
        Rule(_check_definition, "RecordIdentifierFeatureName 'must be one of feature definitions' names'; "
             "EventTimeFeatureName 'can be a String or Fractional'; FeatureDefinitions 'cannot be any of the "
             "following: is_deleted, write_time, api_invocation_time'; CollectionType; "
             "feature-store-collection-types.html; "
             "feature-store-quotas.html ('For feature groups in the Iceberg table format, you can only use String "
             "type for the event time')",
             claims=("RecordIdentifierFeatureName must be one of", "FeatureName cannot be any of",
                     "s cannot be any of the following", "Must have elements with fractional feature types",
                     "must have the same feature type")),
        Rule(_check_parallel_creations, "feature-store-quotas.html: 'Maximum number of concurrent feature group "
             "creation workflows: 4', answered as ResourceLimitExceeded (transcript in SuperCowPowers/workbench)"),
    ),
    on_create=_computed,
    waivers={
        "The name must be unique within an Amazon Web Services Region": "the engine refuses a name in use "
        "(ResourceInUse, AWS's message)",
        "Must start with an alphanumeric character": "the model's pattern checks it",
        "Can only include alphanumeric characters": "the model's pattern checks it",
        "Can only contains alphanumeric characters": "the model's pattern checks it",
        "The type must be a string": "the model's type checks it",
        "All Records in the FeatureGroup must have a corresponding EventTime": "a rule of records: "
        "sagemaker-featurestore-runtime's PutRecord enforces it (docs/feature-store-runtime.md)",
        "EventTime feature values must be": "a rule of records: sagemaker-featurestore-runtime's PutRecord and "
        "DeleteRecord read event times in these forms and refuse others (docs/feature-store-runtime.md)",
        "Data cannot be accessed from the OnlineStore immediately": "records belong to the runtime service, which "
        "answers a record as soon as it is put (the mock has no replication delay)",
        "caller (either user or IAM role)": "IAM and KMS are not modelled",
        "must have below permissions to the KmsKeyId": "IAM and KMS are not modelled",
        # UpdateFeatureGroup is written by hand in this module; its rules are checked there.
        "Updates the feature group by either adding features or updating the online store": "UpdateFeatureGroup "
        "refuses FeatureAdditions and OnlineStoreConfig in one request ('Use one of the following request parameters "
        "at a time')",
        "Features cannot be removed from a feature group": "the API has no member that removes one: FeatureAdditions "
        "only adds new names",
        "Migration is a one-way operation and cannot be reversed": "UpdateFeatureGroup refuses any StorageType "
        "change but Standard to Standard_V2",
        "You cannot update a feature group's throughput while another update is in progress": "UpdateFeatureGroup "
        "refuses any update while LastUpdateStatus is InProgress",
    },
    example={"FeatureGroupName": "churn-features", "RecordIdentifierFeatureName": "customer_id",
             "EventTimeFeatureName": "event_time",
             "FeatureDefinitions": [{"FeatureName": "customer_id", "FeatureType": "String"},
                                    {"FeatureName": "event_time", "FeatureType": "Fractional"},
                                    {"FeatureName": "tenure", "FeatureType": "Integral"}],
             "OnlineStoreConfig": {"EnableOnlineStore": True},
             "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://bucket/features"}},
             "RoleArn": "arn:aws:iam::123456789012:role/sagemaker"},
)


class FeatureGroups(Backend):
    groups = FEATURE_GROUP.table()

    def __init__(self, store: Store):
        super().__init__(store)
        #: The names (table keys) of the groups whose status is Creating, so that the quota on
        #: parallel creations is counted without reading every group of the store.
        self.creating: dict[str, bool] = {}

    @operation
    def describe_feature_group(self, params: Params, ctx: Context) -> Document:
        """The group; its NextToken pages FeatureDefinitions, which always fit one page."""
        document = self.groups.require(ctx, params["FeatureGroupName"])
        if params.get("NextToken"):
            raise ValidationError(pagination.BAD_TOKEN)
        return document

    @operation
    def update_feature_group(self, params: Params, ctx: Context) -> Document:
        """FeatureAdditions, OnlineStoreConfig or ThroughputConfig, applied when the update succeeds."""
        document = self.groups.require(ctx, params["FeatureGroupName"])
        status = document["FeatureGroupStatus"]
        if status not in UPDATABLE:
            raise ValidationError(f"The feature group {document['FeatureGroupName']} cannot be updated while it is "
                                  f"{status}: only a feature group that is Created can be.")
        last = document.get("LastUpdateStatus")
        if last is not None and last["Status"] == "InProgress":
            raise ValidationError(f"The feature group {document['FeatureGroupName']} cannot be updated while another "
                                  "update is in progress (LastUpdateStatus InProgress).")
        additions, online = params.get("FeatureAdditions"), params.get("OnlineStoreConfig")
        throughput = params.get("ThroughputConfig")
        if additions and online is not None:
            raise ValidationError("Use one of FeatureAdditions and OnlineStoreConfig at a time in an "
                                  "UpdateFeatureGroup request.")
        storage = _storage_type(document.get("OnlineStoreConfig"))
        if additions:
            _check_features(additions, storage, "FeatureAdditions", document["FeatureDefinitions"])
            total = len(document["FeatureDefinitions"]) + len(additions)
            if total > max_features():
                raise ResourceLimitExceeded(f"A feature group can have at most {max_features()} feature definitions; "
                                            f"these additions would make {total}.")
        if online is not None:
            _check_online_update(online, storage)
        if throughput is not None:
            _check_throughput_update(throughput, storage, document, ctx)
        changes = {member: value for member, value in (("FeatureAdditions", additions), ("OnlineStoreConfig", online),
                                                       ("ThroughputConfig", throughput)) if value}
        if changes:
            update = document["LastUpdateStatus"] = {"Status": "InProgress", "_name": document["FeatureGroupName"],
                                                     "_changes": changes}
            UPDATE_LIFECYCLE.begin(update, "update", ctx)
            _settle(document, update, ctx.now)
            if LIFECYCLE.unsettled(document):  # reads of the group move its update on
                self.groups.note_moving(document)
        return {"FeatureGroupArn": document["FeatureGroupArn"]}

    @operation
    def describe_feature_metadata(self, params: Params, ctx: Context) -> Document:
        return self._feature(params, ctx)

    @operation
    def update_feature_metadata(self, params: Params, ctx: Context) -> None:
        """Description, and parameters added (a key given again takes the new value) or removed."""
        metadata = self._feature(params, ctx)
        parameters = {parameter["Key"]: parameter["Value"] for parameter in metadata["Parameters"]}
        for key in params.get("ParameterRemovals") or ():
            parameters.pop(key, None)
        for parameter in params.get("ParameterAdditions") or ():
            # The model leaves both optional; FeatureParameter.Key: "A key that must contain a value".
            if parameter.get("Key") is None or parameter.get("Value") is None:
                raise ValidationError("Each of ParameterAdditions needs a Key and a Value: a key must contain a "
                                      "value to describe the feature.")
            parameters[parameter["Key"]] = parameter["Value"]
        if len(parameters) > max_parameters():
            raise ValidationError(f"A feature can have at most {max_parameters()} parameters; this update would give "
                                  f"{metadata['FeatureName']} {len(parameters)}.")
        if params.get("Description") is not None:
            metadata["Description"] = params["Description"]
        metadata["Parameters"] = [{"Key": key, "Value": value} for key, value in parameters.items()]
        metadata["LastModifiedTime"] = ctx.now
        return None

    def _feature(self, params: Params, ctx: Context) -> Document:
        group = self.groups.require(ctx, params["FeatureGroupName"])
        name = params["FeatureName"]
        found = group["_metadata"].get(name)
        if found is None:
            raise ResourceNotFound(f"Resource Not Found: Amazon SageMaker can't find a Feature with name {name} in "
                                   f"FeatureGroup {group['FeatureGroupName']}")
        return found  # type: ignore[no-any-return]


def _check_online_update(online: Document, storage: str | None) -> None:
    """OnlineStoreConfigUpdate: the TTL (both members, or neither to remove it) and the one-way
    StorageType migration, "from Standard to Standard_V2 ... cannot be reversed"."""
    _check_ttl(online, removable=True)
    target = online.get("StorageType")
    if target is None or target == storage:
        return
    if storage is None:
        raise ValidationError("The feature group has no online store: its StorageType cannot be updated.")
    if (storage, target) != ("Standard", "Standard_V2"):
        raise ValidationError(f"The online store cannot be migrated from {storage} to {target}: the only migration is "
                              "from Standard to Standard_V2, and it cannot be reversed.")


def _check_throughput_update(throughput: Document, storage: str | None, document: Document, ctx: Context) -> None:
    """"You can switch a feature group to on-demand only once in a 24 hour period", and the checks
    CreateFeatureGroup makes."""
    current = document["ThroughputConfig"]["ThroughputMode"]
    if throughput.get("ThroughputMode") == "OnDemand" and current != "OnDemand":
        since = document.get("_on_demand_since")
        if since is not None and ctx.now - since < _dt.timedelta(hours=24):
            raise ValidationError(f"The feature group {document['FeatureGroupName']} was switched to on-demand at "
                                  f"{since.isoformat()}: you can switch a feature group to on-demand only once in a "
                                  "24 hour period.")
    _check_throughput(throughput, storage, ctx, document)


# -- Search -----------------------------------------------------------------------------------------------

def _metadata_documents(store: Store, ctx: Context) -> list[Document]:
    return [metadata for group in store.table(KIND).live(ctx) for metadata in group["_metadata"].values()]


provide(Provider("FeatureGroup", "FeatureGroup", "FeatureGroupArn", lambda store: store.table(KIND).values(),
                 LIFECYCLE, {"Tags": own_tags("FeatureGroupArn")}, family="FeatureGroups", kind=KIND, table=KIND))
provide(Provider("FeatureMetadata", "FeatureMetadata", "_id", lambda store: (), family="FeatureGroups", kind=KIND,
                 live=_metadata_documents))
