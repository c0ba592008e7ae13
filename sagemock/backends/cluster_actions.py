"""What is done to a HyperPod cluster's nodes beyond creating and removing them, and the cluster
operations that record it.

clusters.py answers the operations; this module keeps the mechanics, on the cluster's document as
`cluster_nodes` keeps nodes and events:

* **Cluster operations** (`_operations`): ListClusterOperations and DescribeClusterOperation answer
  "scaling operations and deep health checks" (ClusterOperationType: Scaling, DeepHealthCheck).
  A Scaling operation is recorded by each UpdateCluster that changes an instance group's count and
  by each BatchAddClusterNodes that adds nodes (its documentation calls it "a safer alternative to
  UpdateCluster for scaling operations"); a DeepHealthCheck operation by StartClusterHealthCheck.
  An operation is InProgress until its work is done: at once where the nodes are ready at once
  (Continuous provisioning, health checks), else when the cluster is InService again. A newer
  scaling of the same group supersedes one still in progress. The events the action records carry
  its OperationId (ListClusterEvents' `OperationId` filter).
* **Volumes and network interfaces** attached to a node (`_volumes`, `_network_interfaces` of the
  node), which no Describe answers but attach and detach must agree on.
* **Moves** of nodes between instance groups (MoveClusterNodes).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.context import Context
from ..core.errors import ResourceNotFound, ValidationError
from . import cluster_nodes
from .cluster_nodes import HEX, RUNNING

Document = dict[str, Any]
IN_PROGRESS, DONE, SUPERSEDED = "InProgress", "Done", "Superseded"


def _uuid(ctx: Context) -> str:
    return "-".join(ctx.random_id(length, HEX) for length in (8, 4, 4, 4, 12))


# -- cluster operations ----------------------------------------------------------------------

def counts(group: Document) -> Document:
    """A group's counts as ClusterOperationScalingConfiguration holds them."""
    found = {"CurrentCount": group.get("CurrentCount", 0), "TargetCount": group.get("TargetCount", 0)}
    if group.get("MinCount") is not None:
        found["MinCount"] = group["MinCount"]
    return found


def begin(document: Document) -> int:
    """Where the events of an action start, for `record` to mark them with its operation."""
    return len(document.get("_events", ()))


def record(document: Document, ctx: Context, kind: str, details: Document, events_from: int, *,
           done: bool) -> Document:
    """An operation of `kind` with its details, which the events recorded since `events_from` belong to."""
    operation: Document = {"_seq": cluster_nodes.serial(document), "OperationId": _uuid(ctx),
                           "ClusterArn": document["ClusterArn"], "Type": kind,
                           "Status": DONE if done else IN_PROGRESS, "CreationTime": ctx.now, **details}
    if kind == "Scaling":
        names = {detail["InstanceGroupName"] for detail in details["ScalingDetails"]}
        for detail in details["ScalingDetails"]:
            detail["Status"] = operation["Status"]
        for earlier in document.get("_operations", ()):
            if earlier["Type"] == "Scaling" and earlier["Status"] == IN_PROGRESS and \
                    names & {detail["InstanceGroupName"] for detail in earlier["ScalingDetails"]}:
                _settle(earlier, SUPERSEDED)
    document.setdefault("_operations", []).append(operation)
    for event in document.get("_events", [])[events_from:]:
        event["OperationId"] = operation["OperationId"]
    return operation


def scaling(before: dict[str, Document], groups: Iterable[Document]) -> list[Document]:
    """ScalingDetails of the groups whose counts changed from `before` (a group new to the cluster
    scales from nothing)."""
    details = []
    for group in groups:
        original = before.get(group["InstanceGroupName"], {"CurrentCount": 0, "TargetCount": 0})
        desired = counts(group)
        if original.get("TargetCount") != desired["TargetCount"] or original.get("MinCount") != desired.get("MinCount"):
            details.append({"InstanceGroupName": group["InstanceGroupName"], "Original": original, "Desired": desired})
    return details


def _settle(operation: Document, status: str) -> None:
    operation["Status"] = status
    for detail in operation.get("ScalingDetails", ()):
        detail["Status"] = status


def finish(document: Document) -> None:
    """The cluster is InService again: what was in progress is done, each group at its count."""
    groups = {group["InstanceGroupName"]: group for group in cluster_nodes.groups(document)}
    for operation in document.get("_operations", ()):
        if operation["Status"] == IN_PROGRESS:
            for detail in operation.get("ScalingDetails", ()):
                if detail["InstanceGroupName"] in groups:
                    detail["Desired"]["CurrentCount"] = groups[detail["InstanceGroupName"]].get("CurrentCount", 0)
            _settle(operation, DONE)


def find_operation(document: Document, operation_id: str) -> Document:
    found: Document | None = next((operation for operation in document.get("_operations", ())
                                   if operation["OperationId"] == operation_id), None)
    if found is None:
        raise ResourceNotFound(f"Operation {operation_id} not found for cluster {document['ClusterArn']}.")
    return found


# -- nodes ------------------------------------------------------------------------------------

def node(document: Document, node_id: str) -> Document:
    found: Document | None = next((node for node in document.get("_nodes", ()) if node["InstanceId"] == node_id),
                                  None)
    if found is None:
        raise ResourceNotFound(f"Node {node_id} not found in cluster {document['ClusterArn']}.")
    return found


def outside_restricted(document: Document, found: Document) -> None:
    """NodeId: "cannot be part of a Restricted Instance Group (RIG)"."""
    restricted = {group["InstanceGroupName"] for group in document.get("RestrictedInstanceGroups") or ()}
    if found["InstanceGroupName"] in restricted:
        raise ValidationError(f"Node {found['InstanceId']} is part of the restricted instance group "
                              f"{found['InstanceGroupName']}: it cannot be acted on by this operation.")


def eks_in_service(document: Document, doing: str) -> None:
    """ClusterArn: "Your cluster must use EKS as the orchestration and be in the InService state"."""
    if not (document.get("Orchestrator") or {}).get("Eks"):
        raise ValidationError(f"Cannot {doing}: cluster {document['ClusterArn']} does not use EKS as the "
                              "orchestration.")
    if document["ClusterStatus"] != "InService":
        raise ValidationError(f"Cannot {doing}: cluster {document['ClusterArn']} is {document['ClusterStatus']}, "
                              "not InService.")


#: VolumeDeviceName's pattern `/dev/(xvd[a-z]|sd[b-z]|sd[f-p][1-6])`: the names handed out in order
#: (xvda is the root volume's).
_DEVICES = [f"/dev/xvd{letter}" for letter in "bcdefghijklmnopqrstuvwxyz"]


def attach_volume(clusters: Iterable[Document], document: Document, found: Document, volume_id: str,
                  ctx: Context) -> Document:
    """VolumeId: "The volume must be in the available state": one attached to a node of any cluster
    is not. The next free device name is the volume's."""
    for cluster in clusters:
        for held in cluster.get("_nodes", ()):
            if any(volume["VolumeId"] == volume_id for volume in held.get("_volumes", ())):
                raise ValidationError(f"Volume {volume_id} is not in the available state: it is attached to node "
                                      f"{held['InstanceId']}.")
    used = {volume["DeviceName"] for volume in found.get("_volumes", ())}
    device = next((name for name in _DEVICES if name not in used), None)
    if device is None:
        raise ValidationError(f"Node {found['InstanceId']} has no free device name for another volume.")
    attachment = {"VolumeId": volume_id, "DeviceName": device, "AttachTime": ctx.now}
    found.setdefault("_volumes", []).append(attachment)
    return {"ClusterArn": document["ClusterArn"], "NodeId": found["InstanceId"], "VolumeId": volume_id,
            "AttachTime": ctx.now, "Status": "attaching", "DeviceName": device}


def detach_volume(document: Document, found: Document, volume_id: str) -> Document:
    """VolumeId: "Your volume must be currently attached to the specified node"."""
    attachment = next((volume for volume in found.get("_volumes", ()) if volume["VolumeId"] == volume_id), None)
    if attachment is None:
        raise ValidationError(f"Volume {volume_id} is not attached to node {found['InstanceId']}.")
    found["_volumes"].remove(attachment)
    return {"ClusterArn": document["ClusterArn"], "NodeId": found["InstanceId"], "VolumeId": volume_id,
            "AttachTime": attachment["AttachTime"], "Status": "detaching", "DeviceName": attachment["DeviceName"]}


def attach_interface(clusters: Iterable[Document], document: Document, found: Document, interface_id: str,
                     ctx: Context) -> Document:
    """An ENI is attached to one instance at a time (EC2): one attached to any node is refused."""
    for cluster in clusters:
        for held in cluster.get("_nodes", ()):
            if any(eni["NetworkInterfaceId"] == interface_id for eni in held.get("_network_interfaces", ())):
                raise ValidationError(f"Network interface {interface_id} is already attached to node "
                                      f"{held['InstanceId']}.")
    attachment = {"NetworkInterfaceId": interface_id, "AttachmentId": "eni-attach-" + ctx.random_id(17, HEX)}
    found.setdefault("_network_interfaces", []).append(attachment)
    return {"ClusterArn": document["ClusterArn"], "NodeId": found["InstanceId"], **attachment}


# -- moving nodes ------------------------------------------------------------------------------

def movable(document: Document, side: str) -> None:
    """MoveClusterNodes: "Both clusters must be InService, use Amazon EKS orchestration, and use
    Continuous as the NodeProvisioningMode"."""
    if document["ClusterStatus"] != "InService" or not (document.get("Orchestrator") or {}).get("Eks") or \
            not cluster_nodes.continuous(document):
        raise ValidationError(f"The {side} cluster {document['ClusterArn']} must be InService, use Amazon EKS "
                              "orchestration and use Continuous as the NodeProvisioningMode.")


def group_of(document: Document, name: str) -> Document:
    found: Document | None = next((group for group in document.get("InstanceGroups") or ()
                                   if group["InstanceGroupName"] == name), None)
    if found is None:
        raise ResourceNotFound(f"Instance group {name} not found in cluster {document['ClusterArn']}.")
    return found


def move(source: Document, source_group: Document, target: Document, target_group: Document, params: Document,
         ctx: Context) -> Document:
    """Each node named (or, for InstanceCount, chosen) leaves the source group and joins the
    target's, keeping its instance id, logical id, addresses and capacity and taking the target
    group's configuration. Nodes are judged one by one (NodeIdNotFound, InvalidNodeStatus,
    NodeInstanceTypeMismatch); the request fails whole if the source group would fall below its
    MinCount, or if InstanceCount finds too few nodes to move."""
    members = [node for node in source.get("_nodes", ())
               if node["InstanceGroupName"] == source_group["InstanceGroupName"]]
    wanted_type = target_group.get("InstanceType")
    answer: Document = {"Successful": [], "Failed": [], "SuccessfulNodeLogicalIds": [], "FailedNodeLogicalIds": []}
    chosen: list[tuple[Document, str, str]] = []  # (node, the list it answers in, its id there)
    if params.get("InstanceCount") is not None:
        eligible = [node for node in members if node["InstanceStatus"]["Status"] == RUNNING
                    and (wanted_type is None or node["InstanceType"] == wanted_type)]
        if len(eligible) < params["InstanceCount"]:
            raise ValidationError(f"Only {len(eligible)} nodes of instance group {source_group['InstanceGroupName']} "
                                  f"are eligible to move; {params['InstanceCount']} were asked for.")
        chosen = [(node, "Successful", node["InstanceId"]) for node in eligible[:params["InstanceCount"]]]
    for key, answer_key, failed_key, id_key in (("NodeIds", "Successful", "Failed", "InstanceId"),
                                                ("NodeLogicalIds", "SuccessfulNodeLogicalIds", "FailedNodeLogicalIds",
                                                 "NodeLogicalId")):
        named_by = "NodeId" if key == "NodeIds" else "NodeLogicalId"
        for wanted in params.get(key) or ():
            node = next((node for node in members if node[id_key] == wanted), None)
            code, message = None, ""
            if node is None:
                code, message = "NodeIdNotFound", f"Node {wanted} not found in instance group " \
                    f"{source_group['InstanceGroupName']}."
            elif node["InstanceStatus"]["Status"] != RUNNING:
                code, message = "InvalidNodeStatus", \
                    f"Node {wanted} is {node['InstanceStatus']['Status']}, not Running."
            elif wanted_type is not None and node["InstanceType"] != wanted_type:
                code, message = "NodeInstanceTypeMismatch", f"Node {wanted} is {node['InstanceType']}; instance " \
                    f"group {target_group['InstanceGroupName']} runs {wanted_type}."
            elif any(node is already for already, _, _ in chosen):
                code, message = "NodeIdInUse", f"Node {wanted} is named twice in this move."
            if code is not None:
                answer[failed_key].append({"Code": code, "Message": message, named_by: wanted})
            else:
                assert node is not None
                chosen.append((node, answer_key, wanted))
    floor = source_group.get("MinCount")
    if floor is not None and len(members) - len(chosen) < floor:
        raise ValidationError(f"Moving {len(chosen)} nodes would reduce instance group "
                              f"{source_group['InstanceGroupName']} below its minimum instance count ({floor}).")
    spec = target_group["_spec"]
    for node, answer_key, wanted in chosen:
        source["_nodes"].remove(node)
        node["InstanceGroupName"] = target_group["InstanceGroupName"]
        for key in ("LifeCycleConfig", "ThreadsPerCore", "InstanceStorageConfigs"):
            node.pop(key, None)
            if spec.get(key) is not None:
                node[key] = spec[key]
        node["_volumes"] = []  # "The move replaces the node's root ... and secondary EBS volume"
        node["_seq"] = cluster_nodes.serial(target)
        target.setdefault("_nodes", []).append(node)
        answer[answer_key].append(wanted)
        for document, group in ((source, source_group), (target, target_group)):
            cluster_nodes.event(document, ctx, "Instance", f"Node {node['InstanceId']} moved from instance group "
                                f"{source_group['InstanceGroupName']} to {target_group['InstanceGroupName']}.",
                                group=group["InstanceGroupName"], instance=node["InstanceId"])
    moved = len(chosen)
    source_group["TargetCount"] = max(0, source_group["TargetCount"] - moved)
    target_group["TargetCount"] = target_group["TargetCount"] + moved
    cluster_nodes.count(source)
    cluster_nodes.count(target)
    return answer
