"""HyperPod cluster extensions: software SageMaker HyperPod installs on every node of a cluster
(`sagemaker-observability`, ...).

Hand-written, not declared: the extension differs from the engine's pattern in more places than
one small engine feature would cover, each of them a feature of its own:

* it is named by its ARN alone (`extension/<name>/<cluster id>/<id>`, the model's pattern
  `extension/(sagemaker|eks|pcs)-[a-z0-9-]+/[a-z0-9-]+/[a-z0-9]+`), an id SageMaker makes, always
  beside the ARN of its cluster: every operation takes the cluster's whole ARN, which must name a
  cluster that exists (`Cluster ... not found.`) and the extension's. The engine's `scope=` members
  are segments of the resource's own ARN path, not another resource's ARN checked for existence;
* a name is unique within its cluster ("can have only one extension with a given name"), not as a
  key: the engine refuses duplicates of the key alone, and none where SageMaker makes the id;
* DescribeClusterExtension answers the extension wrapped in `ExtensionDetails`, beside
  `NodeSummary` and `Health` computed from the cluster's nodes at the read;
* ListClusterExtensions requires the cluster and lists its extensions only, both time bounds
  inclusive ("at or before" CreationTimeBefore, where the engine's bound is exclusive);
* UpdateClusterExtension merges `ConfigurationValues`, a JSON object in a string, as a merge patch
  into the current settings (the engine replaces a member, or merges a structure), and keeps every
  version installed for ListClusterExtensionVersions, which no noun's pattern answers.

The cluster is read through the store (`store.table("cluster")`), never by importing its family; an
extension whose cluster is gone is gone with it.

The versions ListClusterExtensionVersions offers are what SageMaker HyperPod publishes, which a mock
cannot know: sagemock offers `sagemaker-observability` 1.0.0 (the API reference's example name and
version) and every version of an extension the account has installed, and accepts any version of
any extension whose name the ARN pattern admits.
"""
from __future__ import annotations

import json
from typing import Any

from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceInUse, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.table import Table

Document = dict[str, Any]
KIND = "extension"

#: The extensions sagemock offers before any is installed: the API reference's example.
OFFERED = {"sagemaker-observability": ("1.0.0",)}
#: The names an extension's ARN can hold (ExtensionArn's pattern).
PREFIXES = ("sagemaker-", "eks-", "pcs-")
_DETAILS = ("ClusterArn", "ExtensionArn", "ExtensionName", "ExtensionVersion", "Status", "ConfigurationValues",
            "CreationTime", "LastModifiedTime")
_SUMMARY = ("ExtensionArn", "ExtensionName", "ExtensionVersion", "Status", "CreationTime")

LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key="Status",
    status_shape="ExtensionStatus",
    paths={"create": ("Creating", "Active"), "update": ("Updating", "Active"), "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "CreateFailed")},
    failure_key=None,
    name_key="ExtensionName",
    # UpdateClusterExtension: "You can't update an extension while it is being deleted"; a delete
    # of one being deleted is refused likewise (both declare ConflictException).
    accepts={"update": ("Creating", "Active", "CreateFailed", "Updating", "DeleteFailed"),
             "delete": ("Creating", "Active", "CreateFailed", "Updating", "DeleteFailed")},
)


def _missing(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"Extension {arn} not found.")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _configuration(text: str) -> Document:
    """ConfigurationValues: "a JSON object serialized as a string"."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise ValidationError(f"ConfigurationValues is not valid JSON: {error}.") from None
    if not isinstance(value, dict):
        raise ValidationError("ConfigurationValues must be a JSON object serialized as a string.")
    return value


def _merged(current: Document, change: Document) -> Document:
    """UpdateClusterExtension's ConfigurationValues: "Settings that you include are changed,
    settings that you omit are unchanged, and a setting with the value null returns to its default
    value" (a JSON merge patch, nested settings merged alike)."""
    merged = dict(current)
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


class ClusterExtensions(Backend):
    extensions = Table.of(KIND, arn="ExtensionArn", name="ExtensionArn", missing=_missing, lifecycle=LIFECYCLE,
                          keyed_by_arn=True)

    # -- lookups ------------------------------------------------------------------------------

    def _cluster(self, ctx: Context, arn: str) -> Document:
        cluster: Document | None = ctx.store.table("cluster").find(ctx, arn)
        if cluster is None:
            raise ResourceNotFound(f"Cluster {arn} not found.")
        return cluster

    def _live(self, ctx: Context, cluster: Document) -> list[Document]:
        return [document for document in self.extensions.live(ctx) if document["ClusterArn"] == cluster["ClusterArn"]]

    def _extension(self, ctx: Context, params: Params) -> tuple[Document, Document]:
        cluster = self._cluster(ctx, params["ClusterArn"])
        document: Document | None = self.extensions.find(ctx, params["ExtensionArn"])
        if document is None or document["ClusterArn"] != cluster["ClusterArn"]:
            raise _missing(params["ExtensionArn"])
        return cluster, document

    def _offered(self, name: str) -> list[str]:
        """The versions of `name` on offer, highest first: sagemock's own, and every one installed."""
        versions = set(OFFERED.get(name, ()))
        versions |= {document["ExtensionVersion"] for document in self.extensions.values()
                     if document["ExtensionName"] == name}
        versions |= {version for document in self.extensions.values() if document["ExtensionName"] == name
                     for version in document.get("_versions", ())}
        return sorted(versions, key=_version, reverse=True)

    # -- operations ---------------------------------------------------------------------------

    @operation
    def create_cluster_extension(self, params: Params, ctx: Context) -> Document:
        """"The cluster must have NodeProvisioningMode set to Continuous and can have only one
        extension with a given name." Without ExtensionVersion, "the latest available version"."""
        cluster = self._cluster(ctx, params["ClusterArn"])
        name = params["ExtensionName"]
        if not name.startswith(PREFIXES):
            raise ResourceNotFound(f"Extension {name} is not offered by SageMaker HyperPod: extension names begin "
                                   f"with {', '.join(PREFIXES)}.")
        if cluster.get("NodeProvisioningMode") != "Continuous":
            raise ValidationError(f"Cluster {cluster['ClusterArn']} must have NodeProvisioningMode set to Continuous "
                                  "to install extensions.")
        taken = next((document for document in self._live(ctx, cluster) if document["ExtensionName"] == name), None)
        if taken is not None:
            raise ResourceInUse(f"Cluster {cluster['ClusterArn']} already has extension {name}: "
                                f"{taken['ExtensionArn']}.")
        configuration = params.get("ConfigurationValues")
        if configuration is not None:
            _configuration(configuration)
        offered = self._offered(name)
        version = params.get("ExtensionVersion") or (offered[0] if offered else "1.0.0")
        cluster_id = cluster["ClusterArn"].rsplit("/", 1)[-1]
        document: Document = {
            "ClusterArn": cluster["ClusterArn"],
            "ExtensionArn": ctx.arn(KIND, f"{name}/{cluster_id}/{ctx.random_id(12)}"),
            "ExtensionName": name, "ExtensionVersion": version,
            "CreationTime": ctx.now, "LastModifiedTime": ctx.now, "_versions": [version],
        }
        if configuration is not None:
            document["ConfigurationValues"] = configuration
        self.extensions.add(document, params.get("Tags"))
        LIFECYCLE.begin(document, "create", ctx)
        return {"ExtensionArn": document["ExtensionArn"]}

    @operation
    def describe_cluster_extension(self, params: Params, ctx: Context) -> Document:
        """The extension, how many of the cluster's nodes run it (all Running nodes once it is
        Active), and its health (no issues: the mock's nodes run it as configured)."""
        cluster, document = self._extension(ctx, params)
        nodes = cluster.get("_nodes", ())
        active = sum(1 for node in nodes if node["InstanceStatus"]["Status"] == "Running") \
            if document["Status"] == "Active" else 0
        return {"ExtensionDetails": {key: document[key] for key in _DETAILS if key in document},
                "NodeSummary": {"TotalCount": len(nodes), "ActiveCount": active}, "Health": {"Issues": []}}

    @operation
    def list_cluster_extensions(self, params: Params, ctx: Context) -> Document:
        """The cluster's extensions, oldest first, created "at or after" CreationTimeAfter and "at or
        before" CreationTimeBefore; up to 100 unless MaxResults says otherwise."""
        cluster = self._cluster(ctx, params["ClusterArn"])
        found = self._live(ctx, cluster)
        after, before = params.get("CreationTimeAfter"), params.get("CreationTimeBefore")
        found = [document for document in found if (after is None or document["CreationTime"] >= after)
                 and (before is None or document["CreationTime"] <= before)]
        page, token = _EXTENSION_LISTING.page(found, params)
        return {"Extensions": [{key: document[key] for key in _SUMMARY if key in document} for document in page],
                "NextToken": token}

    @operation
    def update_cluster_extension(self, params: Params, ctx: Context) -> Document:
        """A later version ("You can't update to an earlier version") and configuration changes
        merged into the current settings; neither changed retries the extension on every node."""
        _cluster, document = self._extension(ctx, params)
        LIFECYCLE.guard(document, "update", lambda status, accepted: ConflictError(
            f"Cannot update extension {document['ExtensionArn']} while it is in status {status}."))
        version = params.get("ExtensionVersion")
        if version is not None and _version(version) < _version(document["ExtensionVersion"]):
            raise ValidationError(f"You can't update extension {document['ExtensionName']} to an earlier version "
                                  f"({version} < {document['ExtensionVersion']}): delete it and create it again with "
                                  "that version.")
        change = params.get("ConfigurationValues")
        if change is not None:
            merged = _merged(_configuration(document.get("ConfigurationValues") or "{}"), _configuration(change))
            if merged:
                document["ConfigurationValues"] = json.dumps(merged, separators=(",", ":"))
            else:
                document.pop("ConfigurationValues", None)
        if version is not None:
            document["ExtensionVersion"] = version
            document.setdefault("_versions", []).append(version)
        document["LastModifiedTime"] = ctx.now
        LIFECYCLE.begin(document, "update", ctx)
        return {"ExtensionArn": document["ExtensionArn"]}

    @operation
    def delete_cluster_extension(self, params: Params, ctx: Context) -> Document:
        """Deleting, then gone: "it no longer appears in ListClusterExtensions, and
        DescribeClusterExtension returns a ResourceNotFound error"."""
        _cluster, document = self._extension(ctx, params)
        LIFECYCLE.guard(document, "delete", lambda status, accepted: ConflictError(
            f"Cannot delete extension {document['ExtensionArn']} while it is in status {status}."))
        LIFECYCLE.begin(document, "delete", ctx)
        return {"ExtensionArn": document["ExtensionArn"]}

    @operation
    def list_cluster_extension_versions(self, params: Params, ctx: Context) -> Document:
        """"from the highest version to the lowest"; an extension not offered lists none."""
        versions = [{"ExtensionVersion": version, "_order": "/".join(f"{part:09d}" for part in _version(version))}
                    for version in self._offered(params["ExtensionName"])]
        page, token = _VERSION_LISTING.page(versions, params)
        return {"ExtensionVersions": [{"ExtensionVersion": found["ExtensionVersion"]} for found in page],
                "NextToken": token}


LIFECYCLE.on_gone = lambda document, _status, store, _now: store.table(KIND).remove(document)

_EXTENSION_LISTING = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                             default_order="Ascending", id_key="ExtensionArn", default_max=100)
_VERSION_LISTING = Listing(sort_keys={"Version": "_order"}, default_sort="Version", default_order="Descending",
                           id_key="ExtensionVersion", default_max=100)
