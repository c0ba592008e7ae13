"""HyperPod clusters: persistent clusters of instance groups, each group materialised as nodes.

A declared resource (`core.resource`): ListClusters is derived from the model. The rest is written
here, because a cluster's ARN ends in an id SageMaker generates (`cluster/[a-z0-9]{12}`), not in its
name, while every operation names the cluster by name or ARN (`ClusterNameOrArn`), and because a
cluster carries nodes: each instance group of `InstanceCount` gets that many nodes, with EC2-style
instance ids (`i-` and 17 hex digits), logical ids, a launch time and the group's configuration,
which DescribeClusterNode and ListClusterNodes answer. Nodes are Pending while the cluster is
Creating (or a scale-up is Updating) and Running once it is InService; DescribeCluster's
`CurrentCount` counts the Running nodes of each group, `TargetCount` the count asked for.

Nodes and events live in the cluster's document as private fields (`_nodes`, `_events`;
`cluster_nodes` makes them), so snapshots, the server and Delete carry them with the cluster.
Events are recorded only for clusters whose `NodeProvisioningMode` is Continuous, the only mode
ListClusterEvents serves.
"""
from __future__ import annotations

from typing import Any

from ..core import arns, tags
from ..core.backend import Backend, Params, operation
from ..core.context import Context
from ..core.errors import ConflictError, ResourceNotFound, ValidationError
from ..core.lifecycle import GONE, Lifecycle
from ..core.pagination import Listing
from ..core.resource import Resource, Rule, in_use, not_found
from ..core.state import Store
from . import cluster_actions, cluster_nodes, plan_use
from .cluster_nodes import GROUP_LISTS, HEX, PENDING, RUNNING

Document = dict[str, Any]
KIND = "cluster"
STATUS = "ClusterStatus"


# -- the lifecycle -----------------------------------------------------------------------------

#: InstanceGroupStatus for each ClusterStatus a group follows the cluster into.
_GROUP_STATUS = {"Creating": "Creating", "InService": "InService", "Updating": "Updating", "Failed": "Failed",
                 "Deleting": "Deleting", "SystemUpdating": "SystemUpdating", "RollingBack": "Updating"}


def _entered(document: Document, status: str, store: Store, now: Any) -> None:
    """Nodes follow the cluster: Pending nodes run once it is InService, fail with it, shut down
    as it is deleted; each group's status and CurrentCount follow."""
    for node in document.get("_nodes", ()):
        state = node["InstanceStatus"]
        if status == "InService" and state["Status"] == PENDING:
            node["InstanceStatus"] = {"Status": RUNNING}
        elif status == "Failed" and state["Status"] == PENDING:
            node["InstanceStatus"] = {"Status": "Failure", "Message": document.get("FailureMessage")
                                      or document.get("_failure_reason") or "The cluster failed."}
        elif status == "Deleting":
            node["InstanceStatus"] = {"Status": "ShuttingDown"}
    group_status = _GROUP_STATUS.get(status)
    for group in cluster_nodes.groups(document):
        if group_status is not None:
            group["Status"] = group_status
    cluster_nodes.count(document)
    if status == "InService":
        cluster_actions.finish(document)


LIFECYCLE = Lifecycle(
    resource_type=KIND,
    status_key=STATUS,
    status_shape=STATUS,
    paths={"create": ("Creating", "InService"), "update": ("Updating", "InService"),
           "delete": ("Deleting", GONE)},
    failure_paths={"create": ("Creating", "Failed")},
    failure_key="FailureMessage",
    name_key="ClusterName",
    # UpdateCluster and UpdateClusterSoftware answer ConflictException for a cluster that is not
    # InService (the error they declare); DeleteCluster refuses only a cluster already being deleted.
    accepts={"update": ("InService",),
             "delete": ("Creating", "Failed", "InService", "RollingBack", "SystemUpdating", "Updating")},
    on_enter=_entered,
)


# -- rules ---------------------------------------------------------------------------------------

def _specs(params: Params) -> list[Document]:
    return [spec for key in GROUP_LISTS for spec in params.get(key) or ()]


def _group_rules(params: Params, ctx: Context) -> None:
    """Instance groups: names unique within the cluster, and either InstanceType or
    InstanceRequirements for each (ClusterInstanceGroupSpecification.InstanceRequirements: "If you
    specify this parameter, you cannot specify InstanceType"). A cluster needs at least one group
    (InstanceGroups or RestrictedInstanceGroups)."""
    specs = _specs(params)
    if ctx.operation == "CreateCluster" and not specs:
        raise ValidationError("A cluster needs at least one instance group: specify InstanceGroups or "
                              "RestrictedInstanceGroups.")
    names = [spec["InstanceGroupName"] for spec in specs]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValidationError(f"Instance group names must be unique within a cluster: {', '.join(repeated)} "
                              "is repeated.")
    for spec in params.get("InstanceGroups") or ():
        has_type = spec.get("InstanceType") is not None
        has_requirements = spec.get("InstanceRequirements") is not None
        if has_type == has_requirements:
            raise ValidationError(f"Instance group {spec['InstanceGroupName']}: specify either InstanceType or "
                                  "InstanceRequirements, but not both.")
        low = spec.get("MinInstanceCount")
        if low is not None and low > spec["InstanceCount"]:
            raise ValidationError(f"Instance group {spec['InstanceGroupName']}: MinInstanceCount ({low}) cannot be "
                                  f"greater than InstanceCount ({spec['InstanceCount']}).")


def _volumes(params: Params, ctx: Context) -> None:
    """ClusterEbsVolumeConfig.RootVolume: when True "You can't specify the VolumeSizeInGB field"
    and "You must specify a KMS key ID for VolumeKmsKeyId"; otherwise "You must specify the
    VolumeSizeInGB field". ClusterAutoPatchConfig.DrainPolicy: "Valid only when PatchingStrategy
    is DrainFirst"."""
    for spec in params.get("InstanceGroups") or ():
        name = spec["InstanceGroupName"]
        for storage in spec.get("InstanceStorageConfigs") or ():
            ebs = storage.get("EbsVolumeConfig")
            if ebs is None:
                continue
            if ebs.get("RootVolume"):
                if ebs.get("VolumeSizeInGB") is not None:
                    raise ValidationError(f"Instance group {name}: you can't specify VolumeSizeInGB for the root "
                                          "volume (RootVolume true): its size is determined for you.")
                if not ebs.get("VolumeKmsKeyId"):
                    raise ValidationError(f"Instance group {name}: a root volume configuration (RootVolume true) "
                                          "must specify VolumeKmsKeyId.")
            elif ebs.get("VolumeSizeInGB") is None:
                raise ValidationError(f"Instance group {name}: a secondary EBS volume configuration must specify "
                                      "VolumeSizeInGB.")
        patch = spec.get("AutoPatchConfig") or {}
        if patch.get("DrainPolicy") is not None and patch.get("PatchingStrategy") != "DrainFirst":
            raise ValidationError(f"Instance group {name}: DrainPolicy is valid only when PatchingStrategy is "
                                  "DrainFirst.")


def _orchestrator(params: Params, ctx: Context) -> None:
    """Orchestrator: "you must provide exactly one orchestrator configuration: either Eks or Slurm.
    Specifying both or providing an empty configuration returns a validation error";
    NodeProvisioningMode Continuous: "This mode is only supported for EKS orchestrated clusters"."""
    orchestrator = params.get("Orchestrator")
    if orchestrator is not None:
        given = [key for key in ("Eks", "Slurm") if orchestrator.get(key) is not None]
        if len(given) != 1:
            raise ValidationError("Orchestrator must have exactly one orchestrator configuration: either Eks or "
                                  "Slurm.")
    if params.get("NodeProvisioningMode") == "Continuous" and ctx.operation == "CreateCluster":
        if not (orchestrator or {}).get("Eks"):
            raise ValidationError("NodeProvisioningMode Continuous is only supported for EKS orchestrated "
                                  "clusters.")


def _role_kept(params: Params, ctx: Context) -> None:
    """UpdateCluster.ClusterRole: "Cannot be updated while autoscaling is enabled"."""
    role = params.get("ClusterRole")
    if role is None or ctx.operation != "UpdateCluster":
        return
    document = find(ctx.store.table(KIND), ctx, params["ClusterName"])
    if document is not None and role != document.get("ClusterRole") and \
            (document.get("AutoScaling") or {}).get("Mode") == "Enable":
        raise ValidationError("ClusterRole cannot be updated while autoscaling is enabled.")


def find(table: Any, ctx: Context, name_or_arn: str) -> Document | None:
    """The live cluster a request names: by ARN (its generated id) or by name."""
    found: Document | None = (table.find(ctx, name_or_arn) if arns.is_arn(name_or_arn)
                              else table.find_named(ctx, "ClusterName", name_or_arn))
    return found


def _plans_bought_for_clusters(params: Params, ctx: Context) -> None:
    """A group's TrainingPlanArn names a plan bought for HyperPod clusters (`plan_use`)."""
    for spec in _specs(params):
        if spec.get("TrainingPlanArn"):
            plan_use.require(ctx, spec["TrainingPlanArn"], "hyperpod-cluster")


def _refused(document: Document, doing: str) -> ConflictError:
    return ConflictError(f"Cannot {doing} cluster {document['ClusterArn']} while it is in status "
                         f"{document[STATUS]}.")


def _plans(document: Document) -> list[str]:
    return sorted({group["TrainingPlanArn"] for group in cluster_nodes.groups(document)
                   if group.get("TrainingPlanArn")})


def _summary_plans(document: Document) -> list[str] | None:
    """The training plans the cluster's groups run on (ListClusters' TrainingPlanArns)."""
    return _plans(document) or None


def _summary_image(document: Document) -> str | None:
    statuses = [group["ImageVersionStatus"] for group in cluster_nodes.groups(document)
                if group.get("ImageVersionStatus")]
    return statuses[0] if statuses else None


def _on_plan(document: Document, arn: Any) -> bool:
    return arn in _plans(document)


EXAMPLE_GROUP = {"InstanceGroupName": "workers", "InstanceType": "ml.t3.medium", "InstanceCount": 2,
                 "ExecutionRole": "arn:aws:iam::123456789012:role/hyperpod",
                 "LifeCycleConfig": {"SourceS3Uri": "s3://bucket/lifecycle/", "OnCreate": "on_create.sh"}}

CLUSTER = Resource(
    "Cluster",
    kind=KIND,
    # AWS's wording for these is not published; see docs/clusters.md.
    missing=not_found("Cluster {arn} not found."),
    duplicate=in_use("Cluster with name {arn} already exists."),
    lifecycle=LIFECYCLE,
    sort_members={"CREATION_TIME": "CreationTime", "NAME": "ClusterName"},
    summary={"TrainingPlanArns": _summary_plans, "ImageVersionStatus": _summary_image},
    filters={"TrainingPlanArn": _on_plan},
    rules=(
        Rule(_group_rules, "CreateCluster.InstanceGroups (ClusterInstanceGroupSpecification.InstanceRequirements: "
             "'If you specify this parameter, you cannot specify InstanceType'); a group is named once per cluster "
             "(UpdateCluster and BatchAddClusterNodes address groups by name)",
             claims=("The InstanceType and InstanceRequirements properties are mutually exclusive",),
             on=("create", "update")),
        Rule(_volumes, "ClusterEbsVolumeConfig.RootVolume and ClusterAutoPatchConfig.DrainPolicy",
             claims=("You can't specify the VolumeSizeInGB field", "You must specify the VolumeSizeInGB field",
                     "You must specify a KMS key ID for VolumeKmsKeyId", "Valid only when PatchingStrategy is"),
             on=("create", "update")),
        Rule(_orchestrator, "CreateCluster.Orchestrator: 'you must provide exactly one orchestrator configuration: "
             "either Eks or Slurm'; NodeProvisioningMode: 'This mode is only supported for EKS orchestrated "
             "clusters'",
             claims=("you must provide exactly one orchestrator configuration",), on=("create", "update")),
        Rule(_plans_bought_for_clusters, "DescribeTrainingPlan.TargetResources: 'A training plan for HyperPod "
             "clusters can be used exclusively to provide compute resources to a cluster's instance group'",
             on=("create", "update")),
        Rule(_role_kept, "UpdateCluster.ClusterRole: 'Cannot be updated while autoscaling is enabled'",
             claims=("Cannot be updated while autoscaling is enabled",), on=("update",)),
    ),
    waivers={
        "pods can only use IPv6 when the Amazon EKS cluster is explicitly IPv6-enabled": "networks and pods are not "
        "modelled: the VPC configuration is kept as given",
        "new instance groups inherit the AMI from the earliest existing instance group": "AMIs are not modelled "
        "beyond the ids given: a group's image is the one its specification or UpdateClusterSoftware names",
        "The custom AMI must be owned by the same": "EC2 images are not consulted: any ImageId the model's pattern "
        "admits is kept",
        "if an instance group uses a custom AMI, you must provide an ImageId or use the default": "AMIs are not "
        "modelled: UpdateClusterSoftware without an ImageId keeps each group's image",
        "The database must be reachable from the subnets": "the Slurm accounting database is not contacted",
        "The database user must be able to create the schema": "the Slurm accounting database is not contacted",
        "This role must have permissions for sagemaker:BatchAddClusterNodes": "IAM permissions are not modelled",
        "This is only required when autoscaling is enabled": "autoscaling is not performed: no operation needs the "
        "role, so a cluster without one is accepted",
    },
    # Describe answers groups as provisioned (ClusterInstanceGroupDetails: TargetCount and
    # CurrentCount for InstanceCount), autoscaling with its status.
    not_echoed=("InstanceGroups", "RestrictedInstanceGroups", "AutoScaling", "RestrictedInstanceGroupsConfig"),
    example={"ClusterName": "trainers", "InstanceGroups": [EXAMPLE_GROUP]},
)


class Clusters(Backend):
    clusters = CLUSTER.table()

    # -- finding -------------------------------------------------------------------------------

    def _find(self, ctx: Context, name_or_arn: str) -> Document | None:
        return find(self.clusters, ctx, name_or_arn)

    def _require(self, ctx: Context, name_or_arn: str) -> Document:
        document = self._find(ctx, name_or_arn)
        if document is None:
            raise CLUSTER.missing(name_or_arn)
        return document

    # -- create, describe, delete, update --------------------------------------------------------

    @operation
    def create_cluster(self, params: Params, ctx: Context) -> Document:
        name = params["ClusterName"]
        existing = self._find(ctx, name)
        if existing is not None:
            raise CLUSTER.duplicate(existing["ClusterName"])
        tags.check(params.get("Tags"))
        for rule in CLUSTER.rules:
            rule.check(params, ctx)
        arn = ctx.arn(KIND, ctx.random_id(12))
        document: Document = {"ClusterArn": arn, "ClusterName": name, "CreationTime": ctx.now}
        document["InstanceGroups"] = []  # required in DescribeCluster's answer, even for restricted groups alone
        for key in GROUP_LISTS:
            if params.get(key) is not None:
                document[key] = [cluster_nodes.group_details(spec, key) for spec in params[key]]
        for key in ("VpcConfig", "Orchestrator", "TieredStorageConfig", "NodeRecovery", "NodeProvisioningMode",
                    "ClusterRole"):
            if params.get(key) is not None:
                document[key] = params[key]
        if params.get("AutoScaling") is not None:
            document["AutoScaling"] = {**params["AutoScaling"], "Status": "InService"}
        if params.get("RestrictedInstanceGroupsConfig") is not None:
            shared = params["RestrictedInstanceGroupsConfig"]
            document["RestrictedInstanceGroupsConfig"] = cluster_nodes.shared_environment(shared)
        for group in cluster_nodes.groups(document):
            cluster_nodes.scale(document, group, group["TargetCount"], ctx, PENDING)
        cluster_nodes.event(document, ctx, "Cluster", f"Cluster {name} creation started.")
        for group in cluster_nodes.groups(document):
            cluster_nodes.event(
                document, ctx, "InstanceGroup", f"Instance group {group['InstanceGroupName']} created with target "
                f"count {group['TargetCount']}.", group=group["InstanceGroupName"])
        self.clusters.add(document, params.get("Tags"))
        LIFECYCLE.begin(document, "create", ctx)
        return {"ClusterArn": arn}

    @operation
    def describe_cluster(self, params: Params, ctx: Context) -> Document:
        return self._require(ctx, params["ClusterName"])

    @operation
    def delete_cluster(self, params: Params, ctx: Context) -> Document:
        document = self._require(ctx, params["ClusterName"])
        LIFECYCLE.guard(document, "delete", lambda status, accepted: _refused(document, "delete"))
        LIFECYCLE.begin(document, "delete", ctx)
        return {"ClusterArn": document["ClusterArn"]}

    @operation
    def update_cluster(self, params: Params, ctx: Context) -> Document:
        """Groups named in InstanceGroups are replaced by their new specification (new groups added),
        their nodes scaled to the new InstanceCount; InstanceGroupsToDelete take their nodes with
        them. A scale-up's new nodes are Pending until the cluster is InService again."""
        document = self._require(ctx, params["ClusterName"])
        LIFECYCLE.guard(document, "update", lambda status, accepted: _refused(document, "update"))
        for rule in CLUSTER.rules:
            if "update" in rule.on:
                rule.check(params, ctx)
        existing = {group["InstanceGroupName"] for group in cluster_nodes.groups(document)}
        doomed = list(params.get("InstanceGroupsToDelete") or ())
        unknown = sorted(set(doomed) - existing)
        if unknown:
            raise ValidationError(f"InstanceGroupsToDelete names instance groups the cluster does not have: "
                                  f"{', '.join(unknown)}.")
        both = sorted(set(doomed) & {spec["InstanceGroupName"] for spec in _specs(params)})
        if both:
            raise ValidationError(f"Instance group {', '.join(both)} cannot be both updated and deleted.")
        mode = params.get("NodeProvisioningMode")
        if mode is not None and mode != document.get("NodeProvisioningMode") and \
                not (document.get("Orchestrator") or {}).get("Eks"):
            raise ValidationError("NodeProvisioningMode Continuous is only supported for EKS orchestrated clusters.")
        before = {group["InstanceGroupName"]: cluster_actions.counts(group) for group in cluster_nodes.groups(document)}
        events_from = cluster_actions.begin(document)
        changes: list[tuple[str, Document, int]] = []
        for key in GROUP_LISTS:
            for spec in params.get(key) or ():
                groups = document.setdefault(key, [])
                details = cluster_nodes.group_details(spec, key)
                current = next((group for group in groups if group["InstanceGroupName"] == spec["InstanceGroupName"]),
                               None)
                if current is None:
                    groups.append(details)
                else:
                    details["CurrentCount"] = current.get("CurrentCount", 0)
                    for kept in _SOFTWARE:  # the software a group runs is UpdateClusterSoftware's to change
                        if kept in current and kept not in details:
                            details[kept] = current[kept]
                    groups[groups.index(current)] = details
                changes.append((key, details, spec["InstanceCount"]))
        for name in doomed:
            for key in GROUP_LISTS:
                document[key] = [group for group in document.get(key) or () if group["InstanceGroupName"] != name]
            for node in [node for node in document.get("_nodes", ()) if node["InstanceGroupName"] == name]:
                document["_nodes"].remove(node)
                cluster_nodes.event(document, ctx, "Instance", f"Node {node['InstanceId']} deleted.", group=name,
                                    instance=node["InstanceId"])
            cluster_nodes.event(document, ctx, "InstanceGroup", f"Instance group {name} deleted.", group=name)
        for key in ("TieredStorageConfig", "NodeRecovery", "NodeProvisioningMode", "ClusterRole", "Orchestrator"):
            if params.get(key) is not None:
                document[key] = params[key]
        if params.get("AutoScaling") is not None:
            document["AutoScaling"] = {**params["AutoScaling"], "Status": "InService"}
        if params.get("RestrictedInstanceGroupsConfig") is not None:
            document["RestrictedInstanceGroupsConfig"] = cluster_nodes.shared_environment(
                params["RestrictedInstanceGroupsConfig"])
        continuous = cluster_nodes.continuous(document)
        for _key, group, target in changes:
            # Continuous provisioning: "Your clusters and instance groups remain InService while
            # scaling"; new nodes are then Running at once.
            added, removed = cluster_nodes.scale(document, group, target, ctx, RUNNING if continuous else PENDING)
            if added or removed:
                cluster_nodes.event(
                    document, ctx, "InstanceGroup", f"Instance group {group['InstanceGroupName']} scaled to "
                    f"target count {target}.", group=group["InstanceGroupName"])
        if continuous:
            for group in cluster_nodes.groups(document):
                group["Status"] = "InService"
            cluster_nodes.count(document)
        scaled = cluster_actions.scaling(before, [group for _key, group, _target in changes])
        if scaled:
            cluster_actions.record(document, ctx, "Scaling", {"ScalingDetails": scaled}, events_from, done=continuous)
        if not continuous:
            LIFECYCLE.begin(document, "update", ctx)
        cluster_nodes.count(document)
        return {"ClusterArn": document["ClusterArn"]}

    @operation
    def update_cluster_software(self, params: Params, ctx: Context) -> Document:
        """New platform software (an AMI) for the named groups, or every group: each node's
        LastSoftwareUpdateTime is stamped, through Updating like an UpdateCluster."""
        document = self._require(ctx, params["ClusterName"])
        LIFECYCLE.guard(document, "update", lambda status, accepted: _refused(document, "update the software of"))
        wanted = {spec["InstanceGroupName"]: spec for spec in params.get("InstanceGroups") or ()}
        groups = {group["InstanceGroupName"]: group for group in cluster_nodes.groups(document)}
        unknown = sorted(set(wanted) - set(groups))
        if unknown:
            raise ValidationError(f"Instance group {', '.join(unknown)} does not exist in cluster "
                                  f"{document['ClusterArn']}.")
        chosen = [groups[name] for name in wanted] if wanted else list(groups.values())
        config = params.get("DeploymentConfig")
        for group in chosen:
            name = group["InstanceGroupName"]
            image = params.get("ImageId")
            if image is not None:
                group["CurrentImageId"] = group["DesiredImageId"] = image
            version = (wanted.get(name) or {}).get("ImageReleaseVersion")
            if version is not None:
                group["CurrentImageReleaseVersion"] = group["DesiredImageReleaseVersion"] = version
            if config is not None:
                group["ActiveSoftwareUpdateConfig"] = config
            group["SoftwareUpdateStatus"] = "Succeeded"
            for node in document.get("_nodes", ()):
                if node["InstanceGroupName"] == name:
                    node["LastSoftwareUpdateTime"] = ctx.now
                    for key in ("CurrentImageId", "DesiredImageId", "CurrentImageReleaseVersion",
                                "DesiredImageReleaseVersion"):
                        if group.get(key) is not None:
                            node[key] = group[key]
            cluster_nodes.event(
                document, ctx, "InstanceGroup", f"Software of instance group {name} updated.", group=name)
        LIFECYCLE.begin(document, "update", ctx)
        return {"ClusterArn": document["ClusterArn"]}

    # -- nodes -----------------------------------------------------------------------------------

    @operation
    def describe_cluster_node(self, params: Params, ctx: Context) -> Document:
        document = self._require(ctx, params["ClusterName"])
        node_id, logical = params.get("NodeId"), params.get("NodeLogicalId")
        if (node_id is None) == (logical is None):
            raise ValidationError("Specify either NodeId or NodeLogicalId, but not both.")
        key, wanted = ("InstanceId", node_id) if node_id is not None else ("NodeLogicalId", logical)
        node = next((node for node in document.get("_nodes", ()) if node[key] == wanted), None)
        if node is None:
            raise ResourceNotFound(f"Node {wanted} not found in cluster {document['ClusterArn']}.")
        return {"NodeDetails": node}

    @operation
    def list_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        """Nodes, filtered by group name and launch time, sorted by launch time (CREATION_TIME) or
        instance id (NAME), Ascending by default as documented; NodeLogicalId only when
        IncludeNodeLogicalIds is true."""
        document = self._require(ctx, params["ClusterName"])
        nodes = list(document.get("_nodes", ()))
        contains = params.get("InstanceGroupNameContains")
        if contains:
            nodes = [node for node in nodes if contains.lower() in node["InstanceGroupName"].lower()]
        page, token = _NODE_LISTING.run([{**node, "CreationTime": node["LaunchTime"]} for node in nodes], params)
        include_logical = bool(params.get("IncludeNodeLogicalIds"))
        summaries = []
        for node in page:
            summary = {key: node[key] for key in _NODE_SUMMARY if key in node}
            if not include_logical:
                summary.pop("NodeLogicalId", None)
            summaries.append(summary)
        return {"ClusterNodeSummaries": summaries, "NextToken": token}

    def _resolve_nodes(self, document: Document, params: Params) -> tuple[list[tuple[str, Document | None]],
                                                                           list[tuple[str, Document | None]]]:
        nodes = document.get("_nodes", ())
        by_id = [(wanted, next((node for node in nodes if node["InstanceId"] == wanted), None))
                 for wanted in params.get("NodeIds") or ()]
        by_logical = [(wanted, next((node for node in nodes if node["NodeLogicalId"] == wanted), None))
                      for wanted in params.get("NodeLogicalIds") or ()]
        if not by_id and not by_logical:
            raise ValidationError("Either NodeIds or NodeLogicalIds must be provided (or both).")
        return by_id, by_logical

    @operation
    def batch_delete_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        """Each node removed, or reported Failed with NodeIdNotFound; the group's TargetCount drops
        with each node taken from it. NodeLogicalIds: "up to 50"."""
        document = self._require(ctx, params["ClusterName"])
        by_id, by_logical = self._resolve_nodes(document, params)
        if by_logical and len(by_id) + len(by_logical) > 50:
            # NodeLogicalIds: "You must specify either NodeLogicalIds, InstanceIds, or both, with a
            # combined maximum of 50 identifiers."
            raise ValidationError(f"{len(by_id) + len(by_logical)} node identifiers given: NodeLogicalIds and NodeIds "
                                  "take a combined maximum of 50 identifiers.")
        answer: Document = {}
        for wanted, node, ok_key, failed_key, id_key in (
                *[(w, n, "Successful", "Failed", "NodeId") for w, n in by_id],
                *[(w, n, "SuccessfulNodeLogicalIds", "FailedNodeLogicalIds", "NodeLogicalId") for w, n in by_logical]):
            if node is None or node not in document.get("_nodes", ()):
                answer.setdefault(failed_key, []).append({"Code": "NodeIdNotFound", id_key: wanted,
                                                          "Message": f"Node {wanted} not found in cluster "
                                                          f"{document['ClusterName']}."})
                continue
            document["_nodes"].remove(node)
            for group in cluster_nodes.groups(document):
                if group["InstanceGroupName"] == node["InstanceGroupName"]:
                    group["TargetCount"] = max(0, group["TargetCount"] - 1)
            answer.setdefault(ok_key, []).append(wanted)
            cluster_nodes.event(
                document, ctx, "Instance", f"Node {node['InstanceId']} deleted.", group=node["InstanceGroupName"],
                instance=node["InstanceId"])
        cluster_nodes.count(document)
        return answer

    def _act_on_nodes(self, params: Params, ctx: Context, verb: str) -> Document:
        """Reboot or replace: each node found and Running is acted on (a replaced node gets a new
        instance id); others fail with InstanceIdNotFound or InvalidInstanceStatus."""
        document = self._require(ctx, params["ClusterName"])
        by_id, by_logical = self._resolve_nodes(document, params)
        answer: Document = {}
        for wanted, node, ok_key, failed_key, id_key in (
                *[(w, n, "Successful", "Failed", "NodeId") for w, n in by_id],
                *[(w, n, "SuccessfulNodeLogicalIds", "FailedNodeLogicalIds", "NodeLogicalId") for w, n in by_logical]):
            if node is None:
                answer.setdefault(failed_key, []).append({"ErrorCode": "InstanceIdNotFound", id_key: wanted,
                                                          "Message": f"Node {wanted} not found in cluster "
                                                          f"{document['ClusterName']}."})
                continue
            if node["InstanceStatus"]["Status"] != RUNNING:
                answer.setdefault(failed_key, []).append({"ErrorCode": "InvalidInstanceStatus", id_key: wanted,
                                                          "Message": f"Node {wanted} is "
                                                          f"{node['InstanceStatus']['Status']}, not Running."})
                continue
            if verb == "replace":
                old = node["InstanceId"]
                node["InstanceId"] = "i-" + ctx.random_id(17, HEX)
                node["LaunchTime"] = ctx.now
                cluster_nodes.event(document, ctx, "Instance", f"Node {old} replaced by {node['InstanceId']}.",
                                    group=node["InstanceGroupName"], instance=node["InstanceId"])
            else:
                cluster_nodes.event(document, ctx, "Instance", f"Node {node['InstanceId']} rebooted.",
                                    group=node["InstanceGroupName"], instance=node["InstanceId"])
            answer.setdefault(ok_key, []).append(wanted)
        answer.setdefault("Failed", [])
        answer.setdefault("FailedNodeLogicalIds", [])
        return answer

    @operation
    def batch_reboot_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        return self._act_on_nodes(params, ctx, "reboot")

    @operation
    def batch_replace_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        return self._act_on_nodes(params, ctx, "replace")

    @operation
    def batch_add_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        """Each group's TargetCount grows by IncrementTargetCountBy, one new node (with its logical id)
        per increment; "only supported for clusters using Continuous as the NodeProvisioningMode".
        The ClientToken is honoured by the core's idempotency ledger for 8 hours, as documented."""
        document = self._require(ctx, params["ClusterName"])
        if not cluster_nodes.continuous(document):
            raise ValidationError("BatchAddClusterNodes is only supported for clusters using Continuous as the "
                                  "NodeProvisioningMode.")
        total = sum(spec["IncrementTargetCountBy"] for spec in params["NodesToAdd"])
        if total > 50:
            raise ValidationError(f"NodesToAdd asks for {total} nodes: at most 50 nodes in total across all instance "
                                  "groups.")
        groups = {group["InstanceGroupName"]: group for group in cluster_nodes.groups(document)}
        before = {name: cluster_actions.counts(group) for name, group in groups.items()}
        events_from = cluster_actions.begin(document)
        successful: list[Document] = []
        failed: list[Document] = []
        for spec in params["NodesToAdd"]:
            name, count = spec["InstanceGroupName"], spec["IncrementTargetCountBy"]
            group = groups.get(name)
            if group is None:
                failed.append({"InstanceGroupName": name, "ErrorCode": "InstanceGroupNotFound", "FailedCount": count,
                               "Message": f"Instance group {name} does not exist in cluster "
                               f"{document['ClusterName']}."})
                continue
            types = spec.get("InstanceTypes")
            allowed = {group.get("InstanceType")} | set((group.get("InstanceRequirements") or {})
                                                         .get("CurrentInstanceTypes") or ())
            if types is not None and not set(types) <= allowed:
                failed.append({"InstanceGroupName": name, "ErrorCode": "IncompatibleInstanceTypes",
                               "FailedCount": count, "InstanceTypes": types,
                               "Message": f"Instance group {name} does not use "
                               f"{', '.join(sorted(set(types) - allowed))}."})
                continue
            if group.get("Status") not in ("InService", None):
                failed.append({"InstanceGroupName": name, "ErrorCode": "InvalidInstanceGroupStatus",
                               "FailedCount": count, "Message": f"Instance group {name} is {group['Status']}."})
                continue
            _, _ = cluster_nodes.scale(document, group, group["TargetCount"] + count, ctx, RUNNING)
            for node in document["_nodes"][-count:]:
                result = {"NodeLogicalId": node["NodeLogicalId"], "InstanceGroupName": name,
                          "Status": node["InstanceStatus"]["Status"]}
                if types is not None:
                    result["InstanceTypes"] = types
                successful.append(result)
                cluster_nodes.event(document, ctx, "Instance", f"Node {node['InstanceId']} added.", group=name,
                                    instance=node["InstanceId"])
        cluster_nodes.count(document)
        scaled = cluster_actions.scaling(before, [groups[name] for name in dict.fromkeys(
            result["InstanceGroupName"] for result in successful)])
        if scaled:
            cluster_actions.record(document, ctx, "Scaling", {"ScalingDetails": scaled}, events_from, done=True)
        return {"Successful": successful, "Failed": failed}

    # -- volumes, network interfaces, moves, health checks ------------------------------------------

    def _node_of(self, ctx: Context, cluster: str, node_id: str) -> tuple[Document, Document]:
        document = self._require(ctx, cluster)
        return document, cluster_actions.node(document, node_id)

    @operation
    def attach_cluster_node_volume(self, params: Params, ctx: Context) -> Document:
        """ClusterArn: "Your cluster must use EKS as the orchestration and be in the InService
        state"; NodeId: not of a restricted instance group; VolumeId: available (attached nowhere)."""
        document, node = self._node_of(ctx, params["ClusterArn"], params["NodeId"])
        cluster_actions.eks_in_service(document, "attach a volume")
        cluster_actions.outside_restricted(document, node)
        return cluster_actions.attach_volume(self.clusters.values(), document, node, params["VolumeId"], ctx)

    @operation
    def detach_cluster_node_volume(self, params: Params, ctx: Context) -> Document:
        """The cluster EKS and InService; VolumeId: "must be currently attached to the specified node"."""
        document, node = self._node_of(ctx, params["ClusterArn"], params["NodeId"])
        cluster_actions.eks_in_service(document, "detach a volume")
        return cluster_actions.detach_volume(document, node, params["VolumeId"])

    @operation
    def attach_cluster_node_network_interface(self, params: Params, ctx: Context) -> Document:
        """NodeId: "cannot be part of a Restricted Instance Group (RIG)"; an interface attached to
        another node is refused."""
        document, node = self._node_of(ctx, params["ClusterName"], params["NodeId"])
        cluster_actions.outside_restricted(document, node)
        return cluster_actions.attach_interface(self.clusters.values(), document, node, params["NetworkInterfaceId"],
                                                ctx)

    @operation
    def move_cluster_nodes(self, params: Params, ctx: Context) -> Document:
        """Nodes move between instance groups of one or two clusters (each InService, EKS,
        Continuous); exactly one of NodeIds, NodeLogicalIds or InstanceCount names them; within one
        cluster the groups differ. The ClientToken is honoured by the core's idempotency ledger."""
        given = [key for key in ("NodeIds", "NodeLogicalIds", "InstanceCount") if params.get(key) is not None]
        if len(given) != 1:
            raise ValidationError("Specify exactly one of NodeIds, NodeLogicalIds, or InstanceCount.")
        source, target = self._require(ctx, params["SourceClusterArn"]), self._require(ctx, params["TargetClusterArn"])
        source_group = cluster_actions.group_of(source, params["SourceInstanceGroupName"])
        target_group = cluster_actions.group_of(target, params["TargetInstanceGroupName"])
        if source is target and source_group is target_group:
            raise ValidationError("If the target cluster is the same as the source cluster, the target instance group "
                                  "must be different from the source instance group.")
        cluster_actions.movable(source, "source")
        cluster_actions.movable(target, "target")
        return cluster_actions.move(source, source_group, target, target_group, params, ctx)

    @operation
    def start_cluster_health_check(self, params: Params, ctx: Context) -> Document:
        """Deep health checks of the named groups (or of the instances named in each): each group
        and instance must be the cluster's. The checks pass at once (the mock's instances are
        healthy), recorded as a DeepHealthCheck operation that is Done, with an event per node."""
        document = self._require(ctx, params["ClusterName"])
        groups = {group["InstanceGroupName"] for group in cluster_nodes.groups(document)}
        checked: list[Document] = []
        for config in params["DeepHealthCheckConfigurations"]:
            name = config["InstanceGroupName"]
            if name not in groups:
                raise ResourceNotFound(f"Instance group {name} not found in cluster {document['ClusterArn']}.")
            members = [node for node in document.get("_nodes", ()) if node["InstanceGroupName"] == name]
            wanted = config.get("InstanceIds")
            if wanted:
                unknown = sorted(set(wanted) - {node["InstanceId"] for node in members})
                if unknown:
                    raise ResourceNotFound(f"Instance {', '.join(unknown)} not found in instance group {name} of "
                                           f"cluster {document['ClusterArn']}.")
                members = [node for node in members if node["InstanceId"] in wanted]
            checked.extend(members)
        events_from = cluster_actions.begin(document)
        for node in checked:
            cluster_nodes.event(document, ctx, "Instance", f"Deep health checks of node {node['InstanceId']} passed.",
                                group=node["InstanceGroupName"], instance=node["InstanceId"])
        cluster_actions.record(document, ctx, "DeepHealthCheck",
                               {"DeepHealthCheckDetails": params["DeepHealthCheckConfigurations"]}, events_from,
                               done=True)
        return {"ClusterArn": document["ClusterArn"]}

    # -- cluster operations ----------------------------------------------------------------------

    @operation
    def list_cluster_operations(self, params: Params, ctx: Context) -> Document:
        """Scaling operations and deep health checks, newest first by default ("the default is
        Descending"), filtered by Status, Type and a creation-time window."""
        document = self._require(ctx, params["ClusterName"])
        operations = list(document.get("_operations", ()))
        if params.get("Type") is not None:
            operations = [found for found in operations if found["Type"] == params["Type"]]
        page, token = _OPERATION_LISTING.run(operations, params)
        summaries = [{key: found[key] for key in ("OperationId", "ClusterArn", "Type", "Status", "CreationTime")}
                     for found in page]
        return {"ClusterOperationSummaries": summaries, "NextToken": token}

    @operation
    def describe_cluster_operation(self, params: Params, ctx: Context) -> Document:
        document = self._require(ctx, params["ClusterName"])
        return cluster_actions.find_operation(document, params["OperationId"])

    # -- events ----------------------------------------------------------------------------------

    def _events(self, ctx: Context, name_or_arn: str) -> tuple[Document, list[Document]]:
        document = self._require(ctx, name_or_arn)
        if not cluster_nodes.continuous(document):
            raise ValidationError("Cluster events are only supported when the NodeProvisioningMode is set to "
                                  "Continuous.")
        return document, list(document.get("_events", ()))

    @operation
    def list_cluster_events(self, params: Params, ctx: Context) -> Document:
        """Events newest first by default ("the default is Descending"), filtered by group, node,
        resource type, operation and a time window (strictly after / before)."""
        _, events = self._events(ctx, params["ClusterName"])
        tests = {"InstanceGroupName": "InstanceGroupName", "NodeId": "InstanceId", "ResourceType": "ResourceType",
                 "OperationId": "OperationId"}
        for member, key in tests.items():
            if params.get(member) is not None:
                events = [event for event in events if event.get(key) == params[member]]
        after, before = params.get("EventTimeAfter"), params.get("EventTimeBefore")
        if after is not None:
            events = [event for event in events if event["EventTime"] > after]
        if before is not None:
            events = [event for event in events if event["EventTime"] < before]
        page, token = _EVENT_LISTING.page(events, params)
        return {"Events": page, "NextToken": token}

    @operation
    def describe_cluster_event(self, params: Params, ctx: Context) -> Document:
        document, events = self._events(ctx, params["ClusterName"])
        event = next((event for event in events if event["EventId"] == params["EventId"]), None)
        if event is None:
            raise ResourceNotFound(f"Event {params['EventId']} not found for cluster {document['ClusterArn']}.")
        return {"EventDetails": event}


#: What a group runs, kept when UpdateCluster respecifies the group without naming an image.
_SOFTWARE = ("CurrentImageId", "DesiredImageId", "CurrentImageReleaseVersion", "DesiredImageReleaseVersion",
             "SoftwareUpdateStatus", "ActiveSoftwareUpdateConfig", "ImageVersionStatus")
_NODE_SUMMARY = ("InstanceGroupName", "InstanceId", "NodeLogicalId", "InstanceType", "LaunchTime",
                 "LastSoftwareUpdateTime", "InstanceStatus", "UltraServerInfo", "PrivateDnsHostname",
                 "CurrentImageReleaseVersion", "ImageVersionStatus")
_NODE_LISTING = Listing(sort_keys={"CREATION_TIME": "LaunchTime", "NAME": "InstanceId"}, default_sort="CREATION_TIME",
                        default_order="Ascending", id_key="InstanceId")
_OPERATION_LISTING = Listing(sort_keys={"CreationTime": "CreationTime"}, default_sort="CreationTime",
                            default_order="Descending", id_key="OperationId", status_key="Status",
                            status_param="Status")
_EVENT_LISTING = Listing(sort_keys={"EventTime": "EventTime"}, default_sort="EventTime", default_order="Descending",
                         id_key="EventId")
